package anonymize

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// runWorkers runs Run with the given number of workers and batch sizes.
func runWorkers(workers, bytes, rows int) func(w io.Writer, r io.Reader, opts Options) (*Report, error) {
	return func(w io.Writer, r io.Reader, opts Options) (*Report, error) {
		defer func(b, r int) { batchBytes, batchRows = b, r }(batchBytes, batchRows)
		batchBytes, batchRows = bytes, rows
		opts.Workers = workers
		return Run(context.Background(), w, r, opts)
	}
}

// uniqueTemplateDump has a unique column whose fakes collide (a 2-digit
// hash of 200 inputs, repeated), and a template reading it: a row whose
// fake an earlier row took gets another one, and its template must show
// that one.
func uniqueTemplateDump(testing.TB) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	b.WriteString("CREATE TABLE `codes` (`id` int, `code` varchar(8), `name` varchar(20), `label` varchar(40), UNIQUE KEY `code` (`code`));\n")
	for s := 0; s < 6; s++ {
		b.WriteString("INSERT INTO `codes` VALUES ")
		for i := 0; i < 50; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "(%d,'k%d','Name%d','x')", s*50+i, r.IntN(200), r.IntN(9))
		}
		b.WriteString(";\n")
	}
	return []byte(b.String())
}

const uniqueTemplateRules = `version: 1
tables:
  codes:
    columns:
      code: {hash: {length: 2}}
      name: first_name
      label: {template: "{code}/{name}"}
`

// TestParallelSameAsSerial checks that the parallel copy writes the same
// bytes and report as the serial one, for any number of workers and any
// batch size, on every golden dump.
func TestParallelSameAsSerial(t *testing.T) {
	cases := append([]goldenCase{{"unique-template", uniqueTemplateDump, yamlRules(uniqueTemplateRules)}}, goldenCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := goldenRun(t, c, runWorkers(1, 256<<10, 2048))
			for _, v := range []struct{ workers, bytes, rows int }{{2, 256 << 10, 2048}, {2, 1, 1}, {3, 300, 3}, {8, 4096, 7}} {
				got := goldenRun(t, c, runWorkers(v.workers, v.bytes, v.rows))
				if !bytes.Equal(got, want) {
					t.Errorf("%d workers, batches of %d bytes or %d rows: output differs from the serial run at byte %d", v.workers, v.bytes, v.rows, firstDiff(got, want))
				}
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// The unique-template case really takes fakes away: some labels show a
// code that is not the first choice.
func TestParallelUniqueRetries(t *testing.T) {
	var out bytes.Buffer
	rep, err := runWorkers(2, 200, 2)(&out, bytes.NewReader(uniqueTemplateDump(t)), Options{Rules: yamlRules(uniqueTemplateRules)(t), Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	rowRE := regexp.MustCompile(`\((\d+),'([^']*)','([^']*)','([^']*)'\)`)
	in := rowRE.FindAllStringSubmatch(string(uniqueTemplateDump(t)), -1)
	got := rowRE.FindAllStringSubmatch(out.String(), -1)
	if len(in) != 300 || len(got) != 300 {
		t.Fatalf("%d rows in, %d out, want 300", len(in), len(got))
	}
	owner, retried := map[string]string{}, 0
	for i, m := range got {
		if prev, ok := owner[m[2]]; ok && prev != in[i][2] {
			t.Fatalf("fake %s given to inputs %s and %s", m[2], prev, in[i][2])
		}
		owner[m[2]] = in[i][2]
		if m[4] != m[2]+"/"+m[3] {
			t.Errorf("label %q, want %q", m[4], m[2]+"/"+m[3])
		}
		if first := mustNew(t, "hash", map[string]any{"length": 2}, NewKeyer(testSecret)); run(t, first, in[i][2], Column{Type: "varchar", MaxLen: 8}) != m[2] {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no input got another fake than its first choice: the case tests nothing")
	}
	if rep.Tables[0].RowsChanged != 300 {
		t.Errorf("%d rows changed, want 300", rep.Tables[0].RowsChanged)
	}
}

// TestParallelErrors checks that the parallel copy stops with the serial
// run's error, wherever the failing row is in its batch and whatever
// rows follow it.
func TestParallelErrors(t *testing.T) {
	rows := func(n int, bad int, badRow string) string {
		var b strings.Builder
		b.WriteString("INSERT INTO `t` VALUES ")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			if i == bad {
				b.WriteString(badRow)
			} else {
				fmt.Fprintf(&b, "(%d,'user%d@example-customer.net','k%d')", i, i, i)
			}
		}
		return b.String() + ";\n"
	}
	schema := "CREATE TABLE `t` (`id` int, `email` varchar(100), `code` varchar(8), UNIQUE KEY `code` (`code`));\n"
	rules := "version: 1\ntables:\n  t:\n    columns:\n      email: email\n      code: {hash: {length: 1}}\n"
	cases := []struct{ name, dump, rules, msg string }{
		{"row with too few values", schema + rows(40, 17, "(17,'x@y.z')") + rows(10, -1, ""), strings.Replace(rules, "length: 1", "length: 3", 1), "row 18"},
		{"fake does not fit", "CREATE TABLE `t` (`id` int, `email` varchar(100), `code` varchar(8));\n" + rows(30, 29, "(29,'a@b.c','k1')") + "INSERT INTO `t` VALUES (1,'x@y.z',5);\n",
			"version: 1\ntables:\n  t:\n    columns:\n      email: email\n      id: email\n", "does not fit"},
		{"unique fakes run out", schema + rows(40, -1, ""), rules, "no unused fake"},
		{"syntax error after rows", schema + rows(40, -1, "") + "INSERT INTO `t` VALUES (1,'a@b.c','k1'),(2,'unterminated);\n", rules, "no unused fake"},
		{"rules mismatch at the end", schema + "INSERT INTO `t` VALUES (1,'a@b.c','k1');\n", rules + "  missing:\n    columns:\n      x: email\n", "rules name tables"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := yamlRules(c.rules)(t)
			var sOut bytes.Buffer
			_, serr := runWorkers(1, 256<<10, 2048)(&sOut, strings.NewReader(c.dump), Options{Rules: r, Secret: testSecret})
			if serr == nil || !strings.Contains(serr.Error(), c.msg) {
				t.Fatalf("serial run: error %v, want one containing %q", serr, c.msg)
			}
			for _, v := range []struct{ workers, bytes, rows int }{{2, 256 << 10, 2048}, {2, 1, 1}, {3, 200, 5}} {
				var pOut bytes.Buffer
				_, perr := runWorkers(v.workers, v.bytes, v.rows)(&pOut, strings.NewReader(c.dump), Options{Rules: r, Secret: testSecret})
				if perr == nil || perr.Error() != serr.Error() {
					t.Errorf("%d workers, batches of %d bytes or %d rows: error %v, want %v", v.workers, v.bytes, v.rows, perr, serr)
				}
			}
		})
	}
}

// TestParallelCancel stops when the context ends, without leaking the
// reader or the workers (the race detector and the test's end see them).
func TestParallelCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, io.Discard, bytes.NewReader(usersShapeDump(t)), Options{Rules: yamlRules(usersShapeRules)(t), Secret: testSecret, Workers: 2})
	if err != context.Canceled {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
