package dbload_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stagecopy/stagecopy/internal/archive"
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
			if got := outOfOrder(t, srv, db); got != "0" {
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

// orderedTestEntry is a data entry of table that inserts the ids from
// from on, n of them, and ends with archive.OrderedData if ordered.
func orderedTestEntry(table string, from, n int, ordered bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (id) VALUES ", table)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "(%d)", from+i)
	}
	b.WriteString(";\n")
	if ordered {
		b.WriteString(archive.OrderedData)
	}
	return []byte(b.String())
}

// outOfOrder counts the rows of t the trigger logged right after a row
// other than the one before them in id order: 0 when the server inserted
// them in id order.
func outOfOrder(t *testing.T, srv *mariadbtest.Server, db string) string {
	t.Helper()
	return srv.Query(t, db, "SELECT COUNT(*) FROM log a JOIN log b ON b.seq = a.seq + 1 WHERE b.id <> a.id + 1")
}

// TestOrderedEntries: the entries of a table load in parallel until one
// ends with archive.OrderedData; from it on, each entry of that table waits
// until the earlier ones have run (a plain entry after it too), while
// another table's entries go on in parallel (the log shows the order the
// server inserted t's rows in). A failing entry in the chain
// stops the batch without leaving a worker waiting.
func TestOrderedEntries(t *testing.T) {
	srv, _ := mariadbtest.NewDatabase(t)
	entry := orderedTestEntry
	threads := 4
	setup := func(t *testing.T) (*dbload.Loader, string) {
		_, db := mariadbtest.NewDatabase(t)
		srv.Exec(t, db, "CREATE TABLE log (seq INT AUTO_INCREMENT PRIMARY KEY, id INT) ENGINE=MyISAM;"+
			"CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE u (id INT PRIMARY KEY);"+
			"CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log (id) VALUES (NEW.id)")
		l, err := dbload.Open(context.Background(), dbload.Config{DSN: srv.DSN(""), Database: db, Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return l, db
	}

	t.Run("in order", func(t *testing.T) {
		l, db := setup(t)
		var done atomic.Int32
		// Large first, small later: in parallel, later entries would
		// finish first. The third is the first with the mark.
		sizes := []int{20000, 5000, 10, 3000, 10, 10}
		id, mark := 1, 0
		for k, n := range sizes {
			if k == 2 {
				mark = id
			}
			l.Go(fmt.Sprintf("db/t.%04d.sql", k+1), entry("t", id, n, k == 2), func() { done.Add(1) })
			id += n
			if k == 0 {
				l.Go("db/u.0001.sql", entry("u", 1, 10, false), func() { done.Add(1) })
			}
		}
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		if got := done.Load(); got != int32(len(sizes)+1) {
			t.Errorf("done called %d times, want %d", got, len(sizes)+1)
		}
		if got := srv.Query(t, db, fmt.Sprintf("SELECT (SELECT MAX(seq) FROM log WHERE id < %d) < (SELECT MIN(seq) FROM log WHERE id >= %d)", mark, mark)); got != "1" {
			t.Errorf("rows of the marked entry reached the server before all rows of the earlier entries")
		}
		if got := srv.Query(t, db, fmt.Sprintf("SELECT COUNT(*) FROM log a JOIN log b ON b.seq = a.seq + 1 WHERE a.id >= %d AND b.id <> a.id + 1", mark)); got != "0" {
			t.Errorf("%s rows of t from the marked entry on reached the server out of the entries' order", got)
		}
		if got := srv.Query(t, db, "SELECT COUNT(*), (SELECT COUNT(*) FROM u) FROM log"); got != fmt.Sprintf("%d\t10", id-1) {
			t.Errorf("rows of t, u: %s", got)
		}
	})

	t.Run("other tables go on", func(t *testing.T) {
		// A table's held entries take no worker: with two workers,
		// the other table's entry starts while the first entry of the
		// ordered table still runs.
		threads = 2
		defer func() { threads = 4 }()
		l, _ := setup(t)
		var mu sync.Mutex
		var events []string
		note := func(e string) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		}
		dbload.SetStarted(l, func(name string) { note("start " + name) })
		id := 1
		for k, n := range []int{40000, 10, 10, 10} {
			name := fmt.Sprintf("db/t.%04d.sql", k+1)
			l.Go(name, entry("t", id, n, true), func() { note("done " + name) })
			id += n
		}
		l.Go("db/u.0001.sql", entry("u", 1, 10, false), func() { note("done db/u.0001.sql") })
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		if i, j := slices.Index(events, "start db/u.0001.sql"), slices.Index(events, "done db/t.0001.sql"); i < 0 || j < 0 || i > j {
			t.Errorf("u's entry started after t's first entry was done: %v", events)
		}
	})

	t.Run("held entries are bounded", func(t *testing.T) {
		// With room for two held entries, Go for a third blocks until
		// the worker has run the first entry and taken a held one.
		defer dbload.SetMaxHeld(2)()
		l, _ := setup(t)
		var mu sync.Mutex
		var events []string
		note := func(e string) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		}
		id := 1
		for k, n := range []int{40000, 10, 10, 10, 10} {
			name := fmt.Sprintf("db/t.%04d.sql", k+1)
			l.Go(name, entry("t", id, n, true), func() { note("done " + name) })
			note("queued " + name)
			id += n
		}
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		if i, j := slices.Index(events, "done db/t.0001.sql"), slices.Index(events, "queued db/t.0004.sql"); i < 0 || j < 0 || i > j {
			t.Errorf("a third entry was held before the first one was done: %v", events)
		}
		if i := slices.Index(events, "queued db/t.0003.sql"); i < 0 || i > slices.Index(events, "done db/t.0001.sql") {
			t.Errorf("the second held entry waited: %v", events)
		}
	})

	t.Run("across batches", func(t *testing.T) {
		// A table stays ordered after Wait (as after a Stream): its
		// later plain entries still load one after another.
		l, db := setup(t)
		l.Go("db/t.0001.sql", entry("t", 1, 10, true), nil)
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		l.Go("db/t.0002.sql", entry("t", 11, 30000, false), nil)
		l.Go("db/t.0003.sql", entry("t", 30011, 10, false), nil)
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		if got := outOfOrder(t, srv, db); got != "0" {
			t.Errorf("%s rows of t reached the server out of the entries' order", got)
		}
	})

	t.Run("archives without the mark", func(t *testing.T) {
		// Archives made before the mark hold REPLACE entries without
		// it: a line that starts with REPLACE orders the table too.
		l, db := setup(t)
		replace := func(from, n int) []byte {
			b := entry("t", from, n, false)
			return append([]byte("-- stagecopy: data of table `t`\nREPLACE"), b[len("INSERT"):]...)
		}
		l.Go("db/t.0001.sql", replace(1, 30000), nil)
		l.Go("db/t.0002.sql", replace(30001, 10), nil)
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		if got := outOfOrder(t, srv, db); got != "0" {
			t.Errorf("%s rows of t reached the server out of the entries' order", got)
		}
	})

	t.Run("failing entry", func(t *testing.T) {
		l, _ := setup(t)
		var done atomic.Int32
		l.Go("db/t.0001.sql", entry("t", 1, 20000, true), func() { done.Add(1) })
		l.Go("db/t.0002.sql", entry("t", 1, 1, true), func() { done.Add(1) }) // duplicate key
		for k := 3; k <= 6; k++ {
			l.Go(fmt.Sprintf("db/t.%04d.sql", k), entry("t", 100000+k, 1, false), func() { done.Add(1) })
		}
		if err := l.Wait(); err == nil || !strings.Contains(err.Error(), "db/t.0002.sql") {
			t.Fatalf("Wait: %v, want the duplicate key of db/t.0002.sql", err)
		}
		if got := done.Load(); got != 6 {
			t.Errorf("done called %d times, want 6", got)
		}
	})
}

