package anonymize

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var updateDoc = flag.Bool("update-doc", false, "rewrite docs/transformers.md")

// docExamples are the options shown for transformers that need some.
var docExamples = map[string]map[string]any{
	"fixed":    {"value": "n/a"},
	"template": {"template": "{first_name} {last_name}"},
}

// TestTransformersDoc keeps docs/transformers.md equal to what Describe
// says: go test ./anonymize -run TestTransformersDoc -update-doc rewrites it.
func TestTransformersDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Transformers\n\n")
	b.WriteString("What each transformer of the rules language does (see [rules.md](rules.md)).\n")
	b.WriteString("Generated from `anonymize.Describe` by `go test ./anonymize -run TestTransformersDoc -update-doc`;\n")
	b.WriteString("a test fails when this page and the code disagree.\n\n")
	b.WriteString("Every fake is chosen by a keyed sum (AES-256-CMAC) of the run's secret and the value, so\n")
	b.WriteString("the same value gets the same fake in every table, column and PHP/JSON document of a run\n")
	b.WriteString("(and of runs sharing `--secret-file`, made by versions from 2026-12-07 on: before, the\n")
	b.WriteString("sum was HMAC-SHA256 and the fakes differ). NULL stays NULL except for `fixed`; a fake never exceeds its\n")
	b.WriteString("column, or the run stops (ErrTooLong), and a fake for a number column is a\n")
	b.WriteString("number, or the run stops (ErrType): the server would keep a part of it.\n\n")
	b.WriteString("| transformer | example | what it does |\n|---|---|---|\n")
	for _, n := range Names() {
		opts := docExamples[n]
		ex := n
		if opts != nil {
			for k, v := range opts {
				ex = fmt.Sprintf("{%s: {%s: %q}}", n, k, v)
			}
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", n, ex, strings.ReplaceAll(Describe(n, opts), "|", "\\|"))
	}
	want := b.String()
	const path = "../docs/transformers.md"
	if *updateDoc {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("%s is out of date with anonymize.Describe; run: go test ./anonymize -run TestTransformersDoc -update-doc", path)
	}
}
