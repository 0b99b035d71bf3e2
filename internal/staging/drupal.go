package staging

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/stagecopy/stagecopy/internal/passhash"
	"github.com/stagecopy/stagecopy/internal/phpserial"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Drupal 8 to 10 keeps configuration in the config table as PHP-serialized
// arrays (collection "" for the active configuration, language overrides
// in other collections), and caches it in cache_config. It stores no site
// URL: it derives it from each request, checked against settings.php's
// trusted_host_patterns. A user is a users row, a users_field_data row per
// language and one user__roles row per role.
//
// Password hashes: Drupal 10.1 moved to PHP's password_hash (bcrypt,
// $2y$); older versions write the phpass-derived $S$ hashes, which 10.1
// and later still accept only while the phpass module is installed (an
// upgraded site has it, a fresh one may not). The database does not say
// the core version, so CreateAdmin writes bcrypt when any user's hash
// already starts with $2y$ (the site runs 10.1 or later) and $S$
// otherwise (the site runs 10.0 or older, or was upgraded and has phpass).

// drupalMailPlugin is core's mail plugin that keeps messages in the state
// store (system.test_mail_collector) instead of sending them.
const drupalMailPlugin = "test_mail_collector"

type drupal struct{ prefix string }

func init() {
	register("drupal", func(tables []string) CMS {
		p, ok := prefixOf(tables, "users_field_data", "config", "user__roles")
		if !ok {
			return nil
		}
		return drupal{prefix: p}
	})
}

func (drupal) Name() string     { return "drupal" }
func (c drupal) Prefix() string { return c.prefix }

func (c drupal) t(name string) string { return sqldump.QuoteIdent(c.prefix + name) }

func (c drupal) errf(format string, args ...any) error {
	return fmt.Errorf("staging: drupal: "+format, args...)
}

// SiteURL returns "": Drupal builds URLs from the request.
func (drupal) SiteURL(context.Context, *sql.DB) (string, error) { return "", nil }

// configData reads the active configuration object name, nil when absent.
func (c drupal) configData(ctx context.Context, q querier, name string) ([]byte, error) {
	var b []byte
	err := q.QueryRowContext(ctx, "SELECT data FROM "+c.t("config")+" WHERE collection = '' AND name = ?", name).Scan(&b)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, c.errf("read config %s: %w", name, err)
	}
	return b, nil
}

// Fix routes all mail to the test mail collector. URL and search engines
// have no database setting; Fix says so in the warnings.
func (c drupal) Fix(ctx context.Context, db *sql.DB, opts FixOptions) (FixReport, error) {
	var rep FixReport
	if opts.URL != "" {
		nu, err := parseCMSURL(opts.URL)
		if err != nil {
			return FixReport{}, c.errf("%w", err)
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf(
			"URL: Drupal takes it from the request; if settings.php sets $settings['trusted_host_patterns'], add '^%s$' to it",
			strings.ReplaceAll(hostOnly(nu.Host), ".", `\.`)))
	}
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		data, err := c.configData(ctx, tx, "system.mail")
		if err != nil {
			return err
		}
		if data == nil {
			return c.errf("no system.mail in %sconfig: the database is not a complete Drupal 8 or later", c.prefix)
		}
		out, err := drupalMailOff(data)
		if err != nil {
			return c.errf("config system.mail: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE "+c.t("config")+" SET data = ? WHERE collection = '' AND name = 'system.mail'", out); err != nil {
			return c.errf("write config system.mail: %w", err)
		}
		// Drupal reads configuration through cache_config first.
		if err := deleteIfTable(ctx, tx, c.prefix+"cache_config", "cid", "system.mail"); err != nil {
			return c.errf("%w", err)
		}
		rep.Changes = append(rep.Changes, "outgoing mail off: system.mail interface.default="+drupalMailPlugin+" (mail is kept in the state store, not sent)")
		for _, other := range []string{"mailsystem.settings", "symfony_mailer.settings"} {
			if b, err := c.configData(ctx, tx, other); err != nil {
				return err
			} else if b != nil {
				rep.Warnings = append(rep.Warnings, "config "+other+" exists: a contributed module may send mail by its own route; check it on the staging site")
			}
		}
		return nil
	})
	if err != nil {
		return FixReport{}, err
	}
	for _, f := range []string{"sites/default/settings.php", "web/sites/default/settings.php", "docroot/sites/default/settings.php"} {
		if b := readSiteFile(opts.FilesDir, f); bytes.Contains(b, []byte("system.mail")) {
			rep.Warnings = append(rep.Warnings, f+" overrides system.mail: that setting wins over the database, check it does not send mail")
		}
	}
	rep.Warnings = append(rep.Warnings,
		"search engines: Drupal core has no noindex setting; keep the staging URL private (HTTP auth) or replace robots.txt",
		"staging marker: Drupal core has no visible marker that leaves the site usable; none set")
	return rep, nil
}

