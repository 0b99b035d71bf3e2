package restore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/snapshot"
)

// TestRestoreDemo restores the demo archive with its files and compares it
// with the demo dump loaded by the mariadb client.
func TestRestoreDemo(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, src, "../testdata/demo/demo.sql")
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql", FilesDir: "../testdata/demo/site", ChunkSize: 1024})
	reg := flowtest.Registry(t)
	name := mariadbtest.Name(t, "demo")
	filesDir := filepath.Join(t.TempDir(), "new", "site")
	res, err := Run(context.Background(), Options{
		Archive: bytes.NewReader(data), ArchivePath: "demo.tar.zst", Server: srv.Config(t, ""),
		Database: name, FilesDir: filesDir, Threads: 3, Registry: reg, CMS: "none",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := srv.Checksums(t, src)
	got := srv.Checksums(t, name)
	delete(got, registry.MarkerTable)
	if !maps.Equal(want, got) {
		t.Fatalf("checksums differ\nsource   %v\nrestored %v", want, got)
	}
	sum := sha256.Sum256(data)
	if res.Entry.ArchiveSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("registry archive sha256 %s, want %x", res.Entry.ArchiveSHA256, sum)
	}
	if res.Entry.ManifestSHA256 == "" || res.Entry.Status != registry.StatusActive {
		t.Errorf("registry entry %+v", res.Entry)
	}
	e, err := reg.Get(context.Background(), res.Entry.ID)
	if err != nil || e.Database != name || e.FilesDir != filesDir {
		t.Fatalf("registry: %+v, %v", e, err)
	}
	if rows := srv.Query(t, name, "SELECT staging_id FROM "+registry.MarkerTable); rows != res.Entry.ID {
		t.Errorf("marker table: %v", rows)
	}
	// Every file of the site came back, byte for byte.
	n := 0
	filepath.WalkDir("../testdata/demo/site", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("../testdata/demo/site", p)
		if d.Type()&fs.ModeSymlink != 0 {
			a, _ := os.Readlink(p)
			if b, err := os.Readlink(filepath.Join(filesDir, rel)); err != nil || a != b {
				t.Errorf("%s: link %q restored as %q (%v)", rel, a, b, err)
			}
			return nil
		}
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(filesDir, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: restored copy differs (%v)", rel, err)
		}
		n++
		return nil
	})
	if n == 0 || res.Files != int64(n) {
		t.Errorf("%d files in the demo site, restore says %d", n, res.Files)
	}
	if _, err := os.Stat(filepath.Join(filesDir, registry.MarkerFile)); err != nil {
		t.Errorf("no marker file: %v", err)
	}
}

