package anonymize

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/rules"
)

var (
	secretA = []byte("0123456789abcdef-secret-A")
	secretB = []byte("0123456789abcdef-secret-B")
	keyerA  = NewKeyer(secretA)
	keyerB  = NewKeyer(secretB)
)

// defaultOpts are options that make every transformer buildable.
var defaultOpts = map[string]map[string]any{
	"fixed":    {"value": "FIXED"},
	"template": {"template": "{first} {last}"},
}

// personal lists the transformers that derive fakes from their input.
var personal = []string{
	"city", "company", "country", "date", "email", "first_name", "full_name",
	"hash", "ip", "last_name", "lorem", "password", "phone", "redact", "street", "url",
	"user_agent", "username", "zip",
}

func mustNew(t testing.TB, name string, opts map[string]any, k *Keyer) Transformer {
	t.Helper()
	if opts == nil {
		opts = defaultOpts[name]
	}
	tr, err := New(name, opts, k)
	if err != nil {
		t.Fatalf("New(%q, %v): %v", name, opts, err)
	}
	return tr
}

func run(t testing.TB, tr Transformer, in string, col Column) string {
	t.Helper()
	out, null, err := tr.Transform([]byte(in), false, col, testRow)
	if err != nil {
		t.Fatalf("Transform(%q, %+v): %v", in, col, err)
	}
	if null {
		t.Fatalf("Transform(%q) gave NULL", in)
	}
	return string(out)
}

// mapRow is a Row for tests.
type mapRow map[string]*string

func (r mapRow) Get(c string) ([]byte, bool, bool) {
	v, ok := r[c]
	if !ok {
		return nil, false, false
	}
	if v == nil {
		return nil, true, true
	}
	return []byte(*v), false, true
}

func ptr(s string) *string { return &s }

var testRow = mapRow{"first": ptr("Ann"), "last": ptr("Lee"), "nothing": nil}

// sampleInputs gives inputs that make sense for each transformer.
var sampleInputs = map[string][]string{
	"city":       {"Paris", "Lyon", "New York", "Zürich", "Springfield"},
	"company":    {"ACME Corp", "Globex", "Initech LLC", "Umbrella"},
	"country":    {"FR", "de", "France", "Deutschland", "USA"},
	"date":       {"2024-03-05", "2024-03-05 10:11:12", "2021-12-31T23:59:59Z", "1709632800", "2020-02-29 00:00:00.123456"},
	"email":      {"bob@example.org", "Alice.Smith@corp.example", "x@y.z", "jean-pierre.dupont+tag@mail.test"},
	"first_name": {"Bob", "Alice", "Jean-Pierre", "Zoë"},
	"full_name":  {"Bob Smith", "Alice Mary Jones", "Cher", "Zoë Ångström"},
	"hash":       {"abc", "customer-42", "x"},
	"ip":         {"8.8.8.8", "2a00:1450:4007:80e::200e", "10.1.2.3", "not an ip"},
	"last_name":  {"Smith", "Jones", "O'Brien", "Ångström"},
	"lorem":      {"Hello world", "A longer text\nwith two lines.\n", "Ça va? Très bien."},
	"password":   {"$P$BZlPX7NIx8MYpXokBW2AGsN7i.aUOt0", "5f4dcc3b5aa765d61d8327deb882cf99", "$2y$04$abcdefghijklmnopqrstuu9Mnp7ypDMNtUyBPPqfa9hRRe1l3BLW."},
	"phone":      {"+33 1 42 68 53 00", "(212) 555-1234", "0612345678", "555-1234"},
	"street":     {"12 rue de la Paix", "221B Baker Street", "1600 Pennsylvania Avenue NW"},
	"redact":     {"call +44 20 7946 0958", "mail jane.doe@gmail.com today", "from 81.2.69.160, see 14 Elmwood Avenue"},
	"url":        {"https://www.real-shop.fr/about", "http://blog.example.org", "www.x.com"},
	"user_agent": {"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "curl/8.0"},
	"username":   {"bob", "Alice_1984", "admin", "jean.pierre"},
	"zip":        {"75011", "SW1A 1AA", "10115", "H3Z 2Y7", "1234-567"},
}

func TestNewKeyerShortSecret(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "at least 16") {
			t.Errorf("NewKeyer with a 15-byte secret: recover() = %v", r)
		}
	}()
	NewKeyer(make([]byte, 15))
}

