package dbload

import (
	"strconv"
	"testing"
)

// integerRef is what integer must return: the integer strconv parses from
// raw, when strconv formats that integer back as raw exactly.
func integerRef(raw []byte) (any, bool) {
	s := string(raw)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil && strconv.FormatInt(i, 10) == s {
		return i, true
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil && strconv.FormatUint(u, 10) == s {
		return u, true
	}
	return nil, false
}

func checkInteger(t *testing.T, raw []byte) {
	t.Helper()
	got, ok := integer(raw)
	want, wantOK := integerRef(raw)
	if ok != wantOK || got != want {
		t.Fatalf("integer(%q) = %#v, %v; want %#v, %v", raw, got, ok, want, wantOK)
	}
}

func TestInteger(t *testing.T) {
	for _, s := range []string{
		"", "-", "+", "0", "-0", "00", "-00", "01", "-01", "7", "-7", "+7", " 7", "7 ",
		"1e3", "1.0", "0x10", "12a", "a12", "--1", "1-",
		"999999999999999999", "-999999999999999999", "099999999999999999",
		"1000000000000000000", "-1000000000000000000",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "018446744073709551615", "-18446744073709551615",
		"123456789012345678901",
	} {
		checkInteger(t, []byte(s))
	}
	for i := int64(-1000); i <= 1000; i++ {
		checkInteger(t, strconv.AppendInt(nil, i, 10))
	}
	for d := 1; d <= 20; d++ { // every length, the largest and smallest
		checkInteger(t, []byte("1"+zeros(d-1)))
		checkInteger(t, []byte("-"+"1"+zeros(d-1)))
		checkInteger(t, []byte(nines(d)))
		checkInteger(t, []byte("-"+nines(d)))
	}
}

func zeros(n int) string { return string(repeat('0', n)) }
func nines(n int) string { return string(repeat('9', n)) }

func repeat(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

func FuzzInteger(f *testing.F) {
	for _, s := range []string{"0", "-0", "007", "-9223372036854775808", "18446744073709551615", "+1", "1a"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkInteger(t, raw) })
}
