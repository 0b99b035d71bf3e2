package rules

import (
	"os"
	"path/filepath"
	"testing"
)

func TestKeepRules(t *testing.T) {
	r, err := Parse("k.yml", []byte(`version: 1
tables:
  t:
    columns:
      a: keep
      b: {keep: null}
      c: {transform: keep}
      d: {transform: keep, json: {"x": email}}
      e: email
  meta:
    eav: {key_column: k, value_column: v}
    keys:
      blogname: keep
      "_wp_*": keep
      _wp_secret: empty
      doc: {transform: keep, php: {"*.ip": ip}}
      paths: {json: {"a.*": keep, "a.mail": email}}
`), Options{CheckTransformer: strict})
	if err != nil {
		t.Fatal(err)
	}
	tb := r.ForTable("t")
	for col, want := range map[string]bool{"a": true, "b": true, "c": true, "d": false, "e": false} {
		c := tb.Column(col)
		if c.Keep != want {
			t.Errorf("column %s: Keep = %v, want %v", col, c.Keep, want)
		}
		if c.Keep && (c.Spec != nil || c.Where != nil || c.PHP != nil || c.JSON != nil) {
			t.Errorf("column %s: a keep rule with more: %+v", col, c)
		}
	}
	if d := tb.Column("d"); d.Spec == nil || d.Spec.Name != "keep" || len(d.JSON) != 1 {
		t.Errorf("keep beside paths is the transformer for other values: %+v", d)
	}
	e := r.ForTable("meta").EAV
	for key, want := range map[string]bool{"blogname": true, "BlogName": true, "_wp_page_template": true, "_wp_secret": false, "doc": false, "paths": false} {
		if k := e.ForKey(key); k == nil || k.Keep != want {
			t.Errorf("key %s: %+v, want Keep %v", key, k, want)
		}
	}
	if k := e.ForKey("paths"); k.JSON[0].Spec.Name != "keep" {
		t.Errorf("keep in a path map is the keep transformer: %+v", k.JSON[0])
	}

	// keep written as the rule and as the transformer it was before
	// encode alike.
	other, err := Parse("k.yml", []byte(`version: 1
tables:
  t:
    columns:
      e: email
      d: {transform: keep, json: {"x": email}}
      c: keep
      b: keep
      a: {transform: keep}
  meta:
    eav: {key_column: k, value_column: v}
    keys:
      paths: {json: {"a.*": keep, "a.mail": email}}
      doc: {transform: keep, php: {"*.ip": ip}}
      _wp_secret: empty
      "_wp_*": {keep: {}}
      blogname: {transform: keep}
`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Digest() != other.Digest() {
		t.Error("the same keep rules written otherwise have different digests")
	}
}

func TestKeepErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"keep with where", `version: 1
tables:
  t:
    columns:
      a: {transform: keep, where: {b: 1}}
`, `e.yml:5:10: column "a" of table "t": keep takes no where (the rows it leaves out are copied unchanged too); write "a": keep`},
		{"keep misspelled", `version: 1
tables:
  t:
    columns:
      a: kep
`, `e.yml:5:10: transformer "kep": unknown transformer (did you mean "keep"?)`},
		{"keep key with where", `version: 1
tables:
  m:
    eav: {key_column: k, value_column: v}
    keys:
      a: {transform: keep, where: {b: 1}}
`, `e.yml:6:28: where is not allowed on an EAV key; put it at table level`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("e.yml", []byte(c.src), Options{CheckTransformer: strict})
			if err == nil || err.Error() != c.want {
				t.Errorf("got:\n%v\nwant:\n%s", err, c.want)
			}
		})
	}
}

func TestCoverage(t *testing.T) {
	base, err := Parse("base.yml", []byte(`version: 1
prefix: wp_
tables:
  "{prefix}users":
    columns:
      user_email: email
      user_url: {transform: url, where: {spam: "0"}}
      user_login: keep
  "{prefix}options":
    eav: {key_column: option_name, value_column: option_value}
    keys:
      admin_email: email
      blogname: keep
      "_transient_*": {fixed: "b:0;"}
      "_transient_timeout_*": keep
  "{prefix}posts":
    columns:
      post_content: keep
      meta:
        json: {"author.email": email}
  "{prefix}sessions": truncate
  "{prefix}tmp": skip
  "{prefix}terms": keep
  "{prefix}log_*": truncate
  "{prefix}log_keep": keep
`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table, column, key string
		want               Cover
	}{
		{"wp_users", "user_email", "", Ruled},
		{"wp_users", "USER_EMAIL", "", Ruled},
		{"wp_users", "user_url", "", Ruled}, // a where does not change it
		{"wp_users", "user_login", "", Kept},
		{"wp_users", "display_name", "", Uncovered},
		{"wp_options", "option_value", "admin_email", Ruled},
		{"wp_options", "option_value", "BlogName", Kept},
		{"wp_options", "option_value", "blogname ", Kept}, // PAD SPACE, as ForKey
		{"wp_options", "option_value", "_transient_feed", Ruled},
		{"wp_options", "option_value", "_transient_timeout_feed", Kept},
		{"wp_options", "option_value", "siteurl", Uncovered},
		{"wp_options", "option_value", "", Uncovered},
		{"wp_options", "option_name", "", Ruled}, // the key column: a value found there is a leak
		{"wp_options", "option_name", "admin_email", Ruled},
		{"wp_options", "autoload", "", Uncovered},
		{"wp_posts", "post_content", "", Kept},
		{"wp_posts", "meta", "", Ruled}, // paths only
		{"wp_posts", "post_title", "", Uncovered},
		{"wp_posts", "post_content", "anything", Kept}, // key ignored off EAV
		{"wp_sessions", "data", "", Ruled},
		{"wp_tmp", "x", "", Ruled},
		{"wp_terms", "name", "", Kept},
		{"wp_log_2024", "line", "", Ruled},
		{"wp_log_keep", "line", "", Kept},
		{"WP_USERS", "user_email", "", Uncovered}, // table names compare exactly
		{"other", "x", "", Uncovered},
	} {
		if got := base.Coverage(c.table, c.column, c.key); got != c.want {
			t.Errorf("Coverage(%q, %q, %q) = %v, want %v", c.table, c.column, c.key, got, c.want)
		}
	}
	var none *Rules
	if got := none.Coverage("t", "c", ""); got != Uncovered {
		t.Errorf("nil rules: %v", got)
	}
	if s := Kept.String() + Ruled.String() + Uncovered.String() + Cover(7).String(); s != "keptruleduncoveredCover(7)" {
		t.Errorf("String: %s", s)
	}
}

func TestCoverageOverride(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "base.yml"), `version: 1
tables:
  users:
    columns:
      login: keep
      email: email
  options:
    eav: {key_column: name, value_column: value}
    keys:
      admin_email: email
      "site_*": keep
`)
	writeFile(t, filepath.Join(dir, "site.yml"), `version: 1
extends: base.yml
tables:
  users:
    columns:
      login: username
      email: keep
  options:
    keys:
      admin_email: keep
      site_secret: empty
`)
	r, err := Load(filepath.Join(dir, "site.yml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table, column, key string
		want               Cover
	}{
		{"users", "login", "", Ruled},
		{"users", "email", "", Kept},
		{"options", "value", "admin_email", Kept},
		{"options", "value", "site_name", Kept},
		{"options", "value", "site_secret", Ruled},
	} {
		if got := r.Coverage(c.table, c.column, c.key); got != c.want {
			t.Errorf("Coverage(%q, %q, %q) = %v, want %v", c.table, c.column, c.key, got, c.want)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
