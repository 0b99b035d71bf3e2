package phpserial

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// valid holds inputs that must parse and re-encode to themselves.
var valid = []string{
	`N;`,
	`b:0;`,
	`b:1;`,
	`i:0;`,
	`i:-5;`,
	`i:+5;`,
	`i:007;`,
	`i:9223372036854775807;`,
	`i:99999999999999999999999;`,
	`d:0.5;`,
	`d:-0;`,
	`d:INF;`,
	`d:-INF;`,
	`d:NAN;`,
	`d:1.0E+25;`,
	`d:1e-7;`,
	`d:.5;`,
	`d:5.;`,
	`d:0.1000000000000000055511151231257827021181583404541015625;`,
	`s:0:"";`,
	`s:5:"hello";`,
	`s:11:"a"b;c"d;e:f";`,
	"s:3:\"a\nb\";",
	"s:4:\"\x00\xff\"\x01\";",
	`s:5:"été";`,
	`a:0:{}`,
	`a:2:{i:0;s:1:"a";s:1:"k";i:1;}`,
	`a:1:{i:-3;N;}`,
	`a:1:{s:1:"x";a:1:{s:1:"y";a:0:{}}}`,
	`O:8:"stdClass":0:{}`,
	`O:8:"stdClass":2:{s:1:"a";i:1;s:1:"b";a:1:{i:0;b:1;}}`,
	"O:3:\"Foo\":3:{s:6:\"\x00*\x00pro\";s:1:\"x\";s:8:\"\x00Foo\x00pri\";s:1:\"y\";s:3:\"pub\";s:1:\"z\";}",
	`O:11:"App\Models\":0:{}`,
	`C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}`,
	`C:3:"Foo":0:{}`,
	`a:2:{i:0;O:8:"stdClass":0:{}i:1;r:2;}`,
	`a:2:{i:0;i:1;i:1;R:2;}`,
	`E:11:"Suit:Hearts";`,
	`a:1:{s:4:"suit";E:13:"Suit:Diamonds";}`,
	// WordPress session_tokens.
	`a:1:{s:64:"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";a:4:{s:10:"expiration";i:1700000000;s:2:"ip";s:11:"203.0.113.5";s:2:"ua";s:11:"Mozilla/5.0";s:5:"login";i:1699000000;}}`,
}

func TestRoundTrip(t *testing.T) {
	for _, in := range valid {
		v, err := Parse([]byte(in))
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if out := string(v.Append(nil)); out != in {
			t.Errorf("round trip:\n in: %q\nout: %q", in, out)
		}
		if !Looks([]byte(in)) {
			t.Errorf("Looks(%q) = false", in)
		}
	}
}

