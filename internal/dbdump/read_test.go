package dbdump

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestThreadsAndChunks dumps the same data with 1, 2 and 4 readers and with
// and without primary key ranges: the output must be byte for byte the same.
func TestThreadsAndChunks(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `
CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40), n DOUBLE);
INSERT INTO big SELECT CAST(seq AS SIGNED) * 3 - 150000, CONCAT('row ', seq, ' ', REPEAT('x', seq % 17)), seq / 7 FROM seq_1_to_100000;
CREATE TABLE ubig (id BIGINT UNSIGNED PRIMARY KEY, v INT);
INSERT INTO ubig SELECT seq, seq FROM seq_1_to_4990;
INSERT INTO ubig SELECT 18446744073709551615 - seq, seq FROM seq_0_to_9;
CREATE TABLE gaps (id TINYINT PRIMARY KEY, v INT);
INSERT INTO gaps VALUES (-128, 1), (0, 2), (127, 3);
CREATE TABLE nopk (a INT, b TEXT);
INSERT INTO nopk SELECT seq % 10, REPEAT('b', seq % 100) FROM seq_1_to_3000;
CREATE TABLE empty (id INT PRIMARY KEY);
ANALYZE TABLE big, ubig, gaps, nopk;
`)
	var first []byte
	for _, tc := range []struct {
		threads, chunkRows int
		minQueries         int64
	}{
		{1, 0, 6}, // default ranges of about 4 MiB: big is read in two
		{2, 7000, 14 + 4},
		{4, 1000, 90},
		{4, 0, 6},
	} {
		d, err := Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Threads: tc.threads, ChunkRows: tc.chunkRows, ChunkBytes: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		drain(t, d, &buf, false)
		queries := d.queries.Load()
		d.Close()
		t.Logf("threads %d, chunk rows %d: %d SELECTs, %d bytes, sha256 %x", tc.threads, tc.chunkRows, queries, buf.Len(), sha256.Sum256(buf.Bytes()))
		if queries < tc.minQueries || tc.chunkRows == 0 && queries != tc.minQueries {
			t.Errorf("threads %d, chunk rows %d: %d SELECTs, want at least %d", tc.threads, tc.chunkRows, queries, tc.minQueries)
		}
		if first == nil {
			first = buf.Bytes()
			// Sanity: everything is there, in several statements.
			if n := bytes.Count(first, []byte("INSERT INTO `big`")); n < 10 {
				t.Errorf("%d INSERT statements for big, want many with ChunkBytes 64 KiB", n)
			}
			continue
		}
		if !bytes.Equal(first, buf.Bytes()) {
			t.Errorf("threads %d, chunk rows %d: output differs from one reader's", tc.threads, tc.chunkRows)
		}
	}
	// And it loads back to the same tables, scanner round trip included.
	script, _ := dump(t, Config{DSN: srv.DSN(""), Database: db, Threads: 3, ChunkRows: 5000, ChunkBytes: 64 << 10})
	if !bytes.Equal(script, first) {
		t.Error("dump with 3 readers differs")
	}
	_, dst := mariadbtest.NewDatabase(t)
	srv.Exec(t, dst, string(script))
	if a, b := srv.Checksums(t, db), srv.Checksums(t, dst); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("checksums differ:\n%v\n%v", a, b)
	}
}

// TestBigRow dumps and loads a 64 MiB row.
func TestBigRow(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB row in -short mode")
	}
	srv, db := mariadbtest.NewDatabase(t)
	old := srv.Query(t, "", "SELECT @@GLOBAL.max_allowed_packet")
	srv.Exec(t, "", "SET GLOBAL max_allowed_packet = 512 * 1024 * 1024")
	t.Cleanup(func() { rootExec(t, srv, "SET GLOBAL max_allowed_packet = "+old) })
	srv.Exec(t, db, `CREATE TABLE blobs (id INT PRIMARY KEY, b LONGBLOB, s LONGTEXT);
INSERT INTO blobs VALUES (1, REPEAT(CONCAT(CHAR(0), 'ab''', CHAR(255)), 16 * 1024 * 1024), NULL),
  (2, 'small', REPEAT('é', 8 * 1024 * 1024)), (3, NULL, 'x');`)
	d, err := Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	file := t.TempDir() + "/dump.sql"
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	drain(t, d, f, false)
	t.Logf("dumped in %v", time.Since(start))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	st, _ := os.Stat(file)
	t.Logf("dump of a 64 MiB row: %d bytes", st.Size())
	if st.Size() < 128<<20 {
		t.Fatalf("dump is only %d bytes", st.Size())
	}
	_, dst := mariadbtest.NewDatabase(t)
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := srv.Command(t.Context(), "mariadb", "--max-allowed-packet=1G", "--batch", "--database="+dst)
	cmd.Stdin = in
	start = time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("load: %v: %s", err, out)
	}
	t.Logf("loaded in %v", time.Since(start))
	q := "SELECT id, LENGTH(b), MD5(b), LENGTH(s), MD5(s) FROM blobs ORDER BY id"
	if a, b := srv.Query(t, db, q), srv.Query(t, dst, q); a != b {
		t.Errorf("loaded rows differ:\n%s\n%s", a, b)
	}
}

