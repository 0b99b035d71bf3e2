package staging

import (
	"context"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/passhash"
)

func TestDrupalDetectAndSiteURL(t *testing.T) {
	for _, prefix := range []string{"", "d10_"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			_, _, db := loadCMS(t, "drupal", prefix)
			c := detect(t, db, "drupal", prefix)
			if got, err := c.SiteURL(context.Background(), db); err != nil || got != "" {
				t.Errorf("SiteURL = %q, %v; want \"\"", got, err)
			}
		})
	}
}

// phpUnserialize returns PHP's var_export of unserialize(data), or
// "false" when PHP cannot read it.
func phpUnserialize(t *testing.T, data string) string {
	t.Helper()
	return phpEval(t, `var_export(unserialize($argv[1], ['allowed_classes' => false]));`, data)
}

func TestDrupalFix(t *testing.T) {
	srv, name, db := loadCMS(t, "drupal", "d10_")
	c := detect(t, db, "drupal", "d10_")
	rep, err := c.Fix(context.Background(), db, FixOptions{URL: "https://staging.example.test:8443/"})
	if err != nil {
		t.Fatal(err)
	}
	data := srv.Query(t, name, "SELECT data FROM d10_config WHERE collection = '' AND name = 'system.mail'")
	want := `a:3:{s:9:"interface";a:1:{s:7:"default";s:19:"test_mail_collector";}s:10:"mailer_dsn";a:6:{s:6:"scheme";s:8:"sendmail";s:4:"host";s:7:"default";s:4:"user";N;s:8:"password";N;s:4:"port";N;s:7:"options";a:0:{}}s:5:"_core";a:1:{s:19:"default_config_hash";s:43:"rYgt7uhPafP2ngaN_ZUPFuyI4KdE0zU868zLNSlzKoE";}}`
	wantLines(t, "system.mail", data, want)
	if got := phpUnserialize(t, data); !strings.Contains(got, "'default' => 'test_mail_collector'") || !strings.Contains(got, "'scheme' => 'sendmail'") {
		t.Errorf("php reads system.mail as %s", got)
	}
	wantLines(t, "cache_config", srv.Query(t, name, "SELECT cid FROM d10_cache_config ORDER BY cid"), "system.site")
	for _, w := range []string{`add '^staging\.example\.test$'`, "no noindex setting", "no visible marker"} {
		if !hasLine(rep.Warnings, w) {
			t.Errorf("no warning %q in %q", w, rep.Warnings)
		}
	}
	if !hasLine(rep.Changes, "test_mail_collector") {
		t.Errorf("changes: %q", rep.Changes)
	}
}