func TestKeyerSum(t *testing.T) {
	want := refSum(t, secretA, "email", []byte("bob@example.org"))
	got := keyerA.Sum("email", []byte("bob@example.org"))
	if got != want {
		t.Errorf("Sum = %x, want %x", got, want)
	}
	if keyerA.sumFold("email", []byte("  Bob@Example.ORG\n")) != got {
		t.Error("sumFold does not fold case and space")
	}
	// The secret is copied.
	s := bytes.Clone(secretA)
	k := NewKeyer(s)
	s[0] ^= 1
	if k.Sum("email", []byte("bob@example.org")) != got {
		t.Error("Keyer depends on the caller's secret slice after NewKeyer")
	}
	// Kind and value are separated by a NUL, as documented (kinds never
	// hold one, so the encoding is unambiguous for them).
	if keyerA.Sum("a", []byte("b\x00c")) != keyerA.Sum("a\x00b", []byte("c")) {
		t.Error("Sum no longer separates kind and value with a NUL as its doc comment says")
	}
}

// TestKeyerMemo checks that remembered sums are the sums: inputs that
// repeat, inputs that share a slot (more inputs than slots), inputs of the
// longest cached length and one byte longer, from several goroutines.
func TestKeyerMemo(t *testing.T) {
	k := NewKeyer(secretB)
	want := func(kind string, v []byte) [32]byte { return refSum(t, secretB, kind, v) }
	var inputs [][]byte
	for i := range 3 * memoSlots {
		inputs = append(inputs, fmt.Appendf(nil, "user%d@example.org", i))
	}
	for _, n := range []int{memoMaxInput - len("email\x00"), memoMaxInput - len("email\x00") + 1} {
		inputs = append(inputs, bytes.Repeat([]byte("x"), n), append(bytes.Repeat([]byte("x"), n-1), 'y'))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				for i := range inputs {
					v := inputs[(i*7+g*13+round)%len(inputs)]
					if got := k.Sum("email", v); got != want("email", v) {
						errs <- fmt.Sprintf("Sum(email, %q) = %x, want %x", v, got, want("email", v))
						return
					}
					if got := k.Sum("first_name", v[:4]); got != want("first_name", v[:4]) {
						errs <- fmt.Sprintf("Sum(first_name, %q) = %x, want %x", v[:4], got, want("first_name", v[:4]))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestNames(t *testing.T) {
	names := Names()
	want := append(slices.Clone(personal), "empty", "fixed", "keep", "null", "template")
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("Names() = %v\nwant %v", names, want)
	}
	for _, n := range names {
		d := Describe(n, defaultOpts[n])
		if d == "" || strings.Contains(d, "\n") || strings.HasPrefix(d, "invalid") {
			t.Errorf("Describe(%q) = %q", n, d)
		}
	}
}

// TestDidYouMean checks that a misspelled transformer or option and a
// misspelled rules key or action get the same kind of suggestion, from
// internal/suggest: case is ignored, a swap of neighbours is one edit, and
// names too short to guess between get the list of known ones instead.
func TestDidYouMean(t *testing.T) {
	_, err := rules.Parse("typo.yml", []byte(`version: 1
tables:
  users:
    colmuns:
      email: email
  orders:
    columns:
      email: EMIAL
      ip: ipp
      note: {hash: {LENTGH: 8}}
      bio: {transform: lorem, whr: {a: 1}}
  sessions: trunacte
  logs: {Acton: truncate}
`), rules.Options{CheckTransformer: Validate})
	if err == nil {
		t.Fatal("no error")
	}
	got := strings.Split(err.Error(), "\n")
	for i, want := range []string{
		`typo.yml:4:5: unknown key "colmuns" in table "users" (did you mean "columns"?)`,
		`typo.yml:8:14: transformer "EMIAL": unknown transformer "EMIAL" (did you mean "email"?); known transformers: city,`,
		`typo.yml:9:11: transformer "ipp": unknown transformer "ipp"; known transformers: city,`,
		`typo.yml:10:14: transformer "hash": hash: unknown option "LENTGH" (did you mean "length"?); hash accepts: length (`,
		`typo.yml:11:31: unknown key "whr" in column "bio" of table "orders" (known keys: `,
		`typo.yml:12:13: unknown action "trunacte" for table "sessions" (did you mean "truncate"?)`,
		`typo.yml:13:10: unknown key "Acton" in table "logs" (did you mean "action"?)`,
	} {
		if i >= len(got) || !strings.HasPrefix(got[i], want) {
			t.Errorf("error line %d:\n got %q\nwant %q...", i+1, got[min(i, len(got)-1)], want)
		}
	}
	if len(got) != 7 {
		t.Errorf("%d errors, want 7:\n%v", len(got), err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts map[string]any
		err  string // "" for none
	}{
		{"email", nil, ""},
		{"email", map[string]any{"domain": "example.net"}, ""},
		{"email", map[string]any{"domain": "staging.example.org"}, ""},
		{"email", map[string]any{"domain": "Shop.TEST"}, ""},
		{"email", map[string]any{"domain": "x.invalid"}, ""},
		{"email", map[string]any{"domain": "gmail.com"}, `option domain: "gmail.com" is not a reserved domain`},
		{"email", map[string]any{"domain": "example.com.evil.net"}, "not a reserved domain"},
		{"email", map[string]any{"domain": "bad domain.test"}, "not a domain name"},
		{"email", map[string]any{"domain": 5}, "option domain: got the number 5, want a reserved domain"},
		{"email", map[string]any{"domian": "example.com"}, `email: unknown option "domian" (did you mean "domain"?); email accepts: domain (`},
		{"email", map[string]any{"host": "example.com"}, `email: unknown option "host"; email accepts: domain (`},
		{"emial", nil, `unknown transformer "emial" (did you mean "email"?); known transformers: city, company,`},
		{"nosuchthing", nil, `unknown transformer "nosuchthing"; known transformers:`},
		{"first_name", map[string]any{"x": 1}, `first_name: unknown option "x": first_name takes no options`},
		{"date", map[string]any{"shift_days": 10}, ""},
		{"date", map[string]any{"shift_days": 10.0}, ""},
		{"date", map[string]any{"shift_days": 0}, ""},
		{"date", map[string]any{"shift_days": 1.5}, "option shift_days: got the number 1.5, want a whole number of days from 0 to 36500"},
		{"date", map[string]any{"shift_days": "30"}, `got the string "30"`},
		{"date", map[string]any{"shift_days": -1}, "-1 is out of range"},
		{"date", map[string]any{"shift_days": []any{1}}, "got a list"},
		{"hash", map[string]any{"length": 64}, ""},
		{"hash", map[string]any{"length": 65}, "65 is out of range, want 1 to 64"},
		{"hash", map[string]any{"length": true}, "got the boolean true"},
		{"fixed", nil, "fixed: option value is required"},
		{"fixed", map[string]any{"value": "x"}, ""},
		{"fixed", map[string]any{"value": 0}, ""},
		{"fixed", map[string]any{"value": map[string]any{}}, "got a mapping"},
		{"fixed", map[string]any{"value": nil}, "got nothing (null)"},
		{"template", map[string]any{"template": "{a} {b}"}, ""},
		{"template", map[string]any{"template": "{{literal}}"}, ""},
		{"template", map[string]any{"template": "{a"}, "unclosed '{'"},
		{"template", map[string]any{"template": "a}"}, "unmatched '}'"},
		{"template", map[string]any{"template": "{}"}, "empty column reference"},
		{"template", map[string]any{"template": "{a{b}}"}, "unclosed '{'"},
		{"template", nil, "option template is required"},
		{"password", map[string]any{"password": "hunter22"}, ""},
		{"password", map[string]any{"password": ""}, "empty"},
		{"password", map[string]any{"password": " x"}, "white space"},
		{"password", map[string]any{"password": strings.Repeat("x", 73)}, "73 bytes"},
		{"url", map[string]any{"domain": "example.org"}, ""},
		{"url", map[string]any{"domain": "example.co"}, "not a reserved domain"},
		{"null", map[string]any{"value": 1}, "null takes no options"},
	} {
		err := Validate(tc.name, tc.opts)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("Validate(%q, %v) = %v", tc.name, tc.opts, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Validate(%q, %v) = %v, want %q", tc.name, tc.opts, err, tc.err)
		}
		if tc.err != "" && err != nil {
			if _, nerr := New(tc.name, tc.opts, keyerA); nerr == nil || nerr.Error() != err.Error() {
				t.Errorf("New(%q, %v) = %v, want the Validate error", tc.name, tc.opts, nerr)
			}
			if d := Describe(tc.name, tc.opts); !strings.HasPrefix(d, "invalid: ") {
				t.Errorf("Describe of invalid options = %q", d)
			}
		}
	}
}

func TestNewNeedsKeyer(t *testing.T) {
	for _, name := range Names() {
		_, err := New(name, defaultOpts[name], nil)
		if slices.Contains(personal, name) != (err != nil) {
			t.Errorf("New(%q, nil Keyer) error = %v", name, err)
		}
	}
}

// TestDeterminism checks that every keyed transformer gives the same fake
// for the same input, whatever the column, and another fake under another
// secret.
func TestDeterminism(t *testing.T) {
	cols := []Column{{}, {Table: "wp_users", Name: "x", Type: "varchar", MaxLen: 255}, {Table: "t2", Name: "y", Type: "text"}}
	for _, name := range personal {
		a := mustNew(t, name, nil, keyerA)
		a2 := mustNew(t, name, nil, NewKeyer(secretA))
		b := mustNew(t, name, nil, keyerB)
		differs := 0
		for _, in := range sampleInputs[name] {
			first := run(t, a, in, cols[0])
			for _, col := range cols {
				if got := run(t, a, in, col); got != first {
					t.Errorf("%s(%q) in %+v = %q, in another column %q", name, in, col, got, first)
				}
			}
			if got := run(t, a2, in, Column{}); got != first {
				t.Errorf("%s(%q) from an equal Keyer = %q, want %q", name, in, got, first)
			}
			if first == in && name != "date" {
				t.Errorf("%s(%q) returned its input", name, in)
			}
			if run(t, b, in, Column{}) != first {
				differs++
			}
		}
		if differs == 0 {
			t.Errorf("%s: another secret gave the same fakes for all of %q", name, sampleInputs[name])
		}
	}
}

func TestNullAndEmpty(t *testing.T) {
	for _, name := range Names() {
		tr := mustNew(t, name, nil, keyerA)
		out, null, err := tr.Transform(nil, true, Column{}, testRow)
		if err != nil {
			t.Errorf("%s(NULL): %v", name, err)
			continue
		}
		switch name {
		case "fixed":
			if null || string(out) != "FIXED" {
				t.Errorf("fixed(NULL) = %q, %v", out, null)
			}
		default:
			if !null {
				t.Errorf("%s(NULL) = %q, want NULL", name, out)
			}
		}
		out, null, err = tr.Transform([]byte{}, false, Column{}, testRow)
		if err != nil {
			t.Errorf("%s(''): %v", name, err)
			continue
		}
		switch name {
		case "fixed":
			if string(out) != "FIXED" {
				t.Errorf("fixed('') = %q", out)
			}
		case "null":
			if !null {
				t.Errorf("null('') = %q, want NULL", out)
			}
		default:
			if null || len(out) != 0 {
				t.Errorf("%s('') = %q, %v, want empty", name, out, null)
			}
		}
	}
}

// TestMaxLen checks, for long inputs and every column size from 1 to 64,
// in character and byte columns, unique or not, that each transformer
// either fits the column or reports ErrTooLong, and that fakes are valid
// UTF-8.
func TestMaxLen(t *testing.T) {
	long := []string{
		strings.Repeat("Jean-Baptiste Emmanuel Zorg ", 4),
		"Alexandria.Catherine.Montgomery-Worthington@really-long-domain.example.org",
		strings.Repeat("éà", 60) + "\n" + strings.Repeat("word ", 20),
		"2001:0db8:85a3:0000:0000:8a2e:0370:7334",
		"$2y$04$" + strings.Repeat("a", 53), // cost 4: fast
		"$wp$2y$04$" + strings.Repeat("b", 53),
		"+1 (555) 010-9999 ext. 1234",
		"2024-03-05 10:11:12.123456",
		"https://www.example.org/" + strings.Repeat("path/", 20),
	}
	for _, name := range Names() {
		tr := mustNew(t, name, nil, keyerA)
		fails := 0
		errorf := func(format string, args ...any) {
			t.Helper()
			if fails++; fails <= 3 {
				t.Errorf(format, args...)
			}
		}
		for _, in := range long {
			for n := 1; n <= 64; n++ {
				for _, typ := range []string{"varchar", "text", ""} {
					for _, unique := range []bool{false, true} {
						col := Column{Table: "t", Name: "c", Type: typ, MaxLen: n, Unique: unique}
						out, null, err := tr.Transform([]byte(in), false, col, testRow)
						if err != nil && name == "date" && errors.Is(err, ErrUnsafe) {
							continue // not a date: refused, by design
						}
						if err != nil {
							if !errors.Is(err, ErrTooLong) {
								errorf("%s(%q) in %+v: %v", name, in, col, err)
							}
							if !strings.Contains(err.Error(), "t.c allows") {
								errorf("%s: ErrTooLong does not name the column: %v", name, err)
							}
							continue
						}
						if null {
							continue
						}
						if bytes.Equal(out, []byte(in)) {
							continue // kept as it was (keep, unreadable dates)
						}
						if !fits(col, out) {
							errorf("%s(%q) in %+v = %q: does not fit", name, in, col, out)
						}
						if !utf8.Valid(out) {
							errorf("%s(%q) = %q: not UTF-8", name, in, out)
						}
					}
				}
			}
		}
	}
}

// TestTooLongOnlyWhenNeeded checks that the usual column sizes never give
// ErrTooLong.
func TestTooLongOnlyWhenNeeded(t *testing.T) {
	cols := map[string]int{"email": 100, "username": 60, "phone": 20, "ip": 45, "url": 100, "password": 255, "hash": 32, "zip": 10, "country": 2}
	for name, n := range cols {
		tr := mustNew(t, name, nil, keyerA)
		for _, in := range sampleInputs[name] {
			if name == "country" && len(in) != 2 {
				continue
			}
			if name == "zip" && len(in) > n {
				continue
			}
			if _, _, err := tr.Transform([]byte(in), false, Column{Type: "varchar", MaxLen: n, Unique: true}, nil); err != nil {
				t.Errorf("%s(%q) in varchar(%d): %v", name, in, n, err)
			}
		}
	}
}

func TestEmail(t *testing.T) {
	tr := mustNew(t, "email", nil, keyerA)
	re := regexp.MustCompile(`^[a-z]+\.[a-z]+[0-9]{1,10}@example\.com$`)
	a := run(t, tr, "Bob@X.com", Column{})
	if !re.MatchString(a) {
		t.Errorf("email = %q, want %v", a, re)
	}
	if b := run(t, tr, " bob@x.COM ", Column{}); b != a {
		t.Errorf("case/space variant gave %q, want %q", b, a)
	}
	if b := run(t, tr, "bob@x.org", Column{}); b == a {
		t.Errorf("different addresses gave the same fake %q", a)
	}
	// Distinct inputs give distinct fakes.
	seen := map[string]string{}
	for i := range 20000 {
		in := fmt.Sprintf("user%d@shop.example", i)
		out := run(t, tr, in, Column{})
		if prev, dup := seen[out]; dup {
			t.Fatalf("%q and %q both became %q", prev, in, out)
		}
		seen[out] = in
	}
	// Shorter forms for short columns, all on the reserved domain.
	for n := 64; n >= 10; n-- {
		out, _, err := tr.Transform([]byte("bob@x.com"), false, Column{Type: "varchar", MaxLen: n}, nil)
		if err != nil {
			if !errors.Is(err, ErrTooLong) || n > 23 {
				t.Errorf("MaxLen %d: %v", n, err)
			}
			continue
		}
		if !strings.HasSuffix(string(out), "@example.com") || len(out) > n {
			t.Errorf("MaxLen %d: %q", n, out)
		}
	}
	other := mustNew(t, "email", map[string]any{"domain": "Staging.Example.NET"}, keyerA)
	o := run(t, other, "Bob@X.com", Column{})
	if !strings.HasSuffix(o, "@staging.example.net") || strings.Split(o, "@")[0] != strings.Split(a, "@")[0] {
		t.Errorf("with domain option: %q (default gave %q)", o, a)
	}
}

func TestUsername(t *testing.T) {
	tr := mustNew(t, "username", nil, keyerA)
	re := regexp.MustCompile(`^[a-z0-9._]+$`)
	for _, in := range []string{"admin", "Admin", "jean.pierre", "Zoë", "x"} {
		out := run(t, tr, in, Column{})
		if !re.MatchString(out) || !regexp.MustCompile(`[0-9]$`).MatchString(out) {
			t.Errorf("username(%q) = %q", in, out)
		}
	}
	if run(t, tr, "Admin", Column{}) != run(t, tr, "admin", Column{}) {
		t.Error("username is case-sensitive")
	}
}

func TestPersonNames(t *testing.T) {
	first := mustNew(t, "first_name", nil, keyerA)
	last := mustNew(t, "last_name", nil, keyerA)
	full := mustNew(t, "full_name", nil, keyerA)
	f, l := run(t, first, "Mary Ann", Column{}), run(t, last, "Smith", Column{})
	if got := run(t, full, "Mary Ann Smith", Column{}); got != f+" "+l {
		t.Errorf("full_name = %q, want first_name+last_name %q", got, f+" "+l)
	}
	if got := run(t, full, "  mary ann   smith ", Column{}); !strings.EqualFold(got, f+" "+l) {
		t.Errorf("full_name with spaces = %q", got)
	}
	if got := run(t, first, "BOB", Column{}); got != strings.ToUpper(run(t, first, "Bob", Column{})) {
		t.Errorf("upper-case input gave %q", got)
	}
	if got := run(t, first, "bob", Column{}); got != strings.ToLower(got) {
		t.Errorf("lower-case input gave %q", got)
	}
	if got := run(t, last, "Ångström", Column{}); got == strings.ToLower(got) || got == strings.ToUpper(got) {
		t.Errorf("Ångström gave %q, want a capitalized name", got)
	}
	if got := run(t, last, "ÅNGSTRÖM", Column{}); got != strings.ToUpper(got) {
		t.Errorf("ÅNGSTRÖM gave %q, want upper case", got)
	}
	// Unique columns get a tag; short columns a fitting name.
	u := run(t, first, "Bob", Column{Unique: true})
	if !regexp.MustCompile(`^[A-Za-z]+ [0-9a-z]{8}$`).MatchString(u) {
		t.Errorf("unique first_name = %q", u)
	}
	if s := run(t, first, "Bob", Column{Type: "varchar", MaxLen: 4}); len(s) > 4 || len(s) < 3 {
		t.Errorf("first_name in varchar(4) = %q", s)
	}
	c := mustNew(t, "company", nil, keyerA)
	if got := run(t, c, "Globex", Column{}); !strings.Contains(got, " ") {
		t.Errorf("company = %q", got)
	}
	st := mustNew(t, "street", nil, keyerA)
	if got := run(t, st, "12 rue de la Paix", Column{}); !regexp.MustCompile(`^[0-9]{1,3} [A-Z][a-z]+ [A-Z][a-z]+$`).MatchString(got) {
		t.Errorf("street = %q", got)
	}
	if got := run(t, st, "12 rue de la Paix", Column{Type: "varchar", MaxLen: 14}); len(got) > 14 {
		t.Errorf("street in varchar(14) = %q", got)
	}
}

func TestZip(t *testing.T) {
	tr := mustNew(t, "zip", nil, keyerA)
	shape := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= '0' && r <= '9':
				return '9'
			case r >= 'A' && r <= 'Z':
				return 'A'
			case r >= 'a' && r <= 'z':
				return 'a'
			}
			return r
		}, s)
	}
	for _, in := range []string{"75011", "SW1A 1AA", "H3Z 2Y7", "1234-567", "sw1a 1aa", "00100", "NL-1012 AB"} {
		out := run(t, tr, in, Column{})
		if shape(out) != shape(in) || out == in {
			t.Errorf("zip(%q) = %q, shape %q want %q", in, out, shape(out), shape(in))
		}
	}
	if got := run(t, tr, "Ö1", Column{}); len(got) != 2 || shape(got) != "A9" {
		t.Errorf("zip(Ö1) = %q", got)
	}
}

