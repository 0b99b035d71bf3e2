// Package passhash reads and writes the password hashes of the CMSs
// stagecopy knows: phpass ($P$, $H$: WordPress before 6.8), bcrypt ($2a$,
// $2b$, $2y$: PHP's password_hash, PrestaShop, Drupal 10.1 and later),
// WordPress 6.8's $wp$, Drupal 7's $S$, Magento 2's sha256:salt:1,
// Magento 1's md5:salt, and bare md5, sha1 and sha256 hex digests.
//
// [Detect] tells a hash's format and parameters; [Format.Hash] writes a hash
// in that format from a salt the caller gives, so the anonymizer, which
// derives the salt from its secret, writes the same archive from the same
// secret. [New] writes a hash with a fresh random salt (restore's support
// administrator) and [Check] verifies one. bcrypt is built on
// golang.org/x/crypto: its blowfish package for the deterministic hash, its
// bcrypt package to verify.
package passhash

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// Formats New writes.
const (
	Phpass    = "phpass"    // $P$B...: WordPress before 6.8
	Bcrypt    = "bcrypt"    // $2y$10$...: PHP's password_hash (PrestaShop, Drupal 10.1+)
	WordPress = "wordpress" // $wp$2y$10$...: WordPress 6.8 and later
	Drupal7   = "drupal7"   // $S$D...: Drupal 7 to 10.0
	Magento2  = "magento2"  // sha256hex:salt:1
)

// MaxPlain is the longest plain password, in bytes, CheckPlain accepts:
// bcrypt uses only the first 72.
const MaxPlain = bcryptMaxInput

// Caps on the work factors Detect reports, so that hashing stays fast (a
// large user table is anonymized with one hash per format). Inputs with
// lower factors keep theirs.
const (
	maxBcryptCost = 10 // 2^10 rounds: WordPress, PrestaShop and PHP default
	maxPhpassLog2 = 13 // 2^13 MD5 rounds: what WordPress writes ($P$B)
	maxDrupalLog2 = 15 // 2^15 SHA-512 rounds: Drupal 7's default ($S$D)
	minPhpassLog2 = 7
)

// Format is a password hash format with its parameters. The zero Format is
// md5 hex in lower case.
type Format struct {
	kind   kind
	prefix string // bcrypt "2y"; phpass "$P$"
	cost   int    // bcrypt cost; phpass/drupal log2 rounds; magento1 salt length
	upper  bool   // hex digests in upper case
}

// kind is a family of formats. The values are part of Setting, which the
// anonymizer hashes into its salts: keep their order.
type kind int

const (
	kindMD5Hex kind = iota // also the fallback for unknown formats
	kindSHA1Hex
	kindSHA256Hex
	kindBcrypt
	kindWordPress // $wp$2y$...
	kindPhpass
	kindDrupal
	kindMagento2
	kindMagento1
)

// Name is the format's name for messages: "bcrypt", "phpass", "md5 hex"...
func (f Format) Name() string {
	switch f.kind {
	case kindSHA1Hex:
		return "sha1 hex"
	case kindSHA256Hex:
		return "sha256 hex"
	case kindBcrypt:
		return "bcrypt"
	case kindWordPress:
		return "WordPress bcrypt"
	case kindPhpass:
		return "phpass"
	case kindDrupal:
		return "Drupal 7"
	case kindMagento2:
		return "Magento 2"
	case kindMagento1:
		return "Magento 1"
	}
	return "md5 hex"
}

// Setting identifies the format and its parameters: two hashes with the
// same Setting are written the same way. It is the anonymizer's cache key,
// and part of what its salts are derived from.
func (f Format) Setting() string {
	return fmt.Sprintf("%d:%s:%d:%v", f.kind, f.prefix, f.cost, f.upper)
}

// Cost is the log2 of the work Hash does: bcrypt's cost, or the log2 of
// the rounds of phpass and Drupal 7; 0 for the formats without rounds.
func (f Format) Cost() int {
	switch f.kind {
	case kindBcrypt, kindWordPress, kindPhpass, kindDrupal:
		return f.cost
	}
	return 0
}

