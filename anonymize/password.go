// The password transformer: replaces a password hash with a valid hash, in
// the same format, of a password nobody knows (or of a given one).

package anonymize

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
)

func init() {
	register(&transformer{
		name:  "password",
		keyed: true,
		opts: []option{{
			name:    "password",
			kind:    optString,
			accepts: "the plain password every hash should verify: 1 to 72 bytes, no NUL, no leading or trailing white space",
			check:   checkPlainPassword,
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

func checkPlainPassword(v any) error {
	p := v.(string)
	switch {
	case p == "":
		return fmt.Errorf("the password is empty")
	case len(p) > bcryptMaxInput:
		return fmt.Errorf("the password is %d bytes; bcrypt uses only the first %d, so at most %d are allowed", len(p), bcryptMaxInput, bcryptMaxInput)
	case strings.IndexByte(p, 0) >= 0:
		return fmt.Errorf("the password contains a NUL byte")
	case strings.TrimSpace(p) != p:
		return fmt.Errorf("the password has leading or trailing white space, which WordPress trims when it hashes")
	}
	return nil
}

// Caps on the work factors of the fakes, so that a large user table stays
// fast to anonymize. Inputs with lower factors keep theirs.
const (
	maxBcryptCost  = 10 // 2^10 rounds: WordPress, PrestaShop and PHP default
	maxPhpassLog2  = 13 // 2^13 MD5 rounds: what WordPress writes ($P$B)
	maxDrupalLog2  = 15 // 2^15 SHA-512 rounds: Drupal 7's default ($S$D)
	minPhpassLog2  = 7
	fakePasswordLn = 20
)

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
// nothing more than one shared hash does.
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
	f := detectHash(v)
	key := f.setting()
	var out []byte
	if h, ok := t.cache.Load(key); ok {
		out = h.([]byte)
	} else {
		salt := t.k.Sum("password-salt", append([]byte(key+"\x00"), pw...))
		out = f.hash(pw, salt)
		t.cache.Store(key, out)
	}
	if !fits(col, out) {
		return nil, false, errTooLong("password hash ("+f.name()+")", len(out), col)
	}
	return out[:len(out):len(out)], false, nil
}

// hashFormat is a recognized password hash format with its parameters.
type hashFormat struct {
	kind   hashKind
	prefix string // bcrypt "2y"; phpass "$P$"
	cost   int    // bcrypt cost; phpass/drupal log2 rounds; magento1 salt length
	upper  bool   // hex digests in upper case
}

type hashKind int

const (
	hashMD5Hex hashKind = iota // also the fallback for unknown formats
	hashSHA1Hex
	hashSHA256Hex
	hashBcrypt
	hashWordPress // $wp$2y$...
	hashPhpass
	hashDrupal
	hashMagento2
	hashMagento1
)

func (f hashFormat) name() string {
	switch f.kind {
	case hashSHA1Hex:
		return "sha1 hex"
	case hashSHA256Hex:
		return "sha256 hex"
	case hashBcrypt:
		return "bcrypt"
	case hashWordPress:
		return "WordPress bcrypt"
	case hashPhpass:
		return "phpass"
	case hashDrupal:
		return "Drupal 7"
	case hashMagento2:
		return "Magento 2"
	case hashMagento1:
		return "Magento 1"
	}
	return "md5 hex"
}

// setting identifies the format and parameters, as a cache key.
func (f hashFormat) setting() string {
	return fmt.Sprintf("%d:%s:%d:%v", f.kind, f.prefix, f.cost, f.upper)
}

func detectHash(h []byte) hashFormat {
	s := string(h)
	switch {
	case strings.HasPrefix(s, "$wp$"):
		if prefix, cost, _, ok := parseBcrypt(h[3:]); ok {
			return hashFormat{kind: hashWordPress, prefix: prefix, cost: capInt(cost, bcryptMinCost, maxBcryptCost)}
		}
	case strings.HasPrefix(s, "$2"):
		if prefix, cost, _, ok := parseBcrypt(h); ok {
			return hashFormat{kind: hashBcrypt, prefix: prefix, cost: capInt(cost, bcryptMinCost, maxBcryptCost)}
		}
	case len(s) == 34 && (strings.HasPrefix(s, "$P$") || strings.HasPrefix(s, "$H$")):
		if n := strings.IndexByte(itoa64, s[3]); n >= 0 {
			return hashFormat{kind: hashPhpass, prefix: s[:3], cost: capInt(n, minPhpassLog2, maxPhpassLog2)}
		}
	case (len(s) == 55 && strings.HasPrefix(s, "$S$")) || (len(s) == 56 && strings.HasPrefix(s, "U$S$")):
		if n := strings.IndexByte(itoa64, s[len(s)-52]); n >= 0 {
			return hashFormat{kind: hashDrupal, prefix: "$S$", cost: capInt(n, minPhpassLog2, maxDrupalLog2)}
		}
	case strings.HasPrefix(s, "$argon2i$"), strings.HasPrefix(s, "$argon2id$"):
		// PHP's password_verify reads bcrypt as well; there is no argon2
		// in the standard library.
		return hashFormat{kind: hashBcrypt, prefix: "2y", cost: maxBcryptCost}
	}
	if parts := strings.Split(s, ":"); len(parts) >= 2 && parts[1] != "" {
		switch {
		case len(parts) >= 3 && len(parts[0]) == 64 && isHex(parts[0]):
			return hashFormat{kind: hashMagento2}
		case len(parts) == 2 && len(parts[0]) == 32 && isHex(parts[0]) && len(parts[1]) <= 64:
			return hashFormat{kind: hashMagento1, cost: len(parts[1]), upper: isUpperHex(parts[0])}
		}
	}
	if isHex(s) {
		switch len(s) {
		case 40:
			return hashFormat{kind: hashSHA1Hex, upper: isUpperHex(s)}
		case 64:
			return hashFormat{kind: hashSHA256Hex, upper: isUpperHex(s)}
		case 32:
			return hashFormat{kind: hashMD5Hex, upper: isUpperHex(s)}
		}
	}
	return hashFormat{kind: hashMD5Hex}
}

func capInt(n, lo, hi int) int { return max(lo, min(n, hi)) }

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return s != ""
}

func isUpperHex(s string) bool {
	return strings.ContainsAny(s, "ABCDEF") && !strings.ContainsAny(s, "abcdef")
}

// hash computes the hash of pw in format f, with salts drawn from salt.
func (f hashFormat) hash(pw []byte, salt [32]byte) []byte {
	switch f.kind {
	case hashBcrypt:
		prefix := f.prefix
		if prefix == "2x" && !isASCII(pw) {
			prefix = "2y" // $2x$ marks the old sign-extension bug
		}
		return bcryptHash(prefix, pw, f.cost, salt[:bcryptSaltLen])
	case hashWordPress:
		mac := hmac.New(sha512.New384, []byte("wp-sha384"))
		mac.Write(pw)
		pre := base64.StdEncoding.AppendEncode(nil, mac.Sum(nil))
		return append([]byte("$wp"), bcryptHash(f.prefix, pre, f.cost, salt[:bcryptSaltLen])...)
	case hashPhpass, hashDrupal:
		setting := make([]byte, 0, 12)
		setting = append(setting, f.prefix...)
		setting = append(setting, itoa64[f.cost])
		for _, b := range salt[:8] {
			setting = append(setting, itoa64[b&63])
		}
		return phpassCrypt(pw, setting)
	case hashMagento2:
		s := alnum(salt, 32)
		sum := sha256.Sum256(append(s, pw...))
		out := hex.AppendEncode(nil, sum[:])
		out = append(append(append(out, ':'), s...), ":1"...)
		return out
	case hashMagento1:
		s := alnum(salt, f.cost)
		sum := md5.Sum(append(s, pw...))
		out := appendHex(nil, sum[:], f.upper)
		return append(append(out, ':'), s...)
	case hashSHA1Hex:
		sum := sha1.Sum(pw)
		return appendHex(nil, sum[:], f.upper)
	case hashSHA256Hex:
		sum := sha256.Sum256(pw)
		return appendHex(nil, sum[:], f.upper)
	}
	sum := md5.Sum(pw)
	return appendHex(nil, sum[:], f.upper)
}

func appendHex(dst, b []byte, upper bool) []byte {
	start := len(dst)
	dst = hex.AppendEncode(dst, b)
	if upper {
		for i := start; i < len(dst); i++ {
			if dst[i] >= 'a' {
				dst[i] -= 'a' - 'A'
			}
		}
	}
	return dst
}

// alnum returns n characters of [0-9A-Za-z] drawn from salt.
func alnum(salt [32]byte, n int) []byte {
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	r := newStream(salt)
	out := make([]byte, n)
	for i := range out {
		out[i] = chars[r.intn(len(chars))]
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
