package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
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
	srv.Exec(t, src, "SET sql_mode = '';\n"+flowtest.ReadGzip(t, "../../testdata/cms/wordpress-6.1.sql.gz"))
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

	// No reference of the presets dangles, and every row that belongs to
	// a taken row was taken.
	m := readSubsetManifest(t, out)
	if checked := checkSubsetClosed(t, srv, src, dst, "woocommerce", m); checked < 20 {
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

// subsetManifest is what a manifest says of a subset.
type subsetManifest struct {
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

func readSubsetManifest(t *testing.T, archive string) subsetManifest {
	t.Helper()
	var m subsetManifest
	b, err := os.ReadFile(archive + ".manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkSubsetClosed checks every reference of a preset between tables of
// the restored copy dst of a subset of src: no row of the copy refers to a
// row the source has and the copy lacks (nothing dangles), and for a
// reference with dependents, the copy has every row of the source that
// refers to a row of the copy (unless the referenced table was copied
// whole, whose rows are not followed down). It returns how many references
// it checked.
func checkSubsetClosed(t *testing.T, srv *mariadbtest.Server, src, dst, preset string, m subsetManifest) int {
	t.Helper()
	p, err := rules.LoadPreset(preset, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	whole := map[string]bool{}
	for _, st := range m.Subset.Tables {
		whole[st.Table] = st.How == "whole"
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
	// A reference from a pattern holds for each table it matches.
	var refs []*rules.Reference
	for _, r := range p.Subset.References {
		if !strings.ContainsAny(r.From, "*?[") {
			refs = append(refs, r)
			continue
		}
		for _, tb := range tables {
			if ok, _ := path.Match(r.From, tb); ok && srv.Query(t, dst, fmt.Sprintf("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s' AND COLUMN_NAME = '%s'", tb, r.FromColumn)) == "1" {
				x := *r
				x.From = tb
				refs = append(refs, &x)
			}
		}
	}
	checked := 0
	for _, r := range refs {
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
		if r.Dependents && !whole[r.To] {
			q := fmt.Sprintf("SELECT (SELECT COUNT(*) FROM `%s`.`%s` c WHERE (%s) AND c.`%s` IN (SELECT `%s` FROM `%s`)) - (SELECT COUNT(*) FROM `%s` c WHERE (%s) AND c.`%s` IN (SELECT `%s` FROM `%s`))",
				src, r.From, cond, r.FromColumn, r.ToColumn, r.To, r.From, cond, r.FromColumn, r.ToColumn, r.To)
			if n := srv.Query(t, dst, q); n != "0" {
				t.Errorf("%s: %s rows of the source that belong to rows of the copy are not in it", r, n)
			}
		}
		checked++
	}
	return checked
}

func prefixed(p, cols string) string {
	var out []string
	for _, c := range strings.Split(cols, ",") {
		out = append(out, p+strings.TrimSpace(c))
	}
	return strings.Join(out, ",")
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

// TestSubsetPrestaShop snapshots the orders of the last 30 days of a
// generated shop on the real schemas of PrestaShop 1.7 and 9 (the oldest and newest the tests have) with preset:prestashop and
// --subset, restores the archive, and checks that no reference of the
// preset dangles and every row that belongs to a taken row was taken; that
// the copy holds exactly the recent orders and the customers an independent
// SQL query names (theirs, and those vouchers and prices were made for);
// that the catalogue and settings are whole and the visitor logs empty.
func TestSubsetPrestaShop(t *testing.T) {
	for _, v := range []string{"1.7", "9"} {
		t.Run(v, func(t *testing.T) { testSubsetPrestaShop(t, v) })
	}
}

func testSubsetPrestaShop(t *testing.T, version string) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, "SET sql_mode = '';\n"+flowtest.ReadGzip(t, "../../testdata/cms/prestashop-"+version+".sql.gz"))
	srv.LoadFile(t, src, "testdata/subset/prestashop.sql")
	dir := t.TempDir()
	out := filepath.Join(dir, "subset.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--preset", "prestashop", "--socket", srv.Socket, "-u", "root", "-D", src, "-j", "2",
		"--subset", "ps_orders: date_add >= NOW() - INTERVAL 30 DAY", "-o", out, "--json")
	if code != 0 {
		t.Fatalf("snapshot: %d\n%s\n%s", code, stdout, stderr)
	}
	// --json gives the manifest's subset record.
	var j struct {
		Subset json.RawMessage
	}
	if err := json.Unmarshal([]byte(stdout), &j); err != nil {
		t.Fatalf("snapshot --json: %v\n%s", err, stdout)
	}
	var man struct{ Subset json.RawMessage }
	if b, err := os.ReadFile(out + ".manifest.json"); err != nil || json.Unmarshal(b, &man) != nil {
		t.Fatalf("manifest: %v", err)
	}
	if len(j.Subset) < 100 || string(j.Subset) != string(man.Subset) {
		t.Errorf("snapshot --json: subset %s\nthe manifest's: %s", j.Subset, man.Subset)
	}
	_, dst := mariadbtest.DatabaseName(t, "dst")
	code, stdout, stderr = runCLI(t, "restore", "-q", "--socket", srv.Socket, "-u", "root", "--db-name", dst, "--cms", "none", "--state-dir", filepath.Join(dir, "state"), out)
	if code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", code, stdout, stderr)
	}
	m := readSubsetManifest(t, out)
	if checked := checkSubsetClosed(t, srv, src, dst, "prestashop", m); checked < 35 {
		t.Errorf("checked %d references: the preset's list or the test schema shrank", checked)
	}

	// Exactly the recent orders, and the customers an independent query
	// names.
	recent := srv.Query(t, src, "SELECT GROUP_CONCAT(id_order ORDER BY id_order) FROM ps_orders WHERE date_add >= NOW() - INTERVAL 30 DAY")
	if got := srv.Query(t, dst, "SELECT GROUP_CONCAT(id_order ORDER BY id_order) FROM ps_orders"); got != recent || strings.Count(recent, ",") < 50 {
		t.Errorf("orders in the copy: %s\nwant %s", got, recent)
	}
	customers := srv.Query(t, src, "SELECT GROUP_CONCAT(id ORDER BY id) FROM (SELECT id_customer id FROM ps_orders WHERE date_add >= NOW() - INTERVAL 30 DAY"+
		" UNION SELECT id_customer FROM ps_cart_rule WHERE id_customer <> 0 UNION SELECT id_customer FROM ps_specific_price WHERE id_customer <> 0"+
		" UNION SELECT c.id_customer FROM ps_cart c JOIN ps_specific_price s ON s.id_cart = c.id_cart) x")
	if got := srv.Query(t, dst, "SELECT GROUP_CONCAT(id_customer ORDER BY id_customer) FROM ps_customer"); got != customers {
		t.Errorf("customers in the copy: %s\nwant %s", got, customers)
	}
	var nCustomers int
	fmt.Sscan(srv.Query(t, dst, "SELECT COUNT(*) FROM ps_customer"), &nCustomers)
	if nCustomers < 20 || nCustomers >= 200 {
		t.Errorf("%d customers taken of 200: the test data tests little", nCustomers)
	}
	for q, want := range map[string]string{
		// Carts: those of the recent orders, and the one a price was made for.
		"SELECT COUNT(*) FROM ps_cart": fmt.Sprint(strings.Count(recent, ",") + 2),
		// The shop's own addresses come whatever the subset.
		"SELECT COUNT(*) FROM ps_address WHERE id_customer = 0":             "5",
		"SELECT COUNT(*) FROM ps_order_payment":                             fmt.Sprint(strings.Count(recent, ",") + 1),
		"SELECT COUNT(*) FROM ps_connections":                               "0",
		"SELECT COUNT(*) FROM ps_guest WHERE id_customer = 0":               "0",
		"SELECT COUNT(*) FROM ps_product":                                   "2",
		"SELECT COUNT(*) FROM ps_cart_rule":                                 "3",
		"SELECT COUNT(*) FROM ps_specific_price":                            "3",
		"SELECT COUNT(*) FROM ps_carrier":                                   "1",
		"SELECT COUNT(*) FROM ps_configuration WHERE name = 'PS_SHOP_NAME'": "1",
	} {
		if got := srv.Query(t, dst, q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	// Every table with rows in the source is whole, followed or said to be
	// left out.
	how := map[string]string{}
	for _, st := range m.Subset.Tables {
		how[st.Table] = st.How
	}
	for _, tb := range []string{"ps_orders", "ps_customer", "ps_address", "ps_order_detail", "ps_customer_message", "ps_message_readed", "ps_customized_data"} {
		if h := how[tb]; h != "root" && h != "reached" {
			t.Errorf("manifest: %s %q, want followed", tb, h)
		}
	}
	for tb, want := range map[string]string{"ps_product": "whole", "ps_configuration": "whole", "ps_cart_rule_lang": "whole", "ps_connections": "empty", "ps_order_detail_tax": "empty"} {
		if how[tb] != want {
			t.Errorf("manifest: %s %q, want %q", tb, how[tb], want)
		}
	}
}

// TestSubsetDrupal snapshots the articles changed in the last 30 days of a
// generated site on Drupal 10's real schema with preset:drupal and --subset,
// restores the archive, and checks that no reference of the preset dangles
// and every row that belongs to a taken row was taken (fields of the site's
// own, in node__field_test_1, too); that the copy holds exactly the recent
// articles, the accounts that wrote them, their revisions and comments, and
// no account that wrote only older ones; the tags and images they use;
// configuration and aliases whole, reading history empty.
func TestSubsetDrupal(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, "SET sql_mode = '';\n"+flowtest.ReadGzip(t, "../../testdata/cms/drupal-10.sql.gz"))
	srv.LoadFile(t, src, "testdata/subset/drupal.sql")
	dir := t.TempDir()
	out := filepath.Join(dir, "subset.tar.zst")
	const root = "changed >= UNIX_TIMESTAMP(NOW() - INTERVAL 30 DAY)"
	code, stdout, stderr := runCLI(t, "snapshot", "--preset", "drupal", "--socket", srv.Socket, "-u", "root", "-D", src, "-j", "2",
		"--subset", "node_field_data: "+root, "-o", out)
	if code != 0 {
		t.Fatalf("snapshot: %d\n%s\n%s", code, stdout, stderr)
	}
	_, dst := mariadbtest.DatabaseName(t, "dst")
	code, stdout, stderr = runCLI(t, "restore", "-q", "--socket", srv.Socket, "-u", "root", "--db-name", dst, "--cms", "none", "--state-dir", filepath.Join(dir, "state"), out)
	if code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", code, stdout, stderr)
	}
	m := readSubsetManifest(t, out)
	if checked := checkSubsetClosed(t, srv, src, dst, "drupal", m); checked < 40 {
		t.Errorf("checked %d references: the preset's list or the test schema shrank", checked)
	}

	recent := srv.Query(t, src, "SELECT GROUP_CONCAT(nid ORDER BY nid) FROM node_field_data WHERE "+root)
	if strings.Count(recent, ",") < 20 || strings.Count(recent, ",") > 40 {
		t.Fatalf("recent articles %s: the test data tests little", recent)
	}
	// The accounts: 0 and 1, and those an independent query names as
	// authors of the recent articles, their revisions, comments and images.
	users := srv.Query(t, src, "SELECT GROUP_CONCAT(uid ORDER BY uid) FROM (SELECT 0 uid UNION SELECT 1"+
		" UNION SELECT n.uid FROM node_field_data n WHERE n."+root+
		" UNION SELECT r.revision_uid FROM node_revision r JOIN node_field_data n ON n.nid = r.nid WHERE n."+root+
		" UNION SELECT c.uid FROM comment_field_data c JOIN node_field_data n ON n.nid = c.entity_id AND c.entity_type = 'node' WHERE n."+root+
		" UNION SELECT f.uid FROM file_managed f JOIN file_usage u ON u.fid = f.fid AND u.type = 'node' JOIN node_field_data n ON n.nid = u.id WHERE n."+root+") x")
	for q, want := range map[string]string{
		"SELECT GROUP_CONCAT(nid ORDER BY nid) FROM node":                                             recent,
		"SELECT GROUP_CONCAT(nid ORDER BY nid) FROM node_field_data":                                  recent,
		"SELECT GROUP_CONCAT(DISTINCT entity_id ORDER BY entity_id) FROM node__field_test_1":          recent,
		"SELECT GROUP_CONCAT(DISTINCT entity_id ORDER BY entity_id) FROM node_revision__field_test_1": recent,
		"SELECT GROUP_CONCAT(DISTINCT entity_id ORDER BY entity_id) FROM comment_field_data":          recent,
		"SELECT GROUP_CONCAT(uid ORDER BY uid) FROM users":                                            users,
		"SELECT GROUP_CONCAT(uid ORDER BY uid) FROM users_field_data":                                 users,
		"SELECT COUNT(*) FROM node_revision":                                                          fmt.Sprint(2 * (strings.Count(recent, ",") + 1)),
		"SELECT COUNT(*) FROM comment":                                                                fmt.Sprint(2 * (strings.Count(recent, ",") + 1)),
		"SELECT GROUP_CONCAT(tid ORDER BY tid) FROM taxonomy_term_data":                               srv.Query(t, src, "SELECT GROUP_CONCAT(DISTINCT tid ORDER BY tid) FROM taxonomy_index i JOIN node_field_data n USING (nid) WHERE n."+root),
		"SELECT COUNT(*) FROM file_managed WHERE fid < 2000":                                          fmt.Sprint(strings.Count(recent, ",") + 1),
		"SELECT GROUP_CONCAT(fid) FROM file_managed WHERE fid > 2000":                                 "2005",
		"SELECT COUNT(*) FROM path_alias":                                                             "120",
		"SELECT COUNT(*) FROM config WHERE name = 'system.site'":                                      "1",
		"SELECT COUNT(*) FROM history":                                                                "0",
		"SELECT COUNT(*) FROM users WHERE uid BETWEEN 12 AND 31 OR uid BETWEEN 52 AND 61":             "0",
		"SELECT COUNT(*) FROM comment_entity_statistics":                                              fmt.Sprint(strings.Count(recent, ",") + 1),
		"SELECT COUNT(*) FROM users_field_data WHERE mail LIKE '%@drupal-people.net'":                 "0",
	} {
		if got := srv.Query(t, dst, q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	var nUsers int
	fmt.Sscan(srv.Query(t, dst, "SELECT COUNT(*) FROM users"), &nUsers)
	if nUsers < 20 || nUsers >= 50 {
		t.Errorf("%d accounts taken of 62: the test data tests little", nUsers)
	}
	how := map[string]string{}
	for _, st := range m.Subset.Tables {
		how[st.Table] = st.How
	}
	for tb, want := range map[string]string{"node_field_data": "root", "node": "reached", "node__field_test_1": "reached", "users": "root", "comment__comment_body": "reached",
		"config": "whole", "path_alias": "whole", "history": "empty"} {
		if how[tb] != want {
			t.Errorf("manifest: %s %q, want %q", tb, how[tb], want)
		}
	}
}

// checkDeclaredClosed checks the foreign keys src declares, as
// checkSubsetClosed does a preset's references: no row of the copy dst
// refers to a row the source has and the copy lacks, and for an ON DELETE
// CASCADE key, the copy has every row of the source that refers to a row of
// the copy (unless the referenced table was copied whole). It returns how
// many keys it checked.
func checkDeclaredClosed(t *testing.T, srv *mariadbtest.Server, src, dst string, m subsetManifest) int {
	t.Helper()
	whole := map[string]bool{}
	for _, st := range m.Subset.Tables {
		whole[st.Table] = st.How == "whole"
	}
	fks := srv.Query(t, src, "SELECT GROUP_CONCAT(CONCAT_WS(' ', k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE = 'CASCADE') SEPARATOR ',')"+
		" FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME"+
		" WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL")
	checked := 0
	for _, fk := range strings.Split(fks, ",") {
		f := strings.Fields(fk)
		if len(f) != 5 {
			t.Fatalf("foreign key %q", fk)
		}
		from, fc, to, tc, cascade := f[0], f[1], f[2], f[3], f[4] == "1"
		q := fmt.Sprintf("SELECT COUNT(*) FROM `%s` c JOIN `%s`.`%s` s ON s.`%s` = c.`%s` LEFT JOIN `%s` d ON d.`%s` = c.`%s` WHERE d.`%s` IS NULL", from, src, to, tc, fc, to, tc, fc, tc)
		if n := srv.Query(t, dst, q); n != "0" {
			t.Errorf("%s.%s -> %s.%s: %s rows of the copy refer to rows it lacks", from, fc, to, tc, n)
		}
		if cascade && !whole[to] {
			q := fmt.Sprintf("SELECT (SELECT COUNT(*) FROM `%s`.`%s` WHERE `%s` IN (SELECT `%s` FROM `%s`)) - (SELECT COUNT(*) FROM `%s` WHERE `%s` IN (SELECT `%s` FROM `%s`))",
				src, from, fc, tc, to, from, fc, tc, to)
			if n := srv.Query(t, dst, q); n != "0" {
				t.Errorf("%s.%s -> %s.%s (cascade): %s rows of the source that belong to rows of the copy are not in it", from, fc, to, tc, n)
			}
		}
		checked++
	}
	return checked
}

// TestSubsetMagento snapshots the orders of the last 30 days of a generated
// shop on Magento 2.4's real schema (which declares its foreign keys, most
// ON DELETE CASCADE) with preset:magento2 and --subset, restores the
// archive, and checks that no declared key or reference of the preset
// dangles and every row that belongs to a taken row was taken; that the
// copy holds exactly the recent orders, their quotes and the customers an
// independent query names, not the customers who ordered only before, nor
// their abandoned quotes; that stores, catalogue and configuration are
// whole and reviews left out.
func TestSubsetMagento(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, "SET sql_mode = '';\n"+flowtest.ReadGzip(t, "../../testdata/cms/magento-2.4.sql.gz"))
	srv.LoadFile(t, src, "testdata/subset/magento.sql")
	dir := t.TempDir()
	out := filepath.Join(dir, "subset.tar.zst")
	const root = "created_at >= NOW() - INTERVAL 30 DAY"
	code, stdout, stderr := runCLI(t, "snapshot", "--preset", "magento2", "--socket", srv.Socket, "-u", "root", "-D", src, "-j", "2",
		"--subset", "sales_order: "+root, "-o", out)
	if code != 0 {
		t.Fatalf("snapshot: %d\n%s\n%s", code, stdout, stderr)
	}
	_, dst := mariadbtest.DatabaseName(t, "dst")
	code, stdout, stderr = runCLI(t, "restore", "-q", "--socket", srv.Socket, "-u", "root", "--db-name", dst, "--cms", "none", "--state-dir", filepath.Join(dir, "state"), out)
	if code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", code, stdout, stderr)
	}
	m := readSubsetManifest(t, out)
	if checked := checkSubsetClosed(t, srv, src, dst, "magento2", m); checked < 15 {
		t.Errorf("checked %d references: the preset's list or the test schema shrank", checked)
	}
	if checked := checkDeclaredClosed(t, srv, src, dst, m); checked < 300 {
		t.Errorf("checked %d foreign keys: the test schema shrank", checked)
	}

	recent := srv.Query(t, src, "SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM sales_order WHERE "+root)
	n := strings.Count(recent, ",") + 1
	if n < 50 || n > 120 {
		t.Fatalf("%d recent orders: the test data tests little", n)
	}
	customers := srv.Query(t, src, "SELECT GROUP_CONCAT(DISTINCT customer_id ORDER BY customer_id) FROM sales_order WHERE customer_id IS NOT NULL AND "+root)
	for q, want := range map[string]string{
		"SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM sales_order":               recent,
		"SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM sales_order_grid":          recent,
		"SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM quote":                     recent,
		"SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM customer_entity":           customers,
		"SELECT GROUP_CONCAT(parent_id ORDER BY parent_id) FROM customer_address_entity":   customers,
		"SELECT GROUP_CONCAT(customer_id ORDER BY customer_id) FROM newsletter_subscriber": customers,
		"SELECT GROUP_CONCAT(customer_id ORDER BY customer_id) FROM wishlist":              customers,
		"SELECT COUNT(*) FROM sales_order_item":                                            fmt.Sprint(2 * n),
		"SELECT COUNT(*) FROM quote_item":                                                  fmt.Sprint(2 * n),
		"SELECT GROUP_CONCAT(order_id ORDER BY order_id) FROM sales_invoice_grid":          srv.Query(t, src, "SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM sales_order WHERE entity_id % 2 = 0 AND "+root),
		"SELECT GROUP_CONCAT(order_id ORDER BY order_id) FROM sales_shipment_track":        srv.Query(t, src, "SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM sales_order WHERE entity_id % 3 = 0 AND "+root),
		"SELECT GROUP_CONCAT(order_id ORDER BY order_id) FROM sales_creditmemo_grid":       srv.Query(t, src, "SELECT GROUP_CONCAT(entity_id ORDER BY entity_id) FROM sales_order WHERE entity_id % 5 = 0 AND "+root),
		"SELECT COUNT(*) FROM store":                                                       "2",
		"SELECT COUNT(*) FROM catalog_product_entity":                                      "2",
		"SELECT COUNT(*) FROM core_config_data":                                            "2",
		"SELECT COUNT(*) FROM sales_order_status":                                          "2",
		"SELECT COUNT(*) FROM review_detail":                                               "0",
		"SELECT COUNT(*) FROM customer_entity WHERE entity_id > 40":                        "0",
		"SELECT COUNT(*) FROM customer_entity WHERE email LIKE '%@mage-customers.net'":     "0",
	} {
		if got := srv.Query(t, dst, q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	var nCustomers int
	fmt.Sscan(srv.Query(t, dst, "SELECT COUNT(*) FROM customer_entity"), &nCustomers)
	if nCustomers < 20 || nCustomers > 40 {
		t.Errorf("%d customers taken of 100: the test data tests little", nCustomers)
	}
	how := map[string]string{}
	for _, st := range m.Subset.Tables {
		how[st.Table] = st.How
	}
	for tb, want := range map[string]string{"sales_order": "root", "quote": "reached", "customer_entity": "reached", "sales_shipment_grid": "reached",
		"store": "whole", "eav_attribute": "whole", "catalog_product_entity": "whole", "core_config_data": "whole", "review": "empty"} {
		if how[tb] != want {
			t.Errorf("manifest: %s %q, want %q", tb, how[tb], want)
		}
	}
}
