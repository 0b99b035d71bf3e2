package restore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/dbconn"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/staging"
)

// notSafe is what only a CMS's staging fixes, or the operator's restore
// rules, make safe on a copy: without a CMS, restore says these are as
// the source site had them.
var notSafe = []string{
	"outgoing mail (SMTP and mailer settings, queued mail)",
	"the application's cron and scheduled jobs (the database's own events are disabled)",
	"webhooks and API callbacks to other services",
	"payment settings (live gateway keys and modes)",
}

// stage applies the CMS's staging fixes (URL rewrite, search engines and
// mail off, marker, support admin), then the restore rules of
// Options.Rules; without a CMS it warns about what it could not make safe.
func (r *restorer) stage(ctx context.Context, server *mysql.Config, name string, result *Result) error {
	hasRules := r.opts.Rules != nil && len(r.opts.Rules.Restore) > 0
	if r.opts.CMS == "none" && r.opts.URL == "" && !hasRules {
		r.warnNotSafe(result)
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
	if err := r.fixCMS(ctx, db, server, name, result); err != nil {
		return err
	}
	if hasRules {
		r.progress("restore rules", "")
		if result.RuleChanges, err = applyRestoreRules(ctx, db, r.opts.Rules); err != nil {
			return err
		}
		for _, c := range result.RuleChanges {
			if c.Rows == 0 && c.Rule.HasKey {
				r.warnf("restore rule %q (%s): no row has %s %q, so nothing was set: check that the key is written as in the table", c.Rule.Written, c.Rule.Pos, c.Rule.KeyColumn, c.Rule.Key)
			}
		}
	}
	if result.CMS == "" {
		r.warnNotSafe(result)
	}
	return nil
}

// warnNotSafe says, for a copy no CMS's fixes ran on, what stagecopy could
// not make safe, and what the restore rules did about it.
func (r *restorer) warnNotSafe(result *Result) {
	result.NotSafe = notSafe
	why := "no CMS recognized (no WordPress, PrestaShop, Magento 2 or Drupal tables found), so no staging fixes were applied"
	if r.opts.CMS == "none" {
		why = "--cms none: no staging fixes were applied"
	}
	what := "neutralise them before the site runs: a restore: section in a rules file, given with --rules FILE, sets chosen columns or key/value settings on the copy (docs/rules.md)"
	if r.opts.CMS != "none" {
		what += "; or name the CMS with --cms"
	}
	if rs := r.opts.Rules; rs != nil && len(rs.Restore) > 0 {
		what = fmt.Sprintf("only what the restore rules of %s set (%d, listed in the summary) was changed: check that they cover all of these", rs.Sources[len(rs.Sources)-1], len(rs.Restore))
	}
	r.warnf("%s: stagecopy did NOT make this copy safe to run: %s are as the source site had them; %s", why, strings.Join(notSafe, ", "), what)
}

// fixCMS detects the CMS (or takes Options.CMS) and applies its staging
// fixes; with no CMS it only rewrites the URL, given --from-url.
func (r *restorer) fixCMS(ctx context.Context, db *sql.DB, server *mysql.Config, name string, result *Result) error {
	// The tables as loaded decide (Run looked at the archive's schema
	// entries before, when it could read the archive twice).
	var cms staging.CMS
	var err error
	if r.opts.CMS != "none" {
		tables, err := staging.Tables(ctx, db)
		if err != nil {
			return err
		}
		if cms, err = detectCMS(tables, r.opts.CMS, needsCMS(r.opts)); err != nil {
			return err
		}
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
	if cms != nil && r.opts.SupportAdmin != "" {
		// Before any fix runs: the archive's triggers stay in place.
		if err := accountObjects(ctx, db, name, cms); err != nil {
			return err
		}
	}
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

// accountObjects refuses a database in which a view, trigger, routine or
// event names one of the CMS's account tables, or a trigger fires on one:
// the support admin's login and password hash go into those tables, and
// such an object could copy them elsewhere or change them (as the admin is
// made, or whenever the site later writes the table the trigger is on).
// With no dynamic SQL in an archive (the guard refuses PREPARE), an object
// reaches a table only by naming it, or through another object that does,
// which is refused too. The check runs on what the server holds once the
// whole archive ran (an objects entry may rename or drop tables), with the
// CMS that the admin is made in.
func accountObjects(ctx context.Context, db *sql.DB, name string, cms staging.CMS) error {
	tables := cms.AccountTables()
	rows, err := db.QueryContext(ctx, `
		SELECT 'trigger', TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
		UNION ALL SELECT 'view', TABLE_NAME, '', VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?
		UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, '', ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
		UNION ALL SELECT 'event', EVENT_NAME, '', EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`,
		name, name, name, name)
	if err != nil {
		return fmt.Errorf("restore: list the database's triggers, views, routines and events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, object, on string
		var body sql.NullString
		if err := rows.Scan(&kind, &object, &on, &body); err != nil {
			return err
		}
		what := fmt.Sprintf("%s %s", kind, object)
		if slices.ContainsFunc(tables, func(t string) bool { return strings.EqualFold(t, on) }) {
			return fmt.Errorf("%w: %s fires on %s", ErrAccountObject, what, on)
		}
		if !body.Valid {
			return fmt.Errorf("%w: the body of %s cannot be read", ErrAccountObject, what)
		}
		t, err := dbload.NameIn([]byte(body.String), tables)
		if err != nil {
			return fmt.Errorf("%w: the body of %s cannot be read: %v", ErrAccountObject, what, err)
		}
		if t != "" {
			return fmt.Errorf("%w: %s names %s", ErrAccountObject, what, t)
		}
	}
	return rows.Err()
}
