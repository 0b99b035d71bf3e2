package restore

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/snapshot"
)

// The session settings of a dump must reach every entry that needs them and
// no other: each entry is loaded on a connection of its own. These dumps
// (hand-written shapes, and mariadb-dump's output under many options) are
// loaded directly, snapshotted, restored and loaded entry by entry; the
// three must agree.

const sessionPre = "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\n/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"

// sessionRoundTrip loads dump directly into one database (the reference),
// snapshots it, restores the archive and loads it entry by entry, and
// compares the checksums and what extra (a query) gives.
func sessionRoundTrip(t *testing.T, srv *mariadbtest.Server, dump []byte, extra string) {
	t.Helper()
	_, ref := mariadbtest.NewDatabase(t)
	srv.Exec(t, ref, string(dump))
	want := srv.Checksums(t, ref)
	wantExtra := ""
	if extra != "" {
		wantExtra = srv.Query(t, ref, extra)
	}
	f := filepath.Join(t.TempDir(), "dump.sql")
	if err := os.WriteFile(f, dump, 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: f})
	name := mariadbtest.Name(t, "r")
	if _, err := Run(context.Background(), Options{
		Archive: bytes.NewReader(data), ArchivePath: "x.tar.zst", Server: srv.Config(t, ""),
		Database: name, Threads: 3, Registry: flowtest.Registry(t), CMS: "none",
	}); err != nil {
		t.Fatalf("restore: %v\narchive:\n%s", err, flowtest.Text(t, data))
	}
	got := srv.Checksums(t, name)
	delete(got, registry.MarkerTable)
	if !maps.Equal(want, got) {
		t.Errorf("checksums differ\ndirect   %v\nrestored %v\narchive:\n%s", want, got, flowtest.Text(t, data))
	}
	_, byHand := mariadbtest.NewDatabase(t)
	flowtest.LoadEntries(t, srv, byHand, data)
	if got := srv.Checksums(t, byHand); !maps.Equal(want, got) {
		t.Errorf("entry by entry: checksums differ\ndirect %v\nloaded %v", want, got)
	}
	if extra != "" {
		if g := srv.Query(t, name, extra); g != wantExtra {
			t.Errorf("%s: direct %q restored %q\narchive:\n%s", extra, wantExtra, g, flowtest.Text(t, data))
		}
	}
}

func TestSessionSetsHandWritten(t *testing.T) {
	srv, _ := mariadbtest.NewDatabase(t)
	for _, c := range []struct{ name, dump, extra string }{
		{"save before rows, restore after them", sessionPre + "CREATE TABLE a (id int AUTO_INCREMENT PRIMARY KEY, x int);\nSET @saved_sql_mode = @@sql_mode;\nSET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';\nINSERT INTO a VALUES (0,1);\nSET sql_mode = @saved_sql_mode;\nCREATE TABLE b (id int);\nINSERT INTO b VALUES (1);\n", ""},
		{"set @@session.x = @y before rows", "CREATE TABLE a (id int AUTO_INCREMENT PRIMARY KEY, x int);\nSET @m = 'NO_AUTO_VALUE_ON_ZERO';\nSET @@session.sql_mode = @m;\nINSERT INTO a VALUES (0,1);\n", ""},
		{"set @x := then set x = @x before a table", "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nSET @m := 'NO_AUTO_VALUE_ON_ZERO';\nSET sql_mode = @m;\nCREATE TABLE b (id int AUTO_INCREMENT PRIMARY KEY);\nINSERT INTO b VALUES (0);\n", ""},
		{"setting between tables reaches only the next statement", "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nSET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';\nCREATE TABLE b (id int AUTO_INCREMENT PRIMARY KEY);\nINSERT INTO b VALUES (0);\n", ""},
		{"setting after create table, before its rows", "CREATE TABLE b (id int AUTO_INCREMENT PRIMARY KEY);\nSET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';\nINSERT INTO b VALUES (0);\n", ""},
		{"view after empty table, settings restored with IFNULL", sessionPre + "CREATE TABLE a (id int);\nSET @saved_col_connection = @@collation_connection;\nSET collation_connection = 'utf8mb4_bin';\nCREATE VIEW v AS SELECT 'x' AS c;\nSET collation_connection = IFNULL(@saved_col_connection, 'utf8mb4_general_ci');\nCREATE TABLE b (c varchar(10) CHARSET utf8mb4);\nINSERT INTO b VALUES ('x');\n", "SELECT COLLATION(c) FROM v"},
		{"old_ restore after the last empty table", sessionPre + "CREATE TABLE a (id int);\n/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n", ""},
		{"trigger after empty table under a dump-wide sql_mode", sessionPre + "CREATE TABLE a (id int AUTO_INCREMENT PRIMARY KEY, n int);\n/*!50003 SET @saved_sql_mode = @@sql_mode */;\n/*!50003 SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO' */;\nDELIMITER ;;\n/*!50003 CREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW SET NEW.n = 1 */;;\nDELIMITER ;\n/*!50003 SET sql_mode = @saved_sql_mode */;\nCREATE TABLE b (id int AUTO_INCREMENT PRIMARY KEY);\nINSERT INTO b VALUES (0);\n", "SELECT SQL_MODE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA=DATABASE()"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sessionRoundTrip(t, srv, []byte(c.dump), c.extra)
		})
	}
}

