package anonymize

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
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
