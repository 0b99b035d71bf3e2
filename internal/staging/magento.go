package staging

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/stagecopy/stagecopy/internal/passhash"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Magento 2 keeps its settings in core_config_data: one row per (scope,
// scope_id, path), where scope is "default" (scope_id 0), "websites" or
// "stores", and a store's row wins over its website's, which wins over the
// default. app/etc/env.php and config.php may carry a 'system' section
// that wins over the database. Admin users are admin_user rows, each tied
// to a role group by an authorization_role row of type 'U'.

const (
	mageUnsecureBase = "web/unsecure/base_url"
	mageSecureBase   = "web/secure/base_url"
	// mageRobots is the custom robots.txt Magento serves when pub/robots.txt
	// does not exist.
	mageRobots = "User-agent: *\nDisallow: /\n"
	// mageAdminResource is the ACL resource of "all", which the
	// Administrators group is given.
	mageAdminResource = "Magento_Backend::all"
)

type magento2 struct{ prefix string }

func init() {
	register("magento2", func(tables []string) CMS {
		p, ok := prefixOf(tables, "core_config_data", "admin_user", "authorization_role")
		if !ok {
			return nil
		}
		return magento2{prefix: p}
	})
}

func (magento2) Name() string     { return "magento2" }
func (c magento2) Prefix() string { return c.prefix }

func (c magento2) t(name string) string { return sqldump.QuoteIdent(c.prefix + name) }

func (c magento2) errf(format string, args ...any) error {
	return fmt.Errorf("staging: magento2: "+format, args...)
}

// defaultConfig returns the default-scope value of path.
func (c magento2) defaultConfig(ctx context.Context, q querier, path string) (string, bool, error) {
	v, ok, err := scalar(ctx, q, "SELECT value FROM "+c.t("core_config_data")+" WHERE scope = 'default' AND scope_id = 0 AND path = ?", path)
	if err != nil {
		return "", false, c.errf("read %s: %w", path, err)
	}
	return v, ok, nil
}

// setConfig sets path to value in every scope that has a row for it and
// in the default scope, adding that row when missing: a website or store
// row left with the old value would win over the default.
func (c magento2) setConfig(ctx context.Context, q querier, path, value string) error {
	if _, err := q.ExecContext(ctx, "UPDATE "+c.t("core_config_data")+" SET value = ? WHERE path = ?", value, path); err != nil {
		return c.errf("set %s: %w", path, err)
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO "+c.t("core_config_data")+" (scope, scope_id, path, value) VALUES ('default', 0, ?, ?)"+
		" ON DUPLICATE KEY UPDATE value = VALUES(value)", path, value); err != nil {
		return c.errf("set %s: %w", path, err)
	}
	return nil
}

// SiteURL returns the default scope's secure base URL, or the unsecure
// one when the secure one is missing or a {{placeholder}}.
func (c magento2) SiteURL(ctx context.Context, db *sql.DB) (string, error) {
	for _, p := range []string{mageSecureBase, mageUnsecureBase} {
		v, ok, err := c.defaultConfig(ctx, db, p)
		if err != nil {
			return "", err
		}
		if ok && v != "" && !strings.Contains(v, "{{") {
			return strings.TrimRight(v, "/"), nil
		}
	}
	return "", nil
}

// Fix sets the base URLs, turns mail off (system/smtp/disable), tells
// search engines to stay away (NOINDEX,NOFOLLOW and a Disallow-all
// robots.txt) and shows the demo-store notice as a visible marker.
func (c magento2) Fix(ctx context.Context, db *sql.DB, opts FixOptions) (FixReport, error) {
	var rep FixReport
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		if opts.URL != "" {
			if err := c.fixURL(ctx, tx, opts.URL, &rep); err != nil {
				return err
			}
		}
		for _, s := range []struct{ path, value, change string }{
			{"system/smtp/disable", "1", "outgoing mail off: system/smtp/disable=1 (all scopes)"},
			{"design/search_engine_robots/default_robots", "NOINDEX,NOFOLLOW", "search engines off: design/search_engine_robots/default_robots=NOINDEX,NOFOLLOW (all scopes)"},
			{"design/search_engine_robots/custom_instructions", mageRobots, "search engines off: robots.txt Disallow: / (design/search_engine_robots/custom_instructions, all scopes)"},
			{"design/head/demonotice", "1", "staging marker: demo store notice shown on every page (design/head/demonotice=1)"},
		} {
			if err := c.setConfig(ctx, tx, s.path, s.value); err != nil {
				return err
			}
			rep.Changes = append(rep.Changes, s.change)
		}
		tfa, err := tableExists(ctx, tx, c.prefix+"tfa_user_config")
		if err != nil {
			return c.errf("%w", err)
		}
		if tfa {
			rep.Warnings = append(rep.Warnings, "two-factor authentication (Magento_TwoFactorAuth) is installed: a new admin must set it up through an email link, and mail is off; on the staging site run bin/magento module:disable Magento_TwoFactorAuth Magento_AdminAdobeImsTwoFactorAuth")
		}
		return nil
	})
	if err != nil {
		return FixReport{}, err
	}
	for _, f := range []string{"app/etc/env.php", "app/etc/config.php"} {
		b := readSiteFile(opts.FilesDir, f)
		if b == nil {
			continue
		}
		if mageSystemSection.Match(b) || strings.Contains(string(b), "base_url") {
			rep.Warnings = append(rep.Warnings, f+" has a 'system' section or base_url: settings there win over the database, check that they do not point at the live site or turn mail back on")
		}
	}
	if readSiteFile(opts.FilesDir, "pub/robots.txt") != nil || readSiteFile(opts.FilesDir, "robots.txt") != nil {
		rep.Warnings = append(rep.Warnings, "a robots.txt file exists in the site tree and is served instead of the Disallow-all one set in the database")
	}
	rep.Warnings = append(rep.Warnings, "Magento caches its configuration: run bin/magento cache:flush on the staging site, and check that app/etc/env.php does not share the live site's Redis or Varnish")
	return rep, nil
}

