package main

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// repeatReader yields n copies of pattern.
type repeatReader struct {
	pattern string
	off     int
	n       int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 && r.n > 0 {
		k := copy(p, r.pattern[r.off:])
		p, total, r.off = p[k:], total+k, r.off+k
		if r.off == len(r.pattern) {
			r.off = 0
			r.n--
		}
	}
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}

// bombEntry is a db/ entry of an archive: the SQL of prefix, then n copies
// of fill, then suffix, so that a huge entry costs the test no memory.
type bombEntry struct {
	name           string
	prefix, suffix string
	fill           string
	n              int64
}

func (e bombEntry) reader() io.Reader {
	return io.MultiReader(strings.NewReader(e.prefix), &repeatReader{pattern: e.fill, n: e.n}, strings.NewReader(e.suffix))
}

// writeBomb writes an archive of the entries to path: highly compressible
// entries whose hashes are right, as a hostile archive would have them.
func writeBomb(t *testing.T, path string, entries ...bombEntry) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := archive.NewWriter(f, archive.Header{SnapshotID: "0123456789abcdef0123456789abcdef"}, archive.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		h := sha256.New()
		size, err := io.Copy(h, e.reader())
		if err != nil {
			t.Fatal(err)
		}
		ae := archive.Entry{Name: e.name, Type: archive.TypeFile, Mode: 0o644, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))}
		if err := w.WriteEntry(ae, e.reader()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// maxRSS is the peak RSS the memory tests accept: 256 MB, or four times
// that under the race detector (which took restore from 137 to 437 MB).
func maxRSS() int64 {
	if raceEnabled {
		return 4 * 256 << 20
	}
	return 256 << 20
}

// bombMiB is the size of each huge statement in the memory tests:
// STAGECOPY_BOMB_MIB, 200 by default (the archive had 600).
func bombMiB(t *testing.T) int64 {
	if s := os.Getenv("STAGECOPY_BOMB_MIB"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			t.Fatalf("STAGECOPY_BOMB_MIB=%q", s)
		}
		return n
	}
	return 200
}

// runMeasured runs the real stagecopy with args as a process of its own
// and returns its exit code, stderr, peak RSS in bytes and wall time.
//
// The peak is the child's ru_maxrss, read by a process between this one and
// stagecopy (spawnMeasured): Linux counts in a process's ru_maxrss the peak
// RSS of the process it was forked from, up to its exec, so a child of the
// test process, which has held hundreds of MB, would report those.
func runMeasured(t *testing.T, args ...string) (code int, stderr string, rss int64, took time.Duration) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "rusage")
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STAGECOPY_TEST_RUSAGE="+report)
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	took = time.Since(start)
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no peak RSS reported: %v\n%s", err, errb.String())
	}
	rss, err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if rss < 0 {
		t.Skip("no rusage on this system")
	}
	return cmd.ProcessState.ExitCode(), errb.String(), rss, took
}