const sessionSchema = `
CREATE TABLE e1 (id INT PRIMARY KEY AUTO_INCREMENT, x VARCHAR(20)) DEFAULT CHARSET=utf8mb4;
CREATE TABLE full1 (id INT PRIMARY KEY AUTO_INCREMENT, x VARCHAR(20)) DEFAULT CHARSET=utf8mb4;
CREATE TABLE e2 (id INT PRIMARY KEY) DEFAULT CHARSET=latin1;
CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(50));
CREATE SEQUENCE seq1;
CREATE VIEW v_e1 AS SELECT id, CONCAT(x, 'é') AS y FROM e1;
CREATE VIEW v_full AS SELECT id, x FROM full1;
CREATE TRIGGER e2_ai AFTER INSERT ON e2 FOR EACH ROW INSERT INTO log (what) VALUES (CONCAT('e2 ', NEW.id));
CREATE TRIGGER full1_bi BEFORE INSERT ON full1 FOR EACH ROW SET NEW.x = IFNULL(NEW.x, 'dflt');
CREATE FUNCTION twice(a INT) RETURNS INT DETERMINISTIC RETURN a * 2;
CREATE EVENT ev1 ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM log WHERE id < 0;
SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
INSERT INTO full1 VALUES (0, 'zero'), (1, 'Zoë'), (2, NULL);
INSERT INTO log (what) VALUES ('a');
`

func TestSessionSetsMariadbDump(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, sessionSchema)
	extra := "SELECT (SELECT COUNT(*) FROM v_e1), (SELECT COUNT(*) FROM v_full), (SELECT twice(4)), (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()), (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE())"
	for _, args := range [][]string{
		{"--routines", "--triggers", "--events"},
		{"--routines", "--triggers", "--events", "--compact"},
		{"--routines", "--triggers", "--events", "--skip-add-locks", "--skip-disable-keys"},
		{"--routines", "--triggers", "--events", "--no-autocommit", "--skip-extended-insert", "--complete-insert"},
		{"--routines", "--triggers", "--events", "--skip-tz-utc", "--skip-set-charset"},
		{"--routines", "--triggers", "--events", "--add-drop-trigger", "--single-transaction", "--order-by-primary"},
		{"--routines", "--triggers", "--events", "--no-data"},
		{"--routines", "--triggers", "--events", "--skip-comments", "--skip-add-drop-table", "--insert-ignore"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			sessionRoundTrip(t, srv, srv.Dump(t, src, args...), extra)
		})
	}
	t.Run("live", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := snapshot.Create(context.Background(), &buf, snapshot.Options{NoAnonymize: true, Server: &dbdump.Config{DSN: srv.DSN(src), Database: src, Threads: 2}, ServerName: "test"}); err != nil {
			t.Fatal(err)
		}
		name := mariadbtest.Name(t, "live")
		if _, err := Run(context.Background(), Options{
			Archive: bytes.NewReader(buf.Bytes()), ArchivePath: "x.tar.zst", Server: srv.Config(t, ""),
			Database: name, Threads: 3, Registry: flowtest.Registry(t), CMS: "none",
		}); err != nil {
			t.Fatalf("restore: %v\n%s", err, flowtest.Text(t, buf.Bytes()))
		}
		got := srv.Checksums(t, name)
		delete(got, registry.MarkerTable)
		if want := srv.Checksums(t, src); !maps.Equal(want, got) {
			t.Errorf("checksums differ\nsource   %v\nrestored %v", want, got)
		}
		if a, b := srv.Query(t, src, extra), srv.Query(t, name, extra); a != b {
			t.Errorf("%q vs %q", a, b)
		}
	})
}

