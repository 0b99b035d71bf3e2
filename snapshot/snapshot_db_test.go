package snapshot_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/rules"
	"github.com/stagecopy/stagecopy/snapshot"
)

func TestMain(m *testing.M) { mariadbtest.Main(m) }

// TestDemoChecksums loads the demo dump into one database and the snapshot's
// SQL into another, and compares CHECKSUM TABLE for every table; with a tiny
// chunk size, and with a tiny row limit per entry, so extended INSERTs are
// cut across many entries.
func TestDemoChecksums(t *testing.T) {
	for _, c := range []struct{ size, rows int }{{snapshot.DefaultChunkSize, 0}, {512, 0}, {snapshot.DefaultChunkSize, 3}} {
		chunk := c.size
		srv, src := mariadbtest.NewDatabase(t)
		_, dst := mariadbtest.NewDatabase(t)
		srv.LoadFile(t, src, "../testdata/demo/demo.sql")
		data, res := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql", ChunkSize: chunk, ChunkRows: c.rows})
		flowtest.LoadEntries(t, srv, dst, data)
		want, got := srv.Checksums(t, src), srv.Checksums(t, dst)
		if len(want) < 5 {
			t.Fatalf("only %d tables in the demo", len(want))
		}
		if !maps.Equal(want, got) {
			t.Fatalf("chunk %d, %d rows: checksums differ\nsource   %v\nsnapshot %v", chunk, c.rows, want, got)
		}
		var parts int
		for _, tb := range res.Manifest.Tables {
			parts += len(tb.DataEntries)
		}
		if chunk == 512 && parts <= len(res.Manifest.Tables) {
			t.Errorf("chunk size %d, %d rows made only %d data entries for %d tables", chunk, c.rows, parts, len(res.Manifest.Tables))
		}
	}
}

// TestObjectsRoundTrip dumps a database with a view, a trigger, a procedure
// and a function with mariadb-dump, snapshots the dump, loads it elsewhere,
// and checks that data and objects came through.
func TestObjectsRoundTrip(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	_, dst := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, `
CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(100), total DECIMAL(10,2), note TEXT, raw BLOB) DEFAULT CHARSET=utf8mb4;
CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, order_id INT, what VARCHAR(20));
CREATE VIEW big_orders AS SELECT id, customer FROM orders WHERE total > 100;
CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit (order_id, what) VALUES (NEW.id, 'insert;');
DELIMITER ;;
CREATE PROCEDURE touch(IN x INT) BEGIN UPDATE orders SET note = CONCAT(note, ';') WHERE id = x; END;;
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;;
DELIMITER ;
INSERT INTO orders (customer, total, note, raw) VALUES ('Zoë O''Brien', 120.50, 'line1\nline2 ;; "quoted"', 0x00FF0A27), ('Li Wei', 20, NULL, NULL), ('😀 emoji', 999.99, 'back\\slash', '');
`)
	for _, args := range [][]string{
		{"--routines", "--triggers"},
		{"--routines", "--triggers", "--hex-blob", "--skip-extended-insert", "--complete-insert"},
	} {
		dump := filepath.Join(t.TempDir(), "dump.sql")
		os.WriteFile(dump, srv.Dump(t, src, args...), 0o600)
		data, res := flowtest.Archive(t, snapshot.Options{DumpPath: dump})
		srv.Exec(t, dst, "DROP VIEW IF EXISTS big_orders; DROP TABLE IF EXISTS orders, audit; DROP PROCEDURE IF EXISTS touch; DROP FUNCTION IF EXISTS twice;")
		flowtest.LoadEntries(t, srv, dst, data)
		want, got := srv.Checksums(t, src), srv.Checksums(t, dst)
		if !maps.Equal(want, got) {
			t.Fatalf("%v: checksums differ\n%v\n%v", args, want, got)
		}
		if got := srv.Query(t, dst, "SELECT COUNT(*) FROM big_orders"); strings.TrimSpace(got) != "2" {
			t.Errorf("%v: view gives %q", args, got)
		}
		if got := srv.Query(t, dst, "SELECT twice(21)"); strings.TrimSpace(got) != "42" {
			t.Errorf("%v: function gives %q", args, got)
		}
		// The trigger came over and did not fire during the load (audit is
		// identical), but fires now.
		srv.Exec(t, dst, "INSERT INTO orders (customer, total) VALUES ('new', 1)")
		if got := srv.Query(t, dst, "SELECT COUNT(*) FROM audit WHERE what = 'insert;'"); strings.TrimSpace(got) != "4" {
			t.Errorf("%v: trigger: audit has %q rows", args, got)
		}
		names := map[string]int64{}
		for _, tb := range res.Manifest.Tables {
			names[tb.Name] = tb.Rows
		}
		if names["orders"] != 3 || names["audit"] != 3 {
			t.Errorf("%v: row counts %v", args, names)
		}
		if slices.Contains(slices.Collect(maps.Keys(names)), "big_orders") {
			t.Errorf("%v: the view was taken for a table", args)
		}
	}
}

