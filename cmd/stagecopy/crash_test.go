package main

// Helpers to kill stagecopy processes (internal/killpoint), and the
// regression tests of what the crash suite (crashsuite_test.go) found.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// killedAt runs stagecopy with args as a process of its own that kills
// itself with SIGKILL the n-th time it reaches the kill point name
// (internal/killpoint), and fails t unless it died so. env is added to the
// process's environment.
func killedAt(t *testing.T, env []string, name string, n int, args ...string) {
	t.Helper()
	out, err := runProcess(t, append(env, killpoint.Env+"="+name+":"+strconv.Itoa(n)), 0, args...)
	if !killedBySIGKILL(err) {
		t.Fatalf("stagecopy %v did not die at kill point %s:%d: %v\n%s", args, name, n, err, out)
	}
}

// runProcess runs stagecopy with args as a process of its own, its
// standard input empty, and returns its combined output and how it ended;
// after is a time after which it is killed with SIGKILL (0: never, but a
// minute is the limit).
func runProcess(t *testing.T, env []string, after time.Duration, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	// A binary built with -race waits a second at exit for reports from
	// other goroutines, unless told not to: a second per process.
	race := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(append(os.Environ(), "STAGECOPY_TEST_MAIN=1", "GORACE="+race), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	limit := time.Minute
	if after > 0 {
		limit = after
	}
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() && after == 0 {
		t.Fatalf("stagecopy %v ran for more than %v:\n%s", args, limit, out.String())
	}
	return out.String(), err
}

// killedBySIGKILL reports whether err says a process died of SIGKILL.
func killedBySIGKILL(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// TestSnapshotKilledBeforeSidecar: a snapshot killed after its archive went
// into place and before its sidecar did left the archive without the
// owner's manifest for good: the next run refused the existing archive, and
// its temporary files stayed. Now the next run of the same output moves
// the killed run's sidecar beside its archive, and removes what else it
// left (found by TestCrashSnapshot).
func TestSnapshotKilledBeforeSidecar(t *testing.T) {
	for _, point := range []string{"after-link", "between-archive-and-sidecar"} {
		dir := t.TempDir()
		out := filepath.Join(dir, "site.tar.zst")
		args := []string{"snapshot", "-q", "--no-anonymize", "--dump", filepath.Join(demoDir, "demo.sql"), "-o", out}
		killedAt(t, nil, point, 1, args...)
		if !dirExists(out) || dirExists(out+archive.SidecarSuffix) {
			t.Fatalf("%s: want the archive without its sidecar, got %v", point, dirNames(t, dir))
		}
		code, _, stderr := runCLI(t, args...)
		if code != exitError || !strings.Contains(stderr, "exists") {
			t.Fatalf("%s: the run after it: %d %s", point, code, stderr)
		}
		code, stdout, stderr := runCLI(t, "verify", out)
		if code != 0 || !strings.Contains(stdout, "matches      "+out+archive.SidecarSuffix) {
			t.Fatalf("%s: verify: %d\n%s%s", point, code, stdout, stderr)
		}
		if names := dirNames(t, dir); len(names) != 2 {
			t.Fatalf("%s: left in the directory: %v", point, names)
		}
	}
}

// TestPurgeKilledAfterClosing: a purge killed after it closed the registry
// entry, before it removed its journal, left the journal for good: the
// next purge of the id stopped at "already purged" before the code that
// removes it (found by TestCrashPurge). Now every purge run removes the
// journals of closed entries, and temporary files of dead purges.
func TestPurgeKilledAfterClosing(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "cli")
	state := filepath.Join(t.TempDir(), "state")
	_, _, id := restoreForPurge(t, srv, state, db)
	keyPath := filepath.Join(t.TempDir(), "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	args := []string{"purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", id}
	killedAt(t, nil, "purge-closed", 1, args...)
	journal := filepath.Join(state, "purge", id+".json")
	if !dirExists(journal) {
		t.Fatal("no journal after the kill: the kill point moved")
	}
	// A receipt's temporary file, as a purge killed while writing it
	// leaves (no process has pid 999999999).
	stale := filepath.Join(state, "receipts", ".rcpt-0123456789abcdef.dsse.json.tmp-999999999-1")
	if err := os.WriteFile(stale, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, args...)
	if code != exitError || !strings.Contains(stderr, "already purged") {
		t.Fatalf("purge again: %d %s", code, stderr)
	}
	if dirExists(journal) || dirExists(stale) {
		t.Fatalf("left: journal %v, temporary receipt %v", dirExists(journal), dirExists(stale))
	}
}

// TestPurgeKilledWritingReceipt: a purge killed after its receipt appeared
// and before it was appended to the receipt log left a signed receipt the
// log does not hold, which fails the owner's check with --log, beside the
// one the next run wrote (found by TestCrashPurge). Now the receipt goes
// into the log first: every receipt file is in the log.
func TestPurgeKilledWritingReceipt(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "cli")
	state := filepath.Join(t.TempDir(), "state")
	archivePath, _, id := restoreForPurge(t, srv, state, db)
	keyPath := filepath.Join(t.TempDir(), "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	pub, err := receipt.LoadPublicKey(keyPath + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	logged := func(when string) int {
		paths, _ := filepath.Glob(filepath.Join(state, "receipts", "*.dsse.json"))
		for _, p := range paths {
			data, _ := os.ReadFile(p)
			if _, _, err := receipt.FindInLog(filepath.Join(state, "receipt-log"), data, pub); err != nil {
				t.Fatalf("%s: %s: %v", when, p, err)
			}
		}
		return len(paths)
	}
	args := []string{"purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", id}
	killedAt(t, nil, "after-link", 1, args...) // the receipt's link into place
	logged("after the kill")
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 || !strings.Contains(stdout, ": erased") {
		t.Fatalf("purge again: %d\n%s%s", code, stdout, stderr)
	}
	if n := logged("after the second purge"); n < 1 {
		t.Fatal("no receipt")
	}
	rp := regexp.MustCompile(`receipt  (\S+)`).FindStringSubmatch(stdout)[1]
	if code, out, stderr := runCLI(t, "receipt", "verify", "--pubkey", keyPath+".pub", "--manifest", archivePath+".manifest.json", "--log", filepath.Join(state, "receipt-log"), rp); code != 0 {
		t.Fatalf("receipt verify: %d\n%s%s", code, out, stderr)
	}
}

// TestPurgeKilledEncryptedRestore: a restore of an encrypted archive killed
// before the manifest, with no sidecar beside the archive (the owner keeps
// it), left an entry purge refused without --manifest: it read the archive
// without the key restore recorded. And once another restore of the same
// archive had been purged (archive and key gone), nothing could name it.
// Now purge decrypts with the recorded per-snapshot identity, and takes the
// manifest of another entry restored from the same archive file (found by
// TestCrashRestore).
func TestPurgeKilledEncryptedRestore(t *testing.T) {
	srv := mariadbtest.Start(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	identity := filepath.Join(dir, "snapshot.agekey")
	recipient, err := archive.GenerateIdentity(identity, true)
	if err != nil {
		t.Fatal(err)
	}
	archivePath := filepath.Join(dir, "site.tar.zst.age")
	if code, _, stderr := runCLI(t, "snapshot", "-q", "--no-anonymize", "--dump", filepath.Join(demoDir, "demo.sql"), "--files", filepath.Join(demoDir, "site"),
		"--encrypt-to", recipient, "-o", archivePath); code != 0 {
		t.Fatal(stderr)
	}
	sidecar := filepath.Join(dir, "owner.manifest.json")
	if err := os.Rename(archivePath+archive.SidecarSuffix, sidecar); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	// Each restore gets a copy of the archive and of the key (purge
	// destroys them).
	restoreArgs := func(n int, extra ...string) []string {
		sub := filepath.Join(dir, strconv.Itoa(n))
		if !dirExists(sub) {
			os.Mkdir(sub, 0o755)
			data, _ := os.ReadFile(archivePath)
			os.WriteFile(filepath.Join(sub, "site.tar.zst.age"), data, 0o600)
			data, _ = os.ReadFile(identity)
			os.WriteFile(filepath.Join(sub, "snapshot.agekey"), data, 0o600)
		}
		_, db := mariadbtest.DatabaseName(t, "crash")
		return append(append([]string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", filepath.Join(sub, "site"), "--cms", "none",
			"--identity", filepath.Join(sub, "snapshot.agekey"), "-q", "--state-dir", state}, extra...), filepath.Join(sub, "site.tar.zst.age"))
	}
	purgeArgs := []string{"purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root"}
	purged := func(id string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, append(purgeArgs, id)...)
		if code != 0 || !strings.Contains(stdout, ": erased") {
			t.Fatalf("purge %s: %d\n%s%s", id, code, stdout, stderr)
		}
		rp := regexp.MustCompile(`receipt  (\S+)`).FindStringSubmatch(stdout)[1]
		if code, out, stderr := runCLI(t, "receipt", "verify", "--pubkey", keyPath+".pub", "--manifest", sidecar, rp); code != 0 {
			t.Fatalf("receipt verify: %d\n%s%s", code, out, stderr)
		}
	}
	reg, err := registry.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	restoring := func() []string {
		es, _ := reg.List(context.Background())
		var ids []string
		for _, e := range es {
			if e.Status == registry.StatusRestoring {
				ids = append(ids, e.ID)
			}
		}
		return ids
	}

	// Alone: the archive and its key are still there.
	killedAt(t, nil, "mid-load-database", 2, restoreArgs(1)...)
	ids := restoring()
	if len(ids) != 1 {
		t.Fatalf("restoring entries: %v", ids)
	}
	purged(ids[0])

	// Replaced by a restore that finished, purged first.
	args := restoreArgs(2)
	killedAt(t, nil, "mid-load-database", 2, args...)
	ids = restoring()
	code, stdout, stderr := runCLI(t, append(args[:len(args)-1:len(args)-1], "--force", args[len(args)-1])...)
	if code != 0 || len(ids) != 1 {
		t.Fatalf("restore --force: %d %v\n%s%s", code, ids, stdout, stderr)
	}
	newID := regexp.MustCompile(`\b(stg-[0-9a-f]{12})\b`).FindStringSubmatch(stdout)[1]
	purged(newID)
	purged(ids[0])
}

