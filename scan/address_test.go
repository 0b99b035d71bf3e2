package scan

import (
	"strings"
	"testing"
)

// TestAddresses: postal addresses in text are found with a house number
// and a street word, or as a UK postcode; numbers, dates, prices,
// versions, product codes and stagecopy's own street fakes are not.
func TestAddresses(t *testing.T) {
	found := []string{
		"14 Elmwood Avenue",
		"Kind regards, Jolanda\n9 Quarry Hill Lane, Leeds LS2 7EW",
		"ADR;TYPE=home:;;27 Wexford Road;Manchester;;M14 6PL;UK",
		"12 rue de la Paix, 75002 Paris",
		"3 via Roma",
		"Hauptstraße 12, 10115 Berlin",
		"Kerkstraat 4",
		"deliver to 221b Baker Street please",
		"BS8 1TH",
		"postcode SW1A 1AA.",
		"5 Calle Mayor",
	}
	for _, v := range found {
		if !hasKind(detect(nil, []byte(v)), Address) {
			t.Errorf("no address found in %q", v)
		}
	}
	notFound := []string{
		"Version 2.4 Release Notes",
		"We sold 14 Large Boxes",
		"Chapter 3 The Road Ahead", // a book's chapter: "3 The Road" is not a street
		"Order 1234 Shipped",
		"2024-05-01 12:30",
		"Price: 12 EUR",
		"12 Oak Street", // a fake
		"987 WINDSOR CRES",
		"Room 101",
		"ABC 123",
		"the street is long",
		"iPhone 12 Pro Max",
		"Windows 10 Home Edition",
		"A4 paper, B5 envelopes",
	}
	for _, v := range notFound {
		if ms := detect(nil, []byte(v)); hasKind(ms, Address) {
			t.Errorf("an address found in %q: %v", v, ms)
		}
	}
	// The example shows the street word or a postcode's first letter.
	for v, want := range map[string]string{"14 Elmwood Avenue": "*** Avenue", "BS8 1TH": "B** ***"} {
		for _, m := range detect(nil, []byte(v)) {
			if m.kind == Address && m.example != want {
				t.Errorf("%q: example %q, want %q", v, m.example, want)
			}
			if m.kind == Address && strings.Contains(m.example, "Elmwood") {
				t.Errorf("%q: the example shows the street's name", v)
			}
		}
	}
}

func hasKind(ms []match, k Kind) bool {
	for _, m := range ms {
		if m.kind == k {
			return true
		}
	}
	return false
}
