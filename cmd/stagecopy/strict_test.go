package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStrictChecksEveryRow is the two dumps that passed --strict
// while the snapshot checked a sample (the first 1000 rows or 128 KiB of
// each table): e-mails, phones and IPs after 1200 clean rows, and e-mails
// behind a first row of 200 KB. Every row is checked now: --strict writes
// nothing and exits 4, and without --strict the manifest and inspect count
// every finding, by table, column and key.
func TestStrictChecksEveryRow(t *testing.T) {
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "rules.yml")
	os.WriteFile(rulesFile, []byte("version: 1\ntables:\n  users:\n    columns:\n      email: email\n"), 0o644)
	var late strings.Builder
	late.WriteString("CREATE TABLE `users` (`id` int, `email` varchar(100));\nINSERT INTO `users` VALUES (1,'a@gmail.com');\n")
	late.WriteString("CREATE TABLE `notes` (`id` int, `body` text);\nINSERT INTO `notes` VALUES ")
	for i := 1; i <= 1230; i++ {
		if i > 1 {
			late.WriteString(",")
		}
		switch {
		case i <= 1200:
			fmt.Fprintf(&late, "(%d,'nothing to see in note %d')", i, i)
		case i%3 == 0:
			fmt.Fprintf(&late, "(%d,'write to customer%d@gmail.com')", i, i)
		case i%3 == 1:
			fmt.Fprintf(&late, "(%d,'+44 20 7946 %04d')", i, i)
		default:
			fmt.Fprintf(&late, "(%d,'from 81.2.69.%d')", i, i%200)
		}
	}
	late.WriteString(";\n")
	var big strings.Builder
	big.WriteString("CREATE TABLE `users` (`id` int, `email` varchar(100));\nINSERT INTO `users` VALUES (1,'a@gmail.com');\n")
	big.WriteString("CREATE TABLE `pages` (`id` int, `body` mediumtext);\nINSERT INTO `pages` VALUES (1,'" + strings.Repeat("lorem ipsum ", 200_000/12) + "')")
	for i := 2; i <= 50; i++ {
		fmt.Fprintf(&big, ",(%d,'ask person%d@gmail.com')", i, i)
	}
	big.WriteString(";\n")
	for _, c := range []struct {
		name, dump string
		want       map[string]int64 // where kind -> values
	}{
		{"late", late.String(), map[string]int64{"notes.body email": 10, "notes.body phone": 10, "notes.body ip": 10}},
		{"big-first-row", big.String(), map[string]int64{"pages.body email": 49}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dump := filepath.Join(dir, c.name+".sql")
			os.WriteFile(dump, []byte(c.dump), 0o644)
			out := filepath.Join(dir, c.name+".tar.zst")
			code, _, stderr := runCLI(t, "snapshot", "-q", "--strict", "--anonymize", "-r", rulesFile, "--dump", dump, "-o", out)
			if code != exitFound || !strings.Contains(stderr, "no archive was written") {
				t.Errorf("--strict: exit %d\n%s", code, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("--strict wrote %s", out)
			}
			code, _, stderr = runCLI(t, "snapshot", "-q", "--anonymize", "-r", rulesFile, "--dump", dump, "-o", out)
			if code != 0 || !strings.Contains(stderr, "WARNING: after the rules") {
				t.Fatalf("without --strict: exit %d\n%s", code, stderr)
			}
			for _, s := range []string{"gmail", "7946", "81.2.69"} {
				if strings.Contains(stderr, s) {
					t.Errorf("the warning shows a value (%q):\n%s", s, stderr)
				}
			}
			var m struct {
				Privacy struct {
					Rows     int64
					Findings []struct {
						Table, Column, Key, Kind string
						Values                   int64
					}
				}
			}
			b, err := os.ReadFile(out + ".manifest.json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, f := range m.Privacy.Findings {
				got[f.Table+"."+f.Column+" "+f.Kind] = f.Values
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("manifest: %s: %d values, want %d (all: %v)", k, got[k], v, got)
				}
			}
			code, stdout, _ := runCLI(t, "inspect", out)
			if code != 0 || !strings.Contains(stdout, "findings no rule covers") {
				t.Errorf("inspect: exit %d\n%s", code, stdout)
			}
		})
	}
}

