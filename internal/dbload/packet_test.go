package dbload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestPacketLimit runs entries against the server with max_allowed_packet
// set to 1 MiB: an INSERT of many rows larger than that loads, cut into pieces; a
// statement or a row that cannot fit is refused with ErrTooLarge, naming the
// entry, line and byte offset, before it is sent; one of exactly the largest
// size the server takes loads.
func TestPacketLimit(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	old := srv.Query(t, "", "SELECT @@GLOBAL.max_allowed_packet")
	srv.Exec(t, "", "SET GLOBAL max_allowed_packet = 1024 * 1024")
	defer srv.Exec(t, "", "SET GLOBAL max_allowed_packet = "+old)
	srv.Exec(t, db, "CREATE TABLE t (id INT PRIMARY KEY, v LONGTEXT)")
	ctx := context.Background()
	l := open(t, srv, db, 2)
	if p := l.MaxAllowedPacket(); p != 1<<20 {
		t.Fatalf("max_allowed_packet %d, want 1 MiB", p)
	}

	// 3000 rows of 1 KiB: 3 MiB in one INSERT.
	var b bytes.Buffer
	b.WriteString("-- data\nINSERT INTO t VALUES ")
	for i := range 3000 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "(%d,'%s')", i, strings.Repeat("v", 1000))
	}
	b.WriteString(";\n")
	l.Go("db/t.0001.sql", b.Bytes(), nil)
	if err := l.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := srv.Query(t, db, "SELECT COUNT(*), SUM(LENGTH(v)) FROM t"); got != "3000\t3000000" {
		t.Fatalf("rows, bytes: %s", got)
	}

	// The largest statement the server takes: max_allowed_packet less the
	// command byte, less the byte of margin the driver keeps.
	prefix := "INSERT INTO t VALUES "
	row := func(id, size int) string {
		head := "(" + strconv.Itoa(id) + ",'"
		return head + strings.Repeat("x", size-len(head)-2) + "')"
	}
	limit := 1<<20 - 2
	if err := l.Exec(ctx, "db/t.0002.sql", []byte(prefix+row(5000, limit-len(prefix))+";\n")); err != nil {
		t.Fatalf("a statement of exactly %d bytes: %v", limit, err)
	}

	for _, c := range []struct {
		name, sql string
		where     string // in the error
	}{
		{"db/t.0003.sql", "SET NAMES utf8mb4;\n" + prefix + row(6000, limit+1-len(prefix)) + ";\n", "db/t.0003.sql line 2 (byte 40): "},
		{"db/t.0004.sql", prefix + "(1,'a'),\n" + row(7000, 3<<20) + ";\n", "db/t.0004.sql line 1 (byte 28)"},
		{"db/t.schema.sql", "-- x\nCREATE TABLE big (a INT) COMMENT '" + strings.Repeat("c", 2<<20) + "';\n", "db/t.schema.sql line 2 (byte 5)"},
		{"db/-objects.sql", "CREATE VIEW v AS SELECT '" + strings.Repeat("c", limit) + "';\n", "db/-objects.sql line 1 (byte 0)"},
	} {
		err := l.Exec(ctx, c.name, []byte(c.sql))
		if !errors.Is(err, dbload.ErrTooLarge) || !strings.Contains(err.Error(), c.where) || !strings.Contains(err.Error(), "max_allowed_packet is 1048576") {
			t.Errorf("%s: got %v, want ErrTooLarge at %q", c.name, err, c.where)
		}
	}
	if got := srv.Query(t, db, "SELECT COUNT(*) FROM t WHERE id >= 5000"); got != "1" {
		t.Errorf("%s rows of the big statements, want the one that fits", got)
	}
}

// TestStream runs a data entry as it is read: committed when verify passes,
// rolled back when it fails, after the entries queued with Go.
func TestStream(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE t (id INT PRIMARY KEY)")
	slowTable(t, srv, db)
	ctx := context.Background()
	l := open(t, srv, db, 2)
	l.Go("db/slow.0001.sql", []byte("INSERT INTO slow VALUES (0.3);"), nil)
	err := l.Stream(ctx, "db/t.0001.sql", strings.NewReader("INSERT INTO t VALUES (1),(2);\nINSERT INTO t VALUES (3);\n"), func() error {
		if n := srv.Query(t, db, "SELECT COUNT(*) FROM slow"); n != "1" {
			t.Errorf("the streamed entry ran before the queued one was done (%s rows)", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bad := errors.New("hash mismatch")
	err = l.Stream(ctx, "db/t.0002.sql", strings.NewReader("INSERT INTO t VALUES (4),(5);\n"), func() error { return bad })
	if !errors.Is(err, bad) {
		t.Fatalf("got %v, want the error of verify", err)
	}
	if got := srv.Query(t, db, "SELECT GROUP_CONCAT(id ORDER BY id) FROM t"); got != "1,2,3" {
		t.Errorf("rows %s, want 1,2,3: the entry that failed its check must leave nothing", got)
	}
}
