package passhash

import "testing"

// FuzzDetect checks the round trip on any text: the hash Hash writes in
// the format Detect reads is read back as the same format, and verifies
// its password.
func FuzzDetect(f *testing.F) {
	for _, tc := range formatInputs {
		f.Add([]byte(tc.in), []byte("Support-Test-123"), byte(0))
	}
	for _, v := range bcryptVectors {
		f.Add([]byte(v.hash), []byte(v.pw), byte(1))
	}
	f.Fuzz(func(t *testing.T, in, pw []byte, s byte) {
		format := Detect(in)
		if slow(format) {
			t.Skip()
		}
		salt := goldenSalt
		salt[0] = s
		out := format.Hash(pw, salt)
		if g := Detect(out); g.Setting() != format.Setting() && !(format.prefix == "2x" && !isASCII(pw)) {
			t.Fatalf("Detect(%q) = %s, but Detect of its hash %q = %s", in, format.Setting(), out, g.Setting())
		}
		if !Check(out, pw) {
			t.Fatalf("Detect(%q).Hash(%q) = %q does not verify", in, pw, out)
		}
	})
}

// slow reports whether Hash in format f takes more than a millisecond or so.
func slow(f Format) bool {
	switch f.kind {
	case kindBcrypt, kindWordPress:
		return f.cost > 5
	case kindDrupal:
		return f.cost > 10
	}
	return false
}
