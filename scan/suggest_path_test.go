package scan

import "testing"

func TestGeneralPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"email":                  "**.email",
		"orders.3.billing.email": "**.email",
		"emails.0":               "**.emails.*",
		"a.0.1":                  "**.a.*.*",
		"0":                      "*",
		"0.1":                    "*.*",
		"*.ip":                   "**.ip",
		"items.*":                "**.items.*",
		"*":                      "*",
	} {
		if got := generalPath(in); got != want {
			t.Errorf("generalPath(%q) = %q, want %q", in, got, want)
		}
	}
}
