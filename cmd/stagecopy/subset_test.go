package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/rules"
)

// subsetKeys are the primary keys of the tables a WooCommerce subset
// follows, and the e_* table of testdata/subset/closure.sql that holds
// the keys it should take.
var subsetKeys = map[string]string{
	"wp_posts": "ID", "wp_postmeta": "meta_id", "wp_users": "ID", "wp_usermeta": "umeta_id",
	"wp_comments": "comment_ID", "wp_commentmeta": "meta_id", "wp_term_relationships": "object_id, term_taxonomy_id",
	"wp_woocommerce_order_items": "order_item_id", "wp_woocommerce_order_itemmeta": "meta_id",
	"wp_wc_orders": "id", "wp_wc_order_addresses": "id", "wp_wc_orders_meta": "id", "wp_wc_customer_lookup": "customer_id",
}

// TestSubsetWooCommerce snapshots the orders of the last 30 days of a
// generated WooCommerce shop (WordPress 6.1's real schema, HPOS tables)
// with preset:woocommerce and --subset, restores the archive, and checks
// that the copy holds exactly the closure an independent SQL computation
// finds, that no reference of the presets dangles in it, that tables copied
// whole are whole and the others reached by nothing are empty, and that the
// manifest and the summary say what was taken.
func TestSubsetWooCommerce(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, "SET sql_mode = '';\n"+gunzipFile(t, "../../testdata/cms/wordpress-6.1.sql.gz"))
	srv.LoadFile(t, src, "testdata/subset/woo.sql")
	_, exp := mariadbtest.DatabaseName(t, "exp")
	srv.Exec(t, "", "CREATE DATABASE "+exp)
	closure, err := os.ReadFile("testdata/subset/closure.sql")
	if err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, exp, strings.ReplaceAll(string(closure), "SRC.", "`"+src+"`."))

	dir := t.TempDir()
	out := filepath.Join(dir, "subset.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--preset", "woocommerce", "--socket", srv.Socket, "-u", "root", "-D", src, "-j", "2",
		"--subset", "wp_posts: post_type = 'shop_order' AND post_date >= NOW() - INTERVAL 30 DAY", "-o", out)
	if code != 0 {
		t.Fatalf("snapshot: %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"subset ", "left out", "wp_signups", "wp_2_posts"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, stdout)
		}
	}
	_, dst := mariadbtest.DatabaseName(t, "dst")
	code, stdout, stderr = runCLI(t, "restore", "-q", "--socket", srv.Socket, "-u", "root", "--db-name", dst, "--cms", "none", "--state-dir", filepath.Join(dir, "state"), out)
	if code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", code, stdout, stderr)
	}

	// Exactly the rows of the closure.
	want := map[string]int{}
	for tb, key := range subsetKeys {
		e := "e_" + strings.TrimPrefix(tb, "wp_")
		ekey := "id"
		if tb == "wp_term_relationships" {
			ekey = key
		}
		n := srv.Query(t, exp, "SELECT COUNT(*) FROM "+e)
		var wn int
		fmt.Sscan(n, &wn)
		want[tb] = wn
		missing := srv.Query(t, dst, fmt.Sprintf("SELECT COUNT(*) FROM `%s`.%s e LEFT JOIN %s t ON (%s) = (%s) WHERE t.%s IS NULL", exp, e, tb, prefixed("t.", key), prefixed("e.", ekey), strings.Split(key, ",")[0]))
		extra := srv.Query(t, dst, fmt.Sprintf("SELECT COUNT(*) FROM %s t LEFT JOIN `%s`.%s e ON (%s) = (%s) WHERE e.%s IS NULL", tb, exp, e, prefixed("t.", key), prefixed("e.", ekey), strings.Split(ekey, ",")[0]))
		if missing != "0" || extra != "0" {
			t.Errorf("%s: %s rows of the closure missing, %s rows not in it (closure: %s rows)", tb, missing, extra, n)
		}
	}
	// The test data tests something: recent orders, not all of them,
	// refunds of them (children reached through post_parent), customers
	// but not every user.
	var orders, refunds, users int
	fmt.Sscan(srv.Query(t, dst, "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order'"), &orders)
	fmt.Sscan(srv.Query(t, dst, "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order_refund'"), &refunds)
	fmt.Sscan(srv.Query(t, dst, "SELECT COUNT(*) FROM wp_users"), &users)
	if orders < 100 || orders > 1000 || refunds == 0 || refunds == 100 || users < 10 || users >= 300 {
		t.Errorf("the subset took %d orders, %d refunds and %d users: the test data tests little", orders, refunds, users)
	}

	// rules explain --dry-run takes as many rows as the snapshot did.
	code, stdout, stderr = runCLI(t, "rules", "explain", "--preset", "woocommerce", "--dry-run", "--socket", srv.Socket, "-u", "root", "-D", src,
		"--subset", "wp_posts: post_type = 'shop_order' AND post_date >= NOW() - INTERVAL 30 DAY")
	if code != 0 {
		t.Fatalf("rules explain --dry-run: %d\n%s\n%s", code, stdout, stderr)
	}
	dry := map[string]string{}
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Fields(line); len(f) == 4 {
			dry[f[0]] = f[1] + " " + f[2]
		}
	}
	for tb, n := range want {
		if got, w := dry[tb], fmt.Sprintf("reached %d", n); got != w && got != fmt.Sprintf("root %d", n) {
			t.Errorf("rules explain --dry-run: %s: %q, want %q", tb, got, w)
		}
	}
	for _, s := range []string{"wp_postmeta.post_id -> wp_posts.ID (dependents)", "left out:", "wp_signups"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("rules explain --dry-run lacks %q:\n%s", s, stdout)
		}
	}
	if dry["wp_options"] == "" || !strings.HasPrefix(dry["wp_options"], "whole ~") {
		t.Errorf("rules explain --dry-run: wp_options %q", dry["wp_options"])
	}

	// No reference of the presets dangles: every value a restored row
	// refers to that the source has, the copy has.
	p, err := rules.LoadPreset("woocommerce", rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tables := strings.Fields(srv.Query(t, dst, "SELECT GROUP_CONCAT(TABLE_NAME SEPARATOR ' ') FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"))
	has := func(tb string) bool {
		for _, x := range tables {
			if x == tb {
				return true
			}
		}
		return false
	}
	checked := 0
	for _, r := range p.Subset.References {
		if !has(r.From) || !has(r.To) {
			continue
		}
		cond := r.Condition()
		if cond == "" {
			cond = "1"
		}
		q := fmt.Sprintf("SELECT COUNT(*) FROM (SELECT * FROM `%s` WHERE %s) c JOIN `%s`.`%s` s ON s.`%s` = c.`%s` LEFT JOIN `%s` d ON d.`%s` = c.`%s` WHERE d.`%s` IS NULL",
			r.From, cond, src, r.To, r.ToColumn, r.FromColumn, r.To, r.ToColumn, r.FromColumn, r.ToColumn)
		if n := srv.Query(t, dst, q); n != "0" {
			t.Errorf("%s: %s rows of the copy refer to rows it lacks", r, n)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("checked %d references: the presets' list or the test schema shrank", checked)
	}

	// Whole tables are whole; tables reached by nothing are empty.
	for _, tb := range []string{"wp_options", "wp_terms", "wp_term_taxonomy", "wp_wc_tax_rate_classes", "wp_sitemeta"} {
		if a, b := srv.Query(t, src, "SELECT COUNT(*) FROM "+tb), srv.Query(t, dst, "SELECT COUNT(*) FROM "+tb); a != b || a == "0" {
			t.Errorf("%s: %s rows in the source, %s in the copy", tb, a, b)
		}
	}
	for _, tb := range []string{"wp_signups", "wp_2_posts"} {
		if n := srv.Query(t, dst, "SELECT COUNT(*) FROM "+tb); n != "0" {
			t.Errorf("%s: %s rows, want none (reached by nothing)", tb, n)
		}
	}
	if n := srv.Query(t, dst, "SELECT COUNT(*) FROM wp_posts WHERE post_type IN ('revision', 'user_request')"); n != "0" {
		t.Errorf("%s revisions and privacy requests copied", n)
	}

	// The manifest records the definition and the counts.
	var m struct {
		Subset struct {
			Roots  []struct{ Table, Where string }
			Tables []struct {
				Table   string
				How     string
				Taken   int64
				Present int64 `json:"present_estimate"`
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
	if len(m.Subset.Roots) != 2 || m.Subset.Roots[0].Table != "wp_posts" || !strings.Contains(m.Subset.Roots[0].Where, "shop_order") {
		t.Errorf("manifest roots = %+v", m.Subset.Roots)
	}
	seen := 0
	for _, st := range m.Subset.Tables {
		if w, ok := want[st.Table]; ok {
			seen++
			if st.Taken != int64(w) {
				t.Errorf("manifest: %s taken %d, want %d", st.Table, st.Taken, w)
			}
		}
		if st.Table == "wp_options" && (st.How != "whole" || st.Taken == 0) {
			t.Errorf("manifest: %+v", st)
		}
		if st.Table == "wp_signups" && st.How != "empty" {
			t.Errorf("manifest: %+v", st)
		}
	}
	if seen != len(want) {
		t.Errorf("manifest lists %d of the %d followed tables", seen, len(want))
	}
}

func prefixed(p, cols string) string {
	var out []string
	for _, c := range strings.Split(cols, ",") {
		out = append(out, p+strings.TrimSpace(c))
	}
	return strings.Join(out, ",")
}

func gunzipFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSubsetNeedsLiveDatabase: --subset, or a rules file's subset roots,
// with --dump is a usage error that says why, and writes nothing.
func TestSubsetNeedsLiveDatabase(t *testing.T) {
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "r.yml")
	if err := os.WriteFile(rulesFile, []byte("version: 1\nextends: preset:wordpress\nsubset:\n  roots:\n    - {table: wp_posts, where: \"post_type = 'shop_order'\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--preset", "wordpress", "--subset", "wp_posts: post_type = 'shop_order'"},
		{"--rules", rulesFile},
	} {
		out := filepath.Join(dir, "x.tar.zst")
		code, _, stderr := runCLI(t, append(append([]string{"snapshot"}, args...), "--dump", filepath.Join(demoDir, "demo.sql"), "-o", out)...)
		if code != exitUsage || !strings.Contains(stderr, "a dump file cannot be followed") {
			t.Errorf("%v: code %d, stderr %q", args, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v wrote an archive", args)
		}
	}
	code, _, stderr := runCLI(t, "rules", "explain", "--preset", "wordpress", "--dry-run", "--dump", filepath.Join(demoDir, "demo.sql"))
	if code != exitUsage || !strings.Contains(stderr, "a dump file cannot be followed") {
		t.Errorf("rules explain --dry-run --dump: code %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "snapshot", "--preset", "wordpress", "--subset", "wp_posts", "--dump", filepath.Join(demoDir, "demo.sql"), "-o", filepath.Join(dir, "y.tar.zst"))
	if code != exitUsage || !strings.Contains(stderr, "TABLE: CONDITION") {
		t.Errorf("--subset without a condition: code %d, stderr %q", code, stderr)
	}
}
