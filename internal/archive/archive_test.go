package archive

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/mod/sumdb/tlog"
)

func fileEntry(name string, data []byte) Entry {
	sum := sha256.Sum256(data)
	return Entry{Name: name, Type: TypeFile, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Mode: 0o640}
}

type sample struct {
	name string
	data []byte
}

var samples = []sample{
	{"db/wp_users.schema.sql", []byte("CREATE TABLE `wp_users` (id int);\n")},
	{"db/wp_users.0001.sql", bytes.Repeat([]byte("INSERT INTO `wp_users` VALUES (1);\n"), 1000)},
	{"files/index.php", []byte("<?php echo 1;\n")},
	{"files/empty", nil},
}

// build writes an archive holding samples, a dir and a symlink.
func build(t testing.TB, level Level) ([]byte, *Manifest) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Header{SnapshotID: "0123456789abcdef", Tool: Tool{Name: "stagecopy", Version: "test"}}, WriterOptions{Level: level})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples[:2] {
		if err := w.Add(s.name, s.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteEntry(Entry{Name: "files/wp-content", Type: TypeDir, Mode: 0o755}, nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range samples[2:] {
		if err := w.WriteEntry(fileEntry(s.name, s.data), bytes.NewReader(s.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteEntry(Entry{Name: "files/latest", Type: TypeSymlink, Link: "wp-content"}, nil); err != nil {
		t.Fatal(err)
	}
	m := &Manifest{Tables: []TableStat{{Name: "wp_users", Rows: 1000}}}
	w.SetManifest(m)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func readAll(data []byte) (map[string][]byte, *Reader, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	got := map[string][]byte{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return got, r, nil
		}
		if err != nil {
			return got, r, err
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return got, r, err
		}
		got[e.Name] = b
	}
}

func TestRoundTrip(t *testing.T) {
	for _, level := range []Level{LevelFastest, LevelDefault, LevelBetter, LevelBest} {
		t.Run(string(level), func(t *testing.T) {
			data, m := build(t, level)
			got, r, err := readAll(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range samples {
				if !bytes.Equal(got[s.name], s.data) {
					t.Errorf("%s: content differs", s.name)
				}
			}
			if string(got["files/latest"]) != "wp-content" {
				t.Errorf("symlink content %q", got["files/latest"])
			}
			rm := r.Manifest()
			if rm == nil || rm.MerkleRoot != m.MerkleRoot || rm.EntryCount != 7 {
				t.Fatalf("manifest %+v, want root %s and 7 entries", rm, m.MerkleRoot)
			}
			if r.Header().SnapshotID != "0123456789abcdef" || r.Header().Format != FormatName {
				t.Errorf("header %+v", r.Header())
			}
		})
	}
}

// TestDefaultWindow checks that the default level compresses with zstd -3's
// window, which bounds what a decoder needs.
func TestDefaultWindow(t *testing.T) {
	for _, tc := range []struct {
		level Level
		want  uint64
	}{{LevelDefault, DefaultWindow}, {LevelBetter, 8 << 20}} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, Header{SnapshotID: "0123456789abcdef"}, WriterOptions{Level: tc.level})
		if err != nil {
			t.Fatal(err)
		}
		data := make([]byte, 3<<20)
		for i := range data {
			data[i] = byte(i * i >> 7)
		}
		if err := w.Add("db/t.0001.sql", data); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var fh zstd.Header
		if err := fh.Decode(buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		if fh.WindowSize != tc.want {
			t.Errorf("level %s: zstd window %d, want %d", tc.level, fh.WindowSize, tc.want)
		}
	}
}

// TestMerkleRootMatchesTlog checks our RFC 6962 tree hash against x/mod's.
func TestMerkleRootMatchesTlog(t *testing.T) {
	for n := 0; n <= 17; n++ {
		var entries []Entry
		var hashes []tlog.Hash
		for i := range n {
			e := fileEntry("files/f"+strings.Repeat("x", i), []byte{byte(i)})
			entries = append(entries, e)
			hashes = append(hashes, tlog.Hash(LeafHash(e)))
		}
		want := ""
		if n == 0 {
			s := sha256.Sum256(nil)
			want = hex.EncodeToString(s[:])
		} else {
			h, err := tlog.TreeHash(int64(n), hashReader(hashes))
			if err != nil {
				t.Fatal(err)
			}
			want = hex.EncodeToString(h[:])
		}
		if got := MerkleRoot(entries); got != want {
			t.Errorf("n=%d: root %s, tlog says %s", n, got, want)
		}
	}
}

// hashReader serves tlog.TreeHash from the leaves alone by computing any
// stored hash it asks for.
type hashReader []tlog.Hash

func (h hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	// Build all stored hashes the simple way.
	var stored []tlog.Hash
	for i, leaf := range h {
		hs, err := tlog.StoredHashesForRecordHash(int64(i), leaf, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for j, x := range idx {
				out[j] = stored[x]
			}
			return out, nil
		}))
		if err != nil {
			return nil, err
		}
		stored = append(stored, hs...)
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = stored[x]
	}
	return out, nil
}

func TestReadableWithStandardTools(t *testing.T) {
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Skip("zstd not installed")
	}
	data, _ := build(t, LevelDefault)
	p := filepath.Join(t.TempDir(), "a.tar.zst")
	os.WriteFile(p, data, 0o600)
	out, err := exec.Command("sh", "-c", "zstd -dc "+p+" | tar -tf -").CombinedOutput()
	if err != nil {
		t.Fatalf("zstd | tar: %v\n%s", err, out)
	}
	want := "stagecopy.json\ndb/wp_users.schema.sql\ndb/wp_users.0001.sql\nfiles/wp-content/\nfiles/index.php\nfiles/empty\nfiles/latest\nmanifest.json\n"
	if string(out) != want {
		t.Errorf("tar -t says\n%s\nwant\n%s", out, want)
	}
}

func TestTruncated(t *testing.T) {
	data, _ := build(t, LevelDefault)
	for _, n := range []int{len(data) - 1, len(data) - 40, len(data) / 2, 30} {
		_, _, err := readAll(data[:n])
		if err == nil {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(data))
		}
	}
}

// rebuild decompresses, lets edit change the tar stream, and recompresses.
func retar(t *testing.T, data []byte, edit func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte)) []byte {
	t.Helper()
	zr, err := zstd.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw, _ := zstd.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		hdr, body = edit(hdr.Name, hdr, body)
		if hdr == nil {
			continue
		}
		hdr.Size = int64(len(body))
		if hdr.Typeflag != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	zw.Close()
	return out.Bytes()
}

