package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/stagecopy/stagecopy/internal/countio"
)

// Verifier reads a stored archive whole: it decrypts it when it is
// encrypted, checks every entry and the manifest as Reader does, and hashes
// every stored byte, so that its digest is the file's own SHA-256: the one
// the owner quotes and a deletion receipt names. Read the entries with Next
// and Read, then call Finish. Verify, restore and purge all read archives
// through it.
type Verifier struct {
	*Reader
	sum    hash.Hash
	stored *countio.Reader
	plain  io.Reader
	dec    Decryption
}

// Open starts reading the stored archive in r, decrypting it with keys when
// it is encrypted, and checks its header.
func Open(r io.Reader, keys Keys) (*Verifier, error) {
	v := &Verifier{sum: sha256.New()}
	v.stored = &countio.Reader{R: io.TeeReader(r, v.sum)}
	plain, dec, err := Decrypt(v.stored, keys)
	if err != nil {
		return nil, err
	}
	v.plain, v.dec = plain, dec
	ar, err := NewReader(plain)
	if err != nil {
		return nil, err
	}
	v.Reader = ar
	return v, nil
}

// Decryption says whether and how the archive was decrypted.
func (v *Verifier) Decryption() Decryption { return v.dec }

// Stored returns how many stored (compressed, maybe encrypted) bytes have
// been read so far.
func (v *Verifier) Stored() int64 { return v.stored.N }

// Finish reads what follows the manifest, once Next has returned io.EOF
// (Next has checked that nothing but the tar stream's end follows it): for
// an encrypted archive age's last chunk, which is authenticated only now.
// It returns the SHA-256 of every stored byte, in hex.
func (v *Verifier) Finish() (string, error) {
	if v.Reader.manifest == nil {
		return "", fmt.Errorf("%w: Finish before the manifest was read", ErrCorrupt)
	}
	if _, err := io.Copy(io.Discard, v.plain); err != nil {
		return "", err
	}
	if _, err := io.Copy(io.Discard, v.stored); err != nil {
		return "", err
	}
	return hex.EncodeToString(v.sum.Sum(nil)), nil
}
