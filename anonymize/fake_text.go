// Text and plain transformers: lorem, hash, null, empty, fixed, keep,
// template.

package anonymize

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

func init() {
	register(&transformer{
		name:  "lorem",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return "replaces text with lorem ipsum of exactly the same number of characters on every line (line breaks kept, white-space-only lines kept), never longer than the column"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &loremFake{k: k}, nil },
	})
	register(&transformer{
		name:  "hash",
		fake:  true,
		keyed: true,
		opts: []option{{
			name:    "length",
			kind:    optInt,
			accepts: "a number of hex digits from 1 to 64, default 16",
			check:   intRange(1, 64),
		}},
		describe: func(o opts) string {
			return fmt.Sprintf("replaces the value with the first %d hex digits of its keyed sum, AES-256-CMAC (cut to the column); empty stays empty", o.int("length", 16))
		},
		build: func(o opts, k *Keyer) (Transformer, error) {
			return &hashFake{k: k, length: o.int("length", 16)}, nil
		},
	})
	register(&transformer{
		name:     "null",
		fake:     true,
		describe: func(opts) string { return "sets the value to NULL" },
		build:    func(opts, *Keyer) (Transformer, error) { return nullT{}, nil },
	})
	register(&transformer{
		name:     "empty",
		fake:     true,
		describe: func(opts) string { return "sets the value to the empty string; NULL stays NULL" },
		build:    func(opts, *Keyer) (Transformer, error) { return emptyT{}, nil },
	})
	register(&transformer{
		name: "fixed",
		opts: []option{{
			name:     "value",
			kind:     optScalar,
			required: true,
			accepts:  "the text to write (a string, number or boolean)",
		}},
		describe: func(o opts) string {
			return fmt.Sprintf("sets every value, NULL included, to %q", o.str("value", ""))
		},
		build: func(o opts, _ *Keyer) (Transformer, error) {
			return &fixedT{value: []byte(o.str("value", ""))}, nil
		},
	})
	register(&transformer{
		name:     "keep",
		describe: func(opts) string { return "keeps the value unchanged" },
		build:    func(opts, *Keyer) (Transformer, error) { return keepT{}, nil },
	})
	register(&transformer{
		name: "template",
		opts: []option{{
			name:     "template",
			kind:     optString,
			required: true,
			accepts:  `text with {column} references to other columns of the row, "{{" and "}}" for literal braces`,
			check: func(v any) error {
				_, err := parseTemplate(v.(string))
				return err
			},
		}},
		describe: func(o opts) string {
			return fmt.Sprintf("replaces the value with %q filled from the row (columns that have rules give their fakes, NULL gives nothing); empty stays empty, NULL stays NULL", o.str("template", ""))
		},
		build: func(o opts, _ *Keyer) (Transformer, error) {
			parts, err := parseTemplate(o.str("template", ""))
			if err != nil {
				return nil, fmt.Errorf("template: %w", err)
			}
			return &templateT{parts: parts}, nil
		},
	})
}

type loremFake struct{ k *Keyer }

// Transform writes, for each line of in, lorem ipsum with exactly as many
// characters as the line has (a trailing "\r" kept). The output is ASCII,
// so it is never longer in bytes than the input, and it is cut to the
// column as well.
func (t *loremFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	r := newStream(t.k.Sum("lorem", in))
	limit := room(col)
	// appendLorem may run one word past its end before cutting back.
	out := make([]byte, 0, min(len(in), limit)+maxLoremWord+2)
	rest := in
	for len(rest) > 0 && len(out) < limit {
		line := rest
		nl := false
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest, nl = rest[:i], rest[i+1:], true
		} else {
			rest = nil
		}
		cr := len(line) > 0 && line[len(line)-1] == '\r'
		if cr {
			line = line[:len(line)-1]
		}
		if isBlank(line) {
			out = append(out, line...) // only spaces and tabs
		} else {
			out = appendLorem(out, &r, min(runeCount(line), limit-len(out)))
		}
		if cr {
			out = append(out, '\r')
		}
		if nl {
			out = append(out, '\n')
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, false, nil
}

// runeCount is utf8.RuneCount, 8 bytes at a time while they are ASCII.
func runeCount(b []byte) int {
	i := 0
	for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
		i += 8
	}
	return i + utf8.RuneCount(b[i:])
}

// maxLoremWord is the length of the longest word in loremWords.
const maxLoremWord = len("reprehenderit")

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// loremText is a run of lorem ipsum sentences of 4 to 12 words, made once
// from a fixed seed, ending with a period and a space so that it reads on
// when it wraps around; loremStarts are the offsets of its words. A fake
// line is a window of it that starts at a keyed word: copying is several
// times cheaper than drawing every word (4 KiB of text went from 16 to a
// few µs), which matters for comment and post tables.
var loremText, loremStarts = makeLoremText(64 << 10)

