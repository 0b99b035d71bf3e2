package receipt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const origin = "receipts@support-1"

// appendN appends n new receipts (ids prefix-0 ...) and returns them with
// their proof files.
func appendN(t *testing.T, l *Log, prefix string, n int) (receipts, proofs [][]byte) {
	t.Helper()
	man := testManifest(t, "snap-1")
	for i := range n {
		r := signed(t, testStatement(t, man, fmt.Sprintf("%s-%d", prefix, i)), l.Key)
		p, err := l.Append(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		pf, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		receipts, proofs = append(receipts, r), append(proofs, pf)
	}
	return receipts, proofs
}

func TestLogInclusion(t *testing.T) {
	k := testKey(t, "support")
	l := &Log{Dir: filepath.Join(t.TempDir(), "log"), Origin: origin, Key: k}
	receipts, proofs := appendN(t, l, "r", 7)
	for i := range receipts {
		cp, err := VerifyInclusion(proofs[i], receipts[i], k.Public())
		if err != nil {
			t.Fatalf("receipt %d: %v", i, err)
		}
		if cp.Size != int64(i+1) || cp.Origin != origin {
			t.Fatalf("receipt %d: checkpoint %+v", i, cp)
		}
	}
	// The proof of one receipt does not fit another.
	_, err := VerifyInclusion(proofs[2], receipts[3], k.Public())
	mustFail(t, err, "is not entry 2")
	// Nor does a proof whose checkpoint another key signed.
	_, err = VerifyInclusion(proofs[2], receipts[2], testKey(t, "support").Public())
	mustFail(t, err, "checkpoint not signed")
	// Nor a proof file whose index was changed.
	bad := strings.Replace(string(proofs[5]), `"index": 5`, `"index": 4`, 1)
	_, err = VerifyInclusion([]byte(bad), receipts[5], k.Public())
	mustFail(t, err, "is not entry 4")
	// Nor a receipt with a byte changed (the leaf is the file's exact bytes).
	r := []byte(strings.Replace(string(receipts[4]), "\n}", "}", 1))
	_, err = VerifyInclusion(proofs[4], r, k.Public())
	mustFail(t, err, "is not entry 4")

	// The current checkpoint is the last proof's.
	cp, err := ReadCheckpoint(l.Dir, k.Public())
	if err != nil || cp.Size != 7 {
		t.Fatalf("checkpoint %+v %v", cp, err)
	}
	if !strings.HasPrefix(cp.Text, origin+"\n7\n") || !strings.Contains(cp.Text, "\n\n— support ") {
		t.Fatalf("checkpoint text %q", cp.Text)
	}
	entries, _ := os.ReadDir(l.Dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "checkpoint hashes lock" {
		t.Fatalf("log directory holds %v", names)
	}
}

// An owner who kept an old checkpoint notices a log rebuilt from scratch,
// or with a receipt dropped, even though the operator signs it with the
// same key.
func TestLogConsistency(t *testing.T) {
	k := testKey(t, "support")
	dir := filepath.Join(t.TempDir(), "log")
	l := &Log{Dir: dir, Origin: origin, Key: k}
	_, proofs := appendN(t, l, "r", 3)
	old, err := CheckpointFromFile(proofs[2], k.Public()) // what the owner kept
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, l, "later", 4)
	cur, err := ReadCheckpoint(dir, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	p, err := ProveConsistency(dir, old.Size, cur.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyConsistency(old, cur, p); err != nil {
		t.Fatalf("honest log: %v", err)
	}
	if err := VerifyConsistency(cur, old, p); err != nil {
		t.Fatalf("honest log, arguments swapped: %v", err)
	}
	// Every earlier checkpoint is consistent with every later one.
	for m := int64(1); m <= cur.Size; m++ {
		if _, err := ProveConsistency(dir, m, cur.Size); err != nil {
			t.Fatal(err)
		}
	}

	// Rebuilt from scratch: same origin, same key, same size, other receipts.
	rebuilt := &Log{Dir: filepath.Join(t.TempDir(), "log"), Origin: origin, Key: k}
	appendN(t, rebuilt, "forged", 7)
	fake, err := ReadCheckpoint(rebuilt.Dir, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	fp, err := ProveConsistency(rebuilt.Dir, old.Size, fake.Size)
	if err != nil {
		t.Fatal(err)
	}
	mustFail(t, VerifyConsistency(old, fake, fp), "does not extend")
	// The honest log's proof does not help the forged head either.
	mustFail(t, VerifyConsistency(old, fake, p), "does not extend")
	// At equal sizes the roots must be equal.
	mustFail(t, VerifyConsistency(cur, fake, nil), "rewritten")

	// Rebuilt without receipt 1 (the first three receipts were r-0, r-1, r-2).
	dropped := &Log{Dir: filepath.Join(t.TempDir(), "log"), Origin: origin, Key: k}
	man := testManifest(t, "snap-1")
	for _, id := range []string{"r-0", "r-2", "later-0", "later-1"} {
		if _, err := dropped.Append(context.Background(), signed(t, testStatement(t, man, id), k)); err != nil {
			t.Fatal(err)
		}
	}
	dcp, _ := ReadCheckpoint(dropped.Dir, k.Public())
	dp, err := ProveConsistency(dropped.Dir, old.Size, dcp.Size)
	if err != nil {
		t.Fatal(err)
	}
	mustFail(t, VerifyConsistency(old, dcp, dp), "does not extend")

	// Another origin is another log.
	other := &Log{Dir: filepath.Join(t.TempDir(), "log"), Origin: "elsewhere", Key: k}
	appendN(t, other, "r", 3)
	ocp, _ := ReadCheckpoint(other.Dir, k.Public())
	mustFail(t, VerifyConsistency(old, ocp, nil), "different logs")

	// A log copy older than the checkpoint cannot prove anything.
	if _, err := ProveConsistency(dir, 3, 50); err == nil {
		t.Fatal("proof beyond the log's size")
	}
}

// Appending refuses a log whose stored hashes no longer produce its signed
// root, a log signed with another key, and another origin; hashes left past
// the checkpoint by a crash are overwritten.
func TestLogAppendChecks(t *testing.T) {
	k := testKey(t, "support")
	dir := filepath.Join(t.TempDir(), "log")
	l := &Log{Dir: dir, Origin: origin, Key: k}
	appendN(t, l, "r", 3)

	// A crash after writing hashes but before the checkpoint.
	f, err := os.OpenFile(filepath.Join(dir, hashesFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 3*tlog.HashSize))
	f.Close()
	receipts, proofs := appendN(t, l, "after-crash", 2)
	if _, err := VerifyInclusion(proofs[1], receipts[1], k.Public()); err != nil {
		t.Fatalf("after a crash: %v", err)
	}
	if st, _ := os.Stat(filepath.Join(dir, hashesFile)); st.Size() != tlog.StoredHashCount(5)*tlog.HashSize {
		t.Fatalf("hashes file is %d bytes, want %d", st.Size(), tlog.StoredHashCount(5)*tlog.HashSize)
	}

	_, err = (&Log{Dir: dir, Origin: "other", Key: k}).Append(context.Background(), []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "origin") {
		t.Fatalf("other origin: %v", err)
	}
	_, err = (&Log{Dir: dir, Origin: origin, Key: testKey(t, "support")}).Append(context.Background(), []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "another key") {
		t.Fatalf("other key: %v", err)
	}

	// Any stored hash altered, leaf or interior, on the tree's frontier
	// or not, stops the next append.
	good, _ := os.ReadFile(filepath.Join(dir, hashesFile))
	for i := int64(0); i < tlog.StoredHashCount(5); i++ {
		data := slices.Clone(good)
		data[i*tlog.HashSize+7] ^= 1
		os.WriteFile(filepath.Join(dir, hashesFile), data, 0o644)
		_, err = l.Append(context.Background(), []byte("x"))
		if err == nil || !strings.Contains(err.Error(), "altered") {
			t.Fatalf("stored hash %d altered: %v", i, err)
		}
	}
	os.WriteFile(filepath.Join(dir, hashesFile), good[:len(good)-tlog.HashSize], 0o644)
	if _, err = l.Append(context.Background(), []byte("x")); err == nil {
		t.Fatal("truncated hashes file accepted")
	}
	if cp, _ := ReadCheckpoint(dir, k.Public()); cp.Size != 5 {
		t.Fatalf("a refused append changed the checkpoint to size %d", cp.Size)
	}
}

// Appends from several goroutines (each taking the flock on its own open
// file, as separate purge processes would) all land, once each.
func TestLogConcurrentAppend(t *testing.T) {
	k := testKey(t, "support")
	l := &Log{Dir: filepath.Join(t.TempDir(), "log"), Origin: origin, Key: k}
	const workers, each = 4, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[int64]bool{}
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r := []byte(fmt.Sprintf("receipt %d-%d", w, i))
				p, err := l.Append(context.Background(), r)
				if err != nil {
					errs <- err
					return
				}
				pf, _ := p.Marshal()
				if _, err := VerifyInclusion(pf, r, k.Public()); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				seen[p.Index] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct indexes, want %d", len(seen), workers*each)
	}
	if cp, _ := ReadCheckpoint(l.Dir, k.Public()); cp.Size != workers*each {
		t.Fatalf("size %d", cp.Size)
	}
}

// Waiting for the lock ends with the context.
func TestLogLockHonoursContext(t *testing.T) {
	k := testKey(t, "support")
	l := &Log{Dir: t.TempDir(), Origin: origin, Key: k}
	unlock, err := lockDir(context.Background(), filepath.Join(l.Dir, lockFile))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := l.Append(ctx, []byte("x")); err == nil || !strings.Contains(err.Error(), "another purge") {
		t.Fatalf("append while locked: %v", err)
	}
}

func TestWriteProof(t *testing.T) {
	k := testKey(t, "support")
	l := &Log{Dir: filepath.Join(t.TempDir(), "log"), Origin: origin, Key: k}
	r := signed(t, testStatement(t, testManifest(t, "snap-1"), "r-0"), k)
	p, err := l.Append(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "receipt.json")
	os.WriteFile(path, r, 0o644)
	if err := WriteProof(path, p); err != nil {
		t.Fatal(err)
	}
	pf, err := os.ReadFile(path + ProofSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyInclusion(pf, r, k.Public()); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAppend10k measures one append to a log of ten thousand receipts,
// which includes checkStored's full recomputation.
func BenchmarkAppend10k(b *testing.B) {
	k := testKey(b, "support")
	dir := b.TempDir()
	const n = 10000
	var stored []tlog.Hash
	hr := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i := range n {
		hs, err := tlog.StoredHashes(int64(i), fmt.Appendf(nil, "receipt %d", i), hr)
		if err != nil {
			b.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	var raw []byte
	for _, h := range stored {
		raw = append(raw, h[:]...)
	}
	root, _ := tlog.TreeHash(n, hr)
	cp, err := note.Sign(&note.Note{Text: formatCheckpoint(origin, n, root)}, k.signer)
	if err != nil {
		b.Fatal(err)
	}
	l := &Log{Dir: dir, Origin: origin, Key: k}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		os.WriteFile(filepath.Join(dir, hashesFile), raw, 0o644)
		os.WriteFile(filepath.Join(dir, checkpointFile), cp, 0o644)
		b.StartTimer()
		if _, err := l.Append(context.Background(), fmt.Appendf(nil, "new %d", i)); err != nil {
			b.Fatal(err)
		}
	}
}