var mageSystemSection = regexp.MustCompile(`['"]system['"]\s*=>`)

// fixURL sets both base URLs in every scope to the staging URL, moves
// literal link/static/media URLs that start with an old base URL along,
// and clears a cookie domain that would stop admin logins on the new host.
func (c magento2) fixURL(ctx context.Context, tx *sql.Tx, raw string, rep *FixReport) error {
	nu, err := parseCMSURL(raw)
	if err != nil {
		return c.errf("%w", err)
	}
	base := nu.String() + "/"
	rows, err := tx.QueryContext(ctx, "SELECT config_id, scope, scope_id, path, value FROM "+c.t("core_config_data")+
		" WHERE path LIKE 'web/%secure/base%url' ORDER BY config_id")
	if err != nil {
		return c.errf("read base URLs: %w", err)
	}
	type row struct {
		id          int64
		scope, path string
		scopeID     int64
		value       sql.NullString
	}
	var all []row
	var olds []string
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.scope, &r.scopeID, &r.path, &r.value); err != nil {
			rows.Close()
			return c.errf("read base URLs: %w", err)
		}
		all = append(all, r)
		if (r.path == mageUnsecureBase || r.path == mageSecureBase) && strings.Contains(r.value.String, "://") {
			olds = append(olds, strings.TrimRight(r.value.String, "/")+"/")
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c.errf("read base URLs: %w", err)
	}
	for _, p := range []string{mageUnsecureBase, mageSecureBase} {
		if err := c.setConfig(ctx, tx, p, base); err != nil {
			return err
		}
	}
	rep.Changes = append(rep.Changes, fmt.Sprintf("URL settings: %s and %s = %s (all scopes)", mageUnsecureBase, mageSecureBase, base))
	for _, r := range all {
		v := r.value.String
		if r.path == mageUnsecureBase || r.path == mageSecureBase || v == "" || strings.HasPrefix(v, "{{") {
			continue
		}
		moved := false
		for _, o := range olds {
			if rest, ok := strings.CutPrefix(v, o); ok {
				if _, err := tx.ExecContext(ctx, "UPDATE "+c.t("core_config_data")+" SET value = ? WHERE config_id = ?", base+rest, r.id); err != nil {
					return c.errf("set %s: %w", r.path, err)
				}
				rep.Changes = append(rep.Changes, fmt.Sprintf("URL settings: %s (%s %d) = %s", r.path, r.scope, r.scopeID, base+rest))
				moved = true
				break
			}
		}
		if !moved {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s (%s %d) = %s left alone: not under an old base URL (a CDN?)", r.path, r.scope, r.scopeID, v))
		}
	}
	res, err := tx.ExecContext(ctx, "UPDATE "+c.t("core_config_data")+" SET value = NULL WHERE path = 'web/cookie/cookie_domain' AND value <> ''")
	if err != nil {
		return c.errf("clear web/cookie/cookie_domain: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		rep.Changes = append(rep.Changes, "web/cookie/cookie_domain cleared: cookies follow the staging host")
	}
	return nil
}

