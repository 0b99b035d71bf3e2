package sqldump

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// parseRow parses one tuple and returns copies of its values.
func parseRow(t testing.TB, tuple string) ([]Value, error) {
	t.Helper()
	sc := NewScanner(strings.NewReader("INSERT INTO t VALUES " + tuple + ";"))
	if _, err := sc.Next(); err != nil {
		return nil, err
	}
	row, err := sc.NextRow()
	if err != nil {
		return nil, err
	}
	vals := make([]Value, len(row.Values))
	for i, v := range row.Values {
		v.Raw = bytes.Clone(v.Raw)
		vals[i] = v
	}
	if _, err := sc.NextRow(); err != io.EOF {
		return nil, err
	}
	return vals, nil
}

func TestValues(t *testing.T) {
	tests := []struct {
		raw   string
		kind  ValueKind
		intro string
		bytes string // decoded, for kinds other than null
	}{
		{`'plain'`, ValueString, "", "plain"},
		{`''`, ValueString, "", ""},
		{`'O\'Brien'`, ValueString, "", "O'Brien"},
		{`'O''Brien'`, ValueString, "", "O'Brien"},
		{`"say \"hi\" ""x"""`, ValueString, "", `say "hi" "x"`},
		{`'\0\'\"\b\n\r\t\Z\\'`, ValueString, "", "\x00'\"\b\n\r\t\x1a\\"},
		{`'\%\_'`, ValueString, "", `\%\_`},
		{`'\a\q\x\N\Z'`, ValueString, "", "aqxN\x1a"},
		{`'a,b)c(d'`, ValueString, "", "a,b)c(d"},
		{`'multi` + "\n" + `line'`, ValueString, "", "multi\nline"},
		{`_binary 'x\0'`, ValueString, "_binary", "x\x00"},
		{`_binary'x'`, ValueString, "_binary", "x"},
		{`_utf8mb4'héllo'`, ValueString, "_utf8mb4", "héllo"},
		{`_UTF8MB4 'a'`, ValueString, "_utf8mb4", "a"},
		{`_latin1 X'E9'`, ValueHex, "_latin1", "\xe9"},
		{`_binary 0x4142`, ValueHex, "_binary", "AB"},
		{`_binary b'1'`, ValueBit, "_binary", "\x01"},
		{`N'national'`, ValueString, "n", "national"},
		{`0x41`, ValueHex, "", "A"},
		{`0x0041FF`, ValueHex, "", "\x00A\xff"},
		{`0xabc`, ValueHex, "", "\x0a\xbc"},
		{`X'4142'`, ValueHex, "", "AB"},
		{`x''`, ValueHex, "", ""},
		{`b'101'`, ValueBit, "", "\x05"},
		{`B'1111111100000001'`, ValueBit, "", "\xff\x01"},
		{`b'000000001'`, ValueBit, "", "\x00\x01"},
		{`b''`, ValueBit, "", ""},
		{`0b11`, ValueBit, "", "\x03"},
		{`NULL`, ValueNull, "", ""},
		{`null`, ValueNull, "", ""},
		{`42`, ValueNumber, "", "42"},
		{`-1.5e3`, ValueNumber, "", "-1.5e3"},
		{`+7`, ValueNumber, "", "+7"},
		{`-.5`, ValueNumber, "", "-.5"},
		{`1.`, ValueNumber, "", "1."},
		{`1E-10`, ValueNumber, "", "1E-10"},
		{`CURRENT_TIMESTAMP`, ValueExpr, "", "CURRENT_TIMESTAMP"},
		{`DEFAULT`, ValueExpr, "", "DEFAULT"},
		{`TRUE`, ValueExpr, "", "TRUE"},
		{`NULLIF(1,2)`, ValueExpr, "", "NULLIF(1,2)"},
		{`ST_GeomFromText('POINT(1 1)')`, ValueExpr, "", "ST_GeomFromText('POINT(1 1)')"},
		{`f(g(1, ')'), "(")`, ValueExpr, "", `f(g(1, ')'), "(")`},
		{`1 + 2`, ValueExpr, "", "1 + 2"},
		{`'a' COLLATE utf8mb4_bin`, ValueExpr, "", "'a' COLLATE utf8mb4_bin"},
		{`0x`, ValueExpr, "", "0x"},
		{`0xZZ`, ValueExpr, "", "0xZZ"},
		{`X'123'`, ValueExpr, "", "X'123'"},
		{`b'102'`, ValueExpr, "", "b'102'"},
		{`1e`, ValueExpr, "", "1e"},
		{`-`, ValueExpr, "", "-"},
		{`_nocharset`, ValueExpr, "", "_nocharset"},
		{`@v`, ValueExpr, "", "@v"},
	}
	for _, tt := range tests {
		vals, err := parseRow(t, "( "+tt.raw+" , 1)")
		if err != nil {
			t.Errorf("%s: %v", tt.raw, err)
			continue
		}
		if len(vals) != 2 {
			t.Errorf("%s: %d values", tt.raw, len(vals))
			continue
		}
		v := vals[0]
		if string(v.Raw) != tt.raw || v.Kind != tt.kind || v.Introducer != tt.intro {
			t.Errorf("%s: got raw %q kind %s intro %q, want kind %s intro %q", tt.raw, v.Raw, v.Kind, v.Introducer, tt.kind, tt.intro)
		}
		b, ok := v.Bytes()
		if tt.kind == ValueNull {
			if ok || b != nil {
				t.Errorf("%s: Bytes() = %q, %v", tt.raw, b, ok)
			}
			continue
		}
		if !ok || string(b) != tt.bytes || b == nil {
			t.Errorf("%s: Bytes() = %q, %v, want %q", tt.raw, b, ok, tt.bytes)
		}
	}
}

