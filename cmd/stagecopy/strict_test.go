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
