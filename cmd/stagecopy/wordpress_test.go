package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// wordpressRoot is Debian's wordpress package.
const wordpressRoot = "/usr/share/wordpress"

// needWordPress skips without php and WordPress, except in CI, which
// installs them (.ci/run) and must run this test.
func needWordPress(t *testing.T) string {
	t.Helper()
	php, err := exec.LookPath("php")
	if err == nil {
		_, err = os.Stat(filepath.Join(wordpressRoot, "wp-settings.php"))
	}
	if err != nil {
		if os.Getenv("STAGECOPY_REQUIRE_MYSQL") == "1" {
			t.Fatalf("php and Debian's wordpress package are required here (apt-get install wordpress php-cli php-mysql): %v", err)
		}
		t.Skipf("no php or WordPress: %v", err)
	}
	return php
}

// runPHP runs one of testdata/wordpress/*.php with WordPress against db.
func runPHP(t *testing.T, php, script string, srv *mariadbtest.Server, db, content, url string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(php, append([]string{filepath.Join("testdata", "wordpress", script)}, args...)...)
	cmd.Env = append(os.Environ(), "WP_ROOT="+wordpressRoot, "WP_SOCKET="+srv.Socket, "WP_DB="+db, "WP_CONTENT="+content, "WP_URL="+url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("php %s: %v\n%s\n%s", script, err, out, stderr.String())
	}
	return out
}

