package purge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/restore"
	"github.com/stagecopy/stagecopy/snapshot"
)

// purgeFixture is a staging copy restored from the demo archive, which
// lies on disk with its sidecar manifest.
type purgeFixture struct {
	srv      *mariadbtest.Server
	reg      *registry.Registry
	key      *receipt.PrivateKey
	archive  string
	manifest []byte // the sidecar's bytes
	entry    registry.Entry
	res      *restore.Result
}

func testSigningKey(t *testing.T) *receipt.PrivateKey {
	t.Helper()
	path := filepath.Join(t.TempDir(), "receipt.key")
	if _, err := receipt.GenerateKey(path, "test@purge"); err != nil {
		t.Fatal(err)
	}
	k, err := receipt.LoadPrivateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newPurgeFixture snapshots the demo site to a file and restores it on srv
// into database db; edit may change the restore options.
func newPurgeFixture(t *testing.T, srv *mariadbtest.Server, db string, edit func(*restore.Options)) *purgeFixture {
	t.Helper()
	data, cres := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql", FilesDir: "../testdata/demo/site"})
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.tar.zst")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+archive.SidecarSuffix, cres.ManifestJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reg := flowtest.Registry(t)
	opts := restore.Options{
		Archive: f, ArchivePath: path, Server: srv.Config(t, ""), Database: db,
		FilesDir: filepath.Join(dir, "site"), Registry: reg, CMS: "none", Expires: time.Hour,
	}
	if edit != nil {
		edit(&opts)
	}
	res, err := restore.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return &purgeFixture{srv: srv, reg: reg, key: testSigningKey(t), archive: path, manifest: cres.ManifestJSON, entry: res.Entry, res: res}
}

func (f *purgeFixture) opts(t *testing.T) Options {
	return Options{
		Registry: f.reg, Key: f.key, Operator: "tester", Host: "testhost",
		Tool:   receipt.Tool{Name: "stagecopy", Version: "test"},
		Server: func(registry.Entry) (*mysql.Config, error) { return f.srv.Config(t, ""), nil },
	}
}

// verify checks the receipt as the owner would, and its log proof.
func (f *purgeFixture) verify(t *testing.T, res *Result) *receipt.Statement {
	t.Helper()
	data, err := os.ReadFile(res.ReceiptPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := receipt.VerifyReceipt(data, f.key.Public())
	if err != nil {
		t.Fatalf("receipt does not verify: %v", err)
	}
	if err := receipt.MatchManifest(st, f.manifest); err != nil {
		t.Fatalf("receipt does not match the owner's manifest: %v", err)
	}
	if res.LogError != nil {
		t.Fatalf("receipt log: %v", res.LogError)
	}
	proof, err := os.ReadFile(res.ReceiptPath + receipt.ProofSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := receipt.VerifyInclusion(proof, data, f.key.Public()); err != nil {
		t.Fatalf("inclusion proof: %v", err)
	}
	return st
}

func action(t *testing.T, st *receipt.Statement, kind receipt.ActionKind) receipt.Action {
	t.Helper()
	for _, a := range st.Predicate.Actions {
		if a.Action == kind {
			return a
		}
	}
	t.Fatalf("no %s action in %+v", kind, st.Predicate.Actions)
	return receipt.Action{}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func writeIdentity(t *testing.T, header bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snapshot.agekey")
	text := "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n"
	if header {
		text = archive.PerSnapshotLine + "\n# created: 2025-06-10T12:00:00Z\n" + text
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPurgeFull: database, files, archive and identity go; the receipt
// verifies against the owner's manifest, is in the log, and says erased;
// the registry entry is closed.
func TestPurgeFull(t *testing.T) {
	srv := mariadbtest.Start(t)
	db := mariadbtest.Name(t, "purge")
	identity := writeIdentity(t, true)
	f := newPurgeFixture(t, srv, db, func(o *restore.Options) { o.IdentityFile = identity })
	res, err := Run(context.Background(), f.entry.ID[:8], f.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	st := f.verify(t, res)
	if res.Status() != receipt.Erased || !res.Closed || res.Entry.Status != registry.StatusPurged {
		t.Fatalf("status %s, closed %v, registry %s; exceptions %v", res.Status(), res.Closed, res.Entry.Status, st.Predicate.Exceptions)
	}
	if srv.DatabaseExists(t, db) || exists(f.entry.FilesDir) || exists(f.archive) || exists(identity) {
		t.Fatal("something is still there after an erased purge")
	}
	if exists(tombstone(f.entry)) {
		t.Error("the renamed files directory is still there")
	}
	// What was there before, measured.
	dba := action(t, st, receipt.DropDatabase)
	var rows int64
	for _, tb := range f.res.Manifest.Tables {
		rows += tb.Rows
	}
	if dba.Result != receipt.Done || dba.Before == nil || dba.Before.Tables != int64(len(f.res.Manifest.Tables)) || dba.Before.Rows != rows {
		t.Errorf("drop_database %+v %+v: want %d tables, %d rows", dba, dba.Before, len(f.res.Manifest.Tables), rows)
	}
	fa := action(t, st, receipt.RemoveFiles)
	var files []archive.Entry
	for _, e := range f.res.Manifest.Entries {
		if strings.HasPrefix(e.Name, archive.FilesPrefix) {
			files = append(files, e)
		}
	}
	if fa.Result != receipt.Done || fa.Before == nil || fa.Before.Files != f.res.Manifest.Files.Count || fa.Before.FilesMerkleRoot != archive.MerkleRoot(files) {
		t.Errorf("remove_files %+v %+v: want %d files and the archive's files root %s", fa, fa.Before, f.res.Manifest.Files.Count, archive.MerkleRoot(files))
	}
	aa := action(t, st, receipt.DeleteArchive)
	if aa.Result != receipt.Done || aa.Before == nil || aa.Before.SHA256 != f.entry.ArchiveSHA256 {
		t.Errorf("delete_archive %+v", aa)
	}
	if k := action(t, st, receipt.DestroyKey); k.Result != receipt.Done {
		t.Errorf("destroy_key %+v", k)
	}
	if m := st.Predicate.Methods; len(m) != 2 || m[1] != receipt.CryptographicErase {
		t.Errorf("methods %v", m)
	}
	if st.Predicate.Operator != "tester" || st.Predicate.StagingID != f.entry.ID || len(st.Predicate.Checks) < 5 {
		t.Errorf("predicate %+v", st.Predicate)
	}
	// The journal of the purge is gone with the entry closed; a second
	// purge is refused.
	if exists(filepath.Join(f.reg.Dir(), "purge", f.entry.ID+".json")) {
		t.Error("journal left behind after an erased purge")
	}
	// A journal left by a purge killed after it closed the entry goes with
	// the next run, which is refused.
	journal := filepath.Join(f.reg.Dir(), "purge", f.entry.ID+".json")
	os.WriteFile(journal, []byte("{}"), 0o600)
	if _, err := Run(context.Background(), f.entry.ID, f.opts(t)); !errors.Is(err, ErrAlreadyPurged) {
		t.Errorf("second purge: %v", err)
	}
	if exists(journal) {
		t.Error("the journal of a purged entry is still there")
	}
}

// TestPurgeRefuses: an unknown id touches nothing; a database replaced by
// hand with one of the same name, and a files directory whose marker names
// another copy, are left alone and the receipt says not_erased.
func TestPurgeRefuses(t *testing.T) {
	srv := mariadbtest.Start(t)
	db := mariadbtest.Name(t, "refuse")
	f := newPurgeFixture(t, srv, db, nil)
	opts := f.opts(t)
	opts.Key = nil
	if _, err := Run(context.Background(), f.entry.ID, opts); !errors.Is(err, ErrNoSigningKey) {
		t.Fatalf("without a key: %v", err)
	}
	if _, err := Run(context.Background(), "stg-000000000000", f.opts(t)); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	// A restore or purge of this copy still running (it holds the lock).
	release, err := f.reg.Hold(f.entry.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), f.entry.ID, f.opts(t)); !errors.Is(err, registry.ErrBusy) {
		t.Fatalf("while another process holds the copy: %v", err)
	}
	release()
	if e, _ := f.reg.Get(context.Background(), f.entry.ID); e.Status != registry.StatusActive {
		t.Fatalf("a refused purge changed the registry: %s", e.Status)
	}
	if exists(filepath.Join(f.reg.Dir(), "receipts")) || !srv.DatabaseExists(t, db) || !exists(f.archive) {
		t.Fatal("a refused purge touched something")
	}

	// Someone replaced the staging database with a real one, and put
	// another copy's marker into the directory.
	srv.Exec(t, "", "DROP DATABASE "+db+"; CREATE DATABASE "+db+"; CREATE TABLE "+db+".orders (id INT PRIMARY KEY); INSERT INTO "+db+".orders VALUES (1)")
	marker := filepath.Join(f.entry.FilesDir, registry.MarkerFile)
	if err := os.WriteFile(marker, []byte(`{"staging_id": "stg-aaaaaaaaaaaa"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), f.entry.ID, f.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	st := f.verify(t, res)
	if res.Status() != receipt.NotErased || res.Closed || res.Entry.Status != registry.StatusPurging {
		t.Fatalf("status %s, closed %v, registry %s", res.Status(), res.Closed, res.Entry.Status)
	}
	if got := srv.Query(t, db, "SELECT COUNT(*) FROM orders"); got != "1" {
		t.Fatalf("the replaced database was touched: %q", got)
	}
	if !exists(marker) || !exists(filepath.Join(f.entry.FilesDir, "index.php")) {
		t.Fatal("the files directory of another copy was touched")
	}
	for _, kind := range []receipt.ActionKind{receipt.DropDatabase, receipt.RemoveFiles} {
		if a := action(t, st, kind); a.Result != receipt.Failed || !strings.HasPrefix(a.Error, "refused: ") {
			t.Errorf("%s: %+v", kind, a)
		}
	}
	// The archive was its own, and went.
	if a := action(t, st, receipt.DeleteArchive); a.Result != receipt.Done || exists(f.archive) {
		t.Errorf("delete_archive %+v", a)
	}
}

// TestPurgeServerDown: with the server stopped the receipt says
// not_erased and the entry stays; with the server back, purge finishes,
// and the second receipt, erased, still reports what the first run
// removed.
func TestPurgeServerDown(t *testing.T) {
	srv := mariadbtest.StartServer(t)
	f := newPurgeFixture(t, srv, "staging_down", func(o *restore.Options) {
		o.CMS, o.SupportAdmin = "", "support"
	})
	if f.entry.Admin == nil {
		t.Fatal("no support admin made")
	}
	srv.Stop(t)
	res, err := Run(context.Background(), f.entry.ID, f.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	st := f.verify(t, res)
	if res.Status() != receipt.NotErased || res.Entry.Status != registry.StatusPurging {
		t.Fatalf("server down: status %s, registry %s", res.Status(), res.Entry.Status)
	}
	if a := action(t, st, receipt.DropDatabase); a.Result != receipt.Failed || !strings.Contains(a.Error, "server unreachable") {
		t.Errorf("drop_database %+v", a)
	}
	for _, c := range st.Predicate.Checks {
		if strings.HasPrefix(c.Target, "mariadb://") && c.Result == receipt.Absent {
			t.Errorf("claims absence it could not check: %+v", c)
		}
	}
	first := action(t, st, receipt.RemoveFiles)
	if first.Result != receipt.Done || exists(f.entry.FilesDir) {
		t.Fatalf("files not removed while the server was down: %+v", first)
	}

	srv.Restart(t)
	res2, err := Run(context.Background(), f.entry.ID, f.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	st2 := f.verify(t, res2)
	if res2.Status() != receipt.Erased || !res2.Closed {
		t.Fatalf("after restart: status %s, exceptions %v", res2.Status(), st2.Predicate.Exceptions)
	}
	if got := srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'staging_down'"); got != "0" {
		t.Fatal("database still there")
	}
	if a := action(t, st2, receipt.DropDatabase); a.Result != receipt.Done || a.Before == nil || a.Before.Rows == 0 {
		t.Errorf("drop_database %+v", a)
	}
	if a := action(t, st2, receipt.RemoveSupportAdmin); a.Result != receipt.Done || a.Target != "staging_down/support" {
		t.Errorf("remove_support_admin %+v", a)
	}
	// Gone in the first run, measured then.
	if a := action(t, st2, receipt.RemoveFiles); a.Result != receipt.AlreadyAbsent || a.Before == nil || a.Before.FilesMerkleRoot != first.Before.FilesMerkleRoot {
		t.Errorf("remove_files on the second run %+v", a)
	}
	if a := action(t, st2, receipt.DeleteArchive); a.Result != receipt.AlreadyAbsent || a.Before == nil {
		t.Errorf("delete_archive on the second run %+v", a)
	}
	if res2.Proof.Index != 1 {
		t.Errorf("second receipt is entry %d of the log, want 1", res2.Proof.Index)
	}
}

// TestPurgeHalfDeleted: a files directory already gone is already_absent,
// and the purge is still erased.
func TestPurgeHalfDeleted(t *testing.T) {
	srv := mariadbtest.Start(t)
	f := newPurgeFixture(t, srv, mariadbtest.Name(t, "half"), nil)
	if err := os.RemoveAll(f.entry.FilesDir); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), f.entry.ID, f.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	st := f.verify(t, res)
	if a := action(t, st, receipt.RemoveFiles); a.Result != receipt.AlreadyAbsent {
		t.Errorf("remove_files %+v", a)
	}
	if res.Status() != receipt.Erased || !res.Closed {
		t.Fatalf("status %s: %v", res.Status(), st.Predicate.Exceptions)
	}
}

// TestPurgeIdentityWithoutHeader: an identity file without stagecopy's
// header line is not deleted, and the receipt says so; --keep-archive
// keeps the archive.
func TestPurgeIdentityWithoutHeader(t *testing.T) {
	srv := mariadbtest.Start(t)
	identity := writeIdentity(t, false)
	f := newPurgeFixture(t, srv, mariadbtest.Name(t, "ident"), func(o *restore.Options) { o.IdentityFile = identity })
	opts := f.opts(t)
	opts.KeepArchive = true
	res, err := Run(context.Background(), f.entry.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	st := f.verify(t, res)
	if !exists(identity) || !exists(f.archive) {
		t.Fatal("identity without header, or kept archive, deleted")
	}
	if a := action(t, st, receipt.DestroyKey); a.Result != receipt.Failed || !strings.Contains(a.Error, archive.PerSnapshotLine) {
		t.Errorf("destroy_key %+v", a)
	}
	if a := action(t, st, receipt.DeleteArchive); a.Result != receipt.Skipped {
		t.Errorf("delete_archive %+v", a)
	}
	if res.Status() != receipt.ErasedWithExceptions || res.Closed {
		t.Fatalf("status %s closed %v", res.Status(), res.Closed)
	}
	for _, m := range st.Predicate.Methods {
		if m == receipt.CryptographicErase {
			t.Error("cryptographic_erase claimed without a destroyed key")
		}
	}
}

// TestPurgeKilledWhileDestroyingKey: a purge killed after it renamed and
// zeroed the identity, before it unlinked it, leaves the key's tombstone;
// the next purge finishes: the key is destroyed, the receipt says erased
// with cryptographic erasure, the entry is closed.
func TestPurgeKilledWhileDestroyingKey(t *testing.T) {
	srv := mariadbtest.Start(t)
	identity := writeIdentity(t, true)
	f := newPurgeFixture(t, srv, mariadbtest.Name(t, "tomb"), func(o *restore.Options) { o.IdentityFile = identity })
	// What the killed purge left: the identity renamed and overwritten.
	fi, err := os.Stat(identity)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(identity, keyTombstone(identity)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyTombstone(identity), make([]byte, fi.Size()), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), f.entry.ID, f.opts(t))
	if err != nil {
		t.Fatal(err)
	}
	st := f.verify(t, res)
	if res.Status() != receipt.Erased || !res.Closed {
		t.Fatalf("status %s closed %v; exceptions %v", res.Status(), res.Closed, st.Predicate.Exceptions)
	}
	if exists(identity) || exists(keyTombstone(identity)) {
		t.Error("the key or its tombstone is still there")
	}
	if k := action(t, st, receipt.DestroyKey); k.Result != receipt.Done {
		t.Errorf("destroy_key %+v", k)
	}
	if m := st.Predicate.Methods; len(m) != 2 || m[1] != receipt.CryptographicErase {
		t.Errorf("methods %v", m)
	}
}
