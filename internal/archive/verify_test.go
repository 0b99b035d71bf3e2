package archive

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// verifyAll reads an archive through a Verifier, entry by entry, and returns
// Finish's digest.
func verifyAll(t *testing.T, data []byte) (string, error) {
	t.Helper()
	v, err := Open(bytes.NewReader(data), Keys{})
	if err != nil {
		return "", err
	}
	defer v.Close()
	for {
		if _, err := v.Next(); err == io.EOF {
			break
		} else if err != nil {
			return "", err
		}
	}
	return v.Finish()
}

// TestVerifierDigest: the digest covers every stored byte.
func TestVerifierDigest(t *testing.T) {
	data, _ := build(t, LevelDefault)
	got, err := verifyAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if got != hex.EncodeToString(want[:]) {
		t.Errorf("digest %s, want %x", got, want)
	}
}

// TestVerifierTrailingData: a second tar stream after the end blocks, in
// the same zstd stream or a frame of its own, is refused, as is a garbage
// frame; what `zstd -dc | tar -xif -` would extract never passes.
func TestVerifierTrailingData(t *testing.T) {
	data, _ := build(t, LevelDefault)
	zr, err := zstd.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	zr.Close()
	if err != nil {
		t.Fatal(err)
	}
	var smuggled bytes.Buffer
	tw := tar.NewWriter(&smuggled)
	tw.WriteHeader(&tar.Header{Name: "files/evil.php", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
	tw.Write([]byte("<?php"))
	tw.Close()
	compress := func(b []byte) []byte {
		var out bytes.Buffer
		zw, _ := zstd.NewWriter(&out)
		zw.Write(b)
		zw.Close()
		return out.Bytes()
	}
	for name, bad := range map[string][]byte{
		"second tar stream in the same frame":     compress(append(bytes.Clone(plain), smuggled.Bytes()...)),
		"second tar stream in a frame of its own": append(bytes.Clone(data), compress(smuggled.Bytes())...),
		"garbage after the last frame":            append(bytes.Clone(data), []byte("garbage, not zstd")...),
	} {
		if _, err := verifyAll(t, bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

// TestOutputNoClobber: without overwrite, an archive is never written over
// an earlier one's sidecar manifest (the owner's only record of it, which a
// deletion receipt is checked against), nor over a file that appeared
// while it was being written.
func TestOutputNoClobber(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/s.tar.zst"
	// The first archive was moved away; its manifest stayed.
	if err := os.WriteFile(path+SidecarSuffix, []byte("owner's manifest"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Create beside an earlier sidecar: %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(path + SidecarSuffix); string(b) != "owner's manifest" {
		t.Fatal("the earlier sidecar changed")
	}
	os.Remove(path + SidecarSuffix)

	// A file appears under the final name while the archive is written.
	o, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("new archive"))
	os.WriteFile(path, []byte("someone else's"), 0o600)
	if err := o.Commit([]byte("{}")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Commit over a file that appeared: %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "someone else's" {
		t.Error("the file that appeared was replaced")
	}
	if _, err := os.Lstat(path + SidecarSuffix); err == nil {
		t.Error("a sidecar was left beside someone else's file")
	}
	if m, _ := filepath.Glob(dir + "/.s.tar.zst*"); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}

	// With overwrite, both are replaced.
	os.WriteFile(path+SidecarSuffix, []byte("old manifest"), 0o644)
	o, err = Create(path, true)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("new archive"))
	if err := o.Commit([]byte("new manifest")); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(path)
	m, _ := os.ReadFile(path + SidecarSuffix)
	if string(a) != "new archive" || string(m) != "new manifest" {
		t.Errorf("after an overwrite: archive %q, sidecar %q", a, m)
	}
}
