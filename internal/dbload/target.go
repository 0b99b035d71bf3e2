package dbload

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// Target is what the server a Loader loads into can keep: its flavour and
// version, the collations and character sets it has, the data types its
// plugins add (MariaDB's INET6, UUID, INET4) and the syntax its version
// reads. [ReadTarget] asks the server once; a caller may build one by hand
// (a test that pretends the server lacks something, with the load itself
// still on the real server). The adaptations it leads to are in docs/servers.md.
type Target struct {
	// Version is the server's SELECT VERSION() ("10.11.6-MariaDB-0+deb12u1",
	// "8.0.36").
	Version string
	// MariaDB is set for MariaDB, unset for MySQL (and Percona Server).
	MariaDB bool
	// Major, Minor and Patch are Version's numbers.
	Major, Minor, Patch int
	// Collations maps each collation the server has, lower-cased, to its
	// character set (MariaDB 10.10+ lists its full names, such as
	// utf8mb4_uca1400_ai_ci).
	Collations map[string]string
	// Charsets maps each character set, lower-cased, to its default
	// collation.
	Charsets map[string]string
	// Types holds the lower-cased data types plugins add: "inet6", "uuid",
	// "inet4" on MariaDB; none on MySQL.
	Types map[string]bool
}

// ReadTarget reads what the server of db can keep: SELECT VERSION(), its
// collations and character sets from information_schema, and its data
// type plugins.
func ReadTarget(ctx context.Context, db *sql.DB) (*Target, error) {
	t := &Target{Collations: map[string]string{}, Charsets: map[string]string{}, Types: map[string]bool{}}
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&t.Version); err != nil {
		return nil, fmt.Errorf("dbload: read the server's version: %w", err)
	}
	t.setVersion()
	pairs := func(q string, into map[string]string) error {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a, b sql.NullString
			if err := rows.Scan(&a, &b); err != nil {
				return err
			}
			if a.Valid {
				into[strings.ToLower(a.String)] = strings.ToLower(b.String)
			}
		}
		return rows.Err()
	}
	if err := pairs("SELECT COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS", t.Collations); err != nil {
		return nil, fmt.Errorf("dbload: read the server's collations: %w", err)
	}
	// MariaDB 10.10 and later list a collation that several character
	// sets share (uca1400_ai_ci) once in COLLATIONS; the full names are in
	// COLLATION_CHARACTER_SET_APPLICABILITY. MySQL has no such column.
	err := pairs("SELECT FULL_COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY", t.Collations)
	var me *mysql.MySQLError
	if err != nil && !(errors.As(err, &me) && me.Number == 1054) { // ER_BAD_FIELD_ERROR
		return nil, fmt.Errorf("dbload: read the server's collations: %w", err)
	}
	if err := pairs("SELECT CHARACTER_SET_NAME, DEFAULT_COLLATE_NAME FROM information_schema.CHARACTER_SETS", t.Charsets); err != nil {
		return nil, fmt.Errorf("dbload: read the server's character sets: %w", err)
	}
	types := map[string]string{}
	if err := pairs("SELECT PLUGIN_NAME, PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_TYPE = 'DATA TYPE'", types); err != nil {
		return nil, fmt.Errorf("dbload: read the server's data types: %w", err)
	}
	for name, status := range types {
		if status == "active" {
			t.Types[name] = true
		}
	}
	return t, nil
}

// setVersion sets MariaDB, Major, Minor and Patch from Version.
func (t *Target) setVersion() {
	t.MariaDB = strings.Contains(strings.ToLower(t.Version), "mariadb")
	v := t.Version
	if i := strings.IndexAny(v, "-+ "); i >= 0 {
		v = v[:i]
	}
	n := [3]int{}
	for i, p := range strings.SplitN(v, ".", 3) {
		n[i], _ = strconv.Atoi(p)
	}
	t.Major, t.Minor, t.Patch = n[0], n[1], n[2]
}

// NewTarget returns a Target for a server of the given flavour and
// version ("10.11.6-MariaDB", "8.0.36") whose collations, character sets
// and types are given: for tests, and to tell what a dump would need on a
// server that is not at hand.
func NewTarget(version string, collations map[string]string, charsets map[string]string, types ...string) *Target {
	t := &Target{Version: version, Collations: collations, Charsets: charsets, Types: map[string]bool{}}
	for _, ty := range types {
		t.Types[strings.ToLower(ty)] = true
	}
	t.setVersion()
	return t
}

// atLeast reports whether the server's version is at least major.minor.patch.
func (t *Target) atLeast(major, minor, patch int) bool {
	if t.Major != major {
		return t.Major > major
	}
	if t.Minor != minor {
		return t.Minor > minor
	}
	return t.Patch >= patch
}

// Name is the server as a person names it: "MariaDB 10.11.6", "MySQL 8.0.36".
func (t *Target) Name() string {
	f := "MySQL"
	if t.MariaDB {
		f = "MariaDB"
	}
	return fmt.Sprintf("%s %d.%d.%d", f, t.Major, t.Minor, t.Patch)
}

// The syntax each flavour and version reads, where no information_schema
// table says it.

// Invisible: INVISIBLE columns (MariaDB 10.3.3, MySQL 8.0.23).
func (t *Target) Invisible() bool {
	if t.MariaDB {
		return t.atLeast(10, 3, 3)
	}
	return t.atLeast(8, 0, 23)
}

// Sequences: CREATE SEQUENCE, NEXTVAL, SETVAL (MariaDB 10.3).
func (t *Target) Sequences() bool { return t.MariaDB && t.atLeast(10, 3, 0) }

// SystemVersioning: WITH SYSTEM VERSIONING tables (MariaDB 10.3.4).
func (t *Target) SystemVersioning() bool { return t.MariaDB && t.atLeast(10, 3, 4) }

// CompressedColumns: the COMPRESSED column attribute (MariaDB 10.3.2).
func (t *Target) CompressedColumns() bool { return t.MariaDB && t.atLeast(10, 3, 2) }

// FunctionalKeys: key parts that are expressions, KEY k ((lower(c)))
// (MySQL 8.0.13).
func (t *Target) FunctionalKeys() bool { return !t.MariaDB && t.atLeast(8, 0, 13) }

// MySQLComments: the server runs /*!NNNNN ... */ with 50700 <= NNNNN <=
// 99999 (MySQL 5.7 and 8 syntax) when NNNNN is at most its version;
// MariaDB skips them.
func (t *Target) MySQLComments() bool { return !t.MariaDB }

// SRID: the SRID column attribute of MySQL 8 (8.0.3); MariaDB writes the
// same as REF_SYSTEM_ID=n.
func (t *Target) SRID() bool { return !t.MariaDB && t.atLeast(8, 0, 3) }

// mysqlVersion is the server's version as MySQL writes it in versioned
// comments (80036), 0 for MariaDB.
func (t *Target) mysqlVersion() int {
	if t.MariaDB {
		return 0
	}
	return t.Major*10000 + t.Minor*100 + t.Patch
}
