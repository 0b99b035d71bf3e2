package scan

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"io"
	"sync"
	"unicode/utf8"
)

// Encoded payloads: personal data inside base64 text (PHP sessions,
// Roundcube's session variables, JWTs) and compressed data (zlib, gzip,
// and raw deflate as MediaWiki's objectcache keeps it) is found too, and
// reported with its kind and an example that says how it was encoded:
// "j***@g***.com (in base64)". The work is bounded: at most maxLayers
// encodings inside one another, at most maxDecoded bytes decoded for one
// value (what lies beyond is not looked at), and a payload is decoded in
// full only when its first bytes decode to text or to compressed data.
const (
	maxLayers  = 3
	maxDecoded = 1 << 20
	// minBase64 is the shortest run of base64 characters looked into:
	// 12 bytes of text.
	minBase64 = 16
	// peek is how much of a payload is decoded to decide whether it is
	// worth decoding in full.
	peek = 256
)

// decoder holds the state of one value's decoding: the bytes left to
// decode, and the kinds found so far (bits by index in kinds).
type decoder struct {
	left  int
	found uint16
}

// encoded appends to ms the kinds found in the encoded payloads of v that
// are not in d.found yet, with examples that name the encodings, via
// (outermost first), ending in ", " or empty. l is v's first look, depth
// the number of encodings v itself is inside.
func (d *decoder) encoded(ms []match, v []byte, l look, depth int, via string) []match {
	if depth >= maxLayers || d.left <= 0 || d.found == allKinds {
		return ms
	}
	if name, ok := compressedMagic(v); ok {
		return d.decompress(ms, v, name, depth, via)
	}
	if l&lookBinary != 0 && notText(v) {
		// Raw deflate has no header: try it on binary values only.
		return d.decompress(ms, v, "deflate", depth, via)
	}
	if l&lookBase64 == 0 {
		return ms
	}
	// Runs of base64 characters of minBase64 or more: probe the last
	// byte a run that starts at i would need; if it is not base64, no
	// run starts before it. v[i:k] are known to be base64 characters,
	// with classes orK.
	for i, k, orK := 0, 0, uint16(0); i+minBase64 <= len(v) && d.left > 0; {
		p := i + minBase64 - 1
		or := class[v[p]]
		if or&cBase64 == 0 {
			i, k, orK = p+1, p+1, 0
			continue
		}
		j := p
		for j > k {
			c := class[v[j-1]]
			if c&cBase64 == 0 {
				break
			}
			or |= c
			j--
		}
		if j > k {
			i, k, orK = j, p+1, or
			continue
		}
		or |= orK
		e := p + 1
		for ; e < len(v); e++ {
			c := class[v[e]]
			if c&cBase64 == 0 {
				break
			}
			or |= c
		}
		// Not base64: one without upper or lower case letters (hex,
		// slugs, words), or with both alphabets' own characters (paths
		// like wp-content/uploads).
		if or&cUpper != 0 && or&cLower != 0 && or&(cStd|cURL) != cStd|cURL {
			ms = d.base64Run(ms, v[i:e], or&cURL != 0, depth, via)
		}
		i, k, orK = e+1, e+1, 0
	}
	return ms
}

// allKinds has the bits of the kinds detect reports.
const allKinds = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<4

func kindBit(k Kind) uint16 {
	for i, x := range kinds {
		if x == k {
			return 1 << i
		}
	}
	return 0
}