// hostOnly drops the port of host.
func hostOnly(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		return host[:i]
	}
	return host
}

// drupalMailOff sets every entry of the interface map of a serialized
// system.mail (default and per-module overrides) to the test mail
// collector, and re-encodes it with the lengths recomputed.
func drupalMailOff(data []byte) ([]byte, error) {
	v, err := phpserial.Parse(data)
	if err != nil {
		return nil, err
	}
	if v.Kind != phpserial.KindArray {
		return nil, fmt.Errorf("want a serialized array, got a %s", v.Kind)
	}
	str := func(s string) phpserial.Value { return phpserial.Value{Kind: phpserial.KindString, Str: []byte(s)} }
	for i := range v.Items {
		it := &v.Items[i]
		if it.Key.Kind != phpserial.KindString || string(it.Key.Str) != "interface" {
			continue
		}
		if it.Val.Kind != phpserial.KindArray {
			return nil, fmt.Errorf("interface is a %s, want an array", it.Val.Kind)
		}
		hasDefault := false
		for j := range it.Val.Items {
			m := &it.Val.Items[j]
			m.Val = str(drupalMailPlugin)
			hasDefault = hasDefault || (m.Key.Kind == phpserial.KindString && string(m.Key.Str) == "default")
		}
		if !hasDefault {
			it.Val.Items = append(it.Val.Items, phpserial.Item{Key: str("default"), Val: str(drupalMailPlugin)})
		}
		return v.Append(nil), nil
	}
	v.Items = append(v.Items, phpserial.Item{Key: str("interface"), Val: phpserial.Value{
		Kind:  phpserial.KindArray,
		Items: []phpserial.Item{{Key: str("default"), Val: str(drupalMailPlugin)}},
	}})
	return v.Append(nil), nil
}

// adminRole returns the id of a role with is_admin set, preferring
// "administrator", from the user.role.* configuration objects.
func (c drupal) adminRole(ctx context.Context, q querier) (string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name, data FROM "+c.t("config")+" WHERE collection = '' AND name LIKE 'user.role.%' ORDER BY name = 'user.role.administrator' DESC, name")
	if err != nil {
		return "", c.errf("read roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var data []byte
		if err := rows.Scan(&name, &data); err != nil {
			return "", c.errf("read roles: %w", err)
		}
		v, err := phpserial.Parse(data)
		if err != nil {
			return "", c.errf("config %s: %w", name, err)
		}
		for _, it := range v.Items {
			if string(it.Key.Str) == "is_admin" && it.Val.Kind == phpserial.KindBool && it.Val.Bool {
				return strings.TrimPrefix(name, "user.role."), nil
			}
		}
	}
	if err := rows.Err(); err != nil {
		return "", c.errf("read roles: %w", err)
	}
	return "", c.errf("no role with is_admin set (user.role.* in %sconfig): give a role the administrator flag first", c.prefix)
}

// hashFormat picks bcrypt or $S$ as the package comment explains.
func (c drupal) hashFormat(ctx context.Context, q querier) (string, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.t("users_field_data")+" WHERE LEFT(pass, 4) IN ('$2y$', '$2b$')").Scan(&n); err != nil {
		return "", c.errf("read password hashes: %w", err)
	}
	if n > 0 {
		return passhash.Bcrypt, nil
	}
	return passhash.Drupal7, nil
}

