package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestRestoreAcrossServers: a MySQL 8.4 dump with an index on an
// expression is refused on MariaDB with a hint naming --drop-unsupported;
// with it, the restore summary and list --json show every adaptation.
func TestRestoreAcrossServers(t *testing.T) {
	srv, db := mariadbtest.DatabaseName(t, "mysql84")
	dir := t.TempDir()
	out, state := filepath.Join(dir, "blog.tar.zst"), filepath.Join(dir, "state")
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--quiet", "--dump", "../../testdata/dialects/mysqldump-8.4.sql", "-o", out); code != 0 {
		t.Fatalf("snapshot: %s", stderr)
	}
	args := []string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--state-dir", state, "--cms", "none"}
	code, _, stderr := runCLI(t, append(args, out)...)
	if code == 0 || !strings.Contains(stderr, "table `posts`: index `email_title` is on an expression on MariaDB") || !strings.Contains(stderr, "hint:") || !strings.Contains(stderr, "--drop-unsupported") {
		t.Fatalf("restore without --drop-unsupported: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, append(args, "--drop-unsupported", out)...)
	if code != 0 {
		t.Fatalf("restore --drop-unsupported: %d\n%s", code, stderr)
	}
	for _, line := range []string{
		"  adapted   3 changes for MariaDB ",
		"(the archive is from 8.4.0), see docs/servers.md:",
		"    table `posts`: collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci\n",
		"    table `posts`: index `email_title` on an expression left out (MariaDB ",
		"    table `posts`: MySQL option COMPRESSION='zlib' left out (MariaDB has no such option)\n",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("summary lacks %q:\n%s", line, stdout)
		}
	}
	code, stdout, _ = runCLI(t, "list", "--state-dir", state, "--json")
	var listed []struct {
		Adaptations []string `json:"adaptations"`
	}
	if err := json.Unmarshal([]byte(stdout), &listed); code != 0 || err != nil || len(listed) != 1 || len(listed[0].Adaptations) != 3 {
		t.Fatalf("list --json: %d %v %s", code, err, stdout)
	}
}
