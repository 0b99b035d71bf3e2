package scan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// detected runs detect on in and returns its matches as "kind example"
// lines joined by commas, as TestDetect compares them.
func detected(in string) string {
	var got []string
	for _, m := range detect(nil, []byte(in)) {
		got = append(got, string(m.kind)+" "+m.example)
	}
	return strings.Join(got, ",")
}

type detectCase struct{ in, want string }

func checkDetect(t *testing.T, cases []detectCase) {
	t.Helper()
	for _, tc := range cases {
		if g := detected(tc.in); g != tc.want {
			t.Errorf("detect(%q) = %q, want %q", tc.in, g, tc.want)
		}
	}
}

// TestEmailAfterAnyDelimiter: an address is found whatever comes before
// it; after a ':' that is not "mailto:" its local part is not shown (it
// may be a password: joe:secret@host).
func TestEmailAfterAnyDelimiter(t *testing.T) {
	checkDetect(t, []detectCase{
		{"EMAIL;TYPE=INTERNET:jane.doe@gmail.com", "email ***@g***.com"},
		{"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL;TYPE=INTERNET:jane.doe@gmail.com\r\nEND:VCARD", "email ***@g***.com"},
		{"Email:john.roe@gmail.com", "email ***@g***.com"},
		{"<a@b.com>", "email a***@b***.com"},
		{"Jane Doe <jane.doe@gmail.com>", "email j***@g***.com"},
		{"x=a@b.com", "email a***@b***.com"},
		{"a,b@c.com", "email b***@c***.com"},
		{"a;b@c.com", "email b***@c***.com"},
		{"a@b.com", "email a***@b***.com"},
		{"'jane@gmail.com'", "email j***@g***.com"},
		{`"jane@gmail.com"`, "email j***@g***.com"},
		{"(jane@gmail.com)", "email j***@g***.com"},
		{"[jane@gmail.com]", "email j***@g***.com"},
		{"...jane@gmail.com", "email j***@g***.com"},
		{"to:jane@gmail.com", "email ***@g***.com"},
		{"mailto:jane@gmail.com", "email j***@g***.com"},
		{`s:5:"email";s:14:"jane@gmail.com";`, "email j***@g***.com"},
		{`{"email":"jane@gmail.com"}`, "email j***@g***.com"},
		{"o'brien@mail.ie", "email o***@m***.ie"},
		// In a URL's query or path: an address, not URL credentials.
		{"https://shop.de/?to=jane@gmail.com", "email j***@g***.com"},
		{"https://shop.de/login?user=jane@gmail.com&next=/", "email j***@g***.com"},
		{"https://shop.de/u/jane@gmail.com", "email j***@g***.com"},
		// URL credentials: the userinfo, when it has a password.
		{"mysql://root:hunter2@db.internal:3306/shop", "credential ***:***@d***.internal"},
		{"smtp://mailer:s3cr3t@smtp.gmail.com:587", "credential ***:***@s***.com"},
		{"ftp://anonymous@ftp.gnu.org/", ""},
		{"https://jane.doe@gmail.com", ""}, // a user name in a URL
		// Not addresses.
		{"@jane", ""},
		{"jane@", ""},
		{"a@b.c", ""},
		{"@media (max-width: 600px) { }", ""},
		{"font@-webkit.x", ""},
	})
}

