package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// versionedDump holds values inside versioned comments. address is
// sakila's, as sakila-schema.sql and sakila-data.sql write it (without its
// foreign key): MySQL 5.7.5 and later create the geometry column and load
// its values, MariaDB skips /*!50705 ...*/ and does neither. store keeps
// its contact and location in comments MariaDB 10.1 and later run, and a
// geometry in one every server runs.
const versionedDump = "/*!40101 SET NAMES utf8mb4 */;\n" +
	"CREATE TABLE address (\n" +
	"  address_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,\n" +
	"  address VARCHAR(50) NOT NULL,\n" +
	"  address2 VARCHAR(50) DEFAULT NULL,\n" +
	"  district VARCHAR(20) NOT NULL,\n" +
	"  city_id SMALLINT UNSIGNED NOT NULL,\n" +
	"  postal_code VARCHAR(10) DEFAULT NULL,\n" +
	"  phone VARCHAR(20) NOT NULL,\n" +
	"  /*!50705 location GEOMETRY */ /*!80003 SRID 0 */ /*!50705 NOT NULL,*/\n" +
	"  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n" +
	"  PRIMARY KEY  (address_id),\n" +
	"  KEY idx_fk_city_id (city_id),\n" +
	"  /*!50705 SPATIAL KEY `idx_location` (location),*/\n" +
	"  KEY idx_phone (phone)\n" +
	")ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n" +
	"INSERT INTO `address` VALUES (1,'47 MySakila Drive',NULL,'Alberta',300,'','',/*!50705 0x0000000001010000003E0A325D63345CC0761FDB8D99D94840,*/'2014-09-25 22:30:27'),\n" +
	"(2,'28 MySQL Boulevard',NULL,'QLD',576,'','',/*!50705 0x0000000001010000008E10D4DF812463404EE08C5022A23BC0,*/'2014-09-25 22:30:09'),\n" +
	"(3,'23 Workhaven Lane',NULL,'Alberta',300,'','14033335568',/*!50705 0x000000000101000000CDC4196863345CC01DEE7E7099D94840,*/'2014-09-25 22:30:27'),\n" +
	"(4,'1411 Lillydale Drive',NULL,'QLD',576,'','6172235589',/*!50705 0x0000000001010000005B0DE4341F26634042D6AE6422A23BC0,*/'2014-09-25 22:30:09');\n" +
	"CREATE TABLE store (\n" +
	"  store_id INT NOT NULL PRIMARY KEY,\n" +
	"  manager VARCHAR(100) NOT NULL,\n" +
	"  /*M!100100 contact VARCHAR(100) DEFAULT NULL, location POINT NOT NULL,*/\n" +
	"  spot POINT NULL,\n" +
	"  last_update TIMESTAMP NOT NULL\n" +
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n" +
	"INSERT INTO store VALUES (1,'Mike Hillyer',/*M!100100 'Mike.Hillyer@sakilastaff.com', 0x0000000001010000003E0A325D63345CC0761FDB8D99D94840,*/ /*!40101 0x0000000001010000008E10D4DF812463404EE08C5022A23BC0 */,'2006-02-15 04:57:12'),\n" +
	"(2,'Jon Stephens',/*M!100100 NULL, 0x000000000101000000CDC4196863345CC01DEE7E7099D94840,*/ NULL,'2006-02-15 04:57:12');\n"

const versionedRules = `version: 1
tables:
  address:
    columns:
      address: street
      phone: phone
  store:
    columns:
      manager: full_name
      contact: email
`

