package restore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/snapshot"
)

// dialects says, for each hand-written dump of testdata/dialects, what its
// header says and whether its restore on the test MariaDB needs
// DropUnsupported (what MariaDB cannot keep is refused without it).
var dialects = map[string]struct {
	tool, server, flavor string
	refused              string // the refusal without DropUnsupported
	dropped              string // then the adaptation that says it was left out
}{
	"mysqldump-8.0.sql":     {tool: "mysqldump 8.0.36", server: "8.0.36", flavor: "mysql"},
	"mysqldump-8.4.sql":     {tool: "mysqldump 8.4.0", server: "8.4.0", flavor: "mysql", refused: "table `posts`: index `email_title` is on an expression", dropped: "table `posts`: index `email_title` on an expression left out"},
	"mariadb-dump-11.4.sql": {tool: "mariadb-dump 11.4.2-MariaDB", server: "11.4.2-MariaDB-ubu2404", flavor: "mariadb"},
	"phpmyadmin-mysql8.sql": {tool: "phpMyAdmin 5.2.1", server: "8.0.36-0ubuntu0.22.04.1", flavor: "mysql"},
	"mydumper-mysql8.sql":   {}, // mydumper's files carry no header
}

// TestRestoreDialects snapshots each dump of the corpus and restores it on
// the test MariaDB: every table with every row, the source recorded as its
// header says.
func TestRestoreDialects(t *testing.T) {
	files, _ := filepath.Glob("../testdata/dialects/*.sql")
	if len(files) != len(dialects) {
		t.Errorf("%d dumps in testdata/dialects, %d in dialects", len(files), len(dialects))
	}
	srv := mariadbtest.Start(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, ok := dialects[filepath.Base(f)]
			if !ok {
				t.Fatalf("%s is not in dialects", f)
			}
			data, snap := flowtest.Archive(t, snapshot.Options{DumpPath: f, ChunkSize: 512})
			src := snap.Header.Source
			if src.DumpTool != want.tool || src.ServerVersion != want.server || src.ServerFlavor != want.flavor {
				t.Errorf("source %+v, want tool %q server %q flavor %q", src, want.tool, want.server, want.flavor)
			}
			db := mariadbtest.Name(t, "dialect")
			opts := Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t), CMS: "none"}
			if want.refused != "" {
				_, err := Run(context.Background(), opts)
				if !errors.Is(err, dbload.ErrUnsupported) || !strings.Contains(err.Error(), want.refused) {
					t.Fatalf("restore: %v, want ErrUnsupported saying %q", err, want.refused)
				}
				if srv.DatabaseExists(t, db) {
					t.Fatalf("the refused restore left database %s", db)
				}
				opts.Archive, opts.DropUnsupported = bytes.NewReader(data), true
			}
			res, err := Run(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if want.dropped != "" && !slices.ContainsFunc(res.Entry.Adaptations, func(s string) bool { return strings.HasPrefix(s, want.dropped) }) {
				t.Errorf("adaptations %q, want one saying %q", res.Entry.Adaptations, want.dropped)
			}
			if len(snap.Manifest.Tables) == 0 {
				t.Fatal("no table in the manifest")
			}
			for _, tb := range snap.Manifest.Tables {
				if srv.Query(t, db, "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"+tb.Name+"'") == "SEQUENCE" {
					continue // a sequence is one row, which no INSERT wrote
				}
				if got := srv.Query(t, db, "SELECT COUNT(*) FROM `"+tb.Name+"`"); got != itoa(tb.Rows) {
					t.Errorf("table %s: %s rows restored, the dump has %d", tb.Name, got, tb.Rows)
				}
			}
			t.Logf("adaptations: %q", res.Entry.Adaptations)
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRestoreMySQL8OnMariaDB: a MySQL 8 dump with utf8mb4_0900_ai_ci,
// invisible columns, SRID points, JSON and generated columns restores on
// MariaDB, and its tables checksum alike with the same dump loaded by the
// mariadb client once its collations were replaced by hand (as
// docs/servers.md maps them on this server) and the lines MariaDB refuses
// taken out (GTID, the database). The MySQL 8 attributes come through as
// MariaDB writes them.
func TestRestoreMySQL8OnMariaDB(t *testing.T) {
	const f = "../testdata/dialects/mysqldump-8.0.sql"
	srv, byHand := mariadbtest.NewDatabase(t)
	dump, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	// What MariaDB's mariadb client cannot load as it is.
	text := regexp.MustCompile(`(?m)^(SET @@GLOBAL.GTID_PURGED|CREATE DATABASE|USE ).*$`).ReplaceAllString(string(dump), "")
	for from, to := range map[string]string{
		"utf8mb4_0900_ai_ci":       "utf8mb4_uca1400_nopad_ai_ci",
		"utf8mb4_0900_as_cs":       "utf8mb4_uca1400_nopad_as_cs",
		"utf8mb4_de_pb_0900_ai_ci": "utf8mb4_uca1400_german2_nopad_ai_ci",
	} {
		text = strings.ReplaceAll(text, from, to)
	}
	srv.Exec(t, byHand, text)
	want := srv.Checksums(t, byHand)
	delete(want, "store_cities") // a view
	if len(want) != 2 {
		t.Fatalf("the dump loaded by hand has tables %v", want)
	}

	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: f})
	db := mariadbtest.Name(t, "mysql8")
	res, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t), CMS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Checksums(t, db)
	delete(got, registry.MarkerTable)
	delete(got, "store_cities")
	if !maps.Equal(want, got) {
		t.Fatalf("checksums differ\nby hand  %v\nrestored %v", want, got)
	}
	// The invisible column is invisible, the point keeps its SRID, the
	// generated columns compute, the view and trigger work.
	if extra := srv.Query(t, db, "SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'stores' AND COLUMN_NAME = 'internal_note'"); extra != "INVISIBLE" {
		t.Errorf("internal_note: EXTRA %q, want INVISIBLE", extra)
	}
	if srid := srv.Query(t, db, "SELECT SRID FROM information_schema.GEOMETRY_COLUMNS WHERE F_TABLE_SCHEMA = DATABASE() AND F_TABLE_NAME = 'stores'"); srid != "4326" {
		t.Errorf("location: SRID %q, want 4326", srid)
	}
	if got := srv.Query(t, db, "SELECT GROUP_CONCAT(v.city ORDER BY v.id), SUM(s.name_len) FROM store_cities v JOIN stores s USING (id)"); got != "Zürich,Lyon\t33" {
		t.Errorf("view and generated columns give %q", got)
	}
	if got := srv.Query(t, db, "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'stores' AND COLUMN_NAME = 'name'"); got != "utf8mb4_uca1400_nopad_ai_ci" {
		t.Errorf("stores.name collation %q", got)
	}
	for _, a := range []string{
		"table `stores`: collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci",
		"table `stores`: column `internal_note`: /*!80023 INVISIBLE */ kept as INVISIBLE (MariaDB skips MySQL 8 comments)",
		"table `stores`: column `location`: SRID 4326 written as REF_SYSTEM_ID=4326",
		"session: collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci",
	} {
		if !slices.Contains(res.Entry.Adaptations, a) {
			t.Errorf("adaptation %q missing from the registry entry: %q", a, res.Entry.Adaptations)
		}
	}
}

