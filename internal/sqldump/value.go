package sqldump

import (
	"bytes"
	"encoding/binary"
	"strconv"
)

// ValueKind says what kind of literal a [Value] is.
type ValueKind int

// Value kinds.
const (
	// ValueExpr is anything that is not a plain literal: keywords such as
	// DEFAULT, TRUE or CURRENT_TIMESTAMP, function calls, arithmetic, or a
	// literal followed by more code ('a' COLLATE utf8mb4_bin).
	ValueExpr ValueKind = iota
	// ValueString is a quoted string, '...' or "...", maybe with a charset
	// introducer (_binary '...') or as a national string (N'...').
	ValueString
	// ValueNumber is an integer or decimal number, maybe signed and with an
	// exponent: 42, -1.5e3, -.5.
	ValueNumber
	// ValueNull is NULL.
	ValueNull
	// ValueHex is a hexadecimal literal: 0x41 or X'41'.
	ValueHex
	// ValueBit is a bit-value literal: b'101' or 0b101.
	ValueBit
)

var valueKindNames = [...]string{
	ValueExpr:   "expr",
	ValueString: "string",
	ValueNumber: "number",
	ValueNull:   "null",
	ValueHex:    "hex",
	ValueBit:    "bit",
}

// String returns a short lower-case name such as "string".
func (k ValueKind) String() string {
	if k >= 0 && int(k) < len(valueKindNames) {
		return valueKindNames[k]
	}
	return "ValueKind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one value of an INSERT row.
type Value struct {
	// Raw is the exact input of the value, e.g. 'O\'Brien', _binary 'x\0',
	// 0x41, NULL, -1.5e3, CURRENT_TIMESTAMP or ST_GeomFromText('POINT(1 1)').
	// Whitespace and comments around the value are not part of it.
	Raw []byte
	// Kind says how to read Raw.
	Kind ValueKind
	// Introducer is the lower-case charset introducer of a string, hex or
	// bit literal ("_binary", "_utf8mb4"), "n" for a national string
	// N'...', or empty. Raw starts with it. To replace the value keeping
	// its introducer, write the introducer immediately followed by the new
	// literal.
	Introducer string
	// Start is the offset of Raw within its Row's Raw, so a caller can
	// replace one value and keep every other byte of the tuple.
	Start int
	// Cond is the opener of the versioned comment the value is inside,
	// such as "/*!50705" or "/*M!100100", or empty. Servers that run the
	// comment read the value; servers that skip it do not (see
	// [Row.Under]). A value replaced in place stays inside the comment.
	Cond string

	// plain: the parser saw that the string literal holds no backslash
	// and no doubled quote, so Plain need not look again. False for
	// values made otherwise: Plain looks.
	plain bool
}

// Bytes decodes the value: strings are unescaped by MySQL's rules, hex and
// bit literals are decoded to their bytes (bit literals big-endian, one byte
// per 8 bits or part of it), numbers and expressions are returned as their
// text. NULL returns nil and ok false; anything else returns ok true. A blob
// gives the same bytes whether it was dumped as a string or, with
// --hex-blob, as 0x....
func (v Value) Bytes() (b []byte, ok bool) {
	if v.Kind == ValueNull {
		return nil, false
	}
	b, ok = v.AppendBytes(nil)
	if b == nil {
		b = []byte{}
	}
	return b, ok
}

// AppendBytes appends the decoded value, as described for [Value.Bytes], to
// dst. For NULL it returns dst unchanged and false.
func (v Value) AppendBytes(dst []byte) ([]byte, bool) {
	lit := v.literal()
	switch v.Kind {
	case ValueNull:
		return dst, false
	case ValueString:
		if len(lit) < 2 {
			return append(dst, lit...), true
		}
		return appendUnescaped(dst, lit[1:len(lit)-1], lit[0]), true
	case ValueHex:
		var digits []byte
		if len(lit) >= 2 && lit[0] == '0' {
			digits = lit[2:]
		} else if len(lit) >= 3 {
			digits = lit[2 : len(lit)-1]
		}
		return appendHexDecoded(dst, digits), true
	case ValueBit:
		var bits []byte
		if len(lit) >= 2 && lit[0] == '0' {
			bits = lit[2:]
		} else if len(lit) >= 3 {
			bits = lit[2 : len(lit)-1]
		}
		return appendBits(dst, bits), true
	}
	return append(dst, v.Raw...), true
}

// Plain returns the bytes of a string literal without copying them, when
// they need no unescaping: no backslash and no doubled quote inside. It
// returns false for every other value; AppendBytes decodes those.
func (v Value) Plain() ([]byte, bool) {
	if v.Kind != ValueString {
		return nil, false
	}
	lit := v.literal()
	if len(lit) < 2 {
		return nil, false
	}
	body := lit[1 : len(lit)-1]
	if v.plain {
		return body, true
	}
	if bytes.IndexByte(body, '\\') >= 0 || bytes.IndexByte(body, lit[0]) >= 0 {
		return nil, false
	}
	return body, true
}

// PlainString is the Value of the string literal raw, starting at byte
// start of its row's Raw, for a caller that wrote raw itself and knows that
// its body holds no backslash and no quote (AppendQuotedPlain reports that):
// Plain then returns the body without looking for them again.
func PlainString(raw []byte, start int) Value {
	return Value{Raw: raw, Kind: ValueString, Start: start, plain: true}
}

// literal returns Raw without the introducer and the whitespace after it.
func (v Value) literal() []byte {
	lit := v.Raw
	if v.Introducer != "" && len(lit) >= len(v.Introducer) {
		lit = lit[len(v.Introducer):]
		for len(lit) > 0 && isSpace(lit[0]) {
			lit = lit[1:]
		}
	}
	return lit
}

// appendUnescaped appends the body of a string literal quoted with q to dst,
// resolving backslash escapes and doubled quotes: \0 \b \n \r \t \Z stand
// for NUL, backspace, newline, carriage return, tab and Ctrl-Z; \% and \_
// keep their backslash (they are LIKE escapes); a backslash before any other
// byte stands for that byte.
func appendUnescaped(dst, body []byte, q byte) []byte {
	qp := -1 // next quote at or after the start of body, len(body) if none
	for len(body) > 0 {
		if qp < 0 {
			qp = bytes.IndexByte(body, q)
			if qp < 0 {
				qp = len(body)
			}
		}
		k := bytes.IndexByte(body[:qp], '\\')
		if k < 0 {
			dst = append(dst, body[:qp]...)
			if qp == len(body) {
				return dst
			}
			dst = append(dst, q) // a doubled quote
			if qp+1 < len(body) && body[qp+1] == q {
				body = body[qp+2:]
			} else {
				body = body[qp+1:]
			}
			qp = -1
			continue
		}
		dst = append(dst, body[:k]...)
		if k+1 == len(body) {
			return append(dst, '\\')
		}
		switch c := body[k+1]; c {
		case '0':
			dst = append(dst, 0)
		case 'b':
			dst = append(dst, '\b')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'Z':
			dst = append(dst, 0x1a)
		case '%', '_':
			dst = append(dst, '\\', c)
		default:
			dst = append(dst, c)
		}
		body = body[k+2:]
		qp -= k + 2
		if qp < 0 {
			qp = -1
		}
	}
	return dst
}

// unhex returns the value of the hexadecimal digit c.
func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// appendHexDecoded decodes hex digits; an odd count is padded with a leading
// zero, as MySQL does for 0x literals.
func appendHexDecoded(dst, digits []byte) []byte {
	if len(digits)%2 == 1 {
		dst = append(dst, unhex(digits[0]))
		digits = digits[1:]
	}
	for i := 0; i+1 < len(digits); i += 2 {
		dst = append(dst, unhex(digits[i])<<4|unhex(digits[i+1]))
	}
	return dst
}

// appendBits decodes a string of '0' and '1' to big-endian bytes, one byte
// per 8 bits or part of it.
func appendBits(dst, bits []byte) []byte {
	n := (len(bits) + 7) / 8
	first := len(bits) - (n-1)*8 // bits in the first byte
	var acc byte
	for i, c := range bits {
		acc = acc<<1 | (c - '0')
		if i+1 == first || i+1 > first && (i+1-first)%8 == 0 {
			dst = append(dst, acc)
			acc = 0
		}
	}
	return dst
}

// AppendQuoted appends b to dst as a single-quoted SQL string with the
// escapes mysqldump uses (\0 \n \r \\ \' \" \Z). The result is valid for any
// bytes, whatever the character set.
func AppendQuoted(dst, b []byte) []byte {
	dst = append(dst, '\'')
	if len(b) <= sampleQuoted {
		return append(appendEscaped(dst, b), '\'')
	}
	// Text with few escapes goes faster with appendEscapedLong, text with
	// many (HTML, JSON) with appendEscaped: the first bytes tell which.
	n := len(dst)
	dst = appendEscaped(dst, b[:sampleQuoted])
	if len(dst)-n-sampleQuoted <= 1 {
		return append(appendEscapedLong(dst, b[sampleQuoted:]), '\'')
	}
	return append(appendEscaped(dst, b[sampleQuoted:]), '\'')
}

// AppendQuotedPlain is AppendQuoted, and it also reports whether nothing
// was escaped: the literal's body is b itself, with no backslash and no
// quote in it (see PlainString).
func AppendQuotedPlain(dst, b []byte) ([]byte, bool) {
	n := len(dst)
	dst = AppendQuoted(dst, b)
	// Every escape adds a byte: the quotes alone mean there was none.
	return dst, len(dst)-n == len(b)+2
}

// sampleQuoted is how many bytes AppendQuoted escapes before it chooses.
const sampleQuoted = 256

// appendEscaped appends b with the bytes that need it escaped. It checks 8
// bytes at a time for those bytes (NUL, \n, \r and \Z are below 0x20; then
// ', " and \) and copies the words that have none.
func appendEscaped(dst, b []byte) []byte {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	start, i := 0, 0
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i : i+8])
		// A byte below 0x20, or equal to one of the three: see "Bit
		// Twiddling Hacks", hasless and haszero.
		q1, q2, bs := x^('\''*ones), x^('"'*ones), x^('\\'*ones)
		t := (x-0x20*ones)&^x | (q1-ones)&^q1 | (q2-ones)&^q2 | (bs-ones)&^bs
		if t&highs == 0 {
			i += 8
			continue
		}
		for end := i + 8; i < end; i++ {
			if e := escapes[b[i]]; e != 0 {
				dst = append(dst, b[start:i]...)
				dst = append(dst, '\\', e)
				start = i + 1
			}
		}
	}
	for ; i < len(b); i++ {
		if e := escapes[b[i]]; e != 0 {
			dst = append(dst, b[start:i]...)
			dst = append(dst, '\\', e)
			start = i + 1
		}
	}
	return append(dst, b[start:]...)
}

