package dbload

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// checkText checks the first statement of text as execEntry does: the
// guard, then an INSERT's rows and what follows its last row.
func checkText(t *testing.T, k EntryKind, text string) (string, error) {
	t.Helper()
	sc := sqldump.NewScanner(strings.NewReader(text))
	st, err := sc.Next()
	if err != nil {
		t.Fatal(err)
	}
	g := &guard{target: "stage", others: map[string]bool{"mysql": true, "shop": true}}
	out, err := g.check(k, st, []byte(strings.TrimSuffix(string(st.Text), st.Delimiter)))
	if err != nil || st.Kind != sqldump.KindInsert {
		return string(out), err
	}
	for {
		row, err := sc.NextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := checkRow(row); err != nil {
			return "", err
		}
	}
	return string(out), checkTail(st)
}

// TestGuardRewrites: objects lose their DEFINER, events are created
// disabled, whatever the dump's style.
func TestGuardRewrites(t *testing.T) {
	for in, want := range map[string]string{
		"CREATE DEFINER=`root`@`localhost` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;":                               "CREATE                            TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1",
		"/*!50003 CREATE*/ /*!50017 DEFINER=root@localhost*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */;": "/*!50003 CREATE*/ /*!50017                       */ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */",
		"CREATE DEFINER=CURRENT_USER() PROCEDURE p() SELECT 1;":                                                                     "CREATE                        PROCEDURE p() SELECT 1",
		"CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t;":                                                                "CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR DISABLE DO DELETE FROM t",
		"CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR ON COMPLETION PRESERVE ENABLE DO SET @a = 1;":                                     "CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR ON COMPLETION PRESERVE DISABLE DO SET @a = 1",
		"CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR DISABLE ON SLAVE DO SET @a = 1;":                                                  "CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR DISABLE ON SLAVE DO SET @a = 1",
		"CREATE VIEW v AS SELECT x.a, NEW.b FROM t AS x;":                                                                           "CREATE VIEW v AS SELECT x.a, NEW.b FROM t AS x",
		"CREATE SQL SECURITY DEFINER VIEW v AS SELECT 1;":                                                                           "CREATE SQL SECURITY DEFINER VIEW v AS SELECT 1",
	} {
		got, err := checkText(t, EntryObjects, in)
		if err != nil || got != want {
			t.Errorf("%s\ngot  %q (%v)\nwant %q", in, got, err, want)
		}
	}
}

func TestGuardRefuses(t *testing.T) {
	for _, c := range []struct {
		k    EntryKind
		text string
	}{
		{EntryObjects, "CREATE VIEW v AS SELECT * FROM shop.orders;"},
		{EntryObjects, "CREATE VIEW v AS SELECT * FROM `MySQL` . `user`;"},
		{EntryObjects, "CREATE VIEW v AS SELECT * FROM \"shop\".orders;"},
		{EntrySchema, "CREATE TABLE t (a INT) ENGINE=CONNECT TABLE_TYPE=MYSQL;"},
		{EntrySchema, "CREATE TABLE t LIKE anything.t;"},
		{EntrySchema, "ALTER TABLE t RENAME TO other.t;"},
		{EntrySchema, "RENAME TABLE t TO other.t;"},
		{EntrySchema, "SET SESSION character_set_client = big5;"},
		{EntrySchema, "SET ROLE admin;"},
		// A data entry inserts literal rows and reads nothing back:
		// RETURNING sends rows, or any expression's value, to the client.
		{EntryData, "INSERT INTO t VALUES (1) RETURNING *;"},
		{EntryData, "INSERT INTO t VALUES (1),(2) returning LOAD_FILE('/etc/passwd');"},
		{EntryData, "INSERT INTO t VALUES (1) /*!100500 RETURNING (SELECT COUNT(*) FROM mysql.user) */;"},
		{EntryData, "INSERT INTO t VALUES (1) -- rows end here\nRETURNING a;"},
		{EntryData, "REPLACE INTO t VALUES (1) RETURNING a;"},
		{EntryData, "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = (SELECT MAX(id) FROM shop.orders);"},
		{EntryData, "INSERT INTO t VALUES (LOAD_FILE('/etc/passwd'));"},
		{EntryData, "INSERT INTO t VALUES (1, (SELECT 1));"},
		{EntryData, "SET @@SESSION.sql_log_bin = 1;"},
		{EntryObjects, "CREATE PROCEDURE p() EXECUTE IMMEDIATE 'DROP DATABASE shop';"},
	} {
		if _, err := checkText(t, c.k, c.text); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: %v", c.text, err)
		}
	}
	// Rows followed by white space and comments are what dumps hold.
	for _, text := range []string{
		"INSERT INTO t VALUES (1),(2);",
		"INSERT INTO t VALUES (1) /* RETURNING * */ ;",
		"INSERT INTO t VALUES (1) -- RETURNING *\n;",
	} {
		if _, err := checkText(t, EntryData, text); err != nil {
			t.Errorf("%s: %v", text, err)
		}
	}
}