// craft writes an archive with the given entries, in order.
func craft(t *testing.T, h archive.Header, entries ...archive.Entry) []byte {
	t.Helper()
	if h.SnapshotID == "" {
		h.SnapshotID = "0123456789abcdef0123456789abcdef"
	}
	var buf bytes.Buffer
	w, err := archive.NewWriter(&buf, h, archive.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		content := e.Link
		if e.Type == archive.TypeFile {
			content = string(e.Link)
			e.Link = ""
		}
		if e.Type == "" {
			e.Type = archive.TypeFile
		}
		if e.Mode == 0 {
			e.Mode = 0o644
		}
		body := []byte(content)
		if e.Type == archive.TypeDir {
			body = nil
		}
		sum := sha256.Sum256(body)
		e.Size, e.SHA256 = int64(len(body)), hex.EncodeToString(sum[:])
		if err := w.WriteEntry(e, bytes.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// file is an archive entry with content (craft takes the content from Link
// for files).
func file(name, content string, mode int64) archive.Entry {
	return archive.Entry{Name: name, Type: archive.TypeFile, Link: content, Mode: mode}
}

const tSchema = "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));\n"

func TestRestoreRefuses(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, tSchema+"INSERT INTO t VALUES (1, 'precious');")
	ok := craft(t, archive.Header{Source: archive.Source{Database: "shop_live"}},
		file("db/t.schema.sql", tSchema, 0), file("db/t.0001.sql", "INSERT INTO t VALUES (2,'copy');\n", 0))
	before := srv.Checksums(t, src)
	base := func(reg *registry.Registry) Options {
		return Options{Archive: bytes.NewReader(ok), Server: srv.Config(t, ""), Registry: reg, CMS: "none"}
	}
	cases := []struct {
		name string
		mod  func(*Options)
		want error
	}{
		{"non-empty database", func(o *Options) { o.Database = src }, ErrDatabaseExists},
		{"non-empty database, --force", func(o *Options) { o.Database, o.Force = src, true }, ErrNotOurs},
		{"source database name", func(o *Options) { o.Database = "shop_live" }, ErrSourceDatabase},
		{"source database name, other case", func(o *Options) { o.Database, o.Force = "SHOP_live", true }, ErrSourceDatabase},
		{"bad name", func(o *Options) { o.Database = "a`b" }, ErrBadDatabaseName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg := flowtest.Registry(t)
			o := base(reg)
			c.mod(&o)
			_, err := Run(context.Background(), o)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if l, _ := reg.List(context.Background()); len(l) != 0 {
				t.Errorf("registry keeps %v", l)
			}
		})
	}
	if after := srv.Checksums(t, src); !maps.Equal(before, after) {
		t.Fatalf("the existing database changed: %v -> %v", before, after)
	}

	// A files directory that holds something is refused, and the database
	// created before that check is dropped again.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.php"), []byte("<?php // theirs"), 0o644)
	name := mariadbtest.Name(t, "files")
	reg := flowtest.Registry(t)
	o := base(reg)
	o.Database, o.FilesDir, o.Force = name, dir, true
	if _, err := Run(context.Background(), o); !errors.Is(err, ErrFilesDirExists) {
		t.Fatalf("non-empty files dir: %v", err)
	}
	if srv.DatabaseExists(t, name) {
		t.Error("database left behind after the files dir was refused")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.php")); string(b) != "<?php // theirs" {
		t.Error("their file changed")
	}

	// --force replaces an earlier staging copy, and only that.
	o = base(reg)
	o.Database = name
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	o = base(reg)
	o.Database = name
	if _, err := Run(context.Background(), o); !errors.Is(err, ErrDatabaseExists) || !strings.Contains(err.Error(), "stagecopy purge stg-") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second restore without --force: %v, want ErrDatabaseExists naming purge and --force", err)
	}
	// The same for an earlier copy's files directory, under a new
	// database name.
	site := filepath.Join(t.TempDir(), "site")
	o = base(reg)
	o.Database, o.FilesDir = mariadbtest.Name(t, "files"), site
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	o = base(reg)
	o.Database, o.FilesDir = mariadbtest.Name(t, "files"), site
	if _, err := Run(context.Background(), o); !errors.Is(err, ErrFilesDirExists) || !strings.Contains(err.Error(), "stagecopy purge stg-") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second restore into the files directory without --force: %v, want ErrFilesDirExists naming purge and --force", err)
	}
	// A marker this registry does not know: another registry's copy (or
	// a table someone made): refused even with --force.
	o = base(flowtest.Registry(t))
	o.Database, o.Force = name, true
	if _, err := Run(context.Background(), o); !errors.Is(err, ErrNotOurs) {
		t.Fatalf("--force over another registry's copy: %v", err)
	}
	list, _ := reg.List(context.Background())
	// Not while the earlier copy is being restored or purged (here: its
	// lock is held).
	earlier := ""
	for _, e := range list {
		if e.Database == name {
			earlier = e.ID
		}
	}
	release, err := reg.Hold(earlier)
	if err != nil {
		t.Fatal(err)
	}
	o = base(reg)
	o.Database, o.Force = name, true
	if _, err := Run(context.Background(), o); !errors.Is(err, registry.ErrBusy) {
		t.Fatalf("--force over a copy another process works on: %v", err)
	}
	release()
	if got := srv.Query(t, name, "SELECT COUNT(*) FROM "+registry.MarkerTable); got != "1" {
		t.Fatalf("the busy copy's database was touched: marker rows %q", got)
	}
	o = base(reg)
	o.Database, o.Force = name, true
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("--force over an earlier staging copy: %v", err)
	}
	// The earlier entry no longer claims the database: purging it later
	// cannot drop the new copy.
	for _, e := range list {
		if e.Database != name || e.ID == res.Entry.ID {
			continue
		}
		now, _ := reg.Get(context.Background(), e.ID)
		if now.Database != "" || len(now.Notes) == 0 {
			t.Errorf("earlier entry %s after --force: database %q, notes %v", e.ID, now.Database, now.Notes)
		}
	}

	// A DROP DATABASE of ours that stopped halfway (its client killed: the
	// server stops the drop when the connection goes, and drops the
	// marker table among the first, '_' sorting before lower case) leaves
	// tables without the marker table; the database's comment still names
	// the copy, and --force replaces it.
	srv.Exec(t, name, "DROP TABLE "+registry.MarkerTable)
	o = base(reg)
	o.Database, o.Force = name, true
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatalf("--force over an earlier copy whose marker table a stopped DROP DATABASE took: %v", err)
	}
}

