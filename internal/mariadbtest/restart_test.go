package mariadbtest

import (
	"database/sql"
	"testing"
)

// TestStopRestart: a stopped server refuses connections and keeps its
// data; restarted, it has the data again on the same socket.
func TestStopRestart(t *testing.T) {
	s := StartServer(t)
	s.Exec(t, "", "CREATE DATABASE kept; CREATE TABLE kept.t (x INT); INSERT INTO kept.t VALUES (7)")
	s.Stop(t)
	db, err := sql.Open("mysql", s.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err == nil {
		t.Fatal("a stopped server accepted a connection")
	}
	s.Restart(t)
	if got := s.Query(t, "kept", "SELECT x FROM t"); got != "7" {
		t.Fatalf("after restart: %q", got)
	}
}