// TestLiveAndDumpRestoreAlike is the shape of a Magento install: a view
// after a table without rows. The view's session settings used to be split
// between the last table's schema entry and the objects entry, which runs on
// another connection, so the live snapshot did not restore (collation_connection
// set to NULL). A live snapshot and one of the same database's dump must both
// restore, to the same checksums, and every entry must load on its own
// connection (loadArchive runs each in a new client).
func TestLiveAndDumpRestoreAlike(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, `
CREATE TABLE a (id INT PRIMARY KEY, who VARCHAR(50)) DEFAULT CHARSET=utf8mb4 COMMENT='Admin User Table';
CREATE TABLE z (id INT PRIMARY KEY) COMMENT='Table that contains nothing';
CREATE VIEW v_a AS SELECT id FROM a;
INSERT INTO a VALUES (1, 'Zoë'), (2, 'Li');
`)
	live := func() []byte {
		var buf bytes.Buffer
		if _, err := snapshot.Create(context.Background(), &buf, snapshot.Options{NoAnonymize: true, Server: &dbdump.Config{DSN: srv.DSN(src), Database: src, Threads: 2}, ServerName: "test"}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	dumpFile := filepath.Join(t.TempDir(), "dump.sql")
	if err := os.WriteFile(dumpFile, srv.Dump(t, src), 0o600); err != nil {
		t.Fatal(err)
	}
	fromDump, _ := flowtest.Archive(t, snapshot.Options{DumpPath: dumpFile})
	want := srv.Checksums(t, src)
	for _, c := range []struct {
		name string
		data []byte
	}{{"live", live}, {"dump", fromDump}} {
		t.Run(c.name, func(t *testing.T) {
			name := mariadbtest.Name(t, c.name)
			_, err := Run(context.Background(), Options{
				Archive: bytes.NewReader(c.data), ArchivePath: c.name + ".tar.zst", Server: srv.Config(t, ""),
				Database: name, Threads: 2, Registry: flowtest.Registry(t), CMS: "none",
			})
			if err != nil {
				t.Fatal(err)
			}
			got := srv.Checksums(t, name)
			delete(got, registry.MarkerTable)
			if !maps.Equal(want, got) {
				t.Fatalf("checksums differ\nsource   %v\nrestored %v", want, got)
			}
			if got := strings.TrimSpace(srv.Query(t, name, "SELECT COUNT(*) FROM v_a")); got != "2" {
				t.Errorf("view gives %q rows", got)
			}
			_, byHand := mariadbtest.NewDatabase(t)
			flowtest.LoadEntries(t, srv, byHand, c.data)
			if got := srv.Checksums(t, byHand); !maps.Equal(want, got) {
				t.Fatalf("entry by entry: checksums differ\nsource   %v\nloaded   %v", want, got)
			}
		})
	}
}
