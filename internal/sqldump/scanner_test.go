package sqldump

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata")

// scanAll reads a whole dump, returning the concatenation of all parts
// (which must equal the input) and a description of every statement and row.
func scanAll(r io.Reader) (out []byte, desc string, err error) {
	return scanWith(NewScanner(r))
}

func scanWith(sc *Scanner) (out []byte, desc string, err error) {
	var d strings.Builder
	for {
		st, err := sc.Next()
		if err == io.EOF {
			return out, d.String(), nil
		}
		if err != nil {
			return out, d.String(), err
		}
		if st.Offset != int64(len(out)+len(st.Lead)) {
			return out, d.String(), fmt.Errorf("statement at %d reports Offset %d", len(out)+len(st.Lead), st.Offset)
		}
		out = append(out, st.Lead...)
		if want := 1 + bytes.Count(out, []byte{'\n'}); st.Line != want {
			return out, d.String(), fmt.Errorf("statement at %d reports Line %d, want %d", len(out), st.Line, want)
		}
		out = append(out, st.Text...)
		describeStatement(&d, st)
		if st.Kind != KindInsert {
			if _, err := sc.NextRow(); err != io.EOF {
				return out, d.String(), fmt.Errorf("NextRow on %s: %v", st.Kind, err)
			}
			continue
		}
		for {
			row, err := sc.NextRow()
			if err == io.EOF {
				break
			}
			if err != nil {
				return out, d.String(), err
			}
			out = append(out, row.Sep...)
			if row.Offset != int64(len(out)) {
				return out, d.String(), fmt.Errorf("row at %d reports Offset %d", len(out), row.Offset)
			}
			if err := checkRow(row); err != nil {
				return out, d.String(), err
			}
			out = append(out, row.Raw...)
			describeRow(&d, row)
		}
		out = append(out, st.Tail...)
		fmt.Fprintf(&d, "  tail %q\n", st.Tail)
	}
}

// checkRow verifies that the values are ordered, non-overlapping slices of
// Raw, and that decoding them does not panic.
func checkRow(row *Row) error {
	if len(row.Raw) < 2 || row.Raw[0] != '(' || row.Raw[len(row.Raw)-1] != ')' {
		return fmt.Errorf("row %d: Raw %q is not a tuple", row.Index, row.Raw)
	}
	pos := 0
	for i, v := range row.Values {
		off := rawOffset(row.Raw, v.Raw)
		if off < pos || len(v.Raw) == 0 {
			return fmt.Errorf("row %d value %d: %q is not inside Raw after the previous value", row.Index, i, v.Raw)
		}
		pos = off + len(v.Raw)
		b, ok := v.Bytes()
		if ok != (v.Kind != ValueNull) || ok && b == nil {
			return fmt.Errorf("row %d value %d: Bytes() = %q, %v", row.Index, i, b, ok)
		}
		if v.Start != off {
			return fmt.Errorf("row %d value %d: Start %d, Raw is at %d", row.Index, i, v.Start, off)
		}
	}
	return checkReadings(row)
}

