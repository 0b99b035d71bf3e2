package main

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
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
