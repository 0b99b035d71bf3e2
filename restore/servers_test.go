package restore

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
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