// CreateAdmin adds an active admin_user in the group that has all
// permissions ("Administrators" on a stock install), with a version-1
// (SHA-256) password hash, which Magento 2.4 accepts and re-hashes with
// its current algorithm at the first login.
func (c magento2) CreateAdmin(ctx context.Context, db *sql.DB, name, email, password string) (Admin, error) {
	if err := checkEmail(email); err != nil {
		return Admin{}, c.errf("%w", err)
	}
	if name == "" || len(name) > 40 {
		return Admin{}, c.errf("admin name %q: want 1 to 40 characters", name)
	}
	hash, err := passhash.New(passhash.Magento2, []byte(password))
	if err != nil {
		return Admin{}, c.errf("hash the admin password: %w", err)
	}
	a := Admin{Name: name, Email: email}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.t("admin_user")+" WHERE username = ? OR email = ?", name, email).Scan(&n); err != nil {
			return c.errf("look for admin %s: %w", name, err)
		}
		if n > 0 {
			return c.errf("an admin user named %s or with email %s exists already: choose another --admin-name / --admin-email", name, email)
		}
		group, err := c.adminGroup(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO "+c.t("admin_user")+
			" (firstname, lastname, email, username, password, is_active) VALUES ('Stagecopy', 'Support', ?, ?, ?, 1)",
			email, name, string(hash))
		if err != nil {
			return c.errf("add admin %s: %w", name, err)
		}
		if a.UserID, err = res.LastInsertId(); err != nil {
			return c.errf("add admin %s: %w", name, err)
		}
		// What Magento\User\Model\ResourceModel\User::_createUserRole
		// writes: user_type 2 is UserContextInterface::USER_TYPE_ADMIN.
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+c.t("authorization_role")+
			" (parent_id, tree_level, sort_order, role_type, user_id, user_type, role_name) VALUES (?, 2, 0, 'U', ?, '2', ?)",
			group, a.UserID, name); err != nil {
			return c.errf("give admin %s the administrators role: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return Admin{}, err
	}
	return a, nil
}

// adminGroup finds the role group holding Magento_Backend::all, else the
// group named Administrators.
func (c magento2) adminGroup(ctx context.Context, q querier) (int64, error) {
	var id string
	var ok bool
	rules, err := tableExists(ctx, q, c.prefix+"authorization_rule")
	if err != nil {
		return 0, c.errf("%w", err)
	}
	if rules {
		id, ok, err = scalar(ctx, q, "SELECT r.role_id FROM "+c.t("authorization_role")+" r JOIN "+c.t("authorization_rule")+
			" u ON u.role_id = r.role_id WHERE r.role_type = 'G' AND r.tree_level = 1 AND u.resource_id = ? AND u.permission = 'allow'"+
			" ORDER BY r.role_id LIMIT 1", mageAdminResource)
		if err != nil {
			return 0, c.errf("look for the administrators role: %w", err)
		}
	}
	if !ok {
		id, ok, err = scalar(ctx, q, "SELECT role_id FROM "+c.t("authorization_role")+
			" WHERE role_type = 'G' AND tree_level = 1 AND role_name = 'Administrators' ORDER BY role_id LIMIT 1")
		if err != nil {
			return 0, c.errf("look for the administrators role: %w", err)
		}
	}
	if !ok {
		return 0, c.errf("no role group with %s or named Administrators in %sauthorization_role", mageAdminResource, c.prefix)
	}
	var n int64
	if _, err := fmt.Sscan(id, &n); err != nil {
		return 0, c.errf("role id %q: %w", id, err)
	}
	return n, nil
}

// RemoveAdmin deletes the admin user, its role row and what logging in
// left behind (sessions, password history, 2FA settings). It refuses when
// the user id now belongs to another username.
func (c magento2) RemoveAdmin(ctx context.Context, db *sql.DB, a Admin) error {
	return inTx(ctx, db, func(tx *sql.Tx) error {
		cur, ok, err := scalar(ctx, tx, "SELECT username FROM "+c.t("admin_user")+" WHERE user_id = ?", a.UserID)
		if err != nil {
			return c.errf("look for admin %d: %w", a.UserID, err)
		}
		if ok && cur != a.Name {
			return c.errf("admin user %d is %s, not %s: not removing it", a.UserID, cur, a.Name)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+c.t("authorization_role")+" WHERE user_id = ? AND role_type = 'U' AND user_type = '2'", a.UserID); err != nil {
			return c.errf("remove the role of admin %d: %w", a.UserID, err)
		}
		for _, t := range []string{"admin_user_session", "admin_passwords", "tfa_user_config"} {
			if err := deleteIfTable(ctx, tx, c.prefix+t, "user_id", a.UserID); err != nil {
				return c.errf("remove admin %d: %w", a.UserID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+c.t("admin_user")+" WHERE user_id = ?", a.UserID); err != nil {
			return c.errf("remove admin %d: %w", a.UserID, err)
		}
		return nil
	})
}

// SkipColumn leaves password hashes and secret tokens alone.
func (c magento2) SkipColumn(table, column string) bool {
	t, ok := strings.CutPrefix(table, c.prefix)
	if !ok {
		return false
	}
	switch t + "." + column {
	case "admin_user.password", "admin_user.rp_token",
		"admin_passwords.password_hash",
		"customer_entity.password_hash", "customer_entity.rp_token",
		"oauth_token.token", "oauth_token.secret", "oauth_consumer.secret":
		return true
	}
	return false
}

func (c magento2) AccountTables() []string {
	return prefixed(c.prefix, "admin_user", "authorization_role")
}