// goldenDumps says, for each dump of the parser's test corpus, what a
// snapshot of it must do: load alike (the default), or load alike once the
// reference load drops what snapshot drops too (adapt), or be refused or
// warned about with the given text. A dump missing here fails the test.
var goldenDumps = map[string]struct {
	adapt   *regexp.Regexp // lines the reference load leaves out, as snapshot does
	refused string         // snapshot's error
	warning string         // snapshot's warning; the archive is not loaded
	// unloadable is MariaDB's error for a dump it cannot load itself
	// (MySQL 8's collations: issue 15); the snapshot is made, not loaded.
	unloadable string
}{
	"bom.sql":                   {refused: "no CREATE TABLE or INSERT statement found"},
	"crlf.sql":                  {},
	"mariadb-full.sql":          {},
	"mariadb-hexblob.sql":       {},
	"mariadb-skip-extended.sql": {},
	"mydumper.sql":              {warning: "table actor has data but no CREATE TABLE in the dump"},
	// MySQL 8's GTID and binlog lines: MariaDB refuses them, and snapshot
	// leaves them out (restore sets sql_log_bin itself).
	"mysqldump-8.sql": {adapt: regexp.MustCompile(`(?m)^.*(GTID_PURGED|SQL_LOG_BIN|MYSQLDUMP_TEMP_LOG_BIN).*$`), unloadable: "Unknown collation: 'utf8mb4_0900_ai_ci'"},
	"phpmyadmin.sql":  {},
	// The parser's corner cases, not a dump MariaDB loads: its INSERT with
	// ON DUPLICATE KEY UPDATE cannot be cut at a 256-byte chunk size.
	"tricky.sql": {refused: "cannot be split; raise --chunk-size"},
}