// TestRowsPolicyAndFilters checks Tables, ExcludeTables and Rows.
func TestRowsPolicyAndFilters(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `
CREATE TABLE wp_posts (id INT PRIMARY KEY, t TEXT); INSERT INTO wp_posts VALUES (1, 'p');
CREATE TABLE wp_users (id INT PRIMARY KEY, email TEXT); INSERT INTO wp_users VALUES (1, 'a@b.c');
CREATE TABLE wp_options (id INT PRIMARY KEY); INSERT INTO wp_options VALUES (1);
CREATE TABLE wp_sessions (id INT PRIMARY KEY); INSERT INTO wp_sessions VALUES (1);
CREATE TABLE other (id INT PRIMARY KEY); INSERT INTO other VALUES (1);
CREATE VIEW wp_v AS SELECT id FROM wp_posts;
CREATE VIEW other_v AS SELECT id FROM other;
CREATE TRIGGER wp_sessions_bi BEFORE INSERT ON wp_sessions FOR EACH ROW SET NEW.id = NEW.id;
CREATE TRIGGER wp_users_bi BEFORE INSERT ON wp_users FOR EACH ROW SET NEW.id = NEW.id;
`)
	asked := map[string]int{}
	script, info := dump(t, Config{
		DSN: srv.DSN(""), Database: db,
		Tables:        []string{"wp_*"},
		ExcludeTables: []string{"wp_opt*"},
		Rows: func(table string) RowPolicy {
			asked[table]++
			switch table {
			case "wp_users":
				return RowsNone
			case "wp_sessions":
				return OmitTable
			}
			return RowsAll
		},
	})
	got := strings.Join(statements(t, script), " ")
	want := "create-table:wp_posts insert:wp_posts create-table:wp_users create-view:wp_v trigger:wp_users"
	if !strings.Contains(got, "create-table:wp_posts insert:wp_posts create-table:wp_users set: set: create-view:wp_v") ||
		strings.Contains(got, "wp_options") || strings.Contains(got, "other") || strings.Contains(got, "wp_sessions") ||
		strings.Contains(got, "insert:wp_users") || !strings.Contains(got, "trigger:wp_users") {
		t.Errorf("statements:\n%s\nwant those of %s", got, want)
	}
	if fmt.Sprint(asked) != "map[wp_posts:1 wp_sessions:1 wp_users:1]" {
		t.Errorf("Rows asked %v", asked)
	}
	if info.Tables != 2 {
		t.Errorf("Info.Tables = %d", info.Tables)
	}
	_, err := Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Tables: []string{"wp_post"}})
	if !errors.Is(err, ErrNoSuchTable) {
		t.Errorf("a pattern matching nothing: %v", err)
	}
	_, err = Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Tables: []string{"wp_[x"}})
	if err == nil {
		t.Error("a bad pattern was accepted")
	}
}

