// Keyer: the keyed hash that picks every fake, and the small random stream
// a fake is drawn from.

package anonymize

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// minKeyerSecret is the shortest secret NewKeyer accepts.
const minKeyerSecret = 16

// Keyer derives deterministic choices: a 32-byte sum of kind || 0x00 ||
// value, keyed by the run's secret. The kind (a transformer name such as
// "email") keeps the choices of different transformers independent. A
// Keyer is safe for concurrent use; it keeps a pool of states so that Sum
// does not allocate, and remembers the sums of recent short inputs (see
// memo).
//
// The sum is AES-256-CMAC (RFC 4493 with AES-256, NIST SP 800-38B) of the
// input, a 16-byte tag T, widened to 32 bytes with T encrypted by AES-256
// under a second key: T || AES(k2, T). Both keys
// are HMAC-SHA256 of the secret with a label of their own, computed once
// in NewKeyer. CMAC is a pseudorandom function of variable-length inputs
// as long as AES is a pseudorandom permutation, and T || AES(k2, T) is one
// too (a secret permutation of a pseudorandom tag); the sums are as unpredictable without the secret as
// HMAC-SHA256's were (fakes depend on the secret and the value only, and
// nobody without the secret can tell which value a fake came from but by
// guessing the secret), for at most 2^64 blocks under one secret. The
// reason for the change (sums were HMAC-SHA256 before 2026-12-07): with
// AES instructions one block costs about 20 ns, and a sum of an input of
// up to 31 bytes takes three (two CMAC blocks, one to widen): about 175
// ns for an input the memo does not have, against about 305 ns for the
// HMAC-SHA256, whose two SHA-256 blocks cost less than crypto/sha256's
// bookkeeping around them (bench/README.md). Fakes made with the same secret by a version
// from before that day differ.
type Keyer struct {
	pool sync.Pool // of *keyState
	// mac keys the CMAC, wide the widening of its tag; k1 and k2 are
	// CMAC's subkeys. All as secret as the secret.
	mac, wide cipher.Block
	k1, k2    [aes.BlockSize]byte
	memo      memo
}

// memo is a direct-mapped cache of recent sums of short inputs. Short
// values repeat across the rows of a site: first and last names, the user
// agents of comments, the addresses of regular commenters. A sum costs
// three or more AES blocks and a pooled state, a lookup one hash of the
// input and a comparison (about half the time, BenchmarkKeyerSum against
// BenchmarkKeyerSumNew).
// A slot holds the whole input it was computed from, so a hit is exactly
// the sum Sum would compute; a miss replaces the slot. It holds
// memoSlots*(memoMaxInput+32) bytes, about 700 KB, whatever the dump.
type memo struct {
	seed   maphash.Seed
	shards [memoShards]memoShard
}

const (
	memoShards   = 64
	memoSlots    = 4096 // in all shards
	memoMaxInput = 128  // longer inputs (texts) rarely repeat: not cached
)

type memoShard struct {
	mu sync.Mutex
	// tags holds each slot's input hash, apart from the slots so that a
	// miss (an input seen for the first time) reads one small array
	// rather than a slot's three cache lines.
	tags  [memoSlots / memoShards]uint64
	slots [memoSlots / memoShards]memoSlot
	_     [64]byte // keep shards' locks off each other's cache lines
}

type memoSlot struct {
	n   uint8 // length of in, 0 for an empty slot
	in  [memoMaxInput]byte
	sum [32]byte
}

// lookup returns the remembered sum of in, and the hash of in for store.
func (m *memo) lookup(in []byte) (sum [32]byte, h uint64, ok bool) {
	if len(in) == 0 || len(in) > memoMaxInput {
		return sum, 0, false
	}
	h = maphash.Bytes(m.seed, in)
	sh := &m.shards[h%memoShards]
	i := (h / memoShards) % uint64(len(sh.slots))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.tags[i] != h {
		return sum, h, false
	}
	if sl := &sh.slots[i]; int(sl.n) == len(in) && bytes.Equal(sl.in[:sl.n], in) {
		return sl.sum, h, true
	}
	return sum, h, false
}

// store remembers the sum of in, whose hash lookup returned.
func (m *memo) store(in []byte, h uint64, sum [32]byte) {
	if len(in) == 0 || len(in) > memoMaxInput {
		return
	}
	sh := &m.shards[h%memoShards]
	i := (h / memoShards) % uint64(len(sh.slots))
	sl := &sh.slots[i]
	sh.mu.Lock()
	sh.tags[i] = h
	sl.n = uint8(len(in))
	copy(sl.in[:], in)
	sl.sum = sum
	sh.mu.Unlock()
}

