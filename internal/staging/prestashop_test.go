package staging

import (
	"context"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/passhash"
)

func TestPrestaShopDetectAndSiteURL(t *testing.T) {
	for _, prefix := range []string{"ps_", "shop7_"} {
		t.Run(prefix, func(t *testing.T) {
			srv, name, db := loadCMS(t, "prestashop", prefix)
			c := detect(t, db, "prestashop", prefix)
			ctx := context.Background()
			got, err := c.SiteURL(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if got != "https://shop.example.com" {
				t.Errorf("SiteURL = %q", got)
			}
			// Without SSL the plain domain and the physical URI count.
			srv.Exec(t, name, "UPDATE "+prefix+"configuration SET value = '0' WHERE name = 'PS_SSL_ENABLED';"+
				"UPDATE "+prefix+"shop_url SET domain = 'plain.example.com', physical_uri = '/boutique/' WHERE id_shop_url = 1")
			if got, err = c.SiteURL(ctx, db); err != nil || got != "http://plain.example.com/boutique" {
				t.Errorf("SiteURL without SSL = %q, %v", got, err)
			}
		})
	}
}

func TestPrestaShopFix(t *testing.T) {
	srv, name, db := loadCMS(t, "prestashop", "ps_")
	c := detect(t, db, "prestashop", "ps_")
	ctx := context.Background()
	rep, err := c.Fix(ctx, db, FixOptions{URL: "http://staging.example.test/copy/", StagingID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, "shop_url", srv.Query(t, name, "SELECT id_shop_url, domain, domain_ssl, physical_uri, virtual_uri FROM ps_shop_url ORDER BY id_shop_url"),
		"1\tstaging.example.test\tstaging.example.test\t/copy/\t\n"+
			"2\tstaging.example.test\tstaging.example.test\t/copy/\tde/\n"+
			"3\tother.example.net\tother.example.net\t/\t\n"+ // another domain: left alone
			"4\twww.shop.example.com\twww.shop.example.com\t/\t") // an alias, not main
	wantLines(t, "configuration", srv.Query(t, name, "SELECT name, IFNULL(id_shop, '-'), value FROM ps_configuration "+
		"WHERE name LIKE 'PS\\_SHOP\\_%' OR name LIKE 'PS\\_SSL%' OR name LIKE 'PS\\_MAIL%' OR name LIKE 'PS\\_MAINT%' ORDER BY name, id_shop"),
		"PS_MAIL_METHOD\t-\t3\n"+
			"PS_MAIL_METHOD\t2\t3\n"+
			"PS_MAINTENANCE_ALLOW_ADMINS\t-\t1\n"+
			"PS_SHOP_DEFAULT\t-\t1\n"+
			"PS_SHOP_DOMAIN\t-\tstaging.example.test\n"+
			"PS_SHOP_DOMAIN_SSL\t-\tstaging.example.test\n"+
			"PS_SHOP_ENABLE\t-\t0\n"+
			"PS_SSL_ENABLED\t-\t0\n"+
			"PS_SSL_ENABLED_EVERYWHERE\t-\t0")
	if !hasLine(rep.Warnings, "shop 3 URL other.example.net/ left alone") {
		t.Errorf("no warning about shop 3: %q", rep.Warnings)
	}
	if !hasLine(rep.Warnings, "no noindex setting") || !hasLine(rep.Changes, "PS_MAIL_METHOD=3") {
		t.Errorf("report: %+v", rep)
	}
	if got, err := c.SiteURL(ctx, db); err != nil || got != "http://staging.example.test/copy" {
		t.Errorf("SiteURL after Fix = %q, %v", got, err)
	}

	// Before 8.1 there is no PS_MAINTENANCE_ALLOW_ADMINS: maintenance
	// mode would lock support out, so Fix leaves the shop open and says so.
	srv.Exec(t, name, "DELETE FROM ps_configuration WHERE name = 'PS_MAINTENANCE_ALLOW_ADMINS'; UPDATE ps_configuration SET value = '1' WHERE name = 'PS_SHOP_ENABLE'")
	rep, err = c.Fix(ctx, db, FixOptions{URL: "https://staging.example.test"})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, "1.7 maintenance", srv.Query(t, name, "SELECT name, value FROM ps_configuration WHERE name IN ('PS_SHOP_ENABLE', 'PS_MAINTENANCE_ALLOW_ADMINS', 'PS_SSL_ENABLED') ORDER BY name"),
		"PS_SHOP_ENABLE\t1\nPS_SSL_ENABLED\t1")
	if !hasLine(rep.Warnings, "maintenance mode not turned on") {
		t.Errorf("no maintenance warning: %q", rep.Warnings)
	}
	wantLines(t, "shop_url back at the root", srv.Query(t, name, "SELECT physical_uri FROM ps_shop_url WHERE id_shop_url IN (1, 2)"), "/\n/")
}

func TestPrestaShopAdmin(t *testing.T) {
	srv, name, db := loadCMS(t, "prestashop", "shop7_")
	c := detect(t, db, "prestashop", "shop7_")
	ctx := context.Background()
	const pw = "Correct-Horse-9-staple"
	a, err := c.CreateAdmin(ctx, db, "support", "support@staging.example.test", pw)
	if err != nil {
		t.Fatal(err)
	}
	if a.UserID != 3 || a.Email != "support@staging.example.test" || a.Name != "support" {
		t.Errorf("admin = %+v", a)
	}
	row := srv.Query(t, name, "SELECT id_profile, id_lang, firstname, lastname, email, active, bo_theme, bo_css, default_tab FROM shop7_employee WHERE id_employee = 3")
	wantLines(t, "employee", row, "1\t2\tStagecopy\tSupport\tsupport@staging.example.test\t1\tdefault\ttheme.css\t1")
	wantLines(t, "employee_shop", srv.Query(t, name, "SELECT id_shop FROM shop7_employee_shop WHERE id_employee = 3 ORDER BY id_shop"), "1\n2\n3")
	hash := srv.Query(t, name, "SELECT passwd FROM shop7_employee WHERE id_employee = 3")
	if !strings.HasPrefix(hash, "$2y$10$") || !passhash.Check([]byte(hash), []byte(pw)) {
		t.Errorf("hash %q does not verify", hash)
	}
	if !phpPasswordVerify(t, hash, pw) || phpPasswordVerify(t, hash, pw+"x") {
		t.Errorf("php password_verify disagrees on %q", hash)
	}

	if _, err := c.CreateAdmin(ctx, db, "other", "SUPPORT@staging.example.test", pw); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("duplicate email: err = %v", err)
	}
	if n := srv.Query(t, name, "SELECT COUNT(*) FROM shop7_employee"); n != "3" {
		t.Errorf("%s employees after the refused duplicate", n)
	}

	// An id that now belongs to someone else is not removed.
	if err := c.RemoveAdmin(ctx, db, Admin{Name: "x", Email: "nobody@example.com", UserID: 1}); err == nil {
		t.Error("RemoveAdmin removed the owner")
	}
	if err := c.RemoveAdmin(ctx, db, a); err != nil {
		t.Fatal(err)
	}
	wantLines(t, "after RemoveAdmin", srv.Query(t, name, "SELECT (SELECT COUNT(*) FROM shop7_employee WHERE id_employee = 3), (SELECT COUNT(*) FROM shop7_employee_shop WHERE id_employee = 3), (SELECT COUNT(*) FROM shop7_employee)"), "0\t0\t2")
	if err := c.RemoveAdmin(ctx, db, a); err != nil {
		t.Errorf("removing again: %v", err)
	}
}

func TestPrestaShopSkipColumn(t *testing.T) {
	c := prestaShop{prefix: "ps_"}
	for _, tc := range []struct {
		table, column string
		want          bool
	}{
		{"ps_employee", "passwd", true},
		{"ps_customer", "passwd", true},
		{"ps_customer", "email", false},
		{"ps_configuration", "value", false},
		{"xx_employee", "passwd", false},
	} {
		if got := c.SkipColumn(tc.table, tc.column); got != tc.want {
			t.Errorf("SkipColumn(%s, %s) = %v", tc.table, tc.column, got)
		}
	}
}
