package main

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// demoArchive snapshots the demo dump, anonymized, with a site of site
// (default: the demo site) into dir.
func demoArchive(t *testing.T, dir string, site ...string) string {
	t.Helper()
	out := filepath.Join(dir, "demo.tar.zst")
	files := demoDir + "/site"
	if len(site) > 0 {
		files = site[0]
	}
	code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "-r", demoDir+"/rules.yml", "--dump", demoDir+"/demo.sql", "--files", files, "-o", out, "-q")
	if code != 0 {
		t.Fatalf("snapshot: %d\n%s\n%s", code, stdout, stderr)
	}
	return out
}

// TestRestoreInterrupted: Ctrl-C while restore waits for the rest of the
// archive on a pipe drops the database, removes the files and the
// registry entry, and exits 130.
func TestRestoreInterrupted(t *testing.T) {
	srv, db := mariadbtest.DatabaseName(t, "intr")
	dir := t.TempDir()
	// Incompressible bytes: many zstd blocks, so the decoder hands the
	// database entries over before the end of the archive arrives.
	noise := make([]byte, 4<<20)
	rand.Read(noise)
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "noise.bin"), noise, 0o644)
	archive := demoArchive(t, dir, filepath.Join(dir, "src"))
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	files, state := filepath.Join(dir, "site"), filepath.Join(dir, "state")
	cmd, stdin, stderr := startMain(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", files, "--state-dir", state, "-q", "-")
	// All but the end of the archive: restore loads the database and
	// writes the files, then waits for the rest.
	stdin.Write(data[:len(data)-64])
	exists := func() bool {
		return srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"+db+"'") != "0"
	}
	waitFor(t, "restore to make tables", exists)
	waitFor(t, "restore to read all it was given", func() bool { return pipeDrained(stdin) })
	// While it runs, purge refuses the half-made copy and touches nothing.
	code, stdout, _ := runCLI(t, "list", "--state-dir", state, "--json")
	var listed []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(stdout), &listed); code != 0 || err != nil || len(listed) != 1 {
		t.Fatalf("list while restoring: %d %v %s", code, err, stdout)
	}
	key := filepath.Join(dir, "receipt.key")
	if code, _, stderr := runCLI(t, "keygen", "--out", key); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	code, _, purgeErr := runCLI(t, "purge", "--state-dir", state, "--sign-key", key, "--manifest", archive+".manifest.json", "--socket", srv.Socket, "-u", "root", listed[0].ID)
	if code != exitError || !strings.Contains(purgeErr, "another stagecopy run is working on this staging copy") || !strings.Contains(purgeErr, "hint:") || !exists() {
		t.Fatalf("purge during restore: exit %d, %s", code, purgeErr)
	}
	cmd.Process.Signal(os.Interrupt)
	// It stops by itself, within the 30 s its cleanup may take, before
	// the interrupt grace would make the process exit regardless.
	if code := waitExit(t, cmd, restoreInterruptGrace-5*time.Second); code != exitInterrupted {
		t.Fatalf("exit %d, want 130; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "what this restore had made (database, files, registry entry) was removed") || strings.Contains(stderr.String(), "final output name") {
		t.Errorf("interrupted restore says: %s", stderr.String())
	}
	if srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+db+"'") != "0" {
		t.Error("database left behind")
	}
	if _, err := os.Stat(files); !os.IsNotExist(err) {
		t.Errorf("files dir left behind: %v", err)
	}
	code, stdout, _ = runCLI(t, "list", "--state-dir", state, "--json")
	if code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("registry after interrupt: %d %s", code, stdout)
	}
}

func TestRestoreCLIErrors(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, "CREATE TABLE keep (a INT); INSERT INTO keep VALUES (1);")
	_, empty := mariadbtest.NewDatabase(t)
	dir := t.TempDir()
	arch := demoArchive(t, dir)
	shop := filepath.Join(dir, "shop.tar.zst")
	os.WriteFile(filepath.Join(dir, "shop.sql"), []byte("CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100));\nINSERT INTO customers VALUES (1,'a@example.com');\n"), 0o644)
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--dump", filepath.Join(dir, "shop.sql"), "-o", shop, "-q"); code != 0 {
		t.Fatalf("snapshot: %d\n%s", code, stderr)
	}
	state := filepath.Join(dir, "state")
	base := []string{"restore", "--socket", srv.Socket, "-u", "root", "--state-dir", state}
	const usage = "run 'stagecopy restore --help' for its flags and arguments"
	cases := []struct {
		args []string
		code int
		want string // in the error
		hint string // in the hint line
	}{
		{[]string{"--db-name", src, arch}, 1, "not empty", "choose a new --db-name"},
		{[]string{"--db-name", src, "--force", arch}, 1, "not made by stagecopy", "--force only replaces"},
		{[]string{"--db-name", empty, arch}, 1, "exists (empty)", "--existing-db for an empty database"},
		{[]string{"--db-name", src, "--existing-db", arch}, 1, "not empty", "choose a new --db-name"},
		{[]string{"--cms", "none", "--url", "https://x.test", arch}, 2, "--from-url", usage},
		{[]string{"--cms", "none", "--support-admin", "s", arch}, 2, "--cms none", usage},
		{[]string{"--url", "staging.test", arch}, 2, "absolute URL", usage},
		{[]string{"--expires", "soon", arch}, 2, "--expires", usage},
		{[]string{"--db-name", "x", filepath.Join(dir, "missing.tar.zst")}, 1, "no such file", "check the archive path"},
		{[]string{"--db-name", "x", "--cms", "joomla", arch}, 2, "not a CMS restore knows", usage},
		// A custom shop: what needs a CMS fails before the load.
		{[]string{"--db-name", "shop", "--support-admin", "support", shop}, 2, "nothing was made", "--cms none"},
		{[]string{"--db-name", "shop", "--url", "https://shop.staging.test", shop}, 2, "--url without --from-url", "--cms none"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, append(base, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) || !strings.Contains(hintOf(stderr), c.hint) {
			t.Errorf("%v: exit %d, want %d with %q and the hint %q; stderr:\n%s", c.args, code, c.code, c.want, c.hint, stderr)
		}
	}
	if srv.DatabaseExists(t, "shop") {
		srv.Exec(t, "", "DROP DATABASE shop")
		t.Error("restore of the custom shop made its database")
	}
	if got := srv.Query(t, src, "SELECT a FROM keep"); got != "1" {
		t.Errorf("existing database changed: %q", got)
	}
	// --existing-db fills the empty one.
	if code, _, stderr := runCLI(t, append(base, "--db-name", empty, "--existing-db", "--cms", "none", arch)...); code != 0 {
		t.Fatalf("restore --existing-db: exit %d\n%s", code, stderr)
	}
	if n := srv.Query(t, empty, "SELECT COUNT(*) FROM wp_users"); n == "0" || n == "" {
		t.Errorf("the existing database was not filled: %q users", n)
	}
}
