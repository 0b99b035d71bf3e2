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
		// However it is quoted, spelled or qualified, wherever it stands.
		{EntrySchema, "DROP TABLE \"_stagecopy_staging\";"},
		{EntrySchema, "DROP TABLE `stage`.`_Stagecopy_Staging`;"},
		{EntrySchema, "DROP TABLE `stage` . _STAGECOPY_STAGING;"},
		{EntrySchema, "ALTER TABLE zz RENAME TO `_stagecopy_staging`;"},
		{EntrySchema, "CREATE TABLE zz LIKE _stagecopy_staging;"},
		{EntrySchema, "/*M!100100 DROP TABLE _stagecopy_staging */;"},
		{EntryData, "INSERT INTO `stage`._stagecopy_staging VALUES ('stg-000000000001','x','2025-01-01');"},
		{EntryObjects, "ALTER TABLE _stagecopy_staging COMMENT 'x';"},
		{EntryObjects, "DROP TABLE IF EXISTS `_stagecopy_staging`;"},
		{EntryObjects, "CREATE VIEW v AS SELECT 1 FROM zz WHERE EXISTS (SELECT 1 FROM `_stagecopy_staging`);"},
		{EntryObjects, "CREATE TRIGGER t BEFORE INSERT ON `_stagecopy_staging` FOR EACH ROW SET NEW.staging_id = 'stg-000000000001';"},
		{EntryObjects, "DELIMITER ;;\nCREATE TRIGGER t AFTER INSERT ON zz FOR EACH ROW BEGIN UPDATE `_stagecopy_staging` SET staging_id = 'stg-000000000001'; END;;\nDELIMITER ;\n"},
		{EntryObjects, "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN DECLARE x INT; UPDATE _stagecopy_staging SET staging_id = 'stg-000000000001'; END;;\nDELIMITER ;\n"},
		{EntryObjects, "CREATE FUNCTION f() RETURNS INT RETURN (SELECT COUNT(*) FROM \"_stagecopy_staging\");"},
		{EntryObjects, "/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT e ON SCHEDULE EVERY 1 DAY DO UPDATE _stagecopy_staging SET staging_id = 'stg-000000000001' */;"},
	} {
		sc := sqldump.NewScanner(strings.NewReader(c.text))
		st, err := sc.Next()
		for err == nil && st.Kind == sqldump.KindDelimiter {
			st, err = sc.Next()
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.check(c.k, st, []byte(strings.TrimSuffix(string(st.Text), st.Delimiter))); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "belongs to stagecopy") {
			t.Errorf("%s: %v, want refused for naming the marker", c.text, err)
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

// TestGuardFunctions: where the server evaluates what an archive wrote
// while restore loads it, or for every row written (DEFAULT and ON UPDATE
// expressions, generated columns, CHECK constraints, partitioning, key
// parts, session SETs, INSERT values), only the built-in functions dumps
// use may be called (issue 14, item 9). What MariaDB 10.11's mariadb-dump
// and MySQL 8's mysqldump write passes; any other call is refused, naming
// the function and where it is.
func TestGuardFunctions(t *testing.T) {
	ok := []struct {
		k    EntryKind
		text string
	}{
		// mariadb-dump 10.11 (SHOW CREATE TABLE's spelling).
		{EntrySchema, "CREATE SEQUENCE `s1` start with 100 minvalue 1 maxvalue 9223372036854775806 increment by 1 cache 1000 nocycle ENGINE=InnoDB;"},
		{EntrySchema, "CREATE TABLE `f` (\n" +
			"  `id` int(11) NOT NULL DEFAULT nextval(`s1`),\n" +
			"  `uid` char(36) DEFAULT uuid(),\n" +
			"  `created` datetime(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),\n" +
			"  `d` date DEFAULT (curdate() + interval 1 day),\n" +
			"  `doc` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`doc`)),\n" +
			"  `doc_name` varchar(100) GENERATED ALWAYS AS (json_unquote(json_extract(`doc`,'$.name'))) VIRTUAL,\n" +
			"  `doc_val` varchar(100) GENERATED ALWAYS AS (json_value(`doc`,'$.v')) STORED,\n" +
			"  `up` varchar(100) GENERATED ALWAYS AS (ucase(concat_ws('-',left(`uid`,8),'x'))) VIRTUAL,\n" +
			"  `p` point DEFAULT st_geometryfromtext('POINT(1 1)'),\n" +
			"  `price` decimal(10,2) DEFAULT NULL CHECK (`price` >= 0),\n" +
			"  `email` varchar(200) DEFAULT NULL CHECK (`email` like '%@%' or `email` is null),\n" +
			"  `h` binary(16) DEFAULT unhex(md5('x')),\n" +
			"  `ts` int(11) DEFAULT unix_timestamp(),\n" +
			"  `s` varchar(20) DEFAULT date_format(current_timestamp(),'%Y'),\n" +
			"  `e` enum('a','b') DEFAULT 'a', `st` set('x','y'), `dbl` double(8,2), `y` year(4),\n" +
			"  `inv` int(11) INVISIBLE DEFAULT 5,\n" +
			"  `rs` timestamp(6) GENERATED ALWAYS AS ROW START, `re` timestamp(6) GENERATED ALWAYS AS ROW END,\n" +
			"  PRIMARY KEY (`id`),\n" +
			"  UNIQUE KEY `u_uid` (`uid`),\n" +
			"  KEY `k_email` (`email`(20),`price`),\n" +
			"  FULLTEXT KEY `ft` (`doc_name`),\n" +
			"  CONSTRAINT `c_both` CHECK (`price` < 1000000 and octet_length(`email`) < 200),\n" +
			"  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `stage`.`g` (`id`) ON DELETE CASCADE,\n" +
			"  PERIOD FOR SYSTEM_TIME (`rs`, `re`)\n" +
			") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci WITH SYSTEM VERSIONING\n" +
			" PARTITION BY RANGE (year(`d`))\n" +
			"(PARTITION `p0` VALUES LESS THAN (2000) ENGINE = InnoDB,\n" +
			" PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB);"},
		// mysqldump 8.0.
		{EntrySchema, "CREATE TABLE IF NOT EXISTS `m8` (\n" +
			"  `id` int NOT NULL AUTO_INCREMENT,\n" +
			"  `uid` binary(16) DEFAULT (uuid_to_bin(uuid())),\n" +
			"  `created` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n" +
			"  `doc` json DEFAULT NULL,\n" +
			"  `name` varchar(100) GENERATED ALWAYS AS (json_unquote(json_extract(`doc`,_utf8mb4'$.name'))) VIRTUAL,\n" +
			"  `n2` varchar(100) GENERATED ALWAYS AS (json_unquote(json_extract(`doc`,_utf8mb4'$.n'))) STORED,\n" +
			"  `loc` point NOT NULL /*!80003 SRID 4326 */,\n" +
			"  `d` date DEFAULT (curdate()),\n" +
			"  `c` varchar(20) DEFAULT (concat(_utf8mb4'a',_utf8mb4'b')),\n" +
			"  `amount` decimal(10,2) DEFAULT NULL,\n" +
			"  `c1` char(10) GENERATED ALWAYS AS (cast(`amount` as char(10) charset utf8mb4)) VIRTUAL,\n" +
			"  `k` varchar(10) GENERATED ALWAYS AS ((case when (`amount` > 0) then _utf8mb4'pos' else _utf8mb4'neg' end)) VIRTUAL,\n" +
			"  PRIMARY KEY (`id`),\n" +
			"  KEY `idx_lower` ((lower(`name`))),\n" +
			"  KEY `idx_prefix` (`name`(10) DESC),\n" +
			"  SPATIAL KEY `loc` (`loc`),\n" +
			"  CONSTRAINT `chk_amount` CHECK ((`amount` >= 0)),\n" +
			"  CONSTRAINT `chk_json` CHECK (json_valid(`doc`)) /*!80016 NOT ENFORCED */\n" +
			") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci\n" +
			"/*!50100 PARTITION BY HASH (`id`)\nPARTITIONS 4 */;"},
		{EntrySchema, "CREATE TABLE p (id INT, t TIMESTAMP, PRIMARY KEY (id, t)) PARTITION BY RANGE (unix_timestamp(t)) SUBPARTITION BY HASH (to_days(t)) (PARTITION p0 VALUES LESS THAN (1577836800));"},
		{EntrySchema, "CREATE TABLE k (a INT, b INT) PARTITION BY KEY ALGORITHM=2 (a) PARTITIONS 2;"},
		{EntrySchema, "CREATE TABLE l (a INT, b VARCHAR(5), KEY kb USING BTREE (b(3))) PARTITION BY LIST COLUMNS (a) (PARTITION p VALUES IN (1, 2));"},
		{EntrySchema, "ALTER TABLE `t` ADD KEY `k` (`a`(10)), ADD CONSTRAINT `c` CHECK (`a` > 0), ALTER COLUMN `b` SET DEFAULT (now());"},
		{EntrySchema, "ALTER TABLE t ADD PARTITION (PARTITION p3 VALUES LESS THAN (to_days('2020-01-01')));"},
		{EntrySchema, "ALTER TABLE t ADD COLUMN (c DOUBLE PRECISION(10,2), d CHARACTER VARYING(20), e NATIONAL VARCHAR(3));"},
		// Session settings as dumps write them.
		{EntrySchema, "SET collation_connection = IFNULL(@saved_col_connection, 'utf8mb4_general_ci');"},
		{EntrySchema, "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;"},
		{EntryData, "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;"},
		{EntryObjects, "SET @m = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO'), @d = CAST('1.5' AS DECIMAL(10,2));"},
		// Values of rows: literals, and calls on literals (phpMyAdmin,
		// Adminer: spatial values as WKT).
		{EntryData, "INSERT INTO t VALUES (1, ST_GeomFromText('POINT(1 1)'), GeomFromText('POINT(1 1)', 4326), _binary 0x0102, CURRENT_TIMESTAMP, TRUE, b'101', X'4142', CONVERT('a' USING utf8mb4), 'x' COLLATE utf8mb4_bin, -1, DEFAULT, POINT(1, 2), NOW() - INTERVAL 1 DAY, CAST('1' AS UNSIGNED), CAST('1' AS DECIMAL(10,2)));"},
		// The bodies of objects never run during the load: the site's own
		// stored functions may be called there.
		{EntryObjects, "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = twice(NEW.a);"},
		{EntryObjects, "CREATE VIEW v AS SELECT COUNT(*) AS n, GROUP_CONCAT(a) FROM t;"},
	}
	for _, c := range ok {
		if _, err := checkText(t, c.k, c.text); err != nil {
			t.Errorf("%.70s...: %v", c.text, err)
		}
	}
	refused := []struct {
		k    EntryKind
		text string
		want string // in the error
	}{
		{EntrySchema, "CREATE TABLE t (a INT DEFAULT (evil()));", "calls EVIL (byte 31)"},
		{EntrySchema, "CREATE TABLE t (a INT, b INT AS (sys_exec('id')) VIRTUAL);", "SYS_EXEC"},
		{EntrySchema, "CREATE TABLE t (a INT, b VARCHAR(100) AS (`concat`(a)) VIRTUAL);", "calls concat"},
		{EntrySchema, "CREATE TABLE t (a INT CHECK (release_lock('x') IS NULL));", "calls RELEASE_LOCK"},
		{EntrySchema, "CREATE TABLE t (a VARCHAR(80) DEFAULT (user()));", "calls USER"},
		{EntrySchema, "CREATE TABLE t (a VARCHAR(80) DEFAULT current_user());", "calls CURRENT_USER"},
		{EntrySchema, "CREATE TABLE t (a INT DEFAULT (`stage`.f()));", "calls F"},
		{EntrySchema, "CREATE TABLE t (a INT) PARTITION BY HASH (evil(a));", "calls EVIL"},
		{EntrySchema, "CREATE TABLE t (a INT, KEY k ((evil(a))));", "calls EVIL"},
		{EntrySchema, "CREATE TABLE t (a VARCHAR(10) DEFAULT (substring('abc' FROM 1 FOR evil(2))));", "calls EVIL"},
		{EntrySchema, "CREATE TABLE t (a INT DEFAULT (wait_for_executed_gtid_set('x', 100)));", "WAIT_FOR_EXECUTED_GTID_SET"},
		{EntrySchema, "ALTER TABLE t ALTER a SET DEFAULT (is_used_lock('x'));", "calls IS_USED_LOCK"},
		{EntrySchema, "CREATE SEQUENCE s START WITH 1 ENGINE=FEDERATED;", "engine"},
		{EntrySchema, "CREATE SEQUENCE s START WITH 1 INCREMENT BY evil() ENGINE=InnoDB;", "calls EVIL"},
		{EntrySchema, "SET @x = connection_id();", "calls CONNECTION_ID"},
		{EntrySchema, "SET sql_mode = evil();", "calls EVIL"},
		{EntrySchema, "SET @x = (SELECT 1);", "SET with SELECT"},
		// Not reserved words: in a SET or a row, a call of a stored
		// function of that name (which the objects entry may have made).
		{EntryObjects, "SET @x = hash(1);", "calls HASH"},
		{EntryObjects, "SET @x = text(1);", "calls TEXT"},
		{EntryObjects, "SET @x = uuid_v7();", "a session SET may only call"},
		{EntryData, "INSERT INTO t VALUES (hash(1));", "a call of HASH"},
		{EntryData, "INSERT INTO t VALUES (1, POINT(1, text(2)));", "a call of TEXT"},
		{EntryData, "SET @x = source_pos_wait('f', 4);", "SOURCE_POS_WAIT"},
		{EntryData, "INSERT INTO t VALUES (1, evil(2));", "a call of EVIL"},
		{EntryData, "INSERT INTO t VALUES (1, ST_GeomFromText(`a`));", "the name a"},
		{EntryData, "INSERT INTO t VALUES (1, @x);", "the variable @X"},
		{EntryData, "INSERT INTO t VALUES (1, @@hostname);", "the variable @@HOSTNAME"},
		{EntryData, "INSERT INTO t VALUES (1, user());", "a call of USER"},
		{EntryData, "INSERT INTO t VALUES (1, a + 1);", "A, which is not a literal"},
		{EntryData, "INSERT INTO t VALUES (1, CONCAT('a', (SELECT 1)));", "SELECT"},
		{EntryData, "INSERT INTO t VALUES (1, 'a'),\n(2, sha2(repeat(evil(), 2), 256));", "row 2, value 2 (byte 47)"},
		{EntryObjects, "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = WAIT_FOR_EXECUTED_GTID_SET('x', 100);", "WAIT_FOR_EXECUTED_GTID_SET"},
	}
	for _, c := range refused {
		_, err := checkText(t, c.k, c.text)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want refused with %q", c.text, err, c.want)
		}
	}
}

// TestNameIn: a table is found however it is written as code, and not in
// strings or comments.
func TestNameIn(t *testing.T) {
	names := []string{"wp_users", "wp_usermeta"}
	for text, want := range map[string]string{
		"INSERT INTO leak SELECT user_pass FROM wp_users":             "WP_USERS",
		"SELECT * FROM `Wp_Users`":                                    "Wp_Users",
		"SELECT * FROM db.`wp_usermeta` u":                            "wp_usermeta",
		`SELECT * FROM "wp_users"`:                                    "wp_users",
		"BEGIN /*!50000 DELETE FROM wp_users */; END":                 "WP_USERS",
		"SELECT 'wp_users', \"x\" -- wp_users\n/* wp_users */ FROM t": "",
		"SELECT wp_users_x FROM wp_users2":                            "",
	} {
		got, err := NameIn([]byte(text), names)
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", text, got, err, want)
		}
	}
	if _, err := NameIn([]byte("SELECT 'unterminated"), names); err == nil {
		t.Error("unreadable text: no error")
	}
}
