package dbload_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// typesDump holds the values the prepared INSERTs must store exactly as
// the text did: binary bytes that are not UTF-8 (as _binary strings and
// as hex), BIT, DECIMAL, dates, NULL, 4-byte UTF-8, escapes, integers at
// the ends of int64 and uint64, numbers that are not integers, and a
// value that would be SQL if it were not quoted. Rows 1 and 2 go as
// parameters; row 3 holds a hex literal, row 5 "-0", so their statements
// go on as text from there.
const typesDump = `CREATE TABLE t (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  b BLOB, vb VARBINARY(20), bits BIT(10), d DECIMAL(12,3), f DOUBLE, i INT,
  dt DATETIME, da DATE, s VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  big BIGINT, txt LONGTEXT
) DEFAULT CHARSET=utf8mb4;
INSERT INTO t VALUES (1,_binary '\0\xff\'\\\Z\n\r\t',_binary 'a\0b',NULL,'12.5','-1.5e3',-2147483648,'2024-02-29 23:59:59','0000-00-00','I 🦄 ü \'quoted\' "dq" \\ back',-9223372036854775808,'x'),
(2,NULL,'',NULL,NULL,NULL,NULL,NULL,NULL,'''); DROP TABLE t; -- ',9223372036854775807,''),
(18446744073709551615,0xDEADBEEF00,X'00FF',0b11,-0.001,0.1,007,'1999-12-31','2000-01-01','x',0,'\%\_'),
(4,'plain','',b'1',1,1,1,'2001-01-01 00:00:00','2001-01-01','é',-1,'\'');
INSERT INTO t VALUES (5,_binary '\x80\x81',_binary '\xc3',NULL,0,2,42,'2010-10-10 10:10:10','2010-10-10','𝄞 clef',-0,"y ""dq"""),(6,'a','b',b'11',99.999,1e300,-7,'2011-11-11','2011-11-11','\\\\',123,REPEAT('z',3));
`

// nonUTF8 puts bytes that are not UTF-8 where typesDump says \xNN (not an
// escape of SQL's).
var nonUTF8 = strings.NewReplacer(`\xff`, "\xff", `\x80\x81`, "\x80\x81", `\xc3`, "\xc3")

