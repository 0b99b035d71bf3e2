package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
)

// The optional age layer (docs/format.md, "Encryption"): an encrypted archive
// is an age v1 file (https://age-encryption.org/v1) whose plaintext is the
// whole .tar.zst stream, byte for byte. age's STREAM construction
// authenticates every 64 KiB chunk and marks the last one, so a flipped byte
// fails at the chunk that holds it and a cut-short file fails at its end;
// Decrypt reports both as ErrCorrupt.
const (
	// AgeMagic opens every age file: its first line is AgeMagic + "\n".
	AgeMagic = "age-encryption.org/v1"
	// EncryptedSuffix is added to the name of an encrypted archive.
	EncryptedSuffix = ".age"
	// PerSnapshotLine is the first line of an identity file made for one
	// snapshot ('stagecopy keygen --age'). Restore records such a file in
	// the registry and purge destroys it; files without it (a support
	// team's long-term identity) are never recorded or destroyed.
	PerSnapshotLine = "# stagecopy per-snapshot age identity"
)

// Errors of Decrypt besides ErrCorrupt.
var (
	ErrNoIdentity    = errors.New("archive: encrypted, and no identity or passphrase was given to decrypt it")
	ErrWrongIdentity = errors.New("archive: encrypted, and nothing given decrypts it")
	ErrIdentityFile  = errors.New("archive: not an age identity file")
	ErrRecipient     = errors.New("archive: not an age recipient")
)

// Encrypt returns a writer that encrypts what is written to it for
// recipients and writes the age file to w. Close must be called: it seals
// and writes the last chunk (without it the file is truncated and will not
// decrypt); it does not close w.
func Encrypt(w io.Writer, recipients []age.Recipient) (io.WriteCloser, error) {
	if len(recipients) == 0 {
		return nil, errors.New("archive: encrypt: no recipients")
	}
	ew, err := age.Encrypt(w, recipients...)
	if err != nil {
		return nil, fmt.Errorf("archive: encrypt: %w", err)
	}
	return ew, nil
}

// ParseRecipients reads each argument as an age recipient (age1...) or, when
// it is not one, as a file of recipients, one a line, '#' comments allowed
// (the format of age -R).
func ParseRecipients(args []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, a := range args {
		if strings.HasPrefix(a, "age1") && !strings.ContainsAny(a, "/\\") {
			rs, err := age.ParseRecipients(strings.NewReader(a))
			if err != nil {
				return nil, fmt.Errorf("%w: %q: %v", ErrRecipient, a, err)
			}
			out = append(out, rs...)
			continue
		}
		data, err := os.ReadFile(a)
		if err != nil {
			return nil, fmt.Errorf("%w: %q is neither a recipient (age1...) nor a readable file: %w", ErrRecipient, a, err)
		}
		if bytes.Contains(data, []byte("AGE-SECRET-KEY-")) {
			// Never echo a secret key, and never encrypt to the wrong
			// party: the owner should only ever hold the public line.
			return nil, fmt.Errorf("%w: %s holds a secret key (AGE-SECRET-KEY-...): pass the age1... public key line instead", ErrRecipient, a)
		}
		rs, err := age.ParseRecipients(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrRecipient, a, err)
		}
		out = append(out, rs...)
	}
	return out, nil
}

// PassphraseRecipient encrypts with a passphrase (age's scrypt recipient,
// which must be the only recipient of a file).
func PassphraseRecipient(passphrase string) (age.Recipient, error) {
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, fmt.Errorf("archive: passphrase: %w", err)
	}
	if scryptWorkFactor > 0 {
		r.SetWorkFactor(scryptWorkFactor)
	}
	return r, nil
}

// scryptWorkFactor, when set (tests), replaces age's default (2^18, about
// a second per encryption or decryption).
var scryptWorkFactor int

// IdentityFile is an age identity file read for decryption.
type IdentityFile struct {
	// Path is the file's absolute path.
	Path string
	// PerSnapshot says the file starts with PerSnapshotLine.
	PerSnapshot bool
	ids         []age.Identity
}

// ReadIdentityFile reads an age identity file (the format of age -i:
// AGE-SECRET-KEY-1... lines, '#' comments).
func ReadIdentityFile(path string) (*IdentityFile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("archive: identity: %w", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrIdentityFile, path, err)
	}
	return &IdentityFile{Path: abs, PerSnapshot: IsPerSnapshot(data), ids: ids}, nil
}

// IsPerSnapshot reports whether the content of an identity file starts with
// PerSnapshotLine (a whole line).
func IsPerSnapshot(data []byte) bool {
	rest, ok := bytes.CutPrefix(data, []byte(PerSnapshotLine))
	return ok && (bytes.HasPrefix(rest, []byte("\n")) || bytes.HasPrefix(rest, []byte("\r\n")))
}

// GenerateIdentity writes a new X25519 age identity to path (mode 0600,
// never over an existing file) and returns its recipient, the age1... line
// to give the site owner. A per-snapshot file starts with PerSnapshotLine;
// then come age-keygen's "# created:" and "# public key:" lines and the
// secret key.
func GenerateIdentity(path string, perSnapshot bool) (string, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", fmt.Errorf("archive: generate identity: %w", err)
	}
	var b strings.Builder
	if perSnapshot {
		b.WriteString(PerSnapshotLine + "\n")
	}
	fmt.Fprintf(&b, "# created: %s\n", time.Now().Format(time.RFC3339))
	fmt.Fprintf(&b, "# public key: %s\n", id.Recipient())
	fmt.Fprintf(&b, "%s\n", id)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("archive: identity: %w", err)
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("archive: identity %s: %w", path, err)
	}
	return id.Recipient().String(), nil
}

