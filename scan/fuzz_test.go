package scan

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzDetect checks that detect and Spans never panic, that Spans gives
// places in order, inside the value and without overlaps, that each
// e-mail, IP address and card number it gives is found again on its own,
// that detect reports one match per kind in the order of kinds, and that
// no example shows a place's text.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"", "jane.doe@gmail.com", "a&commat;b.de", "x@y.de", "publish", "Tel: 030 1234567", "+44 20 7946 0958", "81.13.87.78", "2a02:8070::1",
		"::ffff:81.2.3.4", "4242 4242 4242 4242", "https://user:pw@host.de/", "EMAIL;TYPE=INTERNET:a@b.com",
		"dXNlcj1qYW5lLmRvZUBnbWFpbC5jb20=", b64(gz("call +44 20 7946 0958")), zl("x@y.de"), deflate("jane@gmail.com 81.2.3.4"),
		"(555) 234-5678 2024-02-01 $1,234.56", "\x78\x9c\x01\x00", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x00",
		strings.Repeat("QUJD", 40), "emma.smith1234567890@example.com +1 212 555 0142 192.0.2.7",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		// Row skips detect for a short value plainWord says is clean.
		if len(v) < minBase64 && plainWord(v) {
			if ms := detect(nil, v); len(ms) > 0 {
				t.Fatalf("plainWord(%q) is true, but detect finds %v", v, ms)
			}
		}
		last := 0
		Spans(v, func(k Kind, s, e int) {
			if s < last || e <= s || e > len(v) {
				t.Fatalf("Spans(%q): %s at [%d,%d) after %d", v, k, s, e, last)
			}
			last = e
			switch k {
			case Email, Card, IP:
				// These need no context: found again on their own.
				part := v[s:e]
				found := false
				Spans(part, func(k2 Kind, s2, e2 int) { found = found || k2 == k && s2 == 0 && e2 == len(part) })
				if !found && k != IP { // an IPv4 address after "v" or "Chrome/" is a version
					t.Fatalf("Spans(%q): %s %q is not found on its own", v, k, part)
				}
			}
		})
		ms := detect(nil, v)
		prev := -1
		for _, m := range ms {
			i := int(kindIndex(m.kind))
			if i <= prev {
				t.Fatalf("detect(%q) = %v: kinds out of order or twice", v, ms)
			}
			prev = i
			if len(m.example) > 12 && bytes.Contains(v, []byte(strings.SplitN(m.example, " (in ", 2)[0])) && !strings.Contains(m.example, "***") && !strings.Contains(m.example, "x.x.x") && !strings.Contains(m.example, "…") {
				t.Fatalf("detect(%q): example %q shows the value", v, m.example)
			}
		}
	})
}

func kindIndex(k Kind) int {
	for i, x := range kinds {
		if x == k {
			return i
		}
	}
	return -1
}
