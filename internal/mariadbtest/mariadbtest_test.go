package mariadbtest

import (
	"bytes"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"
)

func TestMain(m *testing.M) { Main(m) }

// schema has the kinds of values a dump must carry over unchanged: utf8mb4
// beyond the BMP, quotes, backslashes, newlines, NULL, binary bytes.
const schema = `
CREATE TABLE people (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  note TEXT NULL,
  photo BLOB NULL,
  balance DECIMAL(10,2) NOT NULL DEFAULT 0,
  seen DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE empty_one (k VARCHAR(10) PRIMARY KEY) ENGINE=InnoDB;
CREATE VIEW rich AS SELECT name FROM people WHERE balance > 100;
INSERT INTO people (name, note, photo, balance, seen) VALUES
  ('Zoë O''Brien', 'line one\nline two', 0x00FF10, 120.50, '2024-05-01 10:00:00'),
  ('Back\\slash 🚀', NULL, NULL, 0, NULL),
  ('Tab\there', '"quoted"', X'', 99.99, '1999-12-31 23:59:59');
`

func TestRoundTrip(t *testing.T) {
	srv, a := NewDatabase(t)
	_, b := NewDatabase(t)
	if a == b {
		t.Fatalf("two databases with the same name %q", a)
	}

	srv.Exec(t, a, schema)
	path := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(path, []byte(schema), 0o600); err != nil {
		t.Fatal(err)
	}
	srv.LoadFile(t, b, path)

	sumA := srv.Checksums(t, a)
	if got := strings.Join(sortedKeys(sumA), ","); got != "empty_one,people" {
		t.Fatalf("Checksums(%s) has tables %s, want empty_one,people (no view)", a, got)
	}
	if sumA["people"] == "0" || sumA["empty_one"] != "0" {
		t.Errorf("Checksums(%s) = %v, want people non-zero and empty_one 0", a, sumA)
	}
	if sumB := srv.Checksums(t, b); !maps.Equal(sumA, sumB) {
		t.Fatalf("same data, different checksums: %s %v, %s %v", a, sumA, b, sumB)
	}

	srv.Exec(t, b, "UPDATE people SET note = 'changed' WHERE id = 2")
	if sumB := srv.Checksums(t, b); sumB["people"] == sumA["people"] {
		t.Errorf("checksum of people did not change after an UPDATE: %v", sumB)
	}

	if got := srv.Query(t, a, "SELECT name, note FROM people WHERE id = 2"); got != "Back\\slash 🚀\tNULL" {
		t.Errorf("Query = %q", got)
	}

	dump := srv.Dump(t, a, "--skip-dump-date")
	for _, want := range []string{"CREATE TABLE `people`", "INSERT INTO `people` VALUES", "🚀", "VIEW `rich`"} {
		if !bytes.Contains(dump, []byte(want)) {
			t.Errorf("dump of %s lacks %q", a, want)
		}
	}
	_, c := NewDatabase(t)
	dumpPath := filepath.Join(t.TempDir(), "dump.sql")
	if err := os.WriteFile(dumpPath, dump, 0o600); err != nil {
		t.Fatal(err)
	}
	srv.LoadFile(t, c, dumpPath)
	if sumC := srv.Checksums(t, c); !maps.Equal(sumA, sumC) {
		t.Fatalf("reloaded dump has different checksums: %s %v, %s %v", a, sumA, c, sumC)
	}
	if got := srv.Query(t, c, "SELECT COUNT(*) FROM rich"); got != "1" {
		t.Errorf("view in reloaded dump: got %q rows, want 1", got)
	}
}

func TestDemoDump(t *testing.T) {
	srv, db := NewDatabase(t)
	srv.LoadFile(t, db, filepath.Join("..", "..", "testdata", "demo", "demo.sql"))
	sums := srv.Checksums(t, db)
	want := []string{"wp_comments", "wp_options", "wp_postmeta", "wp_posts", "wp_usermeta", "wp_users"}
	if got := sortedKeys(sums); !slices.Equal(got, want) {
		t.Fatalf("demo tables = %v, want %v", got, want)
	}
	if got := srv.Query(t, db, "SELECT option_value FROM wp_options WHERE option_name = 'siteurl'"); got != "http://demo.example.test" {
		t.Errorf("siteurl = %q", got)
	}
	_, again := NewDatabase(t)
	srv.Exec(t, again, string(srv.Dump(t, db)))
	if got := srv.Checksums(t, again); !maps.Equal(sums, got) {
		t.Errorf("demo dumped and reloaded: checksums %v, want %v", got, sums)
	}
}

