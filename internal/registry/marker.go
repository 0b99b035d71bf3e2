package registry

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// MarkerTable is created in every database restore makes, with one row
// naming the staging copy. Purge drops a database only when its marker
// names the copy being purged.
const MarkerTable = "_stagecopy_staging"

// MarkerFile is written at the root of every files directory restore makes,
// naming the staging copy. Purge removes a directory only when its marker
// names the copy being purged; snapshot leaves it out of an archive.
const MarkerFile = ".stagecopy-staging.json"

// WriteDatabaseMarker creates the marker table in database with the row
// naming e, in one statement: a process killed around it leaves the table
// whole or absent.
func WriteDatabaseMarker(ctx context.Context, db *sql.DB, database string, e Entry) error {
	table := sqldump.QuoteIdent(database) + "." + sqldump.QuoteIdent(MarkerTable)
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+table+
		" (staging_id VARCHAR(64) NOT NULL PRIMARY KEY, snapshot_id VARCHAR(64) NOT NULL, created DATETIME NOT NULL)"+
		" COMMENT 'made by stagecopy restore; stagecopy purge drops this database'"+
		" SELECT ? AS staging_id, ? AS snapshot_id, ? AS created", e.ID, e.SnapshotID, e.Created.UTC().Format(time.DateTime)); err != nil {
		return fmt.Errorf("registry: create marker table in %s: %w", database, err)
	}
	return nil
}

// commentPrefix starts the comment of a database that restore creates,
// before the staging id (MariaDB 10.5 and later keep a database comment):
// it names the copy from the moment the database exists, before the
// marker table does.
const commentPrefix = "stagecopy staging copy "

// DatabaseComment is the COMMENT restore gives the database it creates for
// e (CREATE DATABASE ... COMMENT), a string literal's content.
func DatabaseComment(e Entry) string { return commentPrefix + e.ID }

