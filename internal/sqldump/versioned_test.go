package sqldump

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// readingsOf returns the readings of conds, failing t on an error.
func readingsOf(t *testing.T, conds ...string) []Reading {
	t.Helper()
	rds, err := Readings(conds...)
	if err != nil {
		t.Fatal(err)
	}
	return rds
}

func TestReadings(t *testing.T) {
	for _, c := range []struct {
		conds []string
		want  string // each reading: server, then the conds it runs
	}{
		{nil, "MySQL or MariaDB: []"},
		{[]string{"/*!"}, "MySQL or MariaDB: [/*!]"},
		{[]string{"/*!50705"}, "MySQL older than 5.7.5 or MariaDB: [] | MySQL 5.7.5 or newer: [/*!50705]"},
		{[]string{"/*!40101"}, "MySQL older than 4.1.1: [] | MySQL 4.1.1 or newer or MariaDB: [/*!40101]"},
		{[]string{"/*!50705", "/*!80003"}, "MySQL older than 5.7.5 or MariaDB: [] | MySQL 5.7.5 to 8.0.2: [/*!50705] | MySQL 8.0.3 or newer: [/*!50705 /*!80003]"},
		{[]string{"/*M!100100"}, "MySQL or MariaDB older than 10.1.0: [] | MariaDB 10.1.0 or newer: [/*M!100100]"},
		{[]string{"/*M!"}, "MySQL: [] | MariaDB: [/*M!]"},
		{[]string{"/*!50705", "/*M!100100", "/*!40000"}, "MySQL older than 4.0.0: [] | MySQL 4.0.0 to 5.7.4 or MariaDB older than 10.1.0: [/*!40000] | MySQL 5.7.5 or newer: [/*!50705 /*!40000] | MariaDB 10.1.0 or newer: [/*M!100100 /*!40000]"},
	} {
		var got []string
		for _, rd := range readingsOf(t, c.conds...) {
			var runs []string
			for _, cond := range c.conds {
				if rd.Runs(cond) {
					runs = append(runs, cond)
				}
			}
			got = append(got, rd.Server+": ["+strings.Join(runs, " ")+"]")
		}
		if g := strings.Join(got, " | "); g != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.conds, g, c.want)
		}
	}
	var many []string
	for v := 50000; v < 50065; v++ {
		many = append(many, fmt.Sprintf("/*!%d", v))
	}
	if _, err := Readings(many...); err == nil || !strings.Contains(err.Error(), "65 different versions") {
		t.Errorf("65 versions: %v", err)
	}
	if rds, err := Readings(append(many[:64:64], many[:64]...)...); err != nil || len(rds) != 65 {
		t.Errorf("64 versions: %d readings, %v", len(rds), err)
	}
	// A row with too many versions to check is refused, not checked
	// for as long as its values times its versions.
	row := "INSERT INTO t VALUES (0"
	for _, c := range many {
		row += ", " + c + " 1 */"
	}
	if _, _, err := scanAll(strings.NewReader(row + ");")); err == nil || !strings.Contains(err.Error(), "more than 64") {
		t.Errorf("a row with 65 versions: %v", err)
	}
	for _, bad := range []string{"/*!1", "/*!1234", "/*!100100", "/*!1234567", "/*M!123", "/*M!1234567", "/*", "/*!5a"} {
		if _, err := Readings(bad); err == nil {
			t.Errorf("Readings(%q) accepted", bad)
		}
	}
}

