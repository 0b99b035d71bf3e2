package scan

import (
	"bytes"
	"net/netip"
	"strings"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

// Kind is a kind of personal data scan looks for.
type Kind string

// Kinds, in the order a report lists them.
const (
	Email Kind = "email"
	Phone Kind = "phone"
	IP    Kind = "ip"
	Card  Kind = "card"
)

var kinds = []Kind{Email, Phone, IP, Card}

// Plural names the kind in a sentence: "e-mail addresses".
func (k Kind) Plural() string {
	switch k {
	case Email:
		return "e-mail addresses"
	case Phone:
		return "phone numbers"
	case IP:
		return "IP addresses"
	case Card:
		return "payment card numbers"
	}
	return string(k)
}

// match is one kind found in a value, with a masked example.
type match struct {
	kind    Kind
	example string
}

// detect appends what v holds to ms. E-mail and IP addresses are found
// anywhere in the value; phone and card numbers only as the whole value
// (in free text they would match dates, prices and ids). stagecopy's own
// fakes are not reported, and only they: values of exactly the shapes
// internal/fakeshape describes (an address under a reserved domain whose
// local part is a fake's, a fake phone number's forms, the documentation
// networks' hosts). Private networks are not reported either.
func detect(ms []match, v []byte) []match {
	if len(v) == 0 {
		return ms
	}
	if ex, ok := findEmail(v); ok {
		ms = append(ms, match{Email, ex})
	}
	w := bytes.TrimSpace(v)
	if ex, ok := wholeCard(w); ok {
		ms = append(ms, match{Card, ex})
	} else if ex, ok := wholePhone(w); ok {
		ms = append(ms, match{Phone, ex})
	}
	if ex, ok := findIP(v, w); ok {
		ms = append(ms, match{IP, ex})
	}
	return ms
}

func isLocalChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._%+-'", c) >= 0
}

func isDomainChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-'
}

// findEmail returns the first address in v that is not under a reserved
// domain, masked.
func findEmail(v []byte) (string, bool) {
	for off := 0; ; {
		at := bytes.IndexByte(v[off:], '@')
		if at < 0 {
			return "", false
		}
		at += off
		off = at + 1
		s := at
		for s > 0 && isLocalChar(v[s-1]) {
			s--
		}
		e := at + 1
		for e < len(v) && isDomainChar(v[e]) {
			e++
		}
		local, domain := v[s:at], bytes.TrimRight(v[at+1:e], ".-")
		dot := bytes.LastIndexByte(domain, '.')
		if len(local) == 0 || dot <= 0 || len(domain)-dot-1 < 2 || !isLetters(domain[dot+1:]) {
			continue
		}
		if urlUserinfo(v, s) || fileExtensions[strings.ToLower(string(domain[dot+1:]))] {
			continue // https://user:password@host, logo@2x.png, jquery@3.7.1.min.js
		}
		if fakeshape.Email(v[s : at+1+len(domain)]) {
			continue // stagecopy's own fake
		}
		if passwordBefore(v, s) {
			// "Email:jane@gmail.com", "EMAIL;TYPE=INTERNET:jane@..." (a
			// vCard), or "joe:secret@host", a login: found either way,
			// with nothing of what could be a password shown.
			return "***@" + string(domain[:1]) + "***" + string(domain[dot:]), true
		}
		return string(local[:1]) + "***@" + string(domain[:1]) + "***" + string(domain[dot:]), true
	}
}

// urlUserinfo reports whether the text at s, the start of what looks like
// an address's local part, is the user (and password) of a URL: "://"
// comes before it in the same word.
func urlUserinfo(v []byte, s int) bool {
	w := s
	for w > 0 && !isSpaceOrQuote(v[w-1]) {
		w--
	}
	return bytes.Contains(v[w:s], []byte("://"))
}

