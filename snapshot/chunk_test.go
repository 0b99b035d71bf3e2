package snapshot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/snapshot"
)

// TestChunkRows: from a dump file, a table's data is cut into a new entry
// at ChunkRows rows (DefaultChunkRows when 0) between INSERT statements, as
// well as at ChunkSize bytes, and every row is in exactly one entry, in
// order. An INSERT with ON DUPLICATE KEY UPDATE after its rows is never cut
// by the row limit (TestLiveChunkRows cuts the live dumper's rows).
func TestChunkRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `kv` (`id` int NOT NULL, `v` varchar(8), PRIMARY KEY (`id`));\n")
	const rows, perInsert = 70000, 10000
	for i := 1; i <= rows; i++ {
		if i%perInsert == 1 { // several INSERTs, as mysqldump writes them
			if i > 1 {
				b.WriteString(";\n")
			}
			b.WriteString("INSERT INTO `kv` VALUES ")
		} else {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "(%d,'v%d')", i, i%97)
	}
	b.WriteString(";\n")
	dir := t.TempDir()
	dump := filepath.Join(dir, "kv.sql")
	if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		chunkRows int
		entries   []int // rows of each entry
	}{
		{0, []int{40000, 30000}}, // 70,000 rows in 1.1 MB: cut by rows alone, after the INSERT that reached 32,768
		{9000, []int{10000, 10000, 10000, 10000, 10000, 10000, 10000}},
		{rows, []int{rows}},
	} {
		var out bytes.Buffer
		res, err := snapshot.Create(context.Background(), &out, snapshot.Options{DumpPath: dump, NoAnonymize: true, ChunkRows: tc.chunkRows})
		if err != nil {
			t.Fatal(err)
		}
		counts := entryRows(t, out.Bytes())
		var got []int
		for _, c := range counts {
			got = append(got, c.rows)
		}
		if !slices.Equal(got, tc.entries) || len(res.Manifest.Tables) != 1 || len(res.Manifest.Tables[0].DataEntries) != len(tc.entries) {
			t.Fatalf("ChunkRows %d: rows per entry %v, want %v", tc.chunkRows, got, tc.entries)
		}
		checkContiguous(t, counts, rows)
	}

	// One INSERT ... ON DUPLICATE KEY UPDATE of 40,000 rows: cutting it
	// would need its tail in every part; it stays one entry.
	var odku strings.Builder
	odku.WriteString("CREATE TABLE `kv` (`id` int NOT NULL, `v` varchar(8), PRIMARY KEY (`id`));\nINSERT INTO `kv` VALUES ")
	for i := 1; i <= 40000; i++ {
		if i > 1 {
			odku.WriteString(",")
		}
		fmt.Fprintf(&odku, "(%d,'v%d')", i, i%97)
	}
	odkuSQL := odku.String() + " ON DUPLICATE KEY UPDATE `v` = VALUES(`v`);\n"
	odkuPath := filepath.Join(dir, "odku.sql")
	if err := os.WriteFile(odkuPath, []byte(odkuSQL), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := snapshot.Create(context.Background(), &out, snapshot.Options{DumpPath: odkuPath, NoAnonymize: true}); err != nil {
		t.Fatalf("an INSERT ... ON DUPLICATE KEY UPDATE of 40,000 rows: %v", err)
	}
	if counts := entryRows(t, out.Bytes()); len(counts) != 1 || counts[0].rows != 40000 {
		t.Fatalf("an INSERT ... ON DUPLICATE KEY UPDATE of 40,000 rows became entries %v", counts)
	}
}

// TestChunkSizeBetweenInserts: a dump of one INSERT per row (mysqldump
// --skip-extended-insert) is cut at ChunkSize bytes between its INSERTs.
// Only the cut inside a statement looked at the size, and it needs a row
// before it in the statement: such a table became one entry, held whole
// in memory by snapshot and loaded on one connection by restore.
func TestChunkSizeBetweenInserts(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `t` (`id` int NOT NULL, `v` text, PRIMARY KEY (`id`));\n")
	const rows = 200
	pad := strings.Repeat("x", 1000)
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&b, "INSERT INTO `t` VALUES (%d,'%s');\n", i, pad)
	}
	dump := filepath.Join(t.TempDir(), "t.sql")
	if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	const size = 8192
	var out bytes.Buffer
	if _, err := snapshot.Create(context.Background(), &out, snapshot.Options{DumpPath: dump, NoAnonymize: true, ChunkSize: size}); err != nil {
		t.Fatal(err)
	}
	counts := entryRows(t, out.Bytes())
	// About 1,030 bytes an INSERT: an entry ends at the INSERT that
	// reached 8 KiB, so 8 rows each.
	if len(counts) != rows/8 {
		t.Fatalf("%d single-row INSERTs of about 1 KB with ChunkSize %d made %d data entries, want %d", rows, size, len(counts), rows/8)
	}
	for _, c := range counts {
		if c.rows != 8 {
			t.Errorf("entry %s holds %d rows, want 8", c.name, c.rows)
		}
	}
	checkContiguous(t, counts, rows)
}

// checkContiguous checks that the entries hold rows 1 to rows, in order,
// each once.
func checkContiguous(t *testing.T, counts []entryCount, rows int64) {
	t.Helper()
	next := int64(1)
	for _, c := range counts {
		if c.first != next {
			t.Errorf("entry %s starts at row %d, want %d", c.name, c.first, next)
		}
		next = c.first + int64(c.rows)
	}
	if next != rows+1 {
		t.Errorf("the entries hold rows up to %d, want %d", next-1, rows)
	}
}

type entryCount struct {
	name  string
	rows  int
	first int64 // id of the first row
}

// entryRows reads an archive and counts the rows of each data entry.
func entryRows(t *testing.T, data []byte) []entryCount {
	t.Helper()
	r, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []entryCount
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.Name, "db/") || strings.HasSuffix(e.Name, ".schema.sql") || !strings.HasSuffix(e.Name, ".sql") {
			continue
		}
		c := entryCount{name: e.Name}
		sc := sqldump.NewScanner(r)
		for {
			st, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Kind != sqldump.KindInsert {
				continue
			}
			for {
				row, err := sc.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if c.rows == 0 {
					id, _ := row.Values[0].Bytes()
					fmt.Sscan(string(id), &c.first)
				}
				c.rows++
			}
		}
		out = append(out, c)
	}
}
