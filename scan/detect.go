package scan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"net/netip"
	"slices"
	"strings"
)

// Kind is a kind of personal data scan looks for.
type Kind string

// Kinds, in the order a report lists them: credentials first.
const (
	Credential Kind = "credential" // a password, token, secret or salt
	Email      Kind = "email"
	Phone      Kind = "phone"
	IP         Kind = "ip"
	Card       Kind = "card"
	Name       Kind = "name"        // a person's name (by column name only)
	Address    Kind = "address"     // a postal address (by column name only)
	Birthdate  Kind = "birthdate"   // (by column name only)
	NationalID Kind = "national_id" // IBAN, tax, VAT, social security, passport numbers (by column name only)
)

var kinds = []Kind{Credential, Email, Phone, IP, Card, Name, Address, Birthdate, NationalID}

// Plural names the kind in a sentence: "e-mail addresses".
func (k Kind) Plural() string {
	switch k {
	case Credential:
		return "credentials"
	case Email:
		return "e-mail addresses"
	case Phone:
		return "phone numbers"
	case IP:
		return "IP addresses"
	case Card:
		return "payment card numbers"
	case Name:
		return "names of people"
	case Address:
		return "postal addresses"
	case Birthdate:
		return "dates of birth"
	case NationalID:
		return "national identification and bank account numbers"
	}
	return string(k)
}

// match is one kind found in a value, with a masked example.
type match struct {
	kind    Kind
	example string
}

// detect appends what v holds to ms, one match per kind, in the order of
// kinds (credentials first): URL credentials (https://user:password@host),
// e-mail addresses, phone numbers, IP addresses and card numbers anywhere
// in the value (see Spans for the rules), and inside base64 and
// compressed payloads in it (see decoder). stagecopy's own fakes are not reported, and only they:
// values of exactly the shapes internal/fakeshape describes
// (docs/privacy.md). Private networks are not reported either.
func detect(ms []match, v []byte) []match {
	if len(v) < minDetect {
		return ms
	}
	start := len(ms)
	l := firstLook(v)
	var buf [4]span
	ss := findSpans(v, l, buf[:0])
	var d decoder
	for i := 0; len(ss) > 0 && i < len(kinds); i++ {
		for _, s := range ss {
			if s.kind == kinds[i] {
				ms = append(ms, match{s.kind, mask(v, s)})
				d.found |= 1 << i
				break
			}
		}
	}
	if d.found&kindBit(Email) == 0 && l&lookAt == 0 {
		if m, ok := escapedEmail(v); ok {
			ms = append(ms, m)
			d.found |= kindBit(Email)
		}
	}
	if l&(lookBase64|lookBinary) != 0 {
		d.left = maxDecoded
		if ms = d.encoded(ms, v, l, 0, ""); len(ms)-start > 1 {
			sortMatches(ms[start:])
		}
	} else if len(ms)-start > 1 {
		sortMatches(ms[start:])
	}
	return ms
}

// plainWord reports whether detect would find nothing in v, shorter
// than minBase64, at a first look: no '@', digit, two ':', byte that is
// not ASCII text, or '&' (&commat;). Cheaper than remembering it.
func plainWord(v []byte) bool {
	return firstLook(v) == 0 && bytes.IndexByte(v, '&') < 0
}

// minDetect is the length of the shortest value detect finds anything in:
// a@b.cd.
const minDetect = 6

// escapedEmail finds an e-mail address whose '@' is written as a URL
// escape (jane%40gmail.com, in logged URLs) or an HTML entity
// (jane&#64;gmail.com, &commat;).
func escapedEmail(v []byte) (match, bool) {
	var esc []byte
	pct, amp := bytes.IndexByte(v, '%'), bytes.IndexByte(v, '&')
	if pct < 0 && amp < 0 {
		return match{}, false
	}
	for _, e := range [][]byte{[]byte("%40"), []byte("&#64;"), []byte("&#x40;"), []byte("&commat;")} {
		from := amp // the first byte the escape may start at
		if e[0] == '%' {
			from = pct
		}
		if from >= 0 && bytes.Contains(v[from:], e) {
			esc = e
			break
		}
	}
	if esc == nil {
		return match{}, false
	}
	u := bytes.ReplaceAll(v, esc, []byte("@"))
	var buf [4]span
	for _, s := range findEmails(u, buf[:0]) {
		if s.kind == Email {
			return match{Email, mask(u, s) + " (escaped)"}, true
		}
	}
	return match{}, false
}

