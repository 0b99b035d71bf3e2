package staging

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// This file holds what the PrestaShop, Magento 2 and Drupal fixes share:
// the staging URL split into the parts CMS settings store, transactions,
// and small catalog queries.

// cmsURL is a site URL split the way CMS settings keep it.
type cmsURL struct {
	Scheme string // "http" or "https"
	Host   string // host, with ":port" when the URL has one
	Path   string // "" or "/shop", never with a trailing slash
}

// parseCMSURL checks that raw is an absolute http(s) URL without query or
// fragment and splits it.
func parseCMSURL(raw string) (cmsURL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return cmsURL{}, fmt.Errorf("staging URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return cmsURL{}, fmt.Errorf("staging URL %q: want an http:// or https:// URL", raw)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return cmsURL{}, fmt.Errorf("staging URL %q: want scheme, host and optional path only (no user, query or fragment)", raw)
	}
	return cmsURL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: strings.TrimRight(u.EscapedPath(), "/")}, nil
}

// String returns the URL without a trailing slash.
func (u cmsURL) String() string { return u.Scheme + "://" + u.Host + u.Path }

// Dir returns the path with leading and trailing slashes: "/" or "/shop/",
// as PrestaShop's physical_uri and Magento's base URLs want it.
func (u cmsURL) Dir() string { return u.Path + "/" }

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a transaction, committed when fn returns nil and rolled
// back otherwise, so that an account is never half created.
func inTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// tableExists reports whether the current database has a base table name.
func tableExists(ctx context.Context, q querier, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for table %s: %w", name, err)
	}
	return n > 0, nil
}

// deleteIfTable deletes the rows of table where column = v, when the table
// exists: tables a CMS version or module may lack (sessions, caches).
func deleteIfTable(ctx context.Context, q querier, table, column string, v any) error {
	ok, err := tableExists(ctx, q, table)
	if err != nil || !ok {
		return err
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM "+sqldump.QuoteIdent(table)+" WHERE "+sqldump.QuoteIdent(column)+" = ?", v); err != nil {
		return fmt.Errorf("delete from %s: %w", table, err)
	}
	return nil
}

// scalar runs a query returning one value; ok is false when there is no
// row or the value is NULL.
func scalar(ctx context.Context, q querier, query string, args ...any) (string, bool, error) {
	var v sql.NullString
	err := q.QueryRowContext(ctx, query, args...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v.String, v.Valid, nil
}

// newUUID returns a random (version 4) UUID in its text form.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// readSiteFile reads rel inside dir, the restored site tree, returning
// nil when dir is "" or the file is missing or unreadable: the files are
// consulted for warnings only.
func readSiteFile(dir, rel string) []byte {
	if dir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	return b
}

// checkEmail rejects an address a CMS would refuse to log in with.
func checkEmail(email string) error {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n") {
		return fmt.Errorf("admin email %q is not an email address", email)
	}
	return nil
}