type keyState struct {
	buf   []byte
	x, y  [aes.BlockSize]byte // the CMAC's chain, its last block
	sum   [32]byte
	kinds [kindSlots]kindStat
}

// kindStat is how often the memo had the sums of one kind (a few kinds
// may share one): the inputs of some kinds never repeat (emails, password
// hashes), and for them a lookup and a store cost a fifth of the sum
// for nothing. After memoProbes lookups with fewer than memoMinHits hits (an eighth),
// the kind's sums skip the memo for the next memoSkip sums, then try it
// again. A memo hit is exactly the sum cmac gives, so skipping it
// changes no output. Kept per pooled state, without locks.
type kindStat struct {
	probes, hits, skip uint32
}

const (
	kindSlots   = 16
	memoProbes  = 256
	memoMinHits = memoProbes / 8
	memoSkip    = 16 * memoProbes
)

// kindSlot picks kind's kindStat.
func kindSlot(kind string) int {
	if kind == "" {
		return 0
	}
	return (len(kind)*7 + int(kind[0]) + int(kind[len(kind)-1])) % kindSlots
}

// NewKeyer returns a Keyer for secret, which it copies. It panics if the
// secret is shorter than 16 bytes: secrets come from a random generator or
// from a secret file that the caller has checked, so a short one is a
// programming error, and fakes keyed by a guessable secret could be
// reversed by trying names.
func NewKeyer(secret []byte) *Keyer {
	if len(secret) < minKeyerSecret {
		panic("anonymize: NewKeyer: secret of " + strconv.Itoa(len(secret)) + " bytes, need at least " + strconv.Itoa(minKeyerSecret))
	}
	k := &Keyer{memo: memo{seed: maphash.MakeSeed()}}
	k.mac, k.wide = keyerCipher(secret, "stagecopy keyer: AES-256-CMAC key"), keyerCipher(secret, "stagecopy keyer: AES-256 widening key")
	// RFC 4493, section 2.3: L = AES(key, 0^128), K1 = L doubled in
	// GF(2^128), K2 = K1 doubled.
	var l [aes.BlockSize]byte
	k.mac.Encrypt(l[:], l[:])
	k.k1 = double(l)
	k.k2 = double(k.k1)
	clear(l[:])
	k.pool.New = func() any { return new(keyState) }
	return k
}

// keyerCipher returns AES-256 keyed by HMAC-SHA256(secret, label).
func keyerCipher(secret []byte, label string) cipher.Block {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	key := m.Sum(nil)
	c, err := aes.NewCipher(key)
	clear(key)
	if err != nil {
		panic("anonymize: NewKeyer: " + err.Error()) // a 32-byte key is AES-256's
	}
	return c
}

// double multiplies b by x in GF(2^128) as CMAC defines it (RFC 4493,
// section 2.3): a left shift by one bit, and XOR 0x87 into the last byte
// when the bit shifted out was set.
func double(b [aes.BlockSize]byte) (out [aes.BlockSize]byte) {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	binary.BigEndian.PutUint64(out[:8], hi<<1|lo>>63)
	binary.BigEndian.PutUint64(out[8:], lo<<1^(0x87&-(hi>>63)))
	return out
}

// Sum returns the keyed sum of kind || 0x00 || value (see Keyer).
func (k *Keyer) Sum(kind string, value []byte) [32]byte {
	st := k.pool.Get().(*keyState)
	st.buf = append(append(st.buf[:0], kind...), 0)
	st.buf = append(st.buf, value...)
	return k.finish(st, kindSlot(kind))
}

// sumFold is Sum of value with surrounding white space removed and letters
// lower-cased, so that "Bob@X.com " and "bob@x.com" key alike.
func (k *Keyer) sumFold(kind string, value []byte) [32]byte {
	st := k.pool.Get().(*keyState)
	st.buf = append(append(st.buf[:0], kind...), 0)
	st.buf = appendFold(st.buf, bytes.TrimSpace(value))
	return k.finish(st, kindSlot(kind))
}