func TestCountry(t *testing.T) {
	tr := mustNew(t, "country", nil, keyerA)
	codes := map[string]bool{}
	names := map[string]bool{}
	for _, c := range countries {
		codes[c.a2] = true
		names[c.name] = true
	}
	for _, in := range []string{"FR", "US", "DE", "GB"} {
		if out := run(t, tr, in, Column{}); !codes[out] {
			t.Errorf("country(%q) = %q, want an ISO code", in, out)
		}
	}
	if out := run(t, tr, "fr", Column{}); !codes[strings.ToUpper(out)] || out != strings.ToLower(out) {
		t.Errorf("country(fr) = %q", out)
	}
	if out := run(t, tr, "FRA", Column{}); len(out) != 3 {
		t.Errorf("country(FRA) = %q", out)
	}
	if out := run(t, tr, "France", Column{}); !names[out] {
		t.Errorf("country(France) = %q", out)
	}
}

func TestPhone(t *testing.T) {
	tr := mustNew(t, "phone", nil, keyerA)
	for _, tc := range []struct{ in, re string }{
		{"+33 1 42 68 53 00", `^\+1 [2-9][0-9]{2} 555 01[0-9]{2}$`},
		{"+1-212-555-1234", `^\+1-[2-9][0-9]{2}-555-01[0-9]{2}$`},
		{"+442079460958", `^\+1[2-9][0-9]{2}55501[0-9]{2}$`},
		{"0033142685300", `^1[2-9][0-9]{2}55501[0-9]{2}$`},
		{"(212) 555-1234", `^\([2-9][0-9]{2}\) 555-01[0-9]{2}$`},
		{"06 12 34 56 78", `^[2-9][0-9]{2} 555 01[0-9]{2}$`},
		{"0612345678", `^[2-9][0-9]{2}55501[0-9]{2}$`},
		{"212.555.1234", `^[2-9][0-9]{2}\.555\.01[0-9]{2}$`},
		{"555-1234", `^555-01[0-9]{2}$`},
		{"12345", `^55501[0-9]{2}$`},
		{"n/a", `^55501[0-9]{2}$`},
	} {
		out := run(t, tr, tc.in, Column{})
		if !regexp.MustCompile(tc.re).MatchString(out) {
			t.Errorf("phone(%q) = %q, want %s", tc.in, out, tc.re)
		}
	}
	onlyDigits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	if onlyDigits(run(t, tr, "+1 (212) 555-1234", Column{})) != onlyDigits(run(t, tr, "+1-212-555-1234", Column{})) {
		t.Error("the same digits formatted otherwise gave another number")
	}
	// Short columns get shorter forms, always ending in 555-01xx.
	for n := 1; n <= 20; n++ {
		out, _, err := tr.Transform([]byte("+33 1 42 68 53 00"), false, Column{Type: "varchar", MaxLen: n}, nil)
		if n < 7 {
			if !errors.Is(err, ErrTooLong) {
				t.Errorf("MaxLen %d: %q, %v", n, out, err)
			}
			continue
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, string(out))
		if err != nil || len(out) > n || !regexp.MustCompile(`55501[0-9]{2}$`).MatchString(digits) {
			t.Errorf("MaxLen %d: %q, %v", n, out, err)
		}
	}
}

