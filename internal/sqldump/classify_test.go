package sqldump

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in          string
		kind        Kind
		table, db   string
		text        string // expected Text if not the whole input
		delimiterIn string // DELIMITER command to run first
	}{
		{in: "/*!40101 SET NAMES utf8mb4 */;", kind: KindSet},
		{in: "SET @@SESSION.SQL_LOG_BIN= 0;", kind: KindSet},
		{in: "set names utf8;", kind: KindSet},
		{in: "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n/*!50001 VIEW `v` AS select 1 AS `a` */;", kind: KindCreateView, table: "v"},
		{in: "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.a = 1; */;;", kind: KindTrigger, table: "t", delimiterIn: ";;"},
		{in: "CREATE DEFINER=`root`@`localhost` PROCEDURE `p`()\nBEGIN\n  SELECT 1;\nEND ;;", kind: KindRoutine, delimiterIn: ";;"},
		{in: "CREATE DEFINER=root@localhost FUNCTION f() RETURNS int RETURN 1$$", kind: KindRoutine, delimiterIn: "$$"},
		{in: "CREATE DEFINER=CURRENT_USER() EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1;", kind: KindEvent},
		{in: "CREATE OR REPLACE TABLE `a`.`b` (x int);", kind: KindCreateTable, table: "b", db: "a"},
		{in: "CREATE TEMPORARY TABLE t (x int);", kind: KindCreateTable, table: "t"},
		{in: "CREATE TABLE IF NOT EXISTS `t``x` (x int);", kind: KindCreateTable, table: "t`x"},
		{in: "create table if not exists t2 like t1;", kind: KindCreateTable, table: "t2"},
		{in: "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;", kind: KindCreateDatabase, db: "shop"},
		{in: "DROP DATABASE IF EXISTS shop;", kind: KindDropDatabase, db: "shop"},
		{in: "DROP TABLE IF EXISTS `t1`,`t2`;", kind: KindDropTable, table: "t1"},
		{in: "/*!50001 DROP VIEW IF EXISTS `v`*/;", kind: KindDropView, table: "v"},
		{in: "/*!50032 DROP TRIGGER IF EXISTS `trg` */;", kind: KindTrigger},
		{in: "/*!50003 DROP PROCEDURE IF EXISTS `p` */;", kind: KindRoutine},
		{in: "/*!50106 DROP EVENT IF EXISTS `e` */;", kind: KindEvent},
		{in: "LOCK TABLES `t` WRITE;", kind: KindLockTables, table: "t"},
		{in: "lock tables t1 read local, t2 write;", kind: KindLockTables, table: "t1"},
		{in: "UNLOCK TABLES;", kind: KindUnlockTables},
		{in: "/*!40000 ALTER TABLE `t` DISABLE KEYS */;", kind: KindAlterTable, table: "t"},
		{in: "ALTER ONLINE TABLE IF EXISTS t ADD x int;", kind: KindAlterTable, table: "t"},
		{in: "USE `db`;", kind: KindUse, db: "db"},
		{in: "use db", kind: KindUse, db: "db"},
		{in: "START TRANSACTION;", kind: KindTransaction},
		{in: "BEGIN;", kind: KindTransaction},
		{in: "begin work;", kind: KindTransaction},
		{in: "COMMIT;", kind: KindTransaction},
		{in: "TRUNCATE TABLE `db`.`t`;", kind: KindOther, table: "t", db: "db"},
		{in: "SELECT 1;", kind: KindOther},
		{in: ";", kind: KindOther},
		{in: "DO SETVAL(`seq1`, 10, 0);", kind: KindOther},
		{in: "CREATE SEQUENCE `s` start with 1;", kind: KindOther},
		{in: "SELECT 'unterminated at eof'", kind: KindOther},
		{in: "SELECT 1 -- comment\n", kind: KindOther, text: "SELECT 1"},
		{in: "SELECT 1 /* c */ ", kind: KindOther, text: "SELECT 1"},
		{in: "SELECT 1/*!50000 + 1 */", kind: KindOther},
		{in: "DELIMITER ;;\r\n", kind: KindDelimiter, text: "DELIMITER ;;"},
		{in: "DELIMITER $$ ignored rest", kind: KindDelimiter},
		{in: "  delimiter\t//\n", kind: KindDelimiter, text: "delimiter\t//"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			in := tt.in
			if tt.delimiterIn != "" {
				in = "DELIMITER " + tt.delimiterIn + "\n" + in
			}
			sc := NewScanner(strings.NewReader(in))
			st, err := sc.Next()
			if err != nil {
				t.Fatal(err)
			}
			if tt.delimiterIn != "" {
				if st.Kind != KindDelimiter || st.Delimiter != tt.delimiterIn {
					t.Fatalf("DELIMITER: kind %s delimiter %q", st.Kind, st.Delimiter)
				}
				if st, err = sc.Next(); err != nil {
					t.Fatal(err)
				}
			}
			text := tt.text
			if text == "" {
				text = strings.TrimLeft(tt.in, " ")
			}
			if st.Kind != tt.kind || st.Table != tt.table || st.Database != tt.db || string(st.Text) != text {
				t.Errorf("got kind %s table %q db %q text %q\nwant kind %s table %q db %q text %q",
					st.Kind, st.Table, st.Database, st.Text, tt.kind, tt.table, tt.db, text)
			}
		})
	}
}

