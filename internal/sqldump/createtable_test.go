package sqldump

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// createTables returns the parsed CREATE TABLE statements of a golden dump.
func createTables(t *testing.T, file string) map[string]*Table {
	t.Helper()
	in, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]*Table{}
	sc := NewScanner(bytes.NewReader(in))
	for {
		st, err := sc.Next()
		if err == io.EOF {
			return tables
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.Kind != KindCreateTable {
			continue
		}
		tb, err := st.CreateTable()
		if err != nil {
			t.Fatalf("%s: %v", st.Table, err)
		}
		if tb.Name != st.Table {
			t.Errorf("table name %q, statement says %q", tb.Name, st.Table)
		}
		tables[tb.Name] = tb
	}
}

// col describes a column compactly for comparisons:
// name type(length) flags charset/collation "typetext".
func col(c Column) string {
	var flags []string
	for _, f := range []struct {
		on   bool
		name string
	}{{c.Unsigned, "unsigned"}, {!c.Nullable, "notnull"}, {c.Generated, "generated"}, {c.Invisible, "invisible"}, {c.Unique, "unique"}} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	return fmt.Sprintf("%s %s(%d) [%s] %s/%s %q", c.Name, c.Type, c.Length, strings.Join(flags, ","), c.Charset, c.Collation, c.TypeText)
}

func TestParseCreateTableMariaDB(t *testing.T) {
	tables := createTables(t, "testdata/mariadb-full.sql")
	users := tables["users"]
	if users == nil {
		t.Fatal("no users table")
	}
	want := []string{
		`id int(0) [unsigned,notnull,unique] / "int(10) unsigned"`,
		`email varchar(255) [notnull,unique] utf8mb4/utf8mb4_bin "varchar(255)"`,
		`name varchar(100) [] / "varchar(100)"`,
		`bio text(0) [] / "text"`,
		`avatar blob(0) [] / "blob"`,
		`token varbinary(32) [] / "varbinary(32)"`,
		`prefs longtext(0) [] utf8mb4/utf8mb4_bin "longtext"`,
		`flags bit(0) [] / "bit(5)"`,
		`born year(0) [] / "year(4)"`,
		`status enum(0) [notnull] / "enum('active','banned','it''s')"`,
		`roles set(0) [] / "set('admin','editor')"`,
		`balance decimal(0) [unsigned,notnull] / "decimal(10,2) unsigned"`,
		`created datetime(0) [notnull] / "datetime(3)"`,
		`updated timestamp(0) [] / "timestamp"`,
		`uid uuid(0) [] / "uuid"`,
		`ip inet6(0) [] / "inet6"`,
		`loc geometry(0) [] / "geometry"`,
		`email_lc varchar(255) [generated] / "varchar(255)"`,
		`name_len int(0) [generated] / "int(11)"`,
		`secret char(8) [invisible] latin1/latin1_swedish_ci "char(8)"`,
		`score double(0) [] / "double"`,
		`tiny tinyint(0) [notnull] / "tinyint(1)"`,
	}
	checkColumns(t, users, want)
	if fmt.Sprint(users.PrimaryKey) != "[id]" || fmt.Sprint(users.UniqueKeys) != "[[email] [name born]]" {
		t.Errorf("keys: primary %q unique %q", users.PrimaryKey, users.UniqueKeys)
	}
	if users.Options != "ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='user''s table; with semicolon'" {
		t.Errorf("options %q", users.Options)
	}
	if c, i, ok := users.Column("EMAIL"); !ok || i != 1 || c.Name != "email" {
		t.Errorf("Column(EMAIL) = %v %d %v", c, i, ok)
	}
	if _, _, ok := users.Column("nope"); ok {
		t.Error("Column(nope) found")
	}

	orders := tables["orders"]
	checkColumns(t, orders, []string{
		`id bigint(0) [notnull] / "bigint(20)"`,
		`user_id int(0) [unsigned,notnull] / "int(10) unsigned"`,
		`note mediumtext(0) [] / "mediumtext"`,
	})
	if fmt.Sprint(orders.PrimaryKey) != "[id user_id]" || orders.UniqueKeys != nil {
		t.Errorf("orders keys: %q %q", orders.PrimaryKey, orders.UniqueKeys)
	}
	weird := tables["weird`name"]
	checkColumns(t, weird, []string{`a;b int(0) [] / "int(11)"`, `c"d varchar(3) [] / "varchar(3)"`})
}

