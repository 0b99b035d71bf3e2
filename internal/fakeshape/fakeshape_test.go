package fakeshape

import (
	"net/netip"
	"testing"
)

func TestReservedDomain(t *testing.T) {
	for d, want := range map[string]bool{
		"example.com": true, "mail.example.org": true, "example.net": true, "shop.test": true,
		"a.b.example": true, "x.invalid": true,
		"test": false, ".test": false, "example.co": false, "notexample.com": false, "myexample.org": false,
		"corp.local": false, "localhost": false, "gmail.com": false, "example.com.evil.de": false,
	} {
		if ReservedDomain(d) != want {
			t.Errorf("ReservedDomain(%q) = %v", d, !want)
		}
	}
}

func TestEmail(t *testing.T) {
	for _, a := range []string{
		"emma.smith1234567890@example.com",
		"emma1234567890@example.com",
		"es1234567890@shop.test",
		"u0@x.invalid",
		"u4294967295@example.org",
		"max.kowalski7@mail.example.net",
	} {
		if !Email([]byte(a)) {
			t.Errorf("Email(%q) = false, want true: a fake's shape", a)
		}
	}
	for _, a := range []string{
		"bob@example.com",                   // a name, no number
		"x@shop.test",                       // not a fake's local part
		"jane.doe@corp.local",               // not reserved
		"emma.smith1234567890@gmail.com",    // a fake's local part, a real domain
		"Emma.Smith1234567890@example.com",  // fakes are lower case
		"emma.smith1234567890@EXAMPLE.COM",  //
		"emma.smith01@example.com",          // a leading zero
		"emma.smith4294967296@example.com",  // above 32 bits
		"emma.smith12345678901@example.com", // 11 digits
		"zelda.smith1@example.com",          // not a listed first name
		"emma.zorro1@example.com",           // not a listed surname
		"qq1@example.com",                   // no first name starts with q
		"emma.smith@example.com",            // no number
		"u1@@example.com",                   //
		"u1@a..example.com",                 //
		"@example.com",                      //
		"emma.smith.jones1@example.com",     //
	} {
		if Email([]byte(a)) {
			t.Errorf("Email(%q) = true, want false", a)
		}
	}
}

func TestPhone(t *testing.T) {
	var buf []byte
	for st := PhoneIntlPlus; st <= PhoneLocal; st++ {
		for _, sep := range PhoneSeparators {
			for _, area := range []int{200, 555, 999} {
				for _, nn := range []int{0, 42, 99} {
					buf = AppendPhone(buf[:0], st, sep, area, nn)
					if !Phone(buf) {
						t.Errorf("Phone(%q) = false", buf)
					}
				}
			}
		}
	}
	for _, p := range []string{
		"+1 212 555 0142", "(212) 555-0199", "212-555-0100", "555.0123", "12125550142", "+1/212/555/0142",
	} {
		if !Phone([]byte(p)) {
			t.Errorf("Phone(%q) = false, want true", p)
		}
	}
	for _, p := range []string{
		"+49 30 5550123", "+31 20 555 0199", "+1 (212) 555-0142", "(212) 555 0142", "+1 212-555 0142",
		"+1 199 555 0142", "+2 212 555 0142", "212 555 0200", "555 0100 ", " 555 0100", "5550100x",
		"+1 212 555 01423", "555-1234", "1-212-555-0142-1",
	} {
		if Phone([]byte(p)) {
			t.Errorf("Phone(%q) = true, want false", p)
		}
	}
}

func TestIP(t *testing.T) {
	for a, want := range map[string]bool{
		"192.0.2.1": true, "198.51.100.254": true, "203.0.113.77": true, "::ffff:192.0.2.9": true,
		"2001:db8::1": true, "2001:db8:ffff:1:2:3:4:5": true,
		"192.0.2.0": false, "192.0.2.255": false, "192.0.3.1": false, "81.2.3.4": false, "10.0.0.1": false,
		"2001:db9::1": false, "2a02:8070::1": false, "2001:db8::1%eth0": false,
	} {
		if IP(netip.MustParseAddr(a)) != want {
			t.Errorf("IP(%s) = %v", a, !want)
		}
	}
}
