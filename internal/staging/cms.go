// Package staging holds what turns a restored database and file tree into a
// staging site that cannot hurt anyone (the registry of restored copies is
// package registry's):
//
//   - URL rewriting across a whole database, correct inside PHP-serialized
//     values (lengths recomputed, nested too), JSON-escaped, URL-encoded and
//     scheme-less forms (urlrewrite.go);
//   - per-CMS fixes (WordPress, PrestaShop, Magento 2, Drupal): the site URL
//     settings, search engines off, outgoing mail off, a visible staging
//     marker, and a temporary support administrator (cms.go and one file per
//     CMS);
//   - the CMS's configuration file pointed at the staging database
//     (config.go).
//
// Library code: no printing, errors wrapped with %w, context first.
package staging

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stagecopy/stagecopy/internal/registry"
)

// ErrUnknownCMS is returned by Lookup for a name it does not know, and by
// Detect when no CMS's tables are present.
var ErrUnknownCMS = errors.New("staging: unknown CMS")

// FixOptions says what a CMS's Fix should do.
type FixOptions struct {
	// URL is the staging site's URL ("https://staging.example.test" or
	// with a path), or "" to leave the URL settings alone.
	URL string
	// OldURL is the source site's URL as Fix found it (SiteURL); Fix uses
	// it only for settings that store parts of it (a bare host name).
	OldURL string
	// FilesDir is the restored site tree, or "" when no files were
	// restored. Fixes that need files (a WordPress mu-plugin that turns
	// mail off) write there, and only there.
	FilesDir string
	// StagingID names this restore; it goes into the visible marker.
	StagingID string
}

// FixReport says what Fix changed, as lines a person reads ("search engines
// off: blog_public=0"), and what it could not do (Warnings).
type FixReport struct {
	Changes  []string `json:"changes"`
	Warnings []string `json:"warnings,omitempty"`
	// Files are the files Fix wrote, relative to FilesDir.
	Files []string `json:"files,omitempty"`
}

// Admin is the temporary administrator CreateAdmin made, as the registry
// keeps it.
type Admin = registry.Admin

// CMS is one content management system's staging knowledge. Every method
// works on db, a connection to the restored database (and only that
// database: table names are unqualified).
type CMS interface {
	// Name is the CMS's name as --cms takes it: "wordpress",
	// "prestashop", "magento2", "drupal".
	Name() string
	// Prefix is the table prefix the site uses ("wp_", "ps_", "").
	Prefix() string
	// SiteURL returns the site's URL as stored in the database, without a
	// trailing slash, or "" when the CMS does not store one (Drupal).
	SiteURL(ctx context.Context, db *sql.DB) (string, error)
	// Fix applies the staging fixes: URL settings (when opts.URL is set),
	// search engines off, outgoing mail off, staging marker.
	Fix(ctx context.Context, db *sql.DB, opts FixOptions) (FixReport, error)
	// CreateAdmin creates an administrator account named name with the
	// given password, hashed in the CMS's own format, and returns what
	// RemoveAdmin needs. It refuses a name that exists already.
	CreateAdmin(ctx context.Context, db *sql.DB, name, email, password string) (Admin, error)
	// RemoveAdmin deletes the account CreateAdmin made, and everything
	// CreateAdmin wrote for it (roles, meta rows). Removing an account
	// that is already gone is not an error.
	RemoveAdmin(ctx context.Context, db *sql.DB, a Admin) error
	// SkipColumn reports whether URL rewriting must leave table.column
	// alone (password hashes, GUIDs). table is the full table name.
	SkipColumn(table, column string) bool
	// AccountTables are the tables, by full name, that hold the CMS's
	// accounts and that CreateAdmin writes: the support admin's login and
	// password hash live there.
	AccountTables() []string
}

// detector finds one CMS in a list of table names, returning nil when it is
// not there.
type detector struct {
	name   string
	detect func(tables []string) CMS
}

// detectors are tried in order; the first that matches wins. WooCommerce
// is WordPress.
var detectors []detector

func register(name string, detect func(tables []string) CMS) {
	detectors = append(detectors, detector{name, detect})
}

// Names returns the CMS names Lookup accepts.
func Names() []string {
	var out []string
	for _, d := range detectors {
		out = append(out, d.name)
	}
	slices.Sort(out)
	return out
}

// Tables lists the base tables of the database db is connected to.
func Tables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")
	if err != nil {
		return nil, fmt.Errorf("staging: listing tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Detect finds the CMS whose tables the database holds. It returns
// ErrUnknownCMS when none matches.
func Detect(ctx context.Context, db *sql.DB) (CMS, error) {
	tables, err := Tables(ctx, db)
	if err != nil {
		return nil, err
	}
	return DetectTables(tables)
}

// DetectTables is Detect on a list of table names: restore uses it on the
// tables an archive's schema entries create, before it loads anything.
func DetectTables(tables []string) (CMS, error) {
	for _, d := range detectors {
		if c := d.detect(tables); c != nil {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: no WordPress, PrestaShop, Magento 2 or Drupal tables found", ErrUnknownCMS)
}

// Lookup returns the CMS named name (as --cms gives it), detecting its
// table prefix from the database's tables.
func Lookup(ctx context.Context, db *sql.DB, name string) (CMS, error) {
	tables, err := Tables(ctx, db)
	if err != nil {
		return nil, err
	}
	return LookupTables(tables, name)
}

// LookupTables is Lookup on a list of table names.
func LookupTables(tables []string, name string) (CMS, error) {
	for _, d := range detectors {
		if d.name != strings.ToLower(name) {
			continue
		}
		if c := d.detect(tables); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("%w: --cms %s, but none of its tables are there", ErrUnknownCMS, name)
	}
	return nil, fmt.Errorf("%w: %q (known: %s)", ErrUnknownCMS, name, strings.Join(Names(), ", "))
}

// prefixOf returns the prefix p such that every suffix in need exists as
// p+suffix in tables, trying the prefixes that end one of the tables named
// p+need[0]. It returns ok=false when there is none.
func prefixOf(tables []string, need ...string) (string, bool) {
	set := make(map[string]bool, len(tables))
	for _, t := range tables {
		set[t] = true
	}
	var cands []string
	for _, t := range tables {
		if p, ok := strings.CutSuffix(t, need[0]); ok {
			cands = append(cands, p)
		}
	}
	// Shortest prefix first: "wp_" before "wp_2_" on a multisite.
	slices.SortFunc(cands, func(a, b string) int { return len(a) - len(b) })
next:
	for _, p := range cands {
		for _, n := range need[1:] {
			if !set[p+n] {
				continue next
			}
		}
		return p, true
	}
	return "", false
}

// prefixed returns each name with prefix before it.
func prefixed(prefix string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
