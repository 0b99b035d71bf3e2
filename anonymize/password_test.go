package anonymize

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// Published vectors: phpass from its own test.php, passlib and John the
// Ripper; Drupal 7 hashes made by Drupal's password-hash.sh; bcrypt from
// Openwall's crypt_blowfish test suite; $wp$ from a WordPress 6.8 site.
var (
	phpassVectors = []struct{ pw, hash string }{
		{"test12345", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"},
		{"", "$P$7JaFQsPzJSuenezefD/3jHgt5hVfNH0"},
		{"compL3X!", "$P$FiS0N5L672xzQx1rt1vgdJQRYKnQM9/"},
		{"password", "$P$8ohUJ.1sdFw09/bMaAQPTGDNi2BIUt1"},
		{"test1", "$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00"},
		{"123456", "$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1"},
		{"thisisalongertestPW", "$P$912345678LIjjb6PhecupozNBmDndU0"},
		{"JohnRipper", "$P$612345678si5M0DDyPpmRCmcltU/YW/"},
		{"JohnRipper", "$H$712345678WhEyvy1YWzT4647jzeOmo0"},
		{"JohnRipper", "$P$B12345678L6Lpt4BxNotVIMILOa9u81"},
	}
	drupalVectors = []struct{ pw, hash string }{
		{"huan", "$S$DXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G"},
		{"Cookies1", "$S$Dr3Hm8Od9X0Ux/olZ.B8Uwh6./3E1l4nPfXebovKVvMB9zcmjkTn"},
		{"admin1", "$S$D2sypG2KL6EjTo08zxDCAx4D3lcAQx7Tk.hydYvH/hEDiNfo2AHS"},
	}
	bcryptVectors = []struct{ pw, hash string }{
		{"U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
		{"U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"},
		{"U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"},
		{"", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"},
		{"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored", "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"},
	}
	wpVector = struct{ pw, hash string }{"BigBike@2026", "$wp$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm"}
)

func TestPhpassVectors(t *testing.T) {
	for _, v := range append(append([]struct{ pw, hash string }{}, phpassVectors...), drupalVectors...) {
		if !phpassCheck([]byte(v.hash), []byte(v.pw)) {
			t.Errorf("%q: got %s, want %s", v.pw, phpassCrypt([]byte(v.pw), []byte(v.hash)), v.hash)
		}
		if phpassCheck([]byte(v.hash), []byte(v.pw+"x")) {
			t.Errorf("%q+x accepted by %s", v.pw, v.hash)
		}
	}
	for _, bad := range []string{"$P$", "$P$1IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", "$X$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", "$P$9IQRaTw"} {
		if phpassCrypt([]byte("test12345"), []byte(bad)) != nil {
			t.Errorf("setting %q accepted", bad)
		}
	}
}

func TestBcryptVectors(t *testing.T) {
	for _, v := range bcryptVectors {
		if !bcryptCheck([]byte(v.hash), []byte(v.pw)) {
			_, cost, salt, _ := parseBcrypt([]byte(v.hash))
			t.Errorf("%q: got %s, want %s", v.pw, bcryptHash("2a", []byte(v.pw)[:min(len(v.pw), 72)], cost, salt), v.hash)
		}
	}
	if !wpCheck(wpVector.hash, wpVector.pw) {
		t.Errorf("WordPress vector %s does not verify", wpVector.hash)
	}
	if wpCheck(wpVector.hash, "bigbike@2026") {
		t.Error("WordPress vector verifies a wrong password")
	}
}

// wpCheck is WordPress 6.8's wp_check_password for $wp$ hashes.
func wpCheck(hash, pw string) bool {
	if !strings.HasPrefix(hash, "$wp$") {
		return false
	}
	mac := hmac.New(sha512.New384, []byte("wp-sha384"))
	mac.Write([]byte(pw))
	pre := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return bcryptCheck([]byte(hash[3:]), []byte(pre))
}

// checkPassword verifies pw against any format the transformer writes.
func checkPassword(t *testing.T, hash, pw string) bool {
	t.Helper()
	hexOf := func(b []byte) string { return hex.EncodeToString(b) }
	switch {
	case strings.HasPrefix(hash, "$wp$"):
		return wpCheck(hash, pw)
	case strings.HasPrefix(hash, "$2"):
		return bcryptCheck([]byte(hash), []byte(pw))
	case strings.HasPrefix(hash, "$P$"), strings.HasPrefix(hash, "$H$"), strings.HasPrefix(hash, "$S$"):
		return phpassCheck([]byte(hash), []byte(pw))
	}
	if p := strings.Split(hash, ":"); len(p) == 3 && p[2] == "1" {
		s := sha256.Sum256([]byte(p[1] + pw))
		return hexOf(s[:]) == p[0]
	} else if len(p) == 2 {
		s := md5.Sum([]byte(p[1] + pw))
		return strings.EqualFold(hexOf(s[:]), p[0])
	}
	switch len(hash) {
	case 32:
		s := md5.Sum([]byte(pw))
		return strings.EqualFold(hexOf(s[:]), hash)
	case 40:
		s := sha1.Sum([]byte(pw))
		return strings.EqualFold(hexOf(s[:]), hash)
	case 64:
		s := sha256.Sum256([]byte(pw))
		return strings.EqualFold(hexOf(s[:]), hash)
	}
	t.Fatalf("unknown hash format %q", hash)
	return false
}

// passwordInputs are hashes in each format, with what the fake must look
// like.
var passwordInputs = []struct{ in, re string }{
	{"$P$BZlPX7NIx8MYpXokBW2AGsN7i.aUOt0", `^\$P\$B[./0-9A-Za-z]{30}$`},
	{"$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1", `^\$H\$9[./0-9A-Za-z]{30}$`},
	{"$P$S12345678L6Lpt4BxNotVIMILOa9u81", `^\$P\$B[./0-9A-Za-z]{30}$`}, // 2^30 rounds capped to 2^13
	{"$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", `^\$2y\$10\$[./A-Za-z0-9]{53}$`},
	{"$2b$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", `^\$2b\$04\$[./A-Za-z0-9]{53}$`},
	{"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", `^\$2a\$05\$[./A-Za-z0-9]{53}$`},
	{"$2y$13$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", `^\$2y\$10\$[./A-Za-z0-9]{53}$`}, // cost capped
	{"$wp$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", `^\$wp\$2y\$10\$[./A-Za-z0-9]{53}$`},
	{"$S$DXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G", `^\$S\$D[./0-9A-Za-z]{51}$`},
	{"U$S$DXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G", `^\$S\$D[./0-9A-Za-z]{51}$`},
	{"$S$CXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G", `^\$S\$C[./0-9A-Za-z]{51}$`},
	{"$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", `^\$2y\$10\$[./A-Za-z0-9]{53}$`},
	{"5f4dcc3b5aa765d61d8327deb882cf99", `^[0-9a-f]{32}$`},
	{"5F4DCC3B5AA765D61D8327DEB882CF99", `^[0-9A-F]{32}$`},
	{"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", `^[0-9a-f]{40}$`},
	{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", `^[0-9a-f]{64}$`},
	{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8:QPdbS4UNtkw4G1MXHtJgQ63kRlapYcwq:1", `^[0-9a-f]{64}:[0-9A-Za-z]{32}:1$`},
	{"a2b7b6b1f0b5a1e5c0a5d4c1b2a3f4e5d6c7b8a9e0f1a2b3c4d5e6f7a8b9c0d1:saltsaltsaltsaltsaltsaltsaltsalt:3_32_2_67108864", `^[0-9a-f]{64}:[0-9A-Za-z]{32}:1$`},
	{"61529519452809720693702583126814:aB", `^[0-9a-f]{32}:[0-9A-Za-z]{2}$`},
	{"plaintext-password!", `^[0-9a-f]{32}$`},
	{"*THISISNOTAHASH", `^[0-9a-f]{32}$`},
}

func TestPasswordFormats(t *testing.T) {
	tr := mustNew(t, "password", nil, keyerA)
	other := mustNew(t, "password", nil, keyerB)
	known := mustNew(t, "password", map[string]any{"password": "Support-Test-123"}, keyerA)
	for _, tc := range passwordInputs {
		out := run(t, tr, tc.in, Column{})
		if !regexp.MustCompile(tc.re).MatchString(out) {
			t.Errorf("password(%q) = %q, want %s", tc.in, out, tc.re)
		}
		if again := run(t, tr, tc.in, Column{}); again != out {
			t.Errorf("password(%q) not deterministic: %q then %q", tc.in, out, again)
		}
		if o := run(t, other, tc.in, Column{}); o == out {
			t.Errorf("password(%q) the same under another secret", tc.in)
		}
		// The fake verifies the run's derived password, and not the old one.
		s := keyerA.Sum("password", nil)
		derived := base64.RawURLEncoding.EncodeToString(s[:15])
		if !checkPassword(t, out, derived) {
			t.Errorf("password(%q) = %q does not verify its derived password", tc.in, out)
		}
		if checkPassword(t, out, "password") {
			t.Errorf("password(%q) = %q verifies \"password\"", tc.in, out)
		}
		// With a known password, the fake verifies it.
		k := run(t, known, tc.in, Column{})
		if !regexp.MustCompile(tc.re).MatchString(k) || !checkPassword(t, k, "Support-Test-123") {
			t.Errorf("password(%q) with a known password = %q: does not verify or wrong format", tc.in, k)
		}
	}
	if _, _, err := tr.Transform([]byte(passwordInputs[3].in), false, Column{Type: "varchar", MaxLen: 59}, nil); err == nil || !strings.Contains(err.Error(), "bcrypt") {
		t.Errorf("bcrypt in varchar(59): %v", err)
	}
}

// TestBlowfishTablesArePi recomputes Blowfish's initial state from the
// hexadecimal digits of pi (Machin's formula in fixed point).
func TestBlowfishTablesArePi(t *testing.T) {
	const words = 18 + 4*256
	bits := uint(32*words + 64)
	atanInv := func(x int64) *big.Int {
		term := new(big.Int).Lsh(big.NewInt(1), bits)
		term.Quo(term, big.NewInt(x))
		sum := new(big.Int).Set(term)
		x2, q := big.NewInt(x*x), new(big.Int)
		for k := int64(1); term.Sign() != 0; k++ {
			term.Quo(term, x2)
			q.Quo(term, big.NewInt(2*k+1))
			if k%2 == 1 {
				sum.Sub(sum, q)
			} else {
				sum.Add(sum, q)
			}
		}
		return sum
	}
	pi := new(big.Int).Mul(atanInv(5), big.NewInt(16))
	pi.Sub(pi, new(big.Int).Mul(atanInv(239), big.NewInt(4)))
	pi.Rsh(pi, 64)
	frac := pi.Bytes()[1:] // drop the integer part, 3
	if len(frac) < 4*words {
		t.Fatalf("only %d bytes of pi", len(frac))
	}
	word := func(i int) uint32 {
		b := frac[4*i:]
		return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	for i, w := range bfP {
		if word(i) != w {
			t.Fatalf("bfP[%d] = %08x, pi says %08x", i, w, word(i))
		}
	}
	for s := range bfS {
		for i, w := range bfS[s] {
			if want := word(18 + 256*s + i); want != w {
				t.Fatalf("bfS[%d][%d] = %08x, pi says %08x", s, i, w, want)
			}
		}
	}
}

func TestHashPassword(t *testing.T) {
	for _, f := range []string{HashPhpass, HashBcrypt, HashWordPress, HashDrupal7, HashMagento2} {
		h, err := HashPassword(f, []byte("s3cret-Pass"))
		if err != nil {
			t.Fatal(f, err)
		}
		if !CheckPassword(h, []byte("s3cret-Pass")) {
			t.Errorf("%s: %s does not verify its password", f, h)
		}
		if CheckPassword(h, []byte("s3cret-Pasz")) {
			t.Errorf("%s: %s verifies a wrong password", f, h)
		}
		h2, _ := HashPassword(f, []byte("s3cret-Pass"))
		if string(h) == string(h2) {
			t.Errorf("%s: two hashes of one password are equal (salt not random)", f)
		}
	}
	if h, err := HashPassword(HashPhpass, []byte("x")); err != nil || !strings.HasPrefix(string(h), "$P$B") {
		t.Errorf("phpass hash %s, %v; want WordPress's $P$B", h, err)
	}
	if _, err := HashPassword("argon9", []byte("x")); err == nil {
		t.Error("unknown format accepted")
	}
}
