package dbload

import (
	"errors"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Targets of the adaptation table's tests: servers as their
// information_schema describes them, cut down to the collations the tests
// name.
func testTarget(version string, extraCollations ...string) *Target {
	coll := map[string]string{}
	for _, c := range []string{
		"utf8mb4_general_ci", "utf8mb4_bin", "utf8mb4_unicode_ci", "utf8mb4_unicode_520_ci", "utf8mb4_swedish_ci",
		"utf8mb4_german2_ci", "latin1_swedish_ci", "ascii_general_ci", "ascii_bin",
	} {
		coll[c] = c[:strings.IndexByte(c, '_')]
	}
	for _, c := range extraCollations {
		coll[c] = c[:strings.IndexByte(c, '_')]
	}
	cs := map[string]string{"utf8mb4": "utf8mb4_general_ci", "latin1": "latin1_swedish_ci", "ascii": "ascii_general_ci", "binary": "binary"}
	for _, set := range coll {
		if set == "utf8mb3" || set == "utf8" {
			cs[set] = set + "_general_ci"
		}
	}
	return NewTarget(version, coll, cs)
}

var (
	// MariaDB 10.11: UCA 14.0.0 collations, NO PAD variants, utf8mb3.
	maria1011 = func() *Target {
		t := testTarget("10.11.6-MariaDB", "utf8mb4_uca1400_ai_ci", "utf8mb4_uca1400_nopad_ai_ci", "utf8mb4_uca1400_as_cs",
			"utf8mb4_uca1400_nopad_as_cs", "utf8mb4_uca1400_swedish_nopad_ai_ci", "utf8mb4_nopad_bin", "utf8mb4_unicode_520_nopad_ci",
			"utf8mb3_general_ci", "utf8mb3_unicode_ci")
		t.Types = map[string]bool{"inet6": true, "uuid": true, "inet4": true}
		return t
	}()
	// MariaDB 10.5: no UCA 14, utf8 is utf8mb3's only name, no INET4/UUID.
	maria105 = func() *Target {
		t := testTarget("10.5.23-MariaDB", "utf8mb4_nopad_bin", "utf8mb4_unicode_520_nopad_ci", "utf8_general_ci", "utf8_unicode_ci")
		t.Types = map[string]bool{"inet6": true}
		return t
	}()
	// MySQL 8.0: UCA 9.0.0, no data type plugins, no sequences.
	mysql80 = testTarget("8.0.36", "utf8mb4_0900_ai_ci", "utf8mb4_0900_as_cs", "utf8mb4_0900_as_ci", "utf8mb4_0900_bin",
		"utf8mb4_sv_0900_ai_ci", "utf8mb3_general_ci")
)

// TestAdaptTable is the translation table of docs/servers.md: each row a
// statement, the target, what it becomes and the adaptation noted.
func TestAdaptTable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target *Target
		kind   sqldump.Kind
		in     string
		want   string // the adapted text; "" when refused
		notes  []string
		err    string // the refusal, with ErrUnsupported
		drop   bool
	}{
		{name: "0900_ai_ci on MariaDB 10.11", target: maria1011, kind: sqldump.KindCreateTable,
			in:    "CREATE TABLE `t` (`a` varchar(10) COLLATE utf8mb4_0900_ai_ci) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
			want:  "CREATE TABLE `t` (`a` varchar(10) COLLATE utf8mb4_uca1400_nopad_ai_ci) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci",
			notes: []string{"table `t`: collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci"}},
		{name: "0900_ai_ci on MariaDB 10.5", target: maria105, kind: sqldump.KindCreateTable,
			in:    "CREATE TABLE `t` (`a` int) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
			want:  "CREATE TABLE `t` (`a` int) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_nopad_ci",
			notes: []string{"table `t`: collation utf8mb4_0900_ai_ci → utf8mb4_unicode_520_nopad_ci"}},
		{name: "0900 as_cs, bin, swedish on MariaDB 10.11", target: maria1011, kind: sqldump.KindCreateTable,
			in:   "CREATE TABLE `t` (`a` text COLLATE utf8mb4_0900_as_cs, `b` text COLLATE utf8mb4_0900_bin, `c` text COLLATE utf8mb4_sv_0900_ai_ci)",
			want: "CREATE TABLE `t` (`a` text COLLATE utf8mb4_uca1400_nopad_as_cs, `b` text COLLATE utf8mb4_nopad_bin, `c` text COLLATE utf8mb4_uca1400_swedish_nopad_ai_ci)",
			notes: []string{"table `t`: collation utf8mb4_0900_as_cs → utf8mb4_uca1400_nopad_as_cs", "table `t`: collation utf8mb4_0900_bin → utf8mb4_nopad_bin",
				"table `t`: collation utf8mb4_sv_0900_ai_ci → utf8mb4_uca1400_swedish_nopad_ai_ci"}},
		{name: "0900 as_cs, swedish on MariaDB 10.5", target: maria105, kind: sqldump.KindCreateTable,
			in:    "CREATE TABLE `t` (`a` text COLLATE utf8mb4_0900_as_cs, `c` text COLLATE utf8mb4_sv_0900_ai_ci)",
			want:  "CREATE TABLE `t` (`a` text COLLATE utf8mb4_nopad_bin, `c` text COLLATE utf8mb4_swedish_ci)",
			notes: []string{"table `t`: collation utf8mb4_0900_as_cs → utf8mb4_nopad_bin", "table `t`: collation utf8mb4_sv_0900_ai_ci → utf8mb4_swedish_ci"}},
		{name: "utf8mb3 on MariaDB 10.5", target: maria105, kind: sqldump.KindCreateTable,
			in:    "CREATE TABLE `t` (`a` varchar(5) CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci, `b` varchar(5) DEFAULT _utf8mb3'x') DEFAULT CHARSET=utf8mb3",
			want:  "CREATE TABLE `t` (`a` varchar(5) CHARACTER SET utf8 COLLATE utf8_unicode_ci, `b` varchar(5) DEFAULT _utf8'x') DEFAULT CHARSET=utf8",
			notes: []string{"table `t`: character set utf8mb3 → utf8", "table `t`: collation utf8mb3_unicode_ci → utf8_unicode_ci"}},
		{name: "session collation of a routine", target: maria1011, kind: sqldump.KindSet,
			in: "/*!50003 SET collation_connection  = utf8mb4_0900_ai_ci */", want: "/*!50003 SET collation_connection  = utf8mb4_uca1400_nopad_ai_ci */",
			notes: []string{"session: collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci"}},
		{name: "session collation restored by an expression", target: maria1011, kind: sqldump.KindSet,
			in: "SET collation_connection = IFNULL(@saved_col_connection, 'utf8mb4_general_ci')", want: "SET collation_connection = IFNULL(@saved_col_connection, 'utf8mb4_general_ci')"},
		{name: "a view's column named like a setting", target: maria1011, kind: sqldump.KindCreateView,
			in: "CREATE VIEW `v` AS SELECT `collation_name` FROM `t` WHERE `charset` = 'x' COLLATE utf8mb4_0900_ai_ci", want: "CREATE VIEW `v` AS SELECT `collation_name` FROM `t` WHERE `charset` = 'x' COLLATE utf8mb4_uca1400_nopad_ai_ci",
			notes: []string{"view `v`: collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci"}},
		{name: "MySQL 8 comments on MariaDB", target: maria1011, kind: sqldump.KindCreateTable,
			in: "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `note` text /*!80023 INVISIBLE */,\n  `pos` point NOT NULL /*!80003 SRID 4326 */,\n  PRIMARY KEY (`id`),\n" +
				"  CONSTRAINT `c1` CHECK ((`id` > 0)) /*!80016 NOT ENFORCED */\n) ENGINE=InnoDB /*!80016 DEFAULT ENCRYPTION='N' */",
			want: "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `note` text  INVISIBLE ,\n  `pos` point REF_SYSTEM_ID=4326 NOT NULL ,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB ",
			notes: []string{"table `t`: column `note`: /*!80023 INVISIBLE */ kept as INVISIBLE (MariaDB skips MySQL 8 comments)",
				"table `t`: column `pos`: SRID 4326 written as REF_SYSTEM_ID=4326",
				"table `t`: CHECK constraint `c1`, NOT ENFORCED on MySQL, left out (MariaDB would enforce it)",
				"table `t`: MySQL option DEFAULT ENCRYPTION='N' left out (MariaDB has no such option)"}},
		{name: "SRID of a column MariaDB skips", target: maria1011, kind: sqldump.KindCreateTable,
			in:   "CREATE TABLE `a` (\n  `phone` varchar(20) NOT NULL,\n  /*!50705 location GEOMETRY */ /*!80003 SRID 0 */ /*!50705 NOT NULL,*/\n  `id` int)",
			want: "CREATE TABLE `a` (\n  `phone` varchar(20) NOT NULL,\n  /*!50705 location GEOMETRY */  /*!50705 NOT NULL,*/\n  `id` int)"},
		{name: "MySQL 8 comments on MySQL", target: mysql80, kind: sqldump.KindCreateTable,
			in:   "CREATE TABLE `t` (`note` text /*!80023 INVISIBLE */, `pos` point /*!80003 SRID 4326 */) COLLATE=utf8mb4_0900_ai_ci",
			want: "CREATE TABLE `t` (`note` text /*!80023 INVISIBLE */, `pos` point /*!80003 SRID 4326 */) COLLATE=utf8mb4_0900_ai_ci"},
		{name: "MySQL table options on MariaDB", target: maria1011, kind: sqldump.KindCreateTable,
			in: "CREATE TABLE `t` (`a` int) ENGINE=InnoDB COMPRESSION='zlib' AUTOEXTEND_SIZE=4M", want: "CREATE TABLE `t` (`a` int) ENGINE=InnoDB  ",
			notes: []string{"table `t`: MySQL option COMPRESSION='zlib' left out (MariaDB has no such option)", "table `t`: MySQL option AUTOEXTEND_SIZE=4M left out (MariaDB has no such option)"}},
		{name: "functional index refused", target: maria1011, kind: sqldump.KindCreateTable,
			in:  "CREATE TABLE `t` (`e` varchar(9), UNIQUE KEY `f` ((lower(`e`))))",
			err: "table `t`: index `f` is on an expression on MariaDB 10.11.6"},
		{name: "functional index dropped", target: maria1011, kind: sqldump.KindCreateTable, drop: true,
			in: "CREATE TABLE `t` (`e` varchar(9), KEY `k` (`e`(3)), UNIQUE KEY `f` ((lower(`e`))))", want: "CREATE TABLE `t` (`e` varchar(9), KEY `k` (`e`(3)))",
			notes: []string{"table `t`: index `f` on an expression left out (MariaDB 10.11.6 has no functional indexes) [dropped]"}},
		{name: "MariaDB types and uca1400 on MySQL", target: mysql80, kind: sqldump.KindCreateTable,
			in:   "CREATE TABLE `h` (`ip` inet6 NOT NULL, `v4` INET4, `u` uuid DEFAULT NULL, `n` varchar(9) COLLATE utf8mb4_uca1400_ai_ci, `z` blob COMPRESSED) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_swedish_ai_ci",
			want: "CREATE TABLE `h` (`ip` VARCHAR(45) CHARACTER SET ascii NOT NULL, `v4` VARCHAR(15) CHARACTER SET ascii, `u` CHAR(36) CHARACTER SET ascii DEFAULT NULL, `n` varchar(9) COLLATE utf8mb4_0900_ai_ci, `z` blob ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_sv_0900_ai_ci",
			notes: []string{"table `h`: collation utf8mb4_uca1400_ai_ci → utf8mb4_0900_ai_ci", "table `h`: collation utf8mb4_uca1400_swedish_ai_ci → utf8mb4_sv_0900_ai_ci",
				"table `h`: column `ip`: INET6 → VARCHAR(45) CHARACTER SET ascii (MySQL 8.0.36 has no INET6 type; the values are kept as text)"}},
		{name: "ALTER TABLE adds a UUID column on MariaDB 10.5", target: maria105, kind: sqldump.KindAlterTable,
			in: "ALTER TABLE `t` ADD COLUMN `u` uuid, MODIFY `ip` inet6", want: "ALTER TABLE `t` ADD COLUMN `u` CHAR(36) CHARACTER SET ascii, MODIFY `ip` inet6"},
		{name: "sequence refused on MySQL", target: mysql80, kind: sqldump.KindOther,
			in: "CREATE SEQUENCE `s` start with 1 minvalue 1 maxvalue 9223372036854775806 increment by 1 cache 1000 nocycle ENGINE=InnoDB", err: "sequence `s`: a sequence on MySQL 8.0.36"},
		{name: "sequence dropped on MySQL", target: mysql80, kind: sqldump.KindOther, drop: true,
			in: "CREATE SEQUENCE `s` start with 1 ENGINE=InnoDB", notes: []string{"sequence `s`: left out (MySQL 8.0.36 has no sequences) [dropped]"}},
		{name: "system versioning refused on MySQL", target: mysql80, kind: sqldump.KindCreateTable,
			in: "CREATE TABLE `v` (`a` int) WITH SYSTEM VERSIONING", err: "table `v`: the table is system-versioned"},
		{name: "collation of an unknown character set", target: maria1011, kind: sqldump.KindCreateTable,
			in: "CREATE TABLE `g` (`a` text CHARACTER SET gb18030 COLLATE gb18030_unicode_520_ci)", err: "character set gb18030"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAdapter(tc.target, tc.drop)
			st := &sqldump.Statement{Kind: tc.kind, Text: []byte(tc.in)}
			if tc.kind == sqldump.KindCreateTable || tc.kind == sqldump.KindAlterTable {
				st.Table = strings.Trim(strings.Fields(tc.in)[2], "`")
			}
			got, skip, err := a.adapt(st, []byte(tc.in))
			if tc.err != "" {
				if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want ErrUnsupported saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if skip != (tc.want == "") {
				t.Fatalf("skip %v, want %q", skip, tc.want)
			}
			if !skip && string(got) != tc.want {
				t.Errorf("adapted\n%s\nwant\n%s", got, tc.want)
			}
			var notes []string
			for _, n := range a.adaptations() {
				notes = append(notes, n.String())
			}
			for _, n := range tc.notes {
				found := false
				for _, g := range notes {
					found = found || g == n
				}
				if !found {
					t.Errorf("adaptation %q not noted; noted %q", n, notes)
				}
			}
		})
	}
}
