package anonymize

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"strconv"
	"sync"
	"testing"
)

// TestKeyerIsHMAC checks Sum and sumFold against crypto/hmac, for secrets
// shorter than, as long as and longer than SHA-256's block, inputs around
// the block boundaries and past the memo's limit, computed and remembered,
// and from several goroutines at once.
func TestKeyerIsHMAC(t *testing.T) {
	want := func(secret []byte, kind string, v []byte) [32]byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(kind))
		m.Write([]byte{0})
		m.Write(v)
		var out [32]byte
		copy(out[:], m.Sum(nil))
		return out
	}
	for _, n := range []int{16, 32, 63, 64, 65, 200} {
		secret := bytes.Repeat([]byte{byte(n), 0x36, 0x5c, 0}, n)[:n]
		k := NewKeyer(secret)
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, l := range []int{0, 1, 48, 49, 55, 56, 63, 64, 119, 128, 129, 1000, 70000} {
					v := bytes.Repeat([]byte{'a' + byte(g), 'Z', ' ', 0xc3, 0x89}, l)[:l]
					for range 2 { // computed, then remembered
						if got, w := k.Sum("email", v), want(secret, "email", v); got != w {
							t.Errorf("secret of %d bytes, input of %d: Sum = %x, HMAC-SHA256 %x", n, l, got, w)
						}
						if got, w := k.sumFold("first_name", v), want(secret, "first_name", appendFold(nil, bytes.TrimSpace(v))); got != w {
							t.Errorf("secret of %d bytes, input of %d: sumFold = %x, HMAC-SHA256 of the folded input %x", n, l, got, w)
						}
					}
				}
			}()
		}
		wg.Wait()
		// Inputs that never repeat make a kind skip the memo: the sums
		// stay the HMAC's, then and when the kind tries the memo again.
		for i := range 3 * memoSkip {
			v := []byte("user" + strconv.Itoa(i) + "@example.org")
			if i%20 == 0 {
				v = []byte("repeated@example.org")
			}
			if got, w := k.Sum("email", v), want(secret, "email", v); got != w {
				t.Fatalf("secret of %d bytes, input %d of many: Sum = %x, HMAC-SHA256 %x", n, i, got, w)
			}
		}
	}
}