func TestInsertPrefix(t *testing.T) {
	tests := []struct {
		in, text, table, db, verb string
		cols                      []string
	}{
		{in: "INSERT INTO `t` VALUES (1);", text: "INSERT INTO `t` VALUES ", table: "t", verb: "INSERT"},
		{in: "INSERT INTO `t` VALUES(1);", text: "INSERT INTO `t` VALUES", table: "t", verb: "INSERT"},
		{in: "INSERT INTO `t` VALUES\n(1);", text: "INSERT INTO `t` VALUES\n", table: "t", verb: "INSERT"},
		{in: "INSERT INTO `t` VALUES /* c */ (1);", text: "INSERT INTO `t` VALUES /* c */ ", table: "t", verb: "INSERT"},
		{in: "INSERT INTO t VALUES -- c\n(1);", text: "INSERT INTO t VALUES -- c\n", table: "t", verb: "INSERT"},
		{in: "insert ignore into db.t value (1);", text: "insert ignore into db.t value ", table: "t", db: "db", verb: "INSERT IGNORE"},
		{in: "REPLACE `t`(`a`,`b`)VALUES(1,2);", text: "REPLACE `t`(`a`,`b`)VALUES", table: "t", verb: "REPLACE", cols: []string{"a", "b"}},
		{in: "INSERT DELAYED INTO t (t.a) VALUES (1);", text: "INSERT DELAYED INTO t (t.a) VALUES ", table: "t", verb: "INSERT", cols: []string{"a"}},
		{in: "INSERT INTO \"t\" VALUES (1);", text: "INSERT INTO \"t\" VALUES ", table: "t", verb: "INSERT"},
	}
	for _, tt := range tests {
		sc := NewScanner(strings.NewReader(tt.in))
		st, err := sc.Next()
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if st.Kind != KindInsert || string(st.Text) != tt.text || st.Table != tt.table || st.Database != tt.db ||
			st.Verb != tt.verb || strings.Join(st.Columns, ",") != strings.Join(tt.cols, ",") || (st.Columns == nil) != (tt.cols == nil) {
			t.Errorf("%q: got %s text %q table %q db %q verb %q cols %q", tt.in, st.Kind, st.Text, st.Table, st.Database, st.Verb, st.Columns)
		}
		row, err := sc.NextRow()
		if err != nil || string(row.Raw[:2]) != "(1" || len(row.Sep) != 0 {
			t.Errorf("%q: first row %v %v", tt.in, row, err)
		}
	}
}