// Detect returns the format of hash h, with its work factor capped (bcrypt
// at cost 10, phpass at 2^13 rounds, Drupal 7 at 2^15). argon2 becomes
// bcrypt (PHP's password_verify reads both; Go's standard library has no
// argon2), and anything unknown md5 hex.
func Detect(h []byte) Format {
	s := string(h)
	switch {
	case strings.HasPrefix(s, "$wp$"):
		if prefix, cost, _, ok := parseBcrypt(h[3:]); ok {
			return Format{kind: kindWordPress, prefix: prefix, cost: clamp(cost, bcryptMinCost, maxBcryptCost)}
		}
	case strings.HasPrefix(s, "$2"):
		if prefix, cost, _, ok := parseBcrypt(h); ok {
			return Format{kind: kindBcrypt, prefix: prefix, cost: clamp(cost, bcryptMinCost, maxBcryptCost)}
		}
	case len(s) == 34 && (strings.HasPrefix(s, "$P$") || strings.HasPrefix(s, "$H$")):
		if n := strings.IndexByte(itoa64, s[3]); n >= 0 {
			return Format{kind: kindPhpass, prefix: s[:3], cost: clamp(n, minPhpassLog2, maxPhpassLog2)}
		}
	case (len(s) == 55 && strings.HasPrefix(s, "$S$")) || (len(s) == 56 && strings.HasPrefix(s, "U$S$")):
		if n := strings.IndexByte(itoa64, s[len(s)-52]); n >= 0 {
			return Format{kind: kindDrupal, prefix: "$S$", cost: clamp(n, minPhpassLog2, maxDrupalLog2)}
		}
	case strings.HasPrefix(s, "$argon2i$"), strings.HasPrefix(s, "$argon2id$"):
		return Format{kind: kindBcrypt, prefix: "2y", cost: maxBcryptCost}
	}
	if parts := strings.Split(s, ":"); len(parts) >= 2 && parts[1] != "" {
		switch {
		case len(parts) >= 3 && len(parts[0]) == 64 && isHex(parts[0]):
			return Format{kind: kindMagento2}
		case len(parts) == 2 && len(parts[0]) == 32 && isHex(parts[0]) && len(parts[1]) <= 64:
			return Format{kind: kindMagento1, cost: len(parts[1]), upper: isUpperHex(parts[0])}
		}
	}
	if isHex(s) {
		switch len(s) {
		case 40:
			return Format{kind: kindSHA1Hex, upper: isUpperHex(s)}
		case 64:
			return Format{kind: kindSHA256Hex, upper: isUpperHex(s)}
		case 32:
			return Format{kind: kindMD5Hex, upper: isUpperHex(s)}
		}
	}
	return Format{kind: kindMD5Hex}
}

// Hash returns the hash of pw in format f, with its salt (where the format
// has one) drawn from salt: the same pw and salt give the same hash. pw
// must pass CheckPlain, or at least be at most MaxPlain bytes for bcrypt.
func (f Format) Hash(pw []byte, salt [32]byte) []byte {
	switch f.kind {
	case kindBcrypt:
		prefix := f.prefix
		if prefix == "2x" && !isASCII(pw) {
			prefix = "2y" // $2x$ marks the old sign-extension bug
		}
		return bcryptHash(prefix, pw, f.cost, salt[:bcryptSaltLen])
	case kindWordPress:
		return append([]byte("$wp"), bcryptHash(f.prefix, wpPrehash(pw), f.cost, salt[:bcryptSaltLen])...)
	case kindPhpass, kindDrupal:
		setting := make([]byte, 0, 12)
		setting = append(setting, f.prefix...)
		setting = append(setting, itoa64[f.cost])
		for _, b := range salt[:8] {
			setting = append(setting, itoa64[b&63])
		}
		return phpassCrypt(pw, setting)
	case kindMagento2:
		s := alnum(salt, 32)
		sum := sha256.Sum256(append(s, pw...))
		out := hex.AppendEncode(nil, sum[:])
		out = append(append(append(out, ':'), s...), ":1"...)
		return out
	case kindMagento1:
		s := alnum(salt, f.cost)
		sum := md5.Sum(append(s, pw...))
		out := appendHex(nil, sum[:], f.upper)
		return append(append(out, ':'), s...)
	case kindSHA1Hex:
		sum := sha1.Sum(pw)
		return appendHex(nil, sum[:], f.upper)
	case kindSHA256Hex:
		sum := sha256.Sum256(pw)
		return appendHex(nil, sum[:], f.upper)
	}
	sum := md5.Sum(pw)
	return appendHex(nil, sum[:], f.upper)
}

