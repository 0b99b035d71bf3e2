package anonymize

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

// TestFakesHaveTheirShape checks the generator side of scan's exemption:
// every email, phone and ip fake, in every form the column size leads to,
// is one that fakeshape recognizes, so scan leaves it out. (scan's tests
// check the other side: values that are not these shapes are reported.)
func TestFakesHaveTheirShape(t *testing.T) {
	emails := []Transformer{
		mustNew(t, "email", nil, keyerA),
		mustNew(t, "email", map[string]any{"domain": "Shop.Staging.TEST"}, keyerA),
		mustNew(t, "email", map[string]any{"domain": "mail.example.org"}, keyerA),
	}
	phone := mustNew(t, "phone", nil, keyerA)
	ip := mustNew(t, "ip", nil, keyerA)
	phoneInputs := []string{"+49 30 1234567", "030 1234567", "(030) 123-4567", "555.123.4567", "1234567",
		"0044 20 7946 0958", "12/34/56", "+33612345678", "06-12-34-56-78", "123"}
	forms := map[bool]int{} // short local parts (initials, u<n>) and long ones
	for i := range 3000 {
		in := "Person." + strconv.Itoa(i) + "@Mail.Example-Customer.NET"
		for size := 14; size <= 46; size++ { // every form of the local part
			col := Column{Type: "varchar", MaxLen: size % 46} // 46: no limit
			for _, tr := range emails {
				out, _, err := tr.Transform([]byte(in), false, col, nil)
				if err != nil {
					continue // too small for this domain
				}
				forms[len(out)-len(tr.(*emailFake).domain)-1 < 16]++
				if !fakeshape.Email(out) {
					t.Fatalf("email(%q) in %d characters = %q, which fakeshape.Email does not recognize", in, size, out)
				}
			}
		}
		p := phoneInputs[i%len(phoneInputs)] + strconv.Itoa(i%10)
		for _, size := range []int{0, 15, 14, 12, 10, 8, 7} {
			out, _, err := phone.Transform([]byte(p), false, Column{Type: "varchar", MaxLen: size}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !fakeshape.Phone(out) {
				t.Fatalf("phone(%q) in %d characters = %q, which fakeshape.Phone does not recognize", p, size, out)
			}
		}
		for _, a := range []string{"81.2." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256), "2a02:8070::" + strconv.FormatInt(int64(i), 16), "::ffff:8.8." + strconv.Itoa(i%256) + ".1", "junk" + strconv.Itoa(i)} {
			for _, size := range []int{0, 20, 11, 9} {
				out, _, err := ip.Transform([]byte(a), false, Column{Type: "varchar", MaxLen: size}, nil)
				if err != nil {
					t.Fatal(err)
				}
				addr, err := netip.ParseAddr(string(out))
				if err != nil || !fakeshape.IP(addr) {
					t.Fatalf("ip(%q) in %d characters = %q, which fakeshape.IP does not recognize", a, size, out)
				}
			}
		}
	}
	if forms[true] == 0 || forms[false] == 0 {
		t.Errorf("local parts short and long: %v", forms)
	}
	// Streets: every full form ("12 Oak Street", "12 OAK ST") is one
	// fakeshape.Street knows; the cut-down forms have no house number.
	street := mustNew(t, "street", nil, keyerA)
	full := 0
	for i := range 3000 {
		in := strconv.Itoa(i) + " Real Person Road"
		if i%3 == 1 {
			in = strings.ToUpper(in)
		}
		for _, size := range []int{0, 40, 20, 16, 12} {
			out, _, err := street.Transform([]byte(in), false, Column{Type: "varchar", MaxLen: size}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if out[0] >= '0' && out[0] <= '9' {
				full++
				if !fakeshape.Street(out) {
					t.Fatalf("street(%q) in %d characters = %q, which fakeshape.Street does not recognize", in, size, out)
				}
			}
		}
	}
	if full < 3000 {
		t.Errorf("only %d full street fakes", full)
	}
}
