// Package phpserial parses and re-encodes the output of PHP's serialize()
// byte for byte, so that strings inside it can be changed without breaking
// the length prefixes PHP checks when it reads the value back.
//
// WordPress, WooCommerce, PrestaShop, Magento and Drupal keep PHP-serialized
// arrays and objects in their databases (options, user meta, sessions,
// caches). Replacing text inside them with a plain string replace corrupts
// them as soon as a string changes length; this package parses the value,
// lets the caller change strings, and writes it back with every length
// recomputed.
//
// [Parse] reads one value. For any input it accepts, [Value.Append] writes
// the same bytes back until something is changed. [Value.WalkNested] visits
// every string with the path of keys that leads to it, also inside strings
// whose content is itself serialized, as WooCommerce sessions and
// double-serialized WordPress options are.
//
// Supported forms: N; b:0; i:-5; d:0.5; (and d:INF; d:-INF; d:NAN;
// exponents), s:LEN:"bytes"; arrays a:N:{...}, objects O:LEN:"Class":N:{...},
// custom-serialized objects C:LEN:"Class":LEN:{raw}, references r:N; and
// R:N;, and enum cases E:LEN:"Enum:Case";. The escaped string form S:...,
// never written by PHP 7 or later, is rejected.
//
// The package is stdlib only and never panics on bad input.
package phpserial

import (
	"bytes"
	"strconv"
	"strings"
)

// MaxDepth is how deeply arrays and objects may nest, counting strings
// parsed as nested serialized values as one more level each. PHP's own
// default limit (unserialize_max_depth) is 4096; real data rarely goes past
// a few dozen.
const MaxDepth = 512

// Kind says what kind of value a [Value] is.
type Kind uint8

// Value kinds, one for each form PHP writes.
const (
	KindNull   Kind = iota // N;
	KindBool               // b:0; b:1;
	KindInt                // i:-5;
	KindFloat              // d:0.5; d:INF; d:NAN; d:1.0E+25;
	KindString             // s:5:"hello";
	KindArray              // a:2:{i:0;s:1:"a";s:1:"k";i:1;}
	KindObject             // O:8:"stdClass":1:{s:1:"a";i:1;}
	KindCustom             // C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}
	KindRef                // r:2; a copy of the value with that number
	KindAlias              // R:2; a PHP reference (&) to the value with that number
	KindEnum               // E:11:"Suit:Hearts";
)

var kindNames = [...]string{
	KindNull:   "null",
	KindBool:   "bool",
	KindInt:    "int",
	KindFloat:  "float",
	KindString: "string",
	KindArray:  "array",
	KindObject: "object",
	KindCustom: "custom object",
	KindRef:    "reference",
	KindAlias:  "alias",
	KindEnum:   "enum",
}

// String returns a short lower-case name such as "array".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one parsed PHP value. Which fields are used depends on Kind.
//
// The byte slices of a parsed value point into the input given to [Parse]
// (with their capacity cut so that appending to them copies): do not change
// the input while the value is in use. To change a string, assign a new
// slice to Str; [Value.Append] recomputes every length.
type Value struct {
	Kind Kind
	// Bool is the value of a KindBool.
	Bool bool
	// Num is the exact text of a KindInt ("-5"), KindFloat ("0.5", "INF",
	// "-INF", "NAN", "1.0E+25") or the number of a KindRef or KindAlias
	// ("2"). It is kept as text so that re-encoding is byte-exact.
	Num []byte
	// Str is the content of a KindString, the "Enum:Case" of a KindEnum,
	// or the raw serialized data of a KindCustom (between the braces).
	Str []byte
	// Class is the class name of a KindObject or KindCustom.
	Class []byte
	// Items are the entries of a KindArray or the properties of a
	// KindObject, in order.
	Items []Item
}

// Item is one entry of an array or one property of an object.
type Item struct {
	// Key is a KindInt or a KindString. The names of private and protected
	// object properties carry PHP's NUL-byte prefixes ("\x00*\x00name",
	// "\x00Class\x00name") as they appear in the serialized data.
	Key Value
	Val Value
}

// SyntaxError reports where and why [Parse] rejected its input.
type SyntaxError struct {
	Offset int    // byte offset in the input
	Msg    string // what was wrong
}