// TestGoldenDumpsLoadAlike snapshots each hand-made and real dump of the
// parser's test corpus, with a tiny chunk size, and checks the archive's SQL
// gives the same tables as the dump loaded by MariaDB itself; or that the
// snapshot is refused or warned about as goldenDumps says.
func TestGoldenDumpsLoadAlike(t *testing.T) {
	files, _ := filepath.Glob("../internal/sqldump/testdata/*.sql")
	if len(files) != len(goldenDumps) {
		t.Errorf("%d dumps in the corpus, %d in goldenDumps", len(files), len(goldenDumps))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, ok := goldenDumps[filepath.Base(f)]
			if !ok {
				t.Fatalf("%s is not in goldenDumps: say what a snapshot of it must do", f)
			}
			var warnings []string
			var buf bytes.Buffer
			_, err := snapshot.Create(context.Background(), &buf, snapshot.Options{DumpPath: f, ChunkSize: 256, NoAnonymize: true,
				Warn: func(s string) { warnings = append(warnings, s) }})
			switch {
			case want.refused != "":
				if err == nil || !strings.Contains(err.Error(), want.refused) {
					t.Fatalf("snapshot: %v, want an error saying %q", err, want.refused)
				}
				return
			case err != nil:
				t.Fatal(err)
			case want.warning != "":
				if !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, want.warning) }) {
					t.Fatalf("warnings %q, want one saying %q", warnings, want.warning)
				}
				return
			}
			dump, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if want.adapt != nil {
				dump = want.adapt.ReplaceAll(dump, nil)
			}
			srv, src := mariadbtest.NewDatabase(t)
			if want.unloadable != "" {
				cmd := srv.Command(context.Background(), "mariadb", src)
				cmd.Stdin = bytes.NewReader(dump)
				if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), want.unloadable) {
					t.Fatalf("MariaDB loads it (%v, %s); want %q", err, out, want.unloadable)
				}
				return
			}
			srv.Exec(t, src, string(dump))
			// A dump made with --databases creates and uses its own database.
			if m := regexp.MustCompile("(?m)^USE `([^`]+)`").FindSubmatch(dump); m != nil {
				src = string(m[1])
				t.Cleanup(func() {
					srv.Command(context.Background(), "mariadb", "-e", "DROP DATABASE IF EXISTS `"+src+"`").Run()
				})
			}
			sums := srv.Checksums(t, src)
			if len(sums) == 0 {
				t.Fatal("the dump loads no table")
			}
			_, dst := mariadbtest.NewDatabase(t)
			flowtest.LoadEntries(t, srv, dst, buf.Bytes())
			if got := srv.Checksums(t, dst); !maps.Equal(sums, got) {
				t.Fatalf("checksums differ\ndump     %v\nsnapshot %v", sums, got)
			}
		})
	}
}

// TestLiveServerLoadsAlike snapshots a live database (a sequence used by a
// column default, a view, a trigger, a procedure) and loads the archive's
// SQL, entry by entry in archive order, into another database.
func TestLiveServerLoadsAlike(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	_, dst := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, `
CREATE SEQUENCE ticket_seq START WITH 100;
CREATE TABLE tickets (id BIGINT NOT NULL DEFAULT NEXTVAL(ticket_seq) PRIMARY KEY, who VARCHAR(50), note TEXT);
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, ticket BIGINT);
CREATE VIEW open_tickets AS SELECT id, who FROM tickets WHERE note IS NOT NULL;
CREATE TRIGGER tickets_ai AFTER INSERT ON tickets FOR EACH ROW INSERT INTO audit (ticket) VALUES (NEW.id);
CREATE PROCEDURE close_all() UPDATE tickets SET note = NULL;
INSERT INTO tickets (who, note) VALUES ('Zoë', 'first'), ('Li', NULL), ('Ana', 'x;y');
`)
	var buf bytes.Buffer
	res, err := snapshot.Create(context.Background(), &buf, snapshot.Options{NoAnonymize: true, Server: &dbdump.Config{DSN: srv.DSN(src), Database: src, Threads: 2}, ServerName: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Header.Source.Kind != "server" || res.Server == nil {
		t.Fatalf("header source %+v", res.Header.Source)
	}
	flowtest.LoadEntries(t, srv, dst, buf.Bytes())
	if want, got := srv.Checksums(t, src), srv.Checksums(t, dst); !maps.Equal(want, got) {
		t.Fatalf("checksums differ\nsource   %v\nsnapshot %v", want, got)
	}
	// The sequence continues, the trigger fires, the view and procedure work.
	srv.Exec(t, dst, "INSERT INTO tickets (who, note) VALUES ('new', 'n'); CALL close_all();")
	if got := strings.TrimSpace(srv.Query(t, dst, "SELECT COUNT(*) FROM audit")); got != "4" {
		t.Errorf("audit has %s rows, want 4", got)
	}
	if got := strings.TrimSpace(srv.Query(t, dst, "SELECT COUNT(*) FROM open_tickets")); got != "0" {
		t.Errorf("view sees %s rows", got)
	}
	if got := strings.TrimSpace(srv.Query(t, dst, "SELECT MAX(id) > 100 FROM tickets")); got != "1" {
		t.Errorf("sequence did not continue: %s", got)
	}
}

// TestLiveChunkRows: from a live server, a table's data is cut into a new
// entry at ChunkRows rows, between rows of the dumper's INSERTs (it writes
// nothing after their rows), and the entries load to the same table.
func TestLiveChunkRows(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	_, dst := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, "CREATE TABLE kv (id INT PRIMARY KEY, v VARCHAR(8)); INSERT INTO kv SELECT seq, CONCAT('v', seq % 97) FROM seq_1_to_20000")
	var buf bytes.Buffer
	res, err := snapshot.Create(context.Background(), &buf, snapshot.Options{NoAnonymize: true, ChunkRows: 3000, Server: &dbdump.Config{DSN: srv.DSN(src), Database: src, Threads: 2}, ServerName: "test"})
	if err != nil {
		t.Fatal(err)
	}
	counts := entryRows(t, buf.Bytes())
	if len(counts) < 7 || len(res.Manifest.Tables[0].DataEntries) != len(counts) {
		t.Fatalf("20,000 rows, at most 3,000 an entry: entries %v", counts)
	}
	for _, c := range counts {
		if c.rows > 3001 {
			t.Errorf("entry %s holds %d rows", c.name, c.rows)
		}
	}
	checkContiguous(t, counts, 20000)
	flowtest.LoadEntries(t, srv, dst, buf.Bytes())
	if want, got := srv.Checksums(t, src), srv.Checksums(t, dst); !maps.Equal(want, got) {
		t.Fatalf("checksums differ\nsource   %v\nsnapshot %v", want, got)
	}
}

