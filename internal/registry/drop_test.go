package registry

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

func TestMain(m *testing.M) { mariadbtest.Main(m) }

// TestDropDatabaseMarkerLast drops a staging copy with what restores bring
// (tables with foreign keys between them, a view, a sequence, a trigger, a
// routine): when the DROP DATABASE is reached, every table but the marker
// is gone, so a drop stopped there (its client killed) leaves a database
// whose marker still names the copy; then nothing is left, and the
// connection pool's next statement runs with foreign key checks on.
func TestDropDatabaseMarkerLast(t *testing.T) {
	srv, name := mariadbtest.NewDatabase(t)
	srv.Exec(t, name, `CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB;
		CREATE TABLE child (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES parent (id)) ENGINE=InnoDB;
		CREATE TABLE zz (a INT);
		INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1);
		CREATE VIEW v AS SELECT c.id FROM child c JOIN parent p ON p.id = c.p;
		CREATE SEQUENCE s;
		CREATE TRIGGER tr BEFORE INSERT ON zz FOR EACH ROW SET NEW.a = 1;
		CREATE PROCEDURE pr() SELECT 1;`)
	conn, err := mysql.NewConnector(srv.Config(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	db.SetMaxIdleConns(4)
	e := Entry{ID: "stg-0123456789ab", SnapshotID: "0123456789abcdef0123456789abcdef", Created: time.Now()}
	if err := WriteDatabaseMarker(context.Background(), db, name, e); err != nil {
		t.Fatal(err)
	}
	reached := false
	old := beforeDropDatabase
	beforeDropDatabase = func() {
		reached = true
		if got := srv.Query(t, "", "SELECT GROUP_CONCAT(TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"+name+"'"); got != MarkerTable {
			t.Errorf("before DROP DATABASE the database holds %q, want the marker table alone", got)
		}
		if ids, present, err := DatabaseMarker(context.Background(), db, name); err != nil || !present || len(ids) != 1 || ids[0] != e.ID {
			t.Errorf("before DROP DATABASE the marker says %v %v %v", ids, present, err)
		}
	}
	defer func() { beforeDropDatabase = old }()
	if err := DropDatabase(context.Background(), db, name); err != nil {
		t.Fatal(err)
	}
	if !reached {
		t.Error("DROP DATABASE came without the tables going first")
	}
	if srv.DatabaseExists(t, name) {
		t.Fatal("the database is still there")
	}
	for range 4 {
		var on int
		if err := db.QueryRow("SELECT @@SESSION.foreign_key_checks").Scan(&on); err != nil || on != 1 {
			t.Fatalf("a pooled connection has foreign_key_checks %d (%v)", on, err)
		}
	}
}
