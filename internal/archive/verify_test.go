package archive

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
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
