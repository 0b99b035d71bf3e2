package archive

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

func init() {
	// age's default scrypt work factor costs about a second per call.
	scryptWorkFactor = 10
}

// encrypted writes an archive holding the samples and, when big is set,
// 200 KiB of random bytes (four age chunks: incompressible) through Encrypt.
func encrypted(t *testing.T, big bool, rs ...age.Recipient) (ciphertext []byte, plain map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	ew, err := Encrypt(&buf, rs)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(ew, Header{SnapshotID: "0123456789abcdef"}, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plain = map[string][]byte{}
	add := func(name string, data []byte) {
		if err := w.Add(name, data); err != nil {
			t.Fatal(err)
		}
		plain[name] = data
	}
	for _, s := range samples {
		add(s.name, s.data)
	}
	if big {
		noise := make([]byte, 200<<10)
		rand.Read(noise)
		add("files/noise.bin", noise)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), plain
}

// openAll decrypts and reads a whole archive to the end, as restore does.
func openAll(data []byte, keys Keys) (map[string][]byte, Decryption, error) {
	plain, d, err := Decrypt(bytes.NewReader(data), keys)
	if err != nil {
		return nil, d, err
	}
	r, err := NewReader(plain)
	if err != nil {
		return nil, d, err
	}
	defer r.Close()
	got := map[string][]byte{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return got, d, err
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return got, d, err
		}
		got[e.Name] = b
	}
	_, err = io.Copy(io.Discard, plain)
	return got, d, err
}

func newIdentity(t *testing.T, perSnapshot bool) (*IdentityFile, age.Recipient) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "id.key")
	rec, err := GenerateIdentity(p, perSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ReadIdentityFile(p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.ParseX25519Recipient(rec)
	if err != nil {
		t.Fatal(err)
	}
	return f, r
}

func sameContent(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s: %d bytes back, want %d", name, len(got[name]), len(w))
		}
	}
}

func TestEncryptRoundTrip(t *testing.T) {
	other, otherRec := newIdentity(t, false)
	mine, myRec := newIdentity(t, true)
	data, want := encrypted(t, true, otherRec, myRec)
	if !bytes.HasPrefix(data, []byte(AgeMagic+"\n")) {
		t.Fatalf("starts with %q", data[:30])
	}
	for _, w := range want {
		// No plaintext is visible in the ciphertext.
		if len(w) > 16 && bytes.Contains(data, w[:16]) {
			t.Fatal("plaintext in the encrypted archive")
		}
	}
	got, d, err := openAll(data, Keys{Identities: []*IdentityFile{mine}})
	if err != nil {
		t.Fatal(err)
	}
	sameContent(t, got, want)
	if !d.Encrypted || d.Passphrase || d.Identity != mine || !mine.PerSnapshot {
		t.Errorf("decryption %+v", d)
	}
	// With both, the file that opens it is the one named: the first
	// recipient stanza is other's, so age tries it first.
	_, d, err = openAll(data, Keys{Identities: []*IdentityFile{mine, other}})
	if err != nil || d.Identity == nil {
		t.Fatalf("%+v %v", d, err)
	}
	_, d, err = openAll(data, Keys{Identities: []*IdentityFile{other}})
	if err != nil || d.Identity != other || other.PerSnapshot {
		t.Fatalf("other: %+v %v", d, err)
	}
}

