package restore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/snapshot"
)

// identity makes an age identity file and returns it read back, with its
// recipient.
func identity(t *testing.T, perSnapshot bool) (*archive.IdentityFile, age.Recipient) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "id.key")
	rec, err := archive.GenerateIdentity(p, perSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	f, err := archive.ReadIdentityFile(p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.ParseX25519Recipient(rec)
	if err != nil {
		t.Fatal(err)
	}
	return f, r
}

// encrypt wraps a plain archive in age.
func encrypt(t *testing.T, plain []byte, rs ...age.Recipient) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := archive.Encrypt(&buf, rs)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRestoreEncrypted: Create encrypts as it streams, Restore opens it
// with the identity into real MariaDB, records the ciphertext's SHA-256 and
// the identity file only when it is a per-snapshot one.
func TestRestoreEncrypted(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, src, "../testdata/demo/demo.sql")
	for _, perSnapshot := range []bool{true, false} {
		id, rec := identity(t, perSnapshot)
		data, res := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql", FilesDir: "../testdata/demo/site",
			Recipients: []age.Recipient{rec}, Expires: 14 * 24 * time.Hour})
		if !res.Encrypted || !bytes.HasPrefix(data, []byte(archive.AgeMagic+"\n")) {
			t.Fatalf("not an age file: %q", data[:20])
		}
		if want := res.Header.Created.Add(14 * 24 * time.Hour); !res.Header.Expires.Equal(want) || !res.Manifest.Expires.Equal(want) ||
			!bytes.Contains(res.ManifestJSON, []byte(`"expires": "`+want.Format(time.RFC3339))) {
			t.Errorf("expiry: header %v, manifest %v, want %v", res.Header.Expires, res.Manifest.Expires, want)
		}
		reg := flowtest.Registry(t)
		name := mariadbtest.Name(t, "enc")
		out, err := Run(context.Background(), Options{
			Archive: bytes.NewReader(data), ArchivePath: "demo.tar.zst.age", Server: srv.Config(t, ""),
			Database: name, FilesDir: filepath.Join(t.TempDir(), "site"), Registry: reg, CMS: "none",
			Keys: archive.Keys{Identities: []*archive.IdentityFile{id}},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := srv.Checksums(t, name)
		delete(got, registry.MarkerTable)
		if want := srv.Checksums(t, src); !maps.Equal(want, got) {
			t.Fatalf("checksums differ\nsource   %v\nrestored %v", want, got)
		}
		sum := sha256.Sum256(data)
		e, err := reg.Get(context.Background(), out.Entry.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.ArchiveSHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("registry has sha256 %s, the encrypted file's is %x", e.ArchiveSHA256, sum)
		}
		m := sha256.Sum256(res.ManifestJSON)
		if e.ManifestSHA256 != hex.EncodeToString(m[:]) {
			t.Errorf("manifest sha256 %s, sidecar's %x", e.ManifestSHA256, m)
		}
		switch {
		case perSnapshot && e.IdentityFile != id.Path:
			t.Errorf("per-snapshot identity not recorded: %q", e.IdentityFile)
		case !perSnapshot && e.IdentityFile != "":
			t.Errorf("long-term identity recorded for destruction: %q", e.IdentityFile)
		}
		if !out.Decryption.Encrypted || out.Decryption.Identity != id || out.ExpiryIgnored || len(e.Notes) != 0 {
			t.Errorf("result %+v, notes %q", out.Decryption, e.Notes)
		}
	}
}

// TestRestoreEncryptedRefuses: no key, a wrong key, a flipped byte, a cut:
// nothing is left behind (the damage near the end is met after the
// database and files exist, so undo has to run).
func TestRestoreEncryptedRefuses(t *testing.T) {
	srv := mariadbtest.Start(t)
	id, rec := identity(t, true)
	wrong, _ := identity(t, true)
	noise := make([]byte, 1<<20)
	rand.Read(noise)
	good := encrypt(t, craft(t, archive.Header{},
		file("db/t.schema.sql", tSchema, 0), file("db/t.0001.sql", "INSERT INTO t VALUES (1,'a');\n", 0),
		file("files/index.php", "<?php echo 1;", 0), file("files/wp-content/noise.bin", string(noise), 0),
		file("files/wp-content/z.txt", "last", 0)), rec)
	flipped := bytes.Clone(good)
	flipped[len(flipped)-100] ^= 0x20
	mine := archive.Keys{Identities: []*archive.IdentityFile{id}}
	cases := []struct {
		name string
		data []byte
		keys archive.Keys
		want error
	}{
		{"no key", good, archive.Keys{}, archive.ErrNoIdentity},
		{"wrong key", good, archive.Keys{Identities: []*archive.IdentityFile{wrong}}, archive.ErrWrongIdentity},
		{"flipped byte", flipped, mine, archive.ErrCorrupt},
		{"truncated", good[:len(good)-(64<<10)], mine, archive.ErrCorrupt},
		{"last byte cut", good[:len(good)-1], mine, archive.ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg := flowtest.Registry(t)
			db := mariadbtest.Name(t, "encbad")
			dir := filepath.Join(t.TempDir(), "site")
			phases := map[string]bool{}
			_, err := Run(context.Background(), Options{Archive: bytes.NewReader(c.data), Server: srv.Config(t, ""),
				Database: db, FilesDir: dir, Registry: reg, CMS: "none", Keys: c.keys,
				Progress: func(p Progress) { phases[p.Phase] = true }})
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			t.Logf("error: %v", err)
			if c.want == archive.ErrCorrupt && !phases["files"] {
				t.Errorf("damage met before the files were being written (phases %v): undo is not exercised", phases)
			}
			nothingLeft(t, srv, db, dir, reg)
		})
	}
	// The good one restores, so the cases above failed for their damage.
	reg := flowtest.Registry(t)
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(good), Server: srv.Config(t, ""),
		Database: mariadbtest.Name(t, "encok"), FilesDir: filepath.Join(t.TempDir(), "site"), Registry: reg, CMS: "none", Keys: mine}); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreExpiry: an expired archive is refused before anything is made,
