// bcrypt ($2a$, $2b$, $2y$): Provos and Mazières' EksBlowfish on
// golang.org/x/crypto/blowfish, as golang.org/x/crypto/bcrypt computes it.
// That package draws its own random salt and has no function taking one,
// so the deterministic hash is written here, the way its bcrypt() and
// expensiveBlowfishSetup() are; checks go through it.

package passhash

import (
	"encoding/base64"
	"errors"
	"strconv"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/blowfish"
)

// bcryptEncoding is bcrypt's base64: its own alphabet, no padding.
var bcryptEncoding = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").WithPadding(base64.NoPadding)

const (
	bcryptMinCost  = 4
	bcryptMaxCost  = 31
	bcryptSaltLen  = 16 // bytes; 22 characters encoded
	bcryptHashLen  = 60 // $2y$10$ + 22 + 31
	bcryptMaxInput = 72 // bytes of password that count
)

// bcryptHash returns the full hash string for password, cost and a
// 16-byte salt, with the given prefix ("2a", "2b", "2y"). Bytes of the
// password after the 72nd do not count, as in every implementation.
func bcryptHash(prefix string, password []byte, cost int, salt []byte) []byte {
	// The key is the password with its C string's NUL terminator. Blowfish's
	// key schedule reads 72 bytes of it, so a longer key is cut there.
	key := make([]byte, 0, len(password)+1)
	key = append(key, password...)
	key = append(key, 0)
	c, err := blowfish.NewSaltedCipher(key, salt)
	if err != nil {
		panic("passhash: " + err.Error()) // only for an empty key, and key has its NUL
	}
	for range uint64(1) << uint(cost) {
		blowfish.ExpandKey(key, c)
		blowfish.ExpandKey(salt, c)
	}
	data := []byte("OrpheanBeholderScryDoubt")
	for i := 0; i < len(data); i += blowfish.BlockSize {
		for range 64 {
			c.Encrypt(data[i:i+8], data[i:i+8])
		}
	}
	out := make([]byte, 0, bcryptHashLen)
	out = append(out, '$')
	out = append(out, prefix...)
	out = append(out, '$')
	if cost < 10 {
		out = append(out, '0')
	}
	out = strconv.AppendInt(out, int64(cost), 10)
	out = append(out, '$')
	out = bcryptEncoding.AppendEncode(out, salt[:bcryptSaltLen])
	// Only 23 of the 24 bytes are kept, as every implementation does.
	return bcryptEncoding.AppendEncode(out, data[:23])
}

// parseBcrypt splits a bcrypt hash into prefix ("2y"), cost and raw salt.
func parseBcrypt(h []byte) (prefix string, cost int, salt []byte, ok bool) {
	if len(h) != bcryptHashLen || h[0] != '$' || h[1] != '2' || h[3] != '$' || h[6] != '$' {
		return "", 0, nil, false
	}
	switch h[2] {
	case 'a', 'b', 'x', 'y':
	default:
		return "", 0, nil, false
	}
	if !isDigit(h[4]) || !isDigit(h[5]) {
		return "", 0, nil, false
	}
	cost = int(h[4]-'0')*10 + int(h[5]-'0')
	if cost < bcryptMinCost || cost > bcryptMaxCost {
		return "", 0, nil, false
	}
	salt, err := bcryptEncoding.DecodeString(string(h[7:29]))
	if err != nil || len(salt) != bcryptSaltLen {
		return "", 0, nil, false
	}
	return string(h[1:3]), cost, salt, true
}

// bcryptCheck reports whether password matches the bcrypt hash h. It
// checks with golang.org/x/crypto/bcrypt. That package writes only $2a$
// and does not promise to read the other prefixes: today it reads $2b$,
// $2y$ and $2x$ too, but should it refuse a hash parseBcrypt accepts (an
// error other than a mismatch), the hash is checked with bcryptHash
// instead. Neither computes $2x$'s sign-extension bug: a $2x$ hash that
// crypt_blowfish made of a password with bytes above 0x7f does not verify.
func bcryptCheck(h, password []byte) bool {
	if _, _, _, ok := parseBcrypt(h); !ok {
		return false
	}
	if len(password) > bcryptMaxInput {
		password = password[:bcryptMaxInput] // as PHP and OpenBSD do
	}
	err := bcrypt.CompareHashAndPassword(h, password)
	if err == nil || errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return err == nil
	}
	return bcryptCheckOwn(h, password)
}

// bcryptCheckOwn is bcryptCheck with bcryptHash. It compares the hash
// part only: some implementations write the salt's last character with
// stray low bits that decoding drops.
func bcryptCheckOwn(h, password []byte) bool {
	prefix, cost, salt, ok := parseBcrypt(h)
	if !ok {
		return false
	}
	return string(bcryptHash(prefix, password, cost, salt)[29:]) == string(h[29:])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
