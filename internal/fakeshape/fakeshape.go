// Package fakeshape is the one home of what stagecopy's fakes look like:
// the reserved domains e-mail fakes live under, the names their local
// parts are made of, the forms of fake phone numbers and the documentation
// networks of fake IP addresses. The anonymize package builds its fakes
// from these pieces; the scan package leaves out exactly the values that
// have these shapes (Email, Phone, IP) and reports everything else, a whole
// reserved domain or network included. A change here changes both sides.
package fakeshape

import (
	"net/netip"
	"strconv"
	"strings"
)

// ReservedDomain reports whether d (lower case) is a domain that can never
// reach a real mailbox, the only kind e-mail and URL fakes may use:
// example.com, example.net and example.org (RFC 2606) and names under
// them, and names under the reserved top-level domains .test, .example and
// .invalid (RFC 2606, RFC 6761). Not .local or .localhost: real intranet
// mailboxes live there.
func ReservedDomain(d string) bool {
	for _, base := range reservedBases {
		if d == base || strings.HasSuffix(d, "."+base) {
			return true
		}
	}
	for _, tld := range reservedTLDs {
		if len(d) > len(tld) && strings.HasSuffix(d, tld) {
			return true
		}
	}
	return false
}

var (
	reservedBases = []string{"example.com", "example.net", "example.org"}
	reservedTLDs  = []string{".test", ".example", ".invalid"}
)

// LocalForms is the number of forms of a fake e-mail local part (and fake
// username), longest first:
//
//	0  first.last<n>  "emma.smith1234567890"
//	1  first<n>       "emma1234567890"
//	2  fl<n>          "es1234567890" (the initials)
//	3  u<n>           "u1234567890"
//
// first is one of FirstNames and last one of LastNames, lower-cased; n is
// a number below 2^32 in decimal, without leading zeros.
const LocalForms = 4

// AppendLocal appends form f of the local part made of first, last and n,
// lower-cased.
func AppendLocal(dst []byte, f int, first, last []byte, n uint32) []byte {
	switch f {
	case 0:
		dst = appendLower(dst, first)
		dst = append(dst, '.')
		dst = appendLower(dst, last)
	case 1:
		dst = appendLower(dst, first)
	case 2:
		dst = appendLower(dst, first[:1])
		dst = appendLower(dst, last[:1])
	default:
		dst = append(dst, 'u')
	}
	return strconv.AppendUint(dst, uint64(n), 10)
}

// LocalLen is len(AppendLocal(nil, f, first, last, n)).
func LocalLen(f int, first, last []byte, n uint32) int {
	nd := 1
	for x := n; x >= 10; x /= 10 {
		nd++
	}
	switch f {
	case 0:
		return len(first) + 1 + len(last) + nd
	case 1:
		return len(first) + nd
	case 2:
		return 2 + nd
	}
	return 1 + nd
}

func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// Email reports whether addr is exactly what the email fake writes: a
// local part of one of the LocalForms, '@', and a reserved domain, all in
// lower case. "bob@example.com" and "x@shop.test" are not: only the fakes'
// own shape is, under any domain the fake may be configured with.
func Email(addr []byte) bool {
	at := -1
	for i, c := range addr {
		if c == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	if at <= 0 || !Local(addr[:at]) {
		return false
	}
	d := addr[at+1:]
	for i, c := range d {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' && i > 0 && d[i-1] != '.') {
			return false
		}
	}
	return ReservedDomain(string(d))
}

// Local reports whether b is a local part of one of the LocalForms.
func Local(b []byte) bool {
	i := len(b)
	for i > 0 && '0' <= b[i-1] && b[i-1] <= '9' {
		i--
	}
	num, letters := b[i:], b[:i]
	if len(num) == 0 || len(num) > 10 || len(num) > 1 && num[0] == '0' {
		return false
	}
	var n uint64
	for _, c := range num {
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<32-1 {
		return false
	}
	for j, c := range letters {
		if c == '.' {
			return firstLower[string(letters[:j])] && lastLower[string(letters[j+1:])] // form 0
		}
	}
	switch {
	case firstLower[string(letters)]: // form 1
		return true
	case len(letters) == 2: // form 2
		return firstInitials[letters[0]] && lastInitials[letters[1]]
	}
	return string(letters) == "u" // form 3
}

var (
	firstLower, lastLower       = lowerSet(FirstNames), lowerSet(LastNames)
	firstInitials, lastInitials = initials(FirstNames), initials(LastNames)
)

func lowerSet(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[strings.ToLower(s)] = true
	}
	return m
}

func initials(list []string) (set [256]bool) {
	for _, s := range list {
		set[strings.ToLower(s)[0]] = true
	}
	return set
}

// Phone styles: the forms of a fake phone number, from the longest down.
// AAA is an area code from 200 to 999, NN a number from 00 to 99, and the
// separator one of space, '-', '.', '/' or none (the paren style always
// has ") " and '-').
const (
	PhoneIntlPlus = iota // +1 AAA 555 01NN
	PhoneIntl            // 1 AAA 555 01NN
	PhoneParen           // (AAA) 555-01NN
	PhoneNational        // AAA 555 01NN
	PhoneLocal           // 555 01NN
)

// PhoneSeparators are the separators a fake phone number may have; 0 is
// none.
var PhoneSeparators = [...]byte{0, ' ', '-', '.', '/'}

