package restore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/snapshot"
)

// demoWith snapshots the WordPress demo dump with sql appended (after its
// tables: its views, triggers and routines go into the objects entry).
func demoWith(t *testing.T, sql string) []byte {
	t.Helper()
	demo, err := os.ReadFile("../testdata/demo/demo.sql")
	if err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(t.TempDir(), "dump.sql")
	if err := os.WriteFile(dump, append(demo, sql...), 0o644); err != nil {
		t.Fatal(err)
	}
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: dump})
	return data
}

// TestRestoreAccountObjects: an archive's trigger, view, routine or event
// that could copy or change the support admin's login and password hash
// (it names the CMS's account tables, or fires on one) makes restore
// --support-admin refuse, before the admin exists, and undo all it made;
// whatever else the site's objects do is restored as it is. Without
// --support-admin such objects are the archive's own business.
func TestRestoreAccountObjects(t *testing.T) {
	srv := mariadbtest.Start(t)
	const leak = "CREATE TABLE leak (login VARCHAR(200), hash VARCHAR(255));\n"
	const steal = leak + "DELIMITER ;;\nCREATE TRIGGER steal AFTER INSERT ON wp_users FOR EACH ROW INSERT INTO leak VALUES (NEW.user_login, NEW.user_pass);;\nDELIMITER ;\n"
	refused := map[string]string{
		"trigger on the users table copies login and hash": steal,
		"trigger sets the hash":                            "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER known BEFORE INSERT ON `wp_users` FOR EACH ROW SET NEW.user_pass = '$P$Bknownknownknownknownknownknown1' */;\n",
		"trigger elsewhere reads the users table":          leak + "CREATE TRIGGER later AFTER UPDATE ON wp_options FOR EACH ROW INSERT INTO leak SELECT user_login, user_pass FROM `wp_users`;\n",
		"trigger reads a view of the users table":          leak + "CREATE VIEW v AS SELECT user_login AS a, user_pass AS b FROM wp_users;\nCREATE TRIGGER later AFTER UPDATE ON wp_options FOR EACH ROW INSERT INTO leak SELECT a, b FROM v;\n",
		"routine writes user meta":                         "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN INSERT INTO /*!50000 WP_UserMeta */ (user_id, meta_key, meta_value) VALUES (1, 'x', 'y'); END;;\nDELIMITER ;\n",
		"event reads the users table":                      leak + "CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO INSERT INTO leak SELECT user_login, user_pass FROM wp_users;\n",
	}
	for name, sql := range refused {
		t.Run(name, func(t *testing.T) {
			data := demoWith(t, sql)
			db := mariadbtest.Name(t, "accounts")
			reg := flowtest.Registry(t)
			dir := filepath.Join(t.TempDir(), "site")
			_, err := Run(context.Background(), Options{
				Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, FilesDir: dir,
				Registry: reg, SupportAdmin: "support", URL: "https://staging.example.test",
			})
			if err == nil && strings.Contains(sql, "leak") {
				srv.Exec(t, db, "UPDATE wp_options SET option_value = option_value WHERE option_id = 1")
				t.Errorf("restored; its leak table holds %s rows of the support admin", srv.Query(t, db, "SELECT COUNT(*) FROM leak WHERE login = 'support'"))
			}
			if !errors.Is(err, ErrAccountObject) {
				t.Fatalf("got %v, want %v", err, ErrAccountObject)
			}
			nothingLeft(t, srv, db, dir, reg)
		})
	}

	// A trigger that does not reach the accounts stays, and works; the
	// admin's login and hash are nowhere but in wp_users.
	t.Run("other trigger", func(t *testing.T) {
		data := demoWith(t, leak+"CREATE TRIGGER titles AFTER INSERT ON wp_posts FOR EACH ROW INSERT INTO leak VALUES (NEW.post_title, NEW.post_name);\n")
		db := mariadbtest.Name(t, "accounts")
		res, err := Run(context.Background(), Options{
			Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db,
			Registry: flowtest.Registry(t), SupportAdmin: "support",
		})
		if err != nil {
			t.Fatal(err)
		}
		hash := srv.Query(t, db, "SELECT user_pass FROM wp_users WHERE user_login = 'support'")
		if hash == "" || res.AdminPassword == "" {
			t.Fatalf("no support admin: %q", hash)
		}
		if n := srv.Query(t, db, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '"+db+"'"); n != "1" {
			t.Errorf("%s triggers, want the archive's one", n)
		}
		srv.Exec(t, db, "INSERT INTO wp_posts (post_title, post_name, post_content, post_excerpt, to_ping, pinged, post_content_filtered) VALUES ('hello', 'hello', '', '', '', '', '')")
		got := srv.Query(t, db, "SELECT GROUP_CONCAT(login, ' ', hash) FROM leak")
		if got != "hello hello" {
			t.Errorf("the trigger's table holds %q, want its own row", got)
		}
		if all := dumpText(t, srv, db, "wp_users"); strings.Count(all, hash) != 0 {
			t.Errorf("the admin's hash is outside wp_users")
		}
	})

	// Without --support-admin, the archive's objects are restored as
	// they are.
	t.Run("no support admin", func(t *testing.T) {
		db := mariadbtest.Name(t, "accounts")
		if _, err := Run(context.Background(), Options{
			Archive: bytes.NewReader(demoWith(t, steal)), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t),
		}); err != nil {
			t.Fatal(err)
		}
		if n := srv.Query(t, db, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '"+db+"'"); n != "1" {
			t.Errorf("%s triggers, want the archive's one", n)
		}
	})
}

// dumpText is the text of every table of db but skip, as mariadb-dump
// writes it.
func dumpText(t *testing.T, srv *mariadbtest.Server, db, skip string) string {
	t.Helper()
	return string(srv.Dump(t, db, "--ignore-table="+db+"."+skip))
}