// passwordBefore reports whether the local part at s follows a ':' that
// is not "mailto:": "joe:secret@host" may be a login, and masking it as an
// address would show the password's first letter.
func passwordBefore(v []byte, s int) bool {
	if s == 0 || v[s-1] != ':' {
		return false
	}
	w := s - 1
	for w > 0 && isLetterByte(v[w-1]) {
		w--
	}
	return !strings.EqualFold(string(v[w:s-1]), "mailto")
}

func isSpaceOrQuote(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '(' || c == ','
}

// fileExtensions are top-level "domains" that are file names: "logo@2x.png".
var fileExtensions = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "webp": true, "avif": true, "svg": true, "ico": true,
	"bmp": true, "tif": true, "tiff": true, "js": true, "mjs": true, "css": true, "map": true, "json": true,
	"mp4": true, "webm": true, "pdf": true, "woff": true, "woff2": true, "ttf": true, "php": true, "html": true,
}

func isLetters(b []byte) bool {
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// wholePhone reports whether w is a phone number: 7 to 15 digits, written
// with a leading '+', parentheses, a leading 0 or 00 (national or
// international prefix) in digit groups, or in the North American 3-3-4
// shape, and not a date or a fake (+1 AAA 555 01NN and its shorter forms). Product codes, amounts and
// ISBNs ("100-200-300", "1 000 000", "978-3-16-148410-0") are not phones.
func wholePhone(w []byte) (string, bool) {
	if len(w) < 7 || len(w) > 24 {
		return "", false
	}
	var digits []byte
	var groups []int // lengths of the digit groups
	paren, run := false, 0
	for i, c := range w {
		switch {
		case '0' <= c && c <= '9':
			digits = append(digits, c)
			run++
			continue
		case c == '+' && i == 0:
		case c == '(' || c == ')':
			paren = true
		case c == ' ' || c == '-' || c == '.' || c == '/':
		default:
			return "", false
		}
		if run > 0 {
			groups = append(groups, run)
		}
		run = 0
	}
	if run > 0 {
		groups = append(groups, run)
	}
	n := len(digits)
	if n < 7 || n > 15 || looksLikeDate(w) {
		return "", false
	}
	nanp := len(groups) == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 4
	// A leading 0 (national) or 00 (international) prefix counts when the
	// number is written in groups: bare digits starting with 0 are UPC and
	// EAN codes and zero-padded ids, and "0." starts a decimal.
	grouped := len(groups) >= 2 && bytes.ContainsAny(w, " -/()")
	national := grouped && (w[0] == '0' && n >= 9 && n <= 13 && digits[1] != '0' || bytes.HasPrefix(w, []byte("00")) && n >= 11)
	if !(w[0] == '+' || paren || nanp || national) {
		return "", false
	}
	if _, err := netip.ParseAddr(string(w)); err == nil {
		return "", false // an IPv4 address
	}
	if fakeshape.Phone(w) {
		return "", false // stagecopy's own fake
	}
	return "***" + string(digits[n-2:]), true
}

// looksLikeDate reports whether w starts like a date: 2024-02-01,
// 01.02.2024, 01/02/24 (with '-', '.' or '/': "0211 12 34 56" is a phone).
func looksLikeDate(w []byte) bool {
	groups := bytes.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '.' || r == '/' || r == ' ' || r == ':' })
	if len(groups) < 3 || !bytes.ContainsAny(w, "-./") {
		return false
	}
	a, b, c := len(groups[0]), len(groups[1]), len(groups[2])
	year := a == 4 && (groups[0][0] == '1' || groups[0][0] == '2')
	return year && b <= 2 && c <= 2 || a <= 2 && b <= 2 && (c == 4 || c == 2) && len(groups) == 3
}

// wholeCard reports whether w is a payment card number: 13 to 19 digits,
// maybe in groups, with a card network's prefix and a valid Luhn check
// digit.
func wholeCard(w []byte) (string, bool) {
	var digits []byte
	for _, c := range w {
		switch {
		case '0' <= c && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-':
		default:
			return "", false
		}
	}
	n := len(digits)
	if n < 13 || n > 19 || !cardPrefix(digits) || !luhn(digits) {
		return "", false
	}
	return "**** " + string(digits[n-4:]), true
}

