package passhash

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
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
		{"\xa3", "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"},
		{"\xa3", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"},
		{"\xff\xff\xa3", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"},
		{"\xff\xff\xa3", "$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"},
	}
	wpVector = struct{ pw, hash string }{"BigBike@2026", "$wp$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm"}
)

func TestPhpassVectors(t *testing.T) {
	for _, v := range append(append([]struct{ pw, hash string }{}, phpassVectors...), drupalVectors...) {
		if !Check([]byte(v.hash), []byte(v.pw)) {
			t.Errorf("%q: got %s, want %s", v.pw, phpassCrypt([]byte(v.pw), []byte(v.hash)), v.hash)
		}
		if Check([]byte(v.hash), []byte(v.pw+"x")) {
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
		pw := []byte(v.pw)
		if !Check([]byte(v.hash), pw) {
			t.Errorf("%q: %s does not verify", v.pw, v.hash)
		}
		// The hash computed here, not only golang.org/x/crypto's check.
		if !bcryptCheckOwn([]byte(v.hash), pw[:min(len(pw), bcryptMaxInput)]) {
			prefix, cost, salt, _ := parseBcrypt([]byte(v.hash))
			t.Errorf("%q: got %s, want %s", v.pw, bcryptHash(prefix, pw, cost, salt), v.hash)
		}
		if Check([]byte(v.hash), append(pw[:len(pw):len(pw)], 'x')) && len(pw) < bcryptMaxInput {
			t.Errorf("%q+x accepted by %s", v.pw, v.hash)
		}
	}
	if !Check([]byte(wpVector.hash), []byte(wpVector.pw)) {
		t.Errorf("WordPress vector %s does not verify", wpVector.hash)
	}
	if Check([]byte(wpVector.hash), []byte("bigbike@2026")) {
		t.Error("WordPress vector verifies a wrong password")
	}
}

// goldenSalt and goldenHashes pin Hash's output: the anonymizer writes the
// same archive from the same secret, also across versions. The hashes
// other than Magento's were made by the hand-written bcrypt and phpass
// that came before internal/passhash.
var (
	goldenSalt = func() (s [32]byte) {
		for i := range s {
			s[i] = byte(i*7 + 3)
		}
		return s
	}()
	goldenHashes = []struct{ in, out string }{
		{"$P$8ohUJ.1sdFw09/bMaAQPTGDNi2BIUt1", "$P$818FMTaho8pSjN.qFuBv3tMnaqIic71"},
		{"$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1", "$H$918FMTahoy13/BMKk6MiW4qCNohbHG1"},
		{"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "$2a$05$.umPE/6kJRO5OijOTz3jZ.bRuZloz8DAZ2Q1LhCz9x861tTVGACW."},
		{"$2b$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "$2b$04$.umPE/6kJRO5OijOTz3jZ./kKCWupiI/xDOoNpySQ6SH6DGwNLCYC"},
		{"$2y$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "$2y$04$.umPE/6kJRO5OijOTz3jZ./kKCWupiI/xDOoNpySQ6SH6DGwNLCYC"},
		{"$wp$2y$04$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", "$wp$2y$04$.umPE/6kJRO5OijOTz3jZ.xN6zIVCfgUdJWGNg8W3nsSM66OI1puC"},
		{"$S$7XZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G", "$S$718FMTaho4An3G89FlWPGWtrMg4qgiSxYEAgF.AGbBmVeM0XpzHb"},
		{"5F4DCC3B5AA765D61D8327DEB882CF99", "C8F466DA7180FAB6675F05E08937735A"},
		{"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "26f7e89b53beba6efb2db6646792926723188f56"},
		{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", "bae0c24a311857b293837265f83240a03bddf06940932c55762935609cdb0120"},
		{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8:QPdbS4UNtkw4G1MXHtJgQ63kRlapYcwq:1", "6e9425899e5fe6a7a1c6f699914616d95defce3b4654ae63284a7a0a6d2fbc7f:naaMxTxcEyhF7o1u25H3GzLKuRDFFuah:1"},
		{"61529519452809720693702583126814:aB", "bd6a66bec5a81f734f64463187e88ee2:na"},
	}
)

func TestHashGolden(t *testing.T) {
	for _, g := range goldenHashes {
		if got := Detect([]byte(g.in)).Hash([]byte("Golden-Pass-1"), goldenSalt); string(got) != g.out {
			t.Errorf("Hash for %s = %q, want %q", g.in, got, g.out)
		}
	}
}

// formatInputs are hashes in each format, with what Detect must say and
// what Hash must write.
var formatInputs = []struct {
	in, name string
	cost     int
	re       string
}{
	{"$P$BZlPX7NIx8MYpXokBW2AGsN7i.aUOt0", "phpass", 13, `^\$P\$B[./0-9A-Za-z]{30}$`},
	{"$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1", "phpass", 11, `^\$H\$9[./0-9A-Za-z]{30}$`},
	{"$P$S12345678L6Lpt4BxNotVIMILOa9u81", "phpass", 13, `^\$P\$B[./0-9A-Za-z]{30}$`}, // 2^30 rounds capped to 2^13
	{"$P$312345678L6Lpt4BxNotVIMILOa9u81", "phpass", 7, `^\$P\$5[./0-9A-Za-z]{30}$`},  // 2^5 rounds raised to 2^7
	{"$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", "bcrypt", 10, `^\$2y\$10\$[./A-Za-z0-9]{53}$`},
	{"$2b$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "bcrypt", 4, `^\$2b\$04\$[./A-Za-z0-9]{53}$`},
	{"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "bcrypt", 5, `^\$2a\$05\$[./A-Za-z0-9]{53}$`},
	{"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", "bcrypt", 5, `^\$2x\$05\$[./A-Za-z0-9]{53}$`},
	{"$2y$13$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", "bcrypt", 10, `^\$2y\$10\$[./A-Za-z0-9]{53}$`}, // cost capped
	{"$wp$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", "WordPress bcrypt", 10, `^\$wp\$2y\$10\$[./A-Za-z0-9]{53}$`},
	{"$S$DXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G", "Drupal 7", 15, `^\$S\$D[./0-9A-Za-z]{51}$`},
	{"U$S$DXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G", "Drupal 7", 15, `^\$S\$D[./0-9A-Za-z]{51}$`},
	{"$S$CXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G", "Drupal 7", 14, `^\$S\$C[./0-9A-Za-z]{51}$`},
	{"$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "bcrypt", 10, `^\$2y\$10\$[./A-Za-z0-9]{53}$`},
	{"5f4dcc3b5aa765d61d8327deb882cf99", "md5 hex", 0, `^[0-9a-f]{32}$`},
	{"5F4DCC3B5AA765D61D8327DEB882CF99", "md5 hex", 0, `^[0-9A-F]{32}$`},
	{"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "sha1 hex", 0, `^[0-9a-f]{40}$`},
	{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", "sha256 hex", 0, `^[0-9a-f]{64}$`},
	{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8:QPdbS4UNtkw4G1MXHtJgQ63kRlapYcwq:1", "Magento 2", 0, `^[0-9a-f]{64}:[0-9A-Za-z]{32}:1$`},
	{"a2b7b6b1f0b5a1e5c0a5d4c1b2a3f4e5d6c7b8a9e0f1a2b3c4d5e6f7a8b9c0d1:saltsaltsaltsaltsaltsaltsaltsalt:3_32_2_67108864", "Magento 2", 0, `^[0-9a-f]{64}:[0-9A-Za-z]{32}:1$`},
	{"61529519452809720693702583126814:aB", "Magento 1", 0, `^[0-9a-f]{32}:[0-9A-Za-z]{2}$`},
	{"61529519452809720693702583126814:" + strings.Repeat("s", 64), "Magento 1", 0, `^[0-9a-f]{32}:[0-9A-Za-z]{64}$`},
	{"plaintext-password!", "md5 hex", 0, `^[0-9a-f]{32}$`},
	{"*THISISNOTAHASH", "md5 hex", 0, `^[0-9a-f]{32}$`},
	{"", "md5 hex", 0, `^[0-9a-f]{32}$`},
}

func TestFormats(t *testing.T) {
	const pw = "Support-Test-123"
	other := goldenSalt
	other[0]++
	for _, tc := range formatInputs {
		f := Detect([]byte(tc.in))
		if f.Name() != tc.name || f.Cost() != tc.cost {
			t.Errorf("Detect(%q) = %s cost %d, want %s cost %d", tc.in, f.Name(), f.Cost(), tc.name, tc.cost)
		}
		out := f.Hash([]byte(pw), goldenSalt)
		if !regexp.MustCompile(tc.re).Match(out) {
			t.Errorf("Detect(%q).Hash = %q, want %s", tc.in, out, tc.re)
		}
		if again := f.Hash([]byte(pw), goldenSalt); string(again) != string(out) {
			t.Errorf("Detect(%q).Hash not deterministic: %q then %q", tc.in, out, again)
		}
		if salted := f.Hash([]byte(pw), other); (string(salted) == string(out)) != strings.HasSuffix(tc.name, " hex") {
			t.Errorf("Detect(%q).Hash: %q under one salt, %q under another", tc.in, out, salted)
		}
		if g := Detect(out); g.Setting() != f.Setting() {
			t.Errorf("Detect(%q) = %s, but Detect of its hash %q = %s", tc.in, f.Setting(), out, g.Setting())
		}
		if !Check(out, []byte(pw)) || !checkIndependently(t, string(out), pw) {
			t.Errorf("Detect(%q).Hash = %q does not verify its password", tc.in, out)
		}
		if Check(out, []byte("password")) || checkIndependently(t, string(out), "password") {
			t.Errorf("Detect(%q).Hash = %q verifies \"password\"", tc.in, out)
		}
	}
}

// checkIndependently verifies the formats that are one digest without
// Check: Magento's and the hex digests. Others go through Check.
func checkIndependently(t *testing.T, hash, pw string) bool {
	t.Helper()
	hexOf := func(b []byte) string { return hex.EncodeToString(b) }
	if strings.HasPrefix(hash, "$") {
		return Check([]byte(hash), []byte(pw))
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

func TestCheckRejects(t *testing.T) {
	for _, h := range []string{
		"", "password", "*THISISNOTAHASH",
		"$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihv",  // one short
		"$2z$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", // no such prefix
		"$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", // cost below 4
		"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8:QPdbS4UNtkw4G1MXHtJgQ63kRlapYcwq:2",
	} {
		if Check([]byte(h), []byte("password")) || Check([]byte(h), []byte("U*U")) || Check([]byte(h), nil) {
			t.Errorf("Check(%q) accepted a password", h)
		}
	}
}

func TestNew(t *testing.T) {
	for _, f := range []string{Phpass, Bcrypt, WordPress, Drupal7, Magento2} {
		h, err := New(f, []byte("s3cret-Pass"))
		if err != nil {
			t.Fatal(f, err)
		}
		if !Check(h, []byte("s3cret-Pass")) {
			t.Errorf("%s: %s does not verify its password", f, h)
		}
		if Check(h, []byte("s3cret-Pasz")) {
			t.Errorf("%s: %s verifies a wrong password", f, h)
		}
		h2, _ := New(f, []byte("s3cret-Pass"))
		if string(h) == string(h2) {
			t.Errorf("%s: two hashes of one password are equal (salt not random)", f)
		}
	}
	for f, prefix := range map[string]string{Phpass: "$P$B", Bcrypt: "$2y$10$", WordPress: "$wp$2y$10$", Drupal7: "$S$D"} {
		if h, err := New(f, []byte("x")); err != nil || !strings.HasPrefix(string(h), prefix) {
			t.Errorf("%s hash %s, %v; want prefix %s", f, h, err, prefix)
		}
	}
	if _, err := New("argon9", []byte("x")); err == nil || !strings.HasPrefix(err.Error(), "passhash: ") {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := New(Bcrypt, nil); err == nil {
		t.Error("empty password accepted")
	}
}

func TestCheckPlain(t *testing.T) {
	for _, tc := range []struct{ pw, err string }{
		{"hunter22", ""},
		{"x", ""},
		{strings.Repeat("x", 72), ""},
		{"pass word", ""},
		{"пароль", ""},
		{"", "empty"},
		{strings.Repeat("x", 73), "73 bytes"},
		{"a\x00b", "NUL"},
		{" x", "white space"},
		{"x\n", "white space"},
		{"x\u00a0", "white space"},
	} {
		err := CheckPlain([]byte(tc.pw))
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "passhash: ")) {
			t.Errorf("CheckPlain(%q) = %v, want %q", tc.pw, err, tc.err)
		}
	}
}

func TestAlnum(t *testing.T) {
	seen := map[string]bool{}
	var counts [256]int
	for i := range 200 {
		var salt [32]byte
		salt[0], salt[1] = byte(i), byte(i>>8)
		s := alnum(salt, 64)
		if len(s) != 64 || !regexp.MustCompile(`^[0-9A-Za-z]+$`).Match(s) {
			t.Fatalf("alnum = %q", s)
		}
		if string(alnum(salt, 64)) != string(s) || string(alnum(salt, 5)) != string(s[:5]) {
			t.Fatalf("alnum not deterministic or not a prefix: %q", s)
		}
		seen[string(s)] = true
		for _, c := range s {
			counts[c]++
		}
	}
	if len(seen) != 200 {
		t.Errorf("%d distinct salts from 200", len(seen))
	}
	// 12800 characters over 62: about 206 each.
	for _, c := range []byte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
		if counts[c] < 120 || counts[c] > 300 {
			t.Errorf("%q drawn %d times in 12800", c, counts[c])
		}
	}
	if len(alnum(goldenSalt, 0)) != 0 {
		t.Error("alnum(0) not empty")
	}
}
