package staging

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stagecopy/stagecopy/internal/passhash"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

func init() {
	register("wordpress", func(tables []string) CMS {
		if p, ok := prefixOf(tables, "options", "posts", "users", "usermeta"); ok {
			return &wordPress{prefix: p}
		}
		return nil
	})
}

// wordPress is WordPress (WooCommerce included). On a multisite the main
// site's tables are the ones with the shortest prefix.
type wordPress struct{ prefix string }

func (w *wordPress) Name() string   { return "wordpress" }
func (w *wordPress) Prefix() string { return w.prefix }

func (w *wordPress) table(name string) string { return sqldump.QuoteIdent(w.prefix + name) }

func (w *wordPress) option(ctx context.Context, db *sql.DB, name string) (string, bool, error) {
	var v string
	err := db.QueryRowContext(ctx, "SELECT option_value FROM "+w.table("options")+" WHERE option_name = ? LIMIT 1", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("staging: wordpress: read option %s: %w", name, err)
	}
	return v, true, nil
}

// setOption sets an option, adding it (autoloaded) when the site has none.
func (w *wordPress) setOption(ctx context.Context, db *sql.DB, name, value string) error {
	res, err := db.ExecContext(ctx, "UPDATE "+w.table("options")+" SET option_value = ? WHERE option_name = ?", value, name)
	if err != nil {
		return fmt.Errorf("staging: wordpress: set option %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	if _, _, err := w.option(ctx, db, name); err != nil {
		return err
	}
	// UPDATE reports 0 rows when the value was already right; only add
	// the option when it is really missing.
	if _, ok, _ := w.option(ctx, db, name); ok {
		return nil
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO "+w.table("options")+" (option_name, option_value, autoload) VALUES (?, ?, 'yes')", name, value); err != nil {
		return fmt.Errorf("staging: wordpress: add option %s: %w", name, err)
	}
	return nil
}

func (w *wordPress) SiteURL(ctx context.Context, db *sql.DB) (string, error) {
	for _, name := range []string{"home", "siteurl"} {
		v, ok, err := w.option(ctx, db, name)
		if err != nil {
			return "", err
		}
		if ok && v != "" {
			return strings.TrimRight(v, "/"), nil
		}
	}
	return "", nil
}

// MuPluginPath is where Fix writes the staging safety plugin, relative to
// the site tree.
const MuPluginPath = "wp-content/mu-plugins/stagecopy-staging.php"

func (w *wordPress) Fix(ctx context.Context, db *sql.DB, opts FixOptions) (FixReport, error) {
	var rep FixReport
	if opts.URL != "" {
		newURL := strings.TrimRight(opts.URL, "/")
		for _, name := range []string{"siteurl", "home"} {
			v, ok, err := w.option(ctx, db, name)
			if err != nil {
				return rep, err
			}
			// The URL rewrite has usually done it; a home under a
			// sub-path of the old site keeps its path.
			if ok && (v == newURL || strings.HasPrefix(v, newURL+"/")) {
				rep.Changes = append(rep.Changes, fmt.Sprintf("%s: %s", name, v))
				continue
			}
			if err := w.setOption(ctx, db, name, newURL); err != nil {
				return rep, err
			}
			rep.Changes = append(rep.Changes, fmt.Sprintf("%s: %s", name, newURL))
		}
	}
	if opts.URL != "" && opts.FilesDir != "" {
		// wp-config.php may pin the URL: WordPress would then send
		// visitors of the staging copy to the live site.
		changed, err := editFile(opts.FilesDir, "wp-config.php", func(text string) string {
			for _, name := range []string{"WP_HOME", "WP_SITEURL"} {
				text, _ = setDefine(text, name, phpString(strings.TrimRight(opts.URL, "/")))
			}
			return text
		})
		if err != nil {
			return rep, fmt.Errorf("staging: wordpress: wp-config.php: %w", err)
		}
		if changed {
			rep.Changes = append(rep.Changes, "wp-config.php: WP_HOME/WP_SITEURL set to "+opts.URL)
		}
	}
	if err := w.setOption(ctx, db, "blog_public", "0"); err != nil {
		return rep, err
	}
	rep.Changes = append(rep.Changes, "search engines off: blog_public=0")
	if opts.FilesDir == "" {
		rep.Warnings = append(rep.Warnings, "outgoing mail is NOT off: no site files were restored, so there is no place for the mail-blocking mu-plugin; add "+MuPluginPath+" from another restore, or do not run this site with a mailer")
		return rep, nil
	}
	if err := writeNew(opts.FilesDir, MuPluginPath, []byte(wpMuPlugin(opts.StagingID))); err != nil {
		return rep, fmt.Errorf("staging: wordpress: write mu-plugin: %w", err)
	}
	rep.Files = append(rep.Files, MuPluginPath)
	rep.Changes = append(rep.Changes,
		"outgoing mail off: "+MuPluginPath+" replaces wp_mail",
		"WP-Cron off, robots noindex, \"STAGING COPY\" marker in the admin bar and footer: "+MuPluginPath)
	return rep, nil
}

// writeNew writes data to dir/rel, creating parent directories, never
// through a symlink (os.Root) and never over an existing file.
func writeNew(dir, rel string, data []byte) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := root.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return err
	}
	// The tree is a restore of someone else's site: an existing file of
	// this name is theirs (or a previous staging copy's), replace it.
	if fi, err := root.Lstat(rel); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s exists and is not a regular file", rel)
		}
		if err := root.Remove(rel); err != nil {
			return err
		}
	}
	f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// wpMuPlugin is the must-use plugin that makes a WordPress staging copy