// TestHexBlobSameBytes checks that a blob decodes the same whether dumped
// as a string or with --hex-blob.
func TestHexBlobSameBytes(t *testing.T) {
	blob := []byte("\x00\x01'\"\\\n\r\x1a\xff%_ end")
	row := "(" + string(AppendQuoted(nil, blob)) + "," + string(AppendHex(nil, blob)) + ",_binary " + string(AppendQuoted(nil, blob)) + ")"
	vals, err := parseRow(t, row)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if b, _ := v.Bytes(); !bytes.Equal(b, blob) {
			t.Errorf("value %d (%s) = %q, want %q", i, v.Raw, b, blob)
		}
	}
}

func TestAppendQuoted(t *testing.T) {
	got := string(AppendQuoted([]byte("x="), []byte("a\x00b\nc\rd\\e'f\"g\x1ah\t%_")))
	want := `x='a\0b\nc\rd\\e\'f\"g\Zh` + "\t%_'"
	if got != want {
		t.Errorf("AppendQuoted = %s, want %s", got, want)
	}
	if got := string(AppendQuoted(nil, nil)); got != "''" {
		t.Errorf("AppendQuoted(nil) = %s", got)
	}
	check := func(b []byte) {
		t.Helper()
		if got, want := AppendQuoted([]byte("x"), b), appendQuotedSlow([]byte("x"), b); !bytes.Equal(got, want) {
			t.Fatalf("AppendQuoted(%q) = %q, want %q", b, got, want)
		}
		checkQuotedPlain(t, b)
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for n := 0; n <= len(all); n++ {
		check(all[:n])
		check(all[len(all)-n:])
	}
	long := strings.Repeat("plain ascii text without escapes ", 10)
	for _, s := range []string{"", "plain ascii text, long enough", "é😀 \x7f\x80\xff", strings.Repeat("a'", 20), "12345678\n", "1234567\\",
		long, long + "'", "'" + long, long[:100] + "\n" + long[100:] + "\\", strings.Repeat("'", 200), strings.Repeat("ab\"", 100),
		strings.Repeat(long[:40]+"\r\n", 30), long + strings.Repeat("\x00", 40) + long} {
		check([]byte(s))
	}
}

// appendQuotedSlow is AppendQuoted one byte at a time: what it must equal.
func appendQuotedSlow(dst, b []byte) []byte {
	dst = append(dst, '\'')
	for _, c := range b {
		switch c {
		case 0:
			dst = append(dst, '\\', '0')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case 0x1a:
			dst = append(dst, '\\', 'Z')
		case '\\', '\'', '"':
			dst = append(dst, '\\', c)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '\'')
}

func FuzzAppendQuoted(f *testing.F) {
	f.Add([]byte("it's \"quoted\"\n\\\x00\x1a\r"))
	f.Add([]byte(strings.Repeat("long text with a quote ' now and then, ", 5)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := AppendQuoted(nil, b), appendQuotedSlow(nil, b); !bytes.Equal(got, want) {
			t.Fatalf("AppendQuoted(%q) = %q, want %q", b, got, want)
		}
		checkQuotedPlain(t, b)
	})
}

// checkQuotedPlain checks AppendQuotedPlain against AppendQuoted and its
// flag against the bytes that need an escape, and that PlainString of the
// literal gives what Plain finds by looking, as the parser's values do.
func checkQuotedPlain(t *testing.T, b []byte) {
	t.Helper()
	lit, plain := AppendQuotedPlain([]byte("x"), b)
	if !bytes.Equal(lit, AppendQuoted([]byte("x"), b)) {
		t.Fatalf("AppendQuotedPlain(%q) = %q, not AppendQuoted's", b, lit)
	}
	if want := !bytes.ContainsAny(b, "\x00\n\r\x1a\\'\""); plain != want {
		t.Fatalf("AppendQuotedPlain(%q) says plain %v, want %v", b, plain, want)
	}
	if !plain {
		return
	}
	lit = lit[1:]
	got, ok := PlainString(lit, 3).Plain()
	want, wantOK := Value{Raw: lit, Kind: ValueString}.Plain()
	if !ok || !wantOK || !bytes.Equal(got, want) || !bytes.Equal(got, b) {
		t.Fatalf("PlainString(%q).Plain() = %q, %v; Plain by looking = %q, %v; want %q", lit, got, ok, want, wantOK, b)
	}
}

func BenchmarkAppendQuoted(b *testing.B) {
	for _, tc := range []struct {
		name string
		s    string
	}{
		{"name", "Samir Bertrand"},
		{"comment", strings.Repeat("labore sed commodo sit tempor ", 7)},
		{"post", strings.Repeat("elit quis lorem magna exercitation ", 45)},
		{"post_lines", strings.Repeat("<p>elit quis lorem magna exercitation.</p>\n", 40)},
		{"json", strings.Repeat(`{"a":"b","c":[1,2]},`, 80)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			in := []byte(tc.s)
			dst := make([]byte, 0, 2*len(in)+2)
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				dst = AppendQuoted(dst[:0], in)
			}
		})
	}
}