// TestRestoreKilledAfterCreateDatabase: a restore killed after it created
// its database, before the marker table, left a database nothing tied to
// the copy: purge refused it for good ("no _stagecopy_staging table"), and
// restore --force said it was not stagecopy's (found by TestCrashRestore).
// Now the database is created with a comment naming the copy.
func TestRestoreKilledAfterCreateDatabase(t *testing.T) {
	srv := mariadbtest.Start(t)
	state := filepath.Join(t.TempDir(), "state")
	archivePath, _, _ := restoreForPurge(t, srv, filepath.Join(t.TempDir(), "other-state"), mariadbtest.Name(t, "other"))
	keyPath := filepath.Join(t.TempDir(), "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	purgeAll := func() {
		t.Helper()
		es, _ := reg.List(context.Background())
		for _, e := range es {
			if e.Status == registry.StatusPurged {
				continue
			}
			code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", "--keep-archive", e.ID)
			if code != 0 || !strings.Contains(stdout, ": erased") {
				t.Fatalf("purge %s: %d\n%s%s", e.ID, code, stdout, stderr)
			}
		}
	}
	for _, force := range []bool{false, true} {
		_, db := mariadbtest.DatabaseName(t, "crash")
		args := []string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--cms", "none", "-q", "--state-dir", state}
		killedAt(t, nil, "after-create-database", 1, append(args, archivePath)...)
		if !srv.DatabaseExists(t, db) {
			t.Fatal("no database after the kill: the kill point moved")
		}
		if force {
			if code, stdout, stderr := runCLI(t, append(args, "--force", archivePath)...); code != 0 {
				t.Fatalf("restore --force: %d\n%s%s", code, stdout, stderr)
			}
		} else if code, _, stderr := runCLI(t, append(args, archivePath)...); code != exitError || !strings.Contains(stderr, "earlier staging copy") || !strings.Contains(stderr, "stagecopy purge stg-") {
			t.Fatalf("restore again: %d %s", code, stderr)
		}
		purgeAll()
		if srv.DatabaseExists(t, db) {
			t.Fatalf("database %s is left", db)
		}
	}
}

