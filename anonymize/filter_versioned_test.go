package anonymize

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// TestFilterVersionedComments holds what a review found past the token
// checks: a server runs a versioned comment (/*!NNNNN ...*/) or skips it
// (a higher version, /*M! on MySQL, /*!507xx on MariaDB), and session
// settings change how strings read. Each dump must be refused; none may
// get its planted address into the output.
func TestFilterVersionedComments(t *testing.T) {
	users := "CREATE TABLE `users` (`id` int, `email` varchar(100));\n"
	part := "CREATE TABLE `p` (`id` int, `email` varchar(100)) PARTITION BY RANGE (`id`) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE);\nINSERT INTO `p` VALUES (1,'q@real.com');\n"
	emailRule := "version: 1\ntables:\n  users:\n    columns:\n      email: email\n"
	for _, c := range []struct{ name, dump, leak string }{
		{"select between quotes in /*!99999 */", "CREATE TABLE `users` (`id` int, `email` varchar(100)) COMMENT='x' /*!99999 ' */ SELECT 1 AS id, 'm@real.com' AS email /*!99999 ' */;\n", "m@real.com"},
		{"select between double quotes in /*!50700 */", "CREATE TABLE `users` (`id` int, `email` varchar(100)) /*!50700 \" */ SELECT 1 AS id, 'n@real.com' AS email /*!50700 \" */;\n", "n@real.com"},
		{"alter rename between quotes", users + "CREATE TABLE `tmp` (`id` int, `email` varchar(100));\nINSERT INTO `tmp` VALUES (1,'o@real.com');\nALTER TABLE `users` /*!99999 ' */ RENAME TO `old` /*!99999 ' */;\nALTER TABLE `tmp` /*!99999 ' */ RENAME TO `users` /*!99999 ' */;\n", "o@real.com"},
		{"values behind a versioned IN", "CREATE TABLE `users` (`id` int, `email` varchar(100)) VALUES /*!99999 IN */ (1,'b@real.com');\n", "b@real.com"},
		{"values behind a mariadb versioned LESS", "CREATE TABLE `users` (`id` int, `email` varchar(100)) VALUES /*M!999999 LESS */ (1,'c@real.com');\n", "c@real.com"},
		{"parenthesized select as column list", "CREATE TABLE `users` (SELECT 1 AS id, 'd@real.com' AS email);\n", "d@real.com"},
		{"parenthesized select naming email", "CREATE TABLE `users` (SELECT 1 AS id, email FROM (SELECT 'd2@real.com' AS email) x);\n", "d2@real.com"},
		{"versioned parens move the close", "CREATE TABLE `users` (`id` int, `email` varchar(100) /*!99999 ( */) SELECT 1 AS id, 'e@real.com' AS email /*!99999 ) */;\n", "e@real.com"},
		{"versioned VIEW hides CREATE TABLE", "CREATE /*!99999 VIEW v AS */ TABLE `users` (`id` int, `email` varchar(100)) SELECT 1 AS id, 'f@real.com' AS email;\n", "f@real.com"},
		{"versioned SEQUENCE hides CREATE TABLE", "CREATE /*!99999 SEQUENCE s */ TABLE `users` (`id` int, `email` varchar(100)) SELECT 1 AS id, 'i@real.com' AS email;\n", "i@real.com"},
		{"or replace behind a versioned view", users + "INSERT INTO users VALUES (1,'ok@real.com');\nCREATE /*!99999 VIEW v AS */ OR REPLACE TABLE `users` (`id` int, `email` varchar(100)) SELECT 1 AS id, 'j@real.com' AS email;\n", "j@real.com"},
		{"no backslash escapes", "SET sql_mode='NO_BACKSLASH_ESCAPES';\nCREATE TABLE `users` (`id` int, `email` varchar(100)) COMMENT='a\\' SELECT 1 AS id, 0x6b407265616c2e636f6d AS email #'\n;\n", "0x6b407265616c2e636f6d"},
		{"gbk", "/*!40101 SET NAMES gbk */;\nCREATE TABLE `users` (`id` int, `email` varchar(100)) COMMENT='\xbf\\' SELECT 1 AS id, 0x70407265616c2e636f6d AS email #'\n;\n", "0x70407265616c2e636f6d"},
		{"sql_mode from an expression", "SET @m = CONCAT('NO_BACKSLASH', '_ESCAPES');\nSET sql_mode = @m;\n" + users + "INSERT INTO users VALUES (1,'r@real.com');\n", ""},
		{"smuggled statement after DO", users + "DO 1 /*!99999 ' */; INSERT INTO users VALUES (1,'x@real.com'); /*!99999 ' */;\n", "x@real.com"},
		{"convert partition to a ruled table", part + users + "DROP TABLE `users`;\nALTER TABLE `p` CONVERT PARTITION p0 TO TABLE `users`;\n", ""},
		{"exchange partition with a ruled table", part + users + "ALTER TABLE `p` EXCHANGE PARTITION p0 WITH TABLE `users`;\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runFilter(t, mustRules(t, emailRule), c.dump, testSecret)
			if err == nil {
				t.Errorf("passed:\n%s", out)
			}
			if c.leak != "" && strings.Contains(out, c.leak) {
				t.Errorf("%q is in the output:\n%s", c.leak, out)
			}
		})
	}
}