// TestRestoreUndoes checks that every kind of failure leaves nothing: no
// database, no files directory, no registry entry.
func TestRestoreUndoes(t *testing.T) {
	srv, witness := mariadbtest.NewDatabase(t)
	// Big enough that the damage is met late, after the database is
	// loaded and files are written.
	noise := make([]byte, 4<<20)
	rand.Read(noise)
	good := craft(t, archive.Header{},
		file("db/t.schema.sql", tSchema, 0), file("db/t.0001.sql", "INSERT INTO t VALUES (1,'a');\n", 0),
		file("files/index.php", "<?php echo 1;", 0), file("files/wp-content/noise.bin", string(noise), 0),
		file("files/wp-content/z.txt", "last", 0))
	tampered := bytes.Clone(good)
	tampered[len(tampered)-300] ^= 0x55
	cases := map[string][]byte{
		"tampered":  tampered,
		"truncated": good[:len(good)*2/3],
		"SQL error": craft(t, archive.Header{}, file("db/t.schema.sql", tSchema, 0), file("db/t.0001.sql", "INSERT INTO t VALUES (1,'a');\n", 0), file("db/u.0001.sql", "INSERT INTO no_such_table VALUES (1);\n", 0)),
		"bad hash before use": func() []byte {
			// The entry's content does not match its recorded hash: its
			// SQL must never run. It would leave a table in another
			// database, which no cleanup would remove.
			b := craft(t, archive.Header{}, file("db/t.schema.sql", "CREATE TABLE `"+witness+"`.w1 (a INT);\n", 0))
			return recompress(t, b, "w1 (a INT)", "w2 (a INT)")
		}(),
		"write through symlink": craft(t, archive.Header{},
			archive.Entry{Name: "files/up", Type: archive.TypeSymlink, Link: "wp-content"},
			file("files/up/evil.php", "<?php", 0)),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			reg := flowtest.Registry(t)
			db := mariadbtest.Name(t, "undo")
			dir := filepath.Join(t.TempDir(), "site")
			var wrote []string
			_, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, FilesDir: dir, Registry: reg, CMS: "none",
				Progress: func(p Progress) {
					if p.Phase == "files" {
						wrote = append(wrote, p.Item)
					}
				}})
			if err == nil {
				t.Fatal("restore succeeded")
			}
			// The damage of these is met late: the database is loaded and
			// files are written when it is found.
			if (name == "tampered" || name == "truncated") && !slices.Contains(wrote, "files/wp-content/noise.bin") {
				t.Errorf("failed before the files were written (wrote %q): the undo of written files is not tested", wrote)
			}
			t.Logf("error: %v", err)
			nothingLeft(t, srv, db, dir, reg)
			if tables := srv.Query(t, witness, "SHOW TABLES"); tables != "" {
				t.Errorf("SQL of an unverified entry ran: %s", tables)
			}
		})
	}
}