func TestAppendHex(t *testing.T) {
	if got := string(AppendHex(nil, []byte{0, 0xab, 'A'})); got != "0x00AB41" {
		t.Errorf("AppendHex = %s", got)
	}
	if got := string(AppendHex(nil, nil)); got != "''" {
		t.Errorf("AppendHex(nil) = %s", got)
	}
}

func TestAppendBytes(t *testing.T) {
	vals, err := parseRow(t, "('a\\nb', NULL, 0x41)")
	if err != nil {
		t.Fatal(err)
	}
	dst := []byte("pre:")
	dst, ok := vals[0].AppendBytes(dst)
	if !ok || string(dst) != "pre:a\nb" {
		t.Errorf("AppendBytes string = %q %v", dst, ok)
	}
	if d, ok := vals[1].AppendBytes(dst); ok || string(d) != "pre:a\nb" {
		t.Errorf("AppendBytes NULL = %q %v", d, ok)
	}
	if d, ok := vals[2].AppendBytes(nil); !ok || string(d) != "A" {
		t.Errorf("AppendBytes hex = %q %v", d, ok)
	}
}

func TestValueKindString(t *testing.T) {
	for k := ValueExpr; k <= ValueBit; k++ {
		if s := k.String(); s == "" || strings.HasPrefix(s, "ValueKind(") {
			t.Errorf("ValueKind %d has no name", k)
		}
	}
}