// AppendPhone appends the fake phone number of the style with separator
// sep (0 for none), area code area (200 to 999) and last digits nn (0 to
// 99).
func AppendPhone(b []byte, style int, sep byte, area, nn int) []byte {
	put := func(b []byte) []byte {
		if sep != 0 {
			b = append(b, sep)
		}
		return b
	}
	switch style {
	case PhoneIntlPlus, PhoneIntl:
		if style == PhoneIntlPlus {
			b = append(b, '+')
		}
		b = append(b, '1')
		b = put(b)
		b = strconv.AppendInt(b, int64(area), 10)
		b = put(b)
	case PhoneParen:
		b = append(b, '(')
		b = strconv.AppendInt(b, int64(area), 10)
		b = append(b, ") "...)
		sep = '-'
	case PhoneNational:
		b = strconv.AppendInt(b, int64(area), 10)
		b = put(b)
	}
	b = append(b, "555"...)
	b = put(b)
	return append(b, '0', '1', byte('0'+nn/10), byte('0'+nn%10))
}

// Phone reports whether b is exactly a fake phone number: AppendPhone's
// output for some style, separator, area and number. "+1 (212) 555-0142"
// and "+49 30 5550123" are not.
func Phone(b []byte) bool {
	if len(b) < 7 || len(b) > 24 {
		return false
	}
	var d [16]byte
	n := 0
	for _, c := range b {
		if '0' <= c && c <= '9' {
			if n == len(d) {
				return false
			}
			d[n] = c
			n++
		}
	}
	var styles []int
	area := 0
	switch n {
	case 11: // 1 AAA 555 01NN
		if d[0] != '1' {
			return false
		}
		styles = []int{PhoneIntlPlus, PhoneIntl}
		area = num(d[1:4])
	case 10:
		styles = []int{PhoneParen, PhoneNational}
		area = num(d[0:3])
	case 7:
		styles = []int{PhoneLocal}
		area = 200
	default:
		return false
	}
	tail := d[n-7 : n]
	if string(tail[:5]) != "55501" || area < 200 {
		return false
	}
	nn := num(tail[5:7])
	var buf [24]byte
	for _, st := range styles {
		for _, sep := range PhoneSeparators {
			if string(AppendPhone(buf[:0], st, sep, area, nn)) == string(b) {
				return true
			}
			if st == PhoneParen {
				break // no separator choice
			}
		}
	}
	return false
}

func num(d []byte) int {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	return n
}

// Documentation networks, where IP fakes live: IPv4 192.0.2.0/24,
// 198.51.100.0/24 and 203.0.113.0/24 (RFC 5737), with hosts 1 to 254, and
// IPv6 2001:db8::/32 (RFC 3849).
var (
	IPv4Nets   = [3][3]byte{{192, 0, 2}, {198, 51, 100}, {203, 0, 113}}
	IPv6Prefix = [4]byte{0x20, 0x01, 0x0d, 0xb8}
)

// IP reports whether a is an address the ip fake writes: an IPv4 address
// (or IPv4-mapped IPv6 address) in one of IPv4Nets with a host from 1 to
// 254, or an IPv6 address under IPv6Prefix.
func IP(a netip.Addr) bool {
	if a.Is4In6() {
		a = a.Unmap()
	}
	if a.Is4() {
		b := a.As4()
		for _, n := range IPv4Nets {
			if b[0] == n[0] && b[1] == n[1] && b[2] == n[2] {
				return b[3] != 0 && b[3] != 255
			}
		}
		return false
	}
	b := a.As16()
	return a.Is6() && a.Zone() == "" && [4]byte(b[:4]) == IPv6Prefix
}

// StreetNames are the names the street fake puts between a house
// number and a street type: "12 Oak Street".
var StreetNames = []string{
	"Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill",
	"Park", "Main", "Church", "High", "Mill", "Station", "Spring", "River",
	"Meadow", "Forest", "Sunset", "Highland", "Willow", "Cherry", "Chestnut", "Walnut",
	"Birch", "Ash", "Poplar", "Laurel", "Lincoln", "Jefferson", "Franklin", "Madison",
	"Jackson", "Adams", "Monroe", "Union", "Market", "Bridge", "Garden", "Orchard",
	"Valley", "Ridge", "Harbor", "Bay", "Beacon", "Brook", "Canal", "Castle",
	"Cliff", "Cross", "Dale", "Field", "Glen", "Green", "Grove", "King",
	"Queen", "Mount", "North", "South", "East", "West", "New", "Old",
	"Rose", "School", "Spruce", "Victoria", "Vine", "Water", "Windsor", "York",
	"Sycamore", "Hawthorn", "Juniper", "Magnolia", "Primrose", "Heather", "Clover", "Foxglove",
}

// StreetTypes and their usual abbreviations, StreetTypesAbbr, index for
// index.
var (
	StreetTypes     = []string{"Street", "Road", "Avenue", "Lane", "Drive", "Way", "Court", "Place", "Boulevard", "Terrace", "Close", "Crescent"}
	StreetTypesAbbr = []string{"St", "Rd", "Ave", "Ln", "Dr", "Way", "Ct", "Pl", "Blvd", "Ter", "Cl", "Cres"}
)

// Street reports whether b is a street the street fake writes: a house
// number from 1 to 999, one of StreetNames and one of StreetTypes or
// StreetTypesAbbr, single spaces between, in any letter case (the fake
// follows the case of the value it replaces). Cut-down forms without the
// number are not addresses scan finds.
func Street(b []byte) bool {
	f := strings.Fields(string(b))
	if len(f) != 3 || len(f[0]) > 3 || f[0][0] == '0' || strings.Trim(f[0], "0123456789") != "" || len(f[0])+len(f[1])+len(f[2])+2 != len(b) {
		return false
	}
	return inFold(StreetNames, f[1]) && (inFold(StreetTypes, f[2]) || inFold(StreetTypesAbbr, f[2]))
}

func inFold(list []string, w string) bool {
	for _, x := range list {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

// RedactedUserinfo is what the redact transformer writes for the user
// and password of a URL ("https://redacted:redacted@host"): the one URL
// credential scan does not report.
const RedactedUserinfo = "redacted:redacted"
