package anonymize

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/phpserial"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func mustRules(t *testing.T, yml string) *rules.Rules {
	t.Helper()
	r, err := rules.Parse("test.yml", []byte(yml), rules.Options{CheckTransformer: Validate})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func runFilter(t *testing.T, r *rules.Rules, dump string, secret []byte) (string, *Report, error) {
	t.Helper()
	var out bytes.Buffer
	rep, err := Run(context.Background(), &out, strings.NewReader(dump), Options{Rules: r, Secret: secret})
	return out.String(), rep, err
}

const usersDump = "-- header comment\n" +
	"/*!40101 SET NAMES utf8mb4 */;\n" +
	"DROP TABLE IF EXISTS `users`;\n" +
	"CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `email` varchar(100) NOT NULL,\n  `name` varchar(50) DEFAULT NULL,\n  `bio` text,\n  `created` datetime,\n  `status` varchar(10),\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `email` (`email`)\n) ENGINE=InnoDB;\n" +
	"INSERT INTO `users` VALUES (1,'Alice.Martin@Mail.example-customer.net','Alice Martin','Lives at 3 rue X, call 0612345678','2024-05-01 10:00:00','active'),(2,'bob@example-customer.net',NULL,'','2024-06-02 11:30:00','banned');\n" +
	"CREATE TABLE `orders` (\n  `id` int NOT NULL,\n  `customer_email` varchar(100),\n  `total` decimal(10,2),\n  `meta` json\n);\n" +
	"INSERT INTO `orders` VALUES (10,'alice.martin@mail.example-customer.net',12.50,'{\"ship\":{\"phone\":\"+33 6 12 34 56 78\",\"city\":\"Lyon\"},\"gift\":true}'),(11,'bob@example-customer.net',3.00,NULL);\n" +
	"CREATE TABLE `sessions` (`id` int, `data` blob);\n" +
	"INSERT INTO `sessions` VALUES (1,'alice secret session');\n" +
	"CREATE TABLE `tmp_import` (`raw` text);\n" +
	"LOCK TABLES `tmp_import` WRITE;\n" +
	"INSERT INTO `tmp_import` VALUES ('alice.martin@mail.example-customer.net');\n" +
	"UNLOCK TABLES;\n" +
	"CREATE TABLE `posts` (`id` int, `body` text);\n" +
	"INSERT INTO `posts` VALUES (1,'Hello, world; it\\'s \\\"me\\\"'),(2,0x41424344);\n" +
	"-- trailing comment\n"

const usersRules = `version: 1
tables:
  users:
    columns:
      email: email
      name: full_name
      bio: lorem
      created: {date: {shift_days: 30}}
  orders:
    columns:
      customer_email: email
      meta:
        json: {"ship.phone": phone, "ship.city": city}
  sessions: truncate
  tmp_import: skip
`

func TestFilterMinimumForm(t *testing.T) {
	r := mustRules(t, usersRules)
	out, rep, err := runFilter(t, r, usersDump, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Alice.Martin", "alice.martin", "bob@example-customer.net", "Alice Martin", "rue X", "0612345678", "12 34 56 78", "Lyon", "alice secret session"} {
		if strings.Contains(out, leak) {
			t.Errorf("output still holds %q", leak)
		}
	}
	// Untouched statements and tables come out byte for byte.
	for _, same := range []string{
		"-- header comment\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `users`;\n",
		"INSERT INTO `posts` VALUES (1,'Hello, world; it\\'s \\\"me\\\"'),(2,0x41424344);\n-- trailing comment\n",
		"CREATE TABLE `sessions` (`id` int, `data` blob);\n",
	} {
		if !strings.Contains(out, same) {
			t.Errorf("output lost %q", same)
		}
	}
	if strings.Contains(out, "tmp_import") {
		t.Error("skipped table still in the output")
	}
	if strings.Contains(out, "INSERT INTO `sessions`") {
		t.Error("truncated table still has rows")
	}
	// Unchanged values in a ruled table keep their bytes: the status column and ids.
	if !strings.Contains(out, "'active')") || !strings.Contains(out, "(2,") {
		t.Errorf("untouched values changed:\n%s", out)
	}
	// NULL stays NULL; empty stays empty.
	if !regexp.MustCompile(`\(2,'[^']+',NULL,'',`).MatchString(out) {
		t.Errorf("NULL or empty not kept:\n%s", out)
	}
	// The same email (case-insensitively) gets the same fake in both tables.
	fakes := regexp.MustCompile(`[a-z0-9.]+@example\.com`).FindAllString(out, -1)
	if len(fakes) != 4 || fakes[0] != fakes[2] || fakes[1] != fakes[3] || fakes[0] == fakes[1] {
		t.Errorf("emails not consistent across tables: %v", fakes)
	}
	// The JSON document is still JSON, its untouched members kept.
	if !strings.Contains(out, `\"gift\":true`) {
		t.Errorf("json document lost members:\n%s", out)
	}
	// The output is a dump the scanner reads again.
	sc := sqldump.NewScanner(strings.NewReader(out))
	if _, err := Copy(context.Background(), io.Discard, sc); err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	// Report.
	byName := map[string]*TableReport{}
	for _, tr := range rep.Tables {
		byName[tr.Table] = tr
	}
	if u := byName["users"]; u == nil || u.Rows != 2 || u.RowsChanged != 2 || u.Action != "transform" {
		t.Errorf("users report %+v", u)
	}
	if s := byName["sessions"]; s == nil || s.RowsDropped != 1 || s.Action != "truncate" {
		t.Errorf("sessions report %+v", s)
	}
	if p := byName["posts"]; p == nil || p.Action != "none" || p.Rows != 2 {
		t.Errorf("posts report %+v", p)
	}
}