func TestParseCreateTableMySQL8(t *testing.T) {
	tb := createTables(t, "testdata/mysqldump-8.sql")["wp_users"]
	checkColumns(t, tb, []string{
		`ID bigint(0) [unsigned,notnull,unique] / "bigint unsigned"`,
		`user_login varchar(60) [notnull,unique] /utf8mb4_unicode_520_ci "varchar(60)"`,
		`user_pass varchar(255) [notnull] /utf8mb4_unicode_520_ci "varchar(255)"`,
		`user_email varchar(100) [notnull] /utf8mb4_unicode_520_ci "varchar(100)"`,
		`user_registered datetime(0) [notnull] / "datetime"`,
		`photo longblob(0) [] / "longblob"`,
		`api_key binary(16) [] / "binary(16)"`,
		`hidden_note text(0) [invisible] / "text"`,
		`amount decimal(0) [notnull] / "decimal(12,4)"`,
		`meta json(0) [] / "json"`,
		`pos point(0) [] / "point"`,
	})
	// The functional key on lower(user_email) is left out.
	if fmt.Sprint(tb.UniqueKeys) != "[[user_login]]" {
		t.Errorf("unique keys %q", tb.UniqueKeys)
	}
}

func TestParseCreateTable(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		cols    []string
		pk, uk  string
		options string
	}{
		{
			name: "inline keys",
			in:   "CREATE TABLE t (id INT PRIMARY KEY, code CHAR(3) NOT NULL UNIQUE, `key` int UNIQUE KEY, n national varchar(10), d double precision DEFAULT NULL, v character varying(5))",
			cols: []string{
				`id int(0) [notnull,unique] / "INT"`,
				`code char(3) [notnull,unique] / "CHAR(3)"`,
				"key int(0) [unique] / \"int\"",
				`n varchar(10) [] / "national varchar(10)"`,
				`d double(0) [] / "double precision"`,
				`v varchar(5) [] / "character varying(5)"`,
			},
			pk: "[id]", uk: "[[code] [key]]",
		},
		{
			name: "constraints",
			in:   "CREATE TABLE `t` (`a` int NOT NULL, `b` int, CONSTRAINT `pk` PRIMARY KEY (`a`), CONSTRAINT uq UNIQUE KEY (b DESC), CONSTRAINT fk FOREIGN KEY (b) REFERENCES x (y) ON DELETE SET NULL, CONSTRAINT CHECK (a > 0), INDEX (b), FULLTEXT KEY ft (b)) ENGINE=MyISAM;",
			cols: []string{`a int(0) [notnull,unique] / "int"`, `b int(0) [unique] / "int"`},
			pk:   "[a]", uk: "[[b]]", options: "ENGINE=MyISAM",
		},
		{
			name: "defaults that look like attributes",
			in:   "CREATE TABLE t (a varchar(5) DEFAULT 'NULL' NOT NULL COMMENT 'UNIQUE', b int DEFAULT NULL, c timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(), d int DEFAULT -1, e varchar(3) DEFAULT _utf8mb4'x' COLLATE utf8mb4_bin, f int REFERENCES x (y) ON DELETE SET NULL NOT NULL)",
			cols: []string{
				`a varchar(5) [notnull] / "varchar(5)"`,
				`b int(0) [] / "int"`,
				`c timestamp(0) [notnull] / "timestamp"`,
				`d int(0) [] / "int"`,
				`e varchar(3) [] /utf8mb4_bin "varchar(3)"`,
				`f int(0) [] / "int"`,
			},
			pk: "[]", uk: "[]",
		},
		{
			name: "generated and versioned",
			in:   "CREATE TABLE t (a int, b int AS (a+1) PERSISTENT, c int GENERATED ALWAYS AS ((a * 2)) STORED, d int /*!80023 INVISIBLE */, e int unsigned zerofill) ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (a) PARTITIONS 4 */;",
			cols: []string{
				`a int(0) [] / "int"`,
				`b int(0) [generated] / "int"`,
				`c int(0) [generated] / "int"`,
				`d int(0) [invisible] / "int"`,
				`e int(0) [unsigned] / "int unsigned zerofill"`,
			},
			pk: "[]", uk: "[]", options: "ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (a) PARTITIONS 4 */",
		},
		{
			name: "wrapped in a versioned comment",
			in:   "/*!40101 CREATE TABLE t (a int KEY) ENGINE=InnoDB */;",
			cols: []string{`a int(0) [notnull,unique] / "int"`},
			pk:   "[a]", uk: "[]", options: "ENGINE=InnoDB",
		},
		{
			name: "ansi quotes and system versioning",
			in:   "CREATE TABLE \"t\" (\"a\" int, s timestamp(6) GENERATED ALWAYS AS ROW START INVISIBLE, e timestamp(6) GENERATED ALWAYS AS ROW END INVISIBLE, PERIOD FOR SYSTEM_TIME (s, e)) WITH SYSTEM VERSIONING",
			cols: []string{
				`a int(0) [] / "int"`,
				`s timestamp(0) [generated,invisible] / "timestamp(6)"`,
				`e timestamp(0) [generated,invisible] / "timestamp(6)"`,
			},
			pk: "[]", uk: "[]", options: "WITH SYSTEM VERSIONING",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := ParseCreateTable([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if tb.Name != "t" {
				t.Errorf("name %q", tb.Name)
			}
			checkColumns(t, tb, tt.cols)
			if pk := fmt.Sprint(tb.PrimaryKey); pk != tt.pk {
				t.Errorf("primary key %s, want %s", pk, tt.pk)
			}
			if uk := fmt.Sprint(tb.UniqueKeys); uk != tt.uk {
				t.Errorf("unique keys %s, want %s", uk, tt.uk)
			}
			if tb.Options != tt.options {
				t.Errorf("options %q, want %q", tb.Options, tt.options)
			}
		})
	}
}

