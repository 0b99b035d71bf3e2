package purge

import (
	"context"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// TestPurgeRewrittenMarker: someone with access to the server rewrites a
// staging copy's marker table to name another copy (an archive cannot: the
// guard refuses any statement that names it). The database's comment still
// names the copy restore made it for, so the two disagree: purge of the
// copy refuses the database, whichever copy the marker names (one the
// registry does not know, or one it lists with the same database), leaves
// it as it is and says not_erased; it does not take the database for that
// other copy's and call this copy's data absent. With the marker put back,
// purge finishes (docs/receipts.md).
func TestPurgeRewrittenMarker(t *testing.T) {
	srv := mariadbtest.Start(t)
	for _, c := range []struct {
		name string
		// other returns the id to write into the marker.
		other func(t *testing.T, f *purgeFixture) string
	}{
		{"a copy the registry does not know", func(*testing.T, *purgeFixture) string { return "stg-bbbbbbbbbbbb" }},
		{"a copy the registry lists with the database", func(t *testing.T, f *purgeFixture) string {
			id, err := registry.NewID()
			if err != nil {
				t.Fatal(err)
			}
			other := f.entry
			other.ID, other.FilesDir, other.Archive, other.ArchiveSHA256, other.Status = id, "", "", "", registry.StatusRestoring
			if err := f.reg.Add(context.Background(), other); err != nil {
				t.Fatal(err)
			}
			return id
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := mariadbtest.Name(t, "rewritten")
			f := newPurgeFixture(t, srv, db, nil)
			if got := srv.Query(t, "", "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+db+"'"); got != registry.DatabaseComment(f.entry) {
				t.Skipf("the server keeps no database comment (%q): a rewritten marker cannot be told", got)
			}
			other := c.other(t, f)
			users := srv.Query(t, db, "SELECT COUNT(*) FROM wp_users")
			srv.Exec(t, db, "UPDATE "+registry.MarkerTable+" SET staging_id = '"+other+"'")

			res, err := Run(context.Background(), f.entry.ID, f.opts(t))
			if err != nil {
				t.Fatal(err)
			}
			st := f.verify(t, res)
			if res.Status() != receipt.NotErased || res.Closed {
				t.Errorf("status %s, closed %v", res.Status(), res.Closed)
			}
			if !srv.DatabaseExists(t, db) || srv.Query(t, db, "SELECT COUNT(*) FROM wp_users") != users {
				t.Fatal("the database was dropped or changed")
			}
			a := action(t, st, receipt.DropDatabase)
			if a.Result != receipt.Failed || !strings.HasPrefix(a.Error, "refused: ") || !strings.Contains(a.Error, other) || !strings.Contains(a.Error, f.entry.ID) {
				t.Errorf("drop_database: %+v", a)
			}
			for _, ch := range st.Predicate.Checks {
				if ch.Result == receipt.Absent && strings.Contains(ch.Target, db) {
					t.Errorf("check %+v calls the copy's database absent", ch)
				}
			}

			// The marker put back: the copy's purge finishes.
			srv.Exec(t, db, "UPDATE "+registry.MarkerTable+" SET staging_id = '"+f.entry.ID+"'")
			res, err = Run(context.Background(), f.entry.ID, f.opts(t))
			if err != nil {
				t.Fatal(err)
			}
			f.verify(t, res)
			if res.Status() != receipt.Erased || srv.DatabaseExists(t, db) {
				t.Errorf("after the marker was put back: %s, database there: %v", res.Status(), srv.DatabaseExists(t, db))
			}
		})
	}
}
