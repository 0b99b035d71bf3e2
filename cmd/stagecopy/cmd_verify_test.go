package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// recompress decompresses an archive, lets edit change the raw tar bytes,
// and writes the recompressed result to a new file.
func recompress(t *testing.T, src, dst string, edit func(tarBytes []byte) []byte) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zstd.NewReader(nil)
	raw, err := zr.DecodeAll(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := zstd.NewWriter(nil)
	if err := os.WriteFile(dst, zw.EncodeAll(edit(raw), nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyBadArchives(t *testing.T) {
	dir := t.TempDir()
	good := snapDemo(t, dir)
	data, _ := os.ReadFile(good)
	bad := filepath.Join(t.TempDir(), "bad.tar.zst")

	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{len(data) - 1, len(data) / 2, 100} {
			os.WriteFile(bad, data[:n], 0o600)
			code, _, stderr := runCLI(t, "verify", bad)
			if code != exitCorrupt || !strings.Contains(stderr, "hint:") {
				t.Fatalf("truncated to %d: code %d %q", n, code, stderr)
			}
		}
	})
	t.Run("flipped byte names the entry", func(t *testing.T) {
		recompress(t, good, bad, func(raw []byte) []byte {
			i := bytes.Index(raw, []byte("INSERT INTO `wp_users` VALUES"))
			if i < 0 {
				t.Fatal("no wp_users data in archive")
			}
			raw[i+40] ^= 0x01
			return raw
		})
		code, _, stderr := runCLI(t, "verify", bad)
		if code != exitCorrupt || !strings.Contains(stderr, "db/wp_users.0001.sql") || !strings.Contains(stderr, "SHA-256 mismatch") {
			t.Fatalf("code %d %q", code, stderr)
		}
	})
	t.Run("flipped compressed byte", func(t *testing.T) {
		b := bytes.Clone(data)
		b[len(b)/2] ^= 0x10
		os.WriteFile(bad, b, 0o600)
		if code, _, stderr := runCLI(t, "verify", bad); code != exitCorrupt {
			t.Fatalf("code %d %q", code, stderr)
		}
	})
	t.Run("missing trailer", func(t *testing.T) {
		recompress(t, good, bad, func(raw []byte) []byte {
			i := bytes.LastIndex(raw, []byte("manifest.json\x00"))
			// Cut at the manifest's tar header block and end the tar properly.
			i -= i % 512
			return append(raw[:i:i], make([]byte, 1024)...)
		})
		code, _, stderr := runCLI(t, "verify", bad)
		if code != exitCorrupt || !strings.Contains(stderr, "manifest trailer missing") {
			t.Fatalf("code %d %q", code, stderr)
		}
	})
	t.Run("wrong trailer", func(t *testing.T) {
		recompress(t, good, bad, func(raw []byte) []byte {
			i := bytes.LastIndex(raw, []byte(`"merkle_root": "`)) + len(`"merkle_root": "`)
			if raw[i] == '0' {
				raw[i] = '1'
			} else {
				raw[i] = '0'
			}
			return raw
		})
		code, _, stderr := runCLI(t, "verify", bad)
		if code != exitCorrupt || !strings.Contains(stderr, "manifest trailer") {
			t.Fatalf("code %d %q", code, stderr)
		}
	})
	t.Run("not an archive", func(t *testing.T) {
		os.WriteFile(bad, []byte("hello\n"), 0o600)
		code, _, stderr := runCLI(t, "verify", bad)
		if code != exitError || !strings.Contains(stderr, "not a stagecopy archive") || !strings.Contains(stderr, "hint:") {
			t.Fatalf("code %d %q", code, stderr)
		}
	})
	t.Run("path escaping the archive", func(t *testing.T) {
		recompress(t, good, bad, func(raw []byte) []byte {
			return rename(t, raw, "files/index.php", "files/../../x.php")
		})
		code, _, stderr := runCLI(t, "verify", bad)
		if code != exitCorrupt || !strings.Contains(stderr, "insecure entry path") {
			t.Fatalf("code %d %q", code, stderr)
		}
		recompress(t, good, bad, func(raw []byte) []byte {
			return rename(t, raw, "files/index.php", "/tmp/evil/x.php")
		})
		code, _, stderr = runCLI(t, "verify", bad)
		if code != exitCorrupt || !strings.Contains(stderr, "absolute path") {
			t.Fatalf("code %d %q", code, stderr)
		}
	})
	t.Run("other owner manifest", func(t *testing.T) {
		other := snapDemo(t, t.TempDir())
		code, _, stderr := runCLI(t, "verify", "--manifest", other+".manifest.json", good)
		if code != exitCorrupt || !strings.Contains(stderr, "does not match the owner's manifest") {
			t.Fatalf("code %d %q", code, stderr)
		}
	})
}

// rename rewrites an entry's name inside a raw tar stream (ustar name field
// and header checksum), keeping its length within the 100-byte field.
func rename(t *testing.T, raw []byte, from, to string) []byte {
	t.Helper()
	i := bytes.Index(raw, append([]byte(from), 0))
	if i < 0 || i%512 != 0 {
		t.Fatalf("%s not found at a header", from)
	}
	hdr := raw[i : i+512]
	copy(hdr[0:100], make([]byte, 100))
	copy(hdr[0:100], to)
	// Recompute the checksum: sum of bytes with the field as spaces.
	copy(hdr[148:156], "        ")
	sum := 0
	for _, b := range hdr {
		sum += int(b)
	}
	copy(hdr[148:156], []byte(strings.Repeat("0", 6-len(octal(sum)))+octal(sum)+"\x00 "))
	return raw
}

func octal(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%8)) + s
		n /= 8
	}
	return s
}