// TestVersionedValuesLoad anonymizes versionedDump with stagecopy anonymize,
// and with snapshot and restore, loads the results into MariaDB, and
// compares them with the dump loaded as it is: the values the rules name
// are replaced, inside their comments where they were in one, and every
// other value, the geometries among them, is the same.
func TestVersionedValuesLoad(t *testing.T) {
	srv, orig := mariadbtest.NewDatabase(t)
	dir := t.TempDir()
	dumpPath, rulesPath := filepath.Join(dir, "sakila.sql"), filepath.Join(dir, "rules.yml")
	os.WriteFile(dumpPath, []byte(versionedDump), 0o600)
	os.WriteFile(rulesPath, []byte(versionedRules), 0o600)
	srv.Exec(t, orig, versionedDump)

	// MariaDB runs /*M!100100 ...*/ and /*!40101 ...*/, and skips
	// /*!50705 ...*/: these are the columns the loads must agree on.
	cols := func(db, table string) []string {
		return strings.Fields(srv.Query(t, db, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"+table+"' ORDER BY ORDINAL_POSITION"))
	}
	if got := strings.Join(cols(orig, "address"), " "); got != "address_id address address2 district city_id postal_code phone last_update" {
		t.Fatalf("MariaDB created address with %s", got)
	}
	if got := strings.Join(cols(orig, "store"), " "); got != "store_id manager contact location spot last_update" {
		t.Fatalf("MariaDB created store with %s", got)
	}
	if got := srv.Query(t, orig, "SELECT ST_AsText(location), ST_AsText(spot) FROM store ORDER BY store_id"); got != "POINT(-112.8185647 49.6999986)\tPOINT(153.1408538 -27.6333361)\nPOINT(-112.8185673 49.6999951)\tNULL" {
		t.Fatalf("the original geometries loaded as\n%s", got)
	}
	ruled := map[string][]string{"address": {"address", "phone"}, "store": {"manager", "contact"}}

	check := func(t *testing.T, db string) {
		t.Helper()
		for _, table := range []string{"address", "store"} {
			if got, want := cols(db, table), cols(orig, table); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s has columns %v, want %v", table, got, want)
			}
			all := cols(orig, table)
			for _, col := range all {
				// Every value of the column, in primary key order.
				q := fmt.Sprintf("SELECT GROUP_CONCAT(IFNULL(HEX(`%s`),'NULL') ORDER BY `%s` SEPARATOR ',') FROM `%s`", col, all[0], table)
				was, is := srv.Query(t, orig, q), srv.Query(t, db, q)
				if was == "" || strings.Count(was, ",") != strings.Count(is, ",") {
					t.Errorf("%s.%s: %q, then %q", table, col, was, is)
				}
				if !slices.Contains(ruled[table], col) {
					if was != is {
						t.Errorf("%s.%s changed:\nwas %s\nis  %s", table, col, was, is)
					}
					continue
				}
				wasVals, isVals := strings.Split(was, ","), strings.Split(is, ",")
				for i := range wasVals {
					if wasVals[i] != "NULL" && wasVals[i] != "" && i < len(isVals) && isVals[i] == wasVals[i] {
						t.Errorf("%s.%s row %d kept its value", table, col, i+1)
					}
				}
			}
		}
		if n := srv.Query(t, db, "SELECT COUNT(*) FROM store WHERE contact LIKE '%@example.com'"); n != "1" {
			t.Errorf("%s store rows with a fake contact", n)
		}
	}

	t.Run("anonymize", func(t *testing.T) {
		out := filepath.Join(dir, "anon.sql")
		code, stdout, stderr := runCLI(t, "anonymize", "-r", rulesPath, "-q", "-o", out, dumpPath)
		if code != 0 {
			t.Fatalf("anonymize: %d\n%s\n%s", code, stdout, stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{"MySakila", "Workhaven", "14033335568", "Hillyer", "Stephens"} {
			if strings.Contains(string(data), leak) {
				t.Errorf("%q is in the output", leak)
			}
		}
		// The fake contact is where the real one was: in the comment.
		if !strings.Contains(string(data), "/*M!100100 '") || !strings.Contains(string(data), "@example.com', 0x0000000001010000003E0A325D63345CC0761FDB8D99D94840,*/ /*!40101 0x") {
			t.Errorf("output:\n%s", data)
		}
		_, db := mariadbtest.NewDatabase(t)
		srv.LoadFile(t, db, out)
		check(t, db)
	})

	t.Run("snapshot and restore", func(t *testing.T) {
		archive := filepath.Join(dir, "sakila.tar.zst")
		code, stdout, stderr := runCLI(t, "snapshot", "--anonymize", "-r", rulesPath, "--dump", dumpPath, "-o", archive, "-q")
		if code != 0 {
			t.Fatalf("snapshot: %d\n%s\n%s", code, stdout, stderr)
		}
		_, db := mariadbtest.DatabaseName(t, "vers")
		code, stdout, stderr = runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--state-dir", filepath.Join(dir, "state"), "-q", archive)
		if code != 0 {
			t.Fatalf("restore: %d\n%s\n%s", code, stdout, stderr)
		}
		check(t, db)
	})
}
