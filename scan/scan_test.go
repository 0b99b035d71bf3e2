package scan

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // kinds found, comma separated, with examples
	}{
		{"", ""},
		{"samir@example-customer.net", "email s***@e***.net"},
		{"Write to Rosa.Rossi+shop@mail.co.uk, please.", "email R***@m***.uk"},
		{"bob@example.com", ""}, // a fake's domain
		{"alice@shop.example.org, x@y.test, z@a.invalid", ""},
		{"not an address: a@b, @@, foo@bar", ""},
		{"81.13.87.78", "ip 81.x.x.x"},
		{"from 81.13.87.78 and 192.0.2.1", "ip 81.x.x.x"},
		{"192.0.2.77", ""}, // documentation: a fake
		{"10.1.2.3 192.168.0.1 127.0.0.1", ""},
		{"version 1.2.3.4a", ""},
		{"Mozilla/5.0 (Windows NT 10.0) Chrome/125.0.0.0 Safari/537.36 Edg/124.0.2478.80", ""},
		{"v1.2.3.4", ""},
		{"2a02:8070:a18::1", "ip 2a02:…"},
		{"2001:db8::17", ""},
		{"+49 30 1234567", "phone ***67"},
		{"(030) 123-4567", "phone ***67"},
		{"555-123-4567", "phone ***67"},
		{"+1 212 555 0142", ""}, // the phone fake
		{"(212) 555-0199", ""},
		{"2024-02-01", ""},
		{"01.02.2024", ""},
		{"1234567", ""}, // a bare number: an id, not a phone
		{"1700000000", ""},
		{"4242 4242 4242 4242", "card **** 4242"},
		{"5555555555554444", "card **** 4444"},
		{"4242 4242 4242 4241", ""}, // Luhn fails
		{"1234567890123452", ""},    // no card network
	} {
		var got []string
		for _, m := range detect(nil, []byte(tc.in)) {
			got = append(got, string(m.kind)+" "+m.example)
		}
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("detect(%q) = %q, want %q", tc.in, g, tc.want)
		}
	}
}

// TestScanner scans a dump: findings by table and column, named from the
// CREATE TABLE when the INSERT has no column list, and no values in the
// report.
func TestScanner(t *testing.T) {
	dump := "CREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `email` varchar(100),\n  `note` text,\n  `ip` varchar(45),\n  PRIMARY KEY (`id`)\n);\n" +
		"INSERT INTO `customers` VALUES (1,'rosa@mail.example-shop.de','call +49 30 1234567','81.13.87.78'),(2,'bob@example.com',NULL,'192.0.2.1'),(3,'x@gmail.com','','203.0.113.9');\n" +
		"INSERT INTO `log` (`id`, `msg`) VALUES (1,'login from 81.1.2.3');\n"
	s := New()
	if err := s.Scan(context.Background(), sqldump.NewScanner(strings.NewReader(dump))); err != nil {
		t.Fatal(err)
	}
	rep := s.Report()
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s.%s %s %d %s", f.Table, f.Column, f.Kind, f.Values, f.Example))
	}
	want := []string{"customers.email email 2 r***@m***.de", "customers.ip ip 1 81.x.x.x", "log.msg ip 1 81.x.x.x"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Tables != 2 || rep.Rows != 4 {
		t.Errorf("tables %d rows %d", rep.Tables, rep.Rows)
	}
}