func (k *Keyer) finish(st *keyState, slot int) (out [32]byte) {
	ks := &st.kinds[slot]
	useMemo := ks.skip == 0
	var h uint64
	if useMemo {
		var sum [32]byte
		var ok bool
		sum, h, ok = k.memo.lookup(st.buf)
		ks.probes++
		if ok {
			ks.hits++
		}
		if ks.probes == memoProbes {
			if ks.hits < memoMinHits {
				ks.skip = memoSkip
			}
			ks.probes, ks.hits = 0, 0
		}
		if ok {
			k.pool.Put(st)
			return sum
		}
	} else {
		ks.skip--
	}
	k.cmac(st)
	out = st.sum
	if useMemo {
		k.memo.store(st.buf, h, out)
	}
	if cap(st.buf) > 64<<10 {
		st.buf = nil // do not keep a huge input's buffer around
	}
	k.pool.Put(st)
	return out
}

// cmac sets st.sum to the sum of st.buf: its AES-256-CMAC T (RFC 4493,
// section 2.4), then T || AES(wide, T).
func (k *Keyer) cmac(st *keyState) {
	m := st.buf
	x := &st.x
	*x = [aes.BlockSize]byte{}
	// Every block but the last: x = AES(x ^ block).
	for len(m) > aes.BlockSize {
		xorBlock(x, m)
		k.mac.Encrypt(x[:], x[:])
		m = m[aes.BlockSize:]
	}
	// The last block: whole, XOR K1; short or empty, padded with 0x80
	// and zeros, XOR K2.
	if len(m) == aes.BlockSize {
		xorBlock(x, m)
		xorBlock(x, k.k1[:])
	} else {
		y := &st.y
		*y = k.k2
		for i, c := range m {
			y[i] ^= c
		}
		y[len(m)] ^= 0x80
		xorBlock(x, y[:])
	}
	k.mac.Encrypt(x[:], x[:]) // T
	copy(st.sum[:aes.BlockSize], x[:])
	k.wide.Encrypt(st.sum[aes.BlockSize:], x[:])
}

// xorBlock XORs the first block of b into x.
func xorBlock(x *[aes.BlockSize]byte, b []byte) {
	b = b[:aes.BlockSize]
	binary.LittleEndian.PutUint64(x[:8], binary.LittleEndian.Uint64(x[:8])^binary.LittleEndian.Uint64(b[:8]))
	binary.LittleEndian.PutUint64(x[8:], binary.LittleEndian.Uint64(x[8:])^binary.LittleEndian.Uint64(b[8:]))
}

// appendFold appends b lower-cased: ASCII fast, other UTF-8 by
// unicode.ToLower, invalid bytes as they are.
func appendFold(dst, b []byte) []byte {
	// ASCII, the usual case, in one pass into room made once, eight
	// bytes at a time while they are all ASCII.
	n := len(dst)
	dst = slices.Grow(dst, len(b))[:n+len(b)]
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if w&high != 0 {
			return appendFoldUTF8(dst[:n+i], b[i:])
		}
		// Every byte is below 0x80, so no sum carries into the next
		// byte: a byte's top bit is set in ge if it is >= 'A', in gt
		// if it is > 'Z'; the upper-case letters get 0x20 added.
		ge := (w + ones*(0x80-'A')) & high
		gt := (w + ones*(0x7f-'Z')) & high
		binary.LittleEndian.PutUint64(dst[n+i:], w|(ge&^gt)>>2)
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			return appendFoldUTF8(dst[:n+i], b[i:])
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[n+i] = c
	}
	return dst
}

// ones and high: a byte of 0x01, of 0x80, in each of a word's eight.
const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
)

// appendFoldUTF8 is appendFold of text that is not all ASCII.
func appendFoldUTF8(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, c)
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += size
	}
	return dst
}

// stream is a small deterministic random stream (xoshiro256**) seeded from
// a Keyer's sum, for fakes that need more than a few choices.
type stream struct{ s0, s1, s2, s3 uint64 }

func newStream(sum [32]byte) stream {
	st := stream{
		binary.LittleEndian.Uint64(sum[0:]),
		binary.LittleEndian.Uint64(sum[8:]),
		binary.LittleEndian.Uint64(sum[16:]),
		binary.LittleEndian.Uint64(sum[24:]),
	}
	if st.s0|st.s1|st.s2|st.s3 == 0 {
		st.s0 = 1 // the all-zero state is a fixed point
	}
	return st
}

func (r *stream) next() uint64 {
	out := bits.RotateLeft64(r.s1*5, 7) * 9
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return out
}

// intn returns a number in [0, n); n must be > 0.
func (r *stream) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// pick returns one element of list.
func pick[T any](r *stream, list []T) T {
	return list[r.intn(len(list))]
}
