package staging

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/stagecopy/stagecopy/internal/passhash"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// PrestaShop 1.7 and 8 keep the shop's address in two places: PREFIX_shop_url
// (one row per shop URL; the main one is what the front office redirects
// to) and the PS_SHOP_DOMAIN / PS_SHOP_DOMAIN_SSL settings in
// PREFIX_configuration, a name/value table whose rows may be global
// (id_shop and id_shop_group NULL) or per shop. Employees (back-office
// users) log in with their email address and a bcrypt hash written by
// PHP's password_hash.

// psAdminProfile is _PS_ADMIN_PROFILE_ (config/defines.inc.php): the
// SuperAdmin profile, which PrestaShop's access checks compare against by
// number, whatever its translated name.
const psAdminProfile = 1

// psMailDisabled is Mail::METHOD_DISABLE, the PS_MAIL_METHOD value for
// "never send emails".
const psMailDisabled = "3"

type prestaShop struct{ prefix string }

func init() {
	register("prestashop", func(tables []string) CMS {
		p, ok := prefixOf(tables, "configuration", "shop_url", "employee")
		if !ok {
			return nil
		}
		return prestaShop{prefix: p}
	})
}

func (prestaShop) Name() string     { return "prestashop" }
func (c prestaShop) Prefix() string { return c.prefix }

// t returns the quoted name of PrestaShop table name.
func (c prestaShop) t(name string) string { return sqldump.QuoteIdent(c.prefix + name) }

func (c prestaShop) errf(format string, args ...any) error {
	return fmt.Errorf("staging: prestashop: "+format, args...)
}

// config returns the value of setting name, preferring the global row to
// per-shop ones. ok is false when there is no row or its value is NULL.
func (c prestaShop) config(ctx context.Context, q querier, name string) (string, bool, error) {
	v, ok, err := scalar(ctx, q, "SELECT value FROM "+c.t("configuration")+
		" WHERE name = ? ORDER BY id_shop IS NULL DESC, id_shop_group IS NULL DESC, id_configuration LIMIT 1", name)
	if err != nil {
		return "", false, c.errf("read setting %s: %w", name, err)
	}
	return v, ok, nil
}

// setConfig sets every row of setting name (global and per shop) to value,
// and adds a global row when there is none, which is what
// Configuration::updateGlobalValue does.
func (c prestaShop) setConfig(ctx context.Context, q querier, name, value string) error {
	if _, err := q.ExecContext(ctx, "UPDATE "+c.t("configuration")+" SET value = ?, date_upd = NOW() WHERE name = ?", value, name); err != nil {
		return c.errf("set %s: %w", name, err)
	}
	_, ok, err := scalar(ctx, q, "SELECT id_configuration FROM "+c.t("configuration")+
		" WHERE name = ? AND id_shop IS NULL AND id_shop_group IS NULL LIMIT 1", name)
	if err != nil {
		return c.errf("set %s: %w", name, err)
	}
	if !ok {
		_, err = q.ExecContext(ctx, "INSERT INTO "+c.t("configuration")+
			" (id_shop_group, id_shop, name, value, date_add, date_upd) VALUES (NULL, NULL, ?, ?, NOW(), NOW())", name, value)
		if err != nil {
			return c.errf("add setting %s: %w", name, err)
		}
	}
	return nil
}

// shopURL is one row of PREFIX_shop_url.
type shopURL struct {
	id, shop                    int64
	domain, domainSSL, physical string
}

// mainURL returns the main URL row of the default shop (PS_SHOP_DEFAULT),
// or of the lowest-numbered shop that has one.
func (c prestaShop) mainURL(ctx context.Context, q querier) (shopURL, bool, error) {
	def, _, err := c.config(ctx, q, "PS_SHOP_DEFAULT")
	if err != nil {
		return shopURL{}, false, err
	}
	var u shopURL
	err = q.QueryRowContext(ctx, "SELECT id_shop_url, id_shop, domain, domain_ssl, physical_uri FROM "+c.t("shop_url")+
		" WHERE main = 1 ORDER BY id_shop = ? DESC, active DESC, id_shop, id_shop_url LIMIT 1", def).
		Scan(&u.id, &u.shop, &u.domain, &u.domainSSL, &u.physical)
	if errors.Is(err, sql.ErrNoRows) {
		return shopURL{}, false, nil
	}
	if err != nil {
		return shopURL{}, false, c.errf("read %sshop_url: %w", c.prefix, err)
	}
	return u, true, nil
}

