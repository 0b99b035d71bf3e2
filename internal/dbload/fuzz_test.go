package dbload

import (
	"io"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// FuzzGuard feeds the guard what an archive entry could hold. Whatever it
// accepts, re-read by the guard's own lexer, names no other database, holds
// none of the refused words as code, and for data entries is an INSERT.
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
				}
			}
		}
	})
}
