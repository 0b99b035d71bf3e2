// bcrypt ($2a$, $2b$, $2y$) written against the standard library only:
// golang.org/x/crypto is not a dependency of this module. The algorithm is
// Provos and Mazières' EksBlowfish as in OpenBSD and PHP's password_hash;
// the tests check it against published vectors.

package anonymize

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
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

// blowfish is the state of one Blowfish cipher.
type blowfish struct {
	p [18]uint32
	s [4][256]uint32
}

func (c *blowfish) f(x uint32) uint32 {
	return ((c.s[0][x>>24] + c.s[1][byte(x>>16)]) ^ c.s[2][byte(x>>8)]) + c.s[3][byte(x)]
}

func (c *blowfish) encrypt(l, r uint32) (uint32, uint32) {
	l ^= c.p[0]
	for i := 1; i < 17; i += 2 {
		r ^= c.f(l) ^ c.p[i]
		l ^= c.f(r) ^ c.p[i+1]
	}
	r ^= c.p[17]
	return r, l
}

// nextWord reads four bytes of b cyclically from *j, big-endian.
func nextWord(b []byte, j *int) uint32 {
	var w uint32
	for range 4 {
		w = w<<8 | uint32(b[*j])
		*j++
		if *j >= len(b) {
			*j = 0
		}
	}
	return w
}

// expand is Blowfish's key schedule with an optional salt (nil for none),
// as EksBlowfish uses it.
func (c *blowfish) expand(key, salt []byte) {
	j := 0
	for i := range c.p {
		c.p[i] ^= nextWord(key, &j)
	}
	j = 0
	var l, r uint32
	for i := 0; i < 18; i += 2 {
		if salt != nil {
			l ^= nextWord(salt, &j)
			r ^= nextWord(salt, &j)
		}
		l, r = c.encrypt(l, r)
		c.p[i], c.p[i+1] = l, r
	}
	for s := range c.s {
		for i := 0; i < 256; i += 2 {
			if salt != nil {
				l ^= nextWord(salt, &j)
				r ^= nextWord(salt, &j)
			}
			l, r = c.encrypt(l, r)
			c.s[s][i], c.s[s][i+1] = l, r
		}
	}
}

// bcryptHash returns the full hash string for password, cost and a
// 16-byte salt, with the given prefix ("2a", "2b", "2y"). password must be
// at most 72 bytes (callers make sure of it).
func bcryptHash(prefix string, password []byte, cost int, salt []byte) []byte {
	key := make([]byte, 0, len(password)+1)
	key = append(key, password...)
	key = append(key, 0) // C implementations include the NUL terminator
	if len(key) > bcryptMaxInput {
		key = key[:bcryptMaxInput]
	}
	c := &blowfish{p: bfP, s: bfS}
	c.expand(key, salt)
	for range uint64(1) << uint(cost) {
		c.expand(key, nil)
		c.expand(salt, nil)
	}
	var data [24]byte
	copy(data[:], "OrpheanBeholderScryDoubt")
	for i := 0; i < 24; i += 8 {
		l := binary.BigEndian.Uint32(data[i:])
		r := binary.BigEndian.Uint32(data[i+4:])
		for range 64 {
			l, r = c.encrypt(l, r)
		}
		binary.BigEndian.PutUint32(data[i:], l)
		binary.BigEndian.PutUint32(data[i+4:], r)
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

// bcryptCheck reports whether password matches the bcrypt hash h.
func bcryptCheck(h, password []byte) bool {
	prefix, cost, salt, ok := parseBcrypt(h)
	if !ok {
		return false
	}
	if len(password) > bcryptMaxInput {
		password = password[:bcryptMaxInput] // as PHP and OpenBSD do
	}
	// Compare the hash part only: some implementations write the salt's
	// last character with stray low bits that decoding drops.
	return string(bcryptHash(prefix, password, cost, salt)[29:]) == string(h[29:])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
