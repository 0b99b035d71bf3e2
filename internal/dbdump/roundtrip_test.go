package dbdump

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// everyTypeSchema creates tables with every column type, odd tables and
// every kind of object.
const everyTypeSchema = `
CREATE TABLE types (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED, bo BOOL,
  de DECIMAL(30,10), deu DECIMAL(10,2) UNSIGNED,
  fl FLOAT, fl2 FLOAT(7,4), dbl DOUBLE, dblu DOUBLE UNSIGNED,
  b1 BIT(1), b5 BIT(5), b64 BIT(64),
  ch CHAR(10), vc VARCHAR(100), bn BINARY(4), vb VARBINARY(40),
  tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  en ENUM('a','b','c d'), st SET('x','y','z'),
  da DATE, dt DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(3), yr YEAR,
  js JSON, geo GEOMETRY, pt POINT, pg POLYGON,
  uu UUID, i6 INET6, i4 INET4,
  gv INT AS (i + 1) VIRTUAL,
  gs VARCHAR(120) AS (CONCAT(vc, '!')) STORED,
  inv INT INVISIBLE DEFAULT 5
);
SET time_zone = '+05:30';
INSERT INTO types (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, bo, de, deu, fl, fl2, dbl, dblu,
  b1, b5, b64, ch, vc, bn, vb, tb, bl, mb, lb, tt, tx, mt, lt, en, st, da, dt, ts, tm, yr, js, geo, pt, pg, uu, i6, i4, inv)
VALUES
 (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
  -9223372036854775808, 18446744073709551615, TRUE, -12345678901234567890.0123456789, 99999999.99,
  1.2345678, 123.4567, 1.2345678901234567e300, 0,
  b'1', b'10101', b'1000000000000000000000000000000000000000000000000000000000000001',
  'abc', 'emoji 😀 中文 ünï', 0x00010203, 0x00FF27225C0A0D1A,
  0x01, 0xDEADBEEF, 0x0000, 0xFF00FF,
  'tiny', 'it''s a "text" with \\ backslash\nnew line\r\0nul', 'medium 😀', REPEAT('long ', 1000),
  'c d', 'x,z', '2024-02-29', '2024-01-02 03:04:05.123456', '2024-06-01 12:00:00.5', '-838:59:59.000', 2024,
  '{"a": [1, 2.5, "x😀"], "b": null}', ST_GeomFromText('LINESTRING(0 0, 1 1, 2 1)'), POINT(1.5, -2.25),
  ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'),
  '123e4567-e89b-12d3-a456-426614174000', '2001:db8::ff00:42:8329', '192.0.2.1', 42),
 (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, FALSE, 0.0000000001, 0,
  3.4028234e38, -999.9999, -2.2250738585072014e-308, 1e-300,
  b'0', b'0', b'0', '', '', 0x00000000, '', '', '', '', '', '', '', '', '',
  'a', '', '0000-00-00', '0000-00-00 00:00:00', '1970-01-01 05:30:01', '00:00:00', 0,
  '[]', POINT(0, 0), POINT(0, 0), ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'),
  '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0', DEFAULT),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
  NULL, NULL, NULL, 'NULL', 'NULL', NULL, 0x4E554C4C, NULL, NULL, NULL, NULL, 'NULL', NULL, NULL, NULL,
  NULL, 'x,y,z', '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', '838:59:59', 2155,
  '"NULL"', NULL, NULL, NULL, NULL, NULL, NULL, NULL);
UPDATE types SET lb = (SELECT GROUP_CONCAT(CHAR(seq) SEPARATOR '') FROM seq_0_to_255) WHERE id = 4;
UPDATE types SET tb = UNHEX(REPEAT('FF', 255)) WHERE id = 4;

CREATE TABLE latin (id INT PRIMARY KEY, s VARCHAR(50), t TEXT) CHARACTER SET latin1;
INSERT INTO latin VALUES (1, 'café crème', 'ÿ €uro ß'), (2, '', NULL), (3, 'a''b\\c', 'ZZ');

CREATE TABLE nopk (a INT, b VARCHAR(10));
INSERT INTO nopk VALUES (1, 'x'), (1, 'x'), (NULL, NULL), (2, 'y');

CREATE TABLE comp (a INT, b VARCHAR(20), c INT, PRIMARY KEY (a, b));
INSERT INTO comp VALUES (1, 'b', 1), (1, 'a', 2), (0, 'z', 3);

CREATE TABLE autoinc (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO autoinc VALUES (0, 1);
UPDATE autoinc SET id = 0 WHERE v = 1;
INSERT INTO autoinc (v) VALUES (2), (3);

CREATE SEQUENCE seq1 START WITH 100 INCREMENT BY 5;
DO NEXTVAL(seq1);
CREATE TABLE aaa_uses_seq (id INT PRIMARY KEY DEFAULT NEXTVAL(seq1), v INT);
INSERT INTO aaa_uses_seq (v) VALUES (1), (2);

CREATE TABLE ` + "`odd``name with;semicolon`" + ` (id INT PRIMARY KEY, ` + "`col``q`" + ` VARCHAR(10));
INSERT INTO ` + "`odd``name with;semicolon`" + ` VALUES (1, 'x');

CREATE FUNCTION f_double(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
CREATE VIEW z_base AS SELECT id, vc FROM types WHERE id < 3;
CREATE VIEW a_top AS SELECT id, vc FROM z_base WHERE id > 0;
CREATE VIEW v_fn AS SELECT f_double(id) AS d FROM types;
CREATE SQL SECURITY INVOKER VIEW v_inv AS SELECT a FROM nopk;
DELIMITER ;;
CREATE PROCEDURE p_count(OUT n INT)
BEGIN
  -- a comment; with a semicolon
  SELECT COUNT(*) INTO n FROM types WHERE vc <> ';;';
END;;
CREATE TRIGGER comp_bi BEFORE INSERT ON comp FOR EACH ROW BEGIN SET NEW.c = NEW.c * 10; END;;
CREATE TRIGGER comp_bi2 BEFORE INSERT ON comp FOR EACH ROW FOLLOWS comp_bi SET NEW.c = NEW.c + 1;;
DELIMITER ;
SET sql_mode = 'ANSI_QUOTES';
CREATE EVENT ev_cleanup ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM nopk WHERE "a" < 0;
`