// TestFilterColumnTypes: a fake must be of its column's type. An IP kept as
// its number (PrestaShop's ps_connections.ip_address, a BIGINT) gets the
// number of a documentation address, the same fake as in text; text fakes
// into a number column are refused, not cut down by the server.
func TestFilterColumnTypes(t *testing.T) {
	dump := "CREATE TABLE `c` (`id` int, `ip_address` bigint, `ip_text` varchar(45));\nINSERT INTO `c` VALUES (1,1359103253,'81.2.69.21');\n"
	out, _, err := runFilter(t, mustRules(t, "version: 1\ntables:\n  c:\n    columns:\n      ip_address: ip\n      ip_text: ip\n"), dump, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\(1,(\d+),'([0-9.]+)'\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no row with a number and an address in:\n%s", out)
	}
	n, _ := strconv.ParseUint(m[1], 10, 32)
	got := fmt.Sprintf("%d.%d.%d.%d", n>>24, n>>16&255, n>>8&255, n&255)
	if m[1] == "1359103253" || got != m[2] {
		t.Errorf("the number %s is %s; the text column's fake is %s (want the same documentation address)", m[1], got, m[2])
	}
	_, _, err = runFilter(t, mustRules(t, "version: 1\ntables:\n  c:\n    columns:\n      ip_address: lorem\n"), dump, testSecret)
	if !errors.Is(err, ErrType) {
		t.Errorf("lorem into a bigint: %v, want ErrType", err)
	}
}

// sakilaAddress is the address table of MySQL's sakila sample database as
// its schema and data files write it (sakila-schema.sql, sakila-data.sql):
// the geometry column and its values exist only for servers that run
// /*!50705 ...*/, MySQL 5.7.5 and later.
const sakilaAddress = "CREATE TABLE address (\n" +
	"  address_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,\n" +
	"  address VARCHAR(50) NOT NULL,\n" +
	"  address2 VARCHAR(50) DEFAULT NULL,\n" +
	"  district VARCHAR(20) NOT NULL,\n" +
	"  city_id SMALLINT UNSIGNED NOT NULL,\n" +
	"  postal_code VARCHAR(10) DEFAULT NULL,\n" +
	"  phone VARCHAR(20) NOT NULL,\n" +
	"  -- Add GEOMETRY column for MySQL 5.7.5 and higher\n" +
	"  -- Also include SRID attribute for MySQL 8.0.3 and higher\n" +
	"  /*!50705 location GEOMETRY */ /*!80003 SRID 0 */ /*!50705 NOT NULL,*/\n" +
	"  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n" +
	"  PRIMARY KEY  (address_id),\n" +
	"  KEY idx_fk_city_id (city_id),\n" +
	"  /*!50705 SPATIAL KEY `idx_location` (location),*/\n" +
	"  CONSTRAINT `fk_address_city` FOREIGN KEY (city_id) REFERENCES city (city_id) ON DELETE RESTRICT ON UPDATE CASCADE\n" +
	")ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n" +
	"INSERT INTO `address` VALUES (1,'47 MySakila Drive',NULL,'Alberta',300,'','',/*!50705 0x0000000001010000003E0A325D63345CC0761FDB8D99D94840,*/'2014-09-25 22:30:27'),\n" +
	"(2,'28 MySQL Boulevard',NULL,'QLD',576,'','',/*!50705 0x0000000001010000008E10D4DF812463404EE08C5022A23BC0,*/'2014-09-25 22:30:09'),\n" +
	"(3,'23 Workhaven Lane',NULL,'Alberta',300,'','14033335568',/*!50705 0x000000000101000000CDC4196863345CC01DEE7E7099D94840,*/'2014-09-25 22:30:27');\n"

// TestFilterVersionedValues: rows with values inside versioned comments,
// in tables with and without rules. A value is rewritten inside its
// comment, and every server that loads the row puts each value into the
// column its rules were chosen by.
func TestFilterVersionedValues(t *testing.T) {
	addressRules := "version: 1\ntables:\n  address:\n    columns:\n      address: {fixed: {value: 'Street'}}\n      phone: phone\n"
	out, rep, err := runFilter(t, mustRules(t, addressRules), sakilaAddress, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"MySakila", "Workhaven", "14033335568"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q is in the output", leak)
		}
	}
	for _, kept := range []string{"/*!50705 0x0000000001010000003E0A325D63345CC0761FDB8D99D94840,*/'2014-09-25 22:30:27'),", "(3,'Street',NULL,'Alberta',300,'',"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q is not in the output:\n%s", kept, out)
		}
	}
	if rep.Tables[0].RowsChanged != 3 {
		t.Errorf("%d rows changed", rep.Tables[0].RowsChanged)
	}
	// Without rules for the table, it comes out byte for byte.
	out, _, err = runFilter(t, mustRules(t, "version: 1\ntables:\n  other: skip\n"), sakilaAddress+"CREATE TABLE other (a int);\n", testSecret)
	if err != nil || out != sakilaAddress {
		t.Errorf("without rules: %v\n%s", err, out)
	}

	// A ruled value inside a comment is replaced there, on one line with
	// the comment's other values; a fake holding "*/" does not end it.
	users := "CREATE TABLE `users` (`id` int, /*!50705 `email` varchar(100), `note` text, */ `name` varchar(50) /*M!100100 , `city` varchar(50) */);\n"
	rows := "INSERT INTO `users` VALUES (1, /*!50705 'ann@real.example-customer.net', 'x', */ 'Ann' /*M!100100 , 'Lyon' */),(2,/*!50705 NULL,NULL,*/'Bob' /*M!100100 ,NULL*/);\n"
	r := mustRules(t, "version: 1\ntables:\n  users:\n    columns:\n      email: email\n      note: {fixed: {value: 'a*/b'}}\n      city: city\n      name: {fixed: {value: 'N'}}\n")
	out, _, err = runFilter(t, r, users+rows, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "ann@real") || strings.Contains(out, "Lyon") || !strings.Contains(out, `'a*\/b', */ 'N' /*M!100100 , '`) || !strings.Contains(out, `(2,/*!50705 NULL,'a*\/b',*/'N' /*M!100100 ,NULL*/)`) {
		t.Errorf("output:\n%s", out)
	}
	checkVersionedOutput(t, out, "users", map[string]string{"/*!50705": "ann@real", "": "Ann"})

	// A value a server would read into another column than the one its
	// rule is chosen by is refused, and comes out nowhere.
	for _, c := range []struct{ name, dump, leak, want string }{
		{"value in a comment the column is not in",
			"CREATE TABLE `users` (`id` int, /*!50705 `note` text, */ `email` varchar(100));\nINSERT INTO `users` VALUES (1, 'r1@real.com' /*!50705 , 'x' */);\n",
			"r1@real.com", "MySQL older than 5.7.5 or MariaDB reads value 2 of the row into column email, not note"},
		{"values of one server, columns of another",
			"CREATE TABLE `users` (`id` int, /*M!100000 `a` text, */ /*!50705 `b` text, */ `email` varchar(100));\nINSERT INTO `users` VALUES (1, /*!50705 'x', */ /*M!100000 'y', */ 'r2@real.com');\n",
			"", "reads value 2 of the row into column b, not a"},
		{"column list swapped behind versioned comments",
			"CREATE TABLE `users` (`id` int, `email` varchar(100), `note` text);\nINSERT INTO `users` (id, email /*!99999 .note */, note /*!99999 .email */) VALUES (1,'r3@real.com', 'y');\n",
			"r3@real.com", "reads the columns of these rows as (id, email, note), not (id, note, email)"},
		{"columns renamed behind versioned comments",
			"CREATE TABLE `users` (`id` int, /*!99999 note */ email varchar(100), /*!99999 email */ note text);\nINSERT INTO `users` VALUES (1,'r4@real.com','x');\n",
			"r4@real.com", "MySQL older than 9.99.99 or MariaDB reads the columns of these rows as (id, email, note), not (id, note, email)"},
		{"table renamed behind a versioned comment",
			"CREATE TABLE `users` (`id` int, `email` varchar(100));\nINSERT INTO users /*!99999 .x */ VALUES (1,'r5@real.com');\n",
			"r5@real.com", "reads this INSERT as one into `users`, not `users`.`x`"},
		{"two values joined where the comment is skipped",
			"CREATE TABLE `users` (`id` int, `email` varchar(100), `x` text);\nINSERT INTO `users` VALUES (1, 'r6@real.com' /*!50000 , */ 'x');\n",
			"r6@real.com", "MySQL older than 5.0.0 skips this versioned comment"},
		{"a statement in a string of an INSERT inside a versioned comment",
			"CREATE TABLE `users` (`id` int, `email` varchar(100));\nCREATE TABLE `keep` (`a` text);\n/*!99999 INSERT INTO `keep` VALUES ('*/ INSERT INTO users VALUES (1,0x7265616c406d61696c); -- ') */;\n",
			"0x7265616c406d61696c", "which servers that skip it end at this \"*/\""},
		{"a statement in the tail of an INSERT inside a versioned comment",
			"CREATE TABLE `users` (`id` int, `email` varchar(100));\nCREATE TABLE `keep` (`a` text);\n/*!99999 INSERT INTO `keep` VALUES ('x') ON DUPLICATE KEY UPDATE a='*/ INSERT INTO users VALUES (1,0x7265616c406d61696c); -- ' */;\n",
			"0x7265616c406d61696c", "which servers that skip it end at this \"*/\""},
		{"a statement in a string of the tail of an INSERT into a table without rules",
			"CREATE TABLE `users` (`id` int, `email` varchar(100));\nCREATE TABLE `keep` (`a` int primary key);\nINSERT INTO `keep` VALUES (1) /*!99999 ON DUPLICATE KEY UPDATE a='*/; INSERT INTO users VALUES (1,0x7265616c406d61696c); -- ' */;\n",
			"0x7265616c406d61696c", "runs past its end"},
		{"a string ends the comment where it is skipped",
			"CREATE TABLE `users` (`id` int, `email` varchar(100));\nINSERT INTO `users` VALUES (1, /*!99999 'a*/, 'r7@real.com'), ('*/');\n",
			"r7@real.com", "runs past its end"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runFilter(t, mustRules(t, "version: 1\ntables:\n  users:\n    columns:\n      email: email\n"), c.dump, testSecret)
			if err == nil {
				t.Fatalf("passed:\n%s", out)
			}
			if c.want != "" && !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant ...%s...", err, c.want)
			}
			if c.leak != "" && strings.Contains(out, c.leak) {
				t.Errorf("%q is in the output:\n%s", c.leak, out)
			}
		})
	}

	// The row has one value fewer where the comment is skipped: those
	// servers refuse it ("Column count doesn't match"), so it is safe.
	out, _, err = runFilter(t, mustRules(t, "version: 1\ntables:\n  users:\n    columns:\n      email: email\n"),
		"CREATE TABLE `users` (`id` int, `name` text, `email` varchar(100));\nINSERT INTO `users` VALUES (1, 'a' /*!50000 , 'r8@real.com' */);\n", testSecret)
	if err != nil || strings.Contains(out, "r8@real.com") || !strings.Contains(out, "(1, 'a' /*!50000 , '") {
		t.Errorf("%v\n%s", err, out)
	}
}

// checkVersionedOutput reads the Filter's output back: every value of the
// table's rows must still be inside the comment it was in (by Cond), and
// hold none of the originals.
func checkVersionedOutput(t *testing.T, out, table string, originals map[string]string) {
	t.Helper()
	sc := sqldump.NewScanner(strings.NewReader(out))
	for {
		st, err := sc.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		if st.Kind != sqldump.KindInsert || st.Table != table {
			continue
		}
		for {
			r, err := sc.NextRow()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("output row does not parse: %v\n%s", err, out)
			}
			for _, v := range r.Values {
				b, _ := v.Bytes()
				if o, ok := originals[v.Cond]; ok && strings.Contains(string(b), o) {
					t.Errorf("value %q (in %q) is an original", b, v.Cond)
				}
				if v.Cond == "/*!50705" && len(b) > 0 && string(b) != "a*/b" && !strings.Contains(string(b), "@") && string(b) != "N" {
					t.Errorf("unexpected value %q in %q", b, v.Cond)
				}
			}
		}
	}
}
