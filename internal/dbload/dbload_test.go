package dbload_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

func TestMain(m *testing.M) { mariadbtest.Main(m) }

func open(t *testing.T, srv *mariadbtest.Server, db string, threads int) *dbload.Loader {
	t.Helper()
	l, err := dbload.Open(context.Background(), dbload.Config{DSN: srv.DSN(""), Database: db, Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

type entry struct {
	name string
	sql  []byte
}

// TestRoundTrip loads an archive of the demo dump with a Loader and
// compares the tables with the demo loaded by the mariadb client.
func TestRoundTrip(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	ctx := context.Background()
	// The demo dump cut the way snapshot cuts it, data entries of at most
	// 8 rows.
	dump, err := os.ReadFile("../../testdata/demo/demo.sql")
	if err != nil {
		t.Fatal(err)
	}
	schemas, chunks, objects := splitDump(t, dump, 8)
	if len(schemas) == 0 || len(chunks) <= len(schemas) {
		t.Fatalf("archive has %d schema entries and %d chunks; want several chunks per table", len(schemas), len(chunks))
	}

	l := open(t, srv, db, 4)
	for _, e := range schemas {
		if err := l.Exec(ctx, e.name, e.sql); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range chunks {
		l.Go(e.name, e.sql, nil)
	}
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	for _, e := range objects {
		if err := l.Exec(ctx, e.name, e.sql); err != nil {
			t.Fatal(err)
		}
	}

	_, want := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, want, "../../testdata/demo/demo.sql")
	got, exp := srv.Checksums(t, db), srv.Checksums(t, want)
	if len(exp) == 0 {
		t.Fatal("demo has no tables")
	}
	if !maps.Equal(got, exp) {
		t.Errorf("checksums differ:\n got %v\nwant %v", got, exp)
	}
}

func TestDelimiter(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	l := open(t, srv, db, 1)
	ctx := context.Background()
	schema := "-- stagecopy: test\n/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE t (a INT, b INT);\n"
	if err := l.Exec(ctx, "db/t.schema.sql", []byte(schema)); err != nil {
		t.Fatal(err)
	}
	objects := `-- stagecopy: objects
SET NAMES utf8mb4;
DELIMITER ;;
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW BEGIN
  SET NEW.b = NEW.a * 2;
  SET NEW.b = NEW.b + 1;
END ;;
/*!50003 CREATE PROCEDURE p(IN x INT)
BEGIN
  INSERT INTO t (a) VALUES (x);
  INSERT INTO t (a) VALUES (x + 1);
END */;;
DELIMITER ;
`
	if err := l.Exec(ctx, "db/-objects.sql", []byte(objects)); err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, db, "CALL p(10)")
	if got, want := srv.Query(t, db, "SELECT a, b FROM t ORDER BY a"), "10\t21\n11\t23"; got != want {
		t.Errorf("rows:\n%s\nwant\n%s", got, want)
	}
}

func TestErrors(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	ctx := context.Background()
	srv.Exec(t, db, "CREATE TABLE t (a INT PRIMARY KEY)")
	slowTable(t, srv, db)

	t.Run("exec", func(t *testing.T) {
		l := open(t, srv, db, 1)
		err := l.Exec(ctx, "db/t.schema.sql", []byte("-- x\nSET NAMES utf8mb4;\nCREATE TABLE x (a INT,,);\n"))
		if err == nil {
			t.Fatal("no error")
		}
		t.Log(err)
		if s := err.Error(); !strings.Contains(s, "db/t.schema.sql line 3") {
			t.Errorf("error %q does not name the entry and line", s)
		}
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1064 {
			t.Errorf("error %v is not a server syntax error", err)
		}
	})

	t.Run("chunks", func(t *testing.T) {
		l := open(t, srv, db, 2)
		var ran atomic.Int32
		dbload.SetStarted(l, func(string) { ran.Add(1) })
		l.Go("db/t.0001.sql", []byte("-- x\nINSERT INTO t VALUES (1),(2);\nINSERT INTO slow VALUES (5);\n"), nil)
		l.Go("db/t.0002.sql", []byte("-- x\nINSERT INTO slow VALUES (0.2);\n\nINSERT INTO t VALUES (3),\n(nope);\n"), nil)
		start := time.Now()
		for range 20 {
			l.Go("db/t.0003.sql", []byte("INSERT INTO slow VALUES (0);"), nil)
		}
		err := l.Wait()
		if err == nil {
			t.Fatal("no error")
		}
		t.Log(err)
		if s := err.Error(); !strings.Contains(s, "db/t.0002.sql line 4") {
			t.Errorf("error %q does not name the entry and line", s)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("Wait took %v: the sleeping worker was not stopped", d)
		}
		if n := ran.Load(); n > 4 {
			t.Errorf("%d entries ran after the error", n)
		}
	})
}

// TestLockTablesSkipped: LOCK TABLES in a data entry (snapshot never writes
// one; a hand-made archive may) is not run. Run, it commits the entry's
// transaction, so rows before a failing statement stayed in the table (and
// a WRITE lock it takes holds the table against the other connections
// until its connection starts another transaction).
func TestLockTablesSkipped(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE t (a INT PRIMARY KEY)")
	l := open(t, srv, db, 2)
	// Two INSERTs of different prefixes, so that the first runs alone.
	l.Go("db/t.0001.sql", []byte("LOCK TABLES `t` WRITE;\nINSERT INTO `t` VALUES (1);\nINSERT INTO `t` (`a`) VALUES (1);\nUNLOCK TABLES;\n"), nil)
	if err := l.Wait(); err == nil {
		t.Fatal("a duplicate key loaded without an error")
	}
	l.Close() // and its connections' locks, if any
	if n := srv.Query(t, db, "SELECT COUNT(*) FROM t"); n != "0" {
		t.Errorf("%s rows left by an entry that failed, want 0 (its transaction was committed early)", n)
	}
}

// TestSessionReset: what an entry leaves in its session does not reach the
// next entry on the same connection. Here the first entry sets a time zone
// and the second, with no SET of its own, must store its TIMESTAMP as a
// new connection would.
func TestSessionReset(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE t (id INT PRIMARY KEY, ts TIMESTAMP NULL)")
	fresh := srv.Query(t, db, "SELECT UNIX_TIMESTAMP('2020-01-01 00:00:00')")
	if fresh == "1577818800" {
		t.Skip("the server's time zone is +05:00, the one the test sets")
	}
	l := open(t, srv, db, 1)
	l.Go("db/t.0001.sql", []byte("SET time_zone = '+05:00';\nINSERT INTO `t` VALUES (1,'2020-01-01 00:00:00');\n"), nil)
	l.Go("db/t.0002.sql", []byte("INSERT INTO `t` VALUES (2,'2020-01-01 00:00:00');\n"), nil)
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	want := "1577818800," + fresh
	if got := srv.Query(t, db, "SELECT GROUP_CONCAT(UNIX_TIMESTAMP(ts) ORDER BY id) FROM t"); got != want {
		t.Errorf("stored %s, want %s (the first row at +05:00, the second as a new connection stores it)", got, want)
	}
}

// TestDataReadsNothingBack shows, on the server, why nothing may follow the
// rows of a data entry's INSERT: MariaDB runs INSERT ... RETURNING and sends
// back whatever it names, here a row of another database. The loader
// refuses such an INSERT before it runs, and no row arrives.
func TestDataReadsNothingBack(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	_, other := mariadbtest.NewDatabase(t)
	srv.Exec(t, other, "CREATE TABLE secret (s VARCHAR(20)); INSERT INTO secret VALUES ('hunter2');")
	srv.Exec(t, db, "CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(20))")
	q := "`" + other + "`"
	if got := srv.Query(t, db, "INSERT INTO t VALUES (9, 'x') RETURNING (SELECT s FROM "+q+".secret)"); got != "hunter2" {
		t.Fatalf("INSERT ... RETURNING gave %q, not the other database's row: this test tests nothing", got)
	}
	srv.Exec(t, db, "DELETE FROM t")
	l := open(t, srv, db, 1)
	for _, text := range []string{
		"INSERT INTO t VALUES (1, 'x') RETURNING (SELECT s FROM " + q + ".secret);",
		"INSERT INTO t VALUES (1, 'x'),\n(2, 'y') /*!100500 RETURNING LOAD_FILE('/etc/hostname') */;",
		"REPLACE INTO t VALUES (1, 'x') RETURNING *;",
		"INSERT INTO t VALUES (1, 'x') ON DUPLICATE KEY UPDATE b = (SELECT s FROM " + q + ".secret);",
	} {
		err := l.Exec(context.Background(), "db/t.0001.sql", []byte("-- stagecopy: data\nSET NAMES utf8mb4;\n"+text+"\n"))
		if !errors.Is(err, dbload.ErrRefused) || !strings.Contains(err.Error(), "db/t.0001.sql line 3") {
			t.Errorf("%s: %v, want refused at line 3", text, err)
		}
	}
	if got := srv.Query(t, db, "SELECT COUNT(*) FROM t"); got != "0" {
		t.Errorf("%s rows in t after refused entries", got)
	}
}

// TestSession checks the session settings of the pool's connections.
func TestSession(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE s (f INT, u INT, b INT);"+
		"CREATE TRIGGER s_bi BEFORE INSERT ON s FOR EACH ROW SET NEW.f = @@SESSION.foreign_key_checks, NEW.u = @@SESSION.unique_checks, NEW.b = @@SESSION.sql_log_bin")
	l := open(t, srv, db, 1)
	l.Go("db/s.0001.sql", []byte("INSERT INTO s VALUES (NULL, NULL, NULL);"), nil)
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.Query(t, db, "SELECT f, u, b FROM s"), "0\t1\t0"; got != want {
		t.Errorf("session settings %q, want %q", got, want)
	}
}

// TestInsertSession checks that INSERTs run with unique checks on although
// the entry turned them off (MariaDB's slow bulk insert path), foreign key
// checks still off, and that each INSERT is sent with all its rows: rows
// after a comment, up to its last row.
func TestInsertSession(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE u (k INT PRIMARY KEY, v VARCHAR(20), u INT, f INT);"+
		"CREATE TRIGGER u_bi BEFORE INSERT ON u FOR EACH ROW SET NEW.u = @@SESSION.unique_checks, NEW.f = @@SESSION.foreign_key_checks")
	l := open(t, srv, db, 1)
	l.Go("db/u.0001.sql", []byte(`-- stagecopy: data of table `+"`u`"+`, part 1
/*!40014 SET UNIQUE_CHECKS=0, FOREIGN_KEY_CHECKS=0 */;
INSERT INTO u VALUES (1, 'a;b', NULL, NULL),
  /* between rows; */ (2, 'c)', NULL, NULL) ;  -- trailing comment
SET UNIQUE_CHECKS=0;
INSERT INTO u VALUES (3, 'd', NULL, NULL)
;
`), nil)
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.Query(t, db, "SELECT k, v, u, f FROM u ORDER BY k"), "1\ta;b\t1\t0\n2\tc)\t1\t0\n3\td\t1\t0"; got != want {
		t.Errorf("rows:\n%s\nwant\n%s", got, want)
	}
}