// TestPhonesInText: inside text a phone number needs a '+', an area code
// in parentheses, a word before it that says it is one, or the North
// American 3-3-4 shape.
func TestPhonesInText(t *testing.T) {
	checkDetect(t, []detectCase{
		{"please call +44 20 7946 0958 after 5", "phone ***58"},
		{"Tel: 030 1234567", "phone ***67"},
		{"Tel. 030/1234567, Fax 030/1234568", "phone ***67"},
		{"Ring me on (555) 234-5678 tomorrow", "phone ***78"},
		{"My number is (0211) 12 34 56.", "phone ***56"},
		{"Call 555-234-5678.", "phone ***78"},
		{"or 555.234.5678 in the evening", "phone ***78"},
		{"phone number: 1-800-234-5678", "phone ***78"},
		{"Mobile 0612345678", "phone ***78"},
		{"<p><strong>Tél. :</strong> 01 23 45 67 89</p>", "phone ***89"},
		{"TÉL 01 23 45 67 89", "phone ***89"},
		{"Telefon: 0211 12 34 56", "phone ***56"},
		{"Handy 0171 1234567", "phone ***67"},
		{"Tel.:\u00a0030 1234567", "phone ***67"},
		{"WhatsApp: +49 151 23456789", "phone ***89"},
		{"Kontakt: +33 6 12 34 56 78.", "phone ***78"},
		{"write to us or +1 (555) 234-5678", "phone ***78"},
		{"<a href=\"tel:+4930123456789\">call us</a>", "phone ***89"},
		{"<a href=\"tel:0301234567\">", "phone ***67"},
		{`{"billingPhone":"030 1234567","x":1}`, "phone ***67"},
		{`a:1:{s:13:"billing_phone";s:11:"030 1234567";}`, "phone ***67"},
		{"cell: 0044 20 7946 0958", "phone ***58"},
		{"Tel 07700 900123 (our drama line)", "phone ***23"},
		// stagecopy's fakes, in text too.
		{"call +1 212 555 0142 now", ""},
		{"or (212) 555-0199.", ""},
		{"Tel: 212-555-0100", ""},
		// Dates, times, prices, versions, ids, order numbers, ISBN/EAN,
		// IPs, ranges, postcodes, long digit ids.
		{"on 2024-02-01 at 10:30", ""},
		{"from 01.02.2024 to 03.02.2024", ""},
		{"12/31/2024 11:59 PM", ""},
		{"Tel: 2024-02-01", ""},
		{"call me at 10:30 or 11:45", ""},
		{"between 1999-2004 and 2010-2015", ""},
		{"1999 2004 2010", ""},
		{"costs $1,234,567.89 or €1.234.567,89", ""},
		{"price: 1 234 567 €", ""},
		{"€1234567", ""},
		{"1234567€", ""},
		{"version 1.2.3.4567 released", ""},
		{"Chrome/125.0.6422.142 Safari/537.36", ""},
		{"id 1234567890123", ""},
		{"post 1234567890", ""},
		{"wp-image-1234567", ""},
		{"photo-1234567-1024x768.jpg", ""},
		{"SKU12345678", ""},
		{"1234567px", ""},
		{"Order #234-567-8901 shipped", ""},
		{"order 234-567-8901", ""},
		{"Invoice no. 030 1234567", ""},
		{"ISBN 978-3-16-148410-0", ""},
		{"ISBN: 0-306-40615-2", ""},
		{"EAN 4006381333931", ""},
		{"IP 81.13.87.78 blocked", "ip 81.x.x.x"},
		{"from 192.168.100.200 to 10.0.0.1", ""},
		{"postcode 10115 Berlin, 75001 Paris, NY 10001-1234", ""},
		{"tracking 1Z999AA10123456784", ""},
		{"timestamp 1700000000123", ""},
		{"+25% in 2024", ""},
		{"lat 48.8566140, lng 2.3522219", ""},
		{"pi is 3.14159265358979", ""},
		{"ratio 0.12345678", ""},
		{"see (2019) 123-4567", ""},
		{"steps (1) 2 3 4 5 6 7", ""},
		{"+1234567 views", ""},
		{"1-2-3-4-5-6-7", ""},
		{"Call of Duty 2 (2005) sold 1 000 000 copies", ""},
		{"Page 123 456 7890", ""},
		{"total 100-200-3000", ""},
		{"account 123 456 7890", ""},
		{`s:10:"1234567890";`, ""},
		{`{"id":1234567,"parent":7654321}`, ""},
		// A ZIP+4 code as the whole value.
		{"02134-1234", ""},
	})
}

// TestCardsInText: card numbers inside text, not inside a word or a
// longer number.
func TestCardsInText(t *testing.T) {
	checkDetect(t, []detectCase{
		{"card 4242 4242 4242 4242 exp 12/26", "card **** 4242"},
		{"paid with 5555555555554444.", "card **** 4444"},
		{`{"pan":"4242-4242-4242-4242"}`, "card **** 4242"},
		{"id-4242424242424242", ""},
		{"4242424242424242x", ""},
		{"42424242424242420", ""},
		{"card 4242 4242 4242 4241", ""},
	})
}

