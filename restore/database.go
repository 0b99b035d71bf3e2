package restore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// createDatabase makes the target database, or takes an empty existing
// one, and puts the marker table in it.
func (r *restorer) createDatabase(ctx context.Context, name string, h archive.Header) error {
	qn := sqldump.QuoteIdent(name)
	var n int
	if err := r.admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&n); err != nil {
		return dbdump.Classify(err, "restore: connect to the server", "")
	}
	if n > 0 {
		objects, marked, err := databaseObjects(ctx, r.admin, name)
		if err != nil {
			return err
		}
		if !marked {
			// A restore killed before its marker table, or a DROP
			// DATABASE of ours stopped halfway (the server gives up a
			// drop when its client goes, and the marker table is among
			// the first it drops): the database's comment names the
			// copy. Whether the registry lists it is checked below.
			_, marked, _ = registry.DatabaseMarker(ctx, r.admin, name)
		}
		switch {
		case objects == 0 && r.opts.ExistingDatabase && !marked:
			// Filled, never dropped: undo removes only what it
			// created.
			r.adoptedDB = true
		case !r.opts.Force && objects == 0 && !marked:
			return fmt.Errorf("%w: %s exists (empty); restore creates its database itself, so that a failed restore can drop it: name a new one, or fill this one with --existing-db", ErrDatabaseExists, name)
		case !r.opts.Force && marked:
			// A crashed or earlier restore's copy: say how to get rid of
			// it, not only to pick another name.
			ids, _, _ := registry.DatabaseMarker(ctx, r.admin, name)
			return fmt.Errorf("%w: %s is an earlier staging copy (its marker names %s): remove it with 'stagecopy purge %s', replace it with --force, or choose a new --db-name", ErrDatabaseExists, name, strings.Join(ids, ", "), strings.Join(ids, " "))
		case !r.opts.Force:
			return fmt.Errorf("%w: %s holds %d tables, views or routines", ErrDatabaseExists, name, objects)
		case !marked:
			return fmt.Errorf("%w: database %s exists, is not empty and has no %s table; --force only replaces an earlier staging copy", ErrNotOurs, name, registry.MarkerTable)
		default:
			// An earlier staging copy, but only one this registry
			// knows: its entry stops claiming the database.
			old, err := r.earlierCopy(ctx, "database "+name, func() (string, error) {
				ids, _, err := registry.DatabaseMarker(ctx, r.admin, name)
				if err != nil {
					return "", err
				}
				if len(ids) != 1 {
					return "", fmt.Errorf("its %s table holds %d rows, not one", registry.MarkerTable, len(ids))
				}
				return ids[0], nil
			}, func(e registry.Entry) bool { return e.Database == name })
			if err != nil {
				return err
			}
			// The earlier copy's entry gives the database up first: a
			// crash after the drop must not leave it claiming what is
			// now this copy's.
			if err := r.takeOver(ctx, old, name, ""); err != nil {
				return err
			}
			if err := registry.DropDatabase(ctx, r.admin, name); err != nil {
				return fmt.Errorf("restore: drop earlier staging copy %s: %w", name, err)
			}
			n = 0
		}
	}
	if n == 0 && r.opts.ExistingDatabase {
		return fmt.Errorf("%w: %s does not exist; --existing-db fills a database that exists and is empty", ErrBadDatabaseName, name)
	}
	if n == 0 {
		// The comment names this copy from the start (MariaDB 10.5 and
		// later); a server without database comments gets none, and a
		// restore killed before the marker table leaves a database only
		// its name ties to the registry.
		create := "CREATE DATABASE " + qn + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
		_, err := r.admin.ExecContext(ctx, create+" COMMENT '"+registry.DatabaseComment(*r.entry)+"'")
		if me := (*mysql.MySQLError)(nil); errors.As(err, &me) && me.Number == 1064 {
			_, err = r.admin.ExecContext(ctx, create)
		}
		if err != nil {
			return dbdump.Classify(err, "restore: create database "+name, "restore needs CREATE and DROP on the staging databases: GRANT ALL ON `staging\\_%`.* TO the account, or name a database it may create with --db-name")
		}
		r.createdDB = true
		killpoint.Reached("after-create-database")
	}
	if r.entry.SnapshotID != h.SnapshotID {
		return fmt.Errorf("restore: registry entry names snapshot %s, the archive %s", r.entry.SnapshotID, h.SnapshotID)
	}
	return registry.WriteDatabaseMarker(ctx, r.admin, name, *r.entry)
}

// takeOver records in the registry entry of the earlier copy old that
// this restore takes its database or its files directory (Entry.Replace),
// before anything of it is touched.
func (r *restorer) takeOver(ctx context.Context, old, database, filesDir string) error {
	if err := r.opts.Registry.Update(ctx, old, func(e *registry.Entry) error {
		e.Replace(database, filesDir, r.entry.ID, time.Now().UTC().Truncate(time.Second))
		return nil
	}); err != nil {
		return fmt.Errorf("restore: record the replacement of staging copy %s: %w", old, err)
	}
	if !slices.Contains(r.replaced, old) {
		r.replaced = append(r.replaced, old)
	}
	killpoint.Reached("after-take-over")
	return nil
}

