package passhash

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// bcryptPasswords are passwords for the cross-checks with
// golang.org/x/crypto/bcrypt: empty, short, non-ASCII, and around the
// 72-byte limit.
var bcryptPasswords = []string{
	"", "a", "U*U", "Support-Test-123", "пароль", "\xff\xff\xa3",
	strings.Repeat("x", 71), strings.Repeat("x", 72), strings.Repeat("x", 73) + "tail",
}

// TestBcryptHashVerifiesWithXCrypto checks that every $2a$ and $2b$ hash
// Hash writes verifies with golang.org/x/crypto/bcrypt, and that $2y$
// differs from $2b$ in its prefix only.
func TestBcryptHashVerifiesWithXCrypto(t *testing.T) {
	for i, pw := range bcryptPasswords {
		var salt [32]byte
		for j := range salt {
			salt[j] = byte(i*31 + j*j)
		}
		for _, cost := range []int{4, 5} {
			for _, prefix := range []string{"2a", "2b"} {
				h := Format{kind: kindBcrypt, prefix: prefix, cost: cost}.Hash([]byte(pw), salt)
				if err := bcrypt.CompareHashAndPassword(h, []byte(pw)[:min(len(pw), bcryptMaxInput)]); err != nil {
					t.Errorf("%s of %q: golang.org/x/crypto/bcrypt says %v", h, pw, err)
				}
				if err := bcrypt.CompareHashAndPassword(h, []byte(pw+"!")); err == nil && len(pw) < bcryptMaxInput {
					t.Errorf("%s of %q verifies %q", h, pw, pw+"!")
				}
			}
			b := Format{kind: kindBcrypt, prefix: "2b", cost: cost}.Hash([]byte(pw), salt)
			y := Format{kind: kindBcrypt, prefix: "2y", cost: cost}.Hash([]byte(pw), salt)
			if string(y[3:]) != string(b[3:]) || !Check(y, []byte(pw)) {
				t.Errorf("$2y$ hash of %q = %s, $2b$ = %s", pw, y, b)
			}
		}
	}
}

// TestBcryptXCryptoHashVerifies checks the other way: hashes that
// golang.org/x/crypto/bcrypt makes, with its random salts, are the ones
// bcryptHash computes from the same salt.
func TestBcryptXCryptoHashVerifies(t *testing.T) {
	for _, pw := range bcryptPasswords {
		if len(pw) > bcryptMaxInput {
			continue // GenerateFromPassword refuses them
		}
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		_, cost, salt, ok := parseBcrypt(h)
		if !ok {
			t.Fatalf("parseBcrypt(%s) failed", h)
		}
		if got := bcryptHash(string(h[1:3]), []byte(pw), cost, salt); string(got) != string(h) {
			t.Errorf("golang.org/x/crypto/bcrypt made %s of %q, bcryptHash %s", h, pw, got)
		}
		if !Check(h, []byte(pw)) || !bcryptCheckOwn(h, []byte(pw)) {
			t.Errorf("%s of %q does not verify", h, pw)
		}
	}
}

// TestBcryptCheckOwn checks the fallback Check takes when
// golang.org/x/crypto/bcrypt refuses a hash, on every prefix.
func TestBcryptCheckOwn(t *testing.T) {
	const hash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
	for _, prefix := range []string{"2a", "2b", "2x", "2y"} {
		h := []byte("$" + prefix + hash[3:])
		if !bcryptCheckOwn(h, []byte("U*U")) || !bcryptCheck(h, []byte("U*U")) {
			t.Errorf("%s does not verify U*U", h)
		}
		if bcryptCheckOwn(h, []byte("U*V")) || bcryptCheck(h, []byte("U*V")) {
			t.Errorf("%s verifies U*V", h)
		}
	}
}
