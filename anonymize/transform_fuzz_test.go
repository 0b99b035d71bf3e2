package anonymize

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/internal/passhash"
)

// FuzzTransformers runs every transformer on arbitrary bytes and column
// sizes: no panic, no error but ErrTooLong, the same output twice, and,
// unless the input came back unchanged, output that fits the column and is
// valid UTF-8.
func FuzzTransformers(f *testing.F) {
	for _, ins := range sampleInputs {
		for _, in := range ins {
			f.Add([]byte(in), uint8(0), uint8(0))
		}
	}
	f.Add([]byte("\xff\xfe\x00"), uint8(3), uint8(1))
	f.Add([]byte("9999-12-31 23:59:59"), uint8(0), uint8(2))
	f.Add([]byte("0001-01-01"), uint8(10), uint8(2))
	f.Add([]byte(strings.Repeat("0", 56)), uint8(55), uint8(0x12)) // kept as is, longer than the column
	f.Add([]byte("$wp$2y$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"), uint8(0), uint8(0))
	names := Names()
	trs := make([]Transformer, len(names))
	for i, n := range names {
		trs[i] = mustNew(f, n, nil, keyerA)
	}
	types := []string{"varchar", "text", "", "timestamp"}
	f.Fuzz(func(t *testing.T, in []byte, maxLen, flags uint8) {
		col := Column{Table: "t", Name: "c", Type: types[flags%4], MaxLen: int(maxLen), Unique: flags&4 != 0}
		for i, tr := range trs {
			if names[i] == "password" && slowHash(in) {
				continue // tens of milliseconds each: the fuzzer would crawl
			}
			out, null, err := tr.Transform(in, false, col, testRow)
			if err != nil && names[i] == "date" && errors.Is(err, ErrUnsafe) {
				continue // not a date: refused, by design
			}
			if err != nil {
				if !errors.Is(err, ErrTooLong) {
					t.Fatalf("%s(%q) in %+v: %v", names[i], in, col, err)
				}
				continue
			}
			if null {
				if names[i] != "null" {
					t.Fatalf("%s(%q) gave NULL", names[i], in)
				}
				continue
			}
			// Values returned unchanged (keep, unreadable dates) were in
			// the column already; fakes must fit and be UTF-8.
			if !bytes.Equal(out, in) {
				if !fits(col, out) {
					t.Fatalf("%s(%q) in %+v = %q: too long", names[i], in, col, out)
				}
				// redact keeps every byte it does not replace: text that
				// was not UTF-8 stays so, text that was stays so too.
				if !utf8.Valid(out) && (names[i] != "redact" || utf8.Valid(in)) {
					t.Fatalf("%s(%q) = %q: not UTF-8", names[i], in, out)
				}
			}
			again, _, _ := tr.Transform(in, false, col, testRow)
			if !bytes.Equal(again, out) {
				t.Fatalf("%s(%q): %q then %q", names[i], in, out, again)
			}
		}
	})
}

// slowHash reports whether the password fake of in costs more than a
// millisecond or so.
func slowHash(in []byte) bool {
	f := passhash.Detect(in)
	switch f.Name() {
	case "bcrypt", "WordPress bcrypt":
		return f.Cost() > 5
	case "Drupal 7":
		return f.Cost() > 10
	}
	return false
}
