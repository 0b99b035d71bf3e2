// Package flowtest holds what the tests of the snapshot, restore and purge
// flows share: an archive made in memory, and a registry of staging copies
// in a temporary directory. Only tests import it.
package flowtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/snapshot"
)

// Archive makes an archive of opts in memory, without anonymization.
func Archive(t testing.TB, opts snapshot.Options) ([]byte, *snapshot.Result) {
	t.Helper()
	opts.NoAnonymize = true
	var buf bytes.Buffer
	res, err := snapshot.Create(context.Background(), &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), res
}

// Registry opens a registry of staging copies in a new temporary directory.
func Registry(t testing.TB) *registry.Registry {
	t.Helper()
	reg, err := registry.Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// LoadEntries loads every db/ entry of an archive, in archive order, into
// database db with the plain mariadb client, the way a person would by
// hand: each entry in a client, and so a connection, of its own.
func LoadEntries(t testing.TB, srv *mariadbtest.Server, db string, data []byte) {
	t.Helper()
	r, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		e, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.Name, archive.DBPrefix) {
			continue
		}
		sql, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		srv.Exec(t, db, string(sql))
	}
}

// Text returns every entry of an archive, concatenated: what a grep of the
// extracted archive sees.
func Text(t testing.TB, data []byte) string {
	t.Helper()
	ar, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	var all bytes.Buffer
	for {
		_, err := ar.Next()
		if err == io.EOF {
			return all.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(&all, ar); err != nil {
			t.Fatal(err)
		}
	}
}

// ReadGzip returns the text of a gzip file, such as a real CMS schema in
// testdata/cms.
func ReadGzip(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(b)
}
