package staging

import (
	"bytes"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/phpserial"
)

// TestMain is in main_test.go.

// x returns s as a hex literal, so that any bytes go into any column
// unchanged and unescaped.
func x(s string) string {
	if s == "" {
		return "''"
	}
	return "X'" + hex.EncodeToString([]byte(s)) + "'"
}

// rawValues returns the bytes of column col of table, by key, read as hex
// so that no character set conversion can hide a difference.
func rawValues(t *testing.T, db *sql.DB, table, key, col string) map[string]string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "SELECT CONCAT_WS(',', "+key+"), HEX("+col+"), "+col+" IS NULL FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, h string
		var null bool
		if err := rows.Scan(&k, &h, &null); err != nil {
			t.Fatal(err)
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		if null {
			out[k] = "NULL"
		} else {
			out[k] = string(b)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func obj(class string, props ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "O:%d:%q:%d:{", len(class), class, len(props)/2)
	for _, p := range props {
		b.WriteString(ser(p))
	}
	return b.String() + "}"
}

func arr(kv ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "a:%d:{", len(kv)/2)
	for i, p := range kv {
		if i%2 == 0 || !strings.ContainsAny(p[:1], "aOs") || !strings.Contains(p, ":") {
			b.WriteString(ser(p))
		} else {
			b.WriteString(p) // an already serialized value
		}
	}
	return b.String() + "}"
}

// wpFixture is a WordPress-shaped database with the site URL in every form
// and place, and its expected values after the rewrite.
type wpFixture struct {
	sql  string
	want map[string]map[string]string // "table.col" -> key -> value
}