// TestWordPressRealClient is the whole loop with WordPress as the judge:
// WordPress's own installer makes a site with customers, comments and the
// site URL in posts, block JSON, URL-encoded links and (nested) serialized
// options; stagecopy snapshots it from the live server, anonymized, and
// restores it under a new URL with a support admin; then WordPress, loaded
// on the staging copy, must see the new URL, unserialize every option, log
// the support admin in with the printed password, and load the mail-off
// plugin. No customer address may remain in any table.
func TestWordPressRealClient(t *testing.T) {
	php := needWordPress(t)
	srv, src := mariadbtest.NewDatabase(t)
	dir := t.TempDir()
	const oldURL, newURL = "https://shop.realsite.test", "https://staging.example.test"
	site := filepath.Join(dir, "site")
	if err := os.MkdirAll(filepath.Join(site, "wp-content", "uploads"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(site, "wp-content", "uploads", "a.jpg"), []byte("not really a jpeg"), 0o644)
	os.WriteFile(filepath.Join(site, "wp-config.php"), []byte("<?php\ndefine( 'DB_NAME', 'shop' );\ndefine( 'DB_USER', 'shop' );\ndefine( 'DB_PASSWORD', 'real-secret' );\ndefine( 'DB_HOST', 'localhost' );\n$table_prefix = 'wp_';\n"), 0o640)
	var installed struct {
		Verifiers []string `json:"verifiers"`
	}
	if out := runPHP(t, php, "install.php", srv, src, filepath.Join(site, "wp-content"), oldURL); json.Unmarshal(out, &installed) != nil || len(installed.Verifiers) != 2 {
		t.Fatalf("install.php: %s", out)
	}
	// What was planted: customers' addresses, phones, IPs, names, their
	// WooCommerce billing and shipping data, session token verifiers, and
	// contact data inside comment text; and the old URL.
	planted := append([]string{"realshop-customer.net", "alice.smith", "7946 0999", "81.2.69.160", "81.2.69.161", "Carol Customer",
		"Alicebilling", "Smithbilling", "Realbilling Street", "Realshipping Lane", "Realbillingtown", "RB2 9ZZ", "7946 0277", "Realcompany",
		"dave.doorstep@gmail.com", "7946 0444"}, installed.Verifiers...)

	archivePath := filepath.Join(dir, "shop.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "--preset", "wordpress", "--socket", srv.Socket, "-u", "root", "-D", src, "--files", site, "-o", archivePath, "-q")
	if code != 0 {
		t.Fatalf("snapshot: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// Both presets leave none of it in the archive (hex literals too).
	wooPath := filepath.Join(dir, "woo.tar.zst")
	if code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "--preset", "woocommerce", "--socket", srv.Socket, "-u", "root", "-D", src, "-o", wooPath, "-q"); code != 0 {
		t.Fatalf("snapshot --preset woocommerce: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, p := range []string{archivePath, wooPath} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := flowtest.Text(t, data)
		for _, s := range planted {
			if strings.Contains(text, s) || strings.Contains(strings.ToUpper(text), strings.ToUpper(hex.EncodeToString([]byte(s)))) {
				t.Errorf("%s: the archive still holds %q", filepath.Base(p), s)
			}
		}
	}

	_, stage := mariadbtest.DatabaseName(t, "stage")
	stageDir := filepath.Join(dir, "staging")
	code, stdout, stderr = runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", stage,
		"--files-dir", stageDir, "--url", newURL, "--support-admin", "support", "--rewrite-config", "--state-dir", filepath.Join(dir, "state"), "-q", archivePath)
	if code != 0 {
		t.Fatalf("restore: exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := regexp.MustCompile(`(?m)^\s*password\s+(\S+)$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("restore printed no password:\n%s", stdout)
	}
	password := m[1]
	// --rewrite-config: WordPress's own config now names the staging
	// database on this server.
	cfgOut, err := exec.Command(php, "-r", "include $argv[1]; echo DB_NAME, '|', DB_HOST;", filepath.Join(stageDir, "wp-config.php")).CombinedOutput()
	if want := stage + "|localhost:" + srv.Socket; err != nil || string(cfgOut) != want {
		t.Errorf("wp-config.php after --rewrite-config: %q (%v), want %q", cfgOut, err, want)
	}

	out := runPHP(t, php, "check.php", srv, stage, filepath.Join(stageDir, "wp-content"), newURL, "support", password)
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("check.php: %v\n%s", err, out)
	}
	t.Logf("WordPress sees: %s", out)
	want := map[string]any{
		"siteurl": newURL, "home": newURL, "blog_public": "0", "cron_disabled": true,
		"login": "support", "is_admin": true, "wrong_password_refused": true,
		"widget": `<a href="` + newURL + `/about/">About</a>`,
	}
	for k, v := range want {
		if res[k] != v {
			t.Errorf("WordPress: %s = %v, want %v", k, res[k], v)
		}
	}
	if bad, _ := res["bad_serialized"].([]any); len(bad) > 0 {
		t.Errorf("values WordPress cannot unserialize: %v", bad)
	}
	if n, _ := res["nested"].([]any); len(n) != 2 || n[0] != newURL+"/deep" || n[1] != newURL {
		t.Errorf("nested serialized option: %v", res["nested"])
	}
	pc, _ := res["post_content"].(string)
	for _, s := range []string{`https:\/\/staging.example.test\/wp-content`, `href="` + newURL + `/shop/"`, "https%3A%2F%2Fstaging.example.test%2Fcart"} {
		if !strings.Contains(pc, s) {
			t.Errorf("post content lacks %s:\n%s", s, pc)
		}
	}
	if strings.Contains(pc, "realsite") {
		t.Errorf("post content keeps the old URL:\n%s", pc)
	}
	if l, _ := res["post_links"].(map[string]any); l == nil || l["home"] != newURL+"/" {
		t.Errorf("post meta links: %v", res["post_links"])
	}
	if id, _ := res["staging_plugin"].(string); !strings.HasPrefix(id, "stg-") {
		t.Errorf("the staging mu-plugin is not loaded: %v", res["staging_plugin"])
	}
	if f, _ := res["mail_function_file"].(string); !strings.HasSuffix(f, "stagecopy-staging.php") {
		t.Errorf("wp_mail comes from %s, not the staging plugin", f)
	}

	// No customer's address, phone or IP, and not the old URL, in any
	// table of the staging copy.
	dump := string(srv.Dump(t, stage))
	// GUIDs are identifiers, not links: WordPress says never to change
	// them, and restore leaves them alone.
	guid := regexp.MustCompile(`'https?://shop\.realsite\.test/\?p(age_id)?=\d+'`)
	if !guid.MatchString(dump) {
		t.Error("no GUID of the source site left: were the GUIDs rewritten?")
	}
	dump = guid.ReplaceAllString(dump, "''")
	for _, s := range append(planted, "shop.realsite.test") {
		for _, line := range strings.Split(dump, "\n") {
			if i := strings.Index(line, s); i >= 0 {
				t.Errorf("the staging copy still holds %q: ...%s...", s, line[max(0, i-150):min(len(line), i+100)])
				break
			}
		}
	}
}

// TestWordPressRealClientSubset is the subset loop with WordPress as the
// judge: WordPress's installer makes the site, orders.php adds customers and
// orders (shop_order posts with meta, notes, items and HPOS rows), half from
// the last hours and half from 60 days back; snapshot --subset takes the
// orders of the last 30 days, anonymized, and restore makes a staging copy
// under a new URL. WordPress, loaded on the copy, must read the site (its
// URL, every option unserializing, the content with its comments), each
// recent order through get_post and get_post_meta with its notes, items and
// HPOS row, and each of their customers through get_userdata; the old orders
// and the customers who bought only long ago must not be there.
func TestWordPressRealClientSubset(t *testing.T) {
	php := needWordPress(t)
	srv, src := mariadbtest.NewDatabase(t)
	dir := t.TempDir()
	const oldURL, newURL = "https://shop.realsite.test", "https://staging.example.test"
	content := filepath.Join(dir, "wp-content")
	if out := runPHP(t, php, "install.php", srv, src, content, oldURL); !json.Valid(out) {
		t.Fatalf("install.php: %s", out)
	}
	// WooCommerce's tables, as WooCommerce creates them.
	woo, err := os.ReadFile("testdata/subset/woo.sql")
	if err != nil {
		t.Fatal(err)
	}
	var create []string
	for _, line := range strings.Split(string(woo), "\n") {
		if strings.HasPrefix(line, "CREATE TABLE") {
			create = append(create, line)
		}
	}
	srv.Exec(t, src, strings.Join(create, "\n"))
	made := runPHP(t, php, "orders.php", srv, src, content, oldURL)
	var orders struct {
		Recent, Old []int
		Customer    map[string]int
		Product     int
	}
	if err := json.Unmarshal(made, &orders); err != nil || len(orders.Recent) != 12 || len(orders.Old) != 12 {
		t.Fatalf("orders.php: %v\n%s", err, made)
	}

	archivePath := filepath.Join(dir, "subset.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "--preset", "woocommerce", "--socket", srv.Socket, "-u", "root", "-D", src,
		"--subset", "wp_posts: post_type = 'shop_order' AND post_date >= NOW() - INTERVAL 30 DAY", "-o", archivePath)
	if code != 0 {
		t.Fatalf("snapshot --subset: exit %d\n%s\n%s", code, stdout, stderr)
	}
	t.Logf("snapshot:\n%s", stdout)
	_, stage := mariadbtest.DatabaseName(t, "stage")
	code, stdout, stderr = runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", stage,
		"--url", newURL, "--state-dir", filepath.Join(dir, "state"), "-q", archivePath)
	if code != 0 {
		t.Fatalf("restore: exit %d\n%s\n%s", code, stdout, stderr)
	}

	out := runPHP(t, php, "subset_check.php", srv, stage, content, newURL, string(made))
	t.Logf("WordPress sees: %s", out)
	type order struct {
		Type, Status, Date string
		Customer           int
		BillingEmail       string `json:"billing_email"`
		Total              string
		Notes              int
		Items              []int
		HPOSCustomer       *string `json:"hpos_customer"`
		HPOSAddresses      int     `json:"hpos_addresses"`
	}
	var res struct {
		SiteURL       string `json:"siteurl"`
		Home          string
		HomeURL       string `json:"home_url"`
		Blogname      string
		BadSerialized []string `json:"bad_serialized"`
		HelloComments *int     `json:"hello_comments"`
		Product       *struct{ Title, Price string }
		Orders        map[string]*order
		Users         map[string]*struct {
			Login, Email, Address string
			Roles                 []string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("subset_check.php: %v\n%s", err, out)
	}
	// The site.
	if res.SiteURL != newURL || res.Home != newURL || res.HomeURL != newURL+"/shop/" || res.Blogname != "Real Shop" {
		t.Errorf("WordPress reads the site as siteurl %q, home %q, home_url %q, blogname %q", res.SiteURL, res.Home, res.HomeURL, res.Blogname)
	}
	if len(res.BadSerialized) > 0 {
		t.Errorf("values WordPress cannot unserialize: %v", res.BadSerialized)
	}
	if res.HelloComments == nil || *res.HelloComments != 2 {
		t.Errorf("the site's post and its two comments: %v", res.HelloComments)
	}
	if res.Product == nil || res.Product.Title != "Blue shirt" || res.Product.Price != "19.00" {
		t.Errorf("the product: %+v", res.Product)
	}
	// The recent orders, whole, and their customers.
	customers := map[int]bool{}
	for _, id := range orders.Recent {
		o := res.Orders[fmt.Sprint(id)]
		if o == nil {
			t.Errorf("order %d (recent) is not in the copy", id)
			continue
		}
		want := orders.Customer[fmt.Sprint(id)]
		if o.Type != "shop_order" || o.Status != "wc-completed" || o.Total != "19.00" || o.Customer != want || o.Notes != 1 ||
			len(o.Items) != 1 || o.Items[0] != orders.Product || o.HPOSCustomer == nil || *o.HPOSCustomer != fmt.Sprint(want) || o.HPOSAddresses != 1 {
			t.Errorf("order %d: WordPress reads %+v (customer %d)", id, *o, want)
		}
		if strings.Contains(o.BillingEmail, "realshop-customer.net") || o.BillingEmail == "" {
			t.Errorf("order %d: billing email %q, want an anonymized one", id, o.BillingEmail)
		}
		if want != 0 {
			customers[want] = true
		}
	}
	if len(customers) != 6 {
		t.Fatalf("the recent orders have %d customers, want 6: orders.php changed", len(customers))
	}
	for uid := range customers {
		u := res.Users[fmt.Sprint(uid)]
		if u == nil {
			t.Errorf("customer %d of a recent order: get_userdata finds nobody", uid)
			continue
		}
		if u.Login == "" || len(u.Roles) != 1 || u.Roles[0] != "subscriber" || u.Address == "" ||
			strings.Contains(u.Email, "realshop-customer.net") || strings.Contains(u.Address, "Realorder") {
			t.Errorf("customer %d: WordPress reads %+v", uid, *u)
		}
	}
	// Nothing else: not the old orders, not the customers who bought only
	// long ago.
	for _, id := range orders.Old {
		if o := res.Orders[fmt.Sprint(id)]; o != nil {
			t.Errorf("order %d (old) is in the copy: %+v", id, *o)
		}
		if uid := orders.Customer[fmt.Sprint(id)]; uid != 0 && !customers[uid] && res.Users[fmt.Sprint(uid)] != nil {
			t.Errorf("user %d, who bought only long ago, is in the copy", uid)
		}
	}
	if n := srv.Query(t, stage, "SELECT COUNT(*) FROM wp_wc_orders"); n != "12" {
		t.Errorf("%s HPOS orders in the copy, want 12", n)
	}
}