func makeLoremText(size int) ([]byte, []int32) {
	r := newStream(sha256.Sum256([]byte("stagecopy lorem text")))
	buf := make([]byte, 0, size+2*maxLoremWord)
	var starts []int32
	left := 0
	for len(buf) < size || left != 0 {
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		starts = append(starts, int32(len(buf)))
		w := pick(&r, loremWords)
		if left == 0 {
			left = 4 + r.intn(9)
			buf = append(buf, w[0]-('a'-'A'))
			buf = append(buf, w[1:]...)
		} else {
			buf = append(buf, w...)
		}
		left--
		if left == 0 {
			buf = append(buf, '.')
		}
	}
	return append(buf, ' '), starts
}

// appendLorem appends exactly n characters of lorem ipsum, from a word of
// loremText that r picks, capitalized and ending where it reads well.
func appendLorem(dst []byte, r *stream, n int) []byte {
	if n <= 0 {
		return dst
	}
	start := len(dst)
	pos := int(loremStarts[r.intn(len(loremStarts))])
	for left := n; left > 0; pos = 0 {
		k := min(left, len(loremText)-pos)
		dst = append(dst, loremText[pos:pos+k]...)
		left -= k
	}
	if isLower(dst[start]) {
		dst[start] -= 'a' - 'A'
	}
	// End on a period where it reads well: "dolor sit am" -> "dolor sit a.".
	switch last := len(dst) - 1; {
	case dst[last] == ' ' && n >= 2 && dst[last-1] == '.':
		dst[last-1], dst[last] = 's', '.' // not "velit.."
	case dst[last] == ' ':
		dst[last] = '.'
	case n >= 2 && isLower(dst[last]) && isLower(dst[last-1]):
		dst[last] = '.'
	}
	return dst
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

type hashFake struct {
	k      *Keyer
	length int
}

func (t *hashFake) Transform(in []byte, null bool, col Column, row Row) ([]byte, bool, error) {
	return t.appendTransform(nil, in, null, col, row)
}

func (t *hashFake) appendTransform(dst, in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	sum := t.k.Sum("hash", in)
	var buf [64]byte
	n := min(t.length, room(col), len(buf))
	hex.Encode(buf[:], sum[:(n+1)/2]) // the digits kept, not all 64
	at := len(dst)
	return append(dst, buf[:n]...)[at:], false, nil
}

type nullT struct{}

func (nullT) Transform([]byte, bool, Column, Row) ([]byte, bool, error) { return nil, true, nil }

type emptyT struct{}

func (emptyT) Transform(_ []byte, null bool, _ Column, _ Row) ([]byte, bool, error) {
	if null {
		return nil, true, nil
	}
	return []byte{}, false, nil
}

type keepT struct{}

func (keepT) Transform(in []byte, null bool, _ Column, _ Row) ([]byte, bool, error) {
	return in, null, nil
}

type fixedT struct{ value []byte }

// Transform returns the value for every input, NULL included. A value that
// does not fit the column is an error rather than cut: it was chosen on
// purpose.
func (t *fixedT) Transform(_ []byte, _ bool, col Column, _ Row) ([]byte, bool, error) {
	if !fits(col, t.value) {
		return nil, false, errTooLong(fmt.Sprintf("fixed value %q", t.value), len(t.value), col)
	}
	return t.value[:len(t.value):len(t.value)], false, nil
}

// templatePart is literal text or, if column is set, a column reference.
type templatePart struct {
	text   string
	column string
}

func parseTemplate(s string) ([]templatePart, error) {
	var parts []templatePart
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			lit.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			lit.WriteByte('}')
			i++
		case c == '}':
			return nil, fmt.Errorf("unmatched '}' at byte %d of %q (write \"}}\" for a literal brace)", i, s)
		case c == '{':
			end := strings.IndexAny(s[i+1:], "{}")
			if end < 0 || s[i+1+end] != '}' {
				return nil, fmt.Errorf("unclosed '{' at byte %d of %q (write \"{{\" for a literal brace)", i, s)
			}
			name := strings.TrimSpace(s[i+1 : i+1+end])
			if name == "" {
				return nil, fmt.Errorf("empty column reference at byte %d of %q", i, s)
			}
			if lit.Len() > 0 {
				parts = append(parts, templatePart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, templatePart{column: name})
			i += 1 + end
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, templatePart{text: lit.String()})
	}
	return parts, nil
}

type templateT struct{ parts []templatePart }

// Transform fills the template from row. A reference to a column the row
// does not have is an error; a NULL column gives nothing. The result is cut
// to the column.
func (t *templateT) Transform(in []byte, null bool, col Column, row Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	var out []byte
	for _, p := range t.parts {
		if p.column == "" {
			out = append(out, p.text...)
			continue
		}
		if row == nil {
			return nil, false, fmt.Errorf("template: column %q: no row to read it from", p.column)
		}
		v, isNull, ok := row.Get(p.column)
		if !ok {
			return nil, false, fmt.Errorf("template: %s has no column %q", tableOf(col), p.column)
		}
		if !isNull {
			out = append(out, v...)
		}
	}
	if out == nil {
		out = []byte{}
	}
	return cut(col, out), false, nil
}

func tableOf(col Column) string {
	if col.Table != "" {
		return "table " + col.Table
	}
	return "the row"
}
