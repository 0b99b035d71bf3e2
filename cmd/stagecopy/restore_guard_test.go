package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestRestoreRefusedCall: an archive whose table calls a function no dump
// needs is refused; the error names the entry, line, function and byte,
// and the hint says what restore runs.
func TestRestoreRefusedCall(t *testing.T) {
	srv, db := mariadbtest.DatabaseName(t, "refused")
	dir := t.TempDir()
	arch := filepath.Join(dir, "refused.tar.zst")
	writeBomb(t, arch,
		bombEntry{name: "db/t.schema.sql", prefix: "-- stagecopy\nCREATE TABLE t (id INT PRIMARY KEY, who VARCHAR(200) DEFAULT (current_user()));\n"},
		bombEntry{name: "db/t.0001.sql", prefix: "INSERT INTO t (id) VALUES (1);\n"})
	code, _, stderr := runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--cms", "none", "--state-dir", filepath.Join(dir, "state"), "-q", arch)
	if code != exitError || !strings.Contains(stderr, "db/t.schema.sql line 2") || !strings.Contains(stderr, "calls CURRENT_USER (byte 75)") ||
		!strings.Contains(hintOf(stderr), "only the built-in functions dumps use") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if srv.DatabaseExists(t, db) {
		t.Error("database left behind")
	}
}
