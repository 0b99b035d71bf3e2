package registry

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func testEntry(id string, created time.Time) Entry {
	return Entry{
		ID:             id,
		SnapshotID:     "0123456789abcdef0123456789abcdef",
		Archive:        "/srv/archives/shop.tar.zst",
		ArchiveSHA256:  strings.Repeat("a", 64),
		ManifestSHA256: strings.Repeat("b", 64),
		Server:         "mariadb 11.4 on /run/mysqld/mysqld.sock",
		Conn:           Conn{Socket: "/run/mysqld/mysqld.sock", User: "support"},
		Database:       "staging_" + strings.TrimPrefix(id, "stg-"),
		Created:        created,
		Status:         StatusActive,
	}
}

func mustID(t *testing.T) string {
	t.Helper()
	id, err := NewID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func openTest(t *testing.T) *Registry {
	t.Helper()
	r, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := mustID(t)
		if !ValidID(id) || len(id) != 16 || strings.ToLower(id) != id {
			t.Fatalf("bad id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "stg-", "stg-0123456789a", "stg-0123456789abc", "stg-0123456789AB", "xyz-0123456789ab", "stg-0123456789ag"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func TestAddListGetRemove(t *testing.T) {
	ctx := context.Background()
	r := openTest(t)
	if es, err := r.List(ctx); err != nil || len(es) != 0 {
		t.Fatalf("empty registry: %v %v", es, err)
	}
	// Added out of order: List sorts by Created.
	a := testEntry("stg-aaaa00000001", t0.Add(2*time.Hour))
	b := testEntry("stg-aaaa00000002", t0)
	c := testEntry("stg-bbbb00000003", t0.Add(time.Hour))
	c.Admin = &Admin{Name: "stagecopy-support", Email: "support@example.com", UserID: 7, Expires: t0.Add(72 * time.Hour)}
	c.Expires = t0.Add(72 * time.Hour)
	c.Notes = []string{"mail off"}
	for _, e := range []Entry{a, b, c} {
		if err := r.Add(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Add(ctx, a); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("duplicate add: %v", err)
	}
	es, err := r.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	if got, want := strings.Join(ids, " "), "stg-aaaa00000002 stg-bbbb00000003 stg-aaaa00000001"; got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
	// A fresh Registry on the same dir sees everything, field for field.
	r2, err := Open(r.Dir())
	if err != nil {
		t.Fatal(err)
	}
	got, err := r2.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	cj, _ := json.Marshal(c)
	if string(gj) != string(cj) {
		t.Fatalf("round trip:\n got %s\nwant %s", gj, cj)
	}

	for q, want := range map[string]string{
		"stg-aaaa00000001": a.ID, // exact
		"stg-b":            c.ID, // unique prefix
		"bbbb":             c.ID, // without "stg-"
		"aaaa00000002":     b.ID,
	} {
		e, err := r.Get(ctx, q)
		if err != nil || e.ID != want {
			t.Errorf("Get(%q) = %s, %v; want %s", q, e.ID, err, want)
		}
	}
	_, err = r.Get(ctx, "stg-aaaa")
	if !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), a.ID) || !strings.Contains(err.Error(), b.ID) {
		t.Errorf("ambiguous prefix: %v", err)
	}
	if _, err := r.Get(ctx, "stg-c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no match: %v", err)
	}
	if _, err := r.Get(ctx, ""); err == nil {
		t.Error("empty query accepted")
	}

	if err := r.Remove(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
	if _, err := r.Get(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removed entry still there: %v", err)
	}
	if es, _ := r.List(ctx); len(es) != 2 {
		t.Fatalf("after remove: %d entries", len(es))
	}
}

func TestFileFormat(t *testing.T) {
	ctx := context.Background()
	r := openTest(t)
	e := testEntry(mustID(t), t0)
	if err := r.Add(ctx, e); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(r.Dir(), "registry.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if string(f["format"]) != `"stagecopy-registry"` || string(f["format_version"]) != "3" {
		t.Errorf("header: %s", data)
	}
	s := string(data)
	for _, absent := range []string{`"expires"`, `"support_admin"`, `"files_dir"`, "password"} {
		if strings.Contains(s, absent) {
			t.Errorf("file holds %s:\n%s", absent, s)
		}
	}
	if !strings.Contains(s, `"status": "active"`) || !strings.HasSuffix(s, "}\n") {
		t.Errorf("file:\n%s", s)
	}
}

func TestAddRefusesBadEntries(t *testing.T) {
	ctx := context.Background()
	r := openTest(t)
	for name, fix := range map[string]func(*Entry){
		"id":       func(e *Entry) { e.ID = "stg-XYZ" },
		"status":   func(e *Entry) { e.Status = "done" },
		"created":  func(e *Entry) { e.Created = time.Time{} },
		"archive":  func(e *Entry) { e.Archive = "shop.tar.zst" },
		"filesdir": func(e *Entry) { e.FilesDir = "site" },
		// A copy outliving its archive's expiry, without the flag that
		// says it was asked for.
		"outlives": func(e *Entry) { e.ArchiveExpires, e.Expires = t0.Add(time.Hour), t0.Add(2*time.Hour) },
		"never":    func(e *Entry) { e.ArchiveExpires, e.Expires = t0.Add(time.Hour), time.Time{} },
	} {
		e := testEntry(mustID(t), t0)
		fix(&e)
		if err := r.Add(ctx, e); err == nil {
			t.Errorf("%s: accepted %+v", name, e)
		}
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), "registry.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refused adds wrote the registry: %v", err)
	}
	// With the flag, or within the archive's expiry, it is accepted.
	for _, fix := range []func(*Entry){
		func(e *Entry) {
			e.ArchiveExpires, e.Expires, e.OutlivesArchive = t0.Add(time.Hour), t0.Add(2*time.Hour), true
		},
		func(e *Entry) { e.ArchiveExpires, e.Expires = t0.Add(time.Hour), t0.Add(time.Hour) },
	} {
		e := testEntry(mustID(t), t0)
		fix(&e)
		if err := r.Add(ctx, e); err != nil {
			t.Errorf("refused %+v: %v", e, err)
		}
	}
}