// base64Run looks into run, a run of base64 characters of one alphabet
// (url: the URL one) with upper and lower case letters, if it is
// plausibly base64: a length base64 can have, and a first part that
// decodes to text or compressed data.
func (d *decoder) base64Run(ms []match, run []byte, url bool, depth int, via string) []match {
	if len(run)%4 == 1 || !base64Text(run) && !base64Compressed(run) {
		return ms
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	var head [peek * 3 / 4]byte
	hn, err := enc.Decode(head[:], run[:min(len(run), peek)&^3])
	if err != nil {
		return ms
	}
	_, compressed := compressedMagic(head[:hn])
	if !compressed && !textLike(head[:hn]) {
		return ms
	}
	// Decode in full, within the budget: 4 characters give 3 bytes.
	m := len(run)
	if m/4*3 > d.left {
		m = d.left / 3 * 4
	}
	bp := getBuf()
	defer putBuf(bp)
	out := (*bp)[:0]
	if cap(out) < enc.DecodedLen(m) {
		out = make([]byte, 0, enc.DecodedLen(m))
	}
	out = out[:enc.DecodedLen(m)]
	k, err := enc.Decode(out, run[:m])
	if err != nil && k == 0 {
		return ms
	}
	out = out[:k]
	*bp = out
	d.left -= k
	return d.inside(ms, out, depth+1, via+"base64")
}

// base64Text reports whether run, base64 text, may encode ASCII text:
// in each of its first groups of four characters, the first is below 32
// (A-Z, a-f), the second's bit 3 and the third's bit 1 are clear, as
// when the three bytes they encode are below 0x80. One group in eight may
// differ (a letter outside ASCII). Random bytes pass one group in eight.
func base64Text(run []byte) bool {
	n := min(len(run)/4, 8)
	bad := 0
	for g := range n {
		a, b, c := b64val[run[4*g]], b64val[run[4*g+1]], b64val[run[4*g+2]]
		if a >= 32 || b&8 != 0 || c&2 != 0 {
			bad++
		}
	}
	return bad*8 <= n
}

// base64Compressed reports whether run starts like base64 of gzip or zlib
// data (compressedMagic's first bytes).
func base64Compressed(run []byte) bool {
	if len(run) < 4 {
		return false
	}
	v0, v1, v2, v3 := b64val[run[0]], b64val[run[1]], b64val[run[2]], b64val[run[3]]
	b0, b1, b2 := v0<<2|v1>>4, v1<<4|v2>>2, v2<<6|v3
	return b0 == 0x1f && b1 == 0x8b && b2 == 8 || b0 == 0x78 && (0x78<<8|uint16(b1))%31 == 0 && b1&0x20 == 0
}

// b64val is the value of a base64 character, either alphabet.
var b64val = func() (t [256]byte) {
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" {
		t[c] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// inside appends to ms the kinds in v, a decoded payload, that are not in
// d.found: what v holds as it is, then what its own encoded payloads hold.
func (d *decoder) inside(ms []match, v []byte, depth int, via string) []match {
	var buf [8]span
	l := firstLook(v)
	for _, s := range findSpans(v, l, buf[:0]) {
		if b := kindBit(s.kind); d.found&b == 0 {
			d.found |= b
			ms = append(ms, match{s.kind, mask(v, s) + " (in " + via + ")"})
		}
	}
	return d.encoded(ms, v, l, depth, via+", ")
}

// compressedMagic reports whether b starts like a gzip member (1f 8b 08)
// or a zlib stream (78, with a header whose check bits are right and no
// preset dictionary), and which.
func compressedMagic(b []byte) (string, bool) {
	switch {
	case len(b) >= 18 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8:
		return "gzip", true
	case len(b) >= 6 && b[0] == 0x78 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0 && b[1]&0x20 == 0:
		return "zlib", true
	}
	return "", false
}

// notText reports whether v is not UTF-8 text (in its first 64 bytes): raw
// deflate is tried only on such values.
func notText(v []byte) bool {
	p := v[:min(len(v), 64)]
	i := 0
	for ; i+8 <= len(p); i += 8 {
		if notTextMask(binary.LittleEndian.Uint64(p[i:])) != 0 {
			break
		}
	}
	for ; i < len(p); i++ {
		if c := p[i]; c >= 0x80 || c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			break
		}
	}
	if i == len(p) {
		return false // ASCII text
	}
	if len(p) < len(v) {
		// A character cut at the end of the prefix is not an error.
		for i := len(p) - 1; i >= 0 && i >= len(p)-3; i-- {
			if utf8.RuneStart(p[i]) {
				if !utf8.FullRune(p[i:]) {
					p = p[:i]
				}
				break
			}
		}
	}
	return !utf8.Valid(p) || bytes.IndexByte(p, 0) >= 0 && bytes.Count(p, []byte{0})*8 > len(p)
}

// notTextMask returns w with the high bit set in each byte from 0x80 or
// below 0x20 (tab, CR and LF included), others clear.
func notTextMask(w uint64) uint64 {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	// (w&0x7f)+0x60 reaches the high bit from 0x20 up, without carries.
	return (w | ^((w & lo7) + 0x6060606060606060)) & hi
}

// textLike reports whether b, the start of a decoded payload, is text:
// valid UTF-8 (a character cut at the end allowed) with at most one byte
// in 16 a control character other than tab, newline, carriage return and
// NUL (PHP's serialized objects have NULs).
func textLike(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	bad := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0 || c == 0x7f {
				bad++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(b[i:]) {
				break // cut at the end
			}
			bad++
		}
		i += size
	}
	return bad*16 <= len(b)
}