func TestFlippedByteNamesEntry(t *testing.T) {
	data, _ := build(t, LevelDefault)
	bad := retar(t, data, func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
		if name == "db/wp_users.0001.sql" {
			body = bytes.Clone(body)
			body[500] ^= 0x01
		}
		return hdr, body
	})
	_, _, err := readAll(bad)
	if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "db/wp_users.0001.sql") {
		t.Fatalf("got %v, want corruption error naming db/wp_users.0001.sql", err)
	}
}

func TestFlippedCompressedByte(t *testing.T) {
	data, _ := build(t, LevelDefault)
	// Any single flipped byte after the zstd frame header must be detected
	// (zstd's own checksum or ours).
	for _, i := range []int{len(data) / 3, len(data) / 2, len(data) - 10} {
		bad := bytes.Clone(data)
		bad[i] ^= 0x40
		if _, _, err := readAll(bad); err == nil {
			t.Errorf("byte %d flipped: no error", i)
		}
	}
}

func TestTrailer(t *testing.T) {
	data, _ := build(t, LevelDefault)
	cases := map[string]func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte){
		"missing": func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
			if name == ManifestName {
				return nil, nil
			}
			return hdr, body
		},
		"wrong hash": func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
			if name == ManifestName {
				var m Manifest
				json.Unmarshal(body, &m)
				m.Entries[2].SHA256 = strings.Repeat("0", 64)
				body, _ = json.Marshal(m)
			}
			return hdr, body
		},
		"wrong root": func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
			if name == ManifestName {
				var m Manifest
				json.Unmarshal(body, &m)
				m.MerkleRoot = strings.Repeat("0", 64)
				body, _ = json.Marshal(m)
			}
			return hdr, body
		},
		"entry dropped": func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
			if name == "files/index.php" {
				return nil, nil
			}
			return hdr, body
		},
		"not json": func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
			if name == ManifestName {
				return hdr, []byte("{not json")
			}
			return hdr, body
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := readAll(retar(t, data, edit))
			if err == nil {
				t.Fatal("no error")
			}
			if name == "missing" && !errors.Is(err, ErrMissingTrailer) {
				t.Errorf("got %v, want ErrMissingTrailer", err)
			}
			if name != "missing" && !errors.Is(err, ErrCorrupt) {
				t.Errorf("got %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestNotAnArchive(t *testing.T) {
	inputs := map[string][]byte{
		"text":      []byte("hello, this is not an archive\n"),
		"empty":     nil,
		"plain tar": plainTar(t),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(in))
			if !errors.Is(err, ErrNotArchive) {
				t.Fatalf("got %v, want ErrNotArchive", err)
			}
		})
	}
}

func plainTar(t *testing.T) []byte {
	var out bytes.Buffer
	zw, _ := zstd.NewWriter(&out)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "etc/passwd", Size: 3, Mode: 0o644, Typeflag: tar.TypeReg})
	tw.Write([]byte("abc"))
	tw.Close()
	zw.Close()
	return out.Bytes()
}