func newWPFixture() wpFixture {
	const (
		o = "https://shop.example.org/sub"
		n = "https://staging.test"
	)
	widgetIn := arr("title", "Hi!", "text", `<a href="`+o+`/shop">Shop</a> <img src="//shop.example.org/sub/x.png">`)
	widgetOut := arr("title", "Hi!", "text", `<a href="`+n+`/shop">Shop</a> <img src="//staging.test/x.png">`)
	widgets := func(inner string) string { return "a:2:{i:2;" + ser(inner) + `s:12:"_multiwidget";i:1;}` }
	themeIn := obj("stdClass", "custom_css", "body{background:url(//shop.example.org/sub/bg.png)}", "\x00*\x00logo", `https:\/\/shop.example.org\/sub\/logo.png`)
	themeOut := obj("stdClass", "custom_css", "body{background:url(//staging.test/bg.png)}", "\x00*\x00logo", `https:\/\/staging.test\/logo.png`)
	attachIn := "a:1:{s:5:\"sizes\";a:1:{s:5:\"thumb\";a:1:{s:3:\"url\";" + ser(o+"/t.jpg") + "}}}"
	attachOut := "a:1:{s:5:\"sizes\";a:1:{s:5:\"thumb\";a:1:{s:3:\"url\";" + ser(n+"/t.jpg") + "}}}"
	blockIn := `<!-- wp:image {"id":5,"url":"https:\/\/shop.example.org\/sub\/wp-content\/a.jpg"} --><img src="` + o + `/wp-content/a.jpg"/><!-- /wp:image -->` +
		`<a href="https://twitter.com/share?url=https%3A%2F%2Fshop.example.org%2Fsub%2Fhello">tweet</a>`
	blockOut := `<!-- wp:image {"id":5,"url":"https:\/\/staging.test\/wp-content\/a.jpg"} --><img src="` + n + `/wp-content/a.jpg"/><!-- /wp:image -->` +
		`<a href="https://twitter.com/share?url=https%3A%2F%2Fstaging.test%2Fhello">tweet</a>`
	latinIn := "caf\xe9 " + o + "/\xe9"
	latinOut := "caf\xe9 " + n + "/\xe9"
	latinSerIn := ser("\xe9 " + o)
	latinSerOut := ser("\xe9 " + n)

	var b strings.Builder
	b.WriteString(`
CREATE TABLE wp_options (option_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, option_name VARCHAR(191) NOT NULL UNIQUE,
  option_value LONGTEXT NOT NULL, autoload VARCHAR(20) NOT NULL DEFAULT 'yes') DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE wp_posts (ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, post_title TEXT NOT NULL, post_content LONGTEXT NOT NULL,
  guid VARCHAR(255) NOT NULL DEFAULT '', post_modified TIMESTAMP NOT NULL DEFAULT '2020-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP) DEFAULT CHARSET=utf8mb4;
CREATE TABLE wp_postmeta (meta_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, post_id BIGINT UNSIGNED NOT NULL, meta_key VARCHAR(255), meta_value LONGTEXT) DEFAULT CHARSET=utf8mb4;
CREATE TABLE wp_users (ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, user_login VARCHAR(60) NOT NULL, user_pass VARCHAR(255) NOT NULL, user_url VARCHAR(100) NOT NULL) DEFAULT CHARSET=utf8mb4;
CREATE TABLE links_nopk (url VARCHAR(255), note TEXT) DEFAULT CHARSET=utf8mb4;
CREATE TABLE latin1_t (id INT PRIMARY KEY, body TEXT) DEFAULT CHARSET=latin1;
CREATE TABLE bin_t (a INT NOT NULL, b VARCHAR(40) NOT NULL, data BLOB, PRIMARY KEY (a, b)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE plain_t (id INT PRIMARY KEY, body TEXT, ts TIMESTAMP NOT NULL DEFAULT '2020-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP) DEFAULT CHARSET=utf8mb4;
`)
	want := map[string]map[string]string{
		"wp_options.option_value": {}, "wp_posts.post_content": {}, "wp_posts.post_title": {}, "wp_posts.guid": {},
		"wp_postmeta.meta_value": {}, "wp_users.user_pass": {}, "wp_users.user_url": {}, "links_nopk.url": {}, "links_nopk.note": {},
		"latin1_t.body": {}, "bin_t.data": {}, "bin_t.b": {}, "plain_t.body": {},
	}
	add := func(col, key, out string) { want[col][key] = out }
	for i, r := range [][3]string{
		{"siteurl", o, n},
		{"home", "http://shop.example.org/sub/", n + "/"},
		{"blogname", "Shop at shop.example.org", "Shop at shop.example.org"},
		{"widget_text", widgets(widgetIn), widgets(widgetOut)},
		{"theme_mods_x", themeIn, themeOut},
		{"evil", o[:24] + ".evil.test/sub", o[:24] + ".evil.test/sub"},
	} {
		fmt.Fprintf(&b, "INSERT INTO wp_options (option_id, option_name, option_value) VALUES (%d, %s, %s);\n", i+1, x(r[0]), x(r[1]))
		add("wp_options.option_value", fmt.Sprint(i+1), r[2])
	}
	for i, r := range [][5]string{
		{"Hello", "Hello", blockIn, blockOut, o + "/?p=1"},
		{"Port", "Port", "https://shop.example.org:8443/sub and " + o + "way", "https://shop.example.org:8443/sub and " + o + "way", o + "/?p=2"},
		{"Link to https://SHOP.example.org/sub", "Link to " + n, "no urls", "no urls", o + "/?p=3"},
	} {
		fmt.Fprintf(&b, "INSERT INTO wp_posts (ID, post_title, post_content, guid) VALUES (%d, %s, %s, %s);\n", i+1, x(r[0]), x(r[2]), x(r[4]))
		k := fmt.Sprint(i + 1)
		add("wp_posts.post_title", k, r[1])
		add("wp_posts.post_content", k, r[3])
		add("wp_posts.guid", k, r[4]) // skipped
	}
	for i, r := range [][2]string{
		{`[{"settings":{"link":{"url":"https:\/\/shop.example.org\/sub\/contact"}}}]`, `[{"settings":{"link":{"url":"https:\/\/staging.test\/contact"}}}]`},
		{"//shop.example.org/sub/cart", "//staging.test/cart"},
		{attachIn, attachOut},
		{`s:99:"` + o + `";`, `s:99:"` + n + `";`},
	} {
		fmt.Fprintf(&b, "INSERT INTO wp_postmeta (meta_id, post_id, meta_key, meta_value) VALUES (%d, 1, 'k', %s);\n", i+1, x(r[0]))
		add("wp_postmeta.meta_value", fmt.Sprint(i+1), r[1])
	}
	b.WriteString("INSERT INTO wp_users VALUES (1, 'admin', " + x("$P$B"+o) + ", " + x(o) + ");\n")
	add("wp_users.user_pass", "1", "$P$B"+o)
	add("wp_users.user_url", "1", n)
	for _, r := range [][4]string{
		{o + "/a", "x", n + "/a", "x"},
		{o + "/a", "x", n + "/a", "x"},
		{"https://other.test", "see http://shop.example.org/sub", "https://other.test", "see " + n},
		{o + "/b", "NULL", n + "/b", "NULL"},
	} {
		note := x(r[1])
		if r[1] == "NULL" {
			note = "NULL"
		}
		fmt.Fprintf(&b, "INSERT INTO links_nopk VALUES (%s, %s);\n", x(r[0]), note)
		// No key: the values are checked as a multiset below.
	}
	fmt.Fprintf(&b, "INSERT INTO latin1_t VALUES (1, %s), (2, %s), (3, %s);\n", x(latinIn), x(latinSerIn), x("caf\xe9"))
	add("latin1_t.body", "1", latinOut)
	add("latin1_t.body", "2", latinSerOut)
	add("latin1_t.body", "3", "caf\xe9")
	for _, r := range [][3]string{
		{"1,B", "\xff\xfe\x00" + o, "\xff\xfe\x00" + n},
		{"1,a", o + "/x", n + "/x"},
		{"1,C", "\xe2" + o, "\xe2" + n},
		{"2,a", "//shop.example.org/sub", "//staging.test"},
		{"0,z", "nothing", "nothing"},
		{"1,https://shop.example.org/sub", "k", "k"},
	} {
		a, bb, _ := strings.Cut(r[0], ",")
		fmt.Fprintf(&b, "INSERT INTO bin_t VALUES (%s, %s, %s);\n", a, x(bb), x(r[1]))
		add("bin_t.data", r[0], r[2])
	}
	// The key column is rewritten too, and the row keeps its data.
	want["bin_t.data"]["1,"+n] = "k"
	delete(want["bin_t.data"], "1,"+o)
	for i, s := range []string{"nothing to see", "mail info@shop.example.org", o[:24] + ".evil.test/sub", "https://shop.example.organic/sub"} {
		fmt.Fprintf(&b, "INSERT INTO plain_t (id, body) VALUES (%d, %s);\n", i+1, x(s))
		add("plain_t.body", fmt.Sprint(i+1), s)
	}
	delete(want, "bin_t.b")
	return wpFixture{sql: b.String(), want: want}
}

