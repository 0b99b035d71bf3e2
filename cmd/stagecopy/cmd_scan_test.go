package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// demoAddresses are the real-looking e-mail addresses of the demo dump.
func demoAddresses(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(demoDir + "/demo.sql")
	if err != nil {
		t.Fatal(err)
	}
	all := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]+`).FindAllString(string(b), -1)
	if len(all) < 5 {
		t.Fatalf("demo dump has %d addresses", len(all))
	}
	return all
}

// TestScan runs scan on the demo dump without and with its rules, on
// archives made with and without anonymization, and on a live database.
func TestScan(t *testing.T) {
	addrs := demoAddresses(t)
	noValues := func(name, out string) {
		t.Helper()
		for _, a := range addrs {
			if strings.Contains(out, a) {
				t.Errorf("%s: the report shows a value, %s", name, a)
			}
		}
	}

	// Without rules: where the personal data is.
	code, stdout, stderr := runCLI(t, "scan", demoDir+"/demo.sql")
	if code != exitFound || !strings.Contains(stderr, "personal data found") || !strings.Contains(stderr, "hint:") {
		t.Fatalf("scan of the raw demo: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"wp_users", "user_email", "comment_author_IP", "email", "ip", "***@"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("raw scan lacks %q:\n%s", want, stdout)
		}
	}
	noValues("raw scan", stdout)

	// With the demo's rules: nothing left but the shop's contact details
	// inside its posts' text (webmaster@demo.example.test is under a
	// reserved domain but not a fake), which the preset keeps on purpose:
	// listed as kept, exit 0.
	code, stdout, stderr = runCLI(t, "scan", "-r", demoDir+"/rules.yml", demoDir+"/demo.sql")
	if code != 0 || !strings.Contains(stdout, "after the rules") || !strings.Contains(stdout, "value (kept)") {
		t.Fatalf("scan with rules: exit %d\n%s%s", code, stdout, stderr)
	}
	onlyPostText(t, "scan with rules", demoDir+"/rules.yml", demoDir+"/demo.sql")
	// Rules that cover one column: the others are reported, as JSON too.
	dir := t.TempDir()
	partial := filepath.Join(dir, "partial.yml")
	os.WriteFile(partial, []byte("version: 1\ntables:\n  wp_users:\n    columns:\n      user_email: email\n"), 0o644)
	code, stdout, _ = runCLI(t, "scan", "--json", "-r", partial, demoDir+"/demo.sql")
	var rep struct {
		Findings []struct {
			Table, Column, Kind string
			Values              int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); code != exitFound || err != nil {
		t.Fatalf("scan with one column covered: exit %d, %v\n%s", code, err, stdout)
	}
	found := map[string]bool{}
	for _, f := range rep.Findings {
		found[f.Table+"."+f.Column+" "+f.Kind] = f.Values > 0
	}
	if found["wp_users.user_email email"] || !found["wp_comments.comment_author_email email"] || !found["wp_comments.comment_author_IP ip"] {
		t.Errorf("findings with one column covered: %v", found)
	}
	noValues("json scan", stdout)
	// snapshot scans each table's first rows after the rules, and warns,
	// even with -q, about what they left.
	code, _, stderr = runCLI(t, "snapshot", "-q", "--anonymize", "-r", partial, "--dump", demoDir+"/demo.sql", "-o", filepath.Join(dir, "partial.tar.zst"))
	if code != 0 || !strings.Contains(stderr, "WARNING: after the rules, wp_comments.comment_author_email still holds what looks like e-mail addresses") || strings.Contains(stderr, "wp_users.user_email") {
		t.Errorf("snapshot with partial rules: exit %d\n%s", code, stderr)
	}
	noValues("snapshot warning", stderr)
	code, _, stderr = runCLI(t, "snapshot", "--anonymize", "-r", demoDir+"/rules.yml", "--dump", demoDir+"/demo.sql", "-o", filepath.Join(dir, "full.tar.zst"))
	// The contact details in the posts' text are kept on purpose by the
	// preset: one line, no WARNING.
	if code != 0 || strings.Contains(stderr, "WARNING") || !strings.Contains(stderr, "findings are in what the rules keep on purpose") {
		t.Errorf("snapshot with the demo rules: exit %d\n%s", code, stderr)
	}
	// --strict: no archive at all, exit 4.
	strict := filepath.Join(dir, "strict.tar.zst")
	code, _, stderr = runCLI(t, "snapshot", "-q", "--strict", "--anonymize", "-r", partial, "--dump", demoDir+"/demo.sql", "-o", strict)
	if code != exitFound || !strings.Contains(stderr, "no archive was written") || !strings.Contains(stderr, "WARNING") {
		t.Errorf("snapshot --strict with partial rules: exit %d\n%s", code, stderr)
	}
	if left, _ := filepath.Glob(strict + "*"); len(left) != 0 {
		t.Errorf("snapshot --strict left %v", left)
	}
	if ents, _ := os.ReadDir(dir); true {
		for _, e := range ents {
			if strings.Contains(e.Name(), "strict") {
				t.Errorf("snapshot --strict left %s", e.Name())
			}
		}
	}

	// Rules that name a table the dump does not have: an error, as for
	// anonymize.
	wrong := filepath.Join(dir, "wrong.yml")
	os.WriteFile(wrong, []byte("version: 1\ntables:\n  wp_userz:\n    columns:\n      user_email: email\n"), 0o644)
	if code, _, stderr := runCLI(t, "scan", "-r", wrong, demoDir+"/demo.sql"); code != exitError || !strings.Contains(stderr, "wp_userz") || !strings.Contains(stderr, "hint:") {
		t.Errorf("scan with rules for a missing table: exit %d\n%s", code, stderr)
	}

	// Archives: anonymized, only what the rules kept (its manifest says
	// so); --no-anonymize, found.
	safe := demoArchive(t, dir)
	if code, stdout, stderr := runCLI(t, "scan", "-q", "--archive", safe); code != 0 || !strings.Contains(stdout, "(kept)") {
		t.Errorf("scan of an anonymized archive: exit %d\n%s%s", code, stdout, stderr)
	}
	onlyPostText(t, "scan of an anonymized archive", "", "--archive", safe)
	raw := filepath.Join(dir, "raw.tar.zst")
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", raw, "-q"); code != 0 {
		t.Fatalf("snapshot --no-anonymize: %s", stderr)
	}
	code, stdout, _ = runCLI(t, "scan", "-q", "--archive", raw)
	if code != exitFound || !strings.Contains(stdout, "user_email") {
		t.Errorf("scan of an archive made with --no-anonymize: exit %d\n%s", code, stdout)
	}
	noValues("archive scan", stdout)

	// A dump that does not parse: the error says where, and does not
	// quote the data around it.
	bad := filepath.Join(dir, "bad.sql")
	os.WriteFile(bad, []byte("CREATE TABLE t (id int, e text);\nINSERT INTO t VALUES (1,'x') 'jane.doe@gmail.com';\n"), 0o644)
	code, _, stderr = runCLI(t, "scan", bad)
	if code != exitError || !strings.Contains(stderr, "line 2") || strings.Contains(stderr, "jane") || !strings.Contains(stderr, "hint:") {
		t.Errorf("scan of a broken dump: exit %d\n%s", code, stderr)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"scan", "--archive", safe, demoDir + "/demo.sql"},
		{"scan", "-r", demoDir + "/rules.yml", "--archive", safe},
		{"scan", "a.sql", "b.sql"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}

	// A live database, with and without the rules.
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, demoDir+"/demo.sql")
	conn := []string{"--socket", srv.Socket, "--user", "root", "--database", db}
	if code, stdout, stderr := runCLI(t, append([]string{"scan", "-r", demoDir + "/rules.yml"}, conn...)...); code != 0 || !strings.Contains(stdout, "(kept)") {
		t.Errorf("live scan with rules: exit %d\n%s%s", code, stdout, stderr)
	}
	onlyPostText(t, "live scan with rules", demoDir+"/rules.yml", conn...)
	code, stdout, _ = runCLI(t, append([]string{"scan"}, conn...)...)
	if code != exitFound || !strings.Contains(stdout, "comment_author_email") {
		t.Errorf("live scan: exit %d\n%s", code, stdout)
	}
	noValues("live scan", stdout)
}

// onlyPostText checks that a scan of the demo with its rules (rules: ""
// for none, as for an archive) finds e-mail, phone and postal addresses
// only in the shop's pages and widgets (wp_posts.post_content, and
// wp_options.option_value), which the rules keep on purpose.
func onlyPostText(t *testing.T, name, rules string, args ...string) {
	t.Helper()
	cmd := []string{"scan", "--json"}
	if rules != "" {
		cmd = append(cmd, "-r", rules)
	}
	code, stdout, stderr := runCLI(t, append(cmd, args...)...)
	var rep struct {
		Findings []struct {
			Table, Column, Kind string
			Kept                bool
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil {
		t.Fatalf("%s: exit %d, %v\n%s%s", name, code, err, stdout, stderr)
	}
	email := false
	for _, f := range rep.Findings {
		// The shop's address is in its pages and in a text widget
		// (widget_* settings, which the preset keeps).
		where := f.Table + "." + f.Column
		if where != "wp_posts.post_content" && where != "wp_options.option_value" || f.Kind != "email" && f.Kind != "phone" && f.Kind != "address" || !f.Kept {
			t.Errorf("%s: found %s in %s.%s (kept: %v)", name, f.Kind, f.Table, f.Column, f.Kept)
		}
		email = email || f.Kind == "email"
	}
	if !email {
		t.Errorf("%s: the contact address in wp_posts.post_content was not found: %v", name, rep.Findings)
	}
}

// TestScanSuggestRules: --suggest-rules writes rules that check, that a
// strict snapshot of the same dump runs with, and that leave nothing the
// scan finds; it keeps an existing file unless --force, extends the rules
// the scan applied, and refuses an archive.
func TestScanSuggestRules(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "suggested.yml")
	code, stdout, stderr := runCLI(t, "scan", "--suggest-rules", out, demoDir+"/demo.sql")
	if code != exitFound || !strings.Contains(stderr, "wrote suggested rules") || !strings.Contains(stderr, "--strict") {
		t.Fatalf("scan --suggest-rules: exit %d\n%s%s", code, stdout, stderr)
	}
	yml, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version: 1", "user_email: email", "comment_author_IP: ip", "like 81.x.x.x"} {
		if !strings.Contains(string(yml), want) {
			t.Errorf("the suggested rules lack %q:\n%s", want, yml)
		}
	}
	for _, a := range demoAddresses(t) {
		if strings.Contains(string(yml), a) {
			t.Errorf("the suggested rules show a value, %s", a)
		}
	}
	if code, stdout, stderr := runCLI(t, "rules", "check", "--dump", demoDir+"/demo.sql", out); code != 0 {
		t.Fatalf("rules check: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "scan", "-r", out, demoDir+"/demo.sql"); code != 0 {
		t.Errorf("scan with the suggested rules: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "-r", out, "--strict", "--dump", demoDir+"/demo.sql", "-o", filepath.Join(dir, "a.tar.zst"), "-q"); code != 0 {
		t.Errorf("strict snapshot with the suggested rules: exit %d\n%s%s", code, stdout, stderr)
	}

	// An existing file is kept, unless --force.
	code, _, stderr = runCLI(t, "scan", "--suggest-rules", out, demoDir+"/demo.sql")
	if code != exitError || !strings.Contains(stderr, "--force") {
		t.Errorf("scan --suggest-rules over an existing file: exit %d\n%s", code, stderr)
	}
	if after, _ := os.ReadFile(out); string(after) != string(yml) {
		t.Error("the existing file was changed")
	}
	// With rules: the suggestion extends them (relative to itself) and
	// covers what they leave.
	partial := filepath.Join(dir, "partial.yml")
	os.WriteFile(partial, []byte("version: 1\ntables:\n  wp_users:\n    columns:\n      user_email: email\n"), 0o644)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	more := filepath.Join(sub, "more.yml")
	code, stdout, stderr = runCLI(t, "scan", "-r", partial, "--suggest-rules", more, demoDir+"/demo.sql")
	if code != exitFound {
		t.Fatalf("scan -r --suggest-rules: exit %d\n%s%s", code, stdout, stderr)
	}
	yml, _ = os.ReadFile(more)
	// partial.yml rules wp_users.user_email: the suggestion rules the rest
	// of wp_users (user_pass, display_name, ... by their names), not it.
	if !strings.Contains(string(yml), "- ../partial.yml") || strings.Contains(string(yml), "user_email") || !strings.Contains(string(yml), "user_pass:") {
		t.Errorf("rules suggested over partial.yml:\n%s", yml)
	}
	if code, stdout, stderr := runCLI(t, "scan", "-r", more, demoDir+"/demo.sql"); code != 0 {
		t.Errorf("scan with partial.yml and the suggestion: exit %d\n%s%s", code, stdout, stderr)
	}

	if code, _, stderr := runCLI(t, "scan", "--archive", filepath.Join(dir, "a.tar.zst"), "--suggest-rules", filepath.Join(dir, "x.yml")); code != exitUsage || !strings.Contains(stderr, "archive") {
		t.Errorf("scan --archive --suggest-rules: exit %d\n%s", code, stderr)
	}
}