// spawnMeasured runs stagecopy with this process's arguments as its child,
// writes the child's peak RSS in bytes (-1 if unknown) to the file report,
// and returns its exit code.
func spawnMeasured(report string) int {
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STAGECOPY_TEST_RUSAGE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "STAGECOPY_TEST_MAIN=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	rss := int64(-1)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024
	}
	if err := os.WriteFile(report, []byte(strconv.FormatInt(rss, 10)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return cmd.ProcessState.ExitCode()
}

// TestRestoreMemoryBomb restores a small archive holding three huge INSERT
// statements, each one row larger than the server's max_allowed_packet
// (issue 14, item 8): restore must refuse the first one before it holds
// it whole, say which entry, where, and which setting to raise, and its
// peak memory must stay bounded.
func TestRestoreMemoryBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("600 MiB of SQL to hash and compress in -short mode")
	}
	srv, db := mariadbtest.DatabaseName(t, "bomb")
	dir := t.TempDir()
	arch := filepath.Join(dir, "bomb.tar.zst")
	n := bombMiB(t) << 8 // 4 KiB fills
	var entries []bombEntry
	entries = append(entries, bombEntry{name: "db/t.schema.sql", prefix: "CREATE TABLE t (id INT PRIMARY KEY, v LONGTEXT);\n"})
	for i := 1; i <= 3; i++ {
		entries = append(entries, bombEntry{name: "db/t.000" + strconv.Itoa(i) + ".sql", prefix: "INSERT INTO t VALUES (" + strconv.Itoa(i) + ",'", fill: strings.Repeat("a", 4<<10), n: n, suffix: "');\n"})
	}
	writeBomb(t, arch, entries...)
	if fi, err := os.Stat(arch); err == nil {
		t.Logf("archive: %d bytes, 3 entries of %d MiB", fi.Size(), n>>8)
	}
	// The test server's max_allowed_packet (64 MiB, MySQL 8's default),
	// then MariaDB's default of 16 MiB.
	for _, packet := range []string{"", "16M"} {
		t.Run("max_allowed_packet="+cmp.Or(packet, "server"), func(t *testing.T) {
			if packet != "" {
				old := srv.Query(t, "", "SELECT @@GLOBAL.max_allowed_packet")
				srv.Exec(t, "", "SET GLOBAL max_allowed_packet = 16 * 1024 * 1024")
				defer srv.Exec(t, "", "SET GLOBAL max_allowed_packet = "+old)
			}
			code, stderr, rss, took := runMeasured(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--cms", "none",
				"--state-dir", filepath.Join(dir, "state"), "-q", arch)
			t.Logf("exit %d in %v, peak RSS %.1f MB\n%s", code, took.Round(time.Millisecond), float64(rss)/1e6, stderr)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			for _, want := range []string{"db/t.0001.sql line 1 (byte 21)", "max_allowed_packet"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not name %s", want)
				}
			}
			if h := hintOf(stderr); !strings.Contains(h, "SET GLOBAL max_allowed_packet") || !strings.Contains(h, "[mysqld]") {
				t.Errorf("hint %q does not say how to raise max_allowed_packet", h)
			}
			if rss > maxRSS() {
				t.Errorf("peak RSS %d MB, want at most %d MB", rss>>20, maxRSS()>>20)
			}
			if took > 20*time.Second {
				t.Errorf("took %v to fail", took)
			}
			if srv.DatabaseExists(t, db) {
				t.Error("database left behind")
			}
		})
	}
}

// TestRestoreMemoryManyRows restores a small archive holding one huge
// INSERT of small rows, larger than the server's max_allowed_packet and
// than restore holds in memory: it loads, every row, in bounded memory
// (the entry is loaded as it is read, the INSERT sent in pieces).
func TestRestoreMemoryManyRows(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MiB of rows to load in -short mode")
	}
	srv, db := mariadbtest.DatabaseName(t, "rows")
	dir := t.TempDir()
	arch := filepath.Join(dir, "rows.tar.zst")
	row := ",('" + strings.Repeat("r", 1000) + "')"
	rows := (bombMiB(t) << 20) / int64(len(row)) / 2
	writeBomb(t, arch,
		bombEntry{name: "db/t.schema.sql", prefix: "CREATE TABLE t (v TEXT);\n"},
		bombEntry{name: "db/t.0001.sql", prefix: "INSERT INTO t VALUES ('first')", fill: row, n: rows, suffix: ";\n"})
	code, stderr, rss, took := runMeasured(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--cms", "none",
		"--state-dir", filepath.Join(dir, "state"), "-q", arch)
	t.Logf("%d rows, %d MiB: exit %d in %v, peak RSS %.1f MB\n%s", rows+1, rows*int64(len(row))>>20, code, took.Round(time.Millisecond), float64(rss)/1e6, stderr)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got, want := srv.Query(t, db, "SELECT COUNT(*) FROM t"), strconv.FormatInt(rows+1, 10); got != want {
		t.Errorf("%s rows, want %s", got, want)
	}
	if rss > maxRSS() {
		t.Errorf("peak RSS %d MB, want at most %d MB", rss>>20, maxRSS()>>20)
	}
}
