package dbload_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestLoadAllocs: loading data entries allocates far less than the bytes
// loaded. Each INSERT piece used to be copied into a piece grown anew for
// every entry and then into a packet buffer the driver allocated for every
// query over 256 KiB: together about twice the bytes loaded, each byte
// zeroed, faulted in and collected again (bench/README.md).
func TestLoadAllocs(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(200))")
	l := open(t, srv, db, 1)
	// Entries like snapshot's: INSERTs of about 1 MiB, 2 MiB an entry.
	var entries [][]byte
	loaded, id := 0, 0
	for range 6 {
		var b strings.Builder
		b.WriteString("/*!40101 SET NAMES utf8mb4 */;\n")
		for range 2 {
			b.WriteString("INSERT INTO `t` VALUES ")
			for r := range 6000 {
				if r > 0 {
					b.WriteByte(',')
				}
				id++
				fmt.Fprintf(&b, "(%d,'%s')", id, strings.Repeat("x", 160))
			}
			b.WriteString(";\n")
		}
		entries = append(entries, []byte(b.String()))
		loaded += b.Len()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i, e := range entries {
		l.Go(fmt.Sprintf("db/t.%04d.sql", i+1), e, nil)
	}
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := srv.Query(t, db, "SELECT COUNT(*) FROM t"); got != fmt.Sprint(id) {
		t.Fatalf("%s rows, want %d", got, id)
	}
	// Rows of one size run a power of two of rows at a time as they are
	// gathered: no string is copied from one batch into the next.
	if c := dbload.Carried(l); c != 0 {
		t.Errorf("%d bytes of parameters copied from batch to batch, want 0", c)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("loaded %d bytes, allocated %d", loaded, alloc)
	// Prepared INSERTs cost the driver's API about 56 bytes a value (each
	// value boxed in an interface, copied into a []driver.Value): 2
	// values a row here.
	if limit := uint64(loaded)/4 + 64*2*uint64(id); alloc > limit {
		t.Errorf("loading %d bytes (%d rows of 2 values) allocated %d bytes, want at most %d", loaded, id, alloc, limit)
	}
}