// TestRestoreFileSafety: permissions masked, links out of the tree dropped,
// events disabled.
func TestRestoreFileSafety(t *testing.T) {
	srv := mariadbtest.Start(t)
	data := craft(t, archive.Header{},
		file("db/t.schema.sql", tSchema, 0),
		file("db/-objects.sql", "CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t;\n", 0),
		archive.Entry{Name: "files/wp-content", Type: archive.TypeDir, Mode: 0o777},
		file("files/wp-content/suid", "x", 0o4777),
		file("files/wp-content/ro", "x", 0o400),
		archive.Entry{Name: "files/abs", Type: archive.TypeSymlink, Link: "/etc/passwd"},
		archive.Entry{Name: "files/wp-content/up", Type: archive.TypeSymlink, Link: "../../../etc"},
		archive.Entry{Name: "files/inside", Type: archive.TypeSymlink, Link: "wp-content/ro"},
	)
	db := mariadbtest.Name(t, "safety")
	dir := filepath.Join(t.TempDir(), "site")
	var warnings []string
	res, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, FilesDir: dir, Registry: flowtest.Registry(t), CMS: "none",
		Warn: func(s string) { warnings = append(warnings, s) }})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]fs.FileMode{"wp-content": fs.ModeDir | 0o775, "wp-content/suid": 0o775, "wp-content/ro": 0o600} {
		fi, err := os.Lstat(filepath.Join(dir, p))
		if err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v (%v)", p, fi.Mode(), want, err)
		}
	}
	for _, p := range []string{"abs", "wp-content/up"} {
		if _, err := os.Lstat(filepath.Join(dir, p)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("link %s out of the tree was restored", p)
		}
	}
	if l, err := os.Readlink(filepath.Join(dir, "inside")); err != nil || l != "wp-content/ro" {
		t.Errorf("link inside the tree: %q, %v", l, err)
	}
	if len(warnings) < 2 {
		t.Errorf("warnings: %q", warnings)
	}
	if rows := srv.Query(t, "", "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '"+db+"'"); rows != "DISABLED" {
		t.Errorf("event status %v, want DISABLED", rows)
	}
	if res.Entry.FilesDir != dir {
		t.Errorf("files dir %s", res.Entry.FilesDir)
	}
}

// recompress replaces old by new in the tar stream inside a zstd archive:
// a tampering that the zstd layer cannot notice.
func recompress(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	dec, err := zstd.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	raw, err := io.ReadAll(dec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(old)) {
		t.Fatalf("%q not in the archive", old)
	}
	raw = bytes.Replace(raw, []byte(old), []byte(new), 1)
	var out bytes.Buffer
	enc, _ := zstd.NewWriter(&out)
	enc.Write(raw)
	enc.Close()
	return out.Bytes()
}

// TestRestoreURLWithoutCMS: --cms none --url --from-url rewrites URLs in
// every table (secret columns excepted) and applies no CMS fixes.
func TestRestoreURLWithoutCMS(t *testing.T) {
	srv := mariadbtest.Start(t)
	schema := "CREATE TABLE pages (id INT PRIMARY KEY, body TEXT, api_token VARCHAR(100));\n"
	data := craft(t, archive.Header{},
		file("db/pages.schema.sql", schema, 0),
		file("db/pages.0001.sql", `INSERT INTO pages VALUES (1,'see https://old.example.org/a and s:26:"https://old.example.org/b";','https://old.example.org/t');`+"\n", 0))
	db := mariadbtest.Name(t, "nocms")
	res, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db,
		Registry: flowtest.Registry(t), CMS: "none", URL: "https://new.test", OldURL: "https://old.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Query(t, db, "SELECT body, api_token FROM pages")
	if want := "see https://new.test/a and s:26:\"https://new.test/b\";\thttps://old.example.org/t"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if res.CMS != "" || res.Rewrite.Values != 1 {
		t.Errorf("cms %q, rewrite %+v", res.CMS, res.Rewrite)
	}
}

// TestRestoreMySQLGTIDDump: a MySQL 8 mysqldump with its GTID lines
// snapshots and restores (the lines describe the source's replication and
// restore refuses global settings).
func TestRestoreMySQLGTIDDump(t *testing.T) {
	srv := mariadbtest.Start(t)
	dump := `-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!50503 SET NAMES utf8mb4 */;
SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;
SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77';
DROP TABLE IF EXISTS ` + "`t`" + `;
CREATE TABLE ` + "`t`" + ` (` + "`id`" + ` int NOT NULL, PRIMARY KEY (` + "`id`" + `)) ENGINE=InnoDB;
INSERT INTO ` + "`t`" + ` VALUES (1),(2);
SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;
`
	data, _ := flowtest.Archive(t, snapshot.Options{Dump: strings.NewReader(dump), DumpPath: "mysql8.sql"})
	db := mariadbtest.Name(t, "gtid")
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t), CMS: "none"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Query(t, db, "SELECT COUNT(*) FROM t"); got != "2" {
		t.Errorf("%s rows", got)
	}
}

