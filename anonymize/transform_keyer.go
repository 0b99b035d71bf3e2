// Keyer: the keyed hash that picks every fake, and the small random stream
// a fake is drawn from.

package anonymize

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"hash"
	"hash/maphash"
	"math/bits"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// minKeyerSecret is the shortest secret NewKeyer accepts.
const minKeyerSecret = 16

// Keyer derives deterministic choices: HMAC-SHA256(secret, kind || 0x00 ||
// value). The kind (a transformer name such as "email") keeps the choices
// of different transformers independent. A Keyer is safe for concurrent
// use; it keeps a pool of SHA-256 states so that Sum does not allocate, and
// remembers the sums of recent short inputs (see memo).
//
// The HMAC is computed from its keyed inner and outer states (SHA-256
// after the key XOR ipad, and after the key XOR opad), which NewKeyer
// computes once and keeps marshaled (RFC 2104, section 4; FIPS 198-1,
// section 6): a sum restores them into the pooled states and hashes the
// input and the inner sum, two SHA-256 blocks for an input of up to 55
// bytes. crypto/hmac keeps the same states, marshaled, per hmac.New; a
// Keyer's pool no longer has to make them again for each new state (the
// pool is emptied at each garbage collection), and a sum skips
// crypto/hmac's bookkeeping. Restoring a marshaled state costs about what
// copying it does: measured against a copy of the digest made with
// reflect and with hash.Cloner (which allocates), no way was cheaper,
// and the two blocks are the most of a sum's cost (bench/README.md).
type Keyer struct {
	pool sync.Pool // of *keyState
	// inner and outer are the marshaled SHA-256 states after the
	// secret's block XOR ipad and XOR opad: as secret as the secret.
	inner, outer []byte
	memo         memo
}

// memo is a direct-mapped cache of recent sums of short inputs. Short
// values repeat across the rows of a site: first and last names, the user
// agents of comments, the addresses of regular commenters. An HMAC costs
// two SHA-256 blocks (about 10% of an anonymized snapshot's CPU time with
// the WordPress preset), a lookup one hash of the input and a comparison.
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
	inner, outer   hash.Hash
	innerU, outerU encoding.BinaryUnmarshaler
	buf            []byte
	sum            [sha256.Size]byte
	kinds          [kindSlots]kindStat
}

// kindStat is how often the memo had the sums of one kind (a few kinds
// may share one): the inputs of some kinds never repeat (emails, password
// hashes), and for them a lookup and a store cost a tenth of the HMAC
// for nothing. After memoProbes lookups with fewer than memoMinHits hits (an eighth),
// the kind's sums skip the memo for the next memoSkip sums, then try it
// again. A memo hit is exactly the sum the HMAC gives, so skipping it
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
	k.inner, k.outer = keyedState(secret, 0x36), keyedState(secret, 0x5c)
	k.pool.New = func() any {
		st := &keyState{inner: sha256.New(), outer: sha256.New()}
		st.innerU, st.outerU = st.inner.(encoding.BinaryUnmarshaler), st.outer.(encoding.BinaryUnmarshaler)
		return st
	}
	return k
}

// keyedState returns the marshaled SHA-256 state after the block of
// HMAC-SHA256's key (the secret, or its SHA-256 if longer than a block,
// padded with zeros) XOR pad.
func keyedState(secret []byte, pad byte) []byte {
	var block [sha256.BlockSize]byte
	if len(secret) > sha256.BlockSize {
		sum := sha256.Sum256(secret)
		copy(block[:], sum[:])
	} else {
		copy(block[:], secret)
	}
	for i := range block {
		block[i] ^= pad
	}
	h := sha256.New()
	h.Write(block[:])
	clear(block[:])
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("anonymize: NewKeyer: " + err.Error()) // crypto/sha256 marshals
	}
	return state
}

// Sum returns HMAC-SHA256(secret, kind || 0x00 || value).
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
	// HMAC: SHA-256(key^opad || SHA-256(key^ipad || input)), from the
	// states after the key's blocks.
	if st.innerU.UnmarshalBinary(k.inner) != nil || st.outerU.UnmarshalBinary(k.outer) != nil {
		panic("anonymize: Keyer: cannot restore a SHA-256 state")
	}
	st.inner.Write(st.buf)
	st.outer.Write(st.inner.Sum(st.sum[:0]))
	copy(out[:], st.outer.Sum(st.sum[:0]))
	if useMemo {
		k.memo.store(st.buf, h, out)
	}
	if cap(st.buf) > 64<<10 {
		st.buf = nil // do not keep a huge input's buffer around
	}
	k.pool.Put(st)
	return out
}

// appendFold appends b lower-cased: ASCII fast, other UTF-8 by
// unicode.ToLower, invalid bytes as they are.
func appendFold(dst, b []byte) []byte {
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
// an HMAC, for fakes that need more than a few choices.
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