// loadBoth loads schema and data entries into two new databases, once as
// text and once with prepared INSERTs, on one connection each (with two,
// AUTO_INCREMENT ids depend on which entry runs first), and returns the two and how many
// statements the server executed through COM_STMT_EXECUTE for each.
func loadBoth(t *testing.T, srv *mariadbtest.Server, schema, data []entry) (text, prep string, textExecs, prepExecs int) {
	t.Helper()
	execs := func() int {
		n, err := strconv.Atoi(strings.Fields(srv.Query(t, "", "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'"))[1])
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	load := func(textInserts bool) (string, int) {
		_, db := mariadbtest.NewDatabase(t)
		l, err := dbload.Open(context.Background(), dbload.Config{DSN: srv.DSN(""), Database: db, Threads: 1, TextInserts: textInserts})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		for _, e := range schema {
			if err := l.Exec(context.Background(), e.name, e.sql); err != nil {
				t.Fatal(err)
			}
		}
		before := execs()
		for _, e := range data {
			l.Go(e.name, e.sql, nil)
		}
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		return db, execs() - before
	}
	text, textExecs = load(true)
	prep, prepExecs = load(false)
	return
}

// checksums returns CHECKSUM TABLE of every table of db, by name.
func checksums(t *testing.T, srv *mariadbtest.Server, db string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for _, tb := range strings.Fields(srv.Query(t, db, "SELECT GROUP_CONCAT(TABLE_NAME SEPARATOR ' ') FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")) {
		sums[tb] = srv.Query(t, db, "SELECT COUNT(*) FROM "+sqldump.QuoteIdent(tb)) + " rows, checksum " + strings.Fields(srv.Query(t, db, "CHECKSUM TABLE "+sqldump.QuoteIdent(tb)+" EXTENDED"))[1]
	}
	return sums
}

// splitDump cuts a dump the way snapshot cuts an archive: a schema entry
// per table, data entries of at most rows rows each, and the views,
// triggers and routines as objects entries (tests of this package may not
// import snapshot, which sits above it).
func splitDump(t *testing.T, dump []byte, rows int) (schema, data, objects []entry) {
	t.Helper()
	sc := sqldump.NewScanner(bytes.NewReader(dump))
	for {
		st, err := sc.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		switch st.Kind {
		case sqldump.KindCreateTable:
			schema = append(schema, entry{"db/" + st.Table + ".schema.sql", append(bytes.Clone(st.Text), '\n')})
		case sqldump.KindCreateView, sqldump.KindTrigger, sqldump.KindRoutine:
			objects = append(objects, entry{archive.DBPrefix + "-objects.sql", append(bytes.Clone(st.Text), '\n')})
		case sqldump.KindInsert:
			var cur [][]byte
			flush := func() {
				if len(cur) > 0 {
					sql := append(bytes.Clone(st.Text), bytes.Join(cur, []byte(","))...)
					data = append(data, entry{fmt.Sprintf("db/%s.%04d.sql", st.Table, len(data)+1), append(sql, ";\n"...)})
					cur = nil
				}
			}
			for {
				row, err := sc.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				cur = append(cur, bytes.Clone(row.Raw))
				if len(cur) == rows {
					flush()
				}
			}
			flush()
		}
	}
}

// TestPreparedSameAsText: rows loaded as prepared INSERTs are the rows
// the same entries load as text, table by table (CHECKSUM TABLE), for
// values of every kind and for the real CMS schemas' rows, and the
// prepared path did run.
func TestPreparedSameAsText(t *testing.T) {
	srv := mariadbtest.Start(t)
	t.Run("types", func(t *testing.T) {
		schema, data, _ := splitDump(t, []byte(nonUTF8.Replace(typesDump)), 1000)
		data = append(data, entry{"db/t.9999.sql", []byte("INSERT INTO t VALUES (7,'x','y',NULL,1,1,1,NULL,NULL,'a',1,'b'),(8,_binary 'x','y',NULL,1,1,1,NULL,NULL,'a',1,'b');\n")})
		text, prep, textExecs, prepExecs := loadBoth(t, srv, schema, data)
		want, got := checksums(t, srv, text), checksums(t, srv, prep)
		if fmt.Sprint(got) != fmt.Sprint(want) || !strings.HasPrefix(got["t"], "8 rows") {
			t.Fatalf("prepared: %v\ntext: %v", got, want)
		}
		if textExecs != 0 || prepExecs == 0 {
			t.Errorf("COM_STMT_EXECUTE: %d for the text load, %d for the prepared one", textExecs, prepExecs)
		}
		// The bytes themselves, not only their checksum.
		for _, q := range []string{"SELECT HEX(b), HEX(vb), s FROM t WHERE id = 1", "SELECT HEX(b), HEX(vb), s FROM t WHERE id = 5", "SELECT s, big FROM t WHERE id = 18446744073709551615"} {
			if w, g := srv.Query(t, text, q), srv.Query(t, prep, q); g != w {
				t.Errorf("%s: prepared %q, text %q", q, g, w)
			}
		}
		if g := srv.Query(t, prep, "SELECT HEX(b) FROM t WHERE id = 1"); g != "00FF275C1A0A0D09" {
			t.Errorf("blob of row 1: %s", g)
		}
	})
	files, _ := filepath.Glob("../../testdata/cms/*.sql.gz")
	if len(files) == 0 {
		t.Fatal("no CMS schemas")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			zf, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer zf.Close()
			zr, err := gzip.NewReader(zf)
			if err != nil {
				t.Fatal(err)
			}
			dump, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			schema, data, _ := splitDump(t, dump, 50)
			text, prep, _, prepExecs := loadBoth(t, srv, schema, data)
			want, got := checksums(t, srv, text), checksums(t, srv, prep)
			if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("prepared: %v\ntext: %v", got, want)
			}
			if len(data) > 0 && prepExecs == 0 {
				t.Errorf("no prepared INSERT ran for %d data entries", len(data))
			}
		})
	}
}