func TestQuoteIdent(t *testing.T) {
	tests := []struct{ name, quoted string }{
		{"t", "`t`"},
		{"weird`name", "`weird``name`"},
		{"", "``"},
		{"a;b", "`a;b`"},
	}
	for _, tt := range tests {
		if got := QuoteIdent(tt.name); got != tt.quoted {
			t.Errorf("QuoteIdent(%q) = %q, want %q", tt.name, got, tt.quoted)
		}
		if got := UnquoteIdent(tt.quoted); got != tt.name {
			t.Errorf("UnquoteIdent(%q) = %q, want %q", tt.quoted, got, tt.name)
		}
	}
	for in, want := range map[string]string{"plain": "plain", `"a""b"`: `a"b`, "`": "`", "`x": "`x"} {
		if got := UnquoteIdent(in); got != want {
			t.Errorf("UnquoteIdent(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzValueBytes checks that AppendQuoted and AppendHex encode any bytes so
// that the scanner reads them back unchanged.
func FuzzValueBytes(f *testing.F) {
	for _, s := range []string{"", "a", "'", "\\", "\x00", "\\'", "''", "\"", "a\nb", "\x1a", "\xff\xfe", "%_", "\\%", ";", "*/", "),("} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		row := "(" + string(AppendQuoted(nil, b)) + "," + string(AppendHex(nil, b)) + ")"
		vals, err := parseRow(t, row)
		if err != nil {
			t.Fatalf("%q: %v", row, err)
		}
		if len(vals) != 2 {
			t.Fatalf("%q: %d values", row, len(vals))
		}
		for i, v := range vals {
			got, ok := v.Bytes()
			if !ok || !bytes.Equal(got, b) {
				t.Fatalf("value %d %q decodes to %q, want %q", i, v.Raw, got, b)
			}
		}
		if vals[0].Kind != ValueString {
			t.Fatalf("%q is %s", vals[0].Raw, vals[0].Kind)
		}
	})
}

func TestValuePlain(t *testing.T) {
	for _, c := range []struct {
		raw   string
		want  string
		plain bool
	}{
		{`'abc'`, "abc", true},
		{`"a'b"`, "a'b", true},
		{`''`, "", true},
		{`'a\'b'`, "", false},
		{`'a''b'`, "", false},
		{`_binary 'xyz'`, "xyz", true},
		{`0x41`, "", false},
		{`NULL`, "", false},
		{`42`, "", false},
		{`N'abc'`, "abc", true},
		{`n'a\\b'`, "", false},
		{`"a""b"`, "", false},
		{`'a\\'`, "", false},
		{`'a"b'`, `a"b`, true},
	} {
		sc := NewScanner(strings.NewReader("INSERT INTO t VALUES (" + c.raw + ");\n"))
		if _, err := sc.Next(); err != nil {
			t.Fatal(err)
		}
		r, err := sc.NextRow()
		if err != nil {
			t.Fatal(err)
		}
		b, ok := r.Values[0].Plain()
		if ok != c.plain || string(b) != c.want {
			t.Errorf("%s: Plain() = %q, %v; want %q, %v", c.raw, b, ok, c.want, c.plain)
		}
		// A value not from the parser has no plain flag: Plain looks.
		v := r.Values[0]
		b2, ok2 := Value{Raw: v.Raw, Kind: v.Kind, Introducer: v.Introducer}.Plain()
		if ok2 != ok || string(b2) != string(b) {
			t.Errorf("%s: Plain() of a value made by hand = %q, %v; of the parsed one %q, %v", c.raw, b2, ok2, b, ok)
		}
		if ok {
			full, _ := r.Values[0].AppendBytes(nil)
			if string(full) != string(b) {
				t.Errorf("%s: Plain %q, AppendBytes %q", c.raw, b, full)
			}
		}
	}
}
