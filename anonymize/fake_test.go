package anonymize

import (
	"errors"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	docNets4 = []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
	}
	docNet6 = netip.MustParsePrefix("2001:db8::/32")
)

func inDocNet4(a netip.Addr) bool {
	for _, p := range docNets4 {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

func TestIP(t *testing.T) {
	tr := mustNew(t, "ip", nil, keyerA)
	for _, tc := range []struct {
		in   string
		want string // "4", "6", "4in6"
	}{
		{"8.8.8.8", "4"},
		{"10.1.2.3", "4"},
		{" 127.0.0.1 ", "4"},
		{"2a00:1450:4007:80e::200e", "6"},
		{"::1", "6"},
		{"fe80::1%eth0", "6"},
		{"::ffff:8.8.4.4", "4in6"},
		{"not an ip", "4"},
		{"1.2.3.4:8080", "4"},
		{"", ""},
	} {
		if tc.in == "" {
			continue
		}
		out := run(t, tr, tc.in, Column{})
		a, err := netip.ParseAddr(out)
		if err != nil {
			t.Errorf("ip(%q) = %q: %v", tc.in, out, err)
			continue
		}
		switch tc.want {
		case "4":
			if !a.Is4() || !inDocNet4(a) {
				t.Errorf("ip(%q) = %q, want IPv4 in RFC 5737", tc.in, out)
			}
		case "6":
			if !a.Is6() || a.Is4In6() || !docNet6.Contains(a) {
				t.Errorf("ip(%q) = %q, want IPv6 in 2001:db8::/32", tc.in, out)
			}
		case "4in6":
			if !a.Is4In6() || !inDocNet4(a) {
				t.Errorf("ip(%q) = %q, want IPv4-mapped RFC 5737", tc.in, out)
			}
		}
	}
	if run(t, tr, "::1", Column{}) != run(t, tr, "0:0::0:1", Column{}) {
		t.Error("equal IPv6 addresses written differently got different fakes")
	}
	// Many inputs stay in range; IPv6 shortens for small columns.
	for i := range 2000 {
		in := "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
		if a := netip.MustParseAddr(run(t, tr, in, Column{})); !inDocNet4(a) {
			t.Fatalf("ip(%q) = %v", in, a)
		}
	}
	for n := 9; n <= 40; n++ {
		out := run(t, tr, "2a00:1450:4007:80e::200e", Column{Type: "varchar", MaxLen: n})
		a := netip.MustParseAddr(out)
		if len(out) > n || (a.Is6() && !docNet6.Contains(a)) || (a.Is4() && !inDocNet4(a)) {
			t.Errorf("ip in varchar(%d) = %q", n, out)
		}
	}
}

func TestDate(t *testing.T) {
	const days = 30
	tr := mustNew(t, "date", map[string]any{"shift_days": days}, keyerA)
	parse := func(layout, s string) time.Time {
		tm, err := time.Parse(layout, s)
		if err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		return tm
	}
	for _, tc := range []struct{ in, layout, re string }{
		{"2024-03-05", "2006-01-02", `^\d{4}-\d{2}-\d{2}$`},
		{"2024-03-05 10:11:12", "2006-01-02 15:04:05", `^\d{4}-\d{2}-\d{2} 10:11:12$`},
		{"2024-03-05 10:11:12.123456", "2006-01-02 15:04:05.000000", `^\d{4}-\d{2}-\d{2} 10:11:12\.123456$`},
		{"2024-03-05T10:11:12Z", time.RFC3339, `^\d{4}-\d{2}-\d{2}T10:11:12Z$`},
		{"2024-03-05T10:11:12.5+02:00", time.RFC3339Nano, `^\d{4}-\d{2}-\d{2}T10:11:12\.5\+02:00$`},
		{"2024/03/05", "2006/01/02", `^\d{4}/\d{2}/\d{2}$`},
		{"2024-02-29", "2006-01-02", `^\d{4}-\d{2}-\d{2}$`},
		{"1999-12-31 23:59:59", "2006-01-02 15:04:05", `^\d{4}-\d{2}-\d{2} 23:59:59$`},
	} {
		out := run(t, tr, tc.in, Column{})
		if !regexp.MustCompile(tc.re).MatchString(out) {
			t.Errorf("date(%q) = %q, want %s", tc.in, out, tc.re)
			continue
		}
		diff := parse(tc.layout, out).Sub(parse(tc.layout, tc.in)).Hours() / 24
		if diff == 0 || diff < -days || diff > days || diff != float64(int(diff)) {
			t.Errorf("date(%q) = %q: shifted by %v days", tc.in, out, diff)
		}
	}
	// The shift depends on the day only: all values of a day move alike,
	// in any format.
	a := run(t, tr, "2024-03-05", Column{})
	for _, in := range []string{"2024-03-05 00:00:01", "2024-03-05 23:59:59", "2024-03-05T12:00:00Z", "2024/03/05"} {
		if out := run(t, tr, in, Column{}); strings.ReplaceAll(out[:10], "/", "-") != a {
			t.Errorf("date(%q) = %q, want day %s like 2024-03-05", in, out, a)
		}
	}
	ts := strconv.FormatInt(time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC).Unix(), 10)
	out := run(t, tr, ts, Column{Type: "int"})
	sec, _ := strconv.ParseInt(out, 10, 64)
	if got := time.Unix(sec, 0).UTC().Format("2006-01-02 15:04:05"); got != a+" 10:00:00" {
		t.Errorf("timestamp %s -> %s = %s, want %s 10:00:00", ts, out, got, a)
	}
	ms := ts + "123"
	if out := run(t, tr, ms, Column{}); len(out) != 13 || !strings.HasSuffix(out, "123") {
		t.Errorf("ms timestamp %s -> %s", ms, out)
	}
	// Zero dates are kept; anything else it cannot read is refused, since
	// passing it through would keep a real date.
	for _, in := range []string{"0000-00-00", "0000-00-00 00:00:00", "0", "0000000000"} {
		if out := run(t, tr, in, Column{}); out != in {
			t.Errorf("date(%q) = %q, want it kept", in, out)
		}
	}
	for _, in := range []string{"2024-02-30", "2024-13-01", "yesterday", "12:30:00", "2024", "20240305", "2024-03-05x", "12/03/1985", "March 12, 1985"} {
		if _, _, err := tr.Transform([]byte(in), false, Column{}, testRow); !errors.Is(err, ErrUnsafe) {
			t.Errorf("date(%q): %v, want ErrUnsafe", in, err)
		}
	}
	// Out of range shifts are not made.
	if out := run(t, tr, "1000-01-01", Column{Type: "date"}); out != "1000-01-01" && out < "1000-01-01" {
		t.Errorf("date(1000-01-01) = %q", out)
	}
	if out := run(t, tr, "1970-01-01 00:00:01", Column{Type: "timestamp"}); out < "1970-01-02" && out != "1970-01-01 00:00:01" {
		t.Errorf("timestamp 1970-01-01 = %q", out)
	}
	// shift_days 0 keeps everything; 1 shifts by exactly one day.
	if out := run(t, mustNew(t, "date", map[string]any{"shift_days": 0}, keyerA), "2024-03-05", Column{}); out != "2024-03-05" {
		t.Errorf("shift_days 0: %q", out)
	}
	one := mustNew(t, "date", map[string]any{"shift_days": 1}, keyerA)
	for d := 1; d <= 28; d++ {
		in := "2024-02-" + strconv.Itoa(100 + d)[1:]
		out := run(t, one, in, Column{})
		diff := parse("2006-01-02", out).Sub(parse("2006-01-02", in)).Hours() / 24
		if diff != 1 && diff != -1 {
			t.Errorf("shift_days 1: %s -> %s", in, out)
		}
	}
	// Default is 30 days.
	def := mustNew(t, "date", map[string]any{}, keyerA)
	for d := 1; d <= 28; d++ {
		in := "2023-11-" + strconv.Itoa(100 + d)[1:]
		diff := parse("2006-01-02", run(t, def, in, Column{})).Sub(parse("2006-01-02", in)).Hours() / 24
		if diff == 0 || diff < -30 || diff > 30 {
			t.Errorf("default shift: %s moved %v days", in, diff)
		}
	}
}

func TestRuneCount(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi", "abcdefgé", "é", "abcdefgh\xff", "日本語のテキストです、長い行", strings.Repeat("ascii ", 20) + "ü" + strings.Repeat("x", 9), "\x80\x80\x80\x80\x80\x80\x80\x80\x80"} {
		if got, want := runeCount([]byte(s)), utf8.RuneCountInString(s); got != want {
			t.Errorf("runeCount(%q) = %d, want %d", s, got, want)
		}
	}
}
