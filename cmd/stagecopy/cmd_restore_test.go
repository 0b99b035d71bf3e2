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

// TestRestoreRulesNoCMS: a custom shop no CMS fix knows. Restore warns that
// mail, cron jobs, webhooks and payment settings are as the source had
// them; --rules FILE's restore: section sets them on the staging copy; a
// rule naming a column the copy lacks fails the restore at its file:line
// and leaves nothing behind.
func TestRestoreRulesNoCMS(t *testing.T) {
	srv := mariadbtest.Start(t)
	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.tar.zst")
	os.WriteFile(filepath.Join(dir, "shop.sql"), []byte(`CREATE TABLE smtp_settings (id INT PRIMARY KEY, host VARCHAR(100), port INT, password VARCHAR(100));
INSERT INTO smtp_settings VALUES (1,'smtp.realshop.example',587,'s3cret'),(2,'smtp2.realshop.example',465,'other');
CREATE TABLE settings (name VARCHAR(64) PRIMARY KEY, value TEXT);
INSERT INTO settings VALUES ('webhook_url','https://erp.realshop.example/hook'),('payment_mode','live'),('title','Real Shop');
`), 0o644)
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--dump", filepath.Join(dir, "shop.sql"), "-o", shop, "-q"); code != 0 {
		t.Fatalf("snapshot: %d\n%s", code, stderr)
	}
	rulesFile := filepath.Join(dir, "staging.yml")
	os.WriteFile(rulesFile, []byte(`version: 1
tables:
  settings: {eav: {key_column: name, value_column: value}}
restore:
  smtp_settings.host: localhost
  smtp_settings.password: null
  settings.value[webhook_url]: ""
  settings.value[payment_mode]: sandbox
  settings.value[mail_from]: noreply@example.invalid
`), 0o644)
	state := filepath.Join(dir, "state")
	base := []string{"restore", "--socket", srv.Socket, "-u", "root", "--state-dir", state}
	unsafe := []string{"stagecopy did NOT make this copy safe", "outgoing mail", "cron and scheduled jobs", "webhooks and API callbacks", "payment settings"}

	// Without rules: the warning names what is not safe and --rules.
	db := mariadbtest.Name(t, "shop")
	code, _, stderr := runCLI(t, append(base, "--db-name", db, "--cms", "none", "-q", shop)...)
	for _, want := range append(unsafe, "--cms none", "--rules FILE") {
		if code != 0 || !strings.Contains(stderr, want) {
			t.Errorf("--cms none without rules: exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
	// Nor does a CMS the tables do not match make it safe.
	db = mariadbtest.Name(t, "shop")
	code, _, stderr = runCLI(t, append(base, "--db-name", db, "-q", shop)...)
	for _, want := range append(unsafe, "no CMS recognized", "--rules FILE") {
		if code != 0 || !strings.Contains(stderr, want) {
			t.Errorf("no CMS found, no rules: exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}

	// With rules: the staging copy's settings are the rules' values.
	db = mariadbtest.Name(t, "shop")
	code, stdout, stderr := runCLI(t, append(base, "--db-name", db, "--cms", "none", "--rules", rulesFile, shop)...)
	if code != 0 {
		t.Fatalf("restore --rules: %d\n%s%s", code, stdout, stderr)
	}
	for q, want := range map[string]string{
		"SELECT GROUP_CONCAT(host ORDER BY id) FROM smtp_settings":                "localhost,localhost",
		"SELECT COUNT(*) FROM smtp_settings WHERE password IS NULL":               "2",
		"SELECT GROUP_CONCAT(port ORDER BY id) FROM smtp_settings":                "587,465",
		"SELECT CONCAT('[', value, ']') FROM settings WHERE name = 'webhook_url'": "[]",
		"SELECT value FROM settings WHERE name = 'payment_mode'":                  "sandbox",
		"SELECT value FROM settings WHERE name = 'title'":                         "Real Shop",
	} {
		if got := srv.Query(t, db, q); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	for _, want := range []string{`rule      smtp_settings.host = "localhost" (2 rows; ` + rulesFile + `:5:3)`, `rule      settings.value[payment_mode] = "sandbox" (1 row;`, "NOT SAFE"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range append(unsafe, "only what the restore rules of "+rulesFile+" set (5", `restore rule "settings.value[mail_from]"`, `no row has name "mail_from"`) {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// A rule for a column the copy lacks: the restore fails at the rule,
	// and what it made is gone.
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(bad, []byte("version: 1\nrestore:\n  smtp_settings.host: localhost\n  smtp_settings.hots: localhost\n"), 0o644)
	db = mariadbtest.Name(t, "shop")
	code, _, stderr = runCLI(t, append(base, "--db-name", db, "--cms", "none", "--rules", bad, "-q", shop)...)
	if code == 0 || !strings.Contains(stderr, bad+`:4:3: restore rule "smtp_settings.hots": column "hots" not found in table "smtp_settings" of the staging copy (did you mean "host"?)`) {
		t.Errorf("missing column: exit %d\n%s", code, stderr)
	}
	if srv.DatabaseExists(t, db) {
		t.Errorf("a restore failed by its rules left %s behind", db)
	}
	// A rules file without a restore: section is refused before anything.
	noRestore := filepath.Join(dir, "anon.yml")
	os.WriteFile(noRestore, []byte("version: 1\ntables:\n  smtp_settings: {columns: {password: empty}}\n"), 0o644)
	if code, _, stderr = runCLI(t, append(base, "--db-name", mariadbtest.Name(t, "shop"), "--rules", noRestore, shop)...); code == 0 || !strings.Contains(stderr, "no restore: section") {
		t.Errorf("rules without restore: exit %d\n%s", code, stderr)
	}
	code, stdout, _ = runCLI(t, "list", "--state-dir", state, "--json")
	var listed []struct {
		Database string `json:"database"`
	}
	if err := json.Unmarshal([]byte(stdout), &listed); code != 0 || err != nil || len(listed) != 3 {
		t.Errorf("registry: %d %v, want the 3 restores that worked: %s", code, err, stdout)
	}
}