// sortMatches sorts ms in the order of kinds.
func sortMatches(ms []match) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && kindBit(ms[j].kind) < kindBit(ms[j-1].kind); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// Spans calls fn for each e-mail address, phone number, IP address,
// payment card number and URL credential in v, with its kind and its
// place, v[start:end], in order and without overlaps. stagecopy's own
// fakes are left out. A URL credential is the userinfo of a URL, "user:pw"
// in "https://user:pw@host"; a login without a scheme, "joe:pw@host.de",
// is an e-mail address "pw@host.de".
//
// E-mail and IP addresses are found anywhere. Phone numbers are found as
// the whole value in the shapes phone numbers are written in (a leading
// '+', parentheses, a national 0 or international 00 prefix before digit
// groups, the North American 3-3-4 shape); inside text only after a '+',
// with an area code in parentheses, after a word that says a phone number
// follows ("Tel:", "call", "Handy", ...) or in the North American 3-3-4
// shape, and never when a word such as "order", "invoice" or "ISBN" or a
// '#' comes right before. Dates, times, prices, versions, ranges and ids
// are not phone numbers. Card numbers are 13 to 19 digits, maybe in groups,
// with a card network's prefix and length and a valid Luhn check digit,
// not part of a longer word or number.
//
// Spans does not look inside encoded payloads (base64, compressed data):
// their findings have no place in v. It allocates nothing in the common
// case.
func Spans(v []byte, fn func(k Kind, start, end int)) {
	var buf [8]span
	for _, s := range findSpans(v, firstLook(v), buf[:0]) {
		fn(s.kind, s.start, s.end)
	}
}

// span is the place of one finding in a value.
type span struct {
	kind       Kind
	start, end int
}

// look is what a first look at a value found: which detectors may find
// something.
type look uint8

const (
	lookAt     look = 1 << iota // an '@': e-mail addresses, URL credentials
	lookColons                  // two ':' or more: IPv6 addresses
	lookDigits                  // digits: IPv4 addresses, phone and card numbers
	lookBinary                  // bytes that are not ASCII text: maybe compressed
	lookBase64                  // minBase64 bytes or more: maybe base64
)

// firstLook looks at v once: a short value 8 bytes at a time; a long one
// with vector instructions for '@' and ':' (bytes.IndexByte) and 8 bytes
// at a time for digits and base64 (longLook), and it is taken to have
// non-ASCII bytes (notText looks at the first 64 bytes). A short value of
// 16 bytes or more may be base64 (decoder.encoded looks).
func firstLook(v []byte) look {
	var l look
	if len(v) < 64 {
		if len(v) >= minBase64 {
			l |= lookBase64
		}
		var at, colons, digits, notText uint64
		for i := 0; i < len(v); i += 8 {
			var w uint64
			if i+8 <= len(v) {
				w = binary.LittleEndian.Uint64(v[i:])
			} else {
				// The last bytes, with spaces after them.
				w = 0x2020202020202020
				for j := len(v) - 1; j >= i; j-- {
					w = w<<8 | uint64(v[j])
				}
				w |= 0x2020202020202020 << (8 * (len(v) - i))
			}
			at |= zeroMask(w ^ 0x4040404040404040)
			colons += uint64(bits.OnesCount64(zeroMask(w ^ 0x3a3a3a3a3a3a3a3a)))
			digits |= digitMask(w)
			notText |= notTextMask(w)
		}
		if at != 0 {
			l |= lookAt
		}
		if colons >= 2 {
			l |= lookColons
		}
		if digits != 0 {
			l |= lookDigits
		}
		if notText != 0 {
			l |= lookBinary // maybe: notText looks again
		}
		return l
	}
	l |= lookBinary | longLook(v)
	if bytes.IndexByte(v, '@') >= 0 {
		l |= lookAt
	}
	if i := bytes.IndexByte(v, ':'); i >= 0 && bytes.IndexByte(v[i+1:], ':') >= 0 {
		l |= lookColons
	}
	return l
}