// TestCloseEarly stops a dump in the middle: Close returns, the readers
// stop, and Next says so.
func TestCloseEarly(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `CREATE TABLE a (id INT PRIMARY KEY, v TEXT);
INSERT INTO a SELECT seq, REPEAT('v', 200) FROM seq_1_to_50000;
CREATE TABLE b LIKE a; INSERT INTO b SELECT * FROM a; ANALYZE TABLE a, b;`)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	d, err := Open(ctx, Config{DSN: srv.DSN(""), Database: db, Threads: 4, ChunkRows: 1000, ChunkBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	for {
		st, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if st.Table == "a" && st.Kind.String() == "insert" {
			if _, err := d.NextRow(); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	done := make(chan error)
	go func() { done <- d.Close() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs")
	}
	if _, err := d.Next(); err == nil || err == io.EOF {
		t.Errorf("Next after Close: %v", err)
	}

	// Close from another goroutine while the dump is being read.
	d, err = Open(ctx, Config{DSN: srv.DSN(""), Database: db, Threads: 2, ChunkRows: 1000, ChunkBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	readErr := make(chan error)
	firstRow := make(chan struct{})
	go func() {
		rows := 0
		for {
			st, err := d.Next()
			for err == nil && st.Kind.String() == "insert" {
				if _, err = d.NextRow(); err == io.EOF {
					err = nil
					break
				}
				if rows++; rows == 1 {
					close(firstRow)
				}
				time.Sleep(time.Microsecond)
			}
			if err != nil {
				if rows == 0 {
					close(firstRow)
				}
				readErr <- err
				return
			}
		}
	}()
	// Close once the reader is inside the rows, not after a fixed time.
	<-firstRow
	d.Close()
	if err := <-readErr; err == io.EOF {
		t.Error("a dump closed early ran to the end")
	}

	// Cancelling the context stops a dump too.
	d, err = Open(ctx, Config{DSN: srv.DSN(""), Database: db, Threads: 2, ChunkRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cancel()
	for {
		_, err := d.Next()
		if err == io.EOF {
			t.Fatal("a cancelled dump ran to the end")
		}
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled: %v", err)
			}
			break
		}
		for {
			if _, err := d.NextRow(); err != nil {
				break
			}
		}
	}
}

// slowWriter is a consumer that takes its time: it sleeps every 2000 writes
// (drain writes twice per row), and after every write of 64 KiB or more.
type slowWriter struct{ n int }

func (w *slowWriter) Write(p []byte) (int, error) {
	if w.n++; w.n%2000 == 0 || len(p) >= 64<<10 {
		time.Sleep(2 * time.Millisecond)
	}
	return len(p), nil
}

// TestQueueBytes: a range's queue holds at most queueBytes, whatever the
// table's statistics say about its rows. Here they say 10 bytes (the rows
// grew after ANALYZE) while each row is 512 KiB of hex.
func TestQueueBytes(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `CREATE TABLE b (id INT PRIMARY KEY, v LONGBLOB);
INSERT INTO b SELECT seq, 'x' FROM seq_1_to_60; ANALYZE TABLE b;
UPDATE b SET v = REPEAT(CHAR(id % 256 USING binary), 256 * 1024) WHERE id > 0;`)
	d, err := Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Threads: 2, ChunkRows: 20, ChunkBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	drain(t, d, &slowWriter{}, false)
	if rows, _ := d.Progress(); rows != 60 || len(d.work) != 3 {
		t.Fatalf("%d rows in %d ranges", rows, len(d.work))
	}
	// Every queue stays under the bound; and the bound is what stopped
	// one: a range the consumer was not reading filled to near it. (The
	// first range is read as it is queued, so how full it gets depends on
	// the machine.)
	var fullest int64
	for _, c := range d.work {
		q := c.maxQueued.Load()
		t.Logf("range %d: at most %d KiB queued", c.seq, q>>10)
		if q > queueBytes {
			t.Errorf("range %d: %d bytes queued at most, want at most %d", c.seq, q, queueBytes)
		}
		fullest = max(fullest, q)
	}
	if fullest < 2<<20 {
		t.Errorf("no range queued more than %d bytes: the bound of %d was never reached, so it is not tested", fullest, queueBytes)
	}
}

// TestReadAhead checks the readers' window: with a slow consumer and ranges
// small enough to wait whole in their queues, readers read ranges ahead of
// the consumer (so the server works while rows are anonymized), but never
// more than Threads ranges ahead (so memory stays bounded).
func TestReadAhead(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `CREATE TABLE a (id INT PRIMARY KEY, v TEXT);
INSERT INTO a SELECT seq, REPEAT('v', 100) FROM seq_1_to_40000; ANALYZE TABLE a;`)
	for _, threads := range []int{1, 3, 6} {
		d, err := Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Threads: threads, ChunkRows: 1000, ChunkBytes: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.work) < 20 {
			t.Fatalf("%d ranges, want at least 20", len(d.work))
		}
		drain(t, d, &slowWriter{}, false)
		rows, _ := d.Progress()
		d.Close()
		d.headMu.Lock()
		ahead := d.maxAhead
		d.headMu.Unlock()
		t.Logf("threads %d: %d ranges, readers at most %d ranges ahead", threads, len(d.work), ahead)
		if rows != 40000 {
			t.Errorf("threads %d: %d rows", threads, rows)
		}
		if want := min(threads, maxAhead); ahead != want {
			t.Errorf("threads %d: readers started ranges up to %d ahead of the consumer, want exactly %d", threads, ahead, want)
		}
	}
}