// TestInsertUnderDelimiter reads INSERTs while DELIMITER changed the
// delimiter, as happens inside DELIMITER ;; blocks.
func TestInsertUnderDelimiter(t *testing.T) {
	for _, d := range []string{";;", "$$", "//", "|", "@@"} {
		in := "DELIMITER " + d + "\nINSERT INTO t VALUES ('a" + d + "b',f(1)),\n(NULL,'x;')" + d + "\nDELIMITER ;\n"
		out, desc, err := scanAll(strings.NewReader(in))
		if err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		if string(out) != in {
			t.Errorf("%s: round trip %q", d, out)
		}
		want := "line 2: insert table=\"t\" verb=\"INSERT\" delim=\"" + d + "\" \"INSERT INTO t VALUES \"\n" +
			"  row 0 sep=\"\": string:\"a" + d + "b\"<-\"'a" + d + "b'\" expr:\"f(1)\"\n" +
			"  row 1 sep=\",\\n\": null string:\"x;\"<-\"'x;'\"\n" +
			"  tail \"" + d + "\"\n"
		if !strings.Contains(desc, want) {
			t.Errorf("%s:\n%s\nwant\n%s", d, desc, want)
		}
	}
	_, _, err := scanAll(strings.NewReader("DELIMITER $$\nINSERT INTO t VALUES (1$$,2)$$"))
	if err == nil || !strings.Contains(err.Error(), "statement ends inside a row") {
		t.Errorf("delimiter inside a row: %v", err)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // expected Error()
	}{
		{"SELECT 1;\nINSERT INTO `wp_users` SELECT * FROM x;", `sqldump: line 2 (byte 33), table "wp_users": INSERT ... SELECT is not supported, only VALUES lists`},
		{"INSERT INTO t SET a=1;", `sqldump: line 1 (byte 14), table "t": INSERT ... SET is not supported, only VALUES lists`},
		{"INSERT INTO t (a) SELECT 1;", `sqldump: line 1 (byte 18), table "t": INSERT ... SELECT is not supported, only VALUES lists`},
		{"INSERT INTO t;", `sqldump: line 1 (byte 13), table "t": expected VALUES, found end of statement`},
		{"INSERT INTO t VALUES", `sqldump: line 1 (byte 20), table "t": expected '(' after VALUES, found end of input`},
		{"INSERT INTO t VALUES ROW(1);", `sqldump: line 1 (byte 21), table "t": expected '(' after VALUES, found "ROW(1);"`},
		{"INSERT INTO t VALUES /*!50000 (1) */;", `sqldump: line 1 (byte 21), table "t": a versioned comment (/*!...*/) around rows is not supported: it may hold whole values inside a row, not rows`},
		{"INSERT INTO t VALUES (1), /*!50000 (2) */;", `sqldump: line 1 (byte 26), table "t": a versioned comment (/*!...*/) around rows is not supported: it may hold whole values inside a row, not rows`},
		{"INSERT INTO t VALUES (1) (2);", `sqldump: line 1 (byte 25), table "t": expected ',' or end of statement after row, found "(2);"`},
		{"INSERT INTO t VALUES (1) /*!50000 ,(2) */;", `sqldump: line 1 (byte 25), table "t": expected ',' or end of statement after row, found "/*!50000 ,(2) */;"`},
		{"INSERT INTO t VALUES (1),;", `sqldump: line 1 (byte 25), table "t": expected '(' after ',', found ";"`},
		{"INSERT INTO t VALUES (1,);", `sqldump: line 1 (byte 24), table "t": expected a value, found ")"`},
		{"INSERT INTO t VALUES (1;", `sqldump: line 1 (byte 23), table "t": statement ends inside a row (unbalanced parentheses?)`},
		{"INSERT INTO t VALUES (1,\n'abc", `sqldump: line 2 (byte 25), table "t": unterminated string at end of input`},
		{"INSERT INTO t VALUES (1", `sqldump: line 1 (byte 23), table "t": unexpected end of input inside row`},
		{"INSERT INTO t VALUES (1, /*!50000 f(2 */));", `sqldump: line 1 (byte 38), table "t": a versioned comment (/*!...*/) that holds part of a value is not supported: it may hold whole values, with the commas between them`},
		{"INSERT INTO t VALUES (1, 'a' /*!50000 , */ 'b');", `sqldump: line 1 (byte 29), table "t": MySQL older than 5.0.0 skips this versioned comment and reads value 2 of the row with no comma before the next value it keeps: MySQL joins adjacent strings into one ('a' 'b' is 'ab'), a value no rule saw; a versioned comment may hold whole values, each with one comma beside it`},
		{"SELECT 'abc", `sqldump: line 1 (byte 7): unterminated string at end of input`},
		{"SELECT `abc", `sqldump: line 1 (byte 7): unterminated quoted identifier at end of input`},
		{"SELECT 1; /* abc", `sqldump: line 1 (byte 10): unterminated comment at end of input`},
		{"SELECT 1 /* abc", `sqldump: line 1 (byte 9): unterminated comment at end of input`},
		{"DELIMITER\n", `sqldump: line 1 (byte 0): DELIMITER must be followed by a delimiter`},
		{"DELIMITER \\\\\n", `sqldump: line 1 (byte 0): DELIMITER cannot contain a backslash`},
		{"DELIMITER ,\nINSERT INTO t VALUES (1),(2),", `sqldump: line 2 (byte 12), table "t": cannot read INSERT rows while the delimiter is ","`},
		{"INSERT INTO t VALUES ('a' 'b' 'c, 1);", `sqldump: line 1 (byte 30), table "t": unterminated string at end of input`},
	}
	for _, tt := range tests {
		_, _, err := scanAll(strings.NewReader(tt.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a SyntaxError", tt.in, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestErrorsAreSticky(t *testing.T) {
	sc := NewScanner(strings.NewReader("INSERT INTO t VALUES (1,);SELECT 1;"))
	if _, err := sc.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := sc.NextRow()
	if err == nil {
		t.Fatal("no error")
	}
	for range 2 {
		if _, err2 := sc.Next(); err2 != err {
			t.Fatalf("Next: %v, want %v", err2, err)
		}
		if _, err2 := sc.NextRow(); err2 != err {
			t.Fatalf("NextRow: %v, want %v", err2, err)
		}
	}
}

// TestNextSkipsRows checks that calling Next before the rows are read skips
// them, and that Tail is still not needed for correctness of what follows.
func TestNextSkipsRows(t *testing.T) {
	sc := NewScanner(strings.NewReader("INSERT INTO t VALUES (1),(2),(3);\nINSERT INTO u VALUES (4);SELECT 5;"))
	var got []string
	for {
		st, err := sc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, st.Kind.String()+":"+string(st.Text))
		if st.Table == "u" {
			row, err := sc.NextRow()
			if err != nil || string(row.Raw) != "(4)" {
				t.Fatalf("row of u: %v %v", row, err)
			}
		}
	}
	want := "insert:INSERT INTO t VALUES |insert:INSERT INTO u VALUES |other:SELECT 5;"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

// TestStatementTextStaysValid checks that Lead and Text of an INSERT can
// still be used after its rows were read.
func TestStatementTextStaysValid(t *testing.T) {
	in := "-- lead\nINSERT INTO t VALUES " + strings.Repeat("('"+strings.Repeat("x", 1000)+"'),", 1000) + "(1);"
	sc := NewScanner(strings.NewReader(in))
	st, err := sc.Next()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := sc.NextRow(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if string(st.Lead) != "-- lead\n" || string(st.Text) != "INSERT INTO t VALUES " || string(st.Tail) != ";" {
		t.Fatalf("statement changed: %q %q %q", st.Lead, st.Text, st.Tail)
	}
}

func TestKindString(t *testing.T) {
	for k := KindTrivia; k <= KindOther; k++ {
		if s := k.String(); s == "" || strings.HasPrefix(s, "Kind(") {
			t.Errorf("Kind %d has no name", k)
		}
	}
	if s := Kind(99).String(); s != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", s)
	}
}
