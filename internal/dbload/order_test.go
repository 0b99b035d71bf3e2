package dbload_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

func openMode(t *testing.T, ctx context.Context, srv *mariadbtest.Server, db string, text bool) *dbload.Loader {
	t.Helper()
	l, err := dbload.Open(ctx, dbload.Config{DSN: srv.DSN(""), Database: db, Threads: 1, TextInserts: text})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestLoadOrder: an entry's statements and rows reach the server in the
// entry's order, with their own bytes, however the loader cuts them into
// statements: prepared rows over several batches (rows carried from one to
// the next), rows of two INSERTs gathered in one batch, the rest of an
// INSERT as text after its prepared rows, SET statements between them;
// with prepared INSERTs, as text, and when the server prepares nothing
// (max_prepared_stmt_count = 0, so the prepared batches go as text, and an
// INSERT read after that must not overtake the rows still gathered).
func TestLoadOrder(t *testing.T) {
	srv, _ := mariadbtest.NewDatabase(t)
	var b strings.Builder
	b.WriteString("-- x\n/*!40101 SET NAMES utf8mb4 */;\nSET @tag = 'one';\n")
	id := 0
	insert := func(rows int, hexAt int) {
		b.WriteString("INSERT INTO t (id, s, h) VALUES ")
		for r := range rows {
			if r > 0 {
				b.WriteString(",\n")
			}
			id++
			h := "NULL"
			if r == hexAt {
				h = "0x41" // not a parameter: the rest of the INSERT goes as text
			}
			fmt.Fprintf(&b, "(%d,'%d-%s',%s)", id, id, strings.Repeat("x", 150+id%7), h)
		}
		b.WriteString(";\n")
	}
	insert(3000, -1) // about 500 KB: more than two batches
	insert(500, 300)
	b.WriteString("SET @tag = 'two';\n")
	insert(2000, -1)
	insert(10, -1)
	b.WriteString("SET @tag = 'three';\n")
	insert(5, 0)
	entry := []byte(b.String())

	for _, mode := range []string{"prepared", "text", "unprepared"} {
		t.Run(mode, func(t *testing.T) {
			_, db := mariadbtest.NewDatabase(t)
			srv.Exec(t, db, "CREATE TABLE log (seq INT AUTO_INCREMENT PRIMARY KEY, id INT, tag VARCHAR(10)) ENGINE=MyISAM;"+
				"CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(200), h VARBINARY(10), tag VARCHAR(10));"+
				"CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.tag = @tag;"+
				"CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log (id, tag) VALUES (NEW.id, NEW.tag)")
			if mode == "unprepared" {
				old := srv.Query(t, "", "SELECT @@GLOBAL.max_prepared_stmt_count")
				srv.Exec(t, "", "SET GLOBAL max_prepared_stmt_count = 0")
				defer srv.Exec(t, "", "SET GLOBAL max_prepared_stmt_count = "+old)
			}
			l := openMode(t, context.Background(), srv, db, mode == "text")
			l.Go("db/t.0001.sql", entry, nil)
			if err := l.Wait(); err != nil {
				t.Fatal(err)
			}
			// Every row once, in the entry's order, with the tag of the
			// SET before it and its own bytes.
			if got := srv.Query(t, db, "SELECT COUNT(*), COUNT(DISTINCT id), MIN(id), MAX(id) FROM log"); got != fmt.Sprintf("%d\t%d\t1\t%d", id, id, id) {
				t.Fatalf("log: count, distinct, min, max %s; want %d rows once each", got, id)
			}
			if got := srv.Query(t, db, "SELECT COUNT(*) FROM log a JOIN log b ON b.seq = a.seq + 1 WHERE b.id <> a.id + 1"); got != "0" {
				t.Errorf("%s rows reached the server out of the entry's order: %s", got, srv.Query(t, db, "SELECT GROUP_CONCAT(a.seq, ':', a.id, '->', b.id) FROM log a JOIN log b ON b.seq = a.seq + 1 WHERE b.id <> a.id + 1"))
			}
			if got := srv.Query(t, db, "SELECT GROUP_CONCAT(tag, ':', n ORDER BY m SEPARATOR ' ') FROM (SELECT tag, COUNT(*) n, MIN(id) m FROM t GROUP BY tag) x"); got != "one:3500 two:2010 three:5" {
				t.Errorf("rows by the SET before them: %s, want one:3500 two:2010 three:5", got)
			}
			if got := srv.Query(t, db, "SELECT COUNT(*) FROM t WHERE s <> CONCAT(id, '-', REPEAT('x', 150 + id % 7))"); got != "0" {
				t.Errorf("%s rows hold another row's bytes", got)
			}
			if got := srv.Query(t, db, "SELECT GROUP_CONCAT(id ORDER BY id) FROM t WHERE h IS NOT NULL"); got != "3301,5511" {
				t.Errorf("rows with a hex value: %s", got)
			}
		})
	}
}
