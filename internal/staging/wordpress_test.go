package staging

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/passhash"
)

func TestWordPressFixAndAdmin(t *testing.T) {
	ctx := context.Background()
	srv, name, db := loadCMS(t, "wordpress", "wp7_")
	cms := detect(t, db, "wordpress", "wp7_")
	if u, err := cms.SiteURL(ctx, db); err != nil || u != "https://shop.example.org" {
		t.Fatalf("SiteURL %q, %v", u, err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "wp-config.php"), []byte("<?php\ndefine( 'WP_HOME', 'https://shop.example.org' );\n"), 0o640)
	rep, err := cms.Fix(ctx, db, FixOptions{URL: "https://staging.test/", FilesDir: dir, StagingID: "stg-0123456789ab"})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Query(t, name, "SELECT option_name, option_value FROM wp7_options ORDER BY option_name")
	wantLines(t, "options", got, "blog_public\t0\nhome\thttps://staging.test\nsiteurl\thttps://staging.test")
	if b, _ := os.ReadFile(filepath.Join(dir, "wp-config.php")); !strings.Contains(string(b), "define( 'WP_HOME', 'https://staging.test' )") {
		t.Errorf("wp-config.php still pins the old URL:\n%s", b)
	}
	plugin, err := os.ReadFile(filepath.Join(dir, MuPluginPath))
	if err != nil || !strings.Contains(string(plugin), "function wp_mail(") || !strings.Contains(string(plugin), "stg-0123456789ab") {
		t.Errorf("mu-plugin: %v\n%s", err, plugin)
	}
	if len(rep.Files) != 1 || len(rep.Warnings) != 0 {
		t.Errorf("report %+v", rep)
	}
	// The plugin must at least parse as PHP (the WordPress real-client
	// test in cmd/stagecopy loads it for real).
	if out := phpEval(t, `$c = file_get_contents($argv[1]); echo @token_get_all($c, TOKEN_PARSE) ? "ok" : "bad";`, filepath.Join(dir, MuPluginPath)); out != "ok" {
		t.Errorf("mu-plugin does not parse: %s", out)
	}

	// Without files, Fix says mail is not off.
	rep, err = cms.Fix(ctx, db, FixOptions{})
	if err != nil || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "mail is NOT off") {
		t.Errorf("no files dir: %+v %v", rep, err)
	}

	a, err := cms.CreateAdmin(ctx, db, "support", "support@staging.example.invalid", "Pw-123456789")
	if err != nil {
		t.Fatal(err)
	}
	hash := srv.Query(t, name, "SELECT user_pass FROM wp7_users WHERE ID = "+itoa(a.UserID))
	if !passhash.Check([]byte(hash), []byte("Pw-123456789")) {
		t.Errorf("stored hash %s does not verify", hash)
	}
	wantLines(t, "meta", srv.Query(t, name, "SELECT meta_key, meta_value FROM wp7_usermeta WHERE user_id = "+itoa(a.UserID)+" ORDER BY meta_key"),
		"wp7_capabilities\ta:1:{s:13:\"administrator\";b:1;}\nwp7_user_level\t10")
	if _, err := cms.CreateAdmin(ctx, db, "support", "x@y.invalid", "Pw-123456789"); err == nil {
		t.Error("a second admin of the same name was created")
	}
	if _, err := cms.CreateAdmin(ctx, db, "other", "owner@example.com", "Pw-123456789"); err == nil {
		t.Error("an admin with an existing email was created")
	}
	// RemoveAdmin refuses an id that now belongs to someone else.
	if err := cms.RemoveAdmin(ctx, db, Admin{Name: "support", UserID: 1}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Query(t, name, "SELECT COUNT(*) FROM wp7_users"); n != "2" {
		t.Fatalf("RemoveAdmin with a wrong id removed a user: %s users", n)
	}
	for range 2 {
		if err := cms.RemoveAdmin(ctx, db, a); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Query(t, name, "SELECT COUNT(*) FROM wp7_users WHERE user_login = 'support'") + srv.Query(t, name, "SELECT COUNT(*) FROM wp7_usermeta WHERE user_id = "+itoa(a.UserID)); n != "00" {
		t.Errorf("support admin left rows: %s", n)
	}
	if !cms.SkipColumn("wp7_users", "user_pass") || !cms.SkipColumn("wp7_posts", "guid") || cms.SkipColumn("wp7_posts", "post_content") {
		t.Error("SkipColumn")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
