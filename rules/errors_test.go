package rules

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// Each kind of error, with the exact text the user sees.
func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
	}{
		{"unknown key with suggestion", `version: 1
tables:
  users:
    colums:
      email: email
`, `e.yml:4:5: unknown key "colums" in table "users" (did you mean "columns"?)`},

		{"unknown key without suggestion", `version: 1
tables:
  users:
    cols: {email: email}
`, `e.yml:4:5: unknown key "cols" in table "users" (known keys: action, columns, eav, keys, where)`},

		{"unknown top-level key", `version: 1
tabels: {}
`, `e.yml:2:1: unknown key "tabels" at top level (did you mean "tables"?)`},

		{"unknown key in column rule", `version: 1
tables:
  users:
    columns:
      email: {transform: email, were: {a: b}}
`, `e.yml:5:33: unknown key "were" in column "email" of table "users" (did you mean "where"?)`},

		{"bad transformer via callback", `version: 1
tables:
  users:
    columns:
      email: emial
`, `e.yml:5:14: transformer "emial": unknown transformer (did you mean "email"?)`},

		{"bad transformer options via callback", `version: 1
tables:
  users:
    columns:
      created: {date: {shift_dayz: 3}}
`, `e.yml:5:17: transformer "date": unknown option "shift_dayz"`},

		{"bad regex", `version: 1
tables:
  users:
    where:
      email: {regex: "(unclosed"}
    columns: {email: email}
`, "e.yml:5:22: bad regex for column \"email\": error parsing regexp: missing closing ): `(unclosed`"},

		{"version missing", `tables:
  sessions: truncate
`, `e.yml:1:1: version is missing (add "version: 1" at the top)`},

		{"version wrong", `version: 2
`, `e.yml:1:10: unsupported version 2 (this stagecopy reads version 1)`},

		{"version wrong type", `version: "1"
`, `e.yml:1:10: version must be the integer 1, not a string`},

		{"wrong type", `version: 1
tables:
  users:
    columns: [email, name]
`, `e.yml:4:14: columns of table "users" must be a mapping, not a list`},

		{"wrong action", `version: 1
tables:
  sessions: trunacte
`, `e.yml:3:13: unknown action "trunacte" for table "sessions" (did you mean "truncate"?)`},

		{"duplicate key", `version: 1
tables:
  users:
    columns:
      email: email
      name: full_name
      email: lorem
`, `e.yml:7:7: duplicate key "email" in columns of table "users" (first at line 5, column 7)`},

		{"column given twice", `version: 1
tables:
  users:
    columns:
      email: email
      Email: lorem
`, `e.yml:6:7: column "Email" is given twice in table "users" (first at line 5, column 7)`},

		{"empty name", `version: 1
tables:
  "": truncate
`, `e.yml:3:3: empty table name`},

		{"bad glob", `version: 1
tables:
  "wp_[": truncate
`, `e.yml:3:3: bad glob in table pattern "wp_[": syntax error in pattern`},

		{"unknown placeholder", `version: 1
tables:
  "{prefx}users": truncate
`, `e.yml:3:3: unknown placeholder in table pattern "{prefx}users" (only {prefix} is known)`},

		{"unknown preset", `version: 1
extends: preset:wordpres
`, `e.yml:2:10: unknown preset "wordpres" (did you mean "preset:wordpress"?)`},

		{"null condition", `version: 1
tables:
  t:
    where: {deleted: null}
    columns: {a: email}
`, `e.yml:4:22: condition on column "deleted" is null; write {null: true} to match NULL`},

		{"action with rules", `version: 1
tables:
  t:
    action: skip
    columns: {a: email}
`, `e.yml:5:5: table "t": columns cannot be combined with action skip`},

		{"no rules", `version: 1
tables:
  t: {}
`, `e.yml:3:3: table "t" has no rules (give columns, or eav and keys; write "keep" to copy it unchanged)`},

		{"keys without eav", `version: 1
tables:
  meta:
    keys: {phone: phone}
`, `e.yml:4:5: table "meta" has keys but no eav {key_column, value_column}`},

		{"eav value column as column", `version: 1
tables:
  meta:
    eav: {key_column: k, value_column: v}
    columns: {v: lorem}
`, `e.yml:5:15: column "v" of table "meta" is the EAV value column; give its rules under keys`},

		{"where on key", `version: 1
tables:
  meta:
    eav: {key_column: k, value_column: v}
    keys:
      phone: {transform: phone, where: {a: b}}
`, `e.yml:6:33: where is not allowed on an EAV key; put it at table level`},

		{"bad path", `version: 1
tables:
  t:
    columns:
      data: {json: {"a..b": email}}
`, `e.yml:5:21: path "a..b" has an empty segment`},

		{"bad max_size", `version: 1
files: {max_size: 10XB}
`, `e.yml:2:19: bad max_size: size "10XB" has unknown unit "XB" (want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)`},

		{"scrub without patterns", `version: 1
files:
  scrub:
    - path: wp-config.php
`, `e.yml:4:7: scrub rule 1 needs a preset or patterns`},

		{"table given twice through prefix", `version: 1
prefix: wp_
tables:
  wp_users: truncate
  "{prefix}users": keep
`, `e.yml:5:3: table "wp_users" is given twice (as "wp_users" at line 4, column 3)`},

		{"yaml syntax", "version: 1\ntables:\n  t: [a\n", `e.yml:3: YAML: did not find expected ',' or ']'`},

		{"yaml syntax, first line", "version: 1: 2\n", `e.yml:1: YAML: mapping values are not allowed in this context`},

		{"yaml syntax, block", "version: 1\ntables:\n  a: truncate\n b: keep\n", `e.yml:4: YAML: did not find expected key`},

		{"two documents", "version: 1\n---\nversion: 1\n", `e.yml:2:1: a rules file holds one YAML document; remove this second one`},

		{"empty file", "", `e.yml:1:1: empty rules file (it needs at least "version: 1")`},

		{"every error, sorted", `tables:
  users:
    colums: {}
  sessions: trunc
`, `e.yml:1:1: version is missing (add "version: 1" at the top)
e.yml:3:5: unknown key "colums" in table "users" (did you mean "columns"?)
e.yml:4:13: unknown action "trunc" for table "sessions" (want truncate, skip, keep, or a mapping)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse("e.yml", []byte(c.src), Options{CheckTransformer: strict})
			if err == nil {
				t.Fatalf("no error; rules %+v", r)
			}
			if r != nil {
				t.Error("rules returned with an error")
			}
			if err.Error() != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, c.want)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Errorf("error is %T, not Errors", err)
			}
		})
	}
}

func TestExtendsCycle(t *testing.T) {
	_, err := Load("testdata/errors/cycle_a.yml", Options{})
	want := `testdata/errors/cycle_b.yml:2:29: extends cycle: testdata/errors/cycle_a.yml -> testdata/errors/cycle_b.yml -> testdata/errors/cycle_a.yml`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestExtendsMissingFile(t *testing.T) {
	_, err := Load("testdata/errors/missing.yml", Options{})
	want := `testdata/errors/missing.yml:4:5: extends "shared/base.yml": no such file (looked for testdata/errors/shared/base.yml)`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is(err, fs.ErrNotExist) is false")
	}
	_, err = Load("testdata/errors/nothing-here.yml", Options{})
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "load rules: ") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestPresetMayNotExtendFiles(t *testing.T) {
	errs := Errors{}
	parseSource("preset:x", []byte("version: 1\nextends: base.yml\n"), true, Options{}, &errs)
	if len(errs) != 1 || errs[0].Error() != `preset:x:2:10: a preset may only extend other presets, not "base.yml"` {
		t.Errorf("got %v", errs)
	}
}

func TestAliasesAndMergeKeys(t *testing.T) {
	src := `version: 1
tables:
  a: &rules
    columns:
      email: email
      name: full_name
  b:
    columns:
      <<: *rules_cols
      name: lorem
x: 1
`
	_, err := Parse("m.yml", []byte(src), Options{})
	if err == nil {
		t.Fatal("unknown anchor not reported")
	}
	src = `version: 1
tables:
  a:
    columns: &cols
      email: email
      name: full_name
  b:
    columns:
      <<: *cols
      name: lorem
  c: *cols
`
	_, err = Parse("m.yml", []byte(src), Options{})
	want := `m.yml:5:7: unknown key "email" in table "c" (known keys: action, columns, eav, keys, where)
m.yml:6:7: unknown key "name" in table "c" (known keys: action, columns, eav, keys, where)`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	r, err := Parse("m.yml", []byte(strings.Replace(src, "  c: *cols\n", "", 1)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := r.ForTable("b")
	if b.Column("email").Spec.Name != "email" || b.Column("name").Spec.Name != "lorem" {
		t.Errorf("merge key: %+v %+v", b.Column("email").Spec, b.Column("name").Spec)
	}
}
