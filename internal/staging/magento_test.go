package staging

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/passhash"
)

func TestMagentoDetectAndSiteURL(t *testing.T) {
	for _, prefix := range []string{"", "mage_"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			srv, name, db := loadCMS(t, "magento2", prefix)
			c := detect(t, db, "magento2", prefix)
			ctx := context.Background()
			if got, err := c.SiteURL(ctx, db); err != nil || got != "https://magento.example.com" {
				t.Errorf("SiteURL = %q, %v", got, err)
			}
			// A placeholder secure URL falls back to the unsecure one.
			srv.Exec(t, name, "UPDATE "+prefix+"core_config_data SET value = '{{unsecure_base_url}}' WHERE config_id = 2")
			if got, err := c.SiteURL(ctx, db); err != nil || got != "http://magento.example.com" {
				t.Errorf("SiteURL = %q, %v", got, err)
			}
		})
	}
}

func TestMagentoFix(t *testing.T) {
	srv, name, db := loadCMS(t, "magento2", "")
	c := detect(t, db, "magento2", "")
	srv.Exec(t, name, "CREATE TABLE tfa_user_config (config_id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int unsigned NOT NULL DEFAULT 0, encoded_providers text, encoded_config text)")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "app/etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := "<?php\nreturn [\n    'system' => [\n        'default' => ['web' => ['unsecure' => ['base_url' => 'https://magento.example.com/']]]\n    ]\n];\n"
	if err := os.WriteFile(filepath.Join(dir, "app/etc/env.php"), []byte(env), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rep, err := c.Fix(ctx, db, FixOptions{URL: "https://staging.example.test", FilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, "core_config_data", srv.Query(t, name, "SELECT scope, scope_id, path, IFNULL(value, 'NULL') FROM core_config_data ORDER BY config_id"),
		"default\t0\tweb/unsecure/base_url\thttps://staging.example.test/\n"+
			"default\t0\tweb/secure/base_url\thttps://staging.example.test/\n"+
			"default\t0\tweb/unsecure/base_link_url\t{{unsecure_base_url}}\n"+
			"default\t0\tweb/secure/base_media_url\thttps://staging.example.test/media/\n"+
			"stores\t1\tweb/secure/base_url\thttps://staging.example.test/\n"+
			"stores\t1\tweb/secure/base_link_url\thttps://staging.example.test/de/\n"+
			"default\t0\tweb/unsecure/base_static_url\thttps://cdn.example.net/static/\n"+
			"default\t0\tweb/cookie/cookie_domain\tNULL\n"+
			"websites\t1\tsystem/smtp/disable\t1\n"+
			"default\t0\tdesign/search_engine_robots/default_robots\tNOINDEX,NOFOLLOW\n"+
			"default\t0\tgeneral/locale/code\ten_US\n"+
			"default\t0\tsystem/smtp/disable\t1\n"+
			"default\t0\tdesign/search_engine_robots/custom_instructions\tUser-agent: *\nDisallow: /\n\n"+
			"default\t0\tdesign/head/demonotice\t1")
	for _, w := range []string{"web/unsecure/base_static_url (default 0) = https://cdn.example.net/static/ left alone", "app/etc/env.php has a 'system' section", "Magento_TwoFactorAuth", "cache:flush"} {
		if !hasLine(rep.Warnings, w) {
			t.Errorf("no warning %q in %q", w, rep.Warnings)
		}
	}
	if got, err := c.SiteURL(ctx, db); err != nil || got != "https://staging.example.test" {
		t.Errorf("SiteURL after Fix = %q, %v", got, err)
	}
	// Fix twice is the same as once.
	before := srv.Checksums(t, name)["core_config_data"]
	if _, err := c.Fix(ctx, db, FixOptions{URL: "https://staging.example.test"}); err != nil {
		t.Fatal(err)
	}
	if after := srv.Checksums(t, name)["core_config_data"]; after != before {
		t.Error("a second Fix changed core_config_data")
	}
}

func TestMagentoAdmin(t *testing.T) {
	srv, name, db := loadCMS(t, "magento2", "mage_")
	c := detect(t, db, "magento2", "mage_")
	ctx := context.Background()
	const pw = "Correct-Horse-9-staple"
	a, err := c.CreateAdmin(ctx, db, "support", "support@staging.example.test", pw)
	if err != nil {
		t.Fatal(err)
	}
	if a.UserID != 2 {
		t.Errorf("admin = %+v", a)
	}
	wantLines(t, "admin_user", srv.Query(t, name, "SELECT firstname, lastname, email, username, is_active, created > NOW() - INTERVAL 1 HOUR FROM mage_admin_user WHERE user_id = 2"),
		"Stagecopy\tSupport\tsupport@staging.example.test\tsupport\t1\t1")
	// Parent 1: the group allowed Magento_Backend::all, not group 3 that is denied it.
	wantLines(t, "authorization_role", srv.Query(t, name, "SELECT parent_id, tree_level, sort_order, role_type, user_id, user_type, role_name FROM mage_authorization_role WHERE user_id = 2"),
		"1\t2\t0\tU\t2\t2\tsupport")
	hash := srv.Query(t, name, "SELECT password FROM mage_admin_user WHERE user_id = 2")
	if !strings.HasSuffix(hash, ":1") || !passhash.Check([]byte(hash), []byte(pw)) {
		t.Errorf("hash %q does not verify", hash)
	}
	// What Magento\Framework\Encryption\Encryptor::isValidHash computes
	// for hash version 1.
	php := `[$h, $s, $v] = explode(':', $argv[2]); echo ($v === '1' && hash_equals($h, hash('sha256', $s . $argv[1]))) ? "yes" : "no";`
	if got := phpEval(t, php, pw, hash); got != "yes" {
		t.Errorf("php check of %q: %s", hash, got)
	}

	for _, dup := range [][2]string{{"ada", "new@example.com"}, {"new", "ada@example.com"}} {
		if _, err := c.CreateAdmin(ctx, db, dup[0], dup[1], pw); err == nil || !strings.Contains(err.Error(), "exists already") {
			t.Errorf("duplicate %v: err = %v", dup, err)
		}
	}
	if err := c.RemoveAdmin(ctx, db, Admin{Name: "support", UserID: 1}); err == nil {
		t.Error("RemoveAdmin removed ada")
	}
	if err := c.RemoveAdmin(ctx, db, a); err != nil {
		t.Fatal(err)
	}
	wantLines(t, "after RemoveAdmin", srv.Query(t, name, "SELECT (SELECT COUNT(*) FROM mage_admin_user WHERE user_id = 2), (SELECT COUNT(*) FROM mage_authorization_role WHERE user_id = 2), (SELECT COUNT(*) FROM mage_authorization_role)"), "0\t0\t3")
	if err := c.RemoveAdmin(ctx, db, a); err != nil {
		t.Errorf("removing again: %v", err)
	}
}

func TestMagentoSkipColumn(t *testing.T) {
	c := magento2{}
	if !c.SkipColumn("admin_user", "password") || !c.SkipColumn("customer_entity", "password_hash") || c.SkipColumn("core_config_data", "value") {
		t.Error("SkipColumn")
	}
}