// decompress appends to ms what the gzip, zlib or raw deflate data v
// holds, reading at most d.left bytes of it. Raw deflate is given up on
// when its first bytes do not decode, or do not decode to text or to
// compressed data.
func (d *decoder) decompress(ms []match, v []byte, name string, depth int, via string) []match {
	r, release, err := openCompressed(name, v)
	if err != nil {
		return ms
	}
	defer release()
	bp := getBuf()
	defer putBuf(bp)
	out := (*bp)[:0]
	if name == "deflate" {
		out, err = readUpTo(r, out, min(d.left, peek))
		if len(out) == 0 || err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return ms
		}
		if _, compressed := compressedMagic(out); !compressed && !textLike(out) {
			return ms
		}
	}
	out, _ = readUpTo(r, out, d.left)
	*bp = out
	if len(out) == 0 {
		return ms
	}
	d.left -= len(out)
	return d.inside(ms, out, depth+1, via+name)
}

// readUpTo appends what r gives to dst until dst holds n bytes, r ends or
// fails.
func readUpTo(r io.Reader, dst []byte, n int) ([]byte, error) {
	for len(dst) < n {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		k, err := r.Read(dst[len(dst):min(cap(dst), n)])
		dst = dst[:len(dst)+k]
		if err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// Readers and buffers are reused: a flate reader holds 40 KiB of tables.
var (
	gzipReaders  sync.Pool
	zlibReaders  sync.Pool
	flateReaders sync.Pool
	buffers      = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
)

func getBuf() *[]byte { return buffers.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) <= maxDecoded+peek {
		*b = (*b)[:0]
		buffers.Put(b)
	}
}

// openCompressed returns a reader of the data v compresses, and a
// function that gives the reader back.
func openCompressed(name string, v []byte) (io.Reader, func(), error) {
	src := bytes.NewReader(v)
	switch name {
	case "gzip":
		zr, _ := gzipReaders.Get().(*gzip.Reader)
		if zr == nil {
			zr = new(gzip.Reader)
		}
		if err := zr.Reset(src); err != nil {
			gzipReaders.Put(zr)
			return nil, nil, err
		}
		zr.Multistream(false)
		return zr, func() { gzipReaders.Put(zr) }, nil
	case "zlib":
		zr, _ := zlibReaders.Get().(io.ReadCloser)
		var err error
		if zr == nil {
			zr, err = zlib.NewReader(src) // nil on a bad header
		} else if err = zr.(zlib.Resetter).Reset(src, nil); err != nil {
			zlibReaders.Put(zr)
		}
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zlibReaders.Put(zr) }, nil
	}
	fr, _ := flateReaders.Get().(io.ReadCloser)
	if fr == nil {
		fr = flate.NewReader(src)
	} else if err := fr.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, nil, err
	}
	return fr, func() { flateReaders.Put(fr) }, nil
}

func isBase64Char(c byte) bool { return class[c]&cBase64 != 0 }