// SiteURL builds the URL of the default shop from its main shop_url row:
// domain_ssl when PS_SSL_ENABLED is 1, else domain, then physical_uri.
func (c prestaShop) SiteURL(ctx context.Context, db *sql.DB) (string, error) {
	u, ok, err := c.mainURL(ctx, db)
	if err != nil || !ok {
		return "", err
	}
	ssl, _, err := c.config(ctx, db, "PS_SSL_ENABLED")
	if err != nil {
		return "", err
	}
	scheme, host := "http", u.domain
	if ssl == "1" {
		scheme = "https"
		if u.domainSSL != "" {
			host = u.domainSSL
		}
	}
	return scheme + "://" + host + strings.TrimRight(u.physical, "/"), nil
}

// Fix points the shop at opts.URL, stops all mail (PS_MAIL_METHOD=3), and
// on PrestaShop 8.1 and later puts the front office in maintenance mode,
// which employees logged in to the back office still see through.
func (c prestaShop) Fix(ctx context.Context, db *sql.DB, opts FixOptions) (FixReport, error) {
	var rep FixReport
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		if opts.URL != "" {
			if err := c.fixURL(ctx, tx, opts.URL, &rep); err != nil {
				return err
			}
		}
		if err := c.setConfig(ctx, tx, "PS_MAIL_METHOD", psMailDisabled); err != nil {
			return err
		}
		rep.Changes = append(rep.Changes, "outgoing mail off: PS_MAIL_METHOD=3 (never send emails)")

		// Maintenance mode is a visible marker that also answers
		// crawlers with 503, but before 8.1 it locks out everyone whose
		// IP is not in PS_MAINTENANCE_IP, support included: only turn it
		// on where PS_MAINTENANCE_ALLOW_ADMINS exists.
		_, allowAdmins, err := c.config(ctx, tx, "PS_MAINTENANCE_ALLOW_ADMINS")
		if err != nil {
			return err
		}
		if allowAdmins {
			if err := c.setConfig(ctx, tx, "PS_MAINTENANCE_ALLOW_ADMINS", "1"); err != nil {
				return err
			}
			if err := c.setConfig(ctx, tx, "PS_SHOP_ENABLE", "0"); err != nil {
				return err
			}
			rep.Changes = append(rep.Changes,
				"staging marker: front office in maintenance mode (PS_SHOP_ENABLE=0); employees logged in to the back office still see the shop (PS_MAINTENANCE_ALLOW_ADMINS=1)",
				"search engines: the maintenance page answers 503 to visitors and crawlers")
			rep.Warnings = append(rep.Warnings,
				"search engines: PrestaShop has no noindex setting; the shop stays out of search engines only while maintenance mode is on")
		} else {
			rep.Warnings = append(rep.Warnings,
				"staging marker: maintenance mode not turned on: before PrestaShop 8.1 it would lock support out too; to turn it on, add your IP to Shop Parameters > General > Maintenance and disable the shop there",
				"search engines: PrestaShop has no noindex setting; keep the staging URL private (HTTP auth) or use maintenance mode")
		}
		return nil
	})
	if err != nil {
		return FixReport{}, err
	}
	return rep, nil
}

