package scan_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
	"github.com/stagecopy/stagecopy/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// suggestDump is a small mail application: accounts with credentials, a
// key/value table of preferences, a vCard column, a JSON column, a
// session store and a cache.
const suggestDump = "CREATE TABLE `accounts` (\n" +
	"  `id` int NOT NULL AUTO_INCREMENT,\n" +
	"  `login` varchar(128) NOT NULL,\n" +
	"  `real_name` varbinary(255) NOT NULL DEFAULT '',\n" +
	"  `email` tinytext NOT NULL,\n" +
	"  `password` tinyblob NOT NULL,\n" +
	"  `token` binary(32) DEFAULT NULL,\n" +
	"  `api_key` varchar(64) NOT NULL,\n" +
	"  `pin` int NOT NULL DEFAULT 0,\n" +
	"  `born` date DEFAULT NULL,\n" +
	"  `last_ip` varchar(40) NOT NULL,\n" +
	"  `ip_num` int unsigned NOT NULL DEFAULT 0,\n" +
	"  `notes` text,\n" +
	"  `settings` text,\n" +
	"  PRIMARY KEY (`id`),\n" +
	"  UNIQUE KEY `login` (`login`),\n" +
	"  UNIQUE KEY `api_key` (`api_key`)\n" +
	");\n" +
	"INSERT INTO `accounts` VALUES (1,'jolanda','Jolanda Fictitious','jolanda.fictitious@gmail.com','$2y$10$abcdefghijklmnopqrstuv',NULL,'k1',0,'1980-02-03','81.2.69.160',0,'call +44 20 7946 0958','{\"mail\":\"jolanda.fictitious@gmail.com\"}');\n" +
	"CREATE TABLE `prefs` (\n" +
	"  `pref_user` int NOT NULL,\n" +
	"  `pref_name` varbinary(255) NOT NULL,\n" +
	"  `pref_value` blob,\n" +
	"  PRIMARY KEY (`pref_user`,`pref_name`)\n" +
	");\n" +
	"INSERT INTO `prefs` VALUES (1,'signature','Jolanda, +44 20 7946 0958'),(1,'backup_mail','jolanda@outlook.com');\n" +
	"CREATE TABLE `contacts` (`id` int NOT NULL, `vcard` longtext, `words` text, PRIMARY KEY (`id`));\n" +
	"INSERT INTO `contacts` VALUES (1,'BEGIN:VCARD','x');\n" +
	"CREATE TABLE `session` (`sess_id` varchar(128) NOT NULL, `vars` mediumtext NOT NULL, PRIMARY KEY (`sess_id`));\n" +
	"INSERT INTO `session` VALUES ('abc','dmFycw==');\n" +
	"CREATE TABLE `l10n_cache` (`lc_lang` varbinary(35) NOT NULL, `lc_value` mediumblob NOT NULL);\n" +
	"INSERT INTO `l10n_cache` VALUES ('en','x');\n" +
	"CREATE TABLE `empty_cache` (`k` varchar(10) NOT NULL);\n"