func TestFilterDeterministic(t *testing.T) {
	r := mustRules(t, usersRules)
	a, _, err := runFilter(t, r, usersDump, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := runFilter(t, r, usersDump, testSecret)
	c, _, _ := runFilter(t, r, usersDump, []byte("another secret, sixteen bytes+"))
	d, _, _ := runFilter(t, r, usersDump, nil)
	if a != b {
		t.Error("same secret, different output")
	}
	if a == c || a == d {
		t.Error("different secret, same output")
	}
}

func TestFilterFailsClosed(t *testing.T) {
	cases := []struct {
		name, rules, dump string
		want              error
		msg               string
	}{
		{"missing column", "version: 1\ntables:\n  users:\n    columns:\n      mail: email\n", usersDump, ErrRulesMismatch, `test.yml:5:7: table users has no column "mail"`},
		{"missing table", "version: 1\ntables:\n  user:\n    columns:\n      email: email\n", usersDump, ErrRulesMismatch, `table "user"`},
		{"rows without schema", "version: 1\ntables:\n  t:\n    columns:\n      a: email\n", "INSERT INTO `t` VALUES ('x@y.z');\n", ErrUnsafe, "no CREATE TABLE"},
		{"update statement", "version: 1\ntables:\n  t:\n    columns:\n      a: email\n", "CREATE TABLE t (a text);\nUPDATE t SET a='x@y.z';\n", ErrUnsafe, "UPDATE"},
		{"value count", "version: 1\ntables:\n  t:\n    columns:\n      a: email\n", "CREATE TABLE t (a text, b int);\nINSERT INTO t VALUES ('x@y.z');\n", ErrUnsafe, "1 values, the table 2 columns"},
		{"php path on plain text", "version: 1\ntables:\n  t:\n    columns:\n      a:\n        php: {\"*.ip\": ip}\n", "CREATE TABLE t (a text);\nINSERT INTO t VALUES ('81.56.1.2');\n", ErrUnsafe, "not PHP-serialized"},
		{"unique column exhausted", "version: 1\ntables:\n  t:\n    columns:\n      a: {fixed: same}\n", "CREATE TABLE t (a varchar(10), UNIQUE KEY (a));\nINSERT INTO t VALUES ('x'),('y');\n", ErrUnsafe, "unique"},
		{"literal after the rows", "version: 1\ntables:\n  t:\n    columns:\n      a: email\n", "CREATE TABLE t (a text);\nINSERT INTO t VALUES ('x@y.z') ON DUPLICATE KEY UPDATE a='x@y.z';\n", ErrUnsafe, "after the rows can change them"},
		{"syntax error in ruled table", "version: 1\ntables:\n  t:\n    columns:\n      a: email\n", "CREATE TABLE t (a text);\nINSERT INTO t VALUES ('x@y.z'\n", nil, `table "t"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runFilter(t, mustRules(t, c.rules), c.dump, testSecret)
			if err == nil {
				t.Fatal("no error")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
		})
	}
}

func TestFilterEAVWherePHPTemplate(t *testing.T) {
	dump := "CREATE TABLE `wp_usermeta` (`umeta_id` bigint, `user_id` bigint, `meta_key` varchar(255), `meta_value` longtext);\n" +
		"INSERT INTO `wp_usermeta` VALUES (1,1,'billing_phone','+33 6 11 22 33 44'),(2,1,'first_name','Corentin'),(3,1,'locale','fr_FR')," +
		"(4,1,'session_tokens','a:1:{s:3:\\\"abc\\\";a:2:{s:2:\\\"ip\\\";s:10:\\\"81.56.1.20\\\";s:5:\\\"login\\\";i:5;}}');\n" +
		"CREATE TABLE `people` (`id` int, `kind` varchar(10), `first` varchar(20), `last` varchar(20), `display` varchar(60));\n" +
		"INSERT INTO `people` VALUES (1,'customer','Corentin','Aubray','Corentin Aubray'),(2,'staff','Jane','Doe','Jane Doe');\n"
	r := mustRules(t, `version: 1
tables:
  wp_usermeta:
    eav: {key_column: meta_key, value_column: meta_value}
    keys:
      billing_phone: phone
      first_name: first_name
      session_tokens:
        php: {"*.ip": ip}
  people:
    where: {kind: customer}
    columns:
      first: first_name
      last: last_name
      display: {template: "{first} {last}"}
`)
	out, _, err := runFilter(t, r, dump, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"11 22 33 44", "Corentin", "81.56.1.20", "Aubray"} {
		if strings.Contains(out, leak) {
			t.Errorf("leak %q in\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "(3,1,'locale','fr_FR')") || !strings.Contains(out, "(2,'staff','Jane','Doe','Jane Doe')") {
		t.Errorf("rows outside the rules changed:\n%s", out)
	}
	// The session is still valid serialized PHP with a documentation IP.
	m := regexp.MustCompile(`'(a:1:\{.*\})'\);`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no session in\n%s", out)
	}
	raw := strings.ReplaceAll(m[1], `\"`, `"`)
	v, err := phpserial.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("session no longer unserializes: %v (%s)", err, raw)
	}
	if !strings.Contains(raw, `s:5:"login";i:5;`) {
		t.Errorf("untouched member changed: %s", raw)
	}
	ip := regexp.MustCompile(`s:2:"ip";s:\d+:"([^"]*)"`).FindStringSubmatch(raw)
	if ip == nil || !(strings.HasPrefix(ip[1], "192.0.2.") || strings.HasPrefix(ip[1], "198.51.100.") || strings.HasPrefix(ip[1], "203.0.113.")) {
		t.Errorf("the session's ip is %v, want a documentation address (RFC 5737)", ip)
	}
	if v.Kind != phpserial.KindArray || len(v.Items) != 1 {
		t.Errorf("session unserializes to a %v of %d items, want an array of one", v.Kind, len(v.Items))
	}
	// The template sees the new first and last names.
	tm := regexp.MustCompile(`\(1,'customer','([^']+)','([^']+)','([^']+)'\)`).FindStringSubmatch(out)
	if tm == nil || tm[3] != tm[1]+" "+tm[2] {
		t.Errorf("template not built from the new values: %v", tm)
	}
}

