package main

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

func TestMain(m *testing.M) { mariadbtest.Main(m) }

// TestLoads generates a small dump and loads it into a real MariaDB.
func TestLoads(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	g := &gen{w: w, r: rand.New(rand.NewPCG(1, 2)), rowsPer: 50}
	g.run(2 << 20)
	w.Flush()
	if buf.Len() < 1<<20 || buf.Len() > 4<<20 {
		t.Fatalf("asked for 2 MiB, got %d bytes", buf.Len())
	}
	p := filepath.Join(t.TempDir(), "d.sql")
	os.WriteFile(p, buf.Bytes(), 0o600)
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, p)
	for _, table := range []string{"wp_users", "wp_usermeta", "wp_posts", "wp_comments"} {
		if n := strings.TrimSpace(srv.Query(t, db, "SELECT COUNT(*) FROM "+table)); n == "0" || n == "" {
			t.Errorf("%s has %q rows", table, n)
		}
	}
}

// TestUsersLoads generates a small dump of the users shape, checks its row
// size, and loads it into a real MariaDB.
func TestUsersLoads(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	g := &gen{w: w, r: rand.New(rand.NewPCG(1, 2)), rowsPer: 700}
	g.users(1 << 20)
	w.Flush()
	if buf.Len() < 900<<10 || buf.Len() > 1200<<10 {
		t.Fatalf("asked for 1 MiB, got %d bytes", buf.Len())
	}
	rows := bytes.Count(buf.Bytes(), []byte("example-customer.net'"))
	if per := buf.Len() / rows; per < 130 || per > 170 {
		t.Errorf("%d bytes per row, want about 150", per)
	}
	p := filepath.Join(t.TempDir(), "d.sql")
	os.WriteFile(p, buf.Bytes(), 0o600)
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, p)
	if n := strings.TrimSpace(srv.Query(t, db, "SELECT COUNT(*) FROM users")); n != strconv.Itoa(rows) {
		t.Errorf("users has %q rows, the dump %d", n, rows)
	}
}