func (e *SyntaxError) Error() string {
	return "phpserial: at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Parse reads one serialized value that must fill b entirely. Lengths and
// counts must be exact and written the way PHP writes them (no leading
// zeros, no sign), so that every accepted input re-encodes to itself. Errors
// are *SyntaxError values giving the byte offset.
func Parse(b []byte) (*Value, error) {
	p := parser{b: b}
	v := new(Value)
	pos, err := p.value(v, 0, 0)
	if err != nil {
		return nil, err
	}
	if pos != len(b) {
		return nil, &SyntaxError{Offset: pos, Msg: "unexpected data after the value"}
	}
	return v, nil
}

type parser struct {
	b []byte
}

func (p *parser) errf(pos int, msg string) error {
	return &SyntaxError{Offset: pos, Msg: msg}
}

// expect checks that b[pos] is c and returns pos+1.
func (p *parser) expect(pos int, c byte) (int, error) {
	if pos >= len(p.b) {
		return pos, p.errf(pos, "unexpected end of input, want "+strconv.QuoteRune(rune(c)))
	}
	if p.b[pos] != c {
		return pos, p.errf(pos, "unexpected "+strconv.QuoteRune(rune(p.b[pos]))+", want "+strconv.QuoteRune(rune(c)))
	}
	return pos + 1, nil
}

// length reads an unsigned decimal length or count written as PHP writes
// it: "0" or digits without a leading zero. It returns the value and the
// position after it.
func (p *parser) length(pos int) (int, int, error) {
	start := pos
	n := 0
	for pos < len(p.b) && p.b[pos] >= '0' && p.b[pos] <= '9' {
		if pos > start && p.b[start] == '0' {
			return 0, start, p.errf(start, "length with a leading zero")
		}
		d := int(p.b[pos] - '0')
		if n > (maxLen-d)/10 {
			return 0, start, p.errf(start, "length too large")
		}
		n = n*10 + d
		pos++
	}
	if pos == start {
		return 0, start, p.errf(start, "want a length")
	}
	return n, pos, nil
}

const maxLen = 1<<31 - 1

// intText reads [+-]?[0-9]+ and returns the position after it.
func (p *parser) intText(pos int) (int, error) {
	start := pos
	if pos < len(p.b) && (p.b[pos] == '+' || p.b[pos] == '-') {
		pos++
	}
	d := pos
	for pos < len(p.b) && p.b[pos] >= '0' && p.b[pos] <= '9' {
		pos++
	}
	if pos == d {
		return start, p.errf(start, "want an integer")
	}
	return pos, nil
}

// floatText reads what PHP's unserialize accepts after "d:": NAN, INF,
// -INF, or [+-]? digits with an optional fraction and exponent.
func (p *parser) floatText(pos int) (int, error) {
	start := pos
	rest := p.b[pos:]
	for _, w := range [...]string{"NAN", "INF", "-INF"} {
		if len(rest) >= len(w) && string(rest[:len(w)]) == w {
			return pos + len(w), nil
		}
	}
	if pos < len(p.b) && (p.b[pos] == '+' || p.b[pos] == '-') {
		pos++
	}
	digits := 0
	for pos < len(p.b) && p.b[pos] >= '0' && p.b[pos] <= '9' {
		pos++
		digits++
	}
	if pos < len(p.b) && p.b[pos] == '.' {
		pos++
		for pos < len(p.b) && p.b[pos] >= '0' && p.b[pos] <= '9' {
			pos++
			digits++
		}
	}
	if digits == 0 {
		return start, p.errf(start, "want a number")
	}
	if pos < len(p.b) && (p.b[pos] == 'e' || p.b[pos] == 'E') {
		pos++
		if pos < len(p.b) && (p.b[pos] == '+' || p.b[pos] == '-') {
			pos++
		}
		e := pos
		for pos < len(p.b) && p.b[pos] >= '0' && p.b[pos] <= '9' {
			pos++
		}
		if pos == e {
			return start, p.errf(e, "want exponent digits")
		}
	}
	return pos, nil
}

// quoted reads LEN:"bytes" and returns the bytes and the position after the
// closing quote.
func (p *parser) quoted(pos int) ([]byte, int, error) {
	n, pos, err := p.length(pos)
	if err != nil {
		return nil, pos, err
	}
	if pos, err = p.expect(pos, ':'); err != nil {
		return nil, pos, err
	}
	if pos, err = p.expect(pos, '"'); err != nil {
		return nil, pos, err
	}
	if n > len(p.b)-pos {
		return nil, pos, p.errf(pos, "length "+strconv.Itoa(n)+" runs past the end of the input")
	}
	s := p.b[pos : pos+n : pos+n]
	pos += n
	if pos >= len(p.b) || p.b[pos] != '"' {
		return nil, pos, p.errf(pos, "string does not end where its length says (want '\"')")
	}
	return s, pos + 1, nil
}

// value parses one value at pos into v and returns the position after it.
func (p *parser) value(v *Value, pos, depth int) (int, error) {
	if pos >= len(p.b) {
		return pos, p.errf(pos, "unexpected end of input, want a value")
	}
	start := pos
	c := p.b[pos]
	if strings.IndexByte("NbirRdsEaOCS", c) < 0 {
		return start, p.errf(start, "unknown value type "+strconv.QuoteRune(rune(c)))
	}
	if c == 'N' {
		v.Kind = KindNull
		return p.expect(pos+1, ';')
	}
	pos, err := p.expect(pos+1, ':')
	if err != nil {
		return pos, err
	}
	switch c {
	case 'b':
		if pos >= len(p.b) || (p.b[pos] != '0' && p.b[pos] != '1') {
			return pos, p.errf(pos, "want 0 or 1 after b:")
		}
		v.Kind, v.Bool = KindBool, p.b[pos] == '1'
		return p.expect(pos+1, ';')
	case 'i', 'r', 'R':
		end, err := p.intText(pos)
		if err != nil {
			return end, err
		}
		if c != 'i' && (p.b[pos] == '+' || p.b[pos] == '-') {
			return pos, p.errf(pos, "signed reference number")
		}
		v.Kind = KindInt
		if c == 'r' {
			v.Kind = KindRef
		} else if c == 'R' {
			v.Kind = KindAlias
		}
		v.Num = p.b[pos:end:end]
		return p.expect(end, ';')
	case 'd':
		end, err := p.floatText(pos)
		if err != nil {
			return end, err
		}
		v.Kind, v.Num = KindFloat, p.b[pos:end:end]
		return p.expect(end, ';')
	case 's', 'E':
		s, end, err := p.quoted(pos)
		if err != nil {
			return end, err
		}
		if c == 'E' {
			if bytes.IndexByte(s, ':') < 0 {
				return pos, p.errf(pos, "enum value without ':' between enum and case")
			}
			v.Kind = KindEnum
		} else {
			v.Kind = KindString
		}
		v.Str = s
		return p.expect(end, ';')
	case 'a':
		if depth >= MaxDepth {
			return start, p.errf(start, "nested deeper than "+strconv.Itoa(MaxDepth))
		}
		n, end, err := p.length(pos)
		if err != nil {
			return end, err
		}
		if end, err = p.expect(end, ':'); err != nil {
			return end, err
		}
		v.Kind = KindArray
		return p.items(v, n, end, depth+1, false)
	case 'O', 'C':
		if depth >= MaxDepth {
			return start, p.errf(start, "nested deeper than "+strconv.Itoa(MaxDepth))
		}
		class, end, err := p.quoted(pos)
		if err != nil {
			return end, err
		}
		if len(class) == 0 {
			return pos, p.errf(pos, "empty class name")
		}
		if end, err = p.expect(end, ':'); err != nil {
			return end, err
		}
		n, end, err := p.length(end)
		if err != nil {
			return end, err
		}
		if end, err = p.expect(end, ':'); err != nil {
			return end, err
		}
		v.Class = class
		if c == 'O' {
			v.Kind = KindObject
			return p.items(v, n, end, depth+1, true)
		}
		if end, err = p.expect(end, '{'); err != nil {
			return end, err
		}
		if n > len(p.b)-end {
			return end, p.errf(end, "length "+strconv.Itoa(n)+" runs past the end of the input")
		}
		v.Kind, v.Str = KindCustom, p.b[end:end+n:end+n]
		return p.expect(end+n, '}')
	case 'S':
		return start, p.errf(start, "escaped string form S: is not supported")
	}
	return start, p.errf(start, "unknown value type "+strconv.QuoteRune(rune(c)))
}

// items parses {key;value...} with n entries into v.Items.
func (p *parser) items(v *Value, n, pos, depth int, object bool) (int, error) {
	pos, err := p.expect(pos, '{')
	if err != nil {
		return pos, err
	}
	// Each entry takes at least 6 bytes ("i:0;N;") and the closing brace
	// one more: a larger count cannot be right, and checking it here keeps
	// the allocation below bounded by the input.
	if n > (len(p.b)-pos-1)/6 {
		return pos, p.errf(pos, "count "+strconv.Itoa(n)+" is more than the rest of the input can hold")
	}
	if n > 0 {
		v.Items = make([]Item, n)
	}
	for i := range n {
		it := &v.Items[i]
		if pos >= len(p.b) {
			return pos, p.errf(pos, "unexpected end of input, want a key")
		}
		if k := p.b[pos]; k != 'i' && k != 's' {
			what := "array"
			if object {
				what = "object property"
			}
			return pos, p.errf(pos, what+" key must be an int or a string")
		}
		if pos, err = p.value(&it.Key, pos, depth); err != nil {
			return pos, err
		}
		if pos, err = p.value(&it.Val, pos, depth); err != nil {
			return pos, err
		}
	}
	return p.expect(pos, '}')
}

// Append appends the serialized form of v to dst and returns the extended
// slice. Lengths and counts are computed from the current contents, so
// strings may have been changed to any length. A value that was parsed and
// not changed is written back exactly as it was read.
func (v *Value) Append(dst []byte) []byte {
	switch v.Kind {
	case KindNull:
		return append(dst, 'N', ';')
	case KindBool:
		if v.Bool {
			return append(dst, "b:1;"...)
		}
		return append(dst, "b:0;"...)
	case KindInt, KindFloat, KindRef, KindAlias:
		c := byte('i')
		switch v.Kind {
		case KindFloat:
			c = 'd'
		case KindRef:
			c = 'r'
		case KindAlias:
			c = 'R'
		}
		dst = append(dst, c, ':')
		dst = append(dst, v.Num...)
		return append(dst, ';')
	case KindString, KindEnum:
		c := byte('s')
		if v.Kind == KindEnum {
			c = 'E'
		}
		dst = append(dst, c, ':')
		dst = appendQuoted(dst, v.Str)
		return append(dst, ';')
	case KindArray:
		dst = append(dst, 'a', ':')
		return v.appendItems(dst)
	case KindObject:
		dst = append(dst, 'O', ':')
		dst = appendQuoted(dst, v.Class)
		dst = append(dst, ':')
		return v.appendItems(dst)
	case KindCustom:
		dst = append(dst, 'C', ':')
		dst = appendQuoted(dst, v.Class)
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, int64(len(v.Str)), 10)
		dst = append(dst, ':', '{')
		dst = append(dst, v.Str...)
		return append(dst, '}')
	}
	// An invalid Kind is written as NULL rather than as broken data.
	return append(dst, 'N', ';')
}