// escaped lists the bytes that need an escape.
var escaped = [...]byte{0, '\n', '\r', 0x1a, '\\', '\'', '"'}

// appendEscapedLong is appendEscaped for long values: it finds each byte
// that needs an escape with bytes.IndexByte (vector instructions), one scan
// per kind of byte, so text with few escapes goes several times faster than
// 8 bytes at a time. Where escapes are dense it goes on with appendEscaped.
func appendEscapedLong(dst, b []byte) []byte {
	var next [len(escaped)]int // where each kind of byte is next, len(b) if nowhere
	find := func(k, from int) {
		if i := bytes.IndexByte(b[from:], escaped[k]); i >= 0 {
			next[k] = from + i
		} else {
			next[k] = len(b)
		}
	}
	for k := range escaped {
		find(k, 0)
	}
	start := 0
	for found := 0; ; found++ {
		k := 0
		for j := 1; j < len(next); j++ {
			if next[j] < next[k] {
				k = j
			}
		}
		i := next[k]
		if i == len(b) {
			break
		}
		if found*128 > i+256 {
			// More than one escape per 128 bytes: a scan per escape
			// costs more than it saves.
			return appendEscaped(dst, b[start:])
		}
		dst = append(dst, b[start:i]...)
		dst = append(dst, '\\', escapes[b[i]])
		start = i + 1
		find(k, start)
	}
	return append(dst, b[start:]...)
}