// unless IgnoreExpiry, which the registry records.
func TestRestoreExpiry(t *testing.T) {
	srv := mariadbtest.Start(t)
	expired := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	data := craft(t, archive.Header{Expires: expired}, file("db/t.schema.sql", tSchema, 0), file("db/t.0001.sql", "INSERT INTO t VALUES (1,'a');\n", 0))
	reg := flowtest.Registry(t)
	db := mariadbtest.Name(t, "expired")
	_, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: reg, CMS: "none"})
	if !errors.Is(err, ErrExpired) || !strings.Contains(err.Error(), expired.Format(time.RFC3339)) {
		t.Fatalf("expired archive: %v", err)
	}
	if srv.DatabaseExists(t, db) {
		t.Error("database made for an expired archive")
	}
	if l, _ := reg.List(context.Background()); len(l) != 0 {
		t.Errorf("registry keeps %v", l)
	}
	var warned []string
	res, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: reg, CMS: "none",
		IgnoreExpiry: true, Warn: func(s string) { warned = append(warned, s) }})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Get(context.Background(), res.Entry.ID)
	if !res.ExpiryIgnored || len(e.Notes) != 1 || !strings.Contains(e.Notes[0], "--ignore-expiry") || len(warned) != 3 || !strings.Contains(warned[2], "did NOT make this copy safe") {
		t.Errorf("ignored expiry not recorded: result %v, notes %q, warnings %q", res.ExpiryIgnored, e.Notes, warned)
	}
	// The copy carries the archive's expiry, past already: it is expired
	// from the start, and a warning says what removes it.
	if !e.Expires.Equal(expired) || !e.ArchiveExpires.Equal(expired) || e.OutlivesArchive || !res.ExpiryCapped ||
		!e.Expired(time.Now()) || !strings.Contains(warned[1], "purge --expired") {
		t.Errorf("copy of an expired archive: expires %v, archive %v, outlives %v, capped %v, warnings %q", e.Expires, e.ArchiveExpires, e.OutlivesArchive, res.ExpiryCapped, warned)
	}
	// Not yet expired: restored, nothing noted; a lifetime longer than
	// the archive's ends with the archive, one shorter is kept.
	fresh := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	data = craft(t, archive.Header{Expires: fresh}, file("db/t.schema.sql", tSchema, 0))
	res, err = Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: mariadbtest.Name(t, "fresh"), Registry: reg, CMS: "none", Expires: 14 * 24 * time.Hour})
	if err != nil || res.ExpiryIgnored || len(res.Entry.Notes) != 0 || !res.Entry.Expires.Equal(fresh) || !res.ExpiryCapped {
		t.Fatalf("fresh archive: %v %+v", err, res)
	}
	res, err = Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: mariadbtest.Name(t, "short"), Registry: reg, CMS: "none", Expires: time.Minute})
	if err != nil || res.ExpiryCapped || !res.Entry.Expires.Before(fresh) || res.Entry.Expires.Before(time.Now()) {
		t.Fatalf("a lifetime within the archive's: %v %+v", err, res)
	}
	// OutliveArchive: the lifetime asked for, and the registry says so.
	res, err = Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: mariadbtest.Name(t, "outlive"), Registry: reg, CMS: "none",
		Expires: 14 * 24 * time.Hour, OutliveArchive: true})
	if err != nil {
		t.Fatal(err)
	}
	e, _ = reg.Get(context.Background(), res.Entry.ID)
	if res.ExpiryCapped || !e.OutlivesArchive || !e.ArchiveExpires.Equal(fresh) || e.Expires.Before(time.Now().Add(13*24*time.Hour)) || len(e.Notes) != 1 {
		t.Errorf("--outlive-archive: %+v", e)
	}
}