func TestHashFake(t *testing.T) {
	tr := mustNew(t, "hash", nil, keyerA)
	if out := run(t, tr, "abc", Column{}); !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(out) {
		t.Errorf("hash = %q", out)
	}
	tr = mustNew(t, "hash", map[string]any{"length": 64}, keyerA)
	sum := keyerA.Sum("hash", []byte("abc"))
	if out := run(t, tr, "abc", Column{}); out != fmt.Sprintf("%x", sum) {
		t.Errorf("hash length 64 = %q", out)
	}
	if out := run(t, tr, "abc", Column{Type: "char", MaxLen: 10}); len(out) != 10 {
		t.Errorf("hash in char(10) = %q", out)
	}
}

func TestPlainTransformers(t *testing.T) {
	in := "secret value"
	if out, null, _ := mustNew(t, "null", nil, nil).Transform([]byte(in), false, Column{}, nil); !null || out != nil {
		t.Errorf("null = %q, %v", out, null)
	}
	if out, null, _ := mustNew(t, "empty", nil, nil).Transform([]byte(in), false, Column{}, nil); null || out == nil || len(out) != 0 {
		t.Errorf("empty = %q, %v", out, null)
	}
	if out := run(t, mustNew(t, "keep", nil, nil), in, Column{}); out != in {
		t.Errorf("keep = %q", out)
	}
	fixed := mustNew(t, "fixed", map[string]any{"value": "héllo"}, nil)
	if out := run(t, fixed, in, Column{Type: "varchar", MaxLen: 5}); out != "héllo" {
		t.Errorf("fixed = %q", out)
	}
	if _, _, err := fixed.Transform([]byte(in), false, Column{Type: "text", MaxLen: 5}, nil); !errors.Is(err, ErrTooLong) {
		t.Errorf("fixed 6 bytes in 5-byte column: %v", err)
	}
	if out := run(t, mustNew(t, "fixed", map[string]any{"value": 2.5}, nil), in, Column{}); out != "2.5" {
		t.Errorf("fixed 2.5 = %q", out)
	}
	if out := run(t, mustNew(t, "fixed", map[string]any{"value": true}, nil), in, Column{}); out != "true" {
		t.Errorf("fixed true = %q", out)
	}
}

