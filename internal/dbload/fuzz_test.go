package dbload

import (
	"io"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// neverCalled are functions no accepted statement of a schema or data entry
// may call: they wait, lock, tell about the server, or are not built in.
var neverCalled = setOf("USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "DATABASE", "SCHEMA", "VERSION",
	"CONNECTION_ID", "LAST_INSERT_ID", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_USED_LOCK", "IS_FREE_LOCK",
	"BINLOG_GTID_POS", "EVIL", "MYFUNC", "EXTRACTVALUE", "UPDATEXML", "ROW_COUNT", "FOUND_ROWS")

// calledAt reports whether toks[i] is called: '(' follows, and it is not
// a table, index or period name, nor a key column with a prefix length
// (a '(' with one number in it).
func calledAt(toks []token, i int) bool {
	if i+1 >= len(toks) || toks[i+1].text != "(" || toks[i+1].kind != 'p' {
		return false
	}
	if i > 0 && (toks[i-1].is("TABLE", "REFERENCES", "KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL", "FOR", "EXISTS") || toks[i-1].text == ".") {
		return false
	}
	return !(i+3 < len(toks) && toks[i+2].kind == 'w' && strings.Trim(toks[i+2].text, "0123456789") == "" && toks[i+3].text == ")")
}

// FuzzGuard feeds the guard what an archive entry could hold. Whatever it
// accepts, re-read by the guard's own lexer, names no other database, holds
// none of the refused words as code, for data entries is an INSERT, and
// outside objects calls none of the functions of neverCalled, in its text
// or its rows.
func FuzzGuard(f *testing.F) {
	for _, s := range []string{
		"CREATE TABLE t (a INT) ENGINE=InnoDB;",
		"CREATE TABLE t (a INT) COMMENT='Admin User Table';",
		"INSERT INTO t VALUES (1,'a'),(2,'b');",
		"CREATE DEFINER=`root`@`localhost` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;",
		"CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t;",
		"CREATE VIEW v AS SELECT a FROM t;",
		"/*!40101 SET NAMES utf8mb4 */;",
		"DO SETVAL(s, 5, 0);",
		"CREATE TABLE zz(id int); DROP TABLE _stagecopy_staging;",
		"DO SETVAL(zz_seq,5,0), SLEEP(6), @x:=CURRENT_USER();",
		"SELECT * FROM mysql.user INTO OUTFILE '/tmp/x';",
		"INSERT INTO shop.t VALUES (1);",
		"INSERT INTO t VALUES (1) RETURNING (SELECT 1 FROM shop.x);",
		"CREATE TABLE t (a INT) /*!99999 ' */ SELECT 1 /*!99999 ' */;",
		"SET GLOBAL general_log = 1;",
		// Issue 14, item 9: calls outside the allow-list.
		"CREATE TABLE t (a INT DEFAULT (evil()));",
		"CREATE TABLE t (a VARCHAR(80) DEFAULT current_user());",
		"CREATE TABLE t (a INT, b VARCHAR(100) AS (`concat`(a)) VIRTUAL);",
		"CREATE TABLE t (a INT CHECK (release_lock('x') IS NULL));",
		"CREATE TABLE t (a INT) PARTITION BY HASH (evil(a));",
		"CREATE TABLE t (a INT, KEY k ((evil(a))), KEY j (a(10)));",
		"CREATE TABLE t (a VARCHAR(10) DEFAULT (substring('abc' FROM 1 FOR evil(2))));",
		"CREATE TABLE t (id INT, g VARCHAR(100) AS (binlog_gtid_pos('mysql-bin.000001', 4)) VIRTUAL);",
		"CREATE TABLE t (id INT DEFAULT nextval(`s`), d DATE DEFAULT (curdate() + INTERVAL 1 DAY), doc JSON CHECK (json_valid(doc)), n VARCHAR(9) AS (json_value(doc, '$.n')), PRIMARY KEY (id)) PARTITION BY RANGE (year(d)) (PARTITION p VALUES LESS THAN MAXVALUE);",
		"CREATE SEQUENCE s START WITH 1 INCREMENT BY evil() ENGINE=InnoDB;",
		"ALTER TABLE t ALTER a SET DEFAULT (is_used_lock('x'));",
		"SET @x = connection_id();",
		"SET collation_connection = IFNULL(@saved, 'utf8mb4_general_ci');",
		"SET @x = (SELECT user());",
		"INSERT INTO t VALUES (1, ST_GeomFromText('POINT(1 1)'), _binary 0x01, CURRENT_TIMESTAMP);",
		"INSERT INTO t VALUES (1, evil(2)), (2, user()), (3, @@hostname), (4, `a`);",
		"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = WAIT_FOR_EXECUTED_GTID_SET('x', 100);",
	} {
		for k := range 3 {
			f.Add(s, k)
		}
	}
	f.Fuzz(func(t *testing.T, text string, kind int) {
		k := EntryKind(((kind % 3) + 3) % 3)
		sc := sqldump.NewScanner(strings.NewReader(text))
		g := &guard{target: "stage", others: map[string]bool{"mysql": true, "shop": true}}
		for range 8 {
			st, err := sc.Next()
			if err != nil {
				return
			}
			out, err := g.check(k, st, []byte(strings.TrimSuffix(string(st.Text), st.Delimiter)))
			if err != nil {
				return
			}
			toks, err := lex(out)
			if err != nil {
				t.Fatalf("accepted %q, which does not lex: %v", out, err)
			}
			for i, tk := range toks {
				if tk.kind != 'w' && tk.kind != 'i' {
					continue
				}
				if _, bad := refusedWords[tk.text]; bad && tk.kind == 'w' && !(i > 0 && toks[i-1].text == ".") {
					t.Fatalf("accepted %q holding %s", out, tk.text)
				}
				name := strings.ToLower(tk.text)
				if (name == "shop" || name == "mysql") && i+1 < len(toks) && toks[i+1].kind == 'p' && toks[i+1].text == "." {
					t.Fatalf("accepted %q naming database %s", out, tk.text)
				}
				if k != EntryObjects && tk.kind == 'w' && neverCalled[tk.text] && calledAt(toks, i) {
					t.Fatalf("accepted %q calling %s", out, tk.text)
				}
			}
			if st.Kind == sqldump.KindInsert {
				for {
					row, err := sc.NextRow()
					if err == io.EOF {
						break
					}
					if err != nil || checkRow(row) != nil {
						return
					}
					for _, v := range row.Values {
						if v.Kind != sqldump.ValueExpr {
							continue
						}
						vt, _ := lex(v.Raw)
						for i, tk := range vt {
							if tk.kind == 'i' || tk.kind == 'w' && (tk.text[0] == '@' || neverCalled[tk.text] && calledAt(vt, i)) {
								t.Fatalf("accepted the row value %q", v.Raw)
							}
						}
					}
				}
			}
		}
	})
}