// TestBounded checks that Go blocks while every worker is busy.
func TestBounded(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	slowTable(t, srv, db)
	l := open(t, srv, db, 1)
	sleep := []byte("-- x\nINSERT INTO slow VALUES (0.3);\n")
	l.Go("db/a.0001.sql", sleep, nil)
	l.Go("db/a.0002.sql", sleep, nil)
	// Go returns once the only worker takes the second entry, so only
	// after it has committed the first: its row is there.
	if n := strings.TrimSpace(srv.Query(t, db, "SELECT COUNT(*) FROM slow")); n != "1" {
		t.Errorf("second Go returned while the only worker was busy: %s rows committed, want 1", n)
	}
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	// A second batch after Wait works too.
	l.Go("db/a.0003.sql", []byte("INSERT INTO slow VALUES (0);"), nil)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// slowTable creates the table slow, whose inserts sleep as many seconds as
// the value inserted: data entries may only insert rows.
func slowTable(t *testing.T, srv *mariadbtest.Server, db string) {
	t.Helper()
	srv.Exec(t, db, "CREATE TABLE slow (d DECIMAL(5,2)); CREATE TRIGGER slow_bi BEFORE INSERT ON slow FOR EACH ROW SET NEW.d = NEW.d + SLEEP(NEW.d)")
}