// TestLiveServerRulesAtSource: a table the rules truncate is not read at
// all (the account may not even SELECT it) and a skipped one is left out.
func TestLiveServerRulesAtSource(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, `
CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(100));
CREATE TABLE sessions (id INT PRIMARY KEY, token TEXT);
CREATE TABLE tmp_import (id INT PRIMARY KEY, raw TEXT);
INSERT INTO people VALUES (1, 'alice@real.example-customer.net');
INSERT INTO sessions VALUES (1, 'secret-session');
INSERT INTO tmp_import VALUES (1, 'raw import');
CREATE USER IF NOT EXISTS 'rulesuser'@'localhost';
GRANT SELECT ON `+"`"+src+"`"+`.people TO 'rulesuser'@'localhost';
GRANT SELECT ON `+"`"+src+"`"+`.tmp_import TO 'rulesuser'@'localhost';
GRANT INSERT ON `+"`"+src+"`"+`.sessions TO 'rulesuser'@'localhost';
`)
	t.Cleanup(func() {
		srv.Command(context.Background(), "mariadb", "-e", "DROP USER IF EXISTS 'rulesuser'@'localhost'").Run()
	})
	r, err := rules.Parse("r.yml", []byte("version: 1\ntables:\n  people:\n    columns:\n      email: email\n  sessions: truncate\n  tmp_import: skip\n"), rules.Options{CheckTransformer: anonymize.Validate})
	if err != nil {
		t.Fatal(err)
	}
	dsn := strings.Replace(srv.DSN(src), "root@", "rulesuser@", 1)
	var buf bytes.Buffer
	res, err := snapshot.Create(context.Background(), &buf, snapshot.Options{Rules: r, Server: &dbdump.Config{DSN: dsn, Database: src}})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]archive.TableStat{}
	for _, tb := range res.Manifest.Tables {
		names[tb.Name] = tb
	}
	if s, ok := names["sessions"]; !ok || s.SchemaEntry == "" || len(s.DataEntries) != 0 {
		t.Errorf("sessions: %+v, want schema only", s)
	}
	if _, ok := names["tmp_import"]; ok {
		t.Error("skipped table in the archive")
	}
	if bytes.Contains(buf.Bytes(), []byte("secret-session")) {
		t.Error("truncated rows reached the archive")
	}
}