// checkReadings checks what Row.Under says of a row with versioned comments
// against the scanner itself: for each reading, the row with the comments
// the reading skips removed (Reading.Strip) must parse into the values
// Under lists, or fail to parse where Under says the servers read no row.
func checkReadings(row *Row) error {
	if !row.Versioned() {
		if row.Conds() != nil {
			return fmt.Errorf("row %d: Conds %q without versioned comments", row.Index, row.Conds())
		}
		return nil
	}
	rds, err := Readings(row.Conds()...)
	if err != nil {
		return fmt.Errorf("row %d: %v", row.Index, err)
	}
	for _, rd := range rds {
		idx, ok := row.Under(rd)
		stripped, err := rd.Strip(row.Raw)
		if err != nil {
			return fmt.Errorf("row %d: %s: Strip: %v", row.Index, rd.Server, err)
		}
		sc := NewScanner(bytes.NewReader(append([]byte("INSERT INTO t VALUES "), stripped...)))
		if _, err := sc.Next(); err != nil {
			return fmt.Errorf("row %d: %s: %v", row.Index, rd.Server, err)
		}
		r, err := sc.NextRow()
		if !ok {
			if err == nil {
				return fmt.Errorf("row %d: %s reads no row, but %q parses", row.Index, rd.Server, stripped)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("row %d: %s reads values %v, but %q does not parse: %v", row.Index, rd.Server, idx, stripped, err)
		}
		if r.Versioned() || len(r.Values) != len(idx) {
			return fmt.Errorf("row %d: %s reads values %v, but %q holds %d", row.Index, rd.Server, idx, stripped, len(r.Values))
		}
		for j, i := range idx {
			if w, g := row.Values[i], r.Values[j]; !bytes.Equal(w.Raw, g.Raw) || w.Kind != g.Kind {
				return fmt.Errorf("row %d: %s: value %d is %s %q, stripped %s %q", row.Index, rd.Server, i, w.Kind, w.Raw, g.Kind, g.Raw)
			}
		}
	}
	return nil
}

// rawOffset returns the offset of sub within raw, which it must share memory
// with, or -1.
func rawOffset(raw, sub []byte) int {
	if len(sub) == 0 || len(raw) == 0 {
		return -1
	}
	for i := range raw {
		if &raw[i] == &sub[0] {
			if i+len(sub) > len(raw) {
				return -1
			}
			return i
		}
	}
	return -1
}

func describeStatement(d *strings.Builder, st *Statement) {
	fmt.Fprintf(d, "line %d: %s", st.Line, st.Kind)
	if st.Table != "" {
		fmt.Fprintf(d, " table=%q", st.Table)
	}
	if st.Database != "" {
		fmt.Fprintf(d, " db=%q", st.Database)
	}
	if st.Verb != "" {
		fmt.Fprintf(d, " verb=%q", st.Verb)
	}
	if st.Columns != nil {
		fmt.Fprintf(d, " cols=%q", st.Columns)
	}
	if st.Delimiter != ";" {
		fmt.Fprintf(d, " delim=%q", st.Delimiter)
	}
	text := st.Text
	if len(text) > 70 {
		text = append(text[:60:60], "..."...)
	}
	fmt.Fprintf(d, " %q\n", text)
}

func describeRow(d *strings.Builder, row *Row) {
	fmt.Fprintf(d, "  row %d sep=%q:", row.Index, row.Sep)
	for _, v := range row.Values {
		fmt.Fprintf(d, " %s", describeValue(v))
	}
	d.WriteString("\n")
}

func describeValue(v Value) string {
	b, ok := v.Bytes()
	s := v.Kind.String()
	if v.Introducer != "" {
		s += "(" + v.Introducer + ")"
	}
	if v.Cond != "" {
		s = v.Cond + "*/" + s
	}
	if !ok {
		return s
	}
	q := strconv.Quote(string(b))
	if len(q) > 60 {
		q = q[:50] + "...\""
	}
	if string(b) == string(v.Raw) {
		return s + ":" + q
	}
	return s + ":" + q + "<-" + strconv.Quote(string(v.Raw))
}

func goldenInputs(t *testing.T) []string {
	files, err := filepath.Glob("testdata/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	return files
}

// TestGolden parses every testdata/*.sql and compares the description with
// testdata/*.golden; run with -update to rewrite them after review.
func TestGolden(t *testing.T) {
	for _, file := range goldenInputs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			input, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			out, desc, err := scanAll(bytes.NewReader(input))
			if err != nil {
				desc += "error: " + err.Error() + "\n"
			} else if !bytes.Equal(out, input) {
				t.Fatalf("round trip differs at byte %d", firstDiff(out, input))
			}
			golden := strings.TrimSuffix(file, ".sql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(desc), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if desc != string(want) {
				t.Errorf("description differs from %s (run with -update after review):\n%s", golden, lineDiff(string(want), desc))
			}
		})
	}
}

// TestChunking checks that the result does not depend on how the reader
// splits the input.
func TestChunking(t *testing.T) {
	for _, file := range goldenInputs(t) {
		input, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, want, wantErr := scanAll(bytes.NewReader(input))
		readers := map[string]io.Reader{
			"one-byte": iotest.OneByteReader(bytes.NewReader(input)),
			"half":     iotest.HalfReader(bytes.NewReader(input)),
			"data-err": iotest.DataErrReader(bytes.NewReader(input)),
		}
		for name, r := range readers {
			out, got, err := scanAll(r)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || got != want {
				t.Errorf("%s with %s reader: differs from whole read (err %v, want %v)\n%s", file, name, err, wantErr, lineDiff(want, got))
				continue
			}
			if err == nil && !bytes.Equal(out, input) {
				t.Errorf("%s with %s reader: round trip differs", file, name)
			}
		}
		out, got, err := scanAllTiny(input)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || got != want || err == nil && !bytes.Equal(out, input) {
			t.Errorf("%s with a tiny buffer: differs from whole read (err %v)\n%s", file, err, lineDiff(want, got))
		}
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

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant: %s\n got: %s", i+1, a, b)
		}
	}
	return "(no difference)"
}

// errReader fails with err after returning data.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadErrorIsSticky(t *testing.T) {
	boom := errors.New("boom")
	sc := NewScanner(&errReader{data: []byte("SELECT 1; SELECT 2"), err: boom})
	st, err := sc.Next()
	if err != nil || string(st.Text) != "SELECT 1;" {
		t.Fatalf("first statement: %v %q", err, st.Text)
	}
	for range 3 {
		if _, err := sc.Next(); !errors.Is(err, boom) {
			t.Fatalf("Next after read error = %v, want boom", err)
		}
	}
	if _, err := sc.NextRow(); !errors.Is(err, boom) {
		t.Fatalf("NextRow after read error = %v, want boom", err)
	}
}
