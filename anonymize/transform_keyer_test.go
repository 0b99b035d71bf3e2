package anonymize

import (
	"bytes"
	"crypto/aes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

// refSum is the Keyer's sum as its doc comment defines it, computed
// block by block the way RFC 4493 writes CMAC down (independently of the
// Keyer's streaming loop): keys from HMAC-SHA256 of the secret and a
// label, T = AES-256-CMAC(input), sum = T || AES(k2, T).
func refSum(t testing.TB, secret []byte, kind string, v []byte) [32]byte {
	t.Helper()
	key := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	msg := append(append([]byte(kind), 0), v...)
	tag := refCMAC(t, key("stagecopy keyer: AES-256-CMAC key"), msg)
	wide, err := aes.NewCipher(key("stagecopy keyer: AES-256 widening key"))
	if err != nil {
		t.Fatal(err)
	}
	var out [32]byte
	copy(out[:16], tag)
	wide.Encrypt(out[16:], tag)
	return out
}

// refCMAC is RFC 4493's AES-CMAC, section 2.4, step by step.
func refCMAC(t testing.TB, key, msg []byte) []byte {
	t.Helper()
	c, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	dbl := func(b []byte) []byte {
		out := make([]byte, 16)
		for i := range 15 {
			out[i] = b[i]<<1 | b[i+1]>>7
		}
		out[15] = b[15] << 1
		if b[0]&0x80 != 0 {
			out[15] ^= 0x87
		}
		return out
	}
	l := make([]byte, 16)
	c.Encrypt(l, l)
	k1 := dbl(l)
	k2 := dbl(k1)
	n := (len(msg) + 15) / 16
	complete := n > 0 && len(msg)%16 == 0
	if n == 0 {
		n = 1
	}
	last := make([]byte, 16)
	if complete {
		copy(last, msg[16*(n-1):])
		for i := range last {
			last[i] ^= k1[i]
		}
	} else {
		rest := msg[16*(n-1):]
		copy(last, rest)
		last[len(rest)] = 0x80
		for i := range last {
			last[i] ^= k2[i]
		}
	}
	x := make([]byte, 16)
	for i := range n - 1 {
		for j := range 16 {
			x[j] ^= msg[16*i+j]
		}
		c.Encrypt(x, x)
	}
	for j := range 16 {
		x[j] ^= last[j]
	}
	c.Encrypt(x, x)
	return x
}

// TestCMACVectors checks the Keyer's CMAC loop, and the reference above,
// against the published examples: RFC 4493 section 4 (AES-128) and NIST
// SP 800-38B appendix D.3 (AES-256), messages of 0, 16, 40 and 64 bytes.
func TestCMACVectors(t *testing.T) {
	unhex := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	msg := unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
	for _, v := range []struct {
		key, k1, k2 string
		tags        [4]string // of 0, 16, 40, 64 bytes of msg
	}{
		{"2b7e151628aed2a6abf7158809cf4f3c", "fbeed618357133667c85e08f7236a8de", "f7ddac306ae266ccf90bc11ee46d513b",
			[4]string{"bb1d6929e95937287fa37d129b756746", "070a16b46b4d4144f79bdd9dd04a287c", "dfa66747de9ae63030ca32611497c827", "51f0bebf7e3b9d92fc49741779363cfe"}},
		{"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "cad1ed03299eedac2e9a99808621502f", "95a3da06533ddb585d3533010c42a0d9",
			[4]string{"028962f61b7bf89efc6b551f4667d983", "28a7023f452e8f82bd4bf28d8c37c35c", "aaf3d8f1de5640c232f5b169b9c911e6", "e1992190549f6ed5696a2c056c315410"}},
	} {
		c, err := aes.NewCipher(unhex(v.key))
		if err != nil {
			t.Fatal(err)
		}
		k := &Keyer{mac: c, wide: c}
		var l [16]byte
		c.Encrypt(l[:], l[:])
		k.k1, k.k2 = double(l), double(double(l))
		if hex.EncodeToString(k.k1[:]) != v.k1 || hex.EncodeToString(k.k2[:]) != v.k2 {
			t.Errorf("key %s: subkeys %x %x, want %s %s", v.key, k.k1, k.k2, v.k1, v.k2)
		}
		for i, n := range []int{0, 16, 40, 64} {
			st := &keyState{buf: msg[:n]}
			k.cmac(st)
			if got := hex.EncodeToString(st.x[:]); got != v.tags[i] {
				t.Errorf("key %s, %d bytes: Keyer's CMAC %s, want %s", v.key, n, got, v.tags[i])
			}
			if got := hex.EncodeToString(refCMAC(t, unhex(v.key), msg[:n])); got != v.tags[i] {
				t.Errorf("key %s, %d bytes: reference CMAC %s, want %s", v.key, n, got, v.tags[i])
			}
		}
	}
}

// TestKeyerSums checks Sum and sumFold against refSum, for secrets shorter
// than, as long as and longer than a SHA-256 block, inputs around AES's
// block boundaries and past the memo's limit, computed and remembered,
// and from several goroutines at once.
func TestKeyerSums(t *testing.T) {
	for _, n := range []int{16, 32, 63, 64, 65, 200} {
		secret := bytes.Repeat([]byte{byte(n), 0x36, 0x5c, 0}, n)[:n]
		k := NewKeyer(secret)
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, l := range []int{0, 1, 9, 10, 11, 15, 16, 25, 26, 27, 48, 49, 55, 56, 63, 64, 119, 128, 129, 1000, 70000} {
					v := bytes.Repeat([]byte{'a' + byte(g), 'Z', ' ', 0xc3, 0x89}, l)[:l]
					for range 2 { // computed, then remembered
						if got, w := k.Sum("email", v), refSum(t, secret, "email", v); got != w {
							t.Errorf("secret of %d bytes, input of %d: Sum = %x, want %x", n, l, got, w)
						}
						if got, w := k.sumFold("first_name", v), refSum(t, secret, "first_name", appendFold(nil, bytes.TrimSpace(v))); got != w {
							t.Errorf("secret of %d bytes, input of %d: sumFold = %x, want the sum of the folded input %x", n, l, got, w)
						}
					}
				}
			}()
		}
		wg.Wait()
		// Inputs that never repeat make a kind skip the memo: the sums
		// stay right, then and when the kind tries the memo again.
		for i := range 3 * memoSkip {
			v := []byte("user" + strconv.Itoa(i) + "@example.org")
			if i%20 == 0 {
				v = []byte("repeated@example.org")
			}
			if got, w := k.Sum("email", v), refSum(t, secret, "email", v); got != w {
				t.Fatalf("secret of %d bytes, input %d of many: Sum = %x, want %x", n, i, got, w)
			}
		}
	}
}

// TestAppendFold checks appendFold's ASCII pass against the rune by rune
// fold it falls back to, on ASCII, text that turns to UTF-8 or invalid
// bytes part way, and random bytes, appended to a buffer that holds
// something already.
func TestAppendFold(t *testing.T) {
	inputs := []string{"", "Bob@Example.ORG", "plain", "ÉLODIE", "Zoë.Ünal@Exämple.de", "AB\xffCD", "ab\xc3", "MIXED Case ÀÉ end"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(4) > 0 {
				b[i] = byte('0' + r.IntN(75))
			}
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		prefix := []byte("kind\x00")
		want := appendFoldUTF8(bytes.Clone(prefix), []byte(in))
		if got := appendFold(prefix, []byte(in)); !bytes.Equal(got, want) {
			t.Errorf("appendFold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := string(appendFold(nil, []byte("ÀB"))); got != "àb" {
		t.Errorf("appendFold(ÀB) = %q", got)
	}
}
