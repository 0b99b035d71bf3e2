package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/suggest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// transformers is the transformer list the presets may use.
var transformers = []string{
	"email", "first_name", "last_name", "full_name", "username", "phone",
	"street", "city", "zip", "country", "company", "ip", "url", "user_agent",
	"date", "lorem", "hash", "null", "empty", "fixed", "keep", "template",
	"password",
}

// knownNames accepts the transformers above with any options.
func knownNames(name string, _ map[string]any) error {
	if slices.Contains(transformers, name) {
		return nil
	}
	if h := suggest.Hint(name, transformers); h != "" {
		return errors.New("unknown transformer" + h)
	}
	return errors.New("unknown transformer")
}

// strict also checks options: only date, fixed and template take any, and
// only the ones they need. Presets must pass it.
func strict(name string, opts map[string]any) error {
	if err := knownNames(name, opts); err != nil {
		return err
	}
	allowed := map[string][]string{"date": {"shift_days"}, "fixed": {"value"}, "template": {"template"}}
	for k := range opts {
		if !slices.Contains(allowed[name], k) {
			return fmt.Errorf("unknown option %q", k)
		}
	}
	switch name {
	case "fixed":
		if _, ok := opts["value"].(string); !ok {
			return errors.New("needs a string value")
		}
	case "template":
		if _, ok := opts["template"].(string); !ok {
			return errors.New("needs a template string")
		}
	}
	return nil
}

// dump renders rules with positions and sources, for golden files.
func dump(t *testing.T, r *Rules) []byte {
	t.Helper()
	b, err := json.MarshalIndent(r.canonical(true), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update after checking):\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.yml")
	files = append(files, "testdata/extends/site.yml")
	if len(files) < 5 {
		t.Fatalf("found only %d test files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r, err := Load(f, Options{CheckTransformer: knownNames})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(f, ".yml")+".golden", dump(t, r))
		})
	}
}

// The minimum form of the issue must parse exactly as written.
func TestMinimumForm(t *testing.T) {
	r, err := Load("testdata/valid/minimum.yml", Options{CheckTransformer: strict})
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Prefix != "" || len(r.Tables) != 3 {
		t.Fatalf("got version %d prefix %q %d tables", r.Version, r.Prefix, len(r.Tables))
	}
	users := r.ForTable("users")
	if users == nil || users.Action != ActionTransform || len(users.Columns) != 4 {
		t.Fatalf("users: %+v", users)
	}
	created := users.Column("CREATED")
	if created == nil || created.Spec.Name != "date" || created.Spec.Options["shift_days"] != 30 {
		t.Fatalf("created: %+v", created)
	}
	if p := created.Spec.Pos.String(); p != "testdata/valid/minimum.yml:8:17" {
		t.Errorf("created spec at %s", p)
	}
	meta := r.ForTable("wp_usermeta")
	if meta.EAV == nil || meta.EAV.KeyColumn != "meta_key" || meta.EAV.ValueColumn != "meta_value" {
		t.Fatalf("eav: %+v", meta.EAV)
	}
	if k := meta.EAV.ForKey("billing_phone"); k == nil || k.Spec.Name != "phone" {
		t.Errorf("billing_phone: %+v", k)
	}
	if k := meta.EAV.ForKey("last_name"); k != nil {
		t.Errorf("last_name has a rule: %+v", k)
	}
	if s := r.ForTable("sessions"); s == nil || s.Action != ActionTruncate {
		t.Errorf("sessions: %+v", s)
	}
	if r.ForTable("posts") != nil {
		t.Error("posts has a rule")
	}
}

