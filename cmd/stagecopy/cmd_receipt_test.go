package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/receipt"
)

// receiptFixture is what an operator and an owner hold after purges: a key,
// the owner's manifest from a real snapshot, receipts with proofs, a log.
type receiptFixture struct {
	dir, pub, manifest string
	key                *receipt.PrivateKey
	log                *receipt.Log
}

func newReceiptFixture(t *testing.T) *receiptFixture {
	t.Helper()
	dir := t.TempDir()
	f := &receiptFixture{dir: dir}
	code, out, stderr := runCLI(t, "keygen", "--name", "support-1", "--out", filepath.Join(dir, "op.key"))
	if code != 0 {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	f.pub = lines[len(lines)-1]
	k, err := receipt.LoadPrivateKey(filepath.Join(dir, "op.key"))
	if err != nil {
		t.Fatal(err)
	}
	f.key = k
	f.manifest = f.snapshot(t, "site")
	f.log = &receipt.Log{Dir: filepath.Join(dir, "log"), Origin: "receipts@support-1", Key: k}
	return f
}

// snapshot makes an archive of the demo dump with the real command and
// returns the owner's sidecar manifest.
func (f *receiptFixture) snapshot(t *testing.T, name string) string {
	t.Helper()
	out := filepath.Join(f.dir, name+".tar.zst")
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--quiet", "--dump", filepath.Join(demoDir, "demo.sql"), "-o", out); code != 0 {
		t.Fatalf("snapshot: %d %s", code, stderr)
	}
	return out + archive.SidecarSuffix
}