// TestRestoreKilledAfterMkdir: a restore killed after it made its files
// directory, before the marker file, left a directory nothing tied to the
// copy (found by TestCrashRestore).
func TestRestoreKilledAfterMkdir(t *testing.T) {
	srv := mariadbtest.Start(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	archivePath, _, _ := restoreForPurge(t, srv, filepath.Join(dir, "other-state"), mariadbtest.Name(t, "other"))
	keyPath := filepath.Join(dir, "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	_, db := mariadbtest.DatabaseName(t, "crash")
	files := filepath.Join(dir, "www", "site")
	args := []string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", files, "--cms", "none", "-q", "--state-dir", state, archivePath}
	killedAt(t, nil, "after-mkdir", 1, args...)
	reg, err := registry.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := reg.List(context.Background())
	if len(es) != 1 {
		t.Fatalf("entries: %+v", es)
	}
	code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", "--keep-archive", es[0].ID)
	if code != 0 || !strings.Contains(stdout, ": erased") {
		t.Fatalf("purge: %d\n%s%s", code, stdout, stderr)
	}
	if dirExists(files) {
		t.Fatalf("%s is left: %v", files, dirNames(t, files))
	}
}

// TestRestoreKilledAfterMkdirThenForce: the same kill, then restore --force
// into the same place: the killed copy's purge found its directory taken
// over and left the directory it had made beside it (found by
// TestCrashRestore).
func TestRestoreKilledAfterMkdirThenForce(t *testing.T) {
	srv := mariadbtest.Start(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	archivePath, _, _ := restoreForPurge(t, srv, filepath.Join(dir, "other-state"), mariadbtest.Name(t, "other"))
	keyPath := filepath.Join(dir, "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	_, db := mariadbtest.DatabaseName(t, "crash")
	files := filepath.Join(dir, "www", "site")
	args := []string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", files, "--cms", "none", "-q", "--state-dir", state, "--force", archivePath}
	killedAt(t, nil, "after-mkdir", 1, args...)
	if code, stdout, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("restore --force: %d\n%s%s", code, stdout, stderr)
	}
	reg, err := registry.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := reg.List(context.Background())
	slices.Reverse(es)
	for _, e := range es {
		code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", "--keep-archive", e.ID)
		if code != 0 || !strings.Contains(stdout, ": erased") {
			t.Fatalf("purge: %d\n%s%s", code, stdout, stderr)
		}
	}
	if names := dirNames(t, filepath.Dir(files)); len(names) != 0 {
		t.Fatalf("left beside the files directory: %v", names)
	}
}

// TestRestoreKilledMarkingFiles: a restore killed after it wrote the files
// marker under its temporary name, before the rename, left a directory
// with no marker: the one it made beside its place, or the empty one it
// was given. Purge of the copy left either behind, or refused it (found by
// TestCrashRestore).
func TestRestoreKilledMarkingFiles(t *testing.T) {
	srv := mariadbtest.Start(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	archivePath, _, _ := restoreForPurge(t, srv, filepath.Join(dir, "other-state"), mariadbtest.Name(t, "other"))
	keyPath := filepath.Join(dir, "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	for _, given := range []bool{false, true} {
		_, db := mariadbtest.DatabaseName(t, "crash")
		files := filepath.Join(t.TempDir(), "www", "site")
		if given {
			// An empty directory made for the copy.
			if err := os.MkdirAll(files, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		args := []string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", files, "--cms", "none", "-q", "--state-dir", state, archivePath}
		killedAt(t, nil, "marker-written", 1, args...)
		es, _ := reg.List(context.Background())
		id := ""
		for _, e := range es {
			if e.Database == db {
				id = e.ID
			}
		}
		code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", "--keep-archive", id)
		if code != 0 || !strings.Contains(stdout, ": erased") {
			t.Fatalf("given %v: purge: %d\n%s%s", given, code, stdout, stderr)
		}
		left := dirNames(t, filepath.Dir(files))
		if given && (len(left) != 1 || len(dirNames(t, files)) != 0) || !given && len(left) != 0 {
			t.Fatalf("given %v: left: %v", given, left)
		}
	}
}

// TestRestoreAgainAfterKilledMarking: after such a kill in an empty
// directory that was given, the same restore again refused the directory
// ("has 1 entries and no .stagecopy-staging.json"), with or without
// --force: it holds only the marker's temporary file, and is as empty as it
// was (found by TestCrashRestore).
func TestRestoreAgainAfterKilledMarking(t *testing.T) {
	srv := mariadbtest.Start(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	archivePath, _, _ := restoreForPurge(t, srv, filepath.Join(dir, "other-state"), mariadbtest.Name(t, "other"))
	keyPath := filepath.Join(dir, "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		files := filepath.Join(t.TempDir(), "site")
		if err := os.Mkdir(files, 0o755); err != nil {
			t.Fatal(err)
		}
		_, db := mariadbtest.DatabaseName(t, "crash")
		args := []string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", files, "--cms", "none", "-q", "--state-dir", state}
		killedAt(t, nil, "marker-written", 1, append(args, archivePath)...)
		again := append(args, "--db-name", db+"_2")
		if force {
			again = append(args, "--force")
		}
		if code, stdout, stderr := runCLI(t, append(again, archivePath)...); code != 0 {
			t.Fatalf("force %v: restore again: %d\n%s%s", force, code, stdout, stderr)
		}
	}
	reg, err := registry.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := reg.List(context.Background())
	for _, e := range es {
		code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", "--keep-archive", e.ID)
		if code != 0 || !strings.Contains(stdout, ": erased") {
			t.Fatalf("purge %s: %d\n%s%s", e.ID, code, stdout, stderr)
		}
	}
}