// longLook looks at a long value 8 bytes at a time for digits and for
// 16 bytes in a row that may be base64: none below '+' (space, quotes,
// parentheses, control characters) or from 0x80.
func longLook(v []byte) look {
	var l look
	var digits uint64
	// Every run of 16 or more such bytes holds a whole aligned word of
	// 8: look only around words without a byte that is not base64.
	prev := uint64(hi8) // the mask of the last word with such a byte
	whole := 0          // words without one since
	word := func(m uint64) {
		if m == 0 {
			whole++
			return
		}
		if whole > 0 {
			if bits.LeadingZeros64(prev)/8+8*whole+bits.TrailingZeros64(m)/8 >= minBase64 {
				l |= lookBase64
			}
			whole = 0
		}
		prev = m
	}
	// 32 bytes at a time while there is no word without such a byte
	// (text with spaces), then 16.
	i, n := 0, len(v)&^31
	for ; i < n; i += 32 {
		p := (*[32]byte)(v[i : i+32]) // one bounds check
		w0 := binary.LittleEndian.Uint64(p[0:8])
		w1 := binary.LittleEndian.Uint64(p[8:16])
		w2 := binary.LittleEndian.Uint64(p[16:24])
		w3 := binary.LittleEndian.Uint64(p[24:32])
		if digits == 0 {
			digits = digitMask(w0) | digitMask(w1) | digitMask(w2) | digitMask(w3)
		}
		m0, m1, m2, m3 := notBase64Mask(w0), notBase64Mask(w1), notBase64Mask(w2), notBase64Mask(w3)
		if m0 != 0 && m1 != 0 && m2 != 0 && m3 != 0 && whole == 0 {
			prev = m3
			continue
		}
		word(m0)
		word(m1)
		word(m2)
		word(m3)
		if digits != 0 && l&lookBase64 != 0 {
			return l | lookDigits // nothing more to learn
		}
	}
	n = len(v) &^ 15
	for ; i < n; i += 16 {
		w0 := binary.LittleEndian.Uint64(v[i : i+8])
		w1 := binary.LittleEndian.Uint64(v[i+8 : i+16])
		digits |= digitMask(w0) | digitMask(w1)
		m0, m1 := notBase64Mask(w0), notBase64Mask(w1)
		if m0 != 0 && m1 != 0 && whole == 0 {
			prev = m1 // the common case: both words have a space or the like
			continue
		}
		word(m0)
		word(m1)
		if digits != 0 && l&lookBase64 != 0 {
			return l | lookDigits // nothing more to learn
		}
	}
	if n+8 <= len(v) {
		w := binary.LittleEndian.Uint64(v[n : n+8])
		digits |= digitMask(w)
		word(notBase64Mask(w))
		n += 8
	}
	rest := v[n:]
	if whole > 0 && bits.LeadingZeros64(prev)/8+8*whole+len(rest) >= minBase64 {
		l |= lookBase64 // at the end: the last bytes may be base64 too
	}
	for _, c := range rest {
		if isDigit(c) {
			l |= lookDigits
		}
	}
	if digits != 0 {
		l |= lookDigits
	}
	return l
}

const hi8 = 0x8080808080808080

// notBase64Mask returns w with the high bit set in each byte below '+'
// (0x2b) or from 0x80, none of them in base64, and all other bits clear.
func notBase64Mask(w uint64) uint64 {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	// (w&0x7f)+0x55 reaches the high bit from 0x2b up, without carries.
	return (w | ^((w & lo7) + 0x5555555555555555)) & hi
}

// zeroMask returns w with the high bit set in each byte that is 0, and
// all other bits clear.
func zeroMask(w uint64) uint64 {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	return ^(((w & lo7) + lo7) | w) & hi
}

// findSpans appends the findings of v to dst, sorted by start, without
// overlaps (of two that overlap, the one that starts first, or the longer
// one, stays). Each detector runs only where the first look l says it may
// find something: e-mail addresses and URL credentials need an '@', IPv6
// addresses two ':', IPv4 addresses and phone and card numbers digits.
func findSpans(v []byte, l look, dst []span) []span {
	n := len(dst)
	if l&lookAt != 0 {
		dst = findEmails(v, dst)
	}
	if l&lookColons != 0 {
		dst = findIPv6(v, dst)
	}
	if l&lookDigits != 0 {
		dst = findNumbers(v, dst)
		dst = findAddresses(v, dst)
	}
	if len(dst)-n > 1 {
		dst = sortSpans(dst, n)
	}
	return dst
}

// Byte classes.
const (
	cDigit   = 1 << iota // 0-9
	cAt                  // '@'
	cColon               // ':'
	cLocal               // in an e-mail address's local part
	cDomain              // in a domain name
	cIPv6                // in an IPv6 address: hex digits, ':', '.'
	cSep                 // between the digit groups of a phone number
	cWord                // in a word: ASCII letters, UTF-8 multi-byte characters but a no-break space
	cBase64              // in base64 text, either alphabet: A-Z a-z 0-9 + / - _
	cNotText             // not in ASCII text: control characters but tab, CR, LF; bytes from 0x7f
	cUpper               // A-Z
	cLower               // a-z
	cStd                 // '+' and '/', only in the standard base64 alphabet
	cURL                 // '-' and '_', only in the URL alphabet
)

var class [256]uint16

