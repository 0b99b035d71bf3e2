package phpserial

import (
	"bytes"
	"testing"
)

// FuzzParse checks that Parse never panics, that whatever it accepts
// re-encodes to exactly the input (so wrong lengths or counts, which would
// re-encode differently, must have been rejected), and that changing every
// string, nested ones too, keeps the value parseable.
func FuzzParse(f *testing.F) {
	for _, s := range valid {
		f.Add([]byte(s))
	}
	f.Add([]byte(wooSession("bob@shop.example", "https://shop.example/")))
	for _, s := range []string{"", "N", "s:", "s:1:\"", "a:1:{", "O:1:\"", "C:1:\"X\":1:{", "d:1e", "i:-", "E:1:\"a\";", "S:1:\"a\";", "a:99999999:{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		looks := Looks(in)
		v, err := Parse(in)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if !looks {
			t.Fatalf("Parse accepted %q but Looks said no", in)
		}
		out := v.Append(nil)
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip:\n in: %q\nout: %q", in, out)
		}
		// Rewriting every string (nested ones too) must give a value that
		// still parses.
		_ = v.WalkNested(func(path []string, s *Value) error {
			s.Str = append(s.Str, "éx\"};"...)
			return nil
		})
		if _, err := Parse(v.Append(nil)); err != nil {
			t.Fatalf("after WalkNested: %v\n%q", err, v.Append(nil))
		}
	})
}
