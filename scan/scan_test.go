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
		// Under a reserved domain, only a fake's shape is left out.
		{"bob@example.com", "email b***@e***.com"},
		{"alice@shop.example.org, x@y.test, z@a.invalid", "email a***@s***.org"},
		{"emma.smith1234567890@example.com u42@shop.test es7@a.invalid", ""},
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
		{`{"ip":"2a02:8070::1"}`, "ip 2a02:…"},
		{"[2a02:8070::1]:443, 2a02:8070::2", "ip 2a02:…"},
		{`s:2:"ip";s:12:"2a02:8070::1";`, "ip 2a02:…"},
		{"::ffff:81.2.3.4", "ip 81.x.x.x"},
		{"a::b c::d .x::before { color: red }", ""},
		{"12:30:45", ""},
		{"fe80::1 ::1", ""},
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
		// Found by review: credentials in URLs are not addresses (and the
		// mask would show a password's first letter), file names are not.
		// (Now a credential: the userinfo, with no letter of it shown.)
		{"https://user:s3cret@mail.shop.de/x", "credential ***:***@m***.de"},
		{"mailto:joe@provider.info", "email j***@p***.info"},
		{`<img src="logo@2x.png"> jquery@3.7.1.min.js`, ""},
		{"JOE.DOE@PROVIDER.INFO", "email J***@P***.INFO"},
		// Versions, product codes, barcodes, ISBNs.
		{"1.7.8.11", ""},
		{"2.0.1.4", ""},
		{"http://81.2.3.4/x", "ip 81.x.x.x"},
		{"100-200-300", ""},
		{"1 000 000", ""},
		{"978-3-16-148410-0", ""},
		{"4012345000047", ""}, // EAN-13
		{"3760123000024", ""},
		// National and international phone forms; real numbers with
		// 555 in other countries.
		{"030/1234567", "phone ***67"},
		{"030 1234567", "phone ***67"},
		{"0044 20 7946 0958", "phone ***58"},
		{"+49 30 5550123", "phone ***23"},
		{"+31 20 555 0199", "phone ***99"},
		{"0000123456", ""},
		// Found by the last review: barcodes and decimals starting with
		// 0, zero-padded ids, a login without a scheme, mapped IPv4,
		// German number groups.
		{"0012345678905", ""},
		{"036000291452", ""},
		{"0.83333333333333", ""},
		{"0.12345678", ""},
		{"00000012345", ""},
		{"0612345678", ""},
		{"06 12 34 56 78", "phone ***78"},
		{"joe:pw@host.de", "email ***@h***.de"}, // a login: found, no letter of the password shown
		// Found by review: an address after a label and a colon (a vCard,
		// a form dump), and under intranet names the fakes never use.
		{"EMAIL;TYPE=INTERNET:jane.doe@gmail.com", "email ***@g***.com"},
		{"Email:john.roe@gmail.com", "email ***@g***.com"},
		{"Email: mary.poe@gmail.com", "email m***@g***.com"},
		{"jane.doe@corp.local", "email j***@c***.local"},
		{"root@localhost.localhost", "email r***@l***.localhost"},
		{"emma.smith1234567890@example.com", ""},
		{"x@shop.test", "email x***@s***.test"}, // not a fake's local part
		// In the documentation networks, only the hosts the ip fake writes;
		// in the 555-01NN numbers, only the fake's exact forms.
		{"192.0.2.0", "ip 192.x.x.x"},
		{"203.0.113.255", "ip 203.x.x.x"},
		{"::ffff:198.51.100.7 2001:db8:1::7", ""},
		{"+1 (212) 555-0142", "phone ***42"},
		{"212 555-0142", "phone ***42"},
		{"0:0:0:0:0:ffff:5102:304", "ip 81.x.x.x"},
		{"0211 12 34 56", "phone ***56"},
		// An Amex number is a card, not a phone.
		{"3782 822463 10005", "card **** 0005"},
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
		"INSERT INTO `log` (`id`, `msg`) VALUES (1,'login from 81.1.2.3');\n" +
		"INSERT INTO `blobs` (`id`, `b`) VALUES (1,0x6A6F654070726F76696465722E696E666F);\n"
	s := New()
	if err := s.Scan(context.Background(), sqldump.NewScanner(strings.NewReader(dump))); err != nil {
		t.Fatal(err)
	}
	rep := s.Report()
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s.%s %s %d %s", f.Table, f.Column, f.Kind, f.Values, f.Example))
	}
	// A blob written in hex (as the live path writes binary columns) is
	// looked at too: joe@provider.info.
	// customers.ip holds IP addresses by its name: all three values count.
	want := []string{"blobs.b email 1 j***@p***.info", "customers.email email 3 r***@m***.de", "customers.ip ip 3 81.x.x.x", "customers.note phone 1 ***67", "log.msg ip 1 81.x.x.x"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Tables != 3 || rep.Rows != 5 {
		t.Errorf("tables %d rows %d", rep.Tables, rep.Rows)
	}
}

// TestScannerVersionedValues: values inside versioned comments (sakila's
// geometry, or anything else) are scanned like any other, in the column
// they are in where the comment runs.
func TestScannerVersionedValues(t *testing.T) {
	dump := "CREATE TABLE `staff` (`id` int, /*!50705 `email` varchar(100), */ `name` text);\n" +
		"INSERT INTO `staff` VALUES (1, /*!50705 'mike@mail.example-shop.de', */ 'Mike'),(2, /*!50705 NULL, */ 'Jon');\n" +
		"INSERT INTO `staff` (`id`, `name`) VALUES (3, /*M!100100 'jon@mail.example-shop.de' */);\n"
	s := New()
	if err := s.Scan(context.Background(), sqldump.NewScanner(strings.NewReader(dump))); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range s.Report().Findings {
		got = append(got, fmt.Sprintf("%s.%s %s %d", f.Table, f.Column, f.Kind, f.Values))
	}
	// staff.name is a person's name by its name: all three rows.
	if want := "staff.email email 1\nstaff.name email 1\nstaff.name name 3"; strings.Join(got, "\n") != want {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