// cardPrefix reports whether d has a card network's prefix and one of its
// lengths. 13-digit Visa numbers are long gone; leaving them out spares the
// EAN-13 barcodes of product tables.
func cardPrefix(d []byte) bool {
	n := len(d)
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p4 := p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	switch {
	case d[0] == '4': // Visa
		return n == 16 || n == 19
	case 51 <= p2 && p2 <= 55, 2221 <= p4 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011 || p2 == 65: // Discover
		return n >= 16
	case 3528 <= p4 && p4 <= 3589: // JCB
		return n >= 16
	case p2 == 36 || 300 <= p4/10 && p4/10 <= 305: // Diners
		return n >= 14 && n <= 16
	}
	return false
}

func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		x := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if x *= 2; x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

// findIP returns the first public IPv6 or IPv4 address in v, masked.
func findIP(v, w []byte) (string, bool) {
	if ex, ok := findIPv6(v); ok {
		return ex, true
	}
	for i := 0; i < len(v); {
		if !isDigit(v[i]) || i > 0 && (isDigit(v[i-1]) || v[i-1] == '.') {
			i++
			continue
		}
		e := i
		for e < len(v) && (isDigit(v[e]) || v[e] == '.') {
			e++
		}
		cand := bytes.TrimRight(v[i:e], ".")
		// Not a version: "Chrome/125.0.0.0", "v1.2.3.4", "1.7.8.11".
		version := i > 1 && v[i-1] == '/' && isLetterByte(v[i-2]) || i > 0 && (v[i-1] == 'v' || v[i-1] == 'V')
		if !version && bytes.Count(cand, []byte{'.'}) == 3 && (e == len(v) || !isLetterByte(v[e])) {
			if a, err := netip.ParseAddr(string(cand)); err == nil && a.Is4() && public(a) && !smallParts(a) && !fakeshape.IP(a) {
				return string(cand[:bytes.IndexByte(cand, '.')]) + ".x.x.x", true
			}
		}
		i = e
	}
	return "", false
}

// findIPv6 returns the first public IPv6 address in v, masked: a run of
// hex digits, colons and dots with at least three groups ("2a02:8070::1",
// in JSON, in brackets, in a list), which netip accepts.
func findIPv6(v []byte) (string, bool) {
	if bytes.Count(v, []byte{':'}) < 2 {
		return "", false
	}
	for i := 0; i < len(v); {
		if !isIPv6Char(v[i]) {
			i++
			continue
		}
		e := i
		for e < len(v) && isIPv6Char(v[e]) {
			e++
		}
		cand := v[i:e]
		if bytes.Count(cand, []byte{':'}) >= 2 && len(bytes.FieldsFunc(cand, func(r rune) bool { return r == ':' })) >= 3 {
			if a, err := netip.ParseAddr(string(cand)); err == nil && a.Is6() {
				if fakeshape.IP(a) {
					return "", false // stagecopy's own fake
				}
				if a.Is4In6() {
					if a4 := a.Unmap(); public(a4) {
						return strings.SplitN(a4.String(), ".", 2)[0] + ".x.x.x", true
					}
					return "", false
				}
				if public(a) {
					s := a.String()
					return s[:strings.IndexByte(s, ':')] + ":…", true
				}
			}
		}
		i = e
	}
	return "", false
}

func isIPv6Char(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == ':' || c == '.'
}

// smallParts reports whether every part of a is below 32: version numbers
// ("1.7.8.11", "2.0.1.4") look like that, people's addresses seldom.
func smallParts(a netip.Addr) bool {
	for _, b := range a.As4() {
		if b >= 32 {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// notPersonal are networks whose addresses name no person: shared
// address space (carrier NAT), benchmarking, "this network". Not the
// documentation networks: only the fakes' own shape there is left out
// (fakeshape.IP).
var notPersonal = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("0.0.0.0/8"),
}

func public(a netip.Addr) bool {
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	for _, p := range notPersonal {
		if p.Contains(a) {
			return false
		}
	}
	return true
}