func TestRoundTrip(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, everyTypeSchema)
	script, info := dump(t, Config{DSN: srv.DSN(""), Database: src, Threads: 2, ChunkBytes: 300})

	if info.Tables != 7 || info.Database != src || info.Charset != "utf8mb4" || !strings.HasPrefix(info.ServerVersion, "10.") {
		t.Errorf("Info = %+v", info)
	}
	if len(info.Warnings) != 0 {
		t.Errorf("Warnings for root: %q", info.Warnings)
	}
	if info.Consistency != "parallel: 2 readers sharing one snapshot" {
		t.Errorf("Consistency = %q", info.Consistency)
	}
	if bytes.Contains(script, []byte("DEFINER=")) {
		t.Errorf("the dump keeps a DEFINER clause")
	}
	if !bytes.Contains(script, []byte("SQL SECURITY DEFINER")) || !bytes.Contains(script, []byte("SQL SECURITY INVOKER")) {
		t.Errorf("the dump lost SQL SECURITY")
	}
	for _, want := range []string{
		"-- Host: localhost    Database: " + src + "\n",
		"-- Server version\t" + srv.Version() + "\n",
		"INSERT INTO `types` (`id`,`ti`,",
		"`js`,`geo`,`pt`,`pg`,`uu`,`i6`,`i4`,`inv`) VALUES (",
		"-- Table structure for table `odd``name with;semicolon`\n",
	} {
		if !bytes.Contains(script, []byte(want)) {
			t.Errorf("the dump lacks %q", want)
		}
	}
	// The order of things: sequences before tables, data before
	// triggers, functions before the views that call them, a view after
	// the view it reads.
	order := statements(t, script)
	idx := func(s string) int {
		i := slices.Index(order, s)
		if i < 0 {
			t.Fatalf("no %s in %v", s, order)
		}
		return i
	}
	seqStmt := slices.IndexFunc(order, func(s string) bool { return s == "other:" })
	if seqStmt < 0 || seqStmt > idx("create-table:aaa_uses_seq") {
		t.Errorf("sequence not before the tables: %v", order)
	}
	if idx("insert:comp") > idx("trigger:comp") || idx("routine:") > idx("create-view:v_fn") || idx("create-view:z_base") > idx("create-view:a_top") {
		t.Errorf("objects out of order: %v", order)
	}
	if n := strings.Count(strings.Join(order, " "), "insert:types"); n < 2 {
		t.Errorf("ChunkBytes 300 gave %d INSERT statements for types, want several", n)
	}

	_, dst := mariadbtest.NewDatabase(t)
	srv.Exec(t, dst, string(script))

	want, got := srv.Checksums(t, src), srv.Checksums(t, dst)
	if len(want) != 7 {
		t.Fatalf("source checksums: %v", want)
	}
	if !maps.Equal(want, got) {
		t.Errorf("checksums differ:\nsource %v\nloaded %v", want, got)
	}
	for _, q := range []string{
		"SELECT id, inv, gv, gs FROM types ORDER BY id",
		"SELECT HEX(b64), HEX(b5), HEX(b1), fl, fl2, HEX(geo), ts FROM types ORDER BY id",
		"SELECT * FROM a_top ORDER BY id",
		"SELECT * FROM v_fn ORDER BY d",
		"SELECT COUNT(*) FROM v_inv",
		"CALL p_count(@n); SELECT @n",
		"SELECT f_double(21)",
		"SELECT id, v FROM autoinc ORDER BY id",
		"SELECT HEX(s), HEX(t) FROM latin ORDER BY id",
		"SELECT EVENT_NAME, STATUS, EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()",
		"SELECT TRIGGER_NAME, ACTION_ORDER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY ACTION_ORDER",
		"SELECT NEXTVAL(seq1)",
		"INSERT INTO comp VALUES (9, 'n', 1); SELECT c FROM comp WHERE a = 9",
	} {
		a, b := srv.Query(t, src, q), srv.Query(t, dst, q)
		if a != b {
			t.Errorf("%s:\nsource %q\nloaded %q", q, a, b)
		}
	}
	if got := srv.Query(t, dst, "SELECT vc FROM types WHERE id = 1"); got != "emoji 😀 中文 ünï" {
		t.Errorf("utf8mb4 text = %q", got)
	}
}

// TestNewlineInName dumps a table whose name holds a line break and SQL:
// the comments naming it must not end early and run the rest.
func TestNewlineInName(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	evil := "x\nDROP TABLE keep; -- x"
	srv.Exec(t, src, "CREATE TABLE keep (id INT PRIMARY KEY); INSERT INTO keep VALUES (7);"+
		"CREATE TABLE "+sqldump.QuoteIdent(evil)+" (id INT PRIMARY KEY); INSERT INTO "+sqldump.QuoteIdent(evil)+" VALUES (1);")
	script, _ := dump(t, Config{DSN: srv.DSN(""), Database: src})
	_, dst := mariadbtest.NewDatabase(t)
	srv.Exec(t, dst, string(script))
	if got := srv.Query(t, dst, "SELECT (SELECT id FROM keep), (SELECT id FROM "+sqldump.QuoteIdent(evil)+")"); got != "7\t1" {
		t.Errorf("loaded: %q", got)
	}
}