// CreateAdmin adds an active user with uid max(uid)+1 and an administrator
// role, in the language of user 1.
func (c drupal) CreateAdmin(ctx context.Context, db *sql.DB, name, email, password string) (Admin, error) {
	if err := checkEmail(email); err != nil {
		return Admin{}, c.errf("%w", err)
	}
	if name == "" || len(name) > 60 {
		return Admin{}, c.errf("admin name %q: want 1 to 60 characters", name)
	}
	a := Admin{Name: name, Email: email}
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.t("users_field_data")+" WHERE name = ? OR mail = ?", name, email).Scan(&n); err != nil {
			return c.errf("look for user %s: %w", name, err)
		}
		if n > 0 {
			return c.errf("a user named %s or with email %s exists already: choose another --admin-name / --admin-email", name, email)
		}
		role, err := c.adminRole(ctx, tx)
		if err != nil {
			return err
		}
		format, err := c.hashFormat(ctx, tx)
		if err != nil {
			return err
		}
		hash, err := passhash.New(format, []byte(password))
		if err != nil {
			return c.errf("hash the admin password: %w", err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(uid), 0) + 1 FROM "+c.t("users")+" FOR UPDATE").Scan(&a.UserID); err != nil {
			return c.errf("pick a user id: %w", err)
		}
		lang, tz := "en", "UTC"
		var l, z sql.NullString
		err = tx.QueryRowContext(ctx, "SELECT langcode, timezone FROM "+c.t("users_field_data")+" WHERE uid > 0 ORDER BY uid = 1 DESC, default_langcode DESC, uid LIMIT 1").Scan(&l, &z)
		if err != nil && err != sql.ErrNoRows {
			return c.errf("read user 1: %w", err)
		}
		if l.String != "" {
			lang = l.String
		}
		if z.String != "" {
			tz = z.String
		}
		now := time.Now().Unix()
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+c.t("users")+" (uid, uuid, langcode) VALUES (?, ?, ?)", a.UserID, newUUID(), lang); err != nil {
			return c.errf("add user %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+c.t("users_field_data")+
			" (uid, langcode, preferred_langcode, name, pass, mail, timezone, status, created, changed, access, login, init, default_langcode)"+
			" VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 0, 0, ?, 1)",
			a.UserID, lang, lang, name, string(hash), email, tz, now, now, email); err != nil {
			return c.errf("add user %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+c.t("user__roles")+
			" (bundle, deleted, entity_id, revision_id, langcode, delta, roles_target_id) VALUES ('user', 0, ?, ?, ?, 0, ?)",
			a.UserID, a.UserID, lang, role); err != nil {
			return c.errf("give user %s the %s role: %w", name, role, err)
		}
		return nil
	})
	if err != nil {
		return Admin{}, err
	}
	return a, nil
}

// RemoveAdmin deletes the user's rows, its sessions, user data and cached
// entity. It refuses when the uid now belongs to another name.
func (c drupal) RemoveAdmin(ctx context.Context, db *sql.DB, a Admin) error {
	return inTx(ctx, db, func(tx *sql.Tx) error {
		cur, ok, err := scalar(ctx, tx, "SELECT name FROM "+c.t("users_field_data")+" WHERE uid = ? ORDER BY default_langcode DESC LIMIT 1", a.UserID)
		if err != nil {
			return c.errf("look for user %d: %w", a.UserID, err)
		}
		if ok && cur != a.Name {
			return c.errf("user %d is %s, not %s: not removing it", a.UserID, cur, a.Name)
		}
		for _, d := range []struct{ table, column string }{
			{"user__roles", "entity_id"}, {"users_field_data", "uid"}, {"users", "uid"},
			{"sessions", "uid"}, {"users_data", "uid"},
		} {
			if err := deleteIfTable(ctx, tx, c.prefix+d.table, d.column, a.UserID); err != nil {
				return c.errf("remove user %d: %w", a.UserID, err)
			}
		}
		if err := deleteIfTable(ctx, tx, c.prefix+"cache_entity", "cid", fmt.Sprintf("values:user:%d", a.UserID)); err != nil {
			return c.errf("remove user %d: %w", a.UserID, err)
		}
		return nil
	})
}

// SkipColumn leaves password hashes alone.
func (c drupal) SkipColumn(table, column string) bool {
	t, ok := strings.CutPrefix(table, c.prefix)
	return ok && t == "users_field_data" && column == "pass"
}

func (c drupal) AccountTables() []string {
	return prefixed(c.prefix, "users", "users_field_data", "user__roles")
}
