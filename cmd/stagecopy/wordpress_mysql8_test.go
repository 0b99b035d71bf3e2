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

// mysql8Style rewrites a mariadb-dump of a WordPress database the way a
// mysqldump 8.0 of the same site reads: MySQL's header and GTID lines, the
// tables' collation MySQL 8 gives by default (utf8mb4_0900_ai_ci), integer
// types without display widths, MySQL 8's versioned comments.
func mysql8Style(dump string) string {
	dump = regexp.MustCompile(`(?m)^/\*M!999999\\- enable the sandbox mode \*/ *\n`).ReplaceAllString(dump, "")
	dump = regexp.MustCompile(`(?m)^-- MariaDB dump .*$`).ReplaceAllString(dump, "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)")
	dump = regexp.MustCompile(`(?m)^-- Server version\t.*$`).ReplaceAllString(dump,
		"-- Server version\t8.0.36\n\nSET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;\nSET @@SESSION.SQL_LOG_BIN= 0;\n"+
			"SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '9d2f6c1e-0b7a-11ef-a1c3-0242ac120004:1-311';")
	dump = regexp.MustCompile(`COLLATE[= ]utf8mb4_[a-z0-9_]+`).ReplaceAllStringFunc(dump, func(s string) string { return s[:len("COLLATE")+1] + "utf8mb4_0900_ai_ci" })
	dump = regexp.MustCompile(`\b(tinyint|smallint|mediumint|int|bigint)\(\d+\)`).ReplaceAllString(dump, "$1")
	dump = strings.ReplaceAll(dump, "/*!40101 SET character_set_client = utf8mb4 */", "/*!50503 SET character_set_client = utf8mb4 */")
	dump = strings.ReplaceAll(dump, "/*M!100616 ", "/*!80016 ") // MariaDB's NOTE_VERBOSITY lines: a MySQL 8 comment MariaDB skips
	return dump + "SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;\n"
}

// TestWordPressMySQL8Copy: a WordPress site dumped as MySQL 8 dumps it
// (utf8mb4_0900_ai_ci tables, MySQL's header and GTID lines) snapshots,
// restores on MariaDB with its collations adapted, and WordPress reads the
// copy: the new URL, every option unserialized, the support admin logs in.
func TestWordPressMySQL8Copy(t *testing.T) {
	php := needWordPress(t)
	srv, src := mariadbtest.NewDatabase(t)
	dir := t.TempDir()
	const oldURL, newURL = "https://blog.mysql8site.test", "https://staging8.example.test"
	site := filepath.Join(dir, "site")
	if err := os.MkdirAll(filepath.Join(site, "wp-content", "uploads"), 0o755); err != nil {
		t.Fatal(err)
	}
	runPHP(t, php, "install.php", srv, src, filepath.Join(site, "wp-content"), oldURL)
	dump := mysql8Style(string(srv.Dump(t, src)))
	if n := strings.Count(dump, "COLLATE=utf8mb4_0900_ai_ci"); n < 10 {
		t.Fatalf("the rewritten dump has %d tables with MySQL 8's collation", n)
	}
	dumpPath := filepath.Join(dir, "wp-mysql8.sql")
	if err := os.WriteFile(dumpPath, []byte(dump), 0o600); err != nil {
		t.Fatal(err)
	}
	archivePath := filepath.Join(dir, "wp8.tar.zst")
	if code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "--preset", "wordpress", "--dump", dumpPath, "--files", site, "-o", archivePath, "-q"); code != 0 {
		t.Fatalf("snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	_, stage := mariadbtest.DatabaseName(t, "stage8")
	stageDir := filepath.Join(dir, "staging")
	code, stdout, stderr := runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", stage,
		"--files-dir", stageDir, "--url", newURL, "--support-admin", "support", "--state-dir", filepath.Join(dir, "state"), archivePath)
	if code != 0 {
		t.Fatalf("restore: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "(the archive is from 8.0.36)") || !strings.Contains(stdout, "collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci") {
		t.Errorf("the summary does not list the collation adapted:\n%s", stdout)
	}
	if got := srv.Query(t, stage, "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'wp_options'"); got != "utf8mb4_uca1400_nopad_ai_ci" {
		t.Errorf("wp_options collation %q", got)
	}
	m := regexp.MustCompile(`(?m)^\s*password\s+(\S+)$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("restore printed no password:\n%s", stdout)
	}
	out := runPHP(t, php, "check.php", srv, stage, filepath.Join(stageDir, "wp-content"), newURL, "support", m[1])
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("check.php: %v\n%s", err, out)
	}
	for k, v := range map[string]any{"siteurl": newURL, "home": newURL, "blog_public": "0", "login": "support", "is_admin": true, "wrong_password_refused": true} {
		if res[k] != v {
			t.Errorf("WordPress: %s = %v, want %v", k, res[k], v)
		}
	}
	if bad, _ := res["bad_serialized"].([]any); len(bad) > 0 {
		t.Errorf("values WordPress cannot unserialize: %v", bad)
	}
	if pc, _ := res["post_content"].(string); pc == "" || strings.Contains(pc, "mysql8site") {
		t.Errorf("post content: %q", pc)
	}
}