func TestPermissions(t *testing.T) {
	old := syscall.Umask(0) // the modes must not depend on a permissive umask
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "state", "stagecopy")
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Add(context.Background(), testEntry(mustID(t), t0)); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]fs.FileMode{"": 0o700 | fs.ModeDir, "registry.json": 0o600, "registry.lock": 0o600} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != want {
			t.Errorf("%s: mode %v, want %v", name, st.Mode(), want)
		}
	}
	// Nothing but the registry and its lock: no temporary files left.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("registry dir holds %v", ents)
	}
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	r := openTest(t)
	e := testEntry(mustID(t), t0)
	e.Status = StatusRestoring
	e.Admin = &Admin{Name: "support", UserID: 3}
	if err := r.Add(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := r.Update(ctx, e.ID, func(x *Entry) error {
		x.Status = StatusActive
		x.URL = "https://staging.example.test"
		x.Notes = append(x.Notes, "restored")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, _ := r.Get(ctx, e.ID)
	if got.Status != StatusActive || got.URL != "https://staging.example.test" || len(got.Notes) != 1 {
		t.Fatalf("after update: %+v", got)
	}

	// A failing fn writes nothing: same bytes, same file (no rewrite).
	p := filepath.Join(r.Dir(), "registry.json")
	before, _ := os.ReadFile(p)
	st1, _ := os.Stat(p)
	boom := errors.New("boom")
	err := r.Update(ctx, e.ID, func(x *Entry) error {
		x.Status = StatusPurging
		x.Notes = append(x.Notes, "half done")
		x.Admin.UserID = 99
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failing fn: %v", err)
	}
	after, _ := os.ReadFile(p)
	st2, _ := os.Stat(p)
	if string(before) != string(after) || !os.SameFile(st1, st2) {
		t.Fatal("failing fn changed the registry file")
	}
	got, _ = r.Get(ctx, e.ID)
	if got.Status != StatusActive || len(got.Notes) != 1 || got.Admin.UserID != 3 {
		t.Fatalf("failing fn's changes visible: %+v", got)
	}

	// Changes that would break the entry are refused, also without a write.
	for name, fn := range map[string]func(*Entry) error{
		"id":     func(x *Entry) error { x.ID = "stg-000000000000"; return nil },
		"status": func(x *Entry) error { x.Status = ""; return nil },
	} {
		if err := r.Update(ctx, e.ID, fn); err == nil {
			t.Errorf("update changing %s accepted", name)
		}
	}
	if after2, _ := os.ReadFile(p); string(after2) != string(before) {
		t.Fatal("refused update changed the file")
	}
	if err := r.Update(ctx, "stg-ffffffffffff", func(*Entry) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update of missing entry: %v", err)
	}
}

func TestCorruptRegistry(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		content string
		is      error
		want    string
	}{
		"syntax": {
			content: "{\"format\":\"stagecopy-registry\",\"format_version\":1,\n\"entries\":[\n  {\"id\": \"stg-000000000001\",, }\n]}\n",
			is:      ErrCorrupt, want: "registry.json:3:29 (byte offset 91): invalid character ','",
		},
		"truncated": {
			content: "{\"format\":\"stagecopy-registry\",\"format_version\":1,\"entries\":[",
			is:      ErrCorrupt, want: "registry.json:1:62 (byte offset 61)",
		},
		"type": {
			content: `{"format":"stagecopy-registry","format_version":"1","entries":[]}`,
			is:      ErrCorrupt, want: "registry.json:1:51 (byte offset 50)",
		},
		"unknown field": {
			content: `{"format":"stagecopy-registry","format_version":1,"entries":[{"id":"stg-000000000001","password":"x"}]}`,
			is:      ErrCorrupt, want: `unknown field "password"`,
		},
		"not a registry": {content: `{"format":"stagecopy-manifest","format_version":1,"entries":[]}`, is: ErrCorrupt, want: `format "stagecopy-manifest"`},
		"duplicate id": {
			content: `{"format":"stagecopy-registry","format_version":1,"entries":[{"id":"stg-000000000001"},{"id":"stg-000000000001"}]}`,
			is:      ErrCorrupt, want: "duplicate id",
		},
		"trailing": {content: `{"format":"stagecopy-registry","format_version":1,"entries":[]} {}`, is: ErrCorrupt, want: "after the registry object"},
		"empty":    {content: "", is: ErrCorrupt, want: "registry.json:1:1 (byte offset 0)"},
		"newer":    {content: `{"format":"stagecopy-registry","format_version":4,"entries":[]}`, is: ErrVersion, want: "upgrade stagecopy"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			// Opened while still good, so the write path meets the damage too.
			r, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "registry.json")
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = Open(dir)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: %v\nwant %v and %q", err, tc.is, tc.want)
			}
			if tc.is == ErrCorrupt && !strings.Contains(err.Error(), "move it aside") {
				t.Errorf("no advice in %v", err)
			}
			if _, err := r.List(ctx); !errors.Is(err, tc.is) {
				t.Errorf("list: %v", err)
			}
			if err := r.Add(ctx, testEntry(mustID(t), t0)); !errors.Is(err, tc.is) {
				t.Errorf("add: %v", err)
			}
			if err := r.Remove(ctx, "stg-000000000001"); !errors.Is(err, tc.is) {
				t.Errorf("remove: %v", err)
			}
			if b, _ := os.ReadFile(p); string(b) != tc.content {
				t.Fatalf("damaged registry was overwritten: %q", b)
			}
		})
	}
}