func TestStrip(t *testing.T) {
	const text = "a /*!50705 b, 'x*/y' */ /*!80003 c */ /*M!100100 d */ /* e */ 'f /*!50705 g */' -- h */\n"
	// A string holding "*/" inside a run comment runs past its end.
	rds := readingsOf(t, "/*!50705", "/*!80003", "/*M!100100")
	for _, rd := range rds {
		_, err := rd.Strip([]byte(text))
		if rd.Runs("/*!50705") != (err != nil) {
			t.Errorf("%s: Strip: %v", rd.Server, err)
		}
	}
	const ok = "a /*!50705 b, 'y' */ /*!80003 c */ /*M!100100 d */ /* e */ 'f /*!50705 g */' -- h */\n"
	want := map[string]string{
		"MySQL older than 5.7.5 or MariaDB older than 10.1.0": "a       /* e */ 'f /*!50705 g */' -- h */\n",
		"MySQL 5.7.5 to 8.0.2":                                "a   b, 'y'       /* e */ 'f /*!50705 g */' -- h */\n",
		"MySQL 8.0.3 or newer":                                "a   b, 'y'     c     /* e */ 'f /*!50705 g */' -- h */\n",
		"MariaDB 10.1.0 or newer":                             "a       d   /* e */ 'f /*!50705 g */' -- h */\n",
	}
	for _, rd := range rds {
		got, err := rd.Strip([]byte(ok))
		if err != nil || string(got) != want[rd.Server] {
			t.Errorf("%s:\n got %q %v\nwant %q", rd.Server, got, err, want[rd.Server])
		}
	}
	if _, err := rds[0].Strip([]byte("a /*!100100 b */")); err == nil {
		t.Error("Strip accepted a six-digit /*! version")
	}
}

// scanRows scans in (with ordinary and with one-byte reads: they must
// agree) and returns the rows of its first INSERT, described, or the error.
func scanRows(t *testing.T, in string) ([]*Row, error) {
	t.Helper()
	_, desc, err := scanAll(strings.NewReader(in))
	_, desc2, err2 := scanAllTiny([]byte(in))
	if fmt.Sprint(err) != fmt.Sprint(err2) || desc != desc2 {
		t.Errorf("%q: one-byte reads differ:\n%v\n%v\n%s", in, err, err2, lineDiff(desc, desc2))
	}
	if err != nil {
		return nil, err
	}
	sc := NewScanner(strings.NewReader(in))
	var rows []*Row
	for {
		st, err := sc.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		for st.Kind == KindInsert {
			r, err := sc.NextRow()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			c := *r
			c.Raw = bytes.Clone(r.Raw)
			c.Values = slices.Clone(r.Values)
			c.seps = slices.Clone(r.seps)
			rows = append(rows, &c)
		}
	}
}

