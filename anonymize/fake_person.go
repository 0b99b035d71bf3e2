// Fakes for people: first_name, last_name, full_name, username, email,
// company.

package anonymize

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

func init() {
	for _, t := range []struct{ name, what string }{
		{"first_name", "given name"},
		{"last_name", "surname"},
		{"company", "company name"},
		{"city", "town name"},
	} {
		list := wordLists[t.name]
		register(&transformer{
			name:  t.name,
			keyed: true,
			fake:  true,
			describe: func(opts) string {
				return fmt.Sprintf("replaces the value with a %s from a built-in list of %d, the same for the same value in any letter case; empty stays empty, NULL stays NULL", t.what, len(list))
			},
			build: func(_ opts, k *Keyer) (Transformer, error) {
				return &wordFake{k: k, kind: t.name, what: t.what, list: list}, nil
			},
		})
	}
	register(&transformer{
		name:  "full_name",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return "replaces a name with \"<first> <last>\": the words before the last space get the first_name fake, the last word the last_name fake, so names stay consistent across columns"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &fullNameFake{k: k}, nil },
	})
	register(&transformer{
		name:  "username",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return "replaces a login name with one like \"emma.smith1234567890\" ([a-z0-9.], 32 bits of the keyed hash as the number), the same for the same name in any letter case"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &usernameFake{k: k}, nil },
	})
	register(&transformer{
		name:  "email",
		fake:  true,
		keyed: true,
		opts:  []option{domainOption},
		describe: func(o opts) string {
			return fmt.Sprintf("replaces an email address with one like \"emma.smith1234567890@%s\" (32 bits of the keyed hash as the number), the same for the same address in any letter case; empty stays empty, NULL stays NULL", o.str("domain", defaultDomain))
		},
		build: func(o opts, k *Keyer) (Transformer, error) {
			return &emailFake{k: k, domain: strings.ToLower(o.str("domain", defaultDomain))}, nil
		},
	})
}

const defaultDomain = "example.com"

// wordLists are the lists of the single-word transformers, as bytes so
// that a fake can be returned without copying.
var wordLists = map[string][][]byte{
	"first_name": asBytes(fakeshape.FirstNames),
	"last_name":  asBytes(fakeshape.LastNames),
	"company":    asBytes(companyNames),
	"city":       asBytes(cityNames),
}

func asBytes(list []string) [][]byte {
	out := make([][]byte, len(list))
	for i, s := range list {
		out[i] = []byte(s)
		out[i] = out[i][:len(s):len(s)]
	}
	return out
}

// letterCase says how a fake should be cased to look like its input.
type letterCase int

const (
	caseAsIs letterCase = iota
	caseUpper
	caseLower
)

// caseOf returns caseUpper for input whose letters are all upper case,
// caseLower for all lower case, caseAsIs otherwise or without letters.
func caseOf(in []byte) letterCase {
	upper, lower := false, false
	for i := 0; i < len(in); {
		c := in[i]
		if c < utf8.RuneSelf {
			upper = upper || 'A' <= c && c <= 'Z'
			lower = lower || 'a' <= c && c <= 'z'
			i++
		} else {
			r, size := utf8.DecodeRune(in[i:])
			upper = upper || unicode.IsUpper(r)
			lower = lower || unicode.IsLower(r)
			i += size
		}
		if upper && lower {
			return caseAsIs // nothing after can change that
		}
	}
	switch {
	case upper && !lower:
		return caseUpper
	case lower && !upper:
		return caseLower
	}
	return caseAsIs
}

