// Fakes for addresses and phones: street, zip, country, phone (city is a
// word list, registered with the names).

package anonymize

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

func init() {
	register(&transformer{
		name:  "street",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return "replaces a street address with \"<1-999> <Name> <Street|Road|Avenue|...>\", abbreviated (\"St\") or shortened when the column is small"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &streetFake{k: k}, nil },
	})
	register(&transformer{
		name:  "zip",
		keyed: true,
		describe: func(opts) string {
			return "replaces a postal code keeping its shape: digits stay digits, letters stay letters of the same case, spaces and dashes stay (\"75011\" -> \"48213\", \"SW1A 1AA\" -> \"KD4B 7QX\")"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &zipFake{k: k}, nil },
	})
	register(&transformer{
		name:  "country",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return "replaces a country: a two-letter ISO code with another code (three-letter upper-case codes likewise), anything else with a country name"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &countryFake{k: k}, nil },
	})
	register(&transformer{
		name:  "phone",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return "replaces a phone number with a fictional North American one ending in 555-0100..555-0199, styled like the input: \"+1 AAA 555 01NN\" after a '+' or for 11+ digits, \"(AAA) 555-01NN\" after a '(', \"AAA 555 01NN\" for 8-10 digits, \"555 01NN\" for fewer, with the input's first separator (space, '-', '.', '/') or none"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &phoneFake{k: k}, nil },
	})
}

type streetFake struct{ k *Keyer }

func (t *streetFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	sum := t.k.sumFold("street", in)
	r := newStream(sum)
	num := strconv.Itoa(1 + r.intn(999))
	name := pick(&r, fakeshape.StreetNames)
	ti := r.intn(len(fakeshape.StreetTypes))
	long, short := fakeshape.StreetTypes[ti], fakeshape.StreetTypesAbbr[ti]

	buf := make([]byte, 0, 2*len(num)+3*len(name)+len(long)+2*len(short)+6)
	buf = append(append(append(append(append(buf, num...), ' '), name...), ' '), long...)
	c0 := buf[:len(buf):len(buf)]
	s := len(buf)
	buf = append(append(append(append(append(buf, num...), ' '), name...), ' '), short...)
	c1 := buf[s:len(buf):len(buf)]
	s = len(buf)
	buf = append(append(append(buf, name...), ' '), short...)
	c2 := buf[s:len(buf):len(buf)]
	c3 := buf[s : s+len(name) : s+len(name)]
	out, err := finishText("street", [][]byte{c0, c1, c2, c3}, caseOf(in), col, sum)
	return out, false, err
}

type zipFake struct{ k *Keyer }

func (t *zipFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	r := newStream(t.k.sumFold("zip", in))
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		c := in[i]
		if c < utf8.RuneSelf {
			switch {
			case '0' <= c && c <= '9':
				c = '0' + byte(r.intn(10))
			case 'A' <= c && c <= 'Z':
				c = 'A' + byte(r.intn(26))
			case 'a' <= c && c <= 'z':
				c = 'a' + byte(r.intn(26))
			}
			out = append(out, c)
			i++
			continue
		}
		ru, size := utf8.DecodeRune(in[i:])
		switch {
		case ru == utf8.RuneError && size == 1, unicode.IsLetter(ru) && !unicode.IsUpper(ru):
			out = append(out, 'a'+byte(r.intn(26)))
		case unicode.IsLetter(ru):
			out = append(out, 'A'+byte(r.intn(26)))
		case unicode.IsDigit(ru):
			out = append(out, '0'+byte(r.intn(10)))
		default:
			out = append(out, in[i:i+size]...)
		}
		i += size
	}
	return cut(col, out), false, nil
}

type countryFake struct{ k *Keyer }

var countryNamesB = func() [][]byte {
	names := make([]string, len(countries))
	for i, c := range countries {
		names[i] = c.name
	}
	return asBytes(names)
}()

func (t *countryFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	v := trimASCIISpace(in)
	sum := t.k.sumFold("country", v)
	r := newStream(sum)
	i := r.intn(len(countries))
	lc := caseOf(v)
	var word []byte
	switch {
	case len(v) == 2 && isASCIILetters(v):
		word = []byte(countries[i].a2)
	case len(v) == 3 && isASCIILetters(v) && lc == caseUpper:
		word = []byte(countries[i].a3)
	default:
		word = countryNamesB[i]
		if n := room(col); len(word) > n && n > 0 {
			if f := fitting(countryNamesB, i, n); f != nil {
				word = f
			}
		}
	}
	col.Unique = false // codes and names cannot be made unique
	out, err := finishText("country", [][]byte{word}, lc, col, sum)
	return out, false, err
}

func isASCIILetters(b []byte) bool {
	for _, c := range b {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

type phoneFake struct{ k *Keyer }

// phone styles, from the longest form down: fakeshape's.
const (
	phoneIntlPlus = fakeshape.PhoneIntlPlus // +1 AAA 555 01NN
	phoneIntl     = fakeshape.PhoneIntl     // 1 AAA 555 01NN
	phoneParen    = fakeshape.PhoneParen    // (AAA) 555-01NN
	phoneNational = fakeshape.PhoneNational // AAA 555 01NN
	phoneLocal    = fakeshape.PhoneLocal    // 555 01NN
)

func (t *phoneFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	v := trimASCIISpace(in)
	var digitBuf [32]byte
	digits := digitBuf[:0]
	var sep byte
	for i, c := range v {
		switch {
		case '0' <= c && c <= '9':
			if len(digits) < cap(digits) {
				digits = append(digits, c)
			}
		case (c == ' ' || c == '-' || c == '.' || c == '/') && sep == 0 && len(digits) > 0 && i+1 < len(v):
			sep = c
		}
	}
	// The digits alone are the identity: "+1 (555) 123-4567" and
	// "15551234567" get the same fake.
	var sum [32]byte
	if len(digits) > 0 {
		sum = t.k.Sum("phone", digits)
	} else {
		sum = t.k.sumFold("phone", v)
	}
	r := newStream(sum)
	area := 200 + r.intn(800)
	nn := r.intn(100)

	style := phoneLocal
	switch {
	case len(v) > 0 && v[0] == '+':
		style = phoneIntlPlus
	case len(digits) >= 11:
		style = phoneIntl
	case len(v) > 0 && v[0] == '(':
		style = phoneParen
	case len(digits) >= 8:
		style = phoneNational
	}
	n := room(col)
	var buf [24]byte
	for s := style; s <= phoneLocal; s++ {
		for _, sp := range [2]byte{sep, 0} {
			b := fakeshape.AppendPhone(buf[:0], s, sp, area, nn)
			if len(b) <= n {
				return append([]byte(nil), b...), false, nil
			}
			if sp == 0 {
				break
			}
		}
	}
	return nil, false, errTooLong("phone", len("55501NN"), col)
}
