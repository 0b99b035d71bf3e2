// The password transformer: replaces a password hash with a valid hash, in
// the same format, of a password nobody knows (or of a given one). The
// formats, and how each is read and written, are internal/passhash's.

package anonymize

import (
	"encoding/base64"
	"fmt"
	"sync"

	"github.com/stagecopy/stagecopy/internal/passhash"
)

func init() {
	register(&transformer{
		name:  "password",
		fake:  true,
		keyed: true,
		opts: []option{{
			name:    "password",
			kind:    optString,
			accepts: fmt.Sprintf("the plain password every hash should verify: 1 to %d bytes, no NUL, no leading or trailing white space", passhash.MaxPlain),
			check:   func(v any) error { return passhash.CheckPlain([]byte(v.(string))) },
		}},
		describe: func(o opts) string {
			what := "a password nobody knows (derived from the secret; one hash per format and run, so every user of a format gets the same hash)"
			if p, ok := o["password"]; ok {
				what = fmt.Sprintf("the password %q", p)
			}
			return "replaces a password hash with a valid hash of " + what + " in the same format: phpass $P$/$H$, bcrypt $2y$/$2a$/$2b$ (cost kept, at most 10), WordPress 6.8 $wp$, Drupal 7 $S$, Magento hash:salt:version (written as SHA-256, version 1), md5/sha1/sha256 hex; argon2 becomes bcrypt, anything else an md5 hex; empty stays empty"
		},
		build: func(o opts, k *Keyer) (Transformer, error) {
			t := &passwordFake{k: k}
			if p, ok := o["password"]; ok {
				t.plain = []byte(p.(string))
			}
			return t, nil
		},
	})
}

// fakePasswordLn is the length of the derived password.
const fakePasswordLn = 20

type passwordFake struct {
	k     *Keyer
	plain []byte   // the given password, or nil for a derived one
	cache sync.Map // format setting -> hash
}

// Transform returns a hash in the input's format. Every input with the same
// format and cost gets the same hash, computed once per run: of the password
// option when given, otherwise of a 20-character password derived from the
// secret, which nobody knows (the secret is never stored). Hashing each row
// anew would cost a bcrypt or phpass computation per user (tens of
// milliseconds), while a per-row hash of an unknowable password tells
// nothing more than one shared hash does. The hash's salt is derived from
// the secret, the format and the password, so one secret gives one archive.
func (t *passwordFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	v := trimASCIISpace(in)
	pw := t.plain
	if pw == nil {
		s := t.k.Sum("password", nil)
		var buf [fakePasswordLn]byte
		base64.RawURLEncoding.Encode(buf[:], s[:15])
		pw = buf[:]
	}
	f := passhash.Detect(v)
	key := f.Setting()
	var out []byte
	if h, ok := t.cache.Load(key); ok {
		out = h.([]byte)
	} else {
		salt := t.k.Sum("password-salt", append([]byte(key+"\x00"), pw...))
		out = f.Hash(pw, salt)
		t.cache.Store(key, out)
	}
	if !fits(col, out) {
		return nil, false, errTooLong("password hash ("+f.Name()+")", len(out), col)
	}
	return out[:len(out):len(out)], false, nil
}
