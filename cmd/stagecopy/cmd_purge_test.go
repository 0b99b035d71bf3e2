package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// restoreForPurge snapshots the demo to a file and restores it through
// the command line; it returns the archive, the files directory and the
// staging id.
func restoreForPurge(t *testing.T, srv *mariadbtest.Server, state, db string) (archivePath, filesDir, id string) {
	t.Helper()
	dir := t.TempDir()
	archivePath = filepath.Join(dir, "demo.tar.zst")
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--quiet", "--dump", filepath.Join(demoDir, "demo.sql"), "--files", demoDir+"/site", "-o", archivePath); code != 0 {
		t.Fatalf("snapshot: %s", stderr)
	}
	filesDir = filepath.Join(dir, "site")
	code, stdout, stderr := runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", filesDir,
		"--cms", "none", "--quiet", "--state-dir", state, archivePath)
	if code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", code, stdout, stderr)
	}
	m := regexp.MustCompile(`\b(stg-[0-9a-f]{12})\b`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no staging id in\n%s", stdout)
	}
	return archivePath, filesDir, m[1]
}

func TestPurgeCommand(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "cli")
	state := filepath.Join(t.TempDir(), "state")
	// No key where keygen puts it by default.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	t.Setenv("MYSQL_PWD", "")
	archivePath, filesDir, id := restoreForPurge(t, srv, state, db)

	// Without a signing key nothing is deleted.
	code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, id)
	if code != exitError || !strings.Contains(stderr, "no receipt signing key") || !strings.Contains(stderr, "hint: run 'stagecopy keygen'") {
		t.Fatalf("no key: code %d\n%s\n%s", code, stdout, stderr)
	}
	if !dirExists(filesDir) || srv.Query(t, "", "SHOW DATABASES LIKE '"+db+"'") == "" {
		t.Fatal("a purge without a key deleted something")
	}
	keyPath := filepath.Join(t.TempDir(), "receipt.key")
	if code, _, stderr := runCLI(t, "keygen", "--out", keyPath, "--name", "support@test"); code != 0 {
		t.Fatal(stderr)
	}
	pubLine, _ := os.ReadFile(keyPath + ".pub")

	// Usage errors.
	for _, args := range [][]string{{"purge"}, {"purge", "--expired", id}, {"purge", "--expired", "--receipt", "x"}} {
		if code, _, _ := runCLI(t, append(args, "--state-dir", state)...); code != exitUsage {
			t.Errorf("%v: code %d", args, code)
		}
	}
	// An unknown id: refused, with the list hint.
	if code, _, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "stg-ffffffffffff"); code != exitError || !strings.Contains(stderr, "stagecopy list") {
		t.Errorf("unknown id: %d %s", code, stderr)
	}

	// --expired --dry-run: not expired yet, so nothing; then with the
	// clock moved past the expiry, the plan, and nothing deleted.
	code, stdout, _ = runCLI(t, "purge", "--expired", "--dry-run", "--state-dir", state)
	if code != 0 || !strings.Contains(stdout, "no expired staging copies") {
		t.Fatalf("dry run, none expired: %d %s", code, stdout)
	}
	fixClock(t, time.Now().Add(30*24*time.Hour))
	code, stdout, _ = runCLI(t, "purge", "--expired", "--dry-run", "--state-dir", state)
	if code != 0 || !strings.Contains(stdout, "would purge "+id) || !strings.Contains(stdout, "drop database    "+db) || !strings.Contains(stdout, "nothing was deleted") {
		t.Fatalf("dry run: %d\n%s", code, stdout)
	}
	if !dirExists(filesDir) {
		t.Fatal("dry run deleted the files")
	}

	// The real thing, through --expired.
	t.Setenv("USER", "alice")
	code, stdout, stderr = runCLI(t, "purge", "--expired", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root")
	if code != 0 {
		t.Fatalf("purge: %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"purge of staging copy " + id, ": erased", "drop_database", "remove_files", "delete_archive", "done",
		"checks: ", " absent, 0 not absent", "receipt  " + state + "/receipts/rcpt-", "entry 0 of 1 in the receipt log",
		"registry entry " + id + " closed", "stagecopy receipt verify --pubkey '" + strings.TrimSpace(string(pubLine)) + "' --manifest OWNER_MANIFEST",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	if dirExists(filesDir) || dirExists(archivePath) || srv.Query(t, "", "SHOW DATABASES LIKE '"+db+"'") != "" {
		t.Fatal("not everything is gone")
	}
	rp := regexp.MustCompile(`receipt  (\S+)`).FindStringSubmatch(stdout)[1]
	// The owner's side: the sidecar manifest stays with the owner.
	code, vout, verr := runCLI(t, "receipt", "verify", "--pubkey", keyPath+".pub", "--manifest", archivePath+".manifest.json", rp)
	if code != 0 {
		t.Fatalf("receipt verify: %d\n%s\n%s", code, vout, verr)
	}
	data, _ := os.ReadFile(rp)
	pub, _ := receipt.LoadPublicKey(keyPath + ".pub")
	st, err := receipt.VerifyReceipt(data, pub)
	if err != nil || st.Predicate.Operator != "alice" {
		t.Fatalf("receipt: %v %+v", err, st)
	}
	reg, _ := registry.Open(state)
	if x, _ := reg.Get(context.Background(), id); x.Status != registry.StatusPurged {
		t.Errorf("registry status %s", x.Status)
	}
	// Purged copies are not expired ones any more; the id is refused.
	if code, stdout, _ := runCLI(t, "purge", "--expired", "--state-dir", state, "--sign-key", keyPath); code != 0 || !strings.Contains(stdout, "no expired") {
		t.Errorf("second --expired: %d %s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, id); code != exitError || !strings.Contains(stderr, "already purged") {
		t.Errorf("purge of a purged copy: %d %s", code, stderr)
	}
}

// TestPurgeCommandNotErased: a files directory that another copy's marker
// names is left alone; the receipt says not_erased and the exit status is 1.
func TestPurgeCommandNotErased(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "cli")
	state := filepath.Join(t.TempDir(), "state")
	_, filesDir, id := restoreForPurge(t, srv, state, db)
	keyPath := filepath.Join(t.TempDir(), "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filesDir, ".stagecopy-staging.json"), []byte(`{"staging_id":"stg-aaaaaaaaaaaa"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", "--keep-archive", id)
	if code != exitError || !strings.Contains(stdout, ": not_erased") || !strings.Contains(stdout, "refused: ") ||
		!strings.Contains(stdout, "kept (status purging)") || !strings.Contains(stderr, "run 'stagecopy purge "+id+"' again") {
		t.Fatalf("code %d\n%s\n%s", code, stdout, stderr)
	}
	if !dirExists(filesDir) {
		t.Fatal("a directory with another copy's marker was removed")
	}
}

func dirExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// TestPurgeAfterKilledRestore: a restore killed in the middle of its load
// (SIGKILL, nothing undone) leaves a registry entry that purge finishes
// without --keep-archive: the archive it was restored from is recognised
// and deleted, and the receipt says erased. (The registry had no SHA-256
// for such an archive, so purge refused it forever: issue 14, item 6.)
func TestPurgeAfterKilledRestore(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "cli")
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	archivePath := filepath.Join(dir, "demo.tar.zst")
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--quiet", "--dump", filepath.Join(demoDir, "demo.sql"), "--files", demoDir+"/site", "-o", archivePath); code != 0 {
		t.Fatalf("snapshot: %s", stderr)
	}
	// The owner keeps the sidecar; support only has the archive.
	sidecar := filepath.Join(dir, "owner.manifest.json")
	if err := os.Rename(archivePath+".manifest.json", sidecar); err != nil {
		t.Fatal(err)
	}
	filesDir := filepath.Join(dir, "site")
	killedAt(t, nil, "mid-load-database", 3, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", filesDir,
		"--cms", "none", "--quiet", "--state-dir", state, archivePath)
	reg, err := registry.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	es, err := reg.List(context.Background())
	if err != nil || len(es) != 1 || es[0].Status != registry.StatusRestoring {
		t.Fatalf("registry after the kill: %+v %v", es, err)
	}
	keyPath := filepath.Join(t.TempDir(), "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root", es[0].ID)
	if code != 0 || !strings.Contains(stdout, ": erased") || !regexp.MustCompile(`delete_archive\s+\S+\s+done`).MatchString(stdout) {
		t.Fatalf("purge after a killed restore: code %d\n%s\n%s", code, stdout, stderr)
	}
	if dirExists(archivePath) || dirExists(filesDir) || srv.Query(t, "", "SHOW DATABASES LIKE '"+db+"'") != "" {
		t.Fatal("not everything is gone")
	}
	rp := regexp.MustCompile(`receipt  (\S+)`).FindStringSubmatch(stdout)[1]
	if code, vout, verr := runCLI(t, "receipt", "verify", "--pubkey", keyPath+".pub", "--manifest", sidecar, "--log", filepath.Join(state, "receipt-log"), rp); code != 0 {
		t.Fatalf("receipt verify: %d\n%s\n%s", code, vout, verr)
	}
}