// TestSpans: every finding's place, in order, fakes left out.
func TestSpans(t *testing.T) {
	in := "Mail jane@gmail.com or call +44 20 7946 0958, card 4242 4242 4242 4242, " +
		"from 81.13.87.78 and ::ffff:81.2.3.4 via https://bob:pw@h.de/ (not emma.smith1@example.com, " +
		"+1 212 555 0142 or 192.0.2.1), Email:joe@web.de; 2a02:8070::1"
	var got []string
	Spans([]byte(in), func(k Kind, s, e int) {
		got = append(got, fmt.Sprintf("%s %q", k, in[s:e]))
	})
	want := []string{
		`email "jane@gmail.com"`,
		`phone "+44 20 7946 0958"`,
		`card "4242 4242 4242 4242"`,
		`ip "81.13.87.78"`,
		`ip "::ffff:81.2.3.4"`,
		`credential "bob:pw"`,
		`email "joe@web.de"`,
		`ip "2a02:8070::1"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Spans:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Replacing each span (as a redacting transformer would) leaves
	// nothing to find.
	var out []byte
	last := 0
	Spans([]byte(in), func(k Kind, s, e int) {
		out = append(append(out, in[last:s]...), "[x]"...)
		last = e
	})
	out = append(out, in[last:]...)
	if d := detected(string(out)); d != "" {
		t.Errorf("after replacing the spans: %q finds %s", out, d)
	}
	plain := []byte("Some text of a post, 2024-02-01, 12 items for €19.99 at https://shop.example-store.com/x, v1.2.3.4, 10.0.0.1")
	if n := testing.AllocsPerRun(100, func() { Spans(plain, func(Kind, int, int) {}) }); n != 0 {
		t.Errorf("Spans allocates %v times on text without findings", n)
	}
}

func TestSortSpans(t *testing.T) {
	ss := []span{{IP, 10, 20}, {Email, 0, 5}, {Phone, 12, 14}, {Card, 4, 8}, {IP, 20, 22}, {Email, 0, 3}}
	got := sortSpans(ss, 0)
	want := []span{{Email, 0, 5}, {IP, 10, 20}, {IP, 20, 22}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sortSpans = %v, want %v", got, want)
	}
}

func TestIndexDigit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", -1}, {"abc", -1}, {"0", 0}, {"abcdefgh9", 8}, {"abcdefg/:9", 9},
		{"\x80\xb0\xff/:;~ 5", 8}, {"////////::::::::0", 16}, {"ab\xb5cdefghijklmnopq", -1},
	} {
		if got := indexDigit([]byte(tc.in)); got != tc.want {
			t.Errorf("indexDigit(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	for c := range 256 {
		for pos := range 9 {
			b := []byte("aaaaaaaaaaaaaaaa")
			b[pos] = byte(c)
			want := -1
			if isDigit(byte(c)) {
				want = pos
			}
			if got := indexDigit(b); got != want {
				t.Fatalf("indexDigit with %#x at %d = %d", c, pos, got)
			}
		}
	}
}

func TestParseIPv4(t *testing.T) {
	for _, s := range []string{"1.2.3.4", "0.0.0.0", "255.255.255.255", "81.13.87.78", "01.2.3.4", "1.2.3", "1.2.3.4.5",
		"256.1.1.1", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.a", "", "1.2.3.04", "10.0.0.0", "1.2.3.400"} {
		a, ok := parseIPv4([]byte(s))
		want, err := netip.ParseAddr(s)
		if ok != (err == nil && want.Is4()) || ok && a != want {
			t.Errorf("parseIPv4(%q) = %v %v, netip: %v %v", s, a, ok, want, err)
		}
	}
}

// TestFirstLook: the first look never misses what the detectors need.
func TestFirstLook(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("ab @:7\x00\xc3\xa9Z/+-_=.\n")
	for range 20000 {
		v := make([]byte, r.IntN(80))
		for i := range v {
			v[i] = alphabet[r.IntN(len(alphabet))]
		}
		l := firstLook(v)
		colons := bytes.Count(v, []byte{':'})
		run, long := 0, false
		for _, c := range v {
			if class[c]&cBase64 != 0 {
				run++
			} else {
				run = 0
			}
			long = long || run >= minBase64
		}
		if bytes.IndexByte(v, '@') >= 0 && l&lookAt == 0 || colons >= 2 && l&lookColons == 0 ||
			bytes.IndexAny(v, "0123456789") >= 0 && l&lookDigits == 0 || long && l&lookBase64 == 0 {
			t.Fatalf("firstLook(%q) = %b", v, l)
		}
		if len(v) < 64 && (bytes.IndexByte(v, '@') < 0 && l&lookAt != 0 || colons < 2 && l&lookColons != 0 ||
			bytes.IndexAny(v, "0123456789") < 0 && l&lookDigits != 0) {
			t.Fatalf("firstLook(%q) = %b: more than there is", v, l)
		}
		if notText(v) && l&lookBinary == 0 {
			t.Fatalf("firstLook(%q) = %b: binary not seen", v, l)
		}
	}
}

// TestLongLook: a long value's look sees every digit and every run of
// base64 characters long enough to decode.
func TestLongLook(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("abcXYZ+/-_ .,\"\xc3\xa9")
	for range 5000 {
		v := make([]byte, 64+r.IntN(200))
		for i := range v {
			v[i] = alphabet[r.IntN(len(alphabet))]
		}
		if r.IntN(3) == 0 {
			v[r.IntN(len(v))] = '7'
		}
		// A run of base64 characters, maybe.
		if r.IntN(2) == 0 {
			n, at := minBase64+r.IntN(3)-1, r.IntN(len(v)-minBase64-2)
			for i := at; i < at+n; i++ {
				v[i] = 'Q'
			}
		}
		l := longLook(v)
		run, long := 0, false
		for _, c := range v {
			if class[c]&cBase64 != 0 {
				run++
			} else {
				run = 0
			}
			long = long || run >= minBase64
		}
		if (bytes.IndexAny(v, "0123456789") >= 0) != (l&lookDigits != 0) || long && l&lookBase64 == 0 {
			t.Fatalf("longLook(%q) = %b (base64 run: %v)", v, l, long)
		}
	}
}

// TestSpansManyKinds: a long text with many findings of every kind,
// interleaved, takes linear time.
func TestSpansManyKinds(t *testing.T) {
	v := []byte(strings.Repeat("jane@gmail.com 81.13.87.78 2a02:8070::1 ", 20000))
	n := 0
	start := time.Now()
	Spans(v, func(Kind, int, int) { n++ })
	if n != 60000 {
		t.Errorf("%d spans, want 60000", n)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
}