func TestDSN(t *testing.T) {
	srv, name := NewDatabase(t)
	db, err := sql.Open("mysql", srv.DSN(name, "multiStatements=true", "charset=utf8mb4"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO kv VALUES (1, '🙂'), (2, NULL)"); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(t.Context(), "SELECT v FROM kv ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%v %s", v.Valid, v.String))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"true 🙂", "false "}; !slices.Equal(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}

	var version string
	if err := db.QueryRowContext(t.Context(), "SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != srv.Version() || !strings.Contains(version, "MariaDB") {
		t.Errorf("VERSION() = %q, Version() = %q", version, srv.Version())
	}
	if len(srv.Socket) >= maxSocketLen {
		t.Errorf("socket path %q is %d bytes long", srv.Socket, len(srv.Socket))
	}

	out, err := srv.Command(t.Context(), "mariadb", "-N", "-e", "SELECT CURRENT_USER()").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "root@localhost" {
		t.Errorf("mariadb %v: %v %s", srv.ClientArgs(), err, out)
	}
}

func TestNewDatabaseDropsItsDatabase(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		srv, db := NewDatabase(t)
		srv.Exec(t, db, "CREATE TABLE x (a INT)")
		name = db
	})
	srv := Start(t)
	if got := srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "+quoteString(name)); got != "0" {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestDatabaseName(t *testing.T) {
	long := strings.Repeat("Abc", 40)
	for _, tc := range []struct {
		test string
		n    int64
		want string
	}{
		{"TestFoo", 1, "t_testfoo_1"},
		{"TestFoo/sub case#01", 12, "t_testfoo_sub_case_01_12"},
		{"Test-ÄÖ/__x__", 3, "t_test_x_3"},
		{"///", 4, "t_4"},
		{long, 123, "t_" + strings.ToLower(long[:64-2-4]) + "_123"},
	} {
		got := databaseName(tc.test, tc.n)
		if got != tc.want {
			t.Errorf("databaseName(%q, %d) = %q, want %q", tc.test, tc.n, got, tc.want)
		}
		if len(got) > maxNameLen || !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(got) {
			t.Errorf("databaseName(%q, %d) = %q: not a short plain name", tc.test, tc.n, got)
		}
	}
}

// recorder is a testing.TB whose Skip and Fatal record their message and end
// the goroutine, as the real ones do.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Skip(args ...any)          { r.skipped = fmt.Sprint(args...); runtime.Goexit() }
func (r *recorder) Skipf(f string, a ...any)  { r.skipped = fmt.Sprintf(f, a...); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)         { r.failed = fmt.Sprint(args...); runtime.Goexit() }
func (r *recorder) Fatalf(f string, a ...any) { r.failed = fmt.Sprintf(f, a...); runtime.Goexit() }

// get calls l.get with a recorder in its own goroutine.
func (r *recorder) get(l *launcher) *Server {
	var srv *Server
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv = l.get(r)
	}()
	<-done
	return srv
}

func TestMissingBinaries(t *testing.T) {
	empty := t.TempDir()

	t.Run("PATH", func(t *testing.T) {
		t.Setenv(BinDirEnv, "")
		t.Setenv("PATH", empty)
		_, err := lookBinaries()
		if err == nil || !strings.Contains(err.Error(), "mariadb-install-db") || !strings.Contains(err.Error(), "$PATH") {
			t.Errorf("lookBinaries with an empty PATH: %v", err)
		}
	})

	t.Run("BINDIR", func(t *testing.T) {
		t.Setenv(BinDirEnv, empty)
		_, err := lookBinaries()
		if err == nil || !strings.Contains(err.Error(), "mariadbd") || !strings.Contains(err.Error(), BinDirEnv) {
			t.Errorf("lookBinaries with an empty %s: %v", BinDirEnv, err)
		}
	})

	t.Run("skip", func(t *testing.T) {
		t.Setenv(BinDirEnv, empty)
		t.Setenv(RequireEnv, "")
		r := &recorder{TB: t}
		if srv := r.get(&launcher{mainCalled: true}); srv != nil || r.failed != "" || !strings.HasPrefix(r.skipped, installHint) {
			t.Errorf("without binaries: server %v, skipped %q, failed %q; want a skip with the install hint", srv, r.skipped, r.failed)
		}
	})

	t.Run("require", func(t *testing.T) {
		t.Setenv(BinDirEnv, empty)
		t.Setenv(RequireEnv, "1")
		r := &recorder{TB: t}
		if srv := r.get(&launcher{mainCalled: true}); srv != nil || r.skipped != "" || !strings.HasPrefix(r.failed, installHint) {
			t.Errorf("without binaries, %s=1: server %v, skipped %q, failed %q; want a failure with the install hint", RequireEnv, srv, r.skipped, r.failed)
		}
	})

	t.Run("no Main", func(t *testing.T) {
		r := &recorder{TB: t}
		if srv := r.get(&launcher{}); srv != nil || !strings.Contains(r.failed, "mariadbtest.Main") {
			t.Errorf("without Main: server %v, failed %q", srv, r.failed)
		}
	})
}

func TestBrokenServerFails(t *testing.T) {
	good := Start(t).bins
	// A mariadbd that refuses an unknown option must fail the test with
	// what it said about it.
	wrapper := filepath.Join(t.TempDir(), "mariadbd")
	script := "#!/bin/sh\nexec " + good.server + " \"$@\" --no-such-option-for-the-test\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.server = wrapper
	l := &launcher{mainCalled: true, lookup: func() (binaries, error) { return bad, nil }}
	r := &recorder{TB: t}
	srv := r.get(l)
	t.Logf("failure message:\n%s", r.failed)
	if srv != nil || r.skipped != "" || !strings.Contains(r.failed, "mariadbd exited during startup") ||
		!strings.Contains(r.failed, "no-such-option-for-the-test") {
		t.Errorf("mariadbd that exits at once: server %v, skipped %q, failed %q", srv, r.skipped, r.failed)
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