func TestParseCreateTableErrors(t *testing.T) {
	tests := map[string]string{
		"CREATE TABLE t2 LIKE t1;":       "sqldump: parse CREATE TABLE `t2`: no column definitions (CREATE TABLE ... LIKE or ... SELECT)",
		"CREATE TABLE t2 AS SELECT 1;":   "sqldump: parse CREATE TABLE `t2`: no column definitions (CREATE TABLE ... LIKE or ... SELECT)",
		"CREATE TABLE t (a int":          "sqldump: parse CREATE TABLE `t`: unbalanced parentheses",
		"CREATE TABLE t (a int, 'x":      "sqldump: parse CREATE TABLE: unterminated string at end of input",
		"CREATE VIEW v AS SELECT 1":      "sqldump: parse CREATE TABLE: expected TABLE after CREATE",
		"SELECT 1":                       "sqldump: parse CREATE TABLE: statement does not start with CREATE",
		"CREATE TABLE t (a)":             "sqldump: parse CREATE TABLE `t`: column `a`: expected a type, found end of input",
		"CREATE TABLE t (a int,, b int)": "sqldump: parse CREATE TABLE `t`: empty definition",
	}
	for in, want := range tests {
		_, err := ParseCreateTable([]byte(in))
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %s", in, err, want)
		}
	}
	st := &Statement{Kind: KindInsert}
	if _, err := st.CreateTable(); err == nil {
		t.Error("CreateTable on an INSERT succeeded")
	}
}