func wpSkip(table, column string) bool {
	return column == "user_pass" || table == "wp_posts" && column == "guid"
}

func openDB(t *testing.T, srv *mariadbtest.Server, name string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", srv.DSN(name, "charset=utf8mb4"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestRewriteDatabase(t *testing.T) {
	for _, batch := range []int{500, 1} {
		t.Run(fmt.Sprintf("batch%d", batch), func(t *testing.T) {
			defer func(n int) { rewriteBatchRows = n }(rewriteBatchRows)
			rewriteBatchRows = batch
			testRewriteDatabase(t)
		})
	}
}

func testRewriteDatabase(t *testing.T) {
	srv, name := mariadbtest.NewDatabase(t)
	fx := newWPFixture()
	srv.Exec(t, name, fx.sql)
	db := openDB(t, srv, name)
	db.SetMaxOpenConns(1)
	before := srv.Checksums(t, name)

	rw := mustRewriter(t, oldSite, newSite)
	stats, err := RewriteDatabase(t.Context(), db, rw, wpSkip)
	if err != nil {
		t.Fatal(err)
	}

	for col, want := range fx.want {
		table, c, _ := strings.Cut(col, ".")
		key := map[string]string{"wp_posts": "ID", "wp_users": "ID", "wp_options": "option_id", "wp_postmeta": "meta_id", "bin_t": "a, b"}[table]
		if key == "" {
			key = "id"
		}
		if table == "links_nopk" {
			continue
		}
		got := rawValues(t, db, table, key, c)
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s where %s=%s:\n got %q\nwant %q", col, key, k, got[k], w)
			}
			if phpserial.Looks([]byte(w)) && !strings.HasPrefix(w, "s:99:") {
				if _, err := phpserial.Parse([]byte(got[k])); err != nil {
					t.Errorf("%s where %s=%s: rewritten serialized value does not parse: %v", col, key, k, err)
				}
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d rows, want %d: %q", col, len(got), len(want), got)
		}
	}
	// The table without a key, as a multiset.
	got := srv.Query(t, name, "SELECT url, IFNULL(note, 'NULL') FROM links_nopk ORDER BY url, note")
	want := "https://other.test\tsee https://staging.test\nhttps://staging.test/a\tx\nhttps://staging.test/a\tx\nhttps://staging.test/b\tNULL"
	if got != want {
		t.Errorf("links_nopk:\n%s\nwant\n%s", got, want)
	}
	// Rewriting did not bump the ON UPDATE timestamps.
	if got := srv.Query(t, name, "SELECT COUNT(*) FROM wp_posts WHERE post_modified <> '2020-01-01 00:00:00'"); got != "0" {
		t.Errorf("%s posts had post_modified changed", got)
	}
	// Tables whose values only mention the host, or nothing, are untouched.
	after := srv.Checksums(t, name)
	if before["plain_t"] != after["plain_t"] {
		t.Errorf("plain_t checksum changed: %s -> %s", before["plain_t"], after["plain_t"])
	}
	for tb := range before {
		if before[tb] == after[tb] && tb != "plain_t" {
			t.Errorf("table %s did not change", tb)
		}
	}

	wantPer := map[string]int64{
		"wp_options.option_value": 4, "wp_posts.post_content": 1, "wp_posts.post_title": 1,
		"wp_postmeta.meta_value": 4, "wp_users.user_url": 1, "links_nopk.url": 3, "links_nopk.note": 1,
		"latin1_t.body": 2, "bin_t.data": 4, "bin_t.b": 1,
	}
	if !maps.Equal(stats.PerColumn, wantPer) {
		t.Errorf("PerColumn = %v\nwant %v", stats.PerColumn, wantPer)
	}
	// wp_options 3 columns, wp_posts 2 (guid skipped), wp_postmeta 2,
	// wp_users 2 (user_pass skipped), links_nopk 2, latin1_t 1, bin_t 2,
	// plain_t 1.
	if stats.Tables != 8 || stats.Columns != 15 {
		t.Errorf("Tables, Columns = %d, %d, want 8, 15", stats.Tables, stats.Columns)
	}
	// Rows: options 4, posts 2, postmeta 4, users 1, bin_t 5, latin1_t
	// 2, links_nopk 3+1 (by value, once per column); one value each.
	if stats.Values != 22 || stats.Rows != 22 {
		t.Errorf("Values, Rows = %d, %d, want 22, 22", stats.Values, stats.Rows)
	}

	// The connection with SET NAMES binary did not go back to the pool.
	var cs string
	if err := db.QueryRowContext(t.Context(), "SELECT @@character_set_client").Scan(&cs); err != nil {
		t.Fatal(err)
	}
	if cs == "binary" {
		t.Errorf("pool connection left with character_set_client=binary")
	}

	// A second run changes nothing.
	sums := srv.Checksums(t, name)
	stats, err = RewriteDatabase(t.Context(), db, rw, wpSkip)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Values != 0 || !maps.Equal(sums, srv.Checksums(t, name)) {
		t.Errorf("second run changed %d values", stats.Values)
	}
}

func TestRewriteDatabaseTooLong(t *testing.T) {
	srv, name := mariadbtest.NewDatabase(t)
	srv.Exec(t, name, "CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(30)) DEFAULT CHARSET=utf8mb4;"+
		"INSERT INTO t VALUES (1, 'https://shop.example.org/sub/x')")
	db := openDB(t, srv, name)
	rw := mustRewriter(t, oldSite, "https://a-much-longer-staging-host.example.test")
	_, err := RewriteDatabase(t.Context(), db, rw, nil)
	if !errors.Is(err, ErrValueTooLong) || !strings.Contains(err.Error(), "t.u") {
		t.Fatalf("err = %v, want ErrValueTooLong naming t.u", err)
	}
	if got := srv.Query(t, name, "SELECT u FROM t"); got != "https://shop.example.org/sub/x" {
		t.Errorf("value changed to %q", got)
	}
}

func TestLikeContains(t *testing.T) {
	if got := likeContains("a_b%c!d"); !bytes.Equal(got, []byte("%a!_b!%c!!d%")) {
		t.Errorf("likeContains = %q", got)
	}
}