// purge writes a receipt for the archive of manifest, as purge will: the
// receipt file, appended to the log, with its proof beside it.
func (f *receiptFixture) purge(t *testing.T, name, manifest string, dbCheck receipt.CheckResult) string {
	t.Helper()
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var m archive.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	db, files, arc := "mariadb://localhost/stg_"+name, "/srv/staging/"+name, "/srv/archives/"+name+".tar.zst"
	st := receipt.NewStatement([]receipt.Subject{{Name: receipt.ManifestSubject, Digest: receipt.DigestSet{SHA256: hex.EncodeToString(sum[:])}}},
		receipt.Predicate{
			ReceiptID: "rcpt-" + name, StagingID: "stg-" + name, SnapshotID: m.SnapshotID, ArchiveMerkleRoot: m.MerkleRoot,
			Operator: "alice", Tool: receipt.Tool{Name: "stagecopy", Version: "test"}, Host: "support-1",
			Timeline: receipt.Timeline{Started: t0, Finished: t0.Add(time.Second)},
			Actions: []receipt.Action{
				{Action: receipt.DropDatabase, Target: db, Before: &receipt.Measure{Tables: 12, Rows: 40}, Result: receipt.Done},
				{Action: receipt.RemoveFiles, Target: files, Before: &receipt.Measure{Files: 9, Bytes: 4096}, Result: receipt.Done},
				{Action: receipt.DeleteArchive, Target: arc, Result: receipt.Done},
			},
			Checks: []receipt.Check{
				{Check: "database_exists", Target: db, Result: dbCheck, CheckedAt: t0},
				{Check: "path_exists", Target: files, Result: receipt.Absent, CheckedAt: t0},
				{Check: "path_exists", Target: arc, Result: receipt.Absent, CheckedAt: t0},
			},
			Methods: []receipt.Method{receipt.LogicalDeletion},
		})
	r, err := receipt.Sign(st, f.key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(f.dir, name+".receipt.json")
	if err := os.WriteFile(path, r, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := f.log.Append(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if err := receipt.WriteProof(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReceiptVerify(t *testing.T) {
	f := newReceiptFixture(t)
	r := f.purge(t, "a", f.manifest, receipt.Absent)

	code, out, stderr := runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--manifest", f.manifest, r)
	if code != 0 {
		t.Fatalf("verify: %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{"ok: " + r + " is a valid deletion receipt", "signature    ok", "statement    ok", "status       ok      erased",
		"manifest     ok", "inclusion    ok      entry 0 of 1", "status       erased", "not covered  database binary logs"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The .pub file works as well as the line; --json says the same.
	code, out, _ = runCLI(t, "receipt", "verify", "--json", "--pubkey", filepath.Join(f.dir, "op.key.pub"), "--manifest", f.manifest, r)
	var rep receiptReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || !rep.Valid || len(rep.Checks) != 6 || !slices.Equal(rep.NotRun, []string{"consistency"}) || rep.Log == nil || rep.Statement.Predicate.Status != receipt.Erased {
		t.Fatalf("--json: code %d, %v, %+v", code, err, rep)
	}

	// A changed byte: the signature fails, exit 3, nothing else is claimed.
	data, _ := os.ReadFile(r)
	bad := filepath.Join(f.dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(data), `"payload": "ey`, `"payload": "fy`, 1)), 0o644)
	code, out, stderr = runCLI(t, "receipt", "verify", "--pubkey", f.pub, bad)
	if code != exitCorrupt || !strings.Contains(out, "signature    FAILED") || !strings.Contains(out, "status       not run an earlier check failed") ||
		strings.Contains(out, "status       ok") || !strings.Contains(stderr, "stagecopy: hint:") {
		t.Fatalf("altered receipt: %d\n%s%s", code, out, stderr)
	}

	// Another key.
	other := filepath.Join(f.dir, "other.key")
	runCLI(t, "keygen", "--out", other)
	code, out, _ = runCLI(t, "receipt", "verify", "--pubkey", other+".pub", r)
	if code != exitCorrupt || !strings.Contains(out, "signed by another key") {
		t.Fatalf("other key: %d\n%s", code, out)
	}

	// The manifest of another snapshot of the same site.
	code, out, _ = runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--manifest", f.snapshot(t, "site2"), r)
	if code != exitCorrupt || !strings.Contains(out, "manifest     FAILED") {
		t.Fatalf("other manifest: %d\n%s", code, out)
	}

	// The proof of another receipt.
	r2 := f.purge(t, "b", f.manifest, receipt.Absent)
	code, out, _ = runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--proof", r2+receipt.ProofSuffix, r)
	if code != exitCorrupt || !strings.Contains(out, "inclusion    FAILED") {
		t.Fatalf("proof of another receipt: %d\n%s", code, out)
	}
	// An explicit proof file that is missing is an error, not a skipped check.
	if code, _, _ = runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--proof", "missing.json", r); code == 0 {
		t.Fatal("missing --proof file ignored")
	}
}

// TestReceiptVerifyNotRun: a receipt checked without --manifest is not
// reported as plainly valid: the first line says which snapshot it is about
// was not checked, every check is listed as ok or not run, and --json says
// the same with run and not_run.
func TestReceiptVerifyNotRun(t *testing.T) {
	f := newReceiptFixture(t)
	r := f.purge(t, "a", f.manifest, receipt.Absent)
	os.Remove(r + receipt.ProofSuffix)

	code, out, stderr := runCLI(t, "receipt", "verify", "--pubkey", f.pub, r)
	if code != 0 {
		t.Fatalf("verify: %d\n%s%s", code, out, stderr)
	}
	first, _, _ := strings.Cut(out, "\n")
	if strings.Contains(first, "is a valid deletion receipt") || !strings.Contains(first, "NOT checked which snapshot it is about") ||
		!strings.Contains(first, "(not run: manifest, inclusion, consistency)") {
		t.Errorf("first line without --manifest: %q", first)
	}
	for _, want := range []string{"signature    ok ", "status       ok      erased", "manifest     not run which snapshot", "inclusion    not run no proof file", "consistency  not run nothing to compare"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, "receipt", "verify", "--json", "--pubkey", f.pub, r)
	var rep receiptReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || !rep.Valid {
		t.Fatalf("--json: %d %v\n%s", code, err, out)
	}
	if !slices.Equal(rep.NotRun, []string{"manifest", "inclusion", "consistency"}) {
		t.Errorf("not_run = %q", rep.NotRun)
	}
	var names []string
	for _, c := range rep.Checks {
		names = append(names, c.Check)
		if ran := !slices.Contains(rep.NotRun, c.Check); c.Run != ran || c.OK != ran || c.Skipped == ran {
			t.Errorf("check %+v: want run %v", c, ran)
		}
	}
	if !slices.Equal(names, receiptCheckNames) {
		t.Errorf("checks %q, want every check in order %q", names, receiptCheckNames)
	}
	if !strings.Contains(out, `"not_run": [`) || !strings.Contains(out, `"run": false`) {
		t.Errorf("JSON lacks run/not_run:\n%s", out)
	}

	// Every check asked for (a receipt with its proof file, whose
	// checkpoint the log's is compared with), all pass: the first line says so.
	r2 := f.purge(t, "b", f.manifest, receipt.Absent)
	code, out, _ = runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--manifest", f.manifest, "--log", f.log.Dir, r2)
	if first, _, _ := strings.Cut(out, "\n"); code != 0 || !strings.HasSuffix(first, "every check ran and passed") || strings.Contains(out, "not run") {
		t.Errorf("all checks: %d\n%s", code, out)
	}

	// An unreadable manifest stops verify: the checks after it did not run,
	// and are not called failed.
	code, out, _ = runCLI(t, "receipt", "verify", "--json", "--pubkey", f.pub, "--manifest", filepath.Join(f.dir, "missing.json"), r)
	rep = receiptReport{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitError || rep.Valid ||
		!slices.Equal(rep.NotRun, []string{"manifest", "inclusion", "consistency"}) || !strings.Contains(rep.Checks[3].Detail, "stopped by the error") {
		t.Errorf("missing manifest: %d %v %+v", code, err, rep)
	}
}

func TestReceiptVerifyStatus(t *testing.T) {
	f := newReceiptFixture(t)
	r := f.purge(t, "present", f.manifest, receipt.Present)
	code, out, stderr := runCLI(t, "receipt", "verify", "--pubkey", f.pub, r)
	if code != exitCorrupt || !strings.Contains(out, "status       FAILED") || !strings.Contains(stderr, "not_erased") {
		t.Fatalf("not_erased: %d\n%s%s", code, out, stderr)
	}
	// The database check errored but was the only problem... still
	// not erased; a failed archive deletion alone gives exceptions.
	r = f.purge(t, "exc", f.manifest, receipt.Absent)
	data, _ := os.ReadFile(r)
	_, st, err := receipt.ParseUnverified(data)
	if err != nil {
		t.Fatal(err)
	}
	st.Predicate.Actions[2].Result, st.Predicate.Actions[2].Error = receipt.Failed, "permission denied"
	st.Predicate.Checks[2].Result = receipt.Present
	st = receipt.NewStatement(st.Subject, st.Predicate)
	signedExc, err := receipt.Sign(st, f.key)
	if err != nil {
		t.Fatal(err)
	}
	exc := filepath.Join(f.dir, "exc2.json")
	os.WriteFile(exc, signedExc, 0o644)
	code, _, stderr = runCLI(t, "receipt", "verify", "--pubkey", f.pub, exc)
	if code != exitCorrupt || !strings.Contains(stderr, "erased_with_exceptions") {
		t.Fatalf("exceptions without --allow-exceptions: %d %s", code, stderr)
	}
	code, out, _ = runCLI(t, "receipt", "verify", "--allow-exceptions", "--pubkey", f.pub, exc)
	if code != 0 || !strings.Contains(out, "exception    delete_archive") {
		t.Fatalf("--allow-exceptions: %d\n%s", code, out)
	}
}

func TestReceiptVerifyConsistency(t *testing.T) {
	f := newReceiptFixture(t)
	first := f.purge(t, "a", f.manifest, receipt.Absent)
	kept := filepath.Join(f.dir, "kept.proof.json") // the owner keeps the first proof
	data, _ := os.ReadFile(first + receipt.ProofSuffix)
	os.WriteFile(kept, data, 0o644)
	f.purge(t, "b", f.manifest, receipt.Absent)
	later := f.purge(t, "c", f.manifest, receipt.Absent)

	code, out, stderr := runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--checkpoint", kept, "--log", f.log.Dir, later)
	if code != 0 || strings.Count(out, "consistency  ok") != 3 {
		t.Fatalf("honest log: %d\n%s%s", code, out, stderr)
	}
	// Without the log, checkpoints of different sizes cannot be compared.
	if code, _, stderr = runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--checkpoint", kept, later); code != exitUsage || !strings.Contains(stderr, "--log DIR") {
		t.Fatalf("no --log: %d %s", code, stderr)
	}

	// The operator rebuilds the log from scratch without receipt a, with
	// the same key, and re-issues proofs: the owner's kept checkpoint
	// exposes it.
	os.RemoveAll(f.log.Dir)
	f.purge(t, "b2", f.manifest, receipt.Absent)
	f.purge(t, "c2", f.manifest, receipt.Absent)
	reissued := f.purge(t, "d2", f.manifest, receipt.Absent)
	code, out, _ = runCLI(t, "receipt", "verify", "--pubkey", f.pub, reissued)
	if code != 0 {
		t.Fatalf("the rebuilt log verifies on its own (that is the point of keeping checkpoints): %d\n%s", code, out)
	}
	code, out, stderr = runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--checkpoint", kept, "--log", f.log.Dir, reissued)
	if code != exitCorrupt || !strings.Contains(out, "consistency  FAILED") || !strings.Contains(stderr, "rewritten or receipts were removed") {
		t.Fatalf("rebuilt log: %d\n%s%s", code, out, stderr)
	}
}

func TestReceiptShow(t *testing.T) {
	f := newReceiptFixture(t)
	r := f.purge(t, "a", f.manifest, receipt.Absent)
	code, out, _ := runCLI(t, "receipt", "show", r)
	if code != 0 || !strings.Contains(out, "UNVERIFIED") || !strings.Contains(out, "action       drop_database mariadb://localhost/stg_a: done (held 12 tables, 40 rows)") {
		t.Fatalf("show: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "receipt", "show", "--json", r)
	var st receipt.Statement
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil || st.Predicate.ReceiptID != "rcpt-a" {
		t.Fatalf("show --json: %d %v\n%s", code, err, out)
	}
	if code, _, _ = runCLI(t, "receipt", "show", f.manifest); code != exitError {
		t.Fatalf("show of a non-receipt: %d", code)
	}
}

func TestReceiptUsage(t *testing.T) {
	for _, args := range [][]string{
		{"receipt", "verify", "x.json"},                            // no --pubkey
		{"receipt", "verify", "--pubkey", "k", "x.json", "--json"}, // flag after the argument
		{"receipt", "verify", "--pubkey", "k"},                     // no receipt
		{"keygen", "extra"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage {
			t.Errorf("%q: code %d, want %d (%s)", args, code, exitUsage, stderr)
		}
	}
}

// TestReceiptVerifyOutsideLog: a purge killed at its checkpoint leaves a
// signed receipt that the log does not hold, and no proof file. Without a
// proof the report says inclusion was not checked; with --log the log is
// searched, and a receipt not in it fails, one in it passes.
func TestReceiptVerifyOutsideLog(t *testing.T) {
	f := newReceiptFixture(t)
	in := f.purge(t, "in", f.manifest, receipt.Absent)
	os.Remove(in + receipt.ProofSuffix)
	// A receipt signed with the operator's key, never appended.
	data, _ := os.ReadFile(in)
	st, err := receipt.VerifyReceipt(data, f.key.Public())
	if err != nil {
		t.Fatal(err)
	}
	st.Predicate.ReceiptID = "rcpt-outside"
	signed, err := receipt.Sign(st, f.key)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(f.dir, "outside.receipt.json")
	os.WriteFile(out, signed, 0o644)

	code, stdout, _ := runCLI(t, "receipt", "verify", "--pubkey", f.pub, out)
	if code != 0 || !strings.Contains(stdout, "inclusion    not run no proof file") {
		t.Errorf("no proof, no log: exit %d, want 0 with inclusion not checked:\n%s", code, stdout)
	}
	code, stdout, stderr := runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--log", f.log.Dir, out)
	if code != exitCorrupt || !strings.Contains(stdout, "inclusion    FAILED") || !strings.Contains(stdout, "not in log") {
		t.Errorf("outside the log, with --log: exit %d, want %d:\n%s%s", code, exitCorrupt, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "receipt", "verify", "--pubkey", f.pub, "--log", f.log.Dir, in)
	if code != 0 || !strings.Contains(stdout, "inclusion    ok      entry 0 of 1") {
		t.Errorf("in the log, no proof file, with --log: exit %d:\n%s", code, stdout)
	}
}