// TestGuardProtected: no statement of an archive may name restore's marker
// table, however it is written: dropped, altered, renamed, written or read
// by a trigger, the marker would no longer prove to purge that the copy is
// its own.
func TestGuardProtected(t *testing.T) {
	g := &guard{target: "stage", others: map[string]bool{}, protected: []string{"_stagecopy_staging"}}
	for _, c := range []struct {
		k    EntryKind
		text string
	}{
		{EntrySchema, "DROP TABLE _stagecopy_staging;"},
		{EntrySchema, "DROP TABLE IF EXISTS zz, `_STAGECOPY_STAGING`;"},
		{EntrySchema, "ALTER TABLE `_stagecopy_staging` RENAME TO x;"},
		{EntrySchema, "CREATE TABLE _stagecopy_staging (staging_id varchar(64));"},
		{EntryData, "INSERT INTO `_stagecopy_staging` VALUES ('stg-000000000001','x','2025-01-01');"},
		{EntryObjects, "CREATE TRIGGER t AFTER INSERT ON zz FOR EACH ROW DELETE FROM _stagecopy_staging;"},
		{EntryObjects, "CREATE VIEW v AS SELECT * FROM /*!50001 _stagecopy_staging */;"},
	} {
		st, err := sqldump.NewScanner(strings.NewReader(c.text)).Next()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.check(c.k, st, []byte(strings.TrimSuffix(string(st.Text), st.Delimiter))); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: %v, want refused", c.text, err)
		}
	}
	st, _ := sqldump.NewScanner(strings.NewReader("CREATE TABLE zz (a varchar(20) DEFAULT '_stagecopy_staging');")).Next()
	if _, err := g.check(EntrySchema, st, []byte(strings.TrimSuffix(string(st.Text), st.Delimiter))); err != nil {
		t.Errorf("the name in a string literal: %v", err)
	}
}

// TestGuardExpressions: DO runs only a sequence's SETVAL as a dump writes
// it, and functions that stall the load are refused wherever they stand.
func TestGuardExpressions(t *testing.T) {
	for _, c := range []struct {
		k    EntryKind
		text string
		ok   bool
	}{
		{EntrySchema, "DO SETVAL(`s`, 1001, 0);", true},
		{EntrySchema, "DO SETVAL(s, 5, 1, 0);", true},
		{EntrySchema, "DO SETVAL(zz_seq,5,0), SLEEP(6), @x:=CURRENT_USER();", false},
		{EntrySchema, "DO SETVAL(s, (SELECT 1), 0);", false},
		{EntrySchema, "DO 1;", false},
		{EntrySchema, "CREATE TABLE t (a INT DEFAULT (SLEEP(100)));", false},
		{EntrySchema, "CREATE TABLE t (a INT, b INT AS (BENCHMARK(1e9, MD5(a))) VIRTUAL);", false},
		{EntryObjects, "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = GET_LOCK('x', 100);", false},
	} {
		_, err := checkText(t, c.k, c.text)
		if c.ok != (err == nil) {
			t.Errorf("%s: %v", c.text, err)
		}
	}
}