func TestParseValues(t *testing.T) {
	v, err := Parse([]byte("O:3:\"Foo\":2:{s:6:\"\x00*\x00pro\";d:0.5;i:7;b:1;}"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Value{Kind: KindObject, Class: []byte("Foo"), Items: []Item{
		{Key: Value{Kind: KindString, Str: []byte("\x00*\x00pro")}, Val: Value{Kind: KindFloat, Num: []byte("0.5")}},
		{Key: Value{Kind: KindInt, Num: []byte("7")}, Val: Value{Kind: KindBool, Bool: true}},
	}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %#v\nwant %#v", v, want)
	}
	if n, err := v.Items[1].Key.Int(); err != nil || n != 7 {
		t.Errorf("Int() = %d, %v", n, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in     string
		offset int
		msg    string
	}{
		{``, 0, "unexpected end"},
		{`x`, 0, "unknown value type"},
		{`N`, 1, "unexpected end"},
		{`N;;`, 2, "after the value"},
		{`b:2;`, 2, "0 or 1"},
		{`i:;`, 2, "integer"},
		{`i:1`, 3, "unexpected end"},
		{`i:1.5;`, 3, "want ';'"},
		{`d:;`, 2, "number"},
		{`d:1e;`, 4, "exponent"},
		{`d:inf;`, 2, "number"},
		{`s:5:"abc";`, 10, "does not end where"},
		{`s:2:"abc";`, 7, "does not end where its length says"},
		{`s:4:"abc";`, 9, "does not end where"},
		{`s:9:"abc";`, 5, "runs past the end"},
		{`s:05:"hello";`, 2, "leading zero"},
		{`s:-1:"";`, 2, "want a length"},
		{`s:99999999999999999999:"";`, 2, "too large"},
		{`s:3:"abc"`, 9, "unexpected end"},
		{`a:1:{}`, 5, "more than the rest"},
		{`a:2:{i:0;N;}`, 5, "more than the rest"},
		{`a:1:{i:0;N;i:1;N;}`, 11, "want '}'"},
		{`a:1:{d:0.5;N;}`, 5, "key must be"},
		{`a:1:{N;N;N;}`, 5, "key must be"},
		{`a:1:{a:0:{};N;}`, 5, "key must be"},
		{`a:1:{i:0;N;`, 5, "more than the rest"},
		{`a:1:{i:0;i:1;`, 13, "unexpected end"},
		{`a:1:{i:0;N;}}`, 12, "after the value"},
		{`O:0:"":0:{}`, 2, "empty class"},
		{`O:3:"Foo":1:{a:0:{}N;}`, 13, "object property key"},
		{`C:3:"Foo":5:{ab}`, 13, "runs past the end"},
		{`C:3:"Foo":1:{ab}`, 14, "want '}'"},
		{`r:-1;`, 2, "signed reference"},
		{`E:5:"Suit.";`, 2, "enum value"},
		{`S:1:"\61";`, 0, "not supported"},
		{`s:1:"a";garbage`, 8, "after the value"},
	} {
		_, err := Parse([]byte(tc.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want a *SyntaxError", tc.in, err)
			continue
		}
		if se.Offset != tc.offset || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("Parse(%q) = %v, want offset %d and %q", tc.in, err, tc.offset, tc.msg)
		}
		if !strings.HasPrefix(err.Error(), fmt.Sprintf("phpserial: at byte %d: ", tc.offset)) {
			t.Errorf("error text %q", err)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	deep := func(n int) string {
		return strings.Repeat("a:1:{i:0;", n) + "N;" + strings.Repeat("}", n)
	}
	if _, err := Parse([]byte(deep(MaxDepth))); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	if _, err := Parse([]byte(deep(MaxDepth + 1))); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("depth %d: error %v", MaxDepth+1, err)
	}
	// Far deeper input fails without exhausting the stack.
	if _, err := Parse([]byte(deep(100000))); err == nil {
		t.Error("depth 100000 accepted")
	}
}

func TestLooks(t *testing.T) {
	for in, want := range map[string]bool{
		"":                      false,
		"N":                     false,
		"N;":                    true,
		"b:1;":                  true,
		"b:2;":                  false,
		"i:5;":                  true,
		"i:5":                   false,
		"i:x;":                  false,
		"d:0.5;":                true,
		"d:INF;":                true,
		"r:1;":                  true,
		"s:1:\"a\";":            true,
		"s:1:\"a\"":             false,
		"a:0:{}":                true,
		"a:0:{":                 false,
		"O:8:\"stdClass\":0:{}": true,
		"hello":                 false,
		"i love php;":           false,
		"https://example.com/":  false,
		"a:b}":                  false,
	} {
		if got := Looks([]byte(in)); got != want {
			t.Errorf("Looks(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestWalk(t *testing.T) {
	in := "a:3:{s:64:\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\";a:4:{s:10:\"expiration\";i:1700000000;s:2:\"ip\";s:11:\"203.0.113.5\";s:2:\"ua\";s:11:\"Mozilla/5.0\";s:5:\"login\";i:1699000000;}i:7;s:1:\"x\";s:1:\"o\";O:1:\"P\":1:{s:7:\"\x00P\x00mail\";s:13:\"bob@x.example\";}}"
	v, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = v.WalkNested(func(path []string, s *Value) error {
		got = append(got, strings.Join(path, "/")+"="+string(s.Str))
		if len(path) == 2 && path[1] == "ip" {
			s.Str = []byte("192.0.2.1")
		}
		if path[len(path)-1] == "mail" {
			s.Str = []byte("someone@example.com")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/ip=203.0.113.5",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/ua=Mozilla/5.0",
		"7=x",
		"o/mail=bob@x.example",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("visited\n%q\nwant\n%q", got, want)
	}
	out := v.String()
	wantOut := strings.Replace(in, `s:11:"203.0.113.5"`, `s:9:"192.0.2.1"`, 1)
	wantOut = strings.Replace(wantOut, `s:13:"bob@x.example"`, `s:19:"someone@example.com"`, 1)
	if out != wantOut {
		t.Errorf("after Walk:\n got %q\nwant %q", out, wantOut)
	}
	if _, err := Parse([]byte(out)); err != nil {
		t.Errorf("result does not parse: %v", err)
	}

	stop := errors.New("stop")
	n := 0
	if err := v.WalkNested(func([]string, *Value) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("WalkNested error = %v after %d calls, want stop after 1", err, n)
	}

	s, _ := Parse([]byte(`s:3:"abc";`))
	var paths [][]string
	_ = s.WalkNested(func(path []string, _ *Value) error { paths = append(paths, path); return nil })
	if len(paths) != 1 || len(paths[0]) != 0 {
		t.Errorf("root string visited with %q", paths)
	}
}

// wooSession builds a WooCommerce-style session value: an array whose
// strings are serialized arrays themselves.
func wooSession(email, url string) string {
	customer := fmt.Sprintf(`a:3:{s:2:"id";s:1:"7";s:5:"email";s:%d:"%s";s:4:"site";s:%d:"%s";}`, len(email), email, len(url), url)
	return fmt.Sprintf(`a:2:{s:4:"cart";s:6:"a:0:{}";s:8:"customer";s:%d:"%s";}`, len(customer), customer)
}

func TestWalkNested(t *testing.T) {
	in := wooSession("bob@shop.example", "https://shop.example/")
	v, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = v.WalkNested(func(path []string, s *Value) error {
		got = append(got, strings.Join(path, "/"))
		if strings.Join(path, ".") == "customer.email" {
			s.Str = []byte("fake.person.1234567890@example.com")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"customer/id", "customer/email", "customer/site"}; !reflect.DeepEqual(got, want) {
		t.Errorf("visited %q, want %q", got, want)
	}
	if out, want := v.String(), wooSession("fake.person.1234567890@example.com", "https://shop.example/"); out != want {
		t.Errorf("got  %q\nwant %q", out, want)
	}

	// Nested twice: a serialized string holding the session.
	in2 := fmt.Sprintf(`a:1:{s:7:"session";s:%d:"%s";}`, len(in), in)
	if v, err = Parse([]byte(in2)); err != nil {
		t.Fatal(err)
	}
	got = nil
	err = v.WalkNested(func(path []string, s *Value) error {
		got = append(got, strings.Join(path, "/"))
		s.Str = bytes.ReplaceAll(s.Str, []byte("https://shop.example"), []byte("http://localhost:8080/stage"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"session/customer/id", "session/customer/email", "session/customer/site"}; !reflect.DeepEqual(got, want) {
		t.Errorf("nested twice: visited %q, want %q", got, want)
	}
	inner := wooSession("bob@shop.example", "http://localhost:8080/stage/")
	if out, want := v.String(), fmt.Sprintf(`a:1:{s:7:"session";s:%d:"%s";}`, len(inner), inner); out != want {
		t.Errorf("nested twice:\n got %s\nwant %s", out, want)
	}

	// A string that looks serialized but does not parse is one string.
	bad := `a:1:{i:0;s:3:"https://shop.example";}`
	if v, err = Parse([]byte(fmt.Sprintf(`a:1:{i:0;s:%d:"%s";}`, len(bad), bad))); err != nil {
		t.Fatal(err)
	}
	got = nil
	_ = v.WalkNested(func(path []string, s *Value) error {
		got = append(got, strings.Join(path, "/")+"="+string(s.Str))
		return nil
	})
	if want := []string{"0=" + bad}; !reflect.DeepEqual(got, want) {
		t.Errorf("broken nested value: visited %q, want %q", got, want)
	}
}

func TestAppendChanged(t *testing.T) {
	v := &Value{Kind: KindArray, Items: []Item{
		{Key: Value{Kind: KindString, Str: []byte("k")}, Val: Value{Kind: KindString, Str: []byte("héllo")}},
		{Key: Value{Kind: KindInt, Num: []byte("3")}, Val: Value{Kind: KindCustom, Class: []byte("X"), Str: []byte("ab")}},
		{Key: Value{Kind: KindInt, Num: []byte("4")}, Val: Value{Kind: Kind(200)}},
	}}
	want := `a:3:{s:1:"k";s:6:"héllo";i:3;C:1:"X":2:{ab}i:4;N;}`
	if got := v.String(); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if Kind(200).String() != "Kind(200)" || KindArray.String() != "array" {
		t.Error("Kind.String")
	}
}

func TestParsedSlicesDoNotGrowIntoInput(t *testing.T) {
	in := []byte(`a:2:{i:0;s:1:"a";i:1;s:1:"b";}`)
	v, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(v.Items[0].Val.Str, "XXXX"...)
	if string(in) != `a:2:{i:0;s:1:"a";i:1;s:1:"b";}` {
		t.Errorf("appending to a parsed string changed the input: %s", in)
	}
}

func BenchmarkParseAppend(b *testing.B) {
	in := []byte(wooSession("bob@shop.example", "https://shop.example/"))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		v, err := Parse(in)
		if err != nil {
			b.Fatal(err)
		}
		buf = v.Append(buf[:0])
	}
}
