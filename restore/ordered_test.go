package restore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/snapshot"
)

// TestOrderedParts: rows of a REPLACE or an INSERT IGNORE decide which row
// of a key wins by the order they load in (restore refuses INSERT ... ON
// DUPLICATE KEY UPDATE; snapshot marks its entries too, for loading by
// hand). A table's rows are cut into parts that restore loads in
// parallel, so such parts must load in the dump's order: here the first
// statement (more rows than one part holds, so the second starts a part of
// its own) ends with key 99999, which the second statement writes again.
// Loaded in parallel, the short second part runs first and the first part
// decides the row (REPLACE: 'old' instead of 'new'; INSERT IGNORE: 'new'
// instead of 'old'). A dump of plain INSERTs
// gets no such mark, and its parts load in parallel.
func TestOrderedParts(t *testing.T) {
	srv, _ := mariadbtest.NewDatabase(t)
	rows := snapshot.DefaultChunkRows + 5000
	stmt := func(verb, tail, last string) string {
		var b strings.Builder
		b.WriteString(verb + " INTO `t` VALUES ")
		for id := 1; id <= rows; id++ {
			fmt.Fprintf(&b, "(%d,'a'),", id)
		}
		fmt.Fprintf(&b, "(99999,'%s')%s;\n", last, tail)
		return b.String()
	}
	const create = "CREATE TABLE `t` (`id` int NOT NULL, `v` varchar(10) NOT NULL, PRIMARY KEY (`id`));\n"
	for _, c := range []struct{ verb, tail string }{
		{"REPLACE", ""},
		{"INSERT IGNORE", ""},
	} {
		t.Run(c.verb, func(t *testing.T) {
			dump := create + stmt(c.verb, c.tail, "old") +
				fmt.Sprintf("%s INTO `t` VALUES (99999,'new')%s;\n", c.verb, c.tail)
			_, ref := mariadbtest.NewDatabase(t)
			srv.Exec(t, ref, dump)
			const q = "SELECT v FROM t WHERE id = 99999"
			want := srv.Query(t, ref, q)
			data := archiveOf(t, dump)
			if n := orderedEntries(t, data); n != 2 {
				t.Errorf("%d data entries end with the ordered mark, want 2", n)
			}
			restoreThrice(t, srv, data, func(try int) string { return mariadbtest.Name(t, "r") }, q, want)
		})
	}
	// ON DUPLICATE KEY UPDATE: marked too.
	odku := " ON DUPLICATE KEY UPDATE `v`=VALUES(`v`)"
	if n := orderedEntries(t, archiveOf(t, create+stmt("INSERT", odku, "old")+"INSERT INTO `t` VALUES (99999,'new')"+odku+";\n")); n != 2 {
		t.Errorf("ON DUPLICATE KEY UPDATE: %d data entries end with the ordered mark, want 2", n)
	}
	// Plain INSERTs: no mark.
	if n := orderedEntries(t, archiveOf(t, create+stmt("INSERT", "", "old")+"INSERT INTO `t` VALUES (100000,'new');\n")); n != 0 {
		t.Errorf("plain INSERTs: %d data entries end with the ordered mark, want 0", n)
	}
}

// archiveOf snapshots the dump file holding dump.
func archiveOf(t *testing.T, dump string) []byte {
	t.Helper()
	f := filepath.Join(t.TempDir(), "dump.sql")
	if err := os.WriteFile(f, []byte(dump), 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: f})
	return data
}

// orderedEntries counts the data entries of table t that end with
// archive.OrderedData; it fails unless t has two.
func orderedEntries(t *testing.T, data []byte) int {
	t.Helper()
	ar, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	n, parts := 0, 0
	for {
		e, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(ar)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(e.Name, "db/t.0") {
			parts++
			if bytes.HasSuffix(b, []byte(archive.OrderedData)) {
				n++
			}
		}
	}
	if parts != 2 {
		t.Fatalf("%d data entries of t, want 2", parts)
	}
	return n
}

// TestOrderedPartsFoldedNames: a dump that writes one table as `t` and as
// `T` makes entries of two names, which a server that folds table names
// (lower_case_table_names=1) loads into one table: their order counts too.
func TestOrderedPartsFoldedNames(t *testing.T) {
	srv := mariadbtest.StartServer(t, "--lower-case-table-names=1")
	var b strings.Builder
	b.WriteString("CREATE TABLE `t` (`id` int NOT NULL, `v` varchar(10) NOT NULL, PRIMARY KEY (`id`));\nREPLACE INTO `t` VALUES ")
	for id := 1; id <= snapshot.DefaultChunkRows+5000; id++ {
		fmt.Fprintf(&b, "(%d,'a'),", id)
	}
	b.WriteString("(99999,'old');\nREPLACE INTO `T` VALUES (99999,'new');\n")
	dump := b.String()
	srv.Exec(t, "", "CREATE DATABASE ref")
	srv.Exec(t, "ref", dump)
	const q = "SELECT v FROM t WHERE id = 99999"
	want := srv.Query(t, "ref", q)
	data := archiveOf(t, dump)
	restoreThrice(t, srv, data, func(try int) string { return fmt.Sprintf("r%d", try) }, q, want)
}

// restoreThrice restores data three times, with 3 threads, into the
// databases name gives, and fails unless q gives want in each.
func restoreThrice(t *testing.T, srv *mariadbtest.Server, data []byte, name func(try int) string, q, want string) {
	t.Helper()
	for try := range 3 {
		db := name(try)
		if _, err := Run(context.Background(), Options{
			Archive: bytes.NewReader(data), ArchivePath: "x.tar.zst", Server: srv.Config(t, ""),
			Database: db, Threads: 3, Registry: flowtest.Registry(t), CMS: "none",
		}); err != nil {
			t.Fatalf("restore: %v", err)
		}
		if got := srv.Query(t, db, q); got != want {
			t.Fatalf("restore %d: row 99999 is %q, the dump loaded in one session has %q", try+1, got, want)
		}
	}
}