// fixURL rewrites the main shop_url rows that share the default shop's
// domain (a multistore on one domain with virtual URIs moves as a whole)
// and the domain settings. Shops on other domains are left alone, with a
// warning: one staging URL cannot serve them all.
func (c prestaShop) fixURL(ctx context.Context, tx *sql.Tx, raw string, rep *FixReport) error {
	nu, err := parseCMSURL(raw)
	if err != nil {
		return c.errf("%w", err)
	}
	old, ok, err := c.mainURL(ctx, tx)
	if err != nil {
		return err
	}
	if !ok {
		return c.errf("no main shop URL in %sshop_url: the database is not a complete PrestaShop", c.prefix)
	}
	rows, err := tx.QueryContext(ctx, "SELECT id_shop_url, id_shop, domain, domain_ssl, physical_uri FROM "+c.t("shop_url")+" WHERE main = 1 ORDER BY id_shop_url")
	if err != nil {
		return c.errf("read %sshop_url: %w", c.prefix, err)
	}
	var all []shopURL
	for rows.Next() {
		var u shopURL
		if err := rows.Scan(&u.id, &u.shop, &u.domain, &u.domainSSL, &u.physical); err != nil {
			rows.Close()
			return c.errf("read %sshop_url: %w", c.prefix, err)
		}
		all = append(all, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c.errf("read %sshop_url: %w", c.prefix, err)
	}
	oldDir := "/" + strings.Trim(old.physical, "/")
	if oldDir != "/" {
		oldDir += "/"
	}
	for _, u := range all {
		sameDomain := strings.EqualFold(u.domain, old.domain) || strings.EqualFold(u.domainSSL, old.domainSSL)
		phys := "/" + strings.TrimLeft(u.physical, "/")
		if !sameDomain || !strings.HasPrefix(phys, oldDir) {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("shop %d URL %s%s left alone: it is not under the default shop's %s%s",
				u.shop, u.domain, u.physical, old.domain, old.physical))
			continue
		}
		newPhys := nu.Dir() + phys[len(oldDir):]
		if _, err := tx.ExecContext(ctx, "UPDATE "+c.t("shop_url")+" SET domain = ?, domain_ssl = ?, physical_uri = ? WHERE id_shop_url = ?",
			nu.Host, nu.Host, newPhys, u.id); err != nil {
			return c.errf("update %sshop_url: %w", c.prefix, err)
		}
		rep.Changes = append(rep.Changes, fmt.Sprintf("shop %d URL: domain=%s domain_ssl=%s physical_uri=%s", u.shop, nu.Host, nu.Host, newPhys))
	}
	for _, name := range []string{"PS_SHOP_DOMAIN", "PS_SHOP_DOMAIN_SSL"} {
		if err := c.setConfig(ctx, tx, name, nu.Host); err != nil {
			return err
		}
	}
	ssl := "0"
	if nu.Scheme == "https" {
		ssl = "1"
	}
	if err := c.setConfig(ctx, tx, "PS_SSL_ENABLED", ssl); err != nil {
		return err
	}
	changes := fmt.Sprintf("URL settings: PS_SHOP_DOMAIN=PS_SHOP_DOMAIN_SSL=%s PS_SSL_ENABLED=%s", nu.Host, ssl)
	// Redirecting every page to https on an http staging site would
	// make it unreachable; the two flags go together.
	if _, ok, err := c.config(ctx, tx, "PS_SSL_ENABLED_EVERYWHERE"); err != nil {
		return err
	} else if ok {
		if err := c.setConfig(ctx, tx, "PS_SSL_ENABLED_EVERYWHERE", ssl); err != nil {
			return err
		}
		changes += " PS_SSL_ENABLED_EVERYWHERE=" + ssl
	}
	rep.Changes = append(rep.Changes, changes)
	return nil
}