func appendQuoted(dst, s []byte) []byte {
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	dst = append(dst, ':', '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

func (v *Value) appendItems(dst []byte) []byte {
	dst = strconv.AppendInt(dst, int64(len(v.Items)), 10)
	dst = append(dst, ':', '{')
	for i := range v.Items {
		dst = v.Items[i].Key.Append(dst)
		dst = v.Items[i].Val.Append(dst)
	}
	return append(dst, '}')
}

// Looks reports whether b looks like a serialized value: it checks the
// first and last bytes and, for scalars, the whole form. It is a cheap
// filter before [Parse], which may still reject a value Looks accepted.
func Looks(b []byte) bool {
	n := len(b)
	if n < 2 {
		return false
	}
	switch b[0] {
	case 'N':
		return n == 2 && b[1] == ';'
	case 'b':
		return n == 4 && b[1] == ':' && (b[2] == '0' || b[2] == '1') && b[3] == ';'
	case 'i', 'd', 'r', 'R':
		if n < 4 || b[1] != ':' || b[n-1] != ';' {
			return false
		}
		p := parser{b: b}
		var end int
		var err error
		if b[0] == 'd' {
			end, err = p.floatText(2)
		} else {
			end, err = p.intText(2)
		}
		return err == nil && end == n-1
	case 's', 'E':
		return n >= 7 && b[1] == ':' && isDigit(b[2]) && b[n-1] == ';' && b[n-2] == '"'
	case 'a':
		return n >= 6 && b[1] == ':' && isDigit(b[2]) && b[n-1] == '}'
	case 'O', 'C':
		return n >= 12 && b[1] == ':' && isDigit(b[2]) && b[n-1] == '}'
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