// harmless: mu-plugins load before pluggable.php, so its wp_mail wins over
// WordPress's own, in every WordPress version.
func wpMuPlugin(stagingID string) string {
	id := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, stagingID)
	return `<?php
/**
 * Plugin Name: stagecopy staging safety
 * Description: This site is a staging copy made by stagecopy (` + id + `). Outgoing mail, WP-Cron and search engine indexing are off. Remove the staging copy with "stagecopy purge ` + id + `".
 */
defined('ABSPATH') || exit;

define('STAGECOPY_STAGING_ID', '` + id + `');

if (!function_exists('wp_mail')) {
	// Never send mail from a staging copy; report success so that flows
	// such as password resets do not break while being debugged.
	function wp_mail($to, $subject, $message, $headers = '', $attachments = array()) {
		do_action('stagecopy_mail_blocked', compact('to', 'subject'));
		return true;
	}
}
add_filter('pre_wp_mail', '__return_true', PHP_INT_MAX);

if (!defined('DISABLE_WP_CRON')) {
	define('DISABLE_WP_CRON', true);
}

add_filter('pre_option_blog_public', function () { return '0'; });
add_filter('wp_robots', 'wp_robots_no_robots');
add_action('send_headers', function () { header('X-Robots-Tag: noindex, nofollow', true); });

add_action('admin_bar_menu', function ($bar) {
	$bar->add_node(array('id' => 'stagecopy-staging', 'title' => 'STAGING COPY ` + id + `'));
}, 0);
$stagecopy_banner = function () {
	echo '<div style="position:fixed;bottom:0;left:0;right:0;z-index:99999;background:#b32d2e;color:#fff;font:bold 13px sans-serif;text-align:center;padding:4px">STAGING COPY ` + id + ` &middot; mail off &middot; not for customers</div>';
};
add_action('wp_footer', $stagecopy_banner);
add_action('admin_footer', $stagecopy_banner);
`
}

func (w *wordPress) CreateAdmin(ctx context.Context, db *sql.DB, name, email, password string) (Admin, error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+w.table("users")+" WHERE user_login = ? OR user_email = ?", name, email).Scan(&n); err != nil {
		return Admin{}, fmt.Errorf("staging: wordpress: look up user %s: %w", name, err)
	}
	if n > 0 {
		return Admin{}, fmt.Errorf("staging: wordpress: a user %q or with email %s exists already: choose another --support-admin name", name, email)
	}
	// phpass $P$: what WordPress wrote before 6.8, and what 6.8 and later
	// still accept (and upgrade on first login).
	hash, err := passhash.New(passhash.Phpass, []byte(password))
	if err != nil {
		return Admin{}, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return Admin{}, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "INSERT INTO "+w.table("users")+
		" (user_login, user_pass, user_nicename, user_email, user_url, user_registered, user_activation_key, user_status, display_name)"+
		" VALUES (?, ?, ?, ?, '', ?, '', 0, ?)",
		name, string(hash), nicename(name), email, time.Now().UTC().Format(time.DateTime), "Support ("+name+")")
	if err != nil {
		return Admin{}, fmt.Errorf("staging: wordpress: add user %s: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Admin{}, err
	}
	for _, m := range [][2]string{
		{w.prefix + "capabilities", `a:1:{s:13:"administrator";b:1;}`},
		{w.prefix + "user_level", "10"},
	} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+w.table("usermeta")+" (user_id, meta_key, meta_value) VALUES (?, ?, ?)", id, m[0], m[1]); err != nil {
			return Admin{}, fmt.Errorf("staging: wordpress: add user meta %s: %w", m[0], err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Admin{}, err
	}
	return Admin{Name: name, Email: email, UserID: id}, nil
}

func nicename(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, s)
	if len(s) > 50 {
		s = s[:50]
	}
	return s
}

func (w *wordPress) RemoveAdmin(ctx context.Context, db *sql.DB, a Admin) error {
	// Both the id and the login must match: never delete a user that a
	// later import gave the same id.
	var id int64
	err := db.QueryRowContext(ctx, "SELECT ID FROM "+w.table("users")+" WHERE ID = ? AND user_login = ?", a.UserID, a.Name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("staging: wordpress: look up support admin %s: %w", a.Name, err)
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM "+w.table("usermeta")+" WHERE user_id = ?", id); err != nil {
		return fmt.Errorf("staging: wordpress: remove support admin meta: %w", err)
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM "+w.table("users")+" WHERE ID = ?", id); err != nil {
		return fmt.Errorf("staging: wordpress: remove support admin: %w", err)
	}
	return nil
}

func (w *wordPress) SkipColumn(table, column string) bool {
	c := strings.ToLower(column)
	switch {
	case c == "guid": // WordPress: GUIDs must never change
		return true
	case table == w.prefix+"users" && (c == "user_pass" || c == "user_activation_key"):
		return true
	}
	return IsSecretColumn(c)
}

// IsSecretColumn reports column names that hold password hashes or keys in
// any CMS: rewriting a URL inside one would break it.
func IsSecretColumn(c string) bool {
	c = strings.ToLower(c)
	for _, s := range []string{"pass", "pwd", "hash", "secret", "token", "salt"} {
		if strings.Contains(c, s) {
			return true
		}
	}
	return false
}

func (w *wordPress) AccountTables() []string { return prefixed(w.prefix, "users", "usermeta") }