func suggestTables(t *testing.T, dump string) *scan.Tables {
	t.Helper()
	tables := scan.NewTables()
	src := tables.Watch(sqldump.NewScanner(strings.NewReader(dump)))
	for {
		if _, err := src.Next(); err == io.EOF {
			return tables
		} else if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := src.NextRow(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// suggestReport has a finding of every kind and shape scan.Suggest handles:
// found by value and by name, in key/value tables, inside documents,
// kept by the rules.
var suggestReport = &scan.Report{Findings: []scan.Finding{
	{Table: "accounts", Column: "login", Kind: scan.Name, ByName: true, Values: 1},
	{Table: "accounts", Column: "real_name", Kind: scan.Name, ByName: true, Values: 1},
	{Table: "accounts", Column: "email", Kind: scan.Email, Values: 1, Example: "j***@g***.com"},
	{Table: "accounts", Column: "password", Kind: scan.Credential, ByName: true, Values: 1},
	{Table: "accounts", Column: "token", Kind: scan.Credential, ByName: true, Values: 1},
	{Table: "accounts", Column: "api_key", Kind: scan.Credential, ByName: true, Values: 1},
	{Table: "accounts", Column: "pin", Kind: scan.Credential, ByName: true, Values: 1},
	{Table: "accounts", Column: "born", Kind: scan.Birthdate, ByName: true, Values: 1},
	{Table: "accounts", Column: "last_ip", Kind: scan.IP, Values: 1, Example: "81.x.x.x"},
	{Table: "accounts", Column: "ip_num", Kind: scan.IP, ByName: true, Values: 1},
	{Table: "accounts", Column: "notes", Kind: scan.Phone, Values: 1, Example: "***58"},
	{Table: "accounts", Column: "settings", Path: "mail", Document: "json", Kind: scan.Email, Values: 1, Example: "j***@g***.com"},
	{Table: "accounts", Column: "settings", Path: "friends.*.phones.*", Document: "json", Kind: scan.Phone, Values: 1, Example: "***58"},
	{Table: "prefs", Column: "pref_value", Key: "signature", Kind: scan.Phone, Values: 1, Example: "***58"},
	{Table: "prefs", Column: "pref_value", Key: "signature", Kind: scan.Name, Values: 1, Example: "J***"},
	{Table: "prefs", Column: "pref_value", Key: "backup_mail", Kind: scan.Email, Values: 1, Example: "j***@o***.com"},
	{Table: "prefs", Column: "pref_value", Key: "home", Kind: scan.Address, Values: 2, Example: "1* B***"},
	{Table: "prefs", Column: "pref_value", Key: scan.OtherKeys, Kind: scan.IP, Values: 3, Example: "81.x.x.x"},
	{Table: "prefs", Column: "pref_value", Key: "recent", Path: "*.ip", Document: "php", Kind: scan.IP, Values: 1, Example: "81.x.x.x"},
	{Table: "contacts", Column: "vcard", Kind: scan.Email, Values: 1, Example: "***@g***.com"},
	{Table: "contacts", Column: "vcard", Kind: scan.Phone, Values: 1, Example: "***58"},
	{Table: "contacts", Column: "words", Kind: scan.Email, Values: 1, Example: "j***@g***.com", Kept: true},
	{Table: "session", Column: "vars", Kind: scan.Email, Values: 1, Example: "j***@g***.com"},
}}

func TestSuggestGolden(t *testing.T) {
	var out bytes.Buffer
	if err := scan.Suggest(&out, suggestReport, suggestTables(t, suggestDump), scan.SuggestOptions{Source: "mail.sql"}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "suggest.golden.yml")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("suggested rules differ from %s (go test ./scan -run TestSuggestGolden -update):\n%s", golden, out.String())
	}
	// Valid rules, that fit the dump's tables and columns, and that
	// anonymize runs with.
	r, err := rules.Parse("suggest.yml", out.Bytes(), rules.Options{CheckTransformer: anonymize.Validate})
	if err != nil {
		t.Fatalf("the suggested rules do not load: %v", err)
	}
	var anon bytes.Buffer
	if _, err := anonymize.Run(context.Background(), &anon, strings.NewReader(suggestDump), anonymize.Options{Rules: r}); err != nil {
		t.Fatalf("anonymize with the suggested rules: %v", err)
	}
	// "7946" alone turns up in hex digests: the whole local number.
	for _, s := range []string{"jolanda", "Jolanda", "7946 0958", "81.2.69.160", "$2y$", "1980-02-03"} {
		if strings.Contains(anon.String(), s) {
			t.Errorf("the anonymized dump still holds %q:\n%s", s, anon.String())
		}
	}
}

// TestSuggestCovers is the promise on today's detectors: scan, suggest,
// anonymize with the suggestion, scan again: nothing found.
func TestSuggestCovers(t *testing.T) {
	for _, dump := range []string{filepath.Join("..", "testdata", "demo", "demo.sql")} {
		data, err := os.ReadFile(dump)
		if err != nil {
			t.Fatal(err)
		}
		s, tables := scan.New(), scan.NewTables()
		if err := s.Scan(context.Background(), tables.Watch(sqldump.NewScanner(bytes.NewReader(data)))); err != nil {
			t.Fatal(err)
		}
		rep := s.Report()
		if len(rep.Findings) == 0 {
			t.Fatalf("%s: nothing found to suggest rules for", dump)
		}
		var yml bytes.Buffer
		if err := scan.Suggest(&yml, rep, tables, scan.SuggestOptions{}); err != nil {
			t.Fatal(err)
		}
		r, err := rules.Parse("suggest.yml", yml.Bytes(), rules.Options{CheckTransformer: anonymize.Validate})
		if err != nil {
			t.Fatalf("%s: the suggested rules do not load: %v\n%s", dump, err, yml.String())
		}
		var anon bytes.Buffer
		if _, err := anonymize.Run(context.Background(), &anon, bytes.NewReader(data), anonymize.Options{Rules: r}); err != nil {
			t.Fatalf("%s: anonymize with the suggested rules: %v\n%s", dump, err, yml.String())
		}
		after := scan.New()
		after.SetRules(scan.FromRules(r)) // a column a rule rewrites is no finding by its name
		if err := after.Scan(context.Background(), sqldump.NewScanner(&anon)); err != nil {
			t.Fatal(err)
		}
		if f := after.Report().Findings; len(f) > 0 {
			t.Errorf("%s: with the suggested rules scan still finds %+v\n%s", dump, f, yml.String())
		}
	}
}