func init() {
	for c := range 256 {
		b := byte(c)
		var k uint16
		switch {
		case '0' <= b && b <= '9':
			k |= cDigit | cLocal | cDomain | cIPv6 | cBase64
		case 'a' <= b && b <= 'z':
			k |= cLocal | cDomain | cWord | cBase64 | cLower
			if b <= 'f' {
				k |= cIPv6
			}
		case 'A' <= b && b <= 'Z':
			k |= cLocal | cDomain | cWord | cBase64 | cUpper
			if b <= 'F' {
				k |= cIPv6
			}
		case b >= 0x80 && b != 0xa0 && b != 0xc2:
			k |= cWord
		}
		switch b {
		case '@':
			k |= cAt
		case ':':
			k |= cColon | cIPv6
		case '.':
			k |= cLocal | cDomain | cIPv6 | cSep
		case '-':
			k |= cLocal | cDomain | cSep | cBase64 | cURL
		case '_':
			k |= cLocal | cBase64 | cURL
		case '+':
			k |= cLocal | cBase64 | cStd
		case '%', '\'':
			k |= cLocal
		case '/':
			k |= cSep | cBase64 | cStd
		case ' ', '(', ')':
			k |= cSep
		}
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b >= 0x7f {
			k |= cNotText
		}
		class[c] = k
	}
}

func isLocalChar(c byte) bool  { return class[c]&cLocal != 0 }
func isDomainChar(c byte) bool { return class[c]&cDomain != 0 }
func isIPv6Char(c byte) bool   { return class[c]&cIPv6 != 0 }
func isPhoneSep(c byte) bool   { return class[c]&cSep != 0 }

// isWordByte reports whether c is part of a word: an ASCII letter or a
// byte of a multi-byte UTF-8 character, except a no-break space's.
func isWordByte(c byte) bool { return class[c]&cWord != 0 }

// sortSpans sorts dst[from:] by start (by insertion when there are few,
// as usual) and drops spans that overlap an earlier one.
func sortSpans(dst []span, from int) []span {
	s := dst[from:]
	if len(s) > 16 {
		slices.SortFunc(s, func(a, b span) int {
			if a.start != b.start {
				return a.start - b.start
			}
			return b.end - a.end
		})
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && (s[j].start < s[j-1].start || s[j].start == s[j-1].start && s[j].end > s[j-1].end); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	out := s[:0]
	for _, x := range s {
		if len(out) > 0 && x.start < out[len(out)-1].end {
			continue
		}
		out = append(out, x)
	}
	return dst[:from+len(out)]
}

// mask returns a finding's example, with too little of it to identify
// anyone: "j***@g***.com", "***:***@m***.de", "***45", "81.x.x.x",
// "2a02:…", "**** 4242".
func mask(v []byte, s span) string {
	t := v[s.start:s.end]
	switch s.kind {
	case Email:
		at := bytes.LastIndexByte(t, '@')
		d := maskDomain(t[at+1:])
		if passwordBefore(v, s.start) {
			// "Email:jane@gmail.com", "EMAIL;TYPE=INTERNET:jane@..." (a
			// vCard), or "joe:secret@host", a login: found either way,
			// with nothing of what could be a password shown.
			return "***@" + d
		}
		return string(t[:1]) + "***@" + d
	case Credential:
		h := s.end + 1
		for h < len(v) && isDomainChar(v[h]) {
			h++
		}
		return "***:***@" + maskDomain(bytes.TrimRight(v[s.end+1:h], ".-"))
	case Phone, Card:
		var d []byte
		for i := len(t) - 1; i >= 0 && len(d) < 4; i-- {
			if isDigit(t[i]) {
				d = append([]byte{t[i]}, d...)
			}
		}
		if s.kind == Phone {
			return "***" + string(d[len(d)-2:])
		}
		return "**** " + string(d)
	case IP:
		a, _ := netip.ParseAddr(string(t))
		if a.Is4In6() {
			a = a.Unmap()
		}
		str := a.String()
		if a.Is4() {
			return str[:strings.IndexByte(str, '.')] + ".x.x.x"
		}
		return str[:strings.IndexByte(str, ':')] + ":…"
	case Address:
		// The street word or the postcode's first letter only.
		if isDigit(t[0]) || !bytes.ContainsRune(t, ' ') {
			if sp := bytes.LastIndexByte(t, ' '); sp >= 0 && !isDigit(t[len(t)-1]) {
				if t[len(t)-1] >= 'A' && t[len(t)-1] <= 'Z' && len(t) <= 8 && !bytes.ContainsAny(t, "abcdefghijklmnopqrstuvwxyz") {
					return string(t[:1]) + "** ***" // a postcode
				}
				return "*** " + string(t[sp+1:])
			}
		}
		if len(t) <= 8 && !bytes.ContainsAny(t, "abcdefghijklmnopqrstuvwxyz") {
			return string(t[:1]) + "** ***"
		}
		return "*** (a street)"
	}
	return "***"
}

// maskDomain returns "g***.com" for "gmail.com".
func maskDomain(d []byte) string {
	dot := bytes.LastIndexByte(d, '.')
	if len(d) == 0 {
		return "…"
	}
	if dot <= 0 {
		return string(d[:1]) + "***"
	}
	return string(d[:1]) + "***" + string(d[dot:])
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool      { return isDigit(c) || isLetterByte(c) }
