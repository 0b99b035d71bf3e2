package restore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/dbconn"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/staging"
)

// stage applies the CMS's staging fixes: URL rewrite, search engines and
// mail off, marker, support admin.
func (r *restorer) stage(ctx context.Context, server *mysql.Config, name string, result *Result) error {
	if r.opts.CMS == "none" && r.opts.URL == "" {
		return nil
	}
	cfg := *server
	cfg.DBName = name
	conn, err := mysql.NewConnector(&cfg)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	r.progress("staging fixes", "")
	var cms staging.CMS
	switch r.opts.CMS {
	case "none":
	case "":
		cms, err = staging.Detect(ctx, db)
		if errors.Is(err, staging.ErrUnknownCMS) && r.opts.SupportAdmin == "" && (r.opts.URL == "" || r.opts.OldURL != "") {
			r.warnf("no CMS recognized (%v): no staging fixes applied (search engines and mail are NOT off); name one with --cms", err)
			cms, err = nil, nil
		}
	default:
		cms, err = staging.Lookup(ctx, db, r.opts.CMS)
	}
	if err != nil {
		return err
	}
	old := r.opts.OldURL
	skip := func(table, column string) bool {
		return table == registry.MarkerTable || staging.IsSecretColumn(column)
	}
	if cms != nil {
		result.CMS = cms.Name()
		r.entry.CMS = cms.Name()
		if old == "" {
			if old, err = cms.SiteURL(ctx, db); err != nil {
				return err
			}
		}
		skip = func(table, column string) bool { return table == registry.MarkerTable || cms.SkipColumn(table, column) }
	}
	result.OldURL = old
	switch {
	case r.opts.URL == "":
	case old == "":
		r.warnf("the source site's URL is not in the database (%s): URLs in content were not rewritten; give it with --from-url", result.CMS)
	case !sameURL(old, r.opts.URL):
		rw, err := staging.NewURLRewriter(old, r.opts.URL)
		if err != nil {
			return fmt.Errorf("restore: --url: %w", err)
		}
		if result.Rewrite, err = staging.RewriteDatabase(ctx, db, rw, skip); err != nil {
			return err
		}
	}
	if cms == nil {
		return nil
	}
	result.Fix, err = cms.Fix(ctx, db, staging.FixOptions{URL: r.opts.URL, OldURL: old, FilesDir: r.entry.FilesDir, StagingID: r.entry.ID})
	if r.made != nil {
		for _, f := range result.Fix.Files {
			r.wrote(filepath.ToSlash(f)) // undo removes them if a later step fails
		}
	}
	if err != nil {
		return err
	}
	for _, w := range result.Fix.Warnings {
		r.warnf("%s", w)
	}
	if r.opts.RewriteConfig {
		creds := staging.DBCreds{Database: name, User: server.User, Password: server.Passwd}
		creds.Host, creds.Port, creds.Socket = dbconn.Address(server)
		rep, err := staging.RewriteConfig(r.entry.FilesDir, cms.Name(), creds, r.opts.URL)
		if err != nil {
			return fmt.Errorf("restore: --rewrite-config: %w", err)
		}
		result.Config = &rep
		for _, w := range rep.Warnings {
			r.warnf("%s", w)
		}
	}
	if r.opts.SupportAdmin != "" {
		pw, err := randomPassword()
		if err != nil {
			return err
		}
		email := r.opts.SupportEmail
		if email == "" {
			email = strings.ToLower(r.opts.SupportAdmin) + "@staging.example.invalid"
		}
		a, err := cms.CreateAdmin(ctx, db, r.opts.SupportAdmin, email, pw)
		if err != nil {
			return err
		}
		a.Expires = r.entry.Expires
		r.entry.Admin = &a
		result.AdminPassword = pw
	}
	return nil
}

func sameURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

// randomPassword returns 24 characters from a 57-letter alphabet (about
// 140 bits): letters and digits without look-alikes (0/O, 1/l/I), nothing
// that shells or CMS login forms mangle.
func randomPassword() (string, error) {
	const chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	var b [24]byte
	out := make([]byte, len(b))
	for i := range out {
		for {
			if _, err := rand.Read(b[i : i+1]); err != nil {
				return "", err
			}
			// Rejection sampling: no modulo bias.
			if int(b[i]) < 256-256%len(chars) {
				out[i] = chars[int(b[i])%len(chars)]
				break
			}
		}
	}
	return string(out), nil
}
