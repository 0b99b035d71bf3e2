package scan

import (
	"bytes"
	"net/netip"
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
// kinds: e-mail addresses, URL credentials (https://user:password@host),
// IP addresses, phone and card numbers anywhere in the value (see Spans
// for the rules), and inside base64 and compressed payloads in it (see
// decoder). stagecopy's own fakes are not reported, and only they:
// values of exactly the shapes internal/fakeshape describes
// (docs/privacy.md). Private networks are not reported either.
func detect(ms []match, v []byte) []match {
	if len(v) == 0 {
		return ms
	}
	start := len(ms)
	l := firstLook(v)
	var buf [8]span
	ss := findSpans(v, l, buf[:0])
	var d decoder
	for i, k := range kinds {
		for _, s := range ss {
			if s.kind == k {
				ms = append(ms, match{k, mask(v, s)})
				d.found |= 1 << i
				break
			}
		}
	}
	if len(v) >= minBase64 || l&lookBinary != 0 {
		d.left = maxDecoded
		if ms = d.encoded(ms, v, l, 0, ""); len(ms)-start > 1 {
			sortMatches(ms[start:])
		}
	}
	return ms
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
)

// firstLook looks at v once. A short value is looked at byte by byte; a
// long one with vector instructions (bytes.IndexByte), and it is taken to
// have digits and non-ASCII bytes (findNumbers looks for digits 8 bytes
// at a time; binary looks at the first 64 bytes).
func firstLook(v []byte) look {
	var l look
	if len(v) < 64 {
		var or, colons uint16
		for _, c := range v {
			k := class[c]
			or |= k
			colons += k & cColon
		}
		if or&cAt != 0 {
			l |= lookAt
		}
		if colons >= 2*cColon {
			l |= lookColons
		}
		if or&cDigit != 0 {
			l |= lookDigits
		}
		if or&cNotText != 0 {
			l |= lookBinary
		}
		return l
	}
	l = lookDigits | lookBinary
	if bytes.IndexByte(v, '@') >= 0 {
		l |= lookAt
	}
	if i := bytes.IndexByte(v, ':'); i >= 0 && bytes.IndexByte(v[i+1:], ':') >= 0 {
		l |= lookColons
	}
	return l
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
)

var class [256]uint16

func init() {
	for c := range 256 {
		b := byte(c)
		var k uint16
		switch {
		case '0' <= b && b <= '9':
			k |= cDigit | cLocal | cDomain | cIPv6 | cBase64
		case 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z':
			k |= cLocal | cDomain | cWord | cBase64
			if 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F' {
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
			k |= cLocal | cDomain | cSep | cBase64
		case '_', '+':
			k |= cLocal | cBase64
		case '%', '\'':
			k |= cLocal
		case '/':
			k |= cSep | cBase64
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

// sortSpans sorts dst[from:] by start (insertion sort: there are few) and
// drops spans that overlap an earlier one.
func sortSpans(dst []span, from int) []span {
	s := dst[from:]
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
