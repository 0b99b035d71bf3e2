// phpass portable hashes ($P$, $H$: WordPress before 6.8, phpBB, many
// plugins) and Drupal 7's $S$ (SHA-512 in the same framework).

package passhash

import (
	"crypto/md5"
	"crypto/sha512"
	"hash"
	"strings"
)

// itoa64 is phpass's alphabet for both the iteration count and encode64.
const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// phpassEncode64 appends phpass's encode64 of in (little-endian groups of
// three bytes, six bits a character) to dst.
func phpassEncode64(dst, in []byte) []byte {
	n := len(in)
	for i := 0; i < n; {
		v := uint32(in[i])
		i++
		dst = append(dst, itoa64[v&0x3f])
		if i < n {
			v |= uint32(in[i]) << 8
		}
		dst = append(dst, itoa64[(v>>6)&0x3f])
		if i >= n {
			break
		}
		i++
		if i < n {
			v |= uint32(in[i]) << 16
		}
		dst = append(dst, itoa64[(v>>12)&0x3f])
		if i >= n {
			break
		}
		i++
		dst = append(dst, itoa64[(v>>18)&0x3f])
	}
	return dst
}

// phpassCrypt computes a portable hash for password with setting, the
// first 12 characters of a hash: "$P$" (or "$H$", "$S$"), the log2 of the
// iteration count as one itoa64 character, and an 8-character salt. Prefix
// "$S$" uses SHA-512 and keeps 55 characters as Drupal 7 does; the others
// use MD5 (34 characters). It returns nil for an invalid setting.
func phpassCrypt(password, setting []byte) []byte {
	if len(setting) < 12 || setting[0] != '$' || setting[2] != '$' {
		return nil
	}
	var h hash.Hash
	outLen := 34
	switch setting[1] {
	case 'P', 'H':
		h = md5.New()
	case 'S':
		h = sha512.New()
		outLen = 55
	default:
		return nil
	}
	countLog2 := strings.IndexByte(itoa64, setting[3])
	if countLog2 < 7 || countLog2 > 30 {
		return nil
	}
	h.Write(setting[4:12])
	h.Write(password)
	sum := h.Sum(make([]byte, 0, sha512.Size))
	for range 1 << countLog2 {
		h.Reset()
		h.Write(sum)
		h.Write(password)
		sum = h.Sum(sum[:0])
	}
	out := make([]byte, 0, 12+(len(sum)*8+5)/6)
	out = append(out, setting[:12]...)
	out = phpassEncode64(out, sum)
	return out[:outLen]
}

// phpassCheck reports whether password matches a $P$, $H$ or $S$ hash.
func phpassCheck(h, password []byte) bool {
	got := phpassCrypt(password, h)
	return got != nil && string(got) == string(h)
}