// TestVersionedValues reads rows with values inside versioned comments, as
// MySQL's sakila sample database writes its geometry: what each server
// reads is checked against the scanner by checkReadings (through scanAll).
func TestVersionedValues(t *testing.T) {
	const point = "0x0000000001010000003E0A325D63345CC0761FDB8D99D94840"
	for _, c := range []struct {
		name, row string
		values    string // each value: Cond*/kind:Raw
		readings  string // each reading: server: indices of its values, or "none"
	}{
		{"sakila", "(1,'47 MySakila Drive',NULL,'Alberta',300,'','',/*!50705 " + point + ",*/'2014-09-25 22:30:27')",
			"number:1 string:'47 MySakila Drive' null:NULL string:'Alberta' number:300 string:'' string:'' /*!50705*/hex:" + point + " string:'2014-09-25 22:30:27'",
			"MySQL older than 5.7.5 or MariaDB: [0 1 2 3 4 5 6 8] | MySQL 5.7.5 or newer: [0 1 2 3 4 5 6 7 8]"},
		{"one value", "(1,/*!50705 0x0101000000 */,'x')",
			"number:1 /*!50705*/hex:0x0101000000 string:'x'",
			"MySQL older than 5.7.5 or MariaDB: none | MySQL 5.7.5 or newer: [0 1 2]"},
		{"comma before", "(1 /*!50705 , 0x01 */, 'x')",
			"number:1 /*!50705*/hex:0x01 string:'x'",
			"MySQL older than 5.7.5 or MariaDB: [0 2] | MySQL 5.7.5 or newer: [0 1 2]"},
		{"last value", "(1, 'a' /*!50000 , 'b' */)",
			"number:1 string:'a' /*!50000*/string:'b'",
			"MySQL older than 5.0.0: [0 1] | MySQL 5.0.0 or newer or MariaDB: [0 1 2]"},
		{"first values", "( /*!50705 1, 2, */ 3)",
			"/*!50705*/number:1 /*!50705*/number:2 number:3",
			"MySQL older than 5.7.5 or MariaDB: [2] | MySQL 5.7.5 or newer: [0 1 2]"},
		{"every value", "(/*!50705 1 */)",
			"/*!50705*/number:1",
			"MySQL older than 5.7.5 or MariaDB: [] | MySQL 5.7.5 or newer: [0]"},
		{"mariadb", "(1, /*M!100100 'a', */ 2)",
			"number:1 /*M!100100*/string:'a' number:2",
			"MySQL or MariaDB older than 10.1.0: [0 2] | MariaDB 10.1.0 or newer: [0 1 2]"},
		{"no version", "(1, /*! 2 */)",
			"number:1 /*!*/number:2",
			"MySQL or MariaDB: [0 1]"},
		{"expression", "(1, /*!50705 ST_GeomFromText('POINT(1 1)'), */ 'x')",
			"number:1 /*!50705*/expr:ST_GeomFromText('POINT(1 1)') string:'x'",
			"MySQL older than 5.7.5 or MariaDB: [0 2] | MySQL 5.7.5 or newer: [0 1 2]"},
		{"introducer", "(1,/*!50705 _binary 'x\\'y' ,*/2)",
			"number:1 /*!50705*/string(_binary):_binary 'x\\'y' number:2",
			"MySQL older than 5.7.5 or MariaDB: [0 2] | MySQL 5.7.5 or newer: [0 1 2]"},
		{"empty", "(1 /*!50705 */, 2)", "number:1 number:2", ""},
		{"line breaks", "(1,/*!50705\n  'a',\n*/\n2)",
			"number:1 /*!50705*/string:'a' number:2",
			"MySQL older than 5.7.5 or MariaDB: [0 2] | MySQL 5.7.5 or newer: [0 1 2]"},
		{"two servers", "(1, /*!50705 'my', */ /*M!100000 'maria', */ 2)",
			"number:1 /*!50705*/string:'my' /*M!100000*/string:'maria' number:2",
			"MySQL older than 5.7.5 or MariaDB older than 10.0.0: [0 3] | MySQL 5.7.5 or newer: [0 1 3] | MariaDB 10.0.0 or newer: [0 2 3]"},
		{"sandbox line is a comment", "(1, /*M!999999\\- enable the sandbox mode */ 2)",
			"number:1 number:2",
			""},
		{"plain comments", "(1 /* c */, /* d */ 'x' /* e */, 1 + /* f */ 2 -- g\n, 3 # h\n)",
			"number:1 string:'x' expr:1 + /* f */ 2 number:3", ""},
		{"division", "(4 / 2, 'a' / 1)", "expr:4 / 2 expr:'a' / 1", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := "INSERT INTO `address` VALUES " + c.row + ",(9);\n"
			rows, err := scanRows(t, in)
			if err != nil {
				t.Fatal(err)
			}
			r := rows[0]
			var vals []string
			for _, v := range r.Values {
				s := v.Kind.String()
				if v.Introducer != "" {
					s += "(" + v.Introducer + ")"
				}
				if v.Cond != "" {
					s = v.Cond + "*/" + s
				}
				vals = append(vals, s+":"+string(v.Raw))
				if !bytes.Equal(r.Raw[v.Start:v.Start+len(v.Raw)], v.Raw) {
					t.Errorf("Start %d does not locate %q", v.Start, v.Raw)
				}
			}
			if g := strings.Join(vals, " "); g != c.values {
				t.Errorf("values\n got %s\nwant %s", g, c.values)
			}
			if string(r.Raw) != c.row {
				t.Errorf("Raw %q", r.Raw)
			}
			if r.Versioned() != (c.readings != "") {
				t.Errorf("Versioned() = %v", r.Versioned())
			}
			if rows[1].Versioned() || rows[1].Conds() != nil {
				t.Errorf("the next row inherits versioned comments: %v", rows[1].Conds())
			}
			if c.readings == "" {
				return
			}
			var got []string
			for _, rd := range readingsOf(t, r.Conds()...) {
				idx, ok := r.Under(rd)
				s := fmt.Sprint(idx)
				if !ok {
					s = "none"
				} else if idx == nil {
					s = "[]"
				}
				got = append(got, rd.Server+": "+s)
			}
			if g := strings.Join(got, " | "); g != c.readings {
				t.Errorf("readings\n got %s\nwant %s", g, c.readings)
			}
		})
	}
}

