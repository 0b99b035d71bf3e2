package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"columns", "where", "action", "tables", "version"}
	names := []string{"email", "ip", "zip", "null", "full_name", "first_name"}
	for _, c := range []struct {
		word       string
		candidates []string
		want       string
	}{
		{"colums", keys, "columns"},  // a deletion
		{"colmuns", keys, "columns"}, // a swap of neighbours is one edit
		{"COLUMNS", keys, "columns"}, // case is ignored
		{"Tabels", keys, "tables"},   // both
		{"were", keys, "where"},      // one edit from 3 characters (5)
		{"wehre", keys, "where"},
		{"whr", keys, ""},           // two edits from a name under 6
		{"colmnz", keys, "columns"}, // two edits from 6 characters
		{"cxlmnz", keys, ""},        // three
		{"emial", names, "email"},
		{"EMIAL", names, "email"},
		{"nul", names, "null"},
		{"ipp", names, ""},   // "ip" is too short to guess at
		{"zp", names, "zip"}, // "zip" is not: 3 characters allow one edit
		{"z", names, ""},
		{"ful_name", names, "full_name"},
		{"frist_name", names, "first_name"},
		{"gröse", []string{"größe"}, "größe"},  // edits count characters, not bytes
		{"ö", []string{"öö"}, ""},              // and so do lengths: "öö" is 2, not 4
		{"bat", []string{"bar", "baz"}, "bar"}, // of equally near ones, the first
		{"", names, ""},
		{"email", nil, ""},
	} {
		if got := Closest(c.word, c.candidates); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

func TestHint(t *testing.T) {
	if got, want := Hint("colums", []string{"columns"}), ` (did you mean "columns"?)`; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
	if got := Hint("xyz", []string{"columns"}); got != "" {
		t.Errorf("Hint without a near candidate = %q", got)
	}
}
