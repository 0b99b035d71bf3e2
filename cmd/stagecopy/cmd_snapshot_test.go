package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/stagecopy/stagecopy/internal/archive"
)

// snapDemo snapshots the demo site into dir and returns the archive path.
func snapDemo(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	out := filepath.Join(dir, "demo.tar.zst")
	args := append([]string{"snapshot", "--no-anonymize", "--dump", demoDir + "/demo.sql", "--files", demoDir + "/site", "-o", out}, extra...)
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("snapshot: code %d\n%s\n%s", code, stdout, stderr)
	}
	return out
}

func TestSnapshotRefusesWithoutNoAnonymize(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "snapshot", "--dump", demoDir+"/demo.sql", "-o", filepath.Join(dir, "x.tar.zst"))
	if code != exitUsage || !strings.Contains(stderr, "refusing") || !strings.Contains(stderr, "hint: ") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	if n := dirNames(t, dir); len(n) != 0 {
		t.Fatalf("left %v", n)
	}
}

func TestSnapshotDemo(t *testing.T) {
	dir := t.TempDir()
	out := snapDemo(t, dir)
	if got := dirNames(t, dir); len(got) != 2 {
		t.Fatalf("want archive and sidecar, got %v", got)
	}
	code, stdout, stderr := runCLI(t, "verify", out)
	if code != 0 || !strings.Contains(stdout, "is intact") || !strings.Contains(stdout, "matches") {
		t.Fatalf("verify: %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "inspect", out)
	for _, want := range []string{"wp_users", "wp_usermeta", "wp_options", "wp_posts", "wp_comments", "anonymized   NO", "files "} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("inspect lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCLI(t, "inspect", "--json", out)
	if code != 0 || !strings.Contains(stdout, `"merkle_root"`) || !strings.Contains(stdout, `"not_anonymized": true`) {
		t.Errorf("inspect --json:\n%s", stdout)
	}
}

func TestSnapshotToStdout(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run([]string{"stagecopy", "snapshot", "--no-anonymize", "--dump", demoDir + "/demo.sql", "-o", "-"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	p := filepath.Join(dir, "s.tar.zst")
	os.WriteFile(p, out.Bytes(), 0o600)
	if code, _, stderr := runCLI(t, "verify", p); code != 0 {
		t.Fatalf("verify: %s", stderr)
	}
	if !strings.Contains(errb.String(), "written to standard output") {
		t.Errorf("summary not on stderr: %q", errb.String())
	}

	// No manifest file was written, and a warning says so and how to
	// get it; its command gives the manifest the archive verifies
	// against.
	m := regexp.MustCompile(`stagecopy: warning: the archive went to standard output, so no manifest file was written .*give --manifest FILE with -o -, or take it out of the archive with '([^']+)'`).FindStringSubmatch(errb.String())
	if m == nil {
		t.Fatalf("no warning about the manifest:\n%s", errb.String())
	}
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Logf("no zstd, the warning's command is not run: %v", err)
	} else {
		cmd := strings.ReplaceAll(m[1], "ARCHIVE", p)
		if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		if code, stdout, stderr := runCLI(t, "verify", "--manifest", p+archive.SidecarSuffix, p); code != 0 || !strings.Contains(stdout, "matches") {
			t.Fatalf("verify with the manifest taken out of the archive: %d\n%s%s", code, stdout, stderr)
		}
	}

	// --manifest FILE: written there (0644, as the sidecar), no warning,
	// and the archive verifies against it.
	mf := filepath.Join(dir, "owner.manifest.json")
	code, archiveOut, stderr := runCLI(t, "snapshot", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", "-", "--manifest", mf)
	if code != 0 || strings.Contains(stderr, "warning: the archive went") || !strings.Contains(stderr, "manifest  "+mf) {
		t.Fatalf("--manifest: %d\n%s", code, stderr)
	}
	if st, err := os.Stat(mf); err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("manifest file: %v %v", st, err)
	}
	p2 := filepath.Join(dir, "s2.tar.zst")
	os.WriteFile(p2, []byte(archiveOut), 0o600)
	if code, stdout, stderr := runCLI(t, "verify", "--manifest", mf, p2); code != 0 || !strings.Contains(stdout, "matches") {
		t.Fatalf("verify --manifest: %d\n%s%s", code, stdout, stderr)
	}
	// An existing manifest is not replaced without --force, and nothing
	// goes out; --manifest with -o FILE is a usage error.
	before, _ := os.ReadFile(mf)
	code, archiveOut, stderr = runCLI(t, "snapshot", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", "-", "--manifest", mf)
	if after, _ := os.ReadFile(mf); code != exitError || archiveOut != "" || !bytes.Equal(before, after) || !strings.Contains(stderr, "file already exists") {
		t.Fatalf("existing manifest: %d, %d bytes out\n%s", code, len(archiveOut), stderr)
	}
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", filepath.Join(dir, "x.tar.zst"), "--manifest", mf); code != exitUsage || !strings.Contains(stderr, "x.tar.zst"+archive.SidecarSuffix) {
		t.Fatalf("--manifest with -o FILE: %d\n%s", code, stderr)
	}
}

// TestSnapshotDumpFromStdin: --dump - reads the dump from standard input
// into an archive that verifies and holds the demo's tables, entry for
// entry what --dump FILE makes of the same dump.
func TestSnapshotDumpFromStdin(t *testing.T) {
	sql, err := os.ReadFile(demoDir + "/demo.sql")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fromStdin := filepath.Join(dir, "a.tar.zst")
	code, _, stderr := cliIn(t, string(sql), "snapshot", "--no-anonymize", "--dump", "-", "-o", fromStdin)
	if code != 0 {
		t.Fatal(stderr)
	}
	if code, stdout, stderr := runCLI(t, "verify", fromStdin); code != 0 || !strings.Contains(stdout, "is intact") || !strings.Contains(stdout, "matches") {
		t.Fatalf("verify: %d\n%s\n%s", code, stdout, stderr)
	}
	inspect := func(p string) (archive.Header, archive.Manifest) {
		t.Helper()
		code, stdout, stderr := runCLI(t, "inspect", "--json", p)
		var got struct {
			Header   archive.Header   `json:"header"`
			Manifest archive.Manifest `json:"manifest"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil {
			t.Fatalf("inspect %s: %d %v\n%s", p, code, err, stderr)
		}
		return got.Header, got.Manifest
	}
	h, m := inspect(fromStdin)
	if h.Source.DumpFile != "-" {
		t.Errorf("header says the dump came from %q", h.Source.DumpFile)
	}
	var names []string
	for _, tb := range m.Tables {
		names = append(names, tb.Name)
		if tb.Rows == 0 {
			t.Errorf("table %s has no rows", tb.Name)
		}
	}
	if want := "wp_comments wp_options wp_postmeta wp_posts wp_usermeta wp_users"; strings.Join(names, " ") != want {
		t.Errorf("tables %v, want %s", names, want)
	}
	_, fromFile := inspect(snapDemo(t, t.TempDir()))
	dbEntries := func(m archive.Manifest) []archive.Entry {
		var es []archive.Entry
		for _, e := range m.Entries {
			if strings.HasPrefix(e.Name, archive.DBPrefix) {
				es = append(es, e)
			}
		}
		return es
	}
	if !reflect.DeepEqual(m.Tables, fromFile.Tables) || !reflect.DeepEqual(dbEntries(m), dbEntries(fromFile)) {
		t.Errorf("--dump - and --dump FILE differ:\n%+v\n%+v", dbEntries(m), dbEntries(fromFile))
	}
}

func TestSnapshotBadInputs(t *testing.T) {
	dir := t.TempDir()
	notSQL := filepath.Join(dir, "photo.sql")
	os.WriteFile(notSQL, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)
	textNotSQL := filepath.Join(dir, "notes.sql")
	os.WriteFile(textNotSQL, []byte("Dear support,\nplease find attached our database.\nRegards\n"), 0o644)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"output dir missing", []string{"--dump", demoDir + "/demo.sql", "-o", filepath.Join(dir, "nope", "a.tar.zst")}, "output directory does not exist"},
		{"binary dump", []string{"--dump", notSQL, "-o", filepath.Join(dir, "a.tar.zst")}, "not a SQL dump"},
		{"text dump", []string{"--dump", textNotSQL, "-o", filepath.Join(dir, "a.tar.zst")}, "not a SQL dump"},
		{"dump missing", []string{"--dump", filepath.Join(dir, "missing.sql"), "-o", filepath.Join(dir, "a.tar.zst")}, "no such file"},
		{"files dir missing", []string{"--dump", demoDir + "/demo.sql", "--files", filepath.Join(dir, "nosite"), "-o", filepath.Join(dir, "a.tar.zst")}, "does not exist"},
		{"files is a file", []string{"--files", notSQL, "-o", filepath.Join(dir, "a.tar.zst")}, "not a directory"},
		{"bad level", []string{"--dump", demoDir + "/demo.sql", "--level", "max", "-o", filepath.Join(dir, "a.tar.zst")}, "unknown compression level"},
		{"bad exclude", []string{"--files", demoDir + "/site", "--exclude", "[", "-o", filepath.Join(dir, "a.tar.zst")}, "exclude pattern"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"snapshot", "--no-anonymize"}, c.args...)...)
			if code == 0 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "stagecopy: error:") {
				t.Fatalf("code %d, stderr %q, want %q", code, stderr, c.want)
			}
			if !strings.Contains(stderr, "stagecopy: hint:") {
				t.Errorf("no hint in %q", stderr)
			}
			for _, n := range dirNames(t, dir) {
				if n != "photo.sql" && n != "notes.sql" {
					t.Errorf("left behind %s", n)
				}
			}
		})
	}
}

func TestSnapshotRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	out := snapDemo(t, dir)
	before, _ := os.ReadFile(out)
	code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", out)
	if code == 0 || !strings.Contains(stderr, "--force") {
		t.Fatalf("code %d %q", code, stderr)
	}
	after, _ := os.ReadFile(out)
	if !bytes.Equal(before, after) {
		t.Fatal("archive changed")
	}
	snapDemo(t, dir, "--force")
}

func TestSnapshotExcludeAndTree(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	os.MkdirAll(filepath.Join(site, "wp-content", "cache", "x"), 0o755)
	os.MkdirAll(filepath.Join(site, "wp-content", "uploads"), 0o755)
	os.WriteFile(filepath.Join(site, "index.php"), []byte("<?php\n"), 0o644)
	os.WriteFile(filepath.Join(site, "debug.log"), []byte("log\n"), 0o644)
	os.WriteFile(filepath.Join(site, "wp-content", "cache", "x", "page.html"), []byte("cached\n"), 0o644)
	os.WriteFile(filepath.Join(site, "wp-content", "uploads", "big.bin"), bytes.Repeat([]byte("0123456789abcdef"), 1<<20), 0o600)
	os.Symlink("wp-content/uploads", filepath.Join(site, "up"))
	if err := syscall.Mkfifo(filepath.Join(site, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "a.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--no-anonymize", "--files", site, "--exclude", "*.log", "--exclude", "wp-content/cache", "-o", out)
	if code != 0 {
		t.Fatalf("%d %s %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "skipped pipe") {
		t.Errorf("no warning for the FIFO: %q", stderr)
	}
	names := map[string]string{}
	readTar(t, out, func(h *tar.Header, body []byte) {
		names[h.Name] = string(body)
		if h.Typeflag == tar.TypeSymlink {
			names[h.Name] = "-> " + h.Linkname
		}
	})
	for _, want := range []string{"files/index.php", "files/wp-content/", "files/wp-content/uploads/big.bin", "files/up"} {
		if _, ok := names[want]; !ok {
			t.Errorf("missing %s", want)
		}
	}
	for _, not := range []string{"files/debug.log", "files/wp-content/cache/", "files/wp-content/cache/x/page.html", "files/pipe"} {
		if _, ok := names[not]; ok {
			t.Errorf("%s should be excluded", not)
		}
	}
	if names["files/up"] != "-> wp-content/uploads" {
		t.Errorf("symlink stored as %q", names["files/up"])
	}
	if len(names["files/wp-content/uploads/big.bin"]) != 16<<20 {
		t.Errorf("big file has %d bytes", len(names["files/wp-content/uploads/big.bin"]))
	}
}

// readTar decompresses an archive with the zstd library and walks the tar.
func readTar(t *testing.T, path string, each func(*tar.Header, []byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		each(h, body)
	}
}

// TestSnapshotInterrupted sends SIGINT to a real stagecopy process once it
// has read all of its dump there is and waits for more: it must exit 130
// and leave nothing behind. (Blocked on the pipe, it is ended by the
// interrupt grace, whose cleanups remove the temporary file.)
func TestSnapshotInterrupted(t *testing.T) {
	dir := t.TempDir()
	cmd, stdin, stderr := startMain(t, "snapshot", "--no-anonymize", "--dump", "-", "-o", filepath.Join(dir, "a.tar.zst"))
	io.WriteString(stdin, "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1),(2),")
	waitFor(t, "the archive's temporary file", func() bool { return len(dirNames(t, dir)) > 0 })
	waitFor(t, "snapshot to read all it was given", func() bool { return pipeDrained(stdin) })
	cmd.Process.Signal(os.Interrupt)
	if code := waitExit(t, cmd, 20*time.Second); code != exitInterrupted {
		t.Fatalf("exit %d, want 130; stderr %s", code, stderr.String())
	}
	if n := dirNames(t, dir); len(n) != 0 {
		t.Fatalf("left behind %v", n)
	}
}

func TestREADMEDemoCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?m)^go run ./cmd/stagecopy (snapshot .*)$").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no 'go run ./cmd/stagecopy snapshot ...' demo line")
	}
	args := strings.Fields(string(m[1]))
	dir := t.TempDir()
	for i, a := range args {
		a = strings.ReplaceAll(a, "testdata/", "../../testdata/")
		if i > 0 && (args[i-1] == "-o" || args[i-1] == "--output") {
			a = filepath.Join(dir, filepath.Base(a))
		}
		args[i] = a
	}
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 || !strings.Contains(stdout, "written to") {
		t.Fatalf("README demo: code %d\n%s\n%s", code, stdout, stderr)
	}
}
