package main

// The crash suite (issue 14, "the class, not the instance"): snapshot,
// restore and purge run as processes of their own (this test binary,
// re-executed as stagecopy) and die by SIGKILL, at the kill points of
// internal/killpoint and at random times. After every kill the suite checks
// what docs/reliability.md promises:
//
//   - nothing under an output name is incomplete: an archive there
//     verifies (against its sidecar when there is one), and a sidecar never
//     stands without its archive;
//   - list tells the truth: a database or files directory exists only for
//     a registry entry, and an active entry's parts are whole and marked;
//   - running the command again, or purge, ends clean: the archive and its
//     sidecar in place, or every staging copy purged with a receipt that
//     verifies against the owner's manifest and the receipt log, and no
//     temporary file, tombstone or journal left;
//   - nothing else was touched: another database on the same server, the
//     source database, a file beside the output, another archive, and the
//     site that was copied stay byte for byte the same.
//
// STAGECOPY_CRASH_KILLS=N sets the kills per command (default 50; restore's
// are two thirds plain restores, a third restore --force over an earlier
// copy); STAGECOPY_CRASH_SEED=S repeats a run's choices (the seed is
// logged). The in-process runs (runCLI) share urfave/cli's globals, so the
// three tests do not run in parallel.

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// Environment variables of the crash suite.
const (
	crashKillsEnv = "STAGECOPY_CRASH_KILLS"
	crashSeedEnv  = "STAGECOPY_CRASH_SEED"
)

// kill is where to kill a command: the visit-th time it reaches point, or,
// when point is "", after a time.
type kill struct {
	point string
	visit int
	after time.Duration
}