func TestEncryptPassphrase(t *testing.T) {
	r, err := PassphraseRecipient("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	data, want := encrypted(t, false, r)
	asked := 0
	pass := func(p string) func() (string, error) {
		return func() (string, error) { asked++; return p, nil }
	}
	got, d, err := openAll(data, Keys{Passphrase: pass("correct horse")})
	if err != nil {
		t.Fatal(err)
	}
	sameContent(t, got, want)
	if !d.Passphrase || d.Identity != nil || asked != 1 {
		t.Errorf("decryption %+v, asked %d times", d, asked)
	}
	if _, _, err := Decrypt(bytes.NewReader(data), Keys{Passphrase: pass("wrong")}); !errors.Is(err, ErrWrongIdentity) {
		t.Errorf("wrong passphrase: %v", err)
	}
	id, _ := newIdentity(t, true)
	if _, _, err := Decrypt(bytes.NewReader(data), Keys{Identities: []*IdentityFile{id}}); !errors.Is(err, ErrNoIdentity) || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("identity for a passphrase archive: %v", err)
	}
	// The passphrase is not asked for an archive encrypted to a recipient.
	_, rec := newIdentity(t, true)
	data, _ = encrypted(t, false, rec)
	asked = 0
	if _, _, err := Decrypt(bytes.NewReader(data), Keys{Passphrase: pass("x")}); !errors.Is(err, ErrNoIdentity) || asked != 0 {
		t.Errorf("recipient archive, passphrase only: asked %d, %v", asked, err)
	}
	// The passphrase func's own error comes back as it is.
	r, _ = PassphraseRecipient("p")
	data, _ = encrypted(t, false, r)
	boom := errors.New("no terminal")
	if _, _, err := Decrypt(bytes.NewReader(data), Keys{Passphrase: func() (string, error) { return "", boom }}); err != boom {
		t.Errorf("passphrase error: %v", err)
	}
}

func TestDecryptKeys(t *testing.T) {
	_, rec := newIdentity(t, true)
	wrong, _ := newIdentity(t, true)
	data, _ := encrypted(t, false, rec)
	if _, _, err := Decrypt(bytes.NewReader(data), Keys{}); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("no keys: %v", err)
	}
	if _, _, err := Decrypt(bytes.NewReader(data), Keys{Identities: []*IdentityFile{wrong}}); !errors.Is(err, ErrWrongIdentity) || !strings.Contains(err.Error(), wrong.Path) {
		t.Errorf("wrong key: %v", err)
	}
	// A plain archive passes through untouched, keys or not.
	plain, _ := build(t, LevelDefault)
	r, d, err := Decrypt(bytes.NewReader(plain), Keys{Identities: []*IdentityFile{wrong}})
	if err != nil || d.Encrypted {
		t.Fatalf("plain: %+v %v", d, err)
	}
	if b, _ := io.ReadAll(r); !bytes.Equal(b, plain) {
		t.Error("plain archive changed")
	}
	for _, in := range [][]byte{nil, []byte("age"), []byte(AgeMagic)} {
		if r, d, err := Decrypt(bytes.NewReader(in), Keys{}); err != nil || d.Encrypted {
			t.Errorf("%q: %+v %v", in, d, err)
		} else if b, _ := io.ReadAll(r); !bytes.Equal(b, in) {
			t.Errorf("%q came back as %q", in, b)
		}
	}
}

// TestDecryptDamage: age authenticates every 64 KiB chunk and the end, so
// any flipped byte, cut or addition is ErrCorrupt (never wrong data), and
// in a payload chunk it is met no later than that chunk.
func TestDecryptDamage(t *testing.T) {
	id, rec := newIdentity(t, true)
	keys := Keys{Identities: []*IdentityFile{id}}
	data, _ := encrypted(t, true, rec)
	hdrEnd := bytes.Index(data, []byte("\n--- ")) + 1
	hdrEnd += bytes.IndexByte(data[hdrEnd:], '\n') + 1
	payload := hdrEnd + 16 // the nonce
	const chunk = 64<<10 + 16
	if len(data)-payload < 3*chunk {
		t.Fatalf("payload of %d bytes: want several chunks", len(data)-payload)
	}
	flips := map[string]int{
		"header MAC":   hdrEnd - 5,
		"nonce":        hdrEnd + 3,
		"first chunk":  payload + 100,
		"second chunk": payload + chunk + 7,
		"last byte":    len(data) - 1,
	}
	for name, at := range flips {
		t.Run("flip "+name, func(t *testing.T) {
			bad := bytes.Clone(data)
			bad[at] ^= 0x01
			if _, _, err := openAll(bad, keys); !errors.Is(err, ErrCorrupt) {
				t.Errorf("flip at %d: %v", at, err)
			}
		})
	}
	cuts := map[string][]byte{
		"at a chunk boundary": data[:payload+2*chunk],
		"mid chunk":           data[:payload+chunk+500],
		"last byte":           data[:len(data)-1],
		"inside the header":   data[:hdrEnd-10],
		"trailing data":       append(bytes.Clone(data), 0),
	}
	for name, bad := range cuts {
		t.Run("cut "+name, func(t *testing.T) {
			if _, _, err := openAll(bad, keys); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%d of %d bytes: %v", len(bad), len(data), err)
			}
		})
	}
}

