package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRestoreRules(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.yml"), []byte(`version: 1
restore:
  smtp_settings.host: "mail.internal"
  smtp_settings.port: 25
`), 0o644)
	site := filepath.Join(dir, "site.yml")
	os.WriteFile(site, []byte(`version: 1
extends: [preset:wordpress, base.yml]
tables:
  settings:
    eav: {key_column: name, value_column: value}
restore:
  smtp_settings.Host: localhost        # replaces base.yml's host
  smtp_settings.password: null
  payment_gateways.live_mode: 0.0
  settings.value[webhook_url]: ""
  "{prefix}options.option_value[mailserver_url]": localhost
`), 0o644)
	r, err := Load(site, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rr := range r.Restore {
		got = append(got, rr.String()+"="+rr.ValueString()+" key column "+rr.KeyColumn+" at "+rr.Pos.String())
	}
	want := []string{
		`smtp_settings.Host="localhost" key column  at ` + site + `:7:3`,
		`smtp_settings.port="25" key column  at ` + filepath.Join(dir, "base.yml") + `:4:3`,
		`smtp_settings.password=null key column  at ` + site + `:8:3`,
		`payment_gateways.live_mode="0" key column  at ` + site + `:9:3`,
		`settings.value[webhook_url]="" key column name at ` + site + `:10:3`,
		`wp_options.option_value[mailserver_url]="localhost" key column option_name at ` + site + `:11:3`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("restore rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The restore: section does not change what a snapshot writes.
	without, err := Parse("x.yml", []byte("version: 1\ntables:\n  users: {columns: {email: email}}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	with, err := Parse("x.yml", []byte("version: 1\ntables:\n  users: {columns: {email: email}}\nrestore:\n  smtp.host: localhost\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if without.Digest() != with.Digest() || len(with.Restore) != 1 {
		t.Errorf("digest with restore rules %s, without %s", with.Digest(), without.Digest())
	}
}

func TestRestoreRuleErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"restore:\n  smtp_host: localhost\n", `e.yml:3:3: restore rule "smtp_host": write TABLE.COLUMN (every row) or TABLE.COLUMN[KEY] (a key/value table's row for KEY)`},
		{"restore:\n  a.b.c: x\n", `e.yml:3:3: restore rule "a.b.c": write TABLE.COLUMN`},
		{"restore:\n  \"smtp_*.host\": x\n", `e.yml:3:3: restore rule "smtp_*.host": the table is a name`},
		{"restore:\n  smtp.tls: true\n", `e.yml:3:13: restore rule "smtp.tls": true is a boolean; write 0 or 1`},
		{"restore:\n  smtp.host: [a, b]\n", `e.yml:3:14: restore rule "smtp.host": the value must be a string, a number or null, not a list`},
		{"restore:\n  smtp.host: a\n  smtp.HOST: b\n", `e.yml:4:3: restore rule "smtp.HOST" names what "smtp.host" names (line 3, column 3)`},
		{"restore:\n  settings.value[mail]: x\n", `e.yml:3:3: restore rule "settings.value[mail]" names key "mail", but table "settings" has no eav {key_column, value_column} under tables:`},
		{"tables:\n  settings: {eav: {key_column: k, value_column: v}}\nrestore:\n  settings.k[mail]: x\n", `e.yml:5:3: restore rule "settings.k[mail]": "k" is not the value column of table "settings" (its eav rule says "v")`},
		{"restore: [a]\n", `e.yml:2:10: restore must be a mapping, not a list`},
	} {
		_, err := Parse("e.yml", []byte("version: 1\n"+c.src), Options{})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q:\ngot  %v\nwant %s", c.src, err, c.want)
		}
	}
}

func TestCheckRestore(t *testing.T) {
	r, err := Parse("r.yml", []byte(`version: 1
tables:
  settings: {eav: {key_column: name, value_column: value}}
restore:
  smtp_settings.HOST: localhost
  smtp_settings.hots: localhost
  smtp_setting.port: 25
  settings.value[mail_from]: noreply@example.invalid
`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ok := mapSchema{"smtp_settings": {"id", "host", "port"}, "settings": {"name", "value"}}
	r.Restore = r.Restore[:1]
	if err := r.CheckRestore(ok); err != nil {
		t.Errorf("HOST in a table with host: %v", err)
	}
	r, _ = Parse("r.yml", []byte(`version: 1
tables:
  settings: {eav: {key_column: name, value_column: value}}
restore:
  smtp_settings.HOST: localhost
  smtp_settings.hots: localhost
  smtp_setting.port: 25
  settings.value[mail_from]: noreply@example.invalid
`), Options{})
	err = r.CheckRestore(mapSchema{"smtp_settings": {"id", "host", "port"}, "settings": {"key", "value"}})
	want := `r.yml:6:3: restore rule "smtp_settings.hots": column "hots" not found in table "smtp_settings" of the staging copy (did you mean "host"?)
r.yml:7:3: restore rule "smtp_setting.port": table "smtp_setting" not found in the staging copy (did you mean "smtp_settings"?)
r.yml:8:3: restore rule "settings.value[mail_from]": column "name" not found in table "settings" of the staging copy`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}