// A keep rule writes its column or key's values unchanged, counts no
// change, and beats a less specific key glob.
func TestFilterKeepRules(t *testing.T) {
	dump := "CREATE TABLE `wp_options` (`option_id` bigint, `option_name` varchar(191), `option_value` longtext);\n" +
		"INSERT INTO `wp_options` VALUES (1,'admin_email','owner@realshop.example'),(2,'blogname','Real Shop'),(3,'_wp_note','Call Jane on 0612345678'),(4,'_wp_page_template','default');\n" +
		"CREATE TABLE `users` (`id` int, `login` varchar(50), `email` varchar(100));\n" +
		"INSERT INTO `users` VALUES (1,'jane','jane@realshop.example');\n"
	r := mustRules(t, `version: 1
tables:
  wp_options:
    eav: {key_column: option_name, value_column: option_value}
    keys:
      admin_email: email
      blogname: keep
      "_wp_*": lorem
      _wp_page_template: keep
  users:
    columns:
      login: keep
      email: email
`)
	out, rep, err := runFilter(t, r, dump, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, kept := range []string{"(2,'blogname','Real Shop')", "(4,'_wp_page_template','default')", "(1,'jane','"} {
		if !strings.Contains(out, kept) {
			t.Errorf("kept value changed: want %q in\n%s", kept, out)
		}
	}
	for _, leak := range []string{"owner@realshop.example", "0612345678", "jane@realshop.example"} {
		if strings.Contains(out, leak) {
			t.Errorf("leak %q in\n%s", leak, out)
		}
	}
	for _, tr := range rep.Tables {
		if tr.Table != "users" {
			continue
		}
		for _, c := range tr.Columns {
			if c.Column == "login" && (c.Transformer != "keep" || c.Changed != 0) {
				t.Errorf("login report %+v", c)
			}
		}
	}
}

func TestFilterKeepsValueStyle(t *testing.T) {
	dump := "CREATE TABLE t (id int, a varbinary(64), b varchar(64), c int);\n" +
		"INSERT INTO t VALUES (1,0x616C696365406578616D706C652E6F7267,_utf8mb4'bob@x.org',42);\n"
	r := mustRules(t, "version: 1\ntables:\n  t:\n    columns:\n      a: email\n      b: email\n      c: {fixed: \"7\"}\n")
	out, _, err := runFilter(t, r, dump, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`VALUES \(1,0x[0-9A-Fa-f]+,_utf8mb4'[^']+@example\.com',7\);`).MatchString(out) {
		t.Errorf("literal styles not kept:\n%s", out)
	}
}

// TestFilterDemoPreset runs the WooCommerce preset over the demo dump: no
// email, login or IP of the demo's people may remain.
func TestFilterDemoPreset(t *testing.T) {
	dump, err := os.ReadFile("../testdata/demo/demo.sql")
	if err != nil {
		t.Fatal(err)
	}
	r, err := rules.LoadPreset("woocommerce", rules.Options{CheckTransformer: Validate})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runFilter(t, r, string(dump), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	emails := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}`).FindAllString(string(dump), -1)
	if len(emails) < 5 {
		t.Fatalf("demo has only %d emails", len(emails))
	}
	for _, e := range emails {
		if strings.HasSuffix(e, "demo.example.test") || strings.HasSuffix(e, "@example.com") {
			continue // the site's own addresses, not a person's
		}
		if strings.Contains(out, e) {
			t.Errorf("email %s survived", e)
		}
	}
}

// TestFilterReviewFindings holds one case per way a safety review found to
// get real data past the filter: each must now fail closed or be rewritten.
func TestFilterReviewFindings(t *testing.T) {
	users := "CREATE TABLE `users` (`id` int, `email` varchar(100));\n"
	emailRule := "version: 1\ntables:\n  users:\n    columns:\n      email: email\n"
	refused := []struct{ name, rules, dump, msg string }{
		{"preset for another prefix", "version: 1\nextends: preset:wordpress\n", "CREATE TABLE `wp2_users` (`ID` int, `user_email` varchar(100));\nINSERT INTO `wp2_users` VALUES (1,'alice@real.com');\n", "none of the preset's"},
		{"json path names an object", "version: 1\ntables:\n  d:\n    columns:\n      j:\n        json: {customer: email}\n", "CREATE TABLE d (j text);\nINSERT INTO d VALUES ('{\"customer\":{\"email\":\"a@real.com\"}}');\n", "names an object or array"},
		{"php path names an array", "version: 1\ntables:\n  d:\n    columns:\n      p:\n        php: {billing: email}\n", "CREATE TABLE d (p text);\nINSERT INTO d VALUES ('a:1:{s:7:\\\"billing\\\";a:1:{s:5:\\\"email\\\";s:10:\\\"a@real.com\\\";}}');\n", "names an array"},
		{"two json documents", "version: 1\ntables:\n  d:\n    columns:\n      j:\n        json: {email: email}\n", "CREATE TABLE d (j text);\nINSERT INTO d VALUES ('{\"a\":1}{\"email\":\"b@real.com\"}');\n", "more than one JSON document"},
		{"alter then positional rows", emailRule, users + "ALTER TABLE `users` ADD COLUMN `note` text FIRST;\nINSERT INTO `users` VALUES ('n',1,'c@real.com');\n", "no CREATE TABLE"},
		{"second create table", emailRule, users + "CREATE TABLE IF NOT EXISTS `users` (`email` varchar(100), `id` int);\nINSERT INTO `users` VALUES ('d@real.com',1);\n", "created a second time"},
		{"other letter case", emailRule, users + "INSERT INTO `USERS` VALUES (1,'e@real.com');\n", "letter case"},
		{"create table select", emailRule, "CREATE TABLE `users` (`id` int, `email` varchar(100)) SELECT 4 AS id, 'g@real.com' AS email;\n", "CREATE TABLE ... SELECT"},
		{"rename into a ruled table", emailRule, users + "CREATE TABLE `tmp` (`id` int, `email` varchar(100));\nINSERT INTO `tmp` VALUES (1,'h@real.com');\nRENAME TABLE `users` TO `old`, `tmp` TO `users`;\n", "RENAME"},
		{"update behind an empty versioned comment", emailRule, users + "/*!*/ UPDATE users SET email='i@real.com';\n", "UPDATE"},
		{"compound statement", emailRule, users + "DELIMITER ;;\nBEGIN NOT ATOMIC INSERT INTO users VALUES (3,'j@real.com'); END;;\nDELIMITER ;\n", "BEGIN"},
		{"two statements under a delimiter", emailRule, users + "DELIMITER ;;\nSET @a=1;INSERT INTO users VALUES (3,'k@real.com');;\nDELIMITER ;\n", "several statements"},
		{"on duplicate key update", emailRule, users + "INSERT INTO users VALUES (1,'x@y.z') ON DUPLICATE KEY UPDATE email=CHAR(105,118);\n", "after the rows"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runFilter(t, mustRules(t, c.rules), c.dump, testSecret)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want an error saying %q; output:\n%s", err, c.msg, out)
			}
		})
	}

	rewritten := []struct{ name, rules, dump, leak string }{
		{"mysqldump --where comment", emailRule, "--\n-- WHERE:  email='l@real.com'\n--\n" + users + "INSERT INTO users VALUES (1,'l@real.com');\n", "l@real.com"},
		{"most specific json path wins", "version: 1\ntables:\n  d:\n    columns:\n      j:\n        json: {\"customer.*\": keep, \"customer.email\": email}\n", "CREATE TABLE d (j text);\nINSERT INTO d VALUES ('{\"customer\":{\"email\":\"m@real.com\",\"vip\":true}}');\n", "m@real.com"},
		{"php integer phone", "version: 1\ntables:\n  d:\n    columns:\n      p:\n        php: {phone: phone}\n", "CREATE TABLE d (p text);\nINSERT INTO d VALUES ('a:1:{s:5:\\\"phone\\\";i:33612345678;}');\n", "33612345678"},
		{"double-serialized php", "version: 1\ntables:\n  d:\n    columns:\n      p:\n        php: {\"*.ip\": ip}\n", "CREATE TABLE d (p text);\nINSERT INTO d VALUES ('s:47:\\\"a:1:{s:1:\\\"x\\\";a:1:{s:2:\\\"ip\\\";s:10:\\\"81.56.1.20\\\";}}\\\";');\n", "81.56.1.20"},
		{"eav glob over a slash", "version: 1\ntables:\n  m:\n    eav: {key_column: k, value_column: v}\n    keys:\n      \"_cache_*\": empty\n", "CREATE TABLE m (k varchar(50), v text);\nINSERT INTO m VALUES ('_cache_api/customers','n@real.com');\n", "n@real.com"},
		{"eav key with trailing space", "version: 1\ntables:\n  m:\n    eav: {key_column: k, value_column: v}\n    keys:\n      birthmail: email\n", "CREATE TABLE m (k varchar(50), v text);\nINSERT INTO m VALUES ('birthmail ','o@real.com');\n", "o@real.com"},
		// Words in a table's COMMENT are text, not a query (Magento's
		// 'Admin User Table' and Drupal's watchdog comment were refused).
		{"table comment says table and select", emailRule, "CREATE TABLE `users` (`id` int, `email` varchar(100)) ENGINE=InnoDB COMMENT='Admin User Table: select values with care';\nINSERT INTO `users` VALUES (1,'q@real.com');\n", "q@real.com"},
		{"partitioned table", emailRule, "CREATE TABLE `users` (`id` int, `email` varchar(100)) /*!50100 PARTITION BY RANGE (`id`) (PARTITION p0 VALUES LESS THAN (10) ENGINE = InnoDB) */;\nINSERT INTO `users` VALUES (1,'r@real.com');\n", "r@real.com"},
		{"alter table comment says rename", emailRule, users + "ALTER TABLE `users` COMMENT='Rename log';\nINSERT INTO `users` (`id`,`email`) VALUES (1,'s@real.com');\n", "s@real.com"},
		{"generated column in positional rows", emailRule, "CREATE TABLE `users` (`id` int, `email` varchar(100), `dom` varchar(100) AS (SUBSTRING_INDEX(email,'@',-1)) STORED);\nINSERT INTO `users` VALUES (1,'p@real.com','real.com');\n", "real.com"},
	}
	for _, c := range rewritten {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runFilter(t, mustRules(t, c.rules), c.dump, testSecret)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, c.leak) {
				t.Fatalf("%q survived:\n%s", c.leak, out)
			}
		})
	}
}