// TestProgressCountsRows: the last database progress report has every row
// and the whole input.
func TestProgressCountsRows(t *testing.T) {
	var last snapshot.Progress
	var calls int
	_, res := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql", Progress: func(p snapshot.Progress) {
		if p.Phase == "database" {
			last, calls = p, calls+1
		}
	}})
	var rows int64
	for _, tb := range res.Manifest.Tables {
		rows += tb.Rows
	}
	st, _ := os.Stat("../testdata/demo/demo.sql")
	if calls < 10 || last.Rows != rows || last.Done != st.Size() || last.Total != st.Size() || last.RowsTotal != -1 {
		t.Fatalf("%d calls, last %+v; want %d rows and %d bytes", calls, last, rows, st.Size())
	}
}

// TestChunkSessionSets: a SET between two INSERTs of one table reaches the
// rows after it in whichever entry they land; a save ("SET @saved_tz =
// @@time_zone") and its restore come through whatever the cuts (row limits
// of 1 and 2 here) and whatever changed the setting between them; and a
// table whose INSERTs resume after another table's gets the settings in
// force there. Each entry is loaded in a session of its own: the stored
// TIMESTAMPs must be the ones the dump loaded in one session makes. (On a
// connection restore reuses, what an entry leaves in the session is not yet
// reset: see issue 17's session 10 note.)
func TestChunkSessionSets(t *testing.T) {
	const create = "CREATE TABLE `t` (`id` int NOT NULL, `ts` timestamp NULL, PRIMARY KEY (`id`));\n" +
		"CREATE TABLE `u` (`id` int NOT NULL, `ts` timestamp NULL, PRIMARY KEY (`id`));\n"
	row := func(table string, id int) string {
		return fmt.Sprintf("INSERT INTO `%s` VALUES (%d,'2020-01-01 00:00:00');\n", table, id)
	}
	for name, dump := range map[string]string{
		"between INSERTs": row("t", 1) + "SET time_zone = '+03:00';\n" + row("t", 2) +
			"SET @saved_tz = @@time_zone;\nSET time_zone = '+05:00';\n" + row("t", 3) + row("t", 4) +
			"SET time_zone = @saved_tz;\n" + row("t", 5),
		"changed between save and restore": "SET @saved_tz = @@time_zone;\nSET time_zone = '+05:00';\n" + row("t", 1) +
			"SET time_zone = '+09:00';\n" + row("t", 2) + "SET time_zone = @saved_tz;\n" + row("t", 3),
		"table resumed": row("t", 1) + "SET time_zone = '+05:00';\n" + row("t", 2) +
			row("u", 1) + "SET time_zone = '+09:00';\n" + row("t", 3),
	} {
		path := filepath.Join(t.TempDir(), "tz.sql")
		if err := os.WriteFile(path, []byte(create+dump), 0o644); err != nil {
			t.Fatal(err)
		}
		srv, src := mariadbtest.NewDatabase(t)
		srv.LoadFile(t, src, path)
		const q = "SELECT CONCAT((SELECT GROUP_CONCAT(id, '=', UNIX_TIMESTAMP(ts) ORDER BY id) FROM t), ' / ', IFNULL((SELECT GROUP_CONCAT(id, '=', UNIX_TIMESTAMP(ts) ORDER BY id) FROM u), ''))"
		want := srv.Query(t, src, q)
		for _, rows := range []int{0, 1, 2} {
			_, dst := mariadbtest.NewDatabase(t)
			data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: path, ChunkRows: rows})
			flowtest.LoadEntries(t, srv, dst, data)
			if got := srv.Query(t, dst, q); got != want {
				t.Errorf("%s, row limit %d: loaded %s, the dump in one session %s", name, rows, got, want)
			}
		}
	}
}