func checkColumns(t *testing.T, tb *Table, want []string) {
	t.Helper()
	if tb == nil {
		t.Fatal("no table")
	}
	var got []string
	for _, c := range tb.Columns {
		got = append(got, col(c))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("columns of %s:\n%s\nwant:\n%s", tb.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCreateTableQuery: a query after the column list is found from the
// tokens, so words inside a table's COMMENT (Magento's 'Admin User Table',
// Drupal's 'Table that contains logs...') do not count, and neither do
// partition definitions or system versioning.
func TestCreateTableQuery(t *testing.T) {
	tests := []struct {
		in    string
		query bool
	}{
		{"CREATE TABLE `admin_user` (`user_id` int) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COMMENT='Admin User Table'", false},
		{"CREATE TABLE `watchdog` (`wid` int) ENGINE=InnoDB COMMENT='Table that contains logs of all system events.'", false},
		{"CREATE TABLE t (a int) COMMENT 'select values with table'", false},
		{"CREATE TABLE t (a int) COMMENT \"WITH\" /* SELECT */", false},
		{"CREATE TABLE t (a int) ENGINE=InnoDB /*!50100 PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES IN (11,12)) */", false},
		{"CREATE TABLE t (a int) WITH SYSTEM VERSIONING", false},
		{"CREATE TABLE t (a int) SELECT 1 AS a", true},
		{"CREATE TABLE t (a int) COMMENT='x' AS SELECT 1 AS a", true},
		{"CREATE TABLE t (a int) IGNORE (SELECT 1 AS a)", true},
		{"CREATE TABLE t (a int) VALUES (1)", true},
		{"CREATE TABLE t (a int) TABLE u", true},
		{"CREATE TABLE t (a int) WITH x AS (SELECT 1) SELECT * FROM x", true},
		{"/*!40101 CREATE TABLE t (a int) */ /*!50000 SELECT 1 */", true},
	}
	for _, tt := range tests {
		tab, err := ParseCreateTable([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if tab.Query != tt.query {
			t.Errorf("%s: Query = %v, want %v", tt.in, tab.Query, tt.query)
		}
	}
}

func TestHasWord(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"ALTER TABLE t RENAME TO u", true},
		{"ALTER TABLE t rename u", true},
		{"/*!40000 ALTER TABLE t RENAME u */", true},
		{"ALTER TABLE t COMMENT='Rename log'", false},
		{"ALTER TABLE `rename` ADD KEY (a)", false},
		{"ALTER TABLE t ADD COLUMN renamed int /* RENAME */", false},
		{"ALTER TABLE t COMMENT='unterminated RENAME", true},
	}
	for _, tt := range tests {
		if got := HasWord([]byte(tt.in), "RENAME"); got != tt.want {
			t.Errorf("HasWord(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestCreateTableQueryVersioned: what a review found past the token check.
// A server runs a versioned comment or skips it (a higher version, /*M! on
// MySQL): a query must be found whichever it does.
func TestCreateTableQueryVersioned(t *testing.T) {
	for _, in := range []string{
		"CREATE TABLE t (a int) VALUES /*!99999 IN */ (1)",
		"CREATE TABLE t (a int) VALUES /*M!999999 LESS */ (1)",
		"CREATE TABLE t (a int /*!99999 ( */) SELECT 1 AS a /*!99999 ) */",
		"CREATE TABLE t (a int /*!99999 ( */) TABLE u /*!99999 ) */",
		"CREATE TABLE t (a int) WITH /*!99999 SYSTEM */ x AS (SELECT 1) SELECT * FROM x",
	} {
		tab, err := ParseCreateTable([]byte(in))
		if err == nil && !tab.Query {
			t.Errorf("%s: no query found", in)
		}
	}
	for _, in := range []string{
		"CREATE TABLE t (a int, b text, FULLTEXT KEY f (b) WITH PARSER ngram)",
		"CREATE TABLE t (a int WITH SYSTEM VERSIONING)",
		"CREATE TABLE t (a int) /*!50100 PARTITION BY LIST (a) (PARTITION p VALUES IN (1)) */",
	} {
		tab, err := ParseCreateTable([]byte(in))
		if err != nil || tab.Query {
			t.Errorf("%s: Query %v, %v", in, tab != nil && tab.Query, err)
		}
	}
	// A quote inside a skipped comment hides the rest from a lexer that
	// runs it: refused.
	for _, in := range []string{
		"CREATE TABLE t (a int) COMMENT='x' /*!99999 ' */ SELECT 1 AS a /*!99999 ' */",
		"CREATE TABLE t (a int) /*!50700 \" */ SELECT 1 AS a /*!50700 \" */",
		"CREATE TABLE t (a int) /*!99999 # */ SELECT 1 AS a\n",
		"CREATE TABLE t (a int) /*!99999 /* */ SELECT 1 AS a */",
	} {
		if _, err := ParseCreateTable([]byte(in)); err == nil || !strings.Contains(err.Error(), "versioned comment") {
			t.Errorf("%s: %v, want an error about the versioned comment", in, err)
		}
		if !HasWord([]byte(in), "NOTHERE") {
			t.Errorf("%s: HasWord does not fail closed", in)
		}
	}
	if !HasWord([]byte("ALTER TABLE `tmp` /*!99999 ' */ RENAME TO `users` /*!99999 ' */"), "RENAME") {
		t.Error("RENAME behind a quote in a skipped comment")
	}
	for in, want := range map[string]bool{
		"ALTER TABLE p CONVERT PARTITION p0 TO TABLE users":                   true,
		"ALTER TABLE p CONVERT TABLE u TO PARTITION p1 VALUES LESS THAN (10)": true,
		"ALTER TABLE p CONVERT TO CHARACTER SET utf8mb4":                      false,
	} {
		if got := HasPair([]byte(in), "CONVERT", "PARTITION", "TABLE"); got != want {
			t.Errorf("HasPair(%q) = %v", in, got)
		}
	}
}