// New hashes password in the named format (Phpass, Bcrypt, ...) with a
// fresh random salt, the way the CMS that uses the format would, so that
// the CMS's own check (wp_check_password, password_verify, ...) accepts it.
// It is what restore's support administrator is made with. The password
// must pass CheckPlain.
func New(format string, password []byte) ([]byte, error) {
	if err := CheckPlain(password); err != nil {
		return nil, err
	}
	var f Format
	switch format {
	case Phpass:
		f = Format{kind: kindPhpass, prefix: "$P$", cost: maxPhpassLog2}
	case Bcrypt:
		f = Format{kind: kindBcrypt, prefix: "2y", cost: maxBcryptCost}
	case WordPress:
		f = Format{kind: kindWordPress, prefix: "2y", cost: maxBcryptCost}
	case Drupal7:
		f = Format{kind: kindDrupal, prefix: "$S$", cost: maxDrupalLog2}
	case Magento2:
		f = Format{kind: kindMagento2}
	default:
		return nil, fmt.Errorf("passhash: unknown format %q", format)
	}
	var salt [32]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, fmt.Errorf("passhash: %w", err)
	}
	return f.Hash(password, salt), nil
}

// Check reports whether hash verifies password. It reads every format
// Detect knows except argon2 and unknown text (for which it is false): the
// bcrypt family at any cost, phpass at any number of rounds, Magento 2's
// version 1 (SHA-256) only. Tests and checks use it: it is not constant-time.
func Check(hash, password []byte) bool {
	f := Detect(hash)
	switch f.kind {
	case kindPhpass, kindDrupal:
		return phpassCheck(hash, password)
	case kindBcrypt:
		return bcryptCheck(hash, password)
	case kindWordPress:
		return bcryptCheck(hash[3:], wpPrehash(password))
	case kindMagento2:
		parts := strings.Split(string(hash), ":")
		if len(parts) != 3 || parts[2] != "1" {
			return false
		}
		sum := sha256.Sum256(append([]byte(parts[1]), password...))
		return hexEqual(parts[0], sum[:])
	case kindMagento1:
		sum, salt, _ := strings.Cut(string(hash), ":")
		h := md5.Sum(append([]byte(salt), password...))
		return hexEqual(sum, h[:])
	case kindSHA1Hex:
		h := sha1.Sum(password)
		return hexEqual(string(hash), h[:])
	case kindSHA256Hex:
		h := sha256.Sum256(password)
		return hexEqual(string(hash), h[:])
	}
	h := md5.Sum(password)
	return hexEqual(string(hash), h[:])
}

// CheckPlain returns an error if password is not one every format can
// hash and every CMS can check: empty, longer than MaxPlain bytes, with a
// NUL byte, or with leading or trailing white space.
func CheckPlain(password []byte) error {
	switch {
	case len(password) == 0:
		return fmt.Errorf("passhash: the password is empty")
	case len(password) > MaxPlain:
		return fmt.Errorf("passhash: the password is %d bytes; bcrypt uses only the first %d, so at most %d are allowed", len(password), MaxPlain, MaxPlain)
	case bytes.IndexByte(password, 0) >= 0:
		return fmt.Errorf("passhash: the password contains a NUL byte")
	case len(bytes.TrimSpace(password)) != len(password):
		return fmt.Errorf("passhash: the password has leading or trailing white space, which WordPress trims when it hashes")
	}
	return nil
}

// wpPrehash is what WordPress 6.8 hands to bcrypt: the base64 of
// HMAC-SHA384 of the password under the key "wp-sha384".
func wpPrehash(pw []byte) []byte {
	mac := hmac.New(sha512.New384, []byte("wp-sha384"))
	mac.Write(pw)
	return base64.StdEncoding.AppendEncode(nil, mac.Sum(nil))
}

// alnum returns n characters of [0-9A-Za-z] (Magento's salt alphabet)
// derived from salt: SHA-256 of salt and a block counter, one character
// per byte, bytes of 248 and above skipped so that every character is
// equally likely. (Before internal/passhash, the anonymizer drew these
// characters from its own generator: Magento fakes differ from those of
// earlier versions for the same secret.)
func alnum(salt [32]byte, n int) []byte {
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	const limit = 256 - 256%len(chars)
	out := make([]byte, 0, n)
	var block [32 + 8]byte
	copy(block[:], salt[:])
	for ctr := uint64(0); len(out) < n; ctr++ {
		binary.BigEndian.PutUint64(block[32:], ctr)
		for _, b := range sha256.Sum256(block[:]) {
			if int(b) < limit && len(out) < n {
				out = append(out, chars[int(b)%len(chars)])
			}
		}
	}
	return out
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

// hexEqual reports whether s is the hex of sum, in either case.
func hexEqual(s string, sum []byte) bool {
	return len(s) == hex.EncodedLen(len(sum)) && strings.EqualFold(s, hex.EncodeToString(sum))
}

func clamp(n, lo, hi int) int { return max(lo, min(n, hi)) }

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

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