// TestSnapshotOfStagingCopy: a staging copy's files snapshot without its
// marker, so the archive restores again.
func TestSnapshotOfStagingCopy(t *testing.T) {
	srv := mariadbtest.Start(t)
	first, _ := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql", FilesDir: "../testdata/demo/site"})
	reg := flowtest.Registry(t)
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(first), Server: srv.Config(t, ""), Database: mariadbtest.Name(t, "c1"), FilesDir: dir, Registry: reg, CMS: "none"}); err != nil {
		t.Fatal(err)
	}
	second, res := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql", FilesDir: dir})
	for _, e := range res.Manifest.Entries {
		if strings.HasSuffix(e.Name, registry.MarkerFile) {
			t.Fatalf("the snapshot holds %s", e.Name)
		}
	}
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(second), Server: srv.Config(t, ""), Database: mariadbtest.Name(t, "c2"), FilesDir: filepath.Join(t.TempDir(), "again"), Registry: reg, CMS: "none"}); err != nil {
		t.Fatal(err)
	}
}

// nothingLeft checks that a failed restore left no database, no files
// directory and no registry entry.
func nothingLeft(t *testing.T, srv *mariadbtest.Server, db, dir string, reg *registry.Registry) {
	t.Helper()
	if srv.DatabaseExists(t, db) {
		t.Error("database left behind")
	}
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("files dir left behind: %v", err)
	}
	if l, _ := reg.List(context.Background()); len(l) != 0 {
		t.Errorf("registry keeps %v", l)
	}
}

// TestRestoreRecordsArchiveSumFirst: the registry has the archive file's
// SHA-256 before the database is loaded, so that a restore killed half-way
// leaves an archive purge can recognise (issue 14, item 6); an archive
// that reads differently at the end than it did then is refused.
func TestRestoreRecordsArchiveSumFirst(t *testing.T) {
	srv := mariadbtest.Start(t)
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql"})
	sum := sha256.Sum256(data)
	reg := flowtest.Registry(t)
	seen := ""
	_, err := Run(context.Background(), Options{
		Archive: bytes.NewReader(data), ArchivePath: "demo.tar.zst", Server: srv.Config(t, ""),
		Database: mariadbtest.Name(t, "sum"), Registry: reg, CMS: "none",
		Progress: func(p Progress) {
			if p.Phase == "database" && seen == "" {
				es, err := reg.List(context.Background())
				if err != nil || len(es) != 1 {
					t.Fatalf("registry during the load: %v %v", es, err)
				}
				seen = es[0].ArchiveSHA256
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != hex.EncodeToString(sum[:]) {
		t.Errorf("during the load the registry had archive_sha256 %q, want %x", seen, sum)
	}

	// Read at offsets, the file has another byte than read as a stream.
	_, err = Run(context.Background(), Options{
		Archive: changedFile{bytes.NewReader(data)}, ArchivePath: "demo.tar.zst", Server: srv.Config(t, ""),
		Database: mariadbtest.Name(t, "changed"), Registry: reg, CMS: "none",
	})
	if !errors.Is(err, archive.ErrCorrupt) || !strings.Contains(err.Error(), "changed while it was restored") {
		t.Fatalf("an archive that changed: %v", err)
	}
	if es, _ := reg.List(context.Background()); len(es) != 1 {
		t.Errorf("the failed restore left its registry entry: %+v", es)
	}
}

// changedFile reads as a stream what it holds, and at offsets something
// else: a file rewritten between the two reads.
type changedFile struct{ *bytes.Reader }

func (c changedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.Reader.ReadAt(p, off)
	if off == 0 && n > 0 {
		p[0] ^= 1
	}
	return n, err
}
