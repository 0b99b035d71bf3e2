package restore

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// featuresSchema uses what the SQL guard's function allow-list is for:
// DEFAULT and ON UPDATE expressions, generated columns over JSON, CHECK
// constraints, spatial values, partitioning by an expression, a sequence.
const featuresSchema = `
CREATE SEQUENCE s1 START WITH 100;
CREATE TABLE f (
  id INT NOT NULL PRIMARY KEY,
  uid CHAR(36) DEFAULT uuid(),
  created DATETIME(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),
  d DATE DEFAULT (curdate() + INTERVAL 1 DAY),
  doc JSON,
  doc_name VARCHAR(100) AS (json_unquote(json_extract(doc, '$.name'))) VIRTUAL,
  doc_val VARCHAR(100) AS (json_value(doc, '$.v')) STORED,
  up VARCHAR(100) AS (upper(concat_ws('-', left(uid, 8), 'x'))) VIRTUAL,
  g GEOMETRY,
  p POINT DEFAULT (ST_GeomFromText('POINT(1 1)')),
  price DECIMAL(10,2) CHECK (price >= 0),
  email VARCHAR(200) CHECK (email LIKE '%@%' OR email IS NULL),
  h BINARY(16) DEFAULT (unhex(md5('x'))),
  ts INT DEFAULT (unix_timestamp()),
  s VARCHAR(20) DEFAULT (date_format(now(), '%Y')),
  inv INT INVISIBLE DEFAULT 5,
  KEY k_name (doc_name),
  KEY k_email (email(20)),
  CONSTRAINT c_both CHECK (price < 1000000 AND length(email) < 200)
);
CREATE TABLE part (id INT, d DATE, PRIMARY KEY (id, d)) PARTITION BY RANGE (year(d)) (PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE part2 (id INT, t TIMESTAMP NOT NULL DEFAULT current_timestamp(), PRIMARY KEY (id, t)) PARTITION BY RANGE (unix_timestamp(t)) (PARTITION p0 VALUES LESS THAN (unix_timestamp('2020-01-01')), PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE sp (id INT PRIMARY KEY, loc POINT NOT NULL, SPATIAL KEY (loc)) ENGINE=InnoDB;
INSERT INTO f (id, uid, created, doc, g, price, email) VALUES
  (1, 'a0000000-0000-0000-0000-000000000001', '2024-01-02 03:04:05.123456', '{"name":"a","v":"b"}', ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), 5, 'a@b.c'),
  (2, 'a0000000-0000-0000-0000-000000000002', '2024-01-02 03:04:05', NULL, NULL, 0, NULL);
INSERT INTO part VALUES (1, '1999-12-31'), (2, '2024-01-01');
INSERT INTO part2 VALUES (1, '2019-01-01 00:00:00'), (2, '2024-01-01 00:00:00');
INSERT INTO sp VALUES (1, POINT(1,2)), (2, ST_GeomFromText('POINT(3 4)'));
`

// TestRestoreDumpFunctions: a mariadb-dump of tables that use functions in
// their definitions, snapshotted and restored, gives the same tables.
func TestRestoreDumpFunctions(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, src, featuresSchema)
	sessionRoundTrip(t, srv, srv.Dump(t, src), "SELECT id, doc_name, doc_val, up, ST_AsText(p), h = unhex(md5('x')) FROM f ORDER BY id")
}

// TestRestoreRefusesFunctions: an archive whose table definitions or rows
// call a function no dump needs is refused before anything runs. Before
// issue 14's allow-list, these restored, and the first one stored the
// restoring account's name in every row written without a value.
func TestRestoreRefusesFunctions(t *testing.T) {
	srv := mariadbtest.Start(t)
	for name, entries := range map[string][]archive.Entry{
		"default current_user": {
			file("db/t.schema.sql", "CREATE TABLE t (id INT PRIMARY KEY, who VARCHAR(200) DEFAULT (current_user()));\n", 0),
			file("db/t.0001.sql", "INSERT INTO t (id) VALUES (1);\n", 0)},
		"check calls a function that does not exist": {file("db/t.schema.sql", "CREATE TABLE t (id INT PRIMARY KEY CHECK (evil_udf(id) = 0));\n", 0)},
		"generated column reads the binlog":          {file("db/t.schema.sql", "CREATE TABLE t (id INT PRIMARY KEY, g VARCHAR(100) AS (binlog_gtid_pos('mysql-bin.000001', 4)) VIRTUAL);\n", 0)},
		"set from connection_id":                     {file("db/t.schema.sql", "SET @c = connection_id();\nCREATE TABLE t (id INT PRIMARY KEY);\n", 0)},
		"row value calls user()": {
			file("db/t.schema.sql", tSchema, 0),
			file("db/t.0001.sql", "INSERT INTO t VALUES (1, user());\n", 0)},
		// A routine made first, then called by a row on a server that
		// does not have UUID_V7 built in (MariaDB before 11.7): objects
		// must come last.
		"rows after the objects entry": {
			file("db/t.schema.sql", "CREATE TABLE t (id INT PRIMARY KEY, v INT);\n", 0),
			file("db/-objects.sql", "CREATE FUNCTION uuid_v7() RETURNS INT NO SQL RETURN 7;\n", 0),
			file("db/t.0001.sql", "INSERT INTO t VALUES (1, uuid_v7());\n", 0)},
	} {
		t.Run(name, func(t *testing.T) {
			db := mariadbtest.Name(t, "fn")
			_, err := Run(context.Background(), Options{Archive: bytes.NewReader(craft(t, archive.Header{}, entries...)), Server: srv.Config(t, ""),
				Database: db, Registry: flowtest.Registry(t), CMS: "none"})
			if !errors.Is(err, dbload.ErrRefused) || !strings.Contains(err.Error(), "calls ") && !strings.Contains(err.Error(), "a call of ") && !strings.Contains(err.Error(), "comes after db/-objects.sql") {
				t.Errorf("got %v, want refused naming the call", err)
			}
			if srv.DatabaseExists(t, db) {
				t.Error("database left behind")
			}
		})
	}
}
