package receipt

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Keys are encoded as golang.org/x/mod/sumdb/note encodes them, so one line
// can be pasted into a chat or an email and the same key signs both receipts
// (DSSE) and log checkpoints (signed notes):
//
//	public:  NAME+HASH+BASE64(0x01 || 32-byte Ed25519 public key)
//	private: PRIVATE+KEY+NAME+HASH+BASE64(0x01 || 32-byte Ed25519 seed)
//
// HASH is 8 hex digits: the first 4 bytes of SHA-256(NAME || "\n" || 0x01 ||
// public key), as note computes it.
const (
	privatePrefix = "PRIVATE+KEY+"
	algEd25519    = 1
	// PublicKeySuffix names the public key file GenerateKey writes beside
	// the private one.
	PublicKeySuffix = ".pub"
)

// ErrKey is wrapped by errors about malformed or unusable keys.
var ErrKey = errors.New("receipt: bad key")

// PublicKey verifies receipts and checkpoints.
type PublicKey struct {
	Name     string
	Key      ed25519.PublicKey
	line     string
	verifier note.Verifier
}

// PrivateKey signs receipts and checkpoints.
type PrivateKey struct {
	Name   string
	key    ed25519.PrivateKey
	signer note.Signer
	public *PublicKey
}

// String returns the one-line encoding.
func (k *PublicKey) String() string { return k.line }

// KeyID is the DSSE keyid: hex SHA-256 of the 32-byte public key.
func (k *PublicKey) KeyID() string {
	sum := sha256.Sum256(k.Key)
	return hex.EncodeToString(sum[:])
}

// Public returns the matching public key.
func (k *PrivateKey) Public() *PublicKey { return k.public }

// ParsePublicKey reads the one-line NAME+HASH+DATA encoding.
func ParsePublicKey(line string) (*PublicKey, error) {
	line = strings.TrimSpace(line)
	// Never echo the input: it may be a private key pasted by mistake.
	if strings.HasPrefix(line, privatePrefix) {
		return nil, fmt.Errorf("%w: this is a PRIVATE key; give the public key (the .pub file or the line 'stagecopy keygen' printed), and keep the private one secret", ErrKey)
	}
	v, err := note.NewVerifier(line)
	if err != nil {
		return nil, fmt.Errorf("%w: not a public key: %v (want NAME+HASH+BASE64, as printed by 'stagecopy keygen')", ErrKey, err)
	}
	name, hash, raw, err := splitKey(line)
	if err != nil {
		return nil, err
	}
	if len(raw) != 1+ed25519.PublicKeySize || raw[0] != algEd25519 {
		return nil, fmt.Errorf("%w: public key %s: not an Ed25519 key", ErrKey, name)
	}
	pub := ed25519.PublicKey(raw[1:])
	// Only the canonical encoding is accepted, so a key has one spelling.
	canon, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil || canon != line || hash != fmt.Sprintf("%08x", v.KeyHash()) {
		return nil, fmt.Errorf("%w: public key %s: not in canonical form", ErrKey, name)
	}
	return &PublicKey{Name: name, Key: pub, line: line, verifier: v}, nil
}

// LoadPublicKey takes either a public key line or the path of a file
// holding one.
func LoadPublicKey(arg string) (*PublicKey, error) {
	k, err := ParsePublicKey(arg)
	if err == nil || strings.HasPrefix(strings.TrimSpace(arg), privatePrefix) {
		return k, err
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is neither a public key line nor a readable file: %v", ErrKey, arg, err)
	}
	k, err = ParsePublicKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	return k, nil
}

// ParsePrivateKey reads the PRIVATE+KEY+NAME+HASH+DATA encoding.
func ParsePrivateKey(text string) (*PrivateKey, error) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, privatePrefix) {
		return nil, fmt.Errorf("%w: not a private key (want PRIVATE+KEY+NAME+HASH+BASE64, as written by 'stagecopy keygen')", ErrKey)
	}
	s, err := note.NewSigner(text)
	if err != nil {
		return nil, fmt.Errorf("%w: private key: %v", ErrKey, err)
	}
	name, _, raw, err := splitKey(strings.TrimPrefix(text, privatePrefix))
	if err != nil {
		return nil, err
	}
	if len(raw) != 1+ed25519.SeedSize || raw[0] != algEd25519 {
		return nil, fmt.Errorf("%w: private key %s: not an Ed25519 key", ErrKey, name)
	}
	priv := ed25519.NewKeyFromSeed(raw[1:])
	line, err := note.NewEd25519VerifierKey(name, priv.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, fmt.Errorf("%w: private key %s: %v", ErrKey, name, err)
	}
	pub, err := ParsePublicKey(line)
	if err != nil {
		return nil, err
	}
	if pub.verifier.KeyHash() != s.KeyHash() {
		return nil, fmt.Errorf("%w: private key %s: key hash does not match the key", ErrKey, name)
	}
	return &PrivateKey{Name: name, key: priv, signer: s, public: pub}, nil
}

// LoadPrivateKey reads a private key file. Like ssh, it refuses a file that
// others can read or write.
func LoadPrivateKey(path string) (*PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("receipt: private key: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("receipt: private key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: private key %s has mode %v: others may read it; run chmod 600 %s", ErrKey, path, st.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096)) // a key is ~100 bytes
	if err != nil {
		return nil, fmt.Errorf("receipt: private key: %w", err)
	}
	k, err := ParsePrivateKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

func splitKey(s string) (name, hash string, raw []byte, err error) {
	// The base64 data may itself contain '+': cut twice, as note does.
	name, rest, ok1 := strings.Cut(s, "+")
	hash, data, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 {
		return "", "", nil, fmt.Errorf("%w: want NAME+HASH+BASE64", ErrKey)
	}
	raw, err = b64.DecodeString(data)
	if err != nil {
		return "", "", nil, fmt.Errorf("%w: key %s: %v", ErrKey, name, err)
	}
	return name, hash, raw, nil
}

// GenerateKey makes a new Ed25519 key named name, writes the private key to
// path (mode 0600) and the public key line to path+PublicKeySuffix (0644),
// and returns the public key. It refuses to replace either file: a lost
// receipt key cannot be recovered, and a replaced one would orphan every
// receipt signed with it. Each file appears complete or not at all.
func GenerateKey(path, name string) (*PublicKey, error) {
	if name == "" || strings.ContainsAny(name, "+ \t\r\n") {
		return nil, fmt.Errorf("%w: key name %q: must be non-empty, without spaces or '+'", ErrKey, name)
	}
	pubPath := path + PublicKeySuffix
	for _, p := range []string{path, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("receipt: %s: %w", p, fs.ErrExist)
		}
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKey, err)
	}
	pub, err := ParsePublicKey(vkey)
	if err != nil {
		return nil, err
	}
	if err := writeNew(path, []byte(skey+"\n"), 0o600); err != nil {
		return nil, err
	}
	if err := writeNew(pubPath, []byte(vkey+"\n"), 0o644); err != nil {
		os.Remove(path)
		return nil, err
	}
	return pub, nil
}

// writeNew writes data to a temporary file and links it to path, which
// fails if path exists (no check-then-rename race), then drops the
// temporary name.
func writeNew(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("receipt: write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("receipt: write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
