package scan

import (
	"bytes"
	"net/netip"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

// ipv4At reports whether the run of digits and dots v[i:e] (i at a digit)
// is a public IPv4 address, and where it ends: not a version
// ("Chrome/125.0.0.0", "v1.2.3.4", "1.7.8.11"), not followed by a letter,
// not a fake.
func ipv4At(v []byte, i, e int) (int, bool) {
	if i > 0 && (isDigit(v[i-1]) || v[i-1] == '.') {
		return 0, false
	}
	for e > i && v[e-1] == '.' {
		e--
	}
	cand := v[i:e]
	if len(cand) < 7 || len(cand) > 15 || bytes.Count(cand, []byte{'.'}) != 3 {
		return 0, false
	}
	version := i > 1 && v[i-1] == '/' && isLetterByte(v[i-2]) || i > 0 && (v[i-1] == 'v' || v[i-1] == 'V')
	if version || e < len(v) && isLetterByte(v[e]) {
		return 0, false
	}
	a, ok := parseIPv4(cand)
	return e, ok && public(a) && !smallParts(a) && !fakeshape.IP(a)
}

// findIPv6 appends the public IPv6 addresses of v to dst: runs of hex
// digits, colons and dots with at least three groups ("2a02:8070::1", in
// JSON, in brackets, in a list), which netip accepts, found from the
// colons.
func findIPv6(v []byte, dst []span) []span {
	for off := 0; ; {
		c := bytes.IndexByte(v[off:], ':')
		if c < 0 {
			return dst
		}
		c += off
		if (c == 0 || !isIPv6Char(v[c-1])) && (c+1 == len(v) || !isIPv6Char(v[c+1])) {
			off = c + 1 // "https:", "wp:paragraph"
			continue
		}
		i, e := c, c+1
		for i > 0 && isIPv6Char(v[i-1]) {
			i--
		}
		for e < len(v) && isIPv6Char(v[e]) {
			e++
		}
		off = e
		if e-i < 6 { // "::1:2" is the shortest with three groups
			continue
		}
		cand := v[i:e]
		// An IPv6 address has "::", or all its eight groups (seven
		// colons), or six groups and an IPv4 address; and at least three
		// groups ("2a02:8070::1"), or two and an IPv4 address
		// ("::ffff:81.2.3.4"): "12:00:00" is a time, "a::b" CSS.
		colons, groups, double, dot := 0, 0, false, false
		for j, c := range cand {
			switch {
			case c == ':':
				colons++
				double = double || j > 0 && cand[j-1] == ':'
			case j == 0 || cand[j-1] == ':':
				groups++
			}
			dot = dot || c == '.'
		}
		if !double && colons < 7 && !(colons == 6 && dot) || groups < 3 && !(groups == 2 && dot) {
			continue
		}
		a, err := netip.ParseAddr(string(cand))
		if err != nil || !a.Is6() || fakeshape.IP(a) {
			continue
		}
		if a.Is4In6() && public(a.Unmap()) || !a.Is4In6() && public(a) {
			dst = append(dst, span{IP, i, e})
		}
	}
}

// parseIPv4 parses a dotted-quad IPv4 address as netip does (no leading
// zeros), without allocating.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var a [4]byte
	part, digits := 0, 0
	val := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return netip.Addr{}, false
			}
			a[part] = byte(val)
			part++
			val, digits = 0, 0
			continue
		}
		c := b[i]
		if !isDigit(c) || digits > 0 && val == 0 {
			return netip.Addr{}, false
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 {
			return netip.Addr{}, false
		}
	}
	if part != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(a), true
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