func TestInsecurePathsRejectedOnRead(t *testing.T) {
	data, _ := build(t, LevelDefault)
	for _, evil := range []string{"files/../../etc/passwd", "/etc/passwd", "files/a/../../x", "elsewhere/x", "files/a\\..\\b"} {
		t.Run(evil, func(t *testing.T) {
			bad := retar(t, data, func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
				if name == "files/index.php" {
					hdr.Name = evil
				}
				return hdr, body
			})
			_, _, err := readAll(bad)
			if !errors.Is(err, ErrInsecurePath) {
				t.Fatalf("got %v, want ErrInsecurePath", err)
			}
		})
	}
}

func TestWriterRejects(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Header{SnapshotID: "x"}, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add("../x", nil); !errors.Is(err, ErrInsecurePath) {
		t.Fatalf("got %v", err)
	}
	// Sticky: later calls fail too.
	if err := w.Add("db/ok.sql", nil); err == nil {
		t.Fatal("error not sticky")
	}
	w2, _ := NewWriter(&buf, Header{SnapshotID: "x"}, WriterOptions{})
	e := fileEntry("files/a", []byte("abc"))
	if err := w2.WriteEntry(e, strings.NewReader("abd")); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("hash change not caught: %v", err)
	}
	w3, _ := NewWriter(&buf, Header{SnapshotID: "x"}, WriterOptions{})
	if err := w3.WriteEntry(e, strings.NewReader("abcd")); err == nil {
		t.Fatal("size change not caught")
	}
	w4, _ := NewWriter(&buf, Header{SnapshotID: "x"}, WriterOptions{})
	w4.Add("db/a.sql", nil)
	if err := w4.Add("db/a.sql", nil); err == nil {
		t.Fatal("duplicate not caught")
	}
}

func TestOutput(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "missing", "a.tar.zst"), false); !errors.Is(err, ErrOutputDir) {
		t.Fatalf("missing dir: %v", err)
	}
	p := filepath.Join(dir, "a.tar.zst")
	o, err := Create(p, false)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("data"))
	o.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("abort left %v", ents)
	}
	o, _ = Create(p, false)
	o.Write([]byte("data"))
	if err := o.Commit([]byte("{}")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "data" {
		t.Fatalf("archive %q", b)
	}
	if b, _ := os.ReadFile(p + SidecarSuffix); string(b) != "{}" {
		t.Fatalf("sidecar %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("archive mode %v, want 0600", st.Mode())
	}
	if _, err := Create(p, false); err == nil {
		t.Fatal("overwrote existing archive")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("dir holds %v", ents)
	}
}

func TestCheckName(t *testing.T) {
	good := []string{"db/t.sql", "files/a/b.txt", "files/.htaccess", HeaderName, ManifestName, "files/dir/"}
	bad := []string{"", "/x", "db/../x", "files/./x", "files//x", "x", "db/", "files/a\x00b", "..", "files/.."}
	for _, n := range good {
		if err := CheckName(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	for _, n := range bad {
		if err := CheckName(n); err == nil {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestModTimeKept(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, Header{SnapshotID: "x"}, WriterOptions{})
	mt := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	e := fileEntry("files/a", []byte("a"))
	e.ModTime = mt
	w.WriteEntry(e, strings.NewReader("a"))
	w.Close()
	r, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !got.ModTime.Equal(mt) || got.Mode != 0o640 {
		t.Errorf("got %v %o", got.ModTime, got.Mode)
	}
}

// TestVerifyBeforeNext: Verify checks the current entry's hash on the spot,
// whether the caller read all of it or not, and Next does not fail on it a
// second time.
func TestVerifyBeforeNext(t *testing.T) {
	data, _ := build(t, LevelDefault)
	bad := retar(t, data, func(name string, hdr *tar.Header, body []byte) (*tar.Header, []byte) {
		if name == "db/wp_users.0001.sql" {
			body = bytes.Clone(body)
			body[len(body)-2] ^= 0x01
		}
		return hdr, body
	})
	for _, tc := range []struct {
		data []byte
		bad  bool
	}{{data, false}, {bad, true}} {
		r, err := NewReader(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatal(err)
		}
		r.Next() // schema
		if err := r.Verify(); err != nil {
			t.Fatalf("schema entry: %v", err)
		}
		if e, err := r.Next(); err != nil || e.Name != "db/wp_users.0001.sql" {
			t.Fatalf("next: %v %v", e, err)
		}
		io.CopyN(io.Discard, r, 100) // not all of it
		err = r.Verify()
		if tc.bad != (err != nil) || tc.bad && (!errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "db/wp_users.0001.sql")) {
			t.Fatalf("bad=%v: Verify gave %v", tc.bad, err)
		}
		if e, err := r.Next(); tc.bad != (err != nil) || !tc.bad && e.Name != "files/wp-content" {
			t.Fatalf("bad=%v: next after Verify: %v %v", tc.bad, e, err)
		}
		r.Close()
	}
}