// TestStrictReviewLeaks is an adversarial review's list of places where
// personal data passed --strict with exit 0: a key/value table's key, rows
// a rule's where left out, enum values, expressions and bit literals, a
// table's DEFAULT and COMMENT, views, triggers and routines, a SET, and
// comments inside an INSERT. Each is a finding now: no archive, exit 4.
func TestStrictReviewLeaks(t *testing.T) {
	dir := t.TempDir()
	const users = "CREATE TABLE `users` (`id` int NOT NULL, `email` varchar(255), `notes` text, PRIMARY KEY (`id`));\n"
	const usersRules = "version: 1\ntables:\n  users:\n    columns:\n      email: email\n"
	for _, c := range []struct{ name, dump, rules string }{
		{"eav-key", "CREATE TABLE `wp_usermeta` (`umeta_id` bigint NOT NULL, `user_id` bigint, `meta_key` varchar(255), `meta_value` longtext, PRIMARY KEY (`umeta_id`));\n" +
			"INSERT INTO `wp_usermeta` VALUES (1,1,'jane.doe@gmail.com','1'),(3,1,'billing_phone','+44 7911 123456');\n",
			"version: 1\ntables:\n  wp_usermeta:\n    eav: {key_column: meta_key, value_column: meta_value}\n    keys: {billing_phone: phone}\n"},
		{"where", "CREATE TABLE `customers` (`id` int NOT NULL, `status` varchar(20), `first_name` varchar(50), `password` varchar(100), PRIMARY KEY (`id`));\n" +
			"INSERT INTO customers VALUES (1,'active','Jane','$2y$10$abcdefghijklmnopqrstuuv0123456789abcdefghijklmnopqrs'),(2,'closed','John','$2y$10$zzzzzzzzzzzzzzzzzzzzzz1234567890ABCDEFGHIJKLMNOPQRSTU');\n",
			"version: 1\ntables:\n  customers:\n    columns:\n      first_name: {transform: first_name, where: {status: active}}\n      password: {transform: password, where: {status: active}}\n"},
		{"enum", "CREATE TABLE `users` (`id` int NOT NULL, `email` varchar(255), `owner` enum('jane.doe@gmail.com','bob@gmail.com'), PRIMARY KEY (`id`));\n" +
			"INSERT INTO users VALUES (1,'x@gmail.com','jane.doe@gmail.com');\n", usersRules},
		{"collate", users + "INSERT INTO users VALUES (1,'x@gmail.com','jane.doe@gmail.com' COLLATE utf8mb4_bin);\n", usersRules},
		{"bit", users + "INSERT INTO users VALUES (1,'x@gmail.com',b'0110101001100001011011100110010101000000011001110110110101100001011010010110110000101110011000110110111101101101');\n", usersRules},
		{"schema", "CREATE TABLE `users` (`id` int NOT NULL, `email` varchar(255), `notes` text DEFAULT 'jane.doe@gmail.com', PRIMARY KEY (`id`)) COMMENT='call +44 7911 123456';\n" +
			"INSERT INTO users VALUES (1,'x@gmail.com','hi');\n", usersRules},
		{"view", users + "INSERT INTO users VALUES (1,'x@gmail.com','hi');\nCREATE VIEW v AS SELECT 'jane.doe@gmail.com' AS e;\n", usersRules},
		{"set", users + "SET @owner='jane.doe@gmail.com';\nINSERT INTO users VALUES (1,'x@gmail.com','hi');\n", usersRules},
		{"insert-head", users + "INSERT /* jane.doe@gmail.com */ INTO users VALUES (1,'x@gmail.com','hi');\n", usersRules},
		{"row-comment", users + "INSERT INTO users VALUES (1,'x@gmail.com', /* jane.doe@gmail.com */ 'hi'),(2,'y@gmail.com','hi');\n", usersRules},
		{"row-separator-comment", users + "INSERT INTO users VALUES (1,'x@gmail.com','hi'),\n-- bob.smith@gmail.com\n(2,'y@gmail.com','hi');\n", usersRules},
	} {
		t.Run(c.name, func(t *testing.T) {
			dump, rulesFile := filepath.Join(dir, c.name+".sql"), filepath.Join(dir, c.name+".yml")
			os.WriteFile(dump, []byte(c.dump), 0o644)
			os.WriteFile(rulesFile, []byte(c.rules), 0o644)
			out := filepath.Join(dir, c.name+".tar.zst")
			code, _, stderr := runCLI(t, "snapshot", "-q", "--strict", "--anonymize", "-r", rulesFile, "--dump", dump, "-o", out)
			if code != exitFound {
				t.Errorf("--strict: exit %d\n%s", code, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("--strict wrote %s", out)
			}
		})
	}
}

// TestStrictRuleLeavesValue: a rule that applies to a row but writes the
// value it found (fixed: to the same text) covers it: no finding by name.
func TestStrictRuleLeavesValue(t *testing.T) {
	dir := t.TempDir()
	dump, rulesFile := filepath.Join(dir, "d.sql"), filepath.Join(dir, "r.yml")
	os.WriteFile(dump, []byte("CREATE TABLE `customers` (`id` int NOT NULL, `first_name` varchar(50), PRIMARY KEY (`id`));\nINSERT INTO customers VALUES (1,'Support'),(2,'Jane');\n"), 0o644)
	os.WriteFile(rulesFile, []byte("version: 1\ntables:\n  customers:\n    columns:\n      first_name: {fixed: Support}\n"), 0o644)
	if code, _, stderr := runCLI(t, "snapshot", "-q", "--strict", "--anonymize", "-r", rulesFile, "--dump", dump, "-o", filepath.Join(dir, "a.tar.zst")); code != 0 {
		t.Errorf("--strict: exit %d\n%s", code, stderr)
	}
}