// TestVersionedValuesRefused: versioned comments in rows that servers
// would read as different values, or that this package cannot follow, are
// syntax errors naming the table, line and byte.
func TestVersionedValuesRefused(t *testing.T) {
	for _, c := range []struct{ row, want string }{
		// Skipping the comment joins two values: 'a' 'b' is 'ab'.
		{"(1, 'a' /*!50000 , */ 'b')", `byte 29), table "t": MySQL older than 5.0.0 skips this versioned comment and reads value 2 of the row`},
		{"('a' /*!50705 , 'x', */ 'b')", `byte 26), table "t": MySQL older than 5.7.5 or MariaDB skips this versioned comment and reads value 1 of the row`},
		{"('a', /*!50705 'x' */ /*M!100000 , */ 'b')", `byte 43), table "t": MySQL 5.7.5 or newer skips this versioned comment and reads value 2`},
		// Part of a value.
		{"(1, 'a' /*!50000 COLLATE utf8mb4_bin */)", `byte 38), table "t": a versioned comment (/*!...*/) that holds part of a value is not supported`},
		{"(1, /*!50000 'a' */ COLLATE utf8mb4_bin)", `byte 41), table "t": a versioned comment (/*!...*/) that holds part of a value`},
		{"(1, f(/*!50000 2 */))", `byte 27), table "t": a versioned comment (/*!...*/) that holds part of a value`},
		{"(1, /*!50000 f(2 */))", `byte 38), table "t": a versioned comment (/*!...*/) that holds part of a value`},
		{"(1, _binary /*!50000 'x' */)", `byte 42), table "t": a versioned comment (/*!...*/) that holds part of a value`},
		{"(1, - /*!50000 1 */)", `byte 36), table "t": a versioned comment (/*!...*/) that holds part of a value`},
		{"(/*!50000 1 */ /*!50000 2 */)", `byte 45), table "t": a versioned comment (/*!...*/) that holds part of a value`},
		// A string that a skipping server ends at the comment's "*/".
		{"(1, /*!50000 'a*/, (SELECT 1), /*' */)", `byte 34), table "t": a string starts inside a versioned comment (/*!...*/) and runs past its end`},
		{"(1, /*!50000 f('a*/b') */)", `byte 36), table "t": a string starts inside a versioned comment (/*!...*/) and runs past its end`},
		{"(1, /*!50000 `a*/b` */)", `byte 34), table "t": a string starts inside a versioned comment (/*!...*/) and runs past its end`},
		// Comments inside the comment.
		{"(1, /*!50000 2 /* c */ */)", `byte 36), table "t": a comment inside a versioned comment in a row is not supported`},
		{"(1, /*!50000 2 # c */\n)", `byte 36), table "t": a comment inside a versioned comment in a row is not supported`},
		{"(1, /*!50000 2 -- c */\n)", `byte 36), table "t": a comment inside a versioned comment in a row is not supported`},
		{"(1, /*!50000 /*!50000 2 */ */)", `byte 34), table "t": a comment inside a versioned comment in a row is not supported`},
		{"(1, /*!50000 f(2 /* c */) */)", `byte 38), table "t": a comment inside a versioned comment in a row is not supported`},
		// The row's parentheses.
		{"(/*!50000 1) */", `byte 32), table "t": the row ends inside a versioned comment`},
		{"(1, /*!50000 2), (3 */)", `byte 35), table "t": the row ends inside a versioned comment`},
		{"(/*!50000 ) */", `byte 31), table "t": the row ends inside a versioned comment`},
		// Versions servers read differently.
		{"(1, /*!123 2 */)", `byte 25), table "t": versioned comment "/*!123" in a row: fewer than five digits after "/*!" are not a version`},
		{"(1, /*!100100 2 */)", `byte 25), table "t": versioned comment "/*!100100" in a row: a six-digit version after "/*!"`},
		{"(1, /*M!1234567 2 */)", `byte 25), table "t": versioned comment "/*M!1234567" in a row: more than six digits`},
		// The delimiter, and the end of the input.
		{"(1, /*!50000 2; */)", `byte 35), table "t": statement ends inside a row`},
		{"(1, /*!50000 2", `byte 25), table "t": unterminated comment at end of input`},
		{"(1, /*!50000 'a", `byte 25), table "t": unterminated comment at end of input`},
	} {
		in := "INSERT INTO t VALUES " + c.row
		_, err := scanRows(t, in)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant ...%s...", c.row, err, c.want)
		}
	}
	// Rows of an INSERT inside a versioned comment cannot hold another.
	_, err := scanRows(t, "/*!40000 INSERT INTO t VALUES (1, /*!50000 2 */) */;")
	if err == nil || !strings.Contains(err.Error(), "a versioned comment in a row of an INSERT that is itself inside a versioned comment is not supported") {
		t.Errorf("nested INSERT: %v", err)
	}
	for _, ok := range []string{
		"/*!40000 INSERT INTO t VALUES (1, 2) */;",
		"/*!40000 INSERT INTO t VALUES (1,'a'),(2,'b') ON DUPLICATE KEY UPDATE a=1 */;",
		"/*!40000 INSERT INTO t VALUES (1) */ ON DUPLICATE KEY UPDATE a='*/';",
		"/*!40000 INSERT INTO t VALUES (1) */",
	} {
		if _, err := scanRows(t, ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	// The tail of any INSERT: a string that starts in a versioned comment
	// and runs past its end.
	_, err = scanRows(t, "INSERT INTO `keep` VALUES (1) /*!99999 ON DUPLICATE KEY UPDATE a='*/; INSERT INTO users VALUES (1,0x7265616c406d61696c); -- ' */;")
	if err == nil || !strings.Contains(err.Error(), "(byte 65), table \"keep\": a string or comment starts inside a versioned comment (/*!...*/) and runs past its end") {
		t.Errorf("tail: %v", err)
	}
	// A "*/" in a string of an INSERT inside a versioned comment ends the
	// comment for the servers that skip it: what follows is code to them.
	for in, at := range map[string]string{
		"/*!99999 INSERT INTO `keep` VALUES ('*/ INSERT INTO users VALUES (1,0x7265616c406d61696c); -- ') */;\n":                               "byte 37",
		"/*!99999 INSERT INTO `keep` VALUES ('x') ON DUPLICATE KEY UPDATE a='*/ INSERT INTO users VALUES (1,0x7265616c406d61696c); -- ' */;\n": "byte 68",
		"/*!40000 INSERT INTO t VALUES (1), /* c */ (2) */;":                                                                                   "byte 40",
		"/*!40000 INSERT INTO t VALUES (1 */, 2);":                                                                                             "byte 33",
		"/*!40000 INSERT INTO t VALUES (1) # */\n*/;":                                                                                          "byte 36",
	} {
		_, err := scanRows(t, in)
		if err == nil || !strings.Contains(err.Error(), at) || !strings.Contains(err.Error(), "which servers that skip it end at this") {
			t.Errorf("%q: %v, want an error at %s", in, err, at)
		}
	}
}

// TestVersionedInsertTable: the table an INSERT fills must not depend on
// its versioned comments.
func TestVersionedInsertTable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"INSERT INTO users /*!99999 .x */ VALUES (1);", "MySQL older than 9.99.99 or MariaDB reads this INSERT as one into `users`, not `users`.`x`"},
		{"INSERT INTO /*!50705 tmp_ */ users VALUES (1);", "expected VALUES"},
		{"INSERT INTO `a` /*M!100000 , b */ VALUES (1);", "expected VALUES"},
		{"INSERT /*!50000 IGNORE */ INTO `t` VALUES (1);", ""},
		{"INSERT INTO /*!50000 db. */ `t` VALUES (1);", "MySQL older than 5.0.0 reads this INSERT as one into `t`, not `db`.`t`"},
		{"/*!40000 INSERT INTO `t` VALUES (1) */;", ""},
		{"INSERT INTO `t` (`a`, /*!50705 `b`, */ `c`) VALUES (1, /*!50705 2, */ 3);", ""},
	} {
		_, err := scanRows(t, c.in)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant ...%s...", c.in, err, c.want)
		}
	}
}

