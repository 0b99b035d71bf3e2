package anonymize

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/scan"
)

// The privacy check does not look into a value a fake transformer wrote
// (Filter.Faked): that is safe only while every such transformer writes
// nothing the detectors would find and nothing of its input. These inputs
// are full of personal data; no output may hold any of it.
func TestFakeTransformersWriteNoFindings(t *testing.T) {
	planted := []string{"jane.doe@gmail.com", "+44 20 7946 0958", "81.2.69.160", "2a02:8070::1",
		"14 Elmwood Avenue", "4111 1111 1111 1111", "s3cretPw", "Doe"}
	inputs := []string{
		"jane.doe@gmail.com",
		"Jane Doe <jane.doe@gmail.com>",
		"+44 20 7946 0958",
		"81.2.69.160",
		"2a02:8070::1",
		"14 Elmwood Avenue",
		"4111 1111 1111 1111",
		"https://jane:s3cretPw@shop.example-customer.net/",
		base64.StdEncoding.EncodeToString([]byte("user=jane.doe@gmail.com")),
		"Jane Doe\nplease call +44 20 7946 0958 or write to jane.doe@gmail.com,\n14 Elmwood Avenue, from 81.2.69.160\n",
		strings.Repeat("jane.doe@gmail.com 81.2.69.160 ", 40),
	}
	var fakes []string
	for _, name := range Names() {
		if registry[name].fake {
			fakes = append(fakes, name)
		}
	}
	for _, want := range []string{"email", "full_name", "lorem", "ip", "phone", "street", "password", "user_agent"} {
		if !slices.Contains(fakes, want) {
			t.Errorf("%s is not marked fake: the check would look into every value it writes", want)
		}
	}
	for _, name := range []string{"keep", "fixed", "template", "redact", "date", "zip"} {
		if slices.Contains(fakes, name) {
			t.Errorf("%s is marked fake, but it writes text of the owner's or the input's", name)
		}
	}
	for _, name := range fakes {
		tr := mustNew(t, name, nil, keyerA)
		for _, in := range inputs {
			for _, size := range []int{0, 255, 64, 32, 20, 12} {
				out, null, err := tr.Transform([]byte(in), false, Column{Type: "varchar", MaxLen: size}, nil)
				if err != nil || null {
					continue // does not fit, or NULL: nothing written
				}
				scan.Spans(out, func(k scan.Kind, start, end int) {
					t.Errorf("%s(%.30q) in varchar(%d) = %q: holds %s %q", name, in, size, out, k, out[start:end])
				})
				for _, p := range planted {
					if strings.Contains(string(out), p) {
						t.Errorf("%s(%.30q) in varchar(%d) = %q: holds the input's %q", name, in, size, out, p)
					}
				}
			}
		}
	}
}