func TestExpired(t *testing.T) {
	e := testEntry("stg-000000000001", t0)
	if e.Expired(t0.Add(1000 * time.Hour)) {
		t.Error("no expiry time, yet expired")
	}
	e.Expires = t0.Add(time.Hour)
	if e.Expired(t0) || e.Expired(t0.Add(time.Hour-time.Nanosecond)) {
		t.Error("expired early")
	}
	if !e.Expired(t0.Add(time.Hour)) || !e.Expired(t0.Add(2*time.Hour)) {
		t.Error("not expired at or after Expires")
	}
}

func TestDefaultDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("STAGECOPY_STATE_DIR", "")
	t.Setenv("XDG_STATE_HOME", "")
	check := func(want string) {
		t.Helper()
		got, err := DefaultDir()
		if err != nil || got != want {
			t.Errorf("DefaultDir() = %q, %v; want %q", got, err, want)
		}
	}
	check(filepath.Join(home, ".local/state/stagecopy"))
	t.Setenv("XDG_STATE_HOME", "relative/ignored")
	check(filepath.Join(home, ".local/state/stagecopy"))
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	check("/xdg/state/stagecopy")
	t.Setenv("STAGECOPY_STATE_DIR", "/var/lib/stagecopy")
	check("/var/lib/stagecopy")
}