// TestPurgeAfterForce: a staging copy whose database and files directory a
// later restore --force took over is purged with a receipt that says
// erased (nothing of it is left there; the other copy's parts are not
// touched), with --keep-archive and through --expired. Before, every purge
// of it said not_erased ("nothing was checked") and exited 1, forever
// (issue 14, item 7).
func TestPurgeAfterForce(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "cli")
	state := filepath.Join(t.TempDir(), "state")
	archivePath, filesDir, first := restoreForPurge(t, srv, state, db)
	code, stdout, stderr := runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", filesDir,
		"--cms", "none", "--quiet", "--force", "--state-dir", state, archivePath)
	if code != 0 {
		t.Fatalf("restore --force: %d\n%s\n%s", code, stdout, stderr)
	}
	second := regexp.MustCompile(`\b(stg-[0-9a-f]{12})\b`).FindStringSubmatch(stdout)[1]
	keyPath := filepath.Join(t.TempDir(), "receipt.key")
	if _, err := receipt.GenerateKey(keyPath, "support@test"); err != nil {
		t.Fatal(err)
	}
	purgeArgs := []string{"purge", "--state-dir", state, "--sign-key", keyPath, "--socket", srv.Socket, "-u", "root"}

	code, stdout, stderr = runCLI(t, append(purgeArgs, "--dry-run", first)...)
	if code != 0 || !strings.Contains(stdout, "replaced         database "+db+", by "+second) || strings.Contains(stdout, "drop database") {
		t.Fatalf("dry run: %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, append(purgeArgs, "--keep-archive", first)...)
	if code != 0 || !strings.Contains(stdout, ": erased") || !strings.Contains(stdout, "closed") {
		t.Fatalf("purge of the replaced copy: %d\n%s\n%s", code, stdout, stderr)
	}
	if !dirExists(filepath.Join(filesDir, ".stagecopy-staging.json")) || srv.Query(t, db, "SELECT staging_id FROM _stagecopy_staging") != second {
		t.Fatal("the purge of the replaced copy touched the copy that replaced it")
	}
	rp := regexp.MustCompile(`receipt  (\S+)`).FindStringSubmatch(stdout)[1]
	if code, vout, verr := runCLI(t, "receipt", "verify", "--pubkey", keyPath+".pub", "--manifest", archivePath+".manifest.json", rp); code != 0 {
		t.Fatalf("receipt verify: %d\n%s\n%s", code, vout, verr)
	}
	data, _ := os.ReadFile(rp)
	pub, _ := receipt.LoadPublicKey(keyPath + ".pub")
	st, err := receipt.VerifyReceipt(data, pub)
	if err != nil {
		t.Fatal(err)
	}
	var checks []string
	for _, c := range st.Predicate.Checks {
		checks = append(checks, c.Check+" "+string(c.Result))
	}
	if got := strings.Join(checks, ", "); got != "staging_copy_in_database absent, staging_copy_in_directory absent" {
		t.Errorf("checks of the replaced copy: %s", got)
	}

	// A copy replaced in turn, purged through --expired with the one that
	// replaced it.
	code, stdout, stderr = runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", filesDir,
		"--cms", "none", "--quiet", "--force", "--state-dir", state, archivePath)
	if code != 0 {
		t.Fatalf("second restore --force: %d\n%s\n%s", code, stdout, stderr)
	}
	fixClock(t, time.Now().Add(30*24*time.Hour))
	code, stdout, stderr = runCLI(t, append(purgeArgs, "--expired")...)
	if code != 0 || strings.Count(stdout, ": erased\n") != 2 {
		t.Fatalf("purge --expired: %d\n%s\n%s", code, stdout, stderr)
	}
	if dirExists(filesDir) || dirExists(archivePath) || srv.Query(t, "", "SHOW DATABASES LIKE '"+db+"'") != "" {
		t.Fatal("not everything is gone")
	}
}