func TestScalarShorthand(t *testing.T) {
	src := `version: 1
tables:
  t:
    columns:
      a: {fixed: "x"}
      b: {template: "{first} {last}"}
      c: {date: 7}
      d: {email: {}}
      e: {email: null}
      f: null
`
	r, err := Parse("s.yml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr := r.ForTable("t")
	want := map[string]string{
		"a": "{fixed: {value: x}}",
		"b": "{template: {template: {first} {last}}}",
		"c": "{date: {value: 7}}",
		"d": "email",
		"e": "email",
		"f": "null",
	}
	for col, w := range want {
		if got := tr.Column(col).Spec.String(); got != w {
			t.Errorf("%s: got %s, want %s", col, got, w)
		}
	}
}

func TestExtends(t *testing.T) {
	r, err := Load("testdata/extends/site.yml", Options{CheckTransformer: strict})
	if err != nil {
		t.Fatal(err)
	}
	wantSources := []string{"preset:wordpress", "preset:woocommerce", "testdata/extends/base.yml", "testdata/extends/site.yml"}
	if fmt.Sprint(r.Sources) != fmt.Sprint(wantSources) {
		t.Errorf("sources %v, want %v", r.Sources, wantSources)
	}
	if r.Prefix != "shop1_" {
		t.Errorf("prefix %q", r.Prefix)
	}
	users := r.ForTable("shop1_users")
	if users == nil || users.FromPreset {
		t.Fatalf("shop1_users: %+v", users)
	}
	if c := users.Column("display_name"); c.Spec.Name != "fixed" || c.FromPreset {
		t.Errorf("display_name: %+v", c)
	}
	if c := users.Column("user_email"); c.Spec.Name != "email" || !c.FromPreset {
		t.Errorf("user_email: %+v", c)
	}
	meta := r.ForTable("shop1_usermeta")
	for key, want := range map[string]string{
		"billing_phone":          "fixed",      // site overrides woocommerce
		"billing_email":          "email",      // wordpress (WooCommerce's keys)
		"first_name":             "first_name", // wordpress
		"loyalty_card":           "hash",       // site
		"SESSION_TOKENS":         "empty",      // wordpress, whatever the case
		"_APPLICATION_PASSWORDS": "",           // wordpress, php paths only
	} {
		k := meta.EAV.ForKey(key)
		if k == nil {
			t.Errorf("key %s: no rule", key)
			continue
		}
		if want == "" {
			if k.Spec != nil || len(k.PHP) != 2 {
				t.Errorf("key %s: %+v", key, k)
			}
		} else if k.Spec.Name != want {
			t.Errorf("key %s: %s, want %s", key, k.Spec.Name, want)
		}
	}
	if c := r.ForTable("shop1_comments"); c.Action != ActionKeep {
		t.Errorf("comments: %v", c.Action)
	}
	gf := r.ForTable("shop1_gf_entry")
	if len(gf.Columns) != 3 {
		t.Errorf("gf_entry columns: %d", len(gf.Columns))
	}
	if r.Files.MaxSize != 10_000_000 {
		t.Errorf("max_size %d", r.Files.MaxSize)
	}
	if !r.Files.Excluded("wp-content/uploads/private/x.pdf") || !r.Files.Excluded("wp-content/updraft/db.gz") {
		t.Errorf("exclude list %v", r.Files.Exclude)
	}
	if r.ForTable("wp_users") != nil {
		t.Error("wp_users matched although the prefix is shop1_")
	}
}

func TestOptionsPrefix(t *testing.T) {
	r, err := LoadPreset("preset:wordpress", Options{Prefix: "blog_"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ForTable("blog_users") == nil || r.ForTable("wp_users") != nil || r.ForTable("blog_3_options") == nil {
		t.Error("Options.Prefix not applied")
	}
}

func TestDiamond(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yml", "version: 1\nextends: [b.yml, c.yml]\n")
	write("b.yml", "version: 1\nextends: d.yml\ntables:\n  t: {columns: {x: email}}\n")
	write("c.yml", "version: 1\nextends: d.yml\n")
	write("d.yml", "version: 1\ntables:\n  t: {columns: {x: phone}}\n")
	r, err := Load(filepath.Join(dir, "a.yml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.ForTable("t").Column("x").Spec.Name; got != "email" {
		t.Errorf("d.yml applied twice: x is %s", got)
	}
	if len(r.Sources) != 4 {
		t.Errorf("sources %v", r.Sources)
	}
}

func TestPresets(t *testing.T) {
	want := []string{"drupal", "magento2", "prestashop", "woocommerce", "wordpress"}
	if got := Presets(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Presets() = %v", got)
	}
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			r, err := LoadPreset(name, Options{CheckTransformer: strict})
			if err != nil {
				t.Fatal(err)
			}
			data, _ := presetFS.ReadFile("presets/" + name + ".yml")
			if !bytes.HasPrefix(data, []byte("# preset:"+name+":")) {
				t.Error("preset does not start with its header comment")
			}
			if len(r.Tables) < 10 {
				t.Errorf("only %d tables", len(r.Tables))
			}
			for _, tr := range r.Tables {
				if !tr.FromPreset {
					t.Errorf("%s not marked FromPreset", tr.Pattern)
				}
				if strings.Contains(tr.Pattern, "{") {
					t.Errorf("unresolved pattern %s", tr.Pattern)
				}
			}
			if len(r.Files.Scrub) == 0 {
				t.Error("no scrub rules")
			}
			if r.Digest() == "" {
				t.Error("no digest")
			}
		})
	}
	wantPrefix := map[string]string{"wordpress": "wp_", "woocommerce": "wp_", "prestashop": "ps_", "magento2": "", "drupal": ""}
	for name, p := range wantPrefix {
		r, _ := LoadPreset(name, Options{})
		if r.Prefix != p {
			t.Errorf("%s: prefix %q, want %q", name, r.Prefix, p)
		}
	}
	if _, err := LoadPreset("joomla", Options{}); err == nil || !strings.Contains(err.Error(), "unknown preset") {
		t.Errorf("LoadPreset(joomla): %v", err)
	}
}

// Each preset names the tables it says it covers.
func TestPresetCoverage(t *testing.T) {
	cover := map[string][]string{
		"wordpress":   {"wp_users", "wp_usermeta", "wp_comments", "wp_options", "wp_2_comments", "wp_signups"},
		"woocommerce": {"wp_users", "wp_postmeta", "wp_wc_orders", "wp_wc_order_addresses", "wp_wc_customer_lookup", "wp_woocommerce_sessions", "wp_wc_download_log"},
		"prestashop":  {"ps_customer", "ps_address", "ps_connections", "ps_customer_thread", "ps_customer_message", "ps_employee", "ps_emailsubscription", "ps_newsletter", "ps_mail", "ps_orders", "ps_cart"},
		"magento2":    {"customer_entity", "customer_address_entity", "customer_grid_flat", "sales_order", "sales_order_address", "sales_order_grid", "quote", "quote_address", "newsletter_subscriber", "admin_user", "sales_invoice_grid", "sales_creditmemo_grid", "sales_shipment_grid", "review_detail", "customer_visitor", "email_contact"},
		"drupal":      {"users_field_data", "users_data", "sessions", "watchdog", "comment_field_data", "contact_message", "cache_render"},
	}
	for name, tables := range cover {
		r, err := LoadPreset(name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			if r.ForTable(tb) == nil {
				t.Errorf("%s: no rule for %s", name, tb)
			}
		}
	}
	mg, _ := LoadPreset("magento2", Options{})
	if tr := mg.ForTable("email_template"); tr == nil || tr.Action != ActionKeep {
		t.Errorf("magento2 does not keep email_template: %+v", tr)
	}
	wc, _ := LoadPreset("woocommerce", Options{})
	if k := wc.ForTable("wp_options").EAV.ForKey("_transient_timeout_wc_x"); k == nil || !k.Keep || k.Spec != nil {
		t.Errorf("transient timeout: %+v", k)
	}
	if k := wc.ForTable("wp_options").EAV.ForKey("_transient_wc_x"); k == nil || k.Spec.Options["value"] != "b:0;" {
		t.Errorf("transient: %+v", k)
	}
}

type mapSchema map[string][]string

func (m mapSchema) Tables() []string {
	var out []string
	for t := range m {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func (m mapSchema) Columns(t string) []string { return m[t] }

func TestCheckSchema(t *testing.T) {
	src := `version: 1
extends: preset:wordpress
tables:
  users:
    where: {Active: "1"}
    columns:
      EMAIL: email
      nmae: full_name
  orders: truncate
  "wp_*_log":
    columns:
      ip: ip
  meta:
    eav: {key_column: k, value_column: v}
    keys:
      phone: phone
`
	r, err := Parse("site.yml", []byte(src), Options{CheckTransformer: strict})
	if err != nil {
		t.Fatal(err)
	}
	s := mapSchema{
		"users":       {"id", "email", "name", "active"},
		"meta":        {"id", "k", "value"},
		"wp_users":    {"ID", "user_login", "user_email", "user_pass", "user_nicename", "user_url", "user_activation_key"},
		"wp_comments": {"comment_ID", "comment_author", "comment_author_email", "comment_author_url", "comment_author_IP", "comment_agent", "comment_content"},
	}
	warnings, err := r.CheckSchema(s)
	wantErr := strings.Join([]string{
		`site.yml:8:7: column "nmae" not found in table "users" (did you mean "name"?)`,
		`site.yml:9:3: table "orders" not found in the database`,
		`site.yml:10:3: no table matches "wp_*_log"`,
		`site.yml:14:10: column "v" not found in table "meta"`,
	}, "\n")
	if err == nil || err.Error() != wantErr {
		t.Errorf("errors:\n%v\nwant:\n%s", err, wantErr)
	}
	var es Errors
	if !errors.As(err, &es) || len(es) != 4 {
		t.Errorf("not an Errors of 4: %T", err)
	}
	wantWarn := []string{
		`preset:wordpress:46:7: column "display_name" not found in table "wp_users"`,
	}
	if fmt.Sprint(warnings) != fmt.Sprint(wantWarn) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(wantWarn, "\n"))
	}

	// With every table and column present there is nothing to say.
	s["orders"] = []string{"id"}
	s["wp_app_log"] = []string{"ip"}
	s["users"] = append(s["users"], "nmae")
	s["meta"] = append(s["meta"], "V")
	s["wp_users"] = append(s["wp_users"], "display_name")
	warnings, err = r.CheckSchema(s)
	if err != nil || len(warnings) != 0 {
		t.Errorf("clean schema: %v %v", warnings, err)
	}
}

func TestForTablePrecedence(t *testing.T) {
	src := `version: 1
tables:
  "*": keep
  "wp_*": keep
  "*users": keep
  "wp_u*": keep
  "wp_*meta": keep
  "wp_users": truncate
  "wp_[a-z]*": keep
  "wp_?ptions": keep
`
	r, err := Parse("p.yml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]string{
		"wp_users":    "wp_users",   // exact beats globs
		"wp_usermeta": "wp_u*",      // longer literal prefix than wp_*meta
		"wp_postmeta": "wp_*meta",   // same prefix as wp_* / wp_[a-z]*, more literals
		"wp_options":  "wp_?ptions", // same prefix, most literals
		"wp_links":    "wp_*",       // tie with wp_[a-z]*: first wins
		"my_users":    "*users",
		"other":       "*",
	} {
		got := r.ForTable(table)
		if got == nil || got.Pattern != want {
			t.Errorf("%s: got %+v, want %s", table, got, want)
		}
	}
	var nilRules *Rules
	if nilRules.ForTable("x") != nil {
		t.Error("nil rules matched")
	}
}

func TestForKey(t *testing.T) {
	e := &EAVRule{Keys: []*KeyRule{
		{Key: "_transient_*", Spec: &Spec{Name: "empty"}},
		{Key: "_transient_timeout_*", Keep: true},
		{Key: "Billing_Phone", Spec: &Spec{Name: "phone"}},
		{Key: "billing_*", Spec: &Spec{Name: "lorem"}},
	}}
	for key, want := range map[string]string{
		"_transient_feed":         "empty",
		"_transient_timeout_feed": "keep",
		"billing_phone":           "phone",
		"BILLING_PHONE":           "phone",
		"billing_city":            "lorem",
		"shipping_city":           "",
	} {
		k := e.ForKey(key)
		got := ""
		switch {
		case k != nil && k.Keep:
			got = "keep"
		case k != nil:
			got = k.Spec.Name
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", key, got, want)
		}
	}
	var nilEAV *EAVRule
	if nilEAV.ForKey("x") != nil {
		t.Error("nil EAV matched")
	}
}

func TestForPath(t *testing.T) {
	mk := func(p string) *PathRule { return &PathRule{Path: p, Spec: Spec{Name: p}} }
	paths := []*PathRule{mk("*.ip"), mk("**.ip"), mk("abc.ip"), mk("user.*_ip"), mk("**")}
	for keys, want := range map[string]string{
		"abc.ip":       "abc.ip",
		"def.ip":       "*.ip",
		"ip":           "**.ip",
		"a.b.c.ip":     "**.ip",
		"user.last_ip": "user.*_ip",
		"user.name":    "**",
		"":             "**",
	} {
		var ks []string
		if keys != "" {
			ks = strings.Split(keys, ".")
		}
		got := ForPath(paths, ks)
		if got == nil || got.Path != want {
			t.Errorf("%q: got %+v, want %s", keys, got, want)
		}
	}
	if ForPath(paths[:1], []string{"ip"}) != nil {
		t.Error("*.ip matched a top-level key")
	}
}

func TestConditionMatch(t *testing.T) {
	r, err := Load("testdata/valid/conditions.yml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := r.ForTable("orders")
	row := map[string]any{"type": "shop_order", "status": "1", "deleted_at": nil}
	get := func(c string) ([]byte, bool) {
		v, ok := row[c]
		if !ok || v == nil {
			return nil, true
		}
		return []byte(v.(string)), false
	}
	if !MatchAll(o.Where, get) {
		t.Error("row should match the table conditions")
	}
	row["status"] = "cancelled"
	if MatchAll(o.Where, get) {
		t.Error("cancelled row matched")
	}
	tr := o.Column("tracking").Where
	for _, c := range []struct {
		carrier any
		shipped any
		want    bool
	}{
		{"DHL", "2024-01-01", true},
		{"Store PICKUP", "2024-01-01", false},
		{nil, "2024-01-01", true}, // NULL matches no regex, so not-regex holds
		{"DHL", nil, false},
	} {
		row["carrier"], row["shipped"] = c.carrier, c.shipped
		if got := MatchAll(tr, get); got != c.want {
			t.Errorf("carrier %v shipped %v: %v", c.carrier, c.shipped, got)
		}
	}
	note := o.Column("note").Where
	row["note_type"], row["author"] = "customer", "system"
	if MatchAll(note, get) {
		t.Error("system note matched")
	}
	row["author"] = nil
	if !MatchAll(note, get) {
		t.Error("NULL author should match {not: system}")
	}
	row["note_type"] = "customers"
	if MatchAll(note, get) {
		t.Error("anchored regex matched customers")
	}
}

func TestDigest(t *testing.T) {
	a := `version: 1
prefix: wp_
tables:
  "{prefix}users":
    columns:
      user_email: email
      created: {date: {shift_days: 30, keep_time: true}}
  sessions: truncate
  meta:
    eav: {key_column: k, value_column: v}
    keys: {a: phone, b: {php: {"x.y": ip, "*.z": ip}}}
    where: {s: [b, a]}
files: {exclude: [b, a], max_size: 1MB}
`
	b := `# the same rules, written otherwise
version: 1
files:
  max_size: 1000000
  exclude:
    - a
    - b
tables:
  meta:
    where:
      S: [a, b]
    keys:
      b:
        php:
          "*.z": ip
          x.y: ip
      A: phone
    eav:
      value_column: v
      key_column: k
  sessions: {action: truncate}
  wp_users:
    columns:
      created:
        date:
          keep_time: true
          shift_days: 30
      USER_EMAIL: email
prefix: wp_
`
	c := strings.Replace(a, "shift_days: 30", "shift_days: 31", 1)
	d := strings.Replace(a, "phone", "lorem", 1)
	digest := func(s string) string {
		r, err := Parse("d.yml", []byte(s), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Digest()
	}
	da, db := digest(a), digest(b)
	if da != db {
		t.Errorf("same rules, different digests:\n%s\n%s", da, db)
	}
	if len(da) != 64 {
		t.Errorf("digest %q is not SHA-256 hex", da)
	}
	if digest(c) == da || digest(d) == da {
		t.Error("changed rules, same digest")
	}
	// A preset and its own text give the same digest as the file that
	// extends it with nothing more.
	p1, _ := LoadPreset("drupal", Options{})
	p2, err := Parse("x.yml", []byte("version: 1\nextends: preset:drupal\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p1.Digest() != p2.Digest() {
		t.Error("extending a preset changed the digest")
	}
}

func TestFiles(t *testing.T) {
	r, err := Load("testdata/valid/paths.yml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Files
	if f.MaxSize != 1572864 {
		t.Errorf("max_size %d", f.MaxSize)
	}
	for rel, want := range map[string]bool{
		"debug.log":                  true,
		"wp-content/debug.log":       true,
		"var/cache":                  true,
		"var/cache/a/b.php":          true,
		"app/var/cache/x":            false, // /var/cache is anchored
		"uploads/private/id.pdf":     true,
		"wp-content/uploads/private": false,
		"index.php":                  false,
	} {
		if got := f.Excluded(rel); got != want {
			t.Errorf("Excluded(%q) = %v", rel, got)
		}
	}
	cfg := []byte(`<?php
define( 'DB_NAME', 'shop' );
define( 'DB_PASSWORD', 's3cr3t' );
define('AUTH_KEY',         'k3y');
define( "STRIPE_API_KEY", "sk_live_abc" );
$table_prefix = 'wp_';
`)
	sc := f.Scrubbers("wp-config.php")
	if len(sc) != 1 {
		t.Fatalf("scrubbers for wp-config.php: %d", len(sc))
	}
	got := string(sc[0].Apply(cfg))
	for _, secret := range []string{"s3cr3t", "k3y", "sk_live_abc"} {
		if strings.Contains(got, secret) {
			t.Errorf("%s survived:\n%s", secret, got)
		}
	}
	if !strings.Contains(got, "'DB_NAME', 'shop'") || !strings.Contains(got, "define( 'DB_PASSWORD', '"+DefaultReplace+"' )") {
		t.Errorf("scrubbed too much or too little:\n%s", got)
	}
	env := f.Scrubbers("deploy/prod.env")
	if len(env) != 1 {
		t.Fatalf("scrubbers for prod.env: %d", len(env))
	}
	if got := string(env[0].Apply([]byte("API_TOKEN=abc\nKEY=sk_live_9x\nNAME=x\n"))); got != "API_TOKEN=***\nKEY=***\nNAME=x\n" {
		t.Errorf("env scrub: %q", got)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"10MB": 10_000_000, "10 mb": 10_000_000, "1KiB": 1024, "1.5GB": 1_500_000_000,
		"2GiB": 2 << 30, "4096": 4096, "7b": 7, "1K": 1024, "0": 0,
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "10XB", "1..2MB", "-1MB", "99999999999TB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) did not fail", in)
		}
	}
}