// TestOrderedEntriesReuse: after a batch, failed or not, no entry is
// still counted as running or held and every slot is free, so that the
// next batch's entries of the table run (a count left behind would hold
// them back for ever, or Wait would fail).
func TestOrderedEntriesReuse(t *testing.T) {
	srv, _ := mariadbtest.NewDatabase(t)
	entry := orderedTestEntry
	open := func(t *testing.T) *dbload.Loader {
		_, db := mariadbtest.NewDatabase(t)
		srv.Exec(t, db, "CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE u (id INT PRIMARY KEY); CREATE TABLE v (id INT PRIMARY KEY)")
		l, err := dbload.Open(context.Background(), dbload.Config{DSN: srv.DSN(""), Database: db, Threads: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	}
	clean := func(t *testing.T, l *dbload.Loader, when string) {
		t.Helper()
		for _, key := range []string{"db/t", "db/u", "db/v"} {
			if r, h := dbload.ChainState(l, key); r != 0 || h != 0 {
				t.Errorf("%s: %s has %d entries counted as running, %d held", when, key, r, h)
			}
		}
		if n := dbload.HeldSlots(l); n != 0 {
			t.Errorf("%s: %d slots taken", when, n)
		}
	}
	// goWithin fails if Go has not returned within a minute.
	goWithin := func(t *testing.T, l *dbload.Loader, name string, sql []byte, done func()) {
		t.Helper()
		ch := make(chan struct{})
		go func() { l.Go(name, sql, done); close(ch) }()
		select {
		case <-ch:
		case <-time.After(time.Minute):
			t.Fatalf("Go(%s) blocked for a minute (%d slots taken)", name, dbload.HeldSlots(l))
		}
	}

	t.Run("failed batch", func(t *testing.T) {
		defer dbload.SetMaxHeld(2)()
		l := open(t)
		l.Go("db/t.0001.sql", entry("t", 1, 20000, true), nil)
		l.Go("db/t.0002.sql", entry("t", 1, 1, true), nil) // a duplicate key
		for k := 3; k <= 5; k++ {
			l.Go(fmt.Sprintf("db/t.%04d.sql", k), entry("t", 100000+k, 1, true), nil)
		}
		if err := l.Wait(); err == nil {
			t.Fatal("Wait: no error, want the duplicate key")
		}
		clean(t, l, "after the failed batch")
		ran := 0
		goWithin(t, l, "db/t.0006.sql", entry("t", 200000, 20000, true), func() { ran++ })
		for k := 7; k <= 12; k++ {
			goWithin(t, l, fmt.Sprintf("db/t.%04d.sql", k), entry("t", 300000+k, 1, true), func() { ran++ })
		}
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		if ran != 7 {
			t.Errorf("%d entries of the next batch were done, want 7", ran)
		}
		clean(t, l, "after the next batch")
	})

	t.Run("entries after the failure", func(t *testing.T) {
		// Go gives up on entries once the batch failed (its drop path):
		// they must not stay counted.
		l := open(t)
		first := make(chan struct{})
		l.Go("db/t.0001.sql", entry("t", 1, 10, true), func() { close(first) })
		<-first
		l.Go("db/u.0001.sql", []byte("INSERT INTO nosuch (id) VALUES (1);\n"), nil)
		for l.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		for k := 2; k <= 21; k++ {
			l.Go(fmt.Sprintf("db/t.%04d.sql", k), entry("t", 1000*k, 1, false), nil)
		}
		if err := l.Wait(); err == nil {
			t.Fatal("Wait: no error, want the missing table")
		}
		clean(t, l, "after the failed batch")
		ran := false
		l.Go("db/t.0100.sql", entry("t", 900000, 1, true), func() { ran = true })
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		if !ran {
			t.Error("the next batch's entry never ran")
		}
	})

	t.Run("slot taken back when the table ran meanwhile", func(t *testing.T) {
		// With one slot: u's second entry waits for the slot t's held
		// entry has; by the time it gets it, u runs nothing and it runs
		// at once, giving the slot back.
		defer dbload.SetMaxHeld(1)()
		l := open(t)
		l.Go("db/t.0001.sql", entry("t", 1, 60000, true), nil)
		l.Go("db/t.0002.sql", entry("t", 60001, 1, true), nil)
		l.Go("db/u.0001.sql", entry("u", 1, 3000, true), nil)
		l.Go("db/u.0002.sql", entry("u", 3001, 1, true), nil)
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
		clean(t, l, "after the batch")
		l.Go("db/v.0001.sql", entry("v", 1, 20000, true), nil)
		goWithin(t, l, "db/v.0002.sql", entry("v", 20001, 1, true), nil)
		goWithin(t, l, "db/v.0003.sql", entry("v", 20002, 1, true), nil)
		if err := l.Wait(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestOrderedStream: an entry too large to hold, streamed, that ends with
// archive.OrderedData makes its table's later entries load in order too.
func TestOrderedStream(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE log (seq INT AUTO_INCREMENT PRIMARY KEY, id INT) ENGINE=MyISAM;"+
		"CREATE TABLE t (id INT PRIMARY KEY);"+
		"CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log (id) VALUES (NEW.id)")
	l, err := dbload.Open(context.Background(), dbload.Config{DSN: srv.DSN(""), Database: db, Threads: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// A reader that hands out a few bytes at a time: the mark comes in
	// pieces.
	if err := l.Stream(context.Background(), "db/t.0001.sql", iotest.HalfReader(bytes.NewReader(orderedTestEntry("t", 1, 11, true))), func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	l.Go("db/t.0002.sql", orderedTestEntry("t", 12, 30000, false), nil)
	l.Go("db/t.0003.sql", orderedTestEntry("t", 30012, 10, false), nil)
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := outOfOrder(t, srv, db); got != "0" {
		t.Errorf("after a streamed marked entry, %s rows of t reached the server out of the entries' order", got)
	}
}