// appendCased appends the ASCII word s in letter case lc.
func appendCased(dst []byte, s []byte, lc letterCase) []byte {
	for _, c := range s {
		switch {
		case lc == caseUpper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case lc == caseLower && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// fitting returns the first word of list at or after i (cyclically) that
// is at most n bytes long, or nil.
func fitting(list [][]byte, i, n int) []byte {
	for j := range list {
		if w := list[(i+j)%len(list)]; len(w) <= n {
			return w
		}
	}
	return nil
}

// uniqueTagLen is the length of the tag added to fakes from small lists in
// unique columns: a space and 8 base-36 characters (41 bits).
const uniqueTagLen = 9

func appendUniqueTag(dst []byte, sum [32]byte) []byte {
	v := uint64(sum[24]) | uint64(sum[25])<<8 | uint64(sum[26])<<16 | uint64(sum[27])<<24 |
		uint64(sum[28])<<32 | uint64(sum[29])<<40 | uint64(sum[30])<<48 | uint64(sum[31])<<56
	dst = append(dst, ' ')
	for range 8 {
		dst = append(dst, "0123456789abcdefghijklmnopqrstuvwxyz"[v%36])
		v /= 36
	}
	return dst
}

// finishText fits a fake made of parts (tried in order, longest first) to
// the column: the first candidate that fits is used, else the last one is
// cut. In a unique column a tag derived from sum is added so that values
// from a small list stay distinct; if even one character and the tag do
// not fit, it returns ErrTooLong.
func finishText(what string, candidates [][]byte, lc letterCase, col Column, sum [32]byte) ([]byte, error) {
	return finishTextTo(nil, what, candidates, lc, col, sum)
}

// finishTextTo is finishText writing a fake it makes after dst's bytes
// (which the candidates may be in): it returns the fake alone.
func finishTextTo(dst []byte, what string, candidates [][]byte, lc letterCase, col Column, sum [32]byte) ([]byte, error) {
	n := room(col)
	if col.Unique {
		if n < 1+uniqueTagLen {
			return nil, errTooLong(what+" in a unique column", 1+uniqueTagLen, col)
		}
		n -= uniqueTagLen
	}
	var base []byte
	for _, c := range candidates {
		if len(c) <= n {
			base = c
			break
		}
	}
	if base == nil {
		last := candidates[len(candidates)-1]
		base = last[:n]
	}
	if lc == caseAsIs && !col.Unique {
		return base, nil
	}
	at := len(dst)
	out := appendCased(slices.Grow(dst, len(base)+uniqueTagLen), base, lc)
	if col.Unique {
		out = appendUniqueTag(out, sum)
	}
	return out[at:], nil
}

// wordFake picks one word from a list: first_name, last_name, company
// (with a suffix), city.
type wordFake struct {
	k    *Keyer
	kind string
	what string
	list [][]byte
}

func (t *wordFake) Transform(in []byte, null bool, col Column, row Row) ([]byte, bool, error) {
	return t.appendTransform(nil, in, null, col, row)
}

func (t *wordFake) appendTransform(dst, in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	sum := t.k.sumFold(t.kind, in)
	r := newStream(sum)
	i := r.intn(len(t.list))
	lc := caseOf(in)
	n := room(col)
	if col.Unique {
		n -= uniqueTagLen
	}
	var cands [][]byte
	if t.kind == "company" {
		suffix := pick(&r, companySuffixes)
		at := len(dst)
		dst = append(append(append(slices.Grow(dst, 2*(len(t.list[i])+1+len(suffix))+uniqueTagLen), t.list[i]...), ' '), suffix...)
		cands = [][]byte{dst[at:len(dst):len(dst)], t.list[i]}
	} else {
		w := t.list[i]
		if len(w) > n && n > 0 {
			if f := fitting(t.list, i, n); f != nil {
				w = f
			}
		}
		cands = [][]byte{w}
	}
	out, err := finishTextTo(dst, t.what, cands, lc, col, sum)
	return out, false, err
}

// fullNameFake replaces "First Middle Last" with first_name("First
// Middle") + " " + last_name("Last").
type fullNameFake struct{ k *Keyer }

func (t *fullNameFake) Transform(in []byte, null bool, col Column, row Row) ([]byte, bool, error) {
	return t.appendTransform(nil, in, null, col, row)
}

func (t *fullNameFake) appendTransform(dst, in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	trimmed := trimASCIISpace(in)
	first, last := trimmed, trimmed
	if i := lastASCIISpace(trimmed); i >= 0 {
		first, last = trimASCIISpace(trimmed[:i]), trimmed[i+1:]
	}
	fs := t.k.sumFold("first_name", first)
	fr := newStream(fs)
	fw := firstNamesB[fr.intn(len(firstNamesB))]
	ls := t.k.sumFold("last_name", last)
	lr := newStream(ls)
	lw := lastNamesB[lr.intn(len(lastNamesB))]

	// The candidates go to dst, and finishText writes after them.
	at := len(dst)
	dst = slices.Grow(dst, 2*(len(fw)+1+len(lw))+3+uniqueTagLen)
	dst = append(append(append(dst, fw...), ' '), lw...)
	full := dst[at:len(dst):len(dst)]
	at = len(dst)
	dst = append(append(append(dst, fw[0]), ". "...), lw...)
	initial := dst[at:len(dst):len(dst)]
	var sum [32]byte
	for i := 0; i < len(sum); i += 8 {
		binary.LittleEndian.PutUint64(sum[i:], binary.LittleEndian.Uint64(fs[i:])^binary.LittleEndian.Uint64(ls[i:]))
	}
	out, err := finishTextTo(dst, "full name", [][]byte{full, initial, lw}, caseOf(in), col, sum)
	return out, false, err
}

var (
	firstNamesB = wordLists["first_name"]
	lastNamesB  = wordLists["last_name"]
)

// asciiSpace is the white space trimmed around values and secret files.
// Not bytes.TrimSpace, which also trims \v, \f, U+0085 and U+00A0: the
// fakes of values with those around them would change, and so would every
// fake made with a binary secret that starts or ends with them.
const asciiSpace = " \t\n\r"

func isASCIISpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// trimASCIISpace is bytes.Trim(b, asciiSpace), without building a set.
func trimASCIISpace(b []byte) []byte {
	for len(b) > 0 && isASCIISpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isASCIISpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// lastASCIISpace is bytes.LastIndexAny(b, asciiSpace).
func lastASCIISpace(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if isASCIISpace(b[i]) {
			return i
		}
	}
	return -1
}

// localPart holds what the local parts of fake emails and usernames are
// made of: a first and a last name and 32 bits of the keyed hash. Its
// forms are fakeshape's LocalForms.
type localPart struct {
	first, last []byte
	n           uint32
}

const localForms = fakeshape.LocalForms

func newLocalPart(sum [32]byte) localPart {
	r := newStream(sum)
	var lp localPart
	lp.n = uint32(r.next() & 0xffffffff)
	lp.first = firstNamesB[r.intn(len(firstNamesB))]
	lp.last = lastNamesB[r.intn(len(lastNamesB))]
	return lp
}

// len returns the length of form i.
func (lp *localPart) len(i int) int { return fakeshape.LocalLen(i, lp.first, lp.last, lp.n) }

// append appends form i, lower-cased.
func (lp *localPart) append(dst []byte, i int) []byte {
	return fakeshape.AppendLocal(dst, i, lp.first, lp.last, lp.n)
}

type usernameFake struct{ k *Keyer }

func (t *usernameFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	lp := newLocalPart(t.k.sumFold("username", in))
	n := room(col)
	for i := range localForms {
		if l := lp.len(i); l <= n {
			return lp.append(make([]byte, 0, l), i), false, nil
		}
	}
	if col.Unique || n < 1 {
		return nil, false, errTooLong("username", lp.len(localForms-1), col)
	}
	return lp.append(nil, localForms-1)[:n], false, nil
}

type emailFake struct {
	k      *Keyer
	domain string
}

func (t *emailFake) Transform(in []byte, null bool, col Column, row Row) ([]byte, bool, error) {
	return t.appendTransform(nil, in, null, col, row)
}

func (t *emailFake) appendTransform(dst, in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	lp := newLocalPart(t.k.sumFold("email", in))
	n := room(col) - 1 - len(t.domain)
	for i := range localForms {
		if l := lp.len(i); l <= n {
			at := len(dst)
			out := lp.append(slices.Grow(dst, l+1+len(t.domain)), i)
			return append(append(out, '@'), t.domain...)[at:], false, nil
		}
	}
	return nil, false, errTooLong("email", lp.len(localForms-1)+1+len(t.domain), col)
}

// checkReservedDomain accepts only domains that can never reach a real
// mailbox (fakeshape.ReservedDomain): example.com, example.net,
// example.org (RFC 2606) and names under them, and names under the
// reserved top-level domains .test, .example and .invalid.
func checkReservedDomain(v any) error {
	d := strings.ToLower(v.(string))
	if err := checkHostname(d); err != nil {
		return err
	}
	if fakeshape.ReservedDomain(d) {
		return nil
	}
	return fmt.Errorf("%q is not a reserved domain; use example.com, example.net, example.org, a name under them, or a name ending in .test, .example or .invalid, so that no fake can reach a real person", d)
}

func checkHostname(d string) error {
	if d == "" || len(d) > 253 {
		return fmt.Errorf("%q is not a domain name", d)
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q is not a domain name", d)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return fmt.Errorf("%q is not a domain name (letters, digits, hyphens and dots only)", d)
			}
		}
	}
	return nil
}