func TestGenerateIdentity(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "snap.key")
	rec, err := GenerateIdentity(p, true)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 4 || lines[0] != PerSnapshotLine || !strings.HasPrefix(lines[1], "# created: ") ||
		lines[2] != "# public key: "+rec || !strings.HasPrefix(lines[3], "AGE-SECRET-KEY-1") {
		t.Fatalf("identity file:\n%s", data)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	if _, err := GenerateIdentity(p, true); err == nil {
		t.Fatal("overwrote an identity")
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(after, data) {
		t.Fatal("identity changed")
	}
	lt := filepath.Join(dir, "team.key")
	if _, err := GenerateIdentity(lt, false); err != nil {
		t.Fatal(err)
	}
	if f, err := ReadIdentityFile(lt); err != nil || f.PerSnapshot {
		t.Fatalf("long-term: %+v %v", f, err)
	}
	if f, err := ReadIdentityFile(p); err != nil || !f.PerSnapshot || !filepath.IsAbs(f.Path) {
		t.Fatalf("per-snapshot: %+v %v", f, err)
	}
	for content, want := range map[string]bool{
		PerSnapshotLine + "\n":             true,
		PerSnapshotLine + "\r\n":           true,
		PerSnapshotLine + " not\n":         false,
		"\n" + PerSnapshotLine + "\n":      false,
		"# created: x\n" + PerSnapshotLine: false,
		PerSnapshotLine:                    false,
	} {
		if IsPerSnapshot([]byte(content)) != want {
			t.Errorf("IsPerSnapshot(%q) != %v", content, want)
		}
	}
	if _, err := ReadIdentityFile(filepath.Join(dir, "nope")); err == nil {
		t.Error("missing identity file read")
	}
	os.WriteFile(filepath.Join(dir, "pub"), []byte(rec+"\n"), 0o600)
	if _, err := ReadIdentityFile(filepath.Join(dir, "pub")); !errors.Is(err, ErrIdentityFile) {
		t.Errorf("recipient as identity: %v", err)
	}
}

func TestParseRecipients(t *testing.T) {
	dir := t.TempDir()
	_, r1 := newIdentity(t, true)
	_, r2 := newIdentity(t, true)
	s1, s2 := r1.(*age.X25519Recipient).String(), r2.(*age.X25519Recipient).String()
	list := filepath.Join(dir, "recipients.txt")
	os.WriteFile(list, []byte("# support team\n"+s2+"\n\n"), 0o644)
	rs, err := ParseRecipients([]string{s1, list})
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d recipients, %v", len(rs), err)
	}
	secret := filepath.Join(dir, "id.key")
	GenerateIdentity(secret, true)
	key, _ := os.ReadFile(secret)
	for _, bad := range []string{"age1nope", filepath.Join(dir, "missing"), secret, "ssh-ed25519 AAAA"} {
		_, err := ParseRecipients([]string{bad})
		if !errors.Is(err, ErrRecipient) {
			t.Errorf("%q: %v", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), "AGE-SECRET-KEY-1") {
			t.Errorf("error shows the secret key: %v", err)
		}
	}
	_ = key
}
