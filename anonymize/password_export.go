package anonymize

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Password hash formats HashPassword writes.
const (
	HashPhpass    = "phpass"    // $P$B...: WordPress before 6.8
	HashBcrypt    = "bcrypt"    // $2y$10$...: PHP's password_hash (PrestaShop, Drupal 10.1+)
	HashWordPress = "wordpress" // $wp$2y$10$...: WordPress 6.8 and later
	HashDrupal7   = "drupal7"   // $S$D...: Drupal 7 to 10.0
	HashMagento2  = "magento2"  // sha256hex:salt:1
)

// HashPassword hashes password in the named format with a fresh random salt,
// the way the CMS that uses the format would, so that the CMS's own check
// (wp_check_password, password_verify, ...) accepts it. It is what restore's
// --support-admin uses; anonymization itself goes through the password
// transformer.
func HashPassword(format string, password []byte) ([]byte, error) {
	if err := checkPlainPassword(string(password)); err != nil {
		return nil, err
	}
	var f hashFormat
	switch format {
	case HashPhpass:
		f = hashFormat{kind: hashPhpass, prefix: "$P$", cost: maxPhpassLog2}
	case HashBcrypt:
		f = hashFormat{kind: hashBcrypt, prefix: "2y", cost: maxBcryptCost}
	case HashWordPress:
		f = hashFormat{kind: hashWordPress, prefix: "2y", cost: maxBcryptCost}
	case HashDrupal7:
		f = hashFormat{kind: hashDrupal, prefix: "$S$", cost: maxDrupalLog2}
	case HashMagento2:
		f = hashFormat{kind: hashMagento2}
	default:
		return nil, fmt.Errorf("anonymize: unknown password hash format %q", format)
	}
	var salt [32]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, err
	}
	return f.hash(password, salt), nil
}

// CheckPassword reports whether hash, in any format HashPassword writes (and
// phpass $H$), verifies password. Tests use it; it is not constant-time.
func CheckPassword(hash, password []byte) bool {
	f := detectHash(hash)
	switch f.kind {
	case hashPhpass, hashDrupal:
		return phpassCheck(hash, password)
	case hashBcrypt:
		return bcryptCheck(hash, password)
	case hashWordPress:
		_, _, salt, ok := parseBcrypt(hash[3:])
		if !ok {
			return false
		}
		var s [32]byte
		copy(s[:], salt)
		return string(f.hash(password, s)) == string(hash)
	case hashMagento2:
		hexsum, rest, _ := strings.Cut(string(hash), ":")
		salt, _, _ := strings.Cut(rest, ":")
		sum := sha256.Sum256(append([]byte(salt), password...))
		return hex.EncodeToString(sum[:]) == hexsum
	}
	return false
}