// CreateAdmin adds an active SuperAdmin employee with access to every shop.
// PrestaShop logs employees in by email, so name is only recorded in the
// returned Admin; the email must not belong to an employee already.
func (c prestaShop) CreateAdmin(ctx context.Context, db *sql.DB, name, email, password string) (Admin, error) {
	if err := checkEmail(email); err != nil {
		return Admin{}, c.errf("%w", err)
	}
	hash, err := passhash.New(passhash.Bcrypt, []byte(password))
	if err != nil {
		return Admin{}, c.errf("hash the admin password: %w", err)
	}
	a := Admin{Name: name, Email: email}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.t("employee")+" WHERE email = ?", email).Scan(&n); err != nil {
			return c.errf("look for employee %s: %w", email, err)
		}
		if n > 0 {
			return c.errf("an employee with email %s exists already: choose another --admin-email", email)
		}
		if ok, err := tableExists(ctx, tx, c.prefix+"profile"); err != nil {
			return err
		} else if ok {
			if _, ok, err := scalar(ctx, tx, "SELECT id_profile FROM "+c.t("profile")+" WHERE id_profile = ?", psAdminProfile); err != nil {
				return c.errf("look for the SuperAdmin profile: %w", err)
			} else if !ok {
				return c.errf("no SuperAdmin profile (id_profile %d) in %sprofile", psAdminProfile, c.prefix)
			}
		}
		// Copy the language and back-office look of an existing
		// SuperAdmin: an empty bo_theme breaks the back office.
		idLang, theme, css, tab := int64(0), "default", "theme.css", int64(0)
		var nTheme, nCSS sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT id_lang, bo_theme, bo_css, default_tab FROM "+c.t("employee")+
			" WHERE active = 1 ORDER BY id_profile = ? DESC, id_employee LIMIT 1", psAdminProfile).Scan(&idLang, &nTheme, &nCSS, &tab)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return c.errf("read an existing employee: %w", err)
		}
		if nTheme.String != "" {
			theme = nTheme.String
		}
		if nCSS.String != "" {
			css = nCSS.String
		}
		if idLang == 0 {
			v, _, err := c.config(ctx, tx, "PS_LANG_DEFAULT")
			if err != nil {
				return err
			}
			if _, err := fmt.Sscan(v, &idLang); err != nil || idLang == 0 {
				idLang = 1
			}
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO "+c.t("employee")+
			" (id_profile, id_lang, lastname, firstname, email, passwd, last_passwd_gen, bo_theme, bo_css, default_tab, active)"+
			" VALUES (?, ?, 'Support', 'Stagecopy', ?, ?, NOW(), ?, ?, ?, 1)",
			psAdminProfile, idLang, email, string(hash), theme, css, tab)
		if err != nil {
			return c.errf("add employee %s: %w", email, err)
		}
		if a.UserID, err = res.LastInsertId(); err != nil {
			return c.errf("add employee %s: %w", email, err)
		}
		shops := "SELECT id_shop FROM " + c.t("shop")
		if ok, err := tableExists(ctx, tx, c.prefix+"shop"); err != nil {
			return err
		} else if !ok {
			shops = "SELECT DISTINCT id_shop FROM " + c.t("shop_url")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+c.t("employee_shop")+" (id_employee, id_shop) SELECT ?, id_shop FROM ("+shops+") s", a.UserID); err != nil {
			return c.errf("give employee %s access to the shops: %w", email, err)
		}
		return nil
	})
	if err != nil {
		return Admin{}, err
	}
	return a, nil
}

// RemoveAdmin deletes the employee CreateAdmin made, its shop links and
// its back-office sessions. It refuses when the employee number now
// belongs to someone else.
func (c prestaShop) RemoveAdmin(ctx context.Context, db *sql.DB, a Admin) error {
	return inTx(ctx, db, func(tx *sql.Tx) error {
		cur, ok, err := scalar(ctx, tx, "SELECT email FROM "+c.t("employee")+" WHERE id_employee = ?", a.UserID)
		if err != nil {
			return c.errf("look for employee %d: %w", a.UserID, err)
		}
		if ok && !strings.EqualFold(cur, a.Email) {
			return c.errf("employee %d is %s, not %s: not removing it", a.UserID, cur, a.Email)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+c.t("employee")+" WHERE id_employee = ?", a.UserID); err != nil {
			return c.errf("remove employee %d: %w", a.UserID, err)
		}
		for _, t := range []string{"employee_shop", "employee_session"} {
			if err := deleteIfTable(ctx, tx, c.prefix+t, "id_employee", a.UserID); err != nil {
				return c.errf("remove employee %d: %w", a.UserID, err)
			}
		}
		return nil
	})
}

// SkipColumn leaves password hashes and secret tokens alone.
func (c prestaShop) SkipColumn(table, column string) bool {
	t, ok := strings.CutPrefix(table, c.prefix)
	if !ok {
		return false
	}
	switch t + "." + column {
	case "employee.passwd", "employee.reset_password_token",
		"customer.passwd", "customer.reset_password_token", "customer.secure_key",
		"webservice_account.key":
		return true
	}
	return false
}

func (c prestaShop) AccountTables() []string { return prefixed(c.prefix, "employee", "employee_shop") }
