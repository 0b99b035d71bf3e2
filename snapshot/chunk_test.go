package snapshot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/snapshot"
)

// TestChunkRows: a table's data is cut into a new entry at ChunkRows rows
// as well as at ChunkSize bytes (DefaultChunkRows when 0), between rows,
// and every row is in exactly one entry, in order.
func TestChunkRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("CREATE TABLE `kv` (`id` int NOT NULL, `v` varchar(8), PRIMARY KEY (`id`));\n")
	const rows = 70000
	for i := 1; i <= rows; i++ {
		if i%10000 == 1 { // several INSERTs, as mysqldump writes them
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
	dump := filepath.Join(t.TempDir(), "kv.sql")
	if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		chunkRows int
		max       int // rows in an entry at most
		entries   int
	}{
		{0, snapshot.DefaultChunkRows, 3}, // 70,000 rows in 1.1 MB: cut by rows alone
		{9000, 9000, 8},
		{rows, rows, 1},
	} {
		var out bytes.Buffer
		res, err := snapshot.Create(context.Background(), &out, snapshot.Options{DumpPath: dump, NoAnonymize: true, ChunkRows: tc.chunkRows})
		if err != nil {
			t.Fatal(err)
		}
		counts := entryRows(t, out.Bytes())
		if len(counts) != tc.entries || len(res.Manifest.Tables) != 1 || len(res.Manifest.Tables[0].DataEntries) != tc.entries {
			t.Fatalf("ChunkRows %d: rows per entry %v, want %d entries", tc.chunkRows, counts, tc.entries)
		}
		next := int64(1)
		for _, c := range counts {
			if c.rows > tc.max {
				t.Errorf("ChunkRows %d: entry %s holds %d rows", tc.chunkRows, c.name, c.rows)
			}
			if c.first != next {
				t.Errorf("ChunkRows %d: entry %s starts at row %d, want %d", tc.chunkRows, c.name, c.first, next)
			}
			next = c.first + int64(c.rows)
		}
		if next != rows+1 {
			t.Errorf("ChunkRows %d: the entries hold rows up to %d, want %d", tc.chunkRows, next-1, rows)
		}
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