func TestTemplate(t *testing.T) {
	tr := mustNew(t, "template", map[string]any{"template": "{first} {{{last}}} {nothing}!"}, nil)
	if out := run(t, tr, "x", Column{}); out != "Ann {Lee} !" {
		t.Errorf("template = %q", out)
	}
	if out := run(t, tr, "x", Column{Type: "varchar", MaxLen: 4}); out != "Ann " {
		t.Errorf("template in varchar(4) = %q", out)
	}
	bad := mustNew(t, "template", map[string]any{"template": "{first} {missing}"}, nil)
	_, _, err := bad.Transform([]byte("x"), false, Column{Table: "wp_users", Name: "display_name"}, testRow)
	if err == nil || !strings.Contains(err.Error(), `table wp_users has no column "missing"`) {
		t.Errorf("unknown column: %v", err)
	}
	if _, _, err := bad.Transform([]byte("x"), false, Column{}, nil); err == nil {
		t.Error("nil row: no error")
	}
}

func TestLorem(t *testing.T) {
	for _, w := range loremWords {
		if len(w) > maxLoremWord || len(w) < 2 {
			t.Errorf("lorem word %q: length outside 2..maxLoremWord", w)
		}
	}
	tr := mustNew(t, "lorem", nil, keyerA)
	for _, in := range []string{
		"Hello",
		"Ça va? Très bien, merci beaucoup.",
		"line one\nline two is longer\n\nafter a blank line\n",
		"windows\r\nlines\r\n",
		"   \n\tindented",
		strings.Repeat("Lorem ipsum is not what this is. ", 300),
		"x",
		"ab",
	} {
		out := run(t, tr, in, Column{})
		inLines, outLines := strings.Split(in, "\n"), strings.Split(out, "\n")
		if len(inLines) != len(outLines) {
			t.Errorf("lorem(%q) = %q: %d lines, want %d", in, out, len(outLines), len(inLines))
			continue
		}
		for i := range inLines {
			if utf8.RuneCountInString(inLines[i]) != len(outLines[i]) {
				t.Errorf("lorem(%q) line %d = %q, want %d characters", in, i, outLines[i], utf8.RuneCountInString(inLines[i]))
			}
		}
		if strings.HasSuffix(in, "\r\n") != strings.HasSuffix(out, "\r\n") {
			t.Errorf("lorem(%q) = %q: CRLF lost", in, out)
		}
		if len(in) > 20 && out == in {
			t.Errorf("lorem kept %q", in)
		}
	}
	if out := run(t, tr, strings.Repeat("abc ", 100), Column{Type: "varchar", MaxLen: 50}); len(out) != 50 {
		t.Errorf("lorem in varchar(50): %d characters", len(out))
	}
	out := run(t, tr, "Hello there, how are you doing today?", Column{})
	if !regexp.MustCompile(`^[A-Z][a-z]+( [a-z]+|\. [A-Z][a-z]+)*\.?[a-z]*$`).MatchString(out) {
		t.Errorf("lorem looks wrong: %q", out)
	}
}