// earlierCopy checks that what --force is about to replace (what) is an
// earlier staging copy of this registry: its marker (read by marker) names
// a registry entry for which owns is true. It returns that entry's id.
func (r *restorer) earlierCopy(ctx context.Context, what string, marker func() (string, error), owns func(registry.Entry) bool) (string, error) {
	id, err := marker()
	if err != nil {
		return "", fmt.Errorf("%w: %s: cannot read its staging marker: %v", ErrNotOurs, what, err)
	}
	if !registry.ValidID(id) {
		return "", fmt.Errorf("%w: %s is marked as staging copy %q, which is not a staging copy ID; --force only replaces copies this registry knows", ErrNotOurs, what, id)
	}
	if r.held[id] == nil {
		// Not while another process restores or purges it. The lock
		// comes before the checks, and the marker is read again under
		// it: a purge may have ended, and another restore begun, while
		// the lock was free.
		release, err := r.opts.Registry.Hold(id)
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		if r.held == nil {
			r.held = map[string]func(){}
		}
		r.held[id] = release
		if again, err := marker(); err != nil || again != id {
			return "", fmt.Errorf("%w: %s changed while restore looked at it (its marker named %q, now %q, %v); try again", ErrNotOurs, what, id, again, err)
		}
	}
	e, err := r.opts.Registry.Get(ctx, id)
	// A part that an earlier restore --force took over, killed before it
	// marked the part as its own: the registry says which copy it went to.
	for hops := 0; err == nil && e.ID == id && !owns(e) && hops < 8; hops++ {
		to := ""
		for _, p := range e.Replaced {
			if owns(registry.Entry{Database: p.Database, FilesDir: p.FilesDir}) {
				to = p.By
			}
		}
		if to == "" || to == r.entry.ID {
			break
		}
		if r.held[to] == nil {
			release, herr := r.opts.Registry.Hold(to)
			if herr != nil {
				return "", fmt.Errorf("%s: %w", what, herr)
			}
			r.held[to] = release
		}
		id = to
		e, err = r.opts.Registry.Get(ctx, id)
	}
	if err != nil || e.ID != id || !owns(e) {
		return "", fmt.Errorf("%w: %s is marked as staging copy %q, which this registry (%s) does not list with it; --force only replaces copies it knows", ErrNotOurs, what, id, r.opts.Registry.Dir())
	}
	return id, nil
}

// releaseHeld releases the locks of the earlier copies --force replaced.
func (r *restorer) releaseHeld() {
	for _, release := range r.held {
		release()
	}
}

// databaseObjects counts the tables, views, routines and events of a
// database and says whether it has the marker table.
func databaseObjects(ctx context.Context, db *sql.DB, name string) (int, bool, error) {
	var tables, routines, events, marker int
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?),
		(SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?),
		(SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?),
		(SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?)`,
		name, name, name, name, registry.MarkerTable).Scan(&tables, &routines, &events, &marker)
	if err != nil {
		return 0, false, fmt.Errorf("restore: inspect database %s: %w", name, err)
	}
	return tables + routines + events, marker > 0, nil
}

// createdObject is a table, view, routine or sequence an entry creates.
type createdObject struct{ kind, name string }

// noteCreated records what a schema or objects entry creates, before it
// runs, so that the undo of an adopted database can drop exactly that.
func (r *restorer) noteCreated(text []byte) {
	if !r.adoptedDB {
		return
	}
	sc := sqldump.NewScanner(bytes.NewReader(text))
	for {
		st, err := sc.Next()
		if err != nil {
			return
		}
		switch st.Kind {
		case sqldump.KindCreateTable:
			r.created = append(r.created, createdObject{"TABLE", st.Table})
		case sqldump.KindCreateView:
			r.created = append(r.created, createdObject{"VIEW", st.Table})
		case sqldump.KindTrigger:
			if name := objectName(st.Text, "TRIGGER"); name != "" {
				r.created = append(r.created, createdObject{"TRIGGER", name})
			}
		case sqldump.KindRoutine:
			for _, kind := range []string{"PROCEDURE", "FUNCTION"} {
				if name := objectName(st.Text, kind); name != "" {
					r.created = append(r.created, createdObject{kind, name})
				}
			}
		case sqldump.KindEvent:
			if name := objectName(st.Text, "EVENT"); name != "" {
				r.created = append(r.created, createdObject{"EVENT", name})
			}
		case sqldump.KindOther:
			if name := objectName(st.Text, "SEQUENCE"); name != "" {
				r.created = append(r.created, createdObject{"SEQUENCE", name})
			}
		}
	}
}

// reObjectName finds the name after a CREATE statement's object keyword.
var reObjectName = func() map[string]*regexp.Regexp {
	m := map[string]*regexp.Regexp{}
	for _, kind := range []string{"TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "SEQUENCE"} {
		m[kind] = regexp.MustCompile("(?is)\\b" + kind + "\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)\\.)?(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)")
	}
	return m
}()

// objectName returns the name that follows kind (TRIGGER, PROCEDURE, ...)
// in a CREATE statement, without its quotes and database, or "".
func objectName(text []byte, kind string) string {
	m := reObjectName[kind].FindSubmatch(text)
	if m == nil {
		return ""
	}
	return sqldump.UnquoteIdent(string(m[1]))
}