// TestRestoreMariaDB11OnLesserServer restores a MariaDB 11 dump (uca1400
// collations, INET6, INET4, UUID, a sequence) for a
// target that lacks them all: the capability set of a MariaDB 10.2 (no
// UCA 14.0.0 collations, no type plugins, no sequences), handed to restore
// in place of what the test server says of itself; the load itself runs on
// the test MariaDB. The sequence is refused, or left out with
// DropUnsupported; everything else is adapted as docs/servers.md says.
func TestRestoreMariaDB11OnLesserServer(t *testing.T) {
	srv := mariadbtest.Start(t)
	conn, err := mysql.NewConnector(srv.Config(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	sdb := sql.OpenDB(conn)
	defer sdb.Close()
	real, err := dbload.ReadTarget(context.Background(), sdb)
	if err != nil {
		t.Fatal(err)
	}
	lesser := dbload.NewTarget("10.2.44-MariaDB", maps.Clone(real.Collations), maps.Clone(real.Charsets))
	for c := range lesser.Collations {
		if strings.Contains(c, "uca1400") {
			delete(lesser.Collations, c)
		}
	}
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/dialects/mariadb-dump-11.4.sql"})
	db := mariadbtest.Name(t, "lesser")
	opts := Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t), CMS: "none", Target: lesser}
	_, err = Run(context.Background(), opts)
	if !errors.Is(err, dbload.ErrUnsupported) || !strings.Contains(err.Error(), "sequence `ticket_seq`: a sequence on MariaDB 10.2.44") {
		t.Fatalf("restore: %v, want the sequence refused", err)
	}
	if srv.DatabaseExists(t, db) {
		t.Fatalf("the refused restore left database %s", db)
	}
	opts.Archive, opts.DropUnsupported = bytes.NewReader(data), true
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sequence `ticket_seq`: left out (MariaDB 10.2.44 has no sequences) [dropped]",
		"table `contacts`: collation utf8mb4_uca1400_swedish_ai_ci → utf8mb4_swedish_ci",
		"table `contacts`: collation utf8mb4_uca1400_ai_ci → utf8mb4_unicode_520_ci",
		"table `contacts`: column `public_id`: UUID → CHAR(36) CHARACTER SET ascii (MariaDB 10.2.44 has no UUID type; the values are kept as text)",
		"table `contacts`: column `last_ip`: INET6 → VARCHAR(45) CHARACTER SET ascii (MariaDB 10.2.44 has no INET6 type; the values are kept as text)",
		"table `contacts`: column `office_ip`: INET4 → VARCHAR(15) CHARACTER SET ascii (MariaDB 10.2.44 has no INET4 type; the values are kept as text)",
		"table `tickets`: collation utf8mb4_uca1400_ai_ci → utf8mb4_unicode_520_ci",
	}
	if !slices.Equal(res.Entry.Adaptations, want) {
		t.Errorf("adaptations\n%s\nwant\n%s", strings.Join(res.Entry.Adaptations, "\n"), strings.Join(want, "\n"))
	}
	if got := srv.Query(t, db, "SELECT GROUP_CONCAT(CONCAT_WS('|', public_id, last_ip, office_ip) ORDER BY id SEPARATOR ' ') FROM contacts"); got != "0f8fad5b-d9cb-469f-a165-70867728950e|2001:db8::17|192.0.2.10 7c9e6679-7425-40de-944b-e07fc1f90ae7|::ffff:198.51.100.7 16fd2706-8baf-433b-82eb-8c7fada847da|2001:db8:ffff:ffff:ffff:ffff:ffff:fffe|203.0.113.255" {
		t.Errorf("contacts: %q", got)
	}
	if got := srv.Query(t, db, "SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'contacts' AND COLUMN_NAME = 'last_ip'"); got != "varchar\t45" {
		t.Errorf("last_ip is %q", got)
	}
	if srv.Query(t, db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ticket_seq'") != "0" {
		t.Error("the sequence was created")
	}
}
