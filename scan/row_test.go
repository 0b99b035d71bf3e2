package scan

import (
	"context"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
)

func scanWith(t *testing.T, rulesYAML, dump string) *Report {
	t.Helper()
	s := New()
	if rulesYAML != "" {
		r, err := rules.Parse("t.yml", []byte(rulesYAML), rules.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.SetRules(FromRules(r))
	}
	if err := s.Scan(context.Background(), sqldump.NewScanner(strings.NewReader(dump))); err != nil {
		t.Fatal(err)
	}
	return s.Report()
}

func findings(rep *Report) map[string]int64 {
	got := map[string]int64{}
	for _, f := range rep.Findings {
		k := f.Where() + " " + string(f.Kind)
		if f.ByName {
			k += " by-name"
		}
		if f.Kept {
			k += " kept"
		}
		got[k] = f.Values
	}
	return got
}

// TestKeyValueFindings: a key/value table's findings are counted per key
// (wp_usermeta[billing_email]), keys that are not plain names are not
// shown, the rules' eav: names the columns, and what the rules keep is
// reported as kept.
func TestKeyValueFindings(t *testing.T) {
	dump := "CREATE TABLE `wp_usermeta` (`umeta_id` bigint, `user_id` bigint, `meta_key` varchar(255), `meta_value` longtext);\n" +
		"INSERT INTO `wp_usermeta` VALUES (1,1,'billing_email','jane.doe@gmail.com'),(2,1,'billing_phone','+44 20 7946 0958'),(3,2,'billing_email','john.roe@gmail.com'),(4,2,'nickname','jd'),(5,2,'x y@gmail.com','joe@gmail.com');\n" +
		"CREATE TABLE `user_properties` (`up_user` int, `up_property` varbinary(255), `up_value` blob);\n" +
		"INSERT INTO `user_properties` VALUES (1,'nickname','+44 20 7946 0958');\n" +
		"CREATE TABLE `settings` (`k` varchar(64), `v` text);\n" +
		"INSERT INTO `settings` VALUES ('admin_email','owner@gmail.com');\n"
	got := findings(scanWith(t, "", dump))
	want := map[string]int64{
		"wp_usermeta.meta_value[billing_email] email": 2,
		"wp_usermeta.meta_value[billing_phone] phone": 1,
		"wp_usermeta.meta_value[(other keys)] email":  1,
		"settings.v email":                            1,
		"user_properties.up_value[nickname] phone":    1, // MediaWiki's key/value table
		"wp_usermeta.meta_key email":                  1, // the key itself
		// A nickname is a name, by the key's name.
		"user_properties.up_value[nickname] name by-name": 1,
		"wp_usermeta.meta_value[nickname] name by-name":   1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d\nall: %v", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}

	// The rules: eav: names settings' columns; a kept key is kept.
	got = findings(scanWith(t, "version: 1\ntables:\n  settings:\n    eav: {key_column: k, value_column: v}\n    keys:\n      nothing: email\n  wp_usermeta: keep\n", dump))
	for _, k := range []string{"settings.v[admin_email] email", "wp_usermeta.meta_value[billing_email] email kept"} {
		if got[k] == 0 {
			t.Errorf("with rules: no %s\nall: %v", k, got)
		}
	}
}

// TestFindingsByName: a column whose name says what it holds is a finding
// when no rule covers it, whatever its values look like; a ruled one is
// not; empty values are not counted.
func TestFindingsByName(t *testing.T) {
	old := classifyName
	defer func() { classifyName = old }()
	classifyName = func(table, name string) (Kind, bool) {
		if name == "user_token" || name == "remember" {
			return "credential", true
		}
		return "", false
	}
	dump := "CREATE TABLE `user` (`id` int, `user_token` varbinary(32), `mail` text);\n" +
		"INSERT INTO `user` VALUES (1,0x6162,'x'),(2,'',NULL),(3,'zzz',NULL);\n" +
		"CREATE TABLE `kv` (`name` varchar(64), `value` text);\n" +
		"INSERT INTO `kv` VALUES ('remember','abc'),('other','abc');\n"
	got := findings(scanWith(t, "", dump))
	if got["user.user_token credential by-name"] != 2 || got["kv.value[remember] credential by-name"] != 1 || len(got) != 2 {
		t.Errorf("findings by name: %v", got)
	}
	got = findings(scanWith(t, "version: 1\ntables:\n  user:\n    columns:\n      user_token: null\n", dump))
	if got["user.user_token credential by-name"] != 0 {
		t.Errorf("a ruled column is a finding by name: %v", got)
	}
}

// TestFindingPaths: a finding inside a JSON or PHP-serialized value says
// where in the document, in the rules' path syntax.
func TestFindingPaths(t *testing.T) {
	dump := "CREATE TABLE `o` (`id` int, `meta` text);\n" +
		"INSERT INTO `o` VALUES (1,'{\"billing\":{\"email\":\"jane@gmail.com\",\"n\":1}}'),(2,'[{\"ip\":\"81.2.69.160\"},{\"ip\":\"81.2.69.161\"}]')," +
		"(3,'a:1:{s:5:\"email\";s:14:\"jane@gmail.com\";}'),(4,'{\"jane@gmail.com\":{\"x\":\"joe@gmail.com\"}}'),(5,'not json jane@gmail.com');\n"
	got := findings(scanWith(t, "", dump))
	for k, v := range map[string]int64{
		"o.meta json:billing.email email": 1,
		"o.meta json:*.ip ip":             1,
		"o.meta php:email email":          1,
		"o.meta json:*.x email":           1, // a key that is not a plain name is "*"
		"o.meta email":                    1,
	} {
		if got[k] != v {
			t.Errorf("%s: %d, want %d\nall: %v", k, got[k], v, got)
		}
	}
}

// TestNoTextColumns: the values of date, number and enum columns are not
// looked into (they hold no text), but their names still count: a birth
// date in a DATE column is a finding.
func TestNoTextColumns(t *testing.T) {
	dump := "CREATE TABLE `people` (`id` int, `dob` date, `created` datetime, `kind` enum('a','b'), `note` varchar(40));\n" +
		"INSERT INTO `people` VALUES (1,'1980-02-03','2024-05-01 10:00:00','a','+44 20 7946 0958'),(2,'0000-00-00','2024-05-01 10:00:00','b','');\n"
	got := findings(scanWith(t, "", dump))
	want := map[string]int64{"people.dob birthdate by-name": 1, "people.note phone": 1}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
}

// rewrites says value 0 was rewritten by its rule, faked or not.
type rewrites struct{ faked bool }

func (rewrites) Rewritten(i int) bool { return i == 0 }
func (r rewrites) Faked(i int) bool   { return i == 0 && r.faked }

// TestRowFaked: a value a rule replaced whole with one of stagecopy's
// fakes is counted and not looked into; any other value a rule wrote is
// (a rule that keeps some of the text, like redact, may leave data).
func TestRowFaked(t *testing.T) {
	r, err := rules.Parse("t.yml", []byte("version: 1\ntables:\n  t:\n    columns:\n      note: redact\n"), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, faked := range []bool{true, false} {
		s := New()
		s.SetRules(FromRules(r))
		s.Define("t", []byte("CREATE TABLE `t` (`note` text)"))
		sc := sqldump.NewScanner(strings.NewReader("INSERT INTO t VALUES ('mail jane.doe@gmail.com');\n"))
		if _, err := sc.Next(); err != nil {
			t.Fatal(err)
		}
		row, err := sc.NextRow()
		if err != nil {
			t.Fatal(err)
		}
		s.Row("t", nil, row, rewrites{faked})
		rep := s.Report()
		if rep.Values != 1 {
			t.Errorf("faked=%v: %d values counted, want 1", faked, rep.Values)
		}
		wantFaked, wantFindings := int64(0), 1
		if faked {
			wantFaked, wantFindings = 1, 0
		}
		if rep.Faked != wantFaked || len(rep.Findings) != wantFindings {
			t.Errorf("faked=%v: Faked %d and %d findings, want %d and %d", faked, rep.Faked, len(rep.Findings), wantFaked, wantFindings)
		}
	}
}