// DatabaseMarker returns the staging copy IDs that the marker table of
// database holds, in no particular order; present is false when database
// has no marker table. A database restore made holds exactly one. When the
// table is missing or empty, the database's comment (DatabaseComment) names
// the copy, if it does: a restore killed after it created the database,
// before its marker table, left it so. When both name copies and they
// differ, it returns the table's IDs and ErrMarkerConflict.
func DatabaseMarker(ctx context.Context, db *sql.DB, database string) (ids []string, present bool, err error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", database, MarkerTable).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("registry: look up marker table in %s: %w", database, err)
	}
	if n == 0 {
		if id := commentID(ctx, db, database); id != "" {
			return []string{id}, true, nil
		}
		return nil, false, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT staging_id FROM "+sqldump.QuoteIdent(database)+"."+sqldump.QuoteIdent(MarkerTable))
	if err != nil {
		return nil, true, fmt.Errorf("registry: read marker in %s: %w", database, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, true, fmt.Errorf("registry: read marker in %s: %w", database, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, true, fmt.Errorf("registry: read marker in %s: %w", database, err)
	}
	c := commentID(ctx, db, database)
	switch {
	case len(ids) == 0 && c != "":
		ids = []string{c}
	case c != "" && (len(ids) != 1 || ids[0] != c):
		// Restore writes both for one copy, and an archive can name
		// neither: someone changed one of them since.
		return ids, true, fmt.Errorf("%w: the %s table of database %s names %s, its comment %s", ErrMarkerConflict, MarkerTable, database, strings.Join(ids, ", "), c)
	}
	return ids, true, nil
}

// ErrMarkerConflict is DatabaseMarker's error for a database whose marker
// table and comment name different staging copies: one was changed after
// restore made them, by someone with access to the server. Whose database
// it is cannot be told, and neither purge nor restore --force takes it for
// either copy's.
var ErrMarkerConflict = errors.New("registry: the database's markers disagree")

// commentID returns the staging id database's comment names, or "" (also
// on a server without database comments).
func commentID(ctx context.Context, db *sql.DB, database string) string {
	var c sql.NullString
	if db.QueryRowContext(ctx, "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", database).Scan(&c) != nil {
		return ""
	}
	if id, ok := strings.CutPrefix(c.String, commentPrefix); ok && ValidID(id) {
		return id
	}
	return ""
}

// WriteFilesMarker writes the marker file naming e at the root of a files
// directory.
func WriteFilesMarker(root *os.Root, e Entry) error {
	marker, err := json.MarshalIndent(map[string]any{
		"made_by": "stagecopy restore", "staging_id": e.ID, "snapshot_id": e.SnapshotID,
		"created": e.Created, "purge": "stagecopy purge " + e.ID,
	}, "", "  ")
	if err != nil {
		return err
	}
	// Under a temporary name first, renamed over any earlier marker: a
	// crash never leaves a marker that names nobody.
	tmp := MarkerTemp
	if err := root.WriteFile(tmp, append(marker, '\n'), 0o644); err != nil {
		return fmt.Errorf("registry: write %s: %w", MarkerFile, err)
	}
	killpoint.Reached("marker-written")
	if err := root.Rename(tmp, MarkerFile); err != nil {
		return fmt.Errorf("registry: write %s: %w", MarkerFile, err)
	}
	return nil
}

// MarkerTemp is where WriteFilesMarker writes the marker before it renames
// it into place.
const MarkerTemp = MarkerFile + ".tmp"

// Unmarked reports whether dir holds nothing but, at most, the temporary
// file of a marker that was being written (a restore killed while it marked
// an empty directory leaves it so, perhaps half written).
func Unmarked(dir string) bool {
	names, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	return len(names) == 0 || len(names) == 1 && names[0].Name() == MarkerTemp
}

// RestoringDir is where restore makes a new files directory, with its
// marker, before renaming it to dir: beside it, hidden, naming the staging
// copy, so that a restore killed before the rename leaves a directory purge
// of that copy finds and removes.
func RestoringDir(dir, id string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".stagecopy-restoring-"+id)
}

// FilesMarker returns the staging copy ID that the marker file in dir
// names. The marker must be a regular file (not a link) of at most 64 KiB.
func FilesMarker(dir string) (string, error) {
	path := filepath.Join(dir, MarkerFile)
	st, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var m struct {
		StagingID string `json:"staging_id"`
	}
	if err := json.NewDecoder(io.LimitReader(f, 64<<10)).Decode(&m); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return m.StagingID, nil
}

// beforeDropDatabase runs in DropDatabase once only the marker table (and
// routines and events) is left, before the DROP DATABASE; a test replaces
// it to look at that state.
var beforeDropDatabase = func() { killpoint.Reached("before-drop-database") }

// DropDatabase drops database, a staging copy's, with its marker table
// last. The server gives up a DROP DATABASE when its client goes away
// (a process killed mid-purge, mid-undo, mid-restore --force), after some
// of the tables, and the marker table, whose name sorts first, is among the
// first it drops: a database left so holds tables and no marker, and only
// its comment (MariaDB 10.5 and later) would say whose it is. So the views
// and every other table and sequence go first, in their own statements,
// on one connection with foreign key checks off (the connection is
// discarded after, not returned to the pool), then the database with the
// marker.
func DropDatabase(ctx context.Context, db *sql.DB, database string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// Never back into the pool with foreign key checks off.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	rows, err := conn.QueryContext(ctx, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> ?", database, MarkerTable)
	if err != nil {
		return err
	}
	var views, tables []string
	for rows.Next() {
		var name, kind string
		if err := rows.Scan(&name, &kind); err != nil {
			rows.Close()
			return err
		}
		q := sqldump.QuoteIdent(database) + "." + sqldump.QuoteIdent(name)
		if kind == "VIEW" {
			views = append(views, q)
		} else {
			tables = append(tables, q) // base tables, sequences, system-versioned tables
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "SET SESSION foreign_key_checks = 0"); err != nil {
		return err
	}
	for _, drop := range []struct {
		what  string
		names []string
	}{{"VIEW", views}, {"TABLE", tables}} {
		// A few hundred names at a time keeps each statement small.
		for len(drop.names) > 0 {
			n := min(len(drop.names), 200)
			if _, err := conn.ExecContext(ctx, "DROP "+drop.what+" IF EXISTS "+strings.Join(drop.names[:n], ", ")); err != nil {
				return err
			}
			drop.names = drop.names[n:]
		}
	}
	beforeDropDatabase()
	_, err = conn.ExecContext(ctx, "DROP DATABASE "+sqldump.QuoteIdent(database))
	return err
}