// TestConcurrentGoroutines: 20 goroutines adding and updating at once lose
// nothing (each Registry call opens the lock file itself, so goroutines
// exclude each other through flock like processes do).
func TestConcurrentGoroutines(t *testing.T) {
	ctx := context.Background()
	r := openTest(t)
	const workers, each = 20, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("stg-%06x%06x", w, i)
				if err := r.Add(ctx, testEntry(id, t0.Add(time.Duration(w*each+i)*time.Second))); err != nil {
					errs <- err
					continue
				}
				errs <- r.Update(ctx, id, func(e *Entry) error { e.Notes = append(e.Notes, "updated"); return nil })
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	es, err := r.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != workers*each {
		t.Fatalf("%d entries, want %d", len(es), workers*each)
	}
	for _, e := range es {
		if len(e.Notes) != 1 {
			t.Fatalf("%s lost its update: %+v", e.ID, e)
		}
	}
}

// helperEnv makes the test binary act as another stagecopy process (see
// TestHelperProcess) instead of running tests.
const helperEnv = "STAGING_REGISTRY_HELPER"

func helperCmd(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join(args, "|"))
	cmd.Stderr = os.Stderr
	return cmd
}

// TestHelperProcess is not a test: run by helperCmd, it either adds
// entries ("add DIR TAG N") or holds the exclusive lock until its standard
// input closes ("hold DIR").
func TestHelperProcess(t *testing.T) {
	v := os.Getenv(helperEnv)
	if v == "" {
		t.Skip("helper process for other tests")
	}
	args := strings.Split(v, "|")
	r, err := Open(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	switch args[0] {
	case "add":
		tag, _ := strconv.Atoi(args[2])
		n, _ := strconv.Atoi(args[3])
		for i := range n {
			id := fmt.Sprintf("stg-%06x%06x", 0xa00000+tag, i)
			if err := r.Add(ctx, testEntry(id, t0.Add(time.Duration(i)*time.Second))); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	case "hold":
		unlock, err := r.lock(ctx, true)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("locked")
		bufio.NewReader(os.Stdin).ReadString('\n') // until the test closes stdin
		unlock()
	}
	os.Exit(0)
}

// TestConcurrentProcesses: 4 real processes and this one add entries to one
// registry at the same time; none is lost.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ctx := context.Background()
	r := openTest(t)
	const procs, each = 4, 25
	var cmds []*exec.Cmd
	for p := range procs {
		cmd := helperCmd(t, "add", r.Dir(), strconv.Itoa(p), strconv.Itoa(each))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i := range each {
		if err := r.Add(ctx, testEntry(fmt.Sprintf("stg-%06x%06x", 0xb00000, i), t0)); err != nil {
			t.Error(err)
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	es, err := r.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != (procs+1)*each {
		t.Fatalf("%d entries, want %d: updates were lost", len(es), (procs+1)*each)
	}
}

// TestLockTimeout: while another process holds the lock, changes and reads
// give up after the timeout (or when ctx is done) and name that process.
func TestLockTimeout(t *testing.T) {
	ctx := context.Background()
	r := openTest(t)
	if err := r.Add(ctx, testEntry("stg-000000000001", t0)); err != nil {
		t.Fatal(err)
	}
	holder := helperCmd(t, "hold", r.Dir())
	stdin, _ := holder.StdinPipe()
	stdout, _ := holder.StdoutPipe()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Wait()
	defer stdin.Close()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}

	r.lockTimeout = 300 * time.Millisecond
	start := time.Now()
	err := r.Add(ctx, testEntry("stg-000000000002", t0))
	took := time.Since(start)
	want := fmt.Sprintf("another stagecopy run holds the registry lock (pid %d)", holder.Process.Pid)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), want) {
		t.Fatalf("add while locked: %v\nwant %q", err, want)
	}
	if took < 300*time.Millisecond || took > 5*time.Second {
		t.Errorf("gave up after %v, timeout 300ms", took)
	}
	if _, err := r.List(ctx); !errors.Is(err, ErrLocked) {
		t.Fatalf("list while locked: %v", err)
	}

	// ctx ends the wait before the timeout, and the error says so.
	r.lockTimeout = time.Minute
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = r.Add(cctx, testEntry("stg-000000000002", t0))
	if !errors.Is(err, ErrLocked) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("add with ctx deadline: %v after %v", err, time.Since(start))
	}

	// Released: the waiting change goes through and the pid is gone.
	stdin.Close()
	if err := holder.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(ctx, testEntry("stg-000000000002", t0)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(r.Dir(), "registry.lock")); len(b) != 0 {
		t.Errorf("lock file after release: %q", b)
	}
}