func (k kill) String() string {
	if k.point == "" {
		return "at " + k.after.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("at %s:%d", k.point, k.visit)
}

// crashSuite is what the tests of one command share.
type crashSuite struct {
	t     *testing.T
	srv   *mariadbtest.Server
	db    *sql.DB // root, for the checks
	dir   string
	state string // the registry (--state-dir)
	key   string // the receipt signing key
	rng   *rand.Rand
	want  int // kills per command

	// What no command may touch.
	bystanderDB   string
	bystanderSums map[string]string
	bystanderFile string
	bystanderData []byte
	siteSum       string // of the site snapshot copies

	// Counts for the log line at the end.
	aimed, random, finished int
	logged                  map[string]bool // receipts found in the log
}

func newCrashSuite(t *testing.T) *crashSuite {
	t.Helper()
	if testing.Short() {
		t.Skip("the crash suite kills a few hundred processes; not in -short mode")
	}
	srv := mariadbtest.Start(t)
	db, err := sql.Open("mysql", srv.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	want := 50
	if v := os.Getenv(crashKillsEnv); v != "" {
		if want, err = strconv.Atoi(v); err != nil || want < 1 {
			t.Fatalf("%s=%q: want a number of kills", crashKillsEnv, v)
		}
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(crashSeedEnv); v != "" {
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("%s=%q: want a number", crashSeedEnv, v)
		}
	}
	t.Logf("%s=%d", crashSeedEnv, seed)
	s := &crashSuite{t: t, srv: srv, db: db, dir: t.TempDir(), rng: rand.New(rand.NewPCG(seed, 14)), want: want, logged: map[string]bool{}}
	s.state = filepath.Join(s.dir, "state")
	s.key = filepath.Join(s.dir, "receipt.key")
	if _, err := receipt.GenerateKey(s.key, "crash@test"); err != nil {
		t.Fatal(err)
	}
	// Another database on the same server, and a file beside the outputs.
	_, s.bystanderDB = mariadbtest.NewDatabase(t)
	srv.LoadFile(t, s.bystanderDB, filepath.Join(demoDir, "demo.sql"))
	s.bystanderSums = s.checksums(s.bystanderDB)
	s.bystanderFile = filepath.Join(s.dir, "keep.txt")
	s.bystanderData = []byte("not stagecopy's\n")
	if err := os.WriteFile(s.bystanderFile, s.bystanderData, 0o644); err != nil {
		t.Fatal(err)
	}
	s.siteSum = treeSum(t, filepath.Join(demoDir, "site"))
	return s
}

// checksums returns CHECKSUM TABLE of every table of database name.
func (s *crashSuite) checksums(name string) map[string]string {
	s.t.Helper()
	rows, err := s.db.Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", name)
	if err != nil {
		s.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	sums := map[string]string{}
	for _, tb := range tables {
		var name2 string
		var sum sql.NullString
		if err := s.db.QueryRow("CHECKSUM TABLE `"+name+"`.`"+tb+"` EXTENDED").Scan(&name2, &sum); err != nil {
			s.t.Fatal(err)
		}
		sums[tb] = sum.String
	}
	return sums
}

// untouched fails the test when anything outside what the commands make
// has changed.
func (s *crashSuite) untouched(when string) {
	s.t.Helper()
	if got := s.checksums(s.bystanderDB); !maps.Equal(got, s.bystanderSums) {
		s.t.Fatalf("%s: database %s changed: %v, was %v", when, s.bystanderDB, got, s.bystanderSums)
	}
	if got, err := os.ReadFile(s.bystanderFile); err != nil || !bytes.Equal(got, s.bystanderData) {
		s.t.Fatalf("%s: %s changed: %q %v", when, s.bystanderFile, got, err)
	}
}

// treeSum hashes a directory tree: names, modes, contents, link targets.
func treeSum(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", p, fi.Mode())
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			fmt.Fprintf(h, "-> %s\n", l)
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// plan traces one run of args that is not killed (which run makes
// possible and undo cleans up after), and returns the kills for the
// command: every point the run reached, at its first, second, last but one
// and last visit and at a quarter, half and three quarters of its visits,
// up to two thirds of want (a random choice when there are more), then
// random times within the run's duration for the rest.
func (s *crashSuite) plan(want int, args []string, undo func()) []kill {
	s.t.Helper()
	trace := filepath.Join(s.dir, "trace")
	os.Remove(trace)
	start := time.Now()
	if out, err := runProcess(s.t, []string{killpoint.TraceEnv + "=" + trace}, 0, args...); err != nil {
		s.t.Fatalf("the traced run of %v: %v\n%s", args, err, out)
	}
	took := time.Since(start)
	data, err := os.ReadFile(trace)
	if err != nil {
		s.t.Fatal(err)
	}
	undo()
	visits := map[string]int{}
	var order []string
	for _, p := range strings.Fields(string(data)) {
		if visits[p] == 0 {
			order = append(order, p)
		}
		visits[p]++
	}
	var aimed []kill
	for _, p := range order {
		n := visits[p]
		for _, v := range slices.Compact([]int{1, min(2, n), max(1, n/4), (n + 1) / 2, max(1, n*3/4), max(1, n-1), n}) {
			if !slices.ContainsFunc(aimed, func(k kill) bool { return k.point == p && k.visit == v }) {
				aimed = append(aimed, kill{point: p, visit: v})
			}
		}
	}
	if limit := want * 2 / 3; len(aimed) > limit {
		s.rng.Shuffle(len(aimed), func(i, j int) { aimed[i], aimed[j] = aimed[j], aimed[i] })
		aimed = aimed[:limit]
	}
	s.t.Logf("%s: %d kill points reached %d times in %v; %d aimed kills", args[0], len(order), len(strings.Fields(string(data))), took.Round(time.Millisecond), len(aimed))
	kills := aimed
	// Random times: as many as it takes to reach want kills (a time past
	// the end of the run kills nothing); run gives up after 4 × want.
	for range 4 * want {
		kills = append(kills, kill{after: time.Duration(s.rng.Int64N(int64(took)) + 1)})
	}
	return kills
}

// run kills the command of args as k says, and reports whether it died.
func (s *crashSuite) run(k kill, args []string) bool {
	s.t.Helper()
	var env []string
	if k.point != "" {
		env = []string{killpoint.Env + "=" + k.point + ":" + strconv.Itoa(k.visit)}
	}
	out, err := runProcess(s.t, env, k.after, args...)
	killed := killedBySIGKILL(err)
	switch {
	case killed && k.point != "":
		s.aimed++
	case killed:
		s.random++
	default:
		s.finished++
		if err != nil && !strings.Contains(out, "exists") {
			s.t.Logf("%v %v ended by itself: %v\n%s", args[0], k, err, out)
		}
	}
	return killed
}

// kills runs iteration(i, k) for the kills of plan until want of them have
// killed the command, and logs the counts.
func (s *crashSuite) kills(name string, want int, kills []kill, iteration func(i int, k kill) bool) {
	s.t.Helper()
	start := time.Now()
	s.aimed, s.random, s.finished = 0, 0, 0
	n := 0
	for i, k := range kills {
		if n == want {
			break
		}
		if iteration(i, k) {
			n++
		}
	}
	if n < want {
		s.t.Fatalf("%s: only %d of %d runs could be killed", name, n, want)
	}
	s.t.Logf("%s: %d kills (%d at kill points, %d at random times; %d runs finished first) in %v",
		name, n, s.aimed, s.random, s.finished, time.Since(start).Round(time.Millisecond))
}

// noTemps fails the test when a temporary file, a tombstone or a journal
// is left in dir (recursively).
func (s *crashSuite) noTemps(when, dir string) {
	s.t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if strings.Contains(name, ".tmp") || strings.Contains(name, ".stagecopy-purging-") || strings.Contains(name, ".stagecopy-restoring-") || strings.Contains(name, ".stagecopy-destroying") ||
			filepath.Base(filepath.Dir(p)) == "purge" && strings.HasSuffix(name, ".json") {
			s.t.Fatalf("%s: %s is left behind", when, p)
		}
		return nil
	})
}

// entries returns the registry entries, as list --json prints them.
func (s *crashSuite) entries() []registry.Entry {
	s.t.Helper()
	code, out, stderr := runCLI(s.t, "list", "--json", "--state-dir", s.state)
	if code != 0 {
		s.t.Fatalf("list: %d %s", code, stderr)
	}
	var es []registry.Entry
	if err := json.Unmarshal([]byte(out), &es); err != nil {
		s.t.Fatalf("list --json: %v\n%s", err, out)
	}
	return es
}

func (s *crashSuite) databaseExists(name string) bool {
	s.t.Helper()
	var n int
	if err := s.db.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n > 0
}

// marker returns the staging ids of database name's marker table.
func (s *crashSuite) marker(name string) []string {
	s.t.Helper()
	rows, err := s.db.Query("SELECT staging_id FROM `" + name + "`." + registry.MarkerTable)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func copyFile(t *testing.T, from, to string, perm os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, perm); err != nil {
		t.Fatal(err)
	}
}

// purged purges staging copy id in this process, and checks the receipt:
// erased, verified against the owner's manifest and the receipt log.
func (s *crashSuite) purged(when, id, manifest string) {
	s.t.Helper()
	code, stdout, stderr := runCLI(s.t, "purge", "--state-dir", s.state, "--sign-key", s.key, "--socket", s.srv.Socket, "-u", "root", id)
	if code != 0 || !strings.Contains(stdout, ": erased\n") {
		s.t.Fatalf("%s: purge %s: %d\n%s\n%s", when, id, code, stdout, stderr)
	}
	s.receiptOK(when, regexp.MustCompile(`receipt  (\S+)`).FindStringSubmatch(stdout)[1], manifest)
}

// receiptOK verifies a receipt as the owner does, with the receipt log.
func (s *crashSuite) receiptOK(when, path, manifest string) {
	s.t.Helper()
	code, out, stderr := runCLI(s.t, "receipt", "verify", "--pubkey", s.key+".pub", "--manifest", manifest, "--log", filepath.Join(s.state, "receipt-log"), path)
	if code != 0 {
		s.t.Fatalf("%s: receipt verify %s: %d\n%s\n%s", when, path, code, out, stderr)
	}
}

// receiptsLogged checks that every receipt in the state directory is in
// the receipt log: a receipt the log does not hold would fail the owner's
// check, and must never be left for someone to send.
func (s *crashSuite) receiptsLogged(when string) {
	s.t.Helper()
	paths, _ := filepath.Glob(filepath.Join(s.state, "receipts", "*.dsse.json"))
	pub, err := receipt.LoadPublicKey(s.key + ".pub")
	if err != nil {
		s.t.Fatal(err)
	}
	for _, p := range paths {
		if s.logged[p] {
			continue
		}
		s.logged[p] = true
		data, err := os.ReadFile(p)
		if err != nil {
			s.t.Fatal(err)
		}
		if _, _, err := receipt.FindInLog(filepath.Join(s.state, "receipt-log"), data, pub); err != nil {
			s.t.Fatalf("%s: receipt %s is not in the receipt log: %v", when, p, err)
		}
	}
}

// TestCrashSnapshot kills snapshot, from a dump file and from a live
// database, with and without --force over an earlier archive.
func TestCrashSnapshot(t *testing.T) {
	s := newCrashSuite(t)
	_, source := mariadbtest.NewDatabase(t)
	s.srv.LoadFile(t, source, filepath.Join(demoDir, "demo.sql"))
	sourceSums := s.checksums(source)
	out := filepath.Join(s.dir, "snap", "site.tar.zst")
	side := out + archive.SidecarSuffix
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	// Another archive beside the output, with its sidecar.
	other := filepath.Join(s.dir, "snap", "other.tar.zst")
	if code, _, stderr := runCLI(t, "snapshot", "-q", "--no-anonymize", "--dump", filepath.Join(demoDir, "demo.sql"), "-o", other); code != 0 {
		t.Fatal(stderr)
	}
	otherSum := treeSum(t, filepath.Join(s.dir, "snap"))
	args := func(i int) []string {
		// Not anonymized: the rules change nothing in how the output is
		// written, and make each run ten times slower under -race.
		a := []string{"snapshot", "-q", "--no-anonymize", "--files", filepath.Join(demoDir, "site"), "-o", out}
		if i%3 == 2 {
			a = append(a, "--socket", s.srv.Socket, "-u", "root", "-D", source)
		} else {
			a = append(a, "--dump", filepath.Join(demoDir, "demo.sql"))
		}
		if i%3 == 0 {
			a = append(a, "--force")
		}
		return a
	}
	clean := func() {
		os.Remove(out)
		os.Remove(side)
	}
	kills := s.plan(s.want, args(1), clean)
	s.kills("snapshot", s.want, kills, func(i int, k kill) bool {
		when := fmt.Sprintf("snapshot kill %d %v", i, k)
		if i%3 == 0 {
			// An earlier archive for --force to replace.
			if !exists(out) {
				if code, _, stderr := runCLI(t, args(1)...); code != 0 {
					t.Fatal(stderr)
				}
			}
		} else {
			clean()
		}
		killed := s.run(k, args(i))
		// What is under the final names is whole.
		if exists(out) {
			if code, stdout, stderr := runCLI(t, "verify", "-q", out); code != 0 {
				t.Fatalf("%s: %s is there and does not verify: %d\n%s%s", when, out, code, stdout, stderr)
			}
		} else if exists(side) {
			t.Fatalf("%s: a sidecar manifest without its archive", when)
		}
		// Running it again ends with an archive and its sidecar.
		committed := exists(out)
		code, stdout, stderr := runCLI(t, args(i)...)
		if code != 0 && !(code == exitError && committed && i%3 != 0 && strings.Contains(stderr, "exists")) {
			t.Fatalf("%s: the run after it: %d\n%s%s", when, code, stdout, stderr)
		}
		code, stdout, stderr = runCLI(t, "verify", out)
		if code != 0 || !strings.Contains(stdout, "matches      "+side) {
			t.Fatalf("%s: after the run after it, %s: %d (sidecar beside it: %v)\n%s%s", when, out, code, exists(side), stdout, stderr)
		}
		s.noTemps(when, filepath.Join(s.dir, "snap"))
		s.untouched(when)
		if got := s.checksums(source); !maps.Equal(got, sourceSums) {
			t.Fatalf("%s: the source database changed", when)
		}
		return killed
	})
	os.Remove(out)
	os.Remove(side)
	if got := treeSum(t, filepath.Join(s.dir, "snap")); got != otherSum {
		t.Fatal("another archive beside the output changed")
	}
	if treeSum(t, filepath.Join(demoDir, "site")) != s.siteSum {
		t.Fatal("the site copied changed")
	}
}

// crashArchive makes the archive the restore and purge kills work from,
// encrypted to a per-snapshot identity; it returns the archive, the owner's
// sidecar and the identity.
func (s *crashSuite) crashArchive() (path, sidecar, identity string) {
	s.t.Helper()
	identity = filepath.Join(s.dir, "snapshot.agekey")
	recipient, err := archive.GenerateIdentity(identity, true)
	if err != nil {
		s.t.Fatal(err)
	}
	path = filepath.Join(s.dir, "site.tar.zst.age")
	if code, _, stderr := runCLI(s.t, "snapshot", "-q", "-r", filepath.Join(demoDir, "rules.yml"), "--dump", filepath.Join(demoDir, "demo.sql"),
		"--files", filepath.Join(demoDir, "site"), "--encrypt-to", recipient, "-o", path); code != 0 {
		s.t.Fatal(stderr)
	}
	sidecar = filepath.Join(s.dir, "owner.manifest.json")
	if err := os.Rename(path+archive.SidecarSuffix, sidecar); err != nil {
		s.t.Fatal(err)
	}
	return path, sidecar, identity
}

// stagingCopy is the files of one iteration of the restore or purge kills.
type stagingCopy struct {
	db, files, archive, identity string
	// given: the files directory was there, empty, before the restore
	// (a hosting panel made it)
	given bool
}

func (s *crashSuite) copyFor(i int, archivePath, identity string) stagingCopy {
	s.t.Helper()
	dir := filepath.Join(s.dir, "copies", strconv.Itoa(i))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	c := stagingCopy{
		db:       fmt.Sprintf("crash_%s_%d", strings.ToLower(strings.TrimPrefix(s.t.Name(), "TestCrash")), i),
		files:    filepath.Join(dir, "www", "site"),
		archive:  filepath.Join(dir, filepath.Base(archivePath)),
		identity: filepath.Join(dir, "snapshot.agekey"),
	}
	copyFile(s.t, archivePath, c.archive, 0o600)
	copyFile(s.t, identity, c.identity, 0o600)
	if c.given = i%5 == 4; c.given {
		if err := os.MkdirAll(c.files, 0o755); err != nil {
			s.t.Fatal(err)
		}
	}
	return c
}

func (s *crashSuite) restoreArgs(c stagingCopy, extra ...string) []string {
	return append(append([]string{"restore", "--socket", s.srv.Socket, "-u", "root", "--db-name", c.db, "--files-dir", c.files,
		"--url", "https://staging.example.test", "--support-admin", "support", "--rewrite-config",
		"--identity", c.identity, "--quiet", "--state-dir", s.state}, extra...), c.archive)
}

// ofCopy returns the registry entries that name c's database or files,
// or had them replaced.
func (s *crashSuite) ofCopy(c stagingCopy) []registry.Entry {
	var es []registry.Entry
	for _, e := range s.entries() {
		if e.Database == c.db || e.FilesDir == c.files || slices.ContainsFunc(e.Replaced, func(r registry.Replaced) bool { return r.Database == c.db || r.FilesDir == c.files }) {
			es = append(es, e)
		}
	}
	return es
}

// gone checks that nothing of c is left: database, files, archive, key,
// and no temporary files in the state directory.
func (s *crashSuite) gone(when string, c stagingCopy) {
	s.t.Helper()
	if s.databaseExists(c.db) {
		s.t.Fatalf("%s: database %s is left", when, c.db)
	}
	for _, p := range []string{c.files, c.archive, c.identity} {
		if !exists(p) {
			continue
		}
		if names, _ := os.ReadDir(p); p == c.files && c.given && len(names) == 0 {
			continue // the empty directory that was given may stay
		}
		s.t.Fatalf("%s: %s is left", when, p)
	}
	for _, e := range s.ofCopy(c) {
		if e.Status != registry.StatusPurged {
			s.t.Fatalf("%s: registry entry %s is %s", when, e.ID, e.Status)
		}
	}
	s.noTemps(when, filepath.Dir(filepath.Dir(c.files)))
	s.noTemps(when, s.state)
	s.receiptsLogged(when)
	s.untouched(when)
}

// TestCrashRestore kills restore, then checks what list says against the
// server and the disk, and either purges what the killed run left or runs
// restore --force again over it and purges both copies; and kills restore
// --force over an earlier copy, then purges both copies in either order, or
// runs it again first.
func TestCrashRestore(t *testing.T) {
	s := newCrashSuite(t)
	archivePath, sidecar, identity := s.crashArchive()
	first := s.copyFor(-1, archivePath, identity)
	// Two thirds of the kills of a plain restore, a third of restore
	// --force over an earlier copy.
	plain := s.want - s.want/3
	kills := s.plan(plain, s.restoreArgs(first), func() {
		for _, e := range s.ofCopy(first) {
			s.purged("traced run", e.ID, sidecar)
		}
	})
	s.kills("restore", plain, kills, func(i int, k kill) bool {
		when := fmt.Sprintf("restore kill %d %v", i, k)
		c := s.copyFor(i, archivePath, identity)
		killed := s.run(k, s.restoreArgs(c))
		es := s.ofCopy(c)
		switch {
		case len(es) > 1:
			t.Fatalf("%s: %d registry entries for one restore", when, len(es))
		case len(es) == 0:
			// Killed before the registry entry: nothing made.
			if s.databaseExists(c.db) || exists(c.files) != c.given {
				t.Fatalf("%s: no registry entry, but database %v, files %v", when, s.databaseExists(c.db), exists(c.files))
			}

		case es[0].Status == registry.StatusActive:
			// Finished: whole and marked.
			if ids := s.marker(c.db); len(ids) != 1 || ids[0] != es[0].ID {
				t.Fatalf("%s: active, but the database's marker names %v", when, ids)
			}
			if id, err := registry.FilesMarker(c.files); err != nil || id != es[0].ID {
				t.Fatalf("%s: active, but the files marker says %q %v", when, id, err)
			}
			if es[0].ArchiveSHA256 == "" || es[0].ManifestSHA256 == "" || es[0].Admin == nil {
				t.Fatalf("%s: active, but the entry lacks what purge needs: %+v", when, es[0])
			}
			// The demo's tables, which the bystander holds too, and the
			// marker.
			if got := s.checksums(c.db); len(got) != len(s.bystanderSums)+1 {
				t.Fatalf("%s: active, but the database holds %d tables", when, len(got))
			}
		case es[0].Status != registry.StatusRestoring:
			t.Fatalf("%s: registry entry %s is %s", when, es[0].ID, es[0].Status)
		}
		switch {
		case len(es) == 0:
			// Running it again.
			if code, stdout, stderr := runCLI(t, s.restoreArgs(c)...); code != 0 {
				t.Fatalf("%s: restore after it: %d\n%s%s", when, code, stdout, stderr)
			}
		case es[0].Status == registry.StatusRestoring && i%2 == 1:
			// Running it again, over what the killed run left.
			if code, stdout, stderr := runCLI(t, s.restoreArgs(c, "--force")...); code != 0 {
				t.Fatalf("%s: restore --force after it: %d\n%s%s", when, code, stdout, stderr)
			}
		}
		for _, e := range s.ofCopy(c) {
			s.purged(when, e.ID, sidecar)
		}
		s.gone(when, c)
		return killed
	})

	// restore --force over an earlier copy, killed; then purge every
	// copy, in either order, or run it again first.
	restored := func(c stagingCopy) {
		if code, stdout, stderr := runCLI(t, s.restoreArgs(c)...); code != 0 {
			t.Fatalf("restore: %d\n%s%s", code, stdout, stderr)
		}
	}
	first = s.copyFor(-2, archivePath, identity)
	restored(first)
	purgeAll := func(when string, c stagingCopy) {
		es := s.ofCopy(c)
		s.rng.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
		for _, e := range es {
			s.purged(when, e.ID, sidecar)
		}
	}
	kills = s.plan(s.want/3, s.restoreArgs(first, "--force"), func() { purgeAll("traced run", first) })
	s.kills("restore --force", s.want/3, kills, func(i int, k kill) bool {
		when := fmt.Sprintf("restore --force kill %d %v", i, k)
		c := s.copyFor(1000+i, archivePath, identity)
		restored(c)
		killed := s.run(k, s.restoreArgs(c, "--force"))
		for _, e := range s.ofCopy(c) {
			if e.Status != registry.StatusActive && e.Status != registry.StatusRestoring {
				t.Fatalf("%s: registry entry %s is %s", when, e.ID, e.Status)
			}
		}
		if i%2 == 1 {
			if code, stdout, stderr := runCLI(t, s.restoreArgs(c, "--force")...); code != 0 {
				t.Fatalf("%s: restore --force after it: %d\n%s%s", when, code, stdout, stderr)
			}
		}
		purgeAll(when, c)
		s.gone(when, c)
		return killed
	})
	if treeSum(t, filepath.Join(demoDir, "site")) != s.siteSum {
		t.Fatal("the site changed")
	}
}

// TestCrashPurge kills purge of a staging copy restored from an encrypted
// archive (database, files, support admin, archive, per-snapshot key), then
// checks what list says and purges again.
func TestCrashPurge(t *testing.T) {
	s := newCrashSuite(t)
	archivePath, sidecar, identity := s.crashArchive()
	restored := func(c stagingCopy) registry.Entry {
		if code, stdout, stderr := runCLI(t, s.restoreArgs(c)...); code != 0 {
			t.Fatalf("restore: %d\n%s%s", code, stdout, stderr)
		}
		es := s.ofCopy(c)
		if len(es) != 1 {
			t.Fatalf("restore made %d entries", len(es))
		}
		return es[0]
	}
	purgeArgs := func(id string) []string {
		return []string{"purge", "--state-dir", s.state, "--sign-key", s.key, "--socket", s.srv.Socket, "-u", "root", id}
	}
	first := s.copyFor(-1, archivePath, identity)
	e := restored(first)
	kills := s.plan(s.want, purgeArgs(e.ID), func() {})
	s.gone("traced run", first)
	s.kills("purge", s.want, kills, func(i int, k kill) bool {
		when := fmt.Sprintf("purge kill %d %v", i, k)
		c := s.copyFor(i, archivePath, identity)
		e := restored(c)
		killed := s.run(k, purgeArgs(e.ID))
		es := s.ofCopy(c)
		if len(es) != 1 {
			t.Fatalf("%s: %d registry entries", when, len(es))
		}
		switch es[0].Status {
		case registry.StatusActive:
			// Killed before it began: nothing gone.
			if !s.databaseExists(c.db) || !exists(c.files) || !exists(c.archive) || !exists(c.identity) {
				t.Fatalf("%s: still active, but parts are gone", when)
			}
		case registry.StatusPurging:
		case registry.StatusPurged:
			note := es[0].Notes[len(es[0].Notes)-1]
			m := regexp.MustCompile(`receipt (\S+)$`).FindStringSubmatch(note)
			if m == nil {
				t.Fatalf("%s: purged, and the notes name no receipt: %q", when, note)
			}
			s.receiptOK(when, m[1], sidecar)
		default:
			t.Fatalf("%s: registry entry is %s", when, es[0].Status)
		}
		if es[0].Status == registry.StatusPurged {
			code, _, stderr := runCLI(t, purgeArgs(e.ID)...)
			if code != exitError || !strings.Contains(stderr, "already purged") {
				t.Fatalf("%s: purge of a purged copy: %d %s", when, code, stderr)
			}
		} else {
			s.purged(when, e.ID, sidecar)
		}
		s.gone(when, c)
		return killed
	})
}