// escapes maps each byte that needs a backslash escape to the letter that
// follows the backslash.
var escapes = [256]byte{0: '0', '\n': 'n', '\r': 'r', 0x1a: 'Z', '\\': '\\', '\'': '\'', '"': '"'}

// AppendHex appends b to dst as a hexadecimal literal 0x..., or as an empty
// quoted string when b is empty (0x alone is not a literal).
func AppendHex(dst, b []byte) []byte {
	if len(b) == 0 {
		return append(dst, '\'', '\'')
	}
	const digits = "0123456789ABCDEF"
	dst = append(dst, '0', 'x')
	for _, c := range b {
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return dst
}

// QuoteIdent quotes name as a MySQL identifier with backticks, doubling any
// backtick inside it.
func QuoteIdent(name string) string {
	n := 2 + len(name)
	for i := 0; i < len(name); i++ {
		if name[i] == '`' {
			n++
		}
	}
	b := make([]byte, 0, n)
	b = append(b, '`')
	for i := 0; i < len(name); i++ {
		b = append(b, name[i])
		if name[i] == '`' {
			b = append(b, '`')
		}
	}
	b = append(b, '`')
	return string(b)
}

// UnquoteIdent returns the name an identifier stands for: the body of a
// `backtick` or "double quote" quoted identifier with doubled quotes undone,
// or the identifier unchanged if it is not quoted.
func UnquoteIdent(ident string) string {
	if len(ident) < 2 {
		return ident
	}
	q := ident[0]
	if q != '`' && q != '"' || ident[len(ident)-1] != q {
		return ident
	}
	inner := ident[1 : len(ident)-1]
	b := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		b = append(b, inner[i])
		if inner[i] == q && i+1 < len(inner) && inner[i+1] == q {
			i++
		}
	}
	return string(b)
}