// TestHold: the entry lock excludes a second holder, in this process or in
// another (util-linux flock, the same flock(2) lock), names the holder's
// pid, and is free again when the holder releases it or dies.
func TestHold(t *testing.T) {
	r, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	id, err := NewID()
	if err != nil {
		t.Fatal(err)
	}
	release, err := r.Hold(id)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Hold(id)
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), fmt.Sprintf("(pid %d)", os.Getpid())) {
		t.Fatalf("second Hold: %v", err)
	}
	other, _ := NewID()
	releaseOther, err := r.Hold(other)
	if err != nil {
		t.Fatalf("another copy's lock: %v", err)
	}
	releaseOther()
	release()
	release, err = r.Hold(id)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	release()
	if _, err := r.Hold("../registry"); err == nil {
		t.Fatal("Hold took a lock for a name that is not a staging copy ID")
	}

	flock, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("flock (util-linux) not installed")
	}
	cmd := exec.Command(flock, "--exclusive", filepath.Join(r.Dir(), holdDir, id+".lock"), "sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // flock and its sleep die together
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	deadline := time.Now().Add(10 * time.Second)
	for {
		release, err = r.Hold(id)
		if err != nil {
			break
		}
		release() // flock has not taken it yet
		if time.Now().After(deadline) {
			t.Fatal("flock never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("Hold while another process holds it: %v", err)
	}
	// A holder that dies (a crashed restore) leaves the lock free.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	deadline = time.Now().Add(10 * time.Second)
	for {
		release, err = r.Hold(id)
		if err == nil {
			release()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Hold after the holder died: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReplace: restore --force moves a part of the earlier copy to
// Replaced, which the file keeps (format 2); a file of format 1 is still
// read; a replaced part that names nothing is refused.
func TestReplace(t *testing.T) {
	ctx := context.Background()
	r := openTest(t)
	e := testEntry(mustID(t), t0)
	e.FilesDir = "/srv/site"
	if err := r.Add(ctx, e); err != nil {
		t.Fatal(err)
	}
	by := mustID(t)
	if err := r.Update(ctx, e.ID, func(x *Entry) error {
		x.Replace(x.Database, "", by, t0.Add(time.Hour))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := r.Get(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []Replaced{{Database: e.Database, By: by, At: t0.Add(time.Hour)}}
	if got.Database != "" || got.FilesDir != "/srv/site" || !reflect.DeepEqual(got.Replaced, want) || len(got.Notes) != 1 {
		t.Fatalf("after Replace: %+v", got)
	}
	if err := r.Update(ctx, e.ID, func(x *Entry) error {
		x.Replaced = append(x.Replaced, Replaced{By: by})
		return nil
	}); err == nil {
		t.Fatal("a replaced part naming nothing was accepted")
	}

	old := filepath.Join(t.TempDir(), "registry.json")
	v1 := `{"format":"stagecopy-registry","format_version":1,"entries":[{"id":"stg-000000000001","snapshot_id":"s","archive":"","archive_sha256":"","manifest_sha256":"","server":"","conn":{},"database":"d","created":"2025-03-01T10:00:00Z","status":"active"}]}`
	if err := os.WriteFile(old, []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	r1, err := Open(filepath.Dir(old))
	if err != nil {
		t.Fatalf("format 1: %v", err)
	}
	if es, err := r1.List(ctx); err != nil || len(es) != 1 || es[0].Database != "d" {
		t.Fatalf("format 1: %+v %v", es, err)
	}
}