// TestVersionedColumns: the column lists of INSERT and CREATE TABLE as each
// server reads them.
func TestVersionedColumns(t *testing.T) {
	sc := NewScanner(strings.NewReader("INSERT INTO `users` (id, email /*!99999 .note */, note /*!99999 .email */) VALUES (1,'a@b.c','x');\nINSERT INTO t (a, b) VALUES (1, 2);\nINSERT INTO t /*!50705 (a, b) */ VALUES (1, 2);\n"))
	st, err := sc.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !st.ColumnsVersioned() || fmt.Sprint(st.Columns) != "[id note email]" {
		t.Fatalf("columns %q, versioned %v", st.Columns, st.ColumnsVersioned())
	}
	for _, rd := range readingsOf(t, st.Conds()...) {
		cols, err := st.ColumnsUnder(rd)
		want := "[id email note]"
		if rd.Runs("/*!99999") {
			want = "[id note email]"
		}
		if err != nil || fmt.Sprint(cols) != want {
			t.Errorf("%s: %q %v, want %s", rd.Server, cols, err, want)
		}
	}
	st, _ = sc.Next()
	if st.ColumnsVersioned() {
		t.Errorf("%q: ColumnsVersioned", st.Text)
	}
	st, _ = sc.Next()
	if !st.ColumnsVersioned() && st.Columns != nil {
		t.Fatalf("%q: columns %q, versioned %v", st.Text, st.Columns, st.ColumnsVersioned())
	}

	// sakila-schema.sql, older and newer.
	for _, def := range []string{
		"/*!50705 location GEOMETRY NOT NULL,*/",
		"/*!50705 location GEOMETRY */ /*!80003 SRID 0 */ /*!50705 NOT NULL,*/",
	} {
		text := "CREATE TABLE address (\n  address_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,\n  phone VARCHAR(20) NOT NULL,\n  " + def +
			"\n  last_update TIMESTAMP NOT NULL,\n  PRIMARY KEY  (address_id),\n  /*!50705 SPATIAL KEY `idx_location` (location),*/\n  KEY x (phone)\n)ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
		tb, err := ParseCreateTable([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if !tb.Versioned() || columnNames(tb) != "address_id phone location last_update" {
			t.Fatalf("%s: %s, versioned %v", def, columnNames(tb), tb.Versioned())
		}
		for _, rd := range readingsOf(t, tb.Conds()...) {
			u, err := tb.Under(rd)
			want := "address_id phone last_update"
			if rd.Runs("/*!50705") {
				want = "address_id phone location last_update"
			}
			if err != nil || columnNames(u) != want {
				t.Errorf("%s: %s: %v, want %s", rd.Server, columnNames(u), err, want)
			}
		}
	}
	for text, versioned := range map[string]bool{
		"CREATE TABLE t (a int, b int) /*!50100 PARTITION BY HASH (a) */": false,
		"/*!40000 CREATE TABLE t (a int, b int) */":                       false,
		"CREATE TABLE t (a int, b int /*!80023 INVISIBLE */)":             true,
		"CREATE TABLE t (a int, b int /*!50705 , c int */)":               true,
		"CREATE TABLE t /*!50705 (a int, */ b int)":                       true,
	} {
		tb, err := ParseCreateTable([]byte(text))
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		if tb.Versioned() != versioned {
			t.Errorf("%s: Versioned() = %v", text, tb.Versioned())
		}
	}
}

func columnNames(t *Table) string {
	if t == nil {
		return "<nil>"
	}
	var names []string
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	return strings.Join(names, " ")
}
