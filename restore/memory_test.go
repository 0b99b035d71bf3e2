package restore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// small makes restore hold entries of at most limit bytes, budget at once,
// for the rest of t.
func small(t *testing.T, limit, budget int64) {
	oldLimit, oldBudget := heldLimit, heldBudget
	heldLimit, heldBudget = limit, budget
	t.Cleanup(func() { heldLimit, heldBudget = oldLimit, oldBudget })
}

// TestRestoreStreamedEntry: a data entry larger than restore holds in
// memory loads as it is read, between entries that are held, and one whose
// hash does not match fails the restore, naming the entry.
func TestRestoreStreamedEntry(t *testing.T) {
	srv := mariadbtest.Start(t)
	small(t, 1<<10, 4<<10)
	var big strings.Builder
	big.WriteString("INSERT INTO t VALUES ")
	for i := range 200 {
		if i > 0 {
			big.WriteString(",\n")
		}
		fmt.Fprintf(&big, "(%d,'row %d')", 100+i, i)
	}
	big.WriteString(";\n")
	data := craft(t, archive.Header{},
		file("db/t.schema.sql", tSchema, 0),
		file("db/t.0001.sql", "INSERT INTO t VALUES (1,'a');\n", 0),
		file("db/t.0002.sql", big.String(), 0),
		file("db/t.0003.sql", "INSERT INTO t VALUES (2,'b');\n", 0))
	db := mariadbtest.Name(t, "stream")
	_, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t), CMS: "none", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Query(t, db, "SELECT COUNT(*), MIN(id), MAX(id) FROM t"); got != "202\t1\t299" {
		t.Errorf("rows, min, max: %s", got)
	}

	bad := recompress(t, data, "'row 150'", "'row 15X'")
	db = mariadbtest.Name(t, "stream")
	reg := flowtest.Registry(t)
	_, err = Run(context.Background(), Options{Archive: bytes.NewReader(bad), Server: srv.Config(t, ""), Database: db, Registry: reg, CMS: "none", Threads: 2})
	if !errors.Is(err, archive.ErrCorrupt) || !strings.Contains(err.Error(), "db/t.0002.sql") {
		t.Fatalf("got %v, want ErrCorrupt naming db/t.0002.sql", err)
	}
	nothingLeft(t, srv, db, "", reg)
}

// TestRestoreBudget: with room for only a few entries at once, many
// entries on several connections load without a deadlock; a schema entry
// larger than restore holds is refused.
func TestRestoreBudget(t *testing.T) {
	srv := mariadbtest.Start(t)
	small(t, 512, 1<<10)
	entries := []archive.Entry{file("db/t.schema.sql", tSchema, 0)}
	for i := range 40 {
		entries = append(entries, file(fmt.Sprintf("db/t.%04d.sql", i+1), fmt.Sprintf("INSERT INTO t VALUES (%d,'%s');\n", i, strings.Repeat("x", i%15)), 0))
	}
	db := mariadbtest.Name(t, "budget")
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(craft(t, archive.Header{}, entries...)), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t), CMS: "none", Threads: 4}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Query(t, db, "SELECT COUNT(*) FROM t"); got != "40" {
		t.Errorf("%s rows, want 40", got)
	}
	schema := tSchema + "-- " + strings.Repeat("padding ", 100) + "\n"
	_, err := Run(context.Background(), Options{Archive: bytes.NewReader(craft(t, archive.Header{}, file("db/t.schema.sql", schema, 0))), Server: srv.Config(t, ""), Database: mariadbtest.Name(t, "budget"), Registry: flowtest.Registry(t), CMS: "none"})
	if !errors.Is(err, ErrEntryTooLarge) {
		t.Errorf("got %v, want %v", err, ErrEntryTooLarge)
	}
}