func TestUserAgentAndURL(t *testing.T) {
	ua := mustNew(t, "user_agent", nil, keyerA)
	if out := run(t, ua, "curl/8.0", Column{}); !slices.Contains(userAgents, out) {
		t.Errorf("user_agent = %q", out)
	}
	u := mustNew(t, "url", nil, keyerA)
	re := regexp.MustCompile(`^https://[a-z]+\.example\.com/[a-z]+/[a-z]+-[0-9]+$`)
	if out := run(t, u, "https://www.real-shop.fr/about", Column{}); !re.MatchString(out) {
		t.Errorf("url = %q", out)
	}
	if out := run(t, u, "HTTP://blog.test/", Column{}); !strings.HasPrefix(out, "http://") {
		t.Errorf("url keeps http: %q", out)
	}
	for n := 1; n <= 60; n++ {
		out, _, err := u.Transform([]byte("https://x.org/"), false, Column{Type: "varchar", MaxLen: n}, nil)
		if err == nil && (!strings.HasPrefix(string(out), "https://") || !strings.Contains(string(out), "example.com/")) {
			t.Errorf("url in varchar(%d) = %q", n, out)
		}
	}
}

// TestConcurrentUse runs every transformer from several goroutines at
// once (run with -race): each must give the same output as alone.
func TestConcurrentUse(t *testing.T) {
	known := mustNew(t, "password", map[string]any{"password": "Support-Test-123"}, keyerA)
	type job struct {
		tr   Transformer
		in   string
		want string
	}
	var jobs []job
	for _, name := range Names() {
		tr := mustNew(t, name, nil, keyerA)
		for _, in := range sampleInputs[name] {
			if name == "password" && slowHash([]byte(in)) {
				continue
			}
			jobs = append(jobs, job{tr, in, run(t, tr, in, Column{})})
		}
	}
	md5in := "5f4dcc3b5aa765d61d8327deb882cf99"
	jobs = append(jobs, job{known, md5in, run(t, known, md5in, Column{})})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				for _, j := range jobs {
					out, _, err := j.tr.Transform([]byte(j.in), false, Column{}, testRow)
					if err != nil || string(out) != j.want {
						t.Errorf("concurrent %q = %q, %v; want %q", j.in, out, err, j.want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