// Keys are what Decrypt may use to open an encrypted archive.
type Keys struct {
	Identities []*IdentityFile
	// Passphrase, if set, is called only when the archive is
	// passphrase-encrypted (so a terminal prompt appears only then). Its
	// error is returned as is.
	Passphrase func() (string, error)
}

// Decryption says what Decrypt found.
type Decryption struct {
	// Encrypted is false for a plain .tar.zst stream.
	Encrypted bool
	// Passphrase says a passphrase opened it.
	Passphrase bool
	// Identity is the identity file that opened it, nil otherwise.
	Identity *IdentityFile
}

// Decrypt looks at the start of r: an age file is decrypted with keys, and
// the plaintext returned; anything else comes back unchanged (buffered).
// Errors are ErrNoIdentity, ErrWrongIdentity, ErrCorrupt (header damaged),
// or the Passphrase func's. The returned reader reports damage and
// truncation of the ciphertext as ErrCorrupt, and it authenticates the last
// chunk only when read to io.EOF: read it to the end before trusting the
// data as complete.
func Decrypt(r io.Reader, keys Keys) (io.Reader, Decryption, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(len(AgeMagic) + 1); string(head) != AgeMagic+"\n" {
		return br, Decryption{}, nil
	}
	d := Decryption{Encrypted: true}
	var ids []age.Identity
	for _, f := range keys.Identities {
		for _, id := range f.ids {
			ids = append(ids, &trackedIdentity{Identity: id, file: f, used: &d.Identity})
		}
	}
	if keys.Passphrase != nil {
		ids = append(ids, &lazyPassphrase{get: keys.Passphrase, used: &d.Passphrase})
	}
	if len(ids) == 0 {
		ids = append(ids, noIdentity{})
	}
	plain, err := age.Decrypt(br, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		var pe *passphraseError
		switch {
		case errors.As(err, &pe):
			return nil, d, pe.err
		case errors.As(err, &nm):
			return nil, d, noMatch(nm.StanzaTypes, keys)
		}
		return nil, d, fmt.Errorf("%w: age header: %v", ErrCorrupt, err)
	}
	return &decryptReader{r: plain}, d, nil
}

// noMatch says why nothing opened a file whose recipient stanzas are of
// the given types.
func noMatch(types []string, keys Keys) error {
	scrypt := 0
	for _, t := range types {
		if t == "scrypt" {
			scrypt++
		}
	}
	switch {
	case scrypt > 0 && keys.Passphrase == nil:
		return fmt.Errorf("%w (it is passphrase-encrypted)", ErrNoIdentity)
	case scrypt > 0:
		return fmt.Errorf("%w: wrong passphrase", ErrWrongIdentity)
	case len(keys.Identities) == 0:
		return fmt.Errorf("%w (it is encrypted to %d age recipient(s))", ErrNoIdentity, len(types))
	}
	names := make([]string, len(keys.Identities))
	for i, f := range keys.Identities {
		names[i] = f.Path
	}
	return fmt.Errorf("%w: it is encrypted to %d recipient(s) and no identity in %s matches", ErrWrongIdentity, len(types), strings.Join(names, ", "))
}

// trackedIdentity notes which identity file opened the archive.
type trackedIdentity struct {
	age.Identity
	file *IdentityFile
	used **IdentityFile
}

func (t *trackedIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	key, err := t.Identity.Unwrap(stanzas)
	if err == nil {
		*t.used = t.file
	}
	return key, err
}

// lazyPassphrase asks for the passphrase only for a passphrase-encrypted
// file.
type lazyPassphrase struct {
	get  func() (string, error)
	used *bool
}

type passphraseError struct{ err error }

func (p *passphraseError) Error() string { return p.err.Error() }

func (l *lazyPassphrase) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	found := false
	for _, s := range stanzas {
		found = found || s.Type == "scrypt"
	}
	if !found {
		return nil, age.ErrIncorrectIdentity
	}
	pass, err := l.get()
	if err != nil {
		return nil, &passphraseError{err}
	}
	id, err := age.NewScryptIdentity(pass)
	if err != nil {
		return nil, &passphraseError{fmt.Errorf("archive: passphrase: %w", err)}
	}
	key, err := id.Unwrap(stanzas)
	if err == nil {
		*l.used = true
	}
	return key, err
}

// noIdentity matches nothing: with it age still parses the header and says
// what kind of recipients the file has.
type noIdentity struct{}

func (noIdentity) Unwrap([]*age.Stanza) ([]byte, error) { return nil, age.ErrIncorrectIdentity }

// decryptReader turns age's payload errors into ErrCorrupt. Errors are
// sticky (age's reader keeps them too).
type decryptReader struct {
	r   io.Reader
	n   int64
	err error
}

func (d *decryptReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.r.Read(p)
	d.n += int64(n)
	switch {
	case err == nil, err == io.EOF:
		d.err = err
	case errors.Is(err, io.ErrUnexpectedEOF):
		d.err = &cipherError{fmt.Sprintf("encrypted archive ends early, after %d decrypted bytes (truncated?)", d.n)}
	default:
		d.err = &cipherError{fmt.Sprintf("encrypted archive, after %d decrypted bytes: %v", d.n, err)}
	}
	return n, d.err
}

// cipherError is ErrCorrupt without repeating its text, since the Reader
// that meets it wraps it in ErrCorrupt again.
type cipherError struct{ msg string }

func (c *cipherError) Error() string { return c.msg }
func (c *cipherError) Unwrap() error { return ErrCorrupt }
