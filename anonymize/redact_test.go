package anonymize

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/phpserial"
	"github.com/stagecopy/stagecopy/scan"
)

// TestRedact: redact replaces each e-mail, phone, IP, street address,
// card number and URL password in a text with a fake of its kind, the
// same fake the column transformers give the same value, and leaves every
// other byte; what comes out holds nothing scan finds.
func TestRedact(t *testing.T) {
	red := mustNew(t, "redact", nil, keyerA)
	in := "Hi! Call +44 20 7946 0958 after 5, or mail Jane.Doe@gmail.com (from 81.2.69.160). " +
		"Card 4242 4242 4242 4242, feed https://bob:s3cret@feeds.example-shop.de/x, ship to 14 Elmwood Avenue. Thanks, Jane"
	out, null, err := red.Transform([]byte(in), false, Column{Type: "text"}, nil)
	if err != nil || null {
		t.Fatal(err, null)
	}
	for _, orig := range []string{"7946", "Jane.Doe@gmail.com", "81.2.69.160", "4242 4242", "s3cret", "Elmwood"} {
		if bytes.Contains(out, []byte(orig)) {
			t.Errorf("%q is still in %q", orig, out)
		}
	}
	for _, kept := range []string{"Hi! Call ", " after 5, or mail ", " (from ", "). Card ", ", feed https://", "@feeds.example-shop.de/x, ship to ", ". Thanks, Jane"} {
		if !bytes.Contains(out, []byte(kept)) {
			t.Errorf("%q lost %q: %q", in, kept, out)
		}
	}
	scan.Spans(out, func(k scan.Kind, start, end int) {
		t.Errorf("scan finds %s %q in the redacted text %q", k, out[start:end], out)
	})
	// The same fake as the email transformer gives the address in a
	// column (wp_users.user_email and a comment's text agree).
	email := mustNew(t, "email", nil, keyerA)
	fake, _, _ := email.Transform([]byte("Jane.Doe@gmail.com"), false, Column{Type: "varchar", MaxLen: 100}, nil)
	if !bytes.Contains(out, fake) {
		t.Errorf("the address became something else than its email fake %q: %q", fake, out)
	}
	ip := mustNew(t, "ip", nil, keyerA)
	fakeIP, _, _ := ip.Transform([]byte("81.2.69.160"), false, Column{Type: "varchar", MaxLen: 45}, nil)
	if !bytes.Contains(out, fakeIP) {
		t.Errorf("the IP address became something else than its ip fake %q: %q", fakeIP, out)
	}
	// Deterministic, and text without findings is left alone.
	again, _, _ := red.Transform([]byte(in), false, Column{Type: "text"}, nil)
	if !bytes.Equal(out, again) {
		t.Errorf("two runs differ: %q, %q", out, again)
	}
	plain := "Nothing personal here, order 1234 shipped on 2024-05-01."
	if got, _, _ := red.Transform([]byte(plain), false, Column{Type: "text"}, nil); string(got) != plain {
		t.Errorf("%q became %q", plain, got)
	}
	// A column too small for the redacted text: an error, not a cut.
	if _, _, err := red.Transform([]byte("mail a@gmail.com"), false, Column{Type: "varchar", MaxLen: 20}, nil); err == nil {
		t.Error("no error for a redacted text too long for its column")
	}
}

// TestRedactInPaths: redact works in key/value keys and inside
// PHP-serialized values, whose string lengths are written again.
func TestRedactInPaths(t *testing.T) {
	r := mustRules(t, `version: 1
tables:
  meta:
    eav: {key_column: k, value_column: v}
    keys:
      note: redact
      profile:
        php: {"bio": redact}
`)
	dump := "CREATE TABLE `meta` (`k` varchar(64), `v` text);\n" +
		"INSERT INTO `meta` VALUES ('note','ring me on +44 20 7946 0958'),('profile','a:2:{s:3:\"bio\";s:33:\"Write to jane.doe@gmail.com today\";s:4:\"city\";s:5:\"Leeds\";}');\n"
	out, _, err := runFilter(t, r, dump, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "7946") || strings.Contains(out, "jane.doe") {
		t.Fatalf("original data left:\n%s", out)
	}
	if !strings.Contains(out, "ring me on ") || !strings.Contains(out, "Write to ") || !strings.Contains(out, "Leeds") {
		t.Fatalf("text around the data lost:\n%s", out)
	}
	i := strings.Index(out, "a:2:{")
	j := strings.Index(out[i:], "}')")
	doc := strings.ReplaceAll(out[i:i+j+1], `\"`, `"`)
	if _, err := phpserial.Parse([]byte(doc)); err != nil {
		t.Errorf("the PHP value does not parse after redact: %v\n%s", err, doc)
	}
}