func TestDrupalMailOff(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Per-module overrides are turned off too.
		{`a:1:{s:9:"interface";a:2:{s:7:"default";s:8:"php_mail";s:7:"contact";s:11:"smtp_mailer";}}`,
			`a:1:{s:9:"interface";a:2:{s:7:"default";s:19:"test_mail_collector";s:7:"contact";s:19:"test_mail_collector";}}`},
		{`a:1:{s:9:"interface";a:0:{}}`, `a:1:{s:9:"interface";a:1:{s:7:"default";s:19:"test_mail_collector";}}`},
		{`a:1:{s:5:"_core";a:0:{}}`, `a:2:{s:5:"_core";a:0:{}s:9:"interface";a:1:{s:7:"default";s:19:"test_mail_collector";}}`},
	} {
		got, err := drupalMailOff([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		wantLines(t, tc.in, string(got), tc.want)
		if out := phpUnserialize(t, string(got)); out == "false" {
			t.Errorf("php cannot unserialize %s", got)
		}
	}
	for _, bad := range []string{`s:3:"abc";`, `a:1:{s:9:"interface";s:3:"abc";}`, `a:1:{s:9:"interface"`} {
		if _, err := drupalMailOff([]byte(bad)); err == nil {
			t.Errorf("drupalMailOff(%s) did not fail", bad)
		}
	}
}

// drupal7Check is Drupal's PhpassHashedPassword::check in PHP, to check
// $S$ hashes with code that is not ours.
const drupal7Check = `$pw = $argv[1]; $h = $argv[2];
$itoa = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
$count = 1 << strpos($itoa, $h[3]); $salt = substr($h, 4, 8);
$hash = hash('sha512', $salt . $pw, true);
do { $hash = hash('sha512', $hash . $pw, true); } while (--$count);
$in = $hash; $n = strlen($in); $out = ''; $i = 0;
do {
  $v = ord($in[$i++]); $out .= $itoa[$v & 0x3f];
  if ($i < $n) $v |= ord($in[$i]) << 8;
  $out .= $itoa[($v >> 6) & 0x3f];
  if ($i++ >= $n) break;
  if ($i < $n) $v |= ord($in[$i]) << 16;
  $out .= $itoa[($v >> 12) & 0x3f];
  if ($i++ >= $n) break;
  $out .= $itoa[($v >> 18) & 0x3f];
} while ($i < $n);
echo substr(substr($h, 0, 12) . $out, 0, 55) === $h ? "yes" : "no";`

func TestDrupalAdmin(t *testing.T) {
	for _, tc := range []struct {
		name, oldHashes, prefix string
	}{
		{"drupal10.1+", "", "$2y$10$"},
		{"drupal8-10.0", "$S$DQ3aNnQyPpMpxNbbdzmx1fYA5FRrqMGq9NkyQ/8ybcUrGa1qvc4.", "$S$D"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, name, db := loadCMS(t, "drupal", "")
			if tc.oldHashes != "" {
				srv.Exec(t, name, "UPDATE users_field_data SET pass = '"+tc.oldHashes+"' WHERE pass IS NOT NULL")
			}
			c := detect(t, db, "drupal", "")
			ctx := context.Background()
			const pw = "Correct-Horse-9-staple"
			a, err := c.CreateAdmin(ctx, db, "support", "support@staging.example.test", pw)
			if err != nil {
				t.Fatal(err)
			}
			if a.UserID != 3 {
				t.Errorf("admin = %+v", a)
			}
			wantLines(t, "users", srv.Query(t, name, "SELECT uid, langcode, LENGTH(uuid), uuid REGEXP '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' FROM users WHERE uid = 3"), "3\tde\t36\t1")
			wantLines(t, "users_field_data", srv.Query(t, name, "SELECT uid, langcode, preferred_langcode, name, mail, timezone, status, created > UNIX_TIMESTAMP() - 3600, changed = created, access, login, init, default_langcode FROM users_field_data WHERE uid = 3"),
				"3\tde\tde\tsupport\tsupport@staging.example.test\tEurope/Berlin\t1\t1\t1\t0\t0\tsupport@staging.example.test\t1")
			wantLines(t, "user__roles", srv.Query(t, name, "SELECT bundle, deleted, entity_id, revision_id, langcode, delta, roles_target_id FROM user__roles WHERE entity_id = 3"),
				"user\t0\t3\t3\tde\t0\tadministrator")
			hash := srv.Query(t, name, "SELECT pass FROM users_field_data WHERE uid = 3")
			if !strings.HasPrefix(hash, tc.prefix) || !passhash.Check([]byte(hash), []byte(pw)) {
				t.Errorf("hash %q: want prefix %s and to verify", hash, tc.prefix)
			}
			if tc.prefix == "$S$D" {
				if got := phpEval(t, drupal7Check, pw, hash); got != "yes" {
					t.Errorf("Drupal's $S$ check of %q: %s", hash, got)
				}
			} else if !phpPasswordVerify(t, hash, pw) {
				t.Errorf("php password_verify rejects %q", hash)
			}

			for _, dup := range [][2]string{{"admin", "new@example.com"}, {"new", "editor@example.com"}} {
				if _, err := c.CreateAdmin(ctx, db, dup[0], dup[1], pw); err == nil || !strings.Contains(err.Error(), "exists already") {
					t.Errorf("duplicate %v: err = %v", dup, err)
				}
			}
			if err := c.RemoveAdmin(ctx, db, Admin{Name: "support", UserID: 1}); err == nil {
				t.Error("RemoveAdmin removed user 1")
			}
			if err := c.RemoveAdmin(ctx, db, a); err != nil {
				t.Fatal(err)
			}
			wantLines(t, "after RemoveAdmin", srv.Query(t, name, "SELECT (SELECT COUNT(*) FROM users WHERE uid = 3), (SELECT COUNT(*) FROM users_field_data WHERE uid = 3), (SELECT COUNT(*) FROM user__roles WHERE entity_id = 3), (SELECT COUNT(*) FROM users)"), "0\t0\t0\t3")
			if err := c.RemoveAdmin(ctx, db, a); err != nil {
				t.Errorf("removing again: %v", err)
			}
		})
	}
}

func TestDrupalAdminNeedsAdminRole(t *testing.T) {
	srv, name, db := loadCMS(t, "drupal", "")
	srv.Exec(t, name, "DELETE FROM config WHERE name = 'user.role.administrator'")
	c := detect(t, db, "drupal", "")
	_, err := c.CreateAdmin(context.Background(), db, "support", "support@staging.example.test", "Correct-Horse-9-staple")
	if err == nil || !strings.Contains(err.Error(), "is_admin") {
		t.Fatalf("err = %v", err)
	}
	wantLines(t, "users", srv.Query(t, name, "SELECT COUNT(*) FROM users"), "3")
}
