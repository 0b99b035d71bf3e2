package main

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestSnapshotLiveServer snapshots the demo database from a real server,
// anonymized, through the command line, and checks the archive.
func TestSnapshotLiveServer(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, demoDir+"/demo.sql")
	dir := t.TempDir()
	out := filepath.Join(dir, "live.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "-r", demoDir+"/rules.yml", "--socket", srv.Socket, "--user", "root", "--database", db, "--threads", "2", "--files", demoDir+"/site", "-o", out)
	if code != 0 {
		t.Fatalf("snapshot: %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"wp_users", "transform", "parallel", "written to"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCLI(t, "inspect", out)
	if code != 0 || !strings.Contains(stdout, "source       server") || !strings.Contains(stdout, "anonymized   yes") {
		t.Fatalf("inspect:\n%s", stdout)
	}
	// No customer address of the demo reached the archive.
	readTar(t, out, func(h *tar.Header, body []byte) {
		if strings.HasPrefix(h.Name, "db/") && strings.Contains(string(body), "example-customer.net") {
			t.Errorf("%s holds a customer's address", h.Name)
		}
	})

	// Errors, each with a hint and nothing left behind.
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--database", "no_such_db"}, "unknown database"},
		{[]string{"--database", db, "--user", "nobody_here"}, "access denied"},
		{[]string{"--database", db, "--socket", filepath.Join(dir, "nope.sock")}, "unreachable"},
		{[]string{"--database", db, "--tables", "zz_*"}, "zz_*"},
	}
	for _, c := range cases {
		args := append([]string{"snapshot", "--anonymize", "-r", demoDir + "/rules.yml", "--socket", srv.Socket, "--user", "root", "-o", filepath.Join(dir, "bad.tar.zst")}, c.args...)
		code, _, stderr := runCLI(t, args...)
		if code == 0 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "hint:") {
			t.Errorf("%v: code %d, stderr %q", c.args, code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "bad.tar.zst")); err == nil {
			t.Errorf("%v left an archive", c.args)
		}
	}
	// A password on the command line is refused: it would be visible to all.
	code, _, stderr = runCLI(t, "snapshot", "--anonymize", "-r", demoDir+"/rules.yml", "--dsn", "root:secret@unix("+srv.Socket+")/"+db, "-o", filepath.Join(dir, "x.tar.zst"))
	if code == 0 || !strings.Contains(stderr, "holds a password") || strings.Contains(stderr, "secret") {
		t.Errorf("password in --dsn: code %d, %q", code, stderr)
	}
}
