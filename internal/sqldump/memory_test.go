package sqldump

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// partsReader streams a sequence of parts, each repeated a number of times,
// without holding the whole input in memory. It counts what was read.
type partsReader struct {
	parts []part
	off   int // offset within the current repetition of parts[0]
	read  int64
}

type part struct {
	data []byte
	n    int // repetitions
}

func (r *partsReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 && len(r.parts) > 0 {
		cur := &r.parts[0]
		if cur.n == 0 {
			r.parts = r.parts[1:]
			continue
		}
		k := copy(p, cur.data[r.off:])
		p = p[k:]
		total += k
		r.off += k
		if r.off == len(cur.data) {
			r.off = 0
			cur.n--
		}
	}
	r.read += int64(total)
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}

func heapInuse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// TestHugeRow reads a row holding one 64 MiB string and checks that memory
// stays within a small multiple of the row.
func TestHugeRow(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB row")
	}
	const size = 64 << 20
	unit := []byte(`abc\'def\\ghi\nXYZ,)(;` + strings.Repeat("x", 42)) // 64 bytes, decodes to 61
	r := &partsReader{parts: []part{
		{[]byte("-- huge\nINSERT INTO `big` VALUES (1,'"), 1},
		{unit, size / len(unit)},
		{[]byte("'),(2,'small');\nSELECT 1;\n"), 1},
	}}
	runtime.GC()
	before := heapInuse()
	sc := NewScanner(r)
	st, err := sc.Next()
	if err != nil || st.Table != "big" {
		t.Fatalf("Next: %v %v", st, err)
	}
	row, err := sc.NextRow()
	if err != nil {
		t.Fatal(err)
	}
	if len(row.Values) != 2 || len(row.Values[1].Raw) != size+2 {
		t.Fatalf("row has %d values", len(row.Values))
	}
	runtime.GC()
	if used := heapInuse() - before; used > 3*size {
		t.Errorf("heap in use %d MiB while holding a 64 MiB row", used>>20)
	}
	b, ok := row.Values[1].Bytes()
	if !ok || len(b) != size/64*61 || !bytes.HasPrefix(b, []byte("abc'def\\ghi\nXYZ,)(;x")) {
		t.Fatalf("decoded %d bytes, prefix %q", len(b), b[:20])
	}
	b = nil
	row, err = sc.NextRow()
	if err != nil || string(row.Raw) != "(2,'small')" {
		t.Fatalf("second row %v %v", row, err)
	}
	if _, err := sc.NextRow(); err != io.EOF {
		t.Fatal(err)
	}
	if st, err := sc.Next(); err != nil || string(st.Text) != "SELECT 1;" {
		t.Fatalf("after huge row: %v %v", st, err)
	}
}

// TestBufferShrinks checks that the buffer does not stay large once a huge
// row is followed by plenty of small statements.
func TestBufferShrinks(t *testing.T) {
	r := &partsReader{parts: []part{
		{[]byte("INSERT INTO t VALUES ('" + strings.Repeat("b", 8<<20) + "');\n"), 1},
		{[]byte("INSERT INTO t VALUES (1,'small'),(2,'rows');\n"), 1 << 20},
	}}
	sc := NewScanner(r)
	big := 0
	for {
		st, err := sc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := sc.NextRow(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		big = max(big, len(sc.buf))
		_ = st
	}
	if big < 8<<20 || len(sc.buf) > 8*initBufSize {
		t.Errorf("buffer grew to %d and ends at %d bytes", big, len(sc.buf))
	}
}

// TestRowsAreStreamed reads one INSERT of 200 rows of 1 MiB and checks that
// the scanner never reads far ahead of the row it returns, and allocates
// little: the statement is never held whole.
func TestRowsAreStreamed(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MiB statement")
	}
	const rowSize = 1 << 20
	const rows = 200
	row := []byte("(1,'" + strings.Repeat("y", rowSize-10) + "',2),")
	r := &partsReader{parts: []part{
		{[]byte("INSERT INTO t VALUES "), 1},
		{row, rows},
		{[]byte("(3,'last',4);"), 1},
	}}
	start := totalAlloc()
	sc := NewScanner(r)
	if _, err := sc.Next(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		row, err := sc.NextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if ahead := r.read - row.Offset; ahead > 4*rowSize {
			t.Fatalf("row %d at %d: reader already at %d, %d MiB ahead", n, row.Offset, r.read, ahead>>20)
		}
	}
	if n != rows+1 {
		t.Fatalf("read %d rows", n)
	}
	if alloc := totalAlloc() - start; alloc > 16*rowSize {
		t.Errorf("allocated %d MiB for a statement of %d MiB", alloc>>20, rows*rowSize>>20)
	}
}

// TestLongLines checks lines of 10 MiB: one INSERT with many rows on a
// single line and an ordinary statement with a 10 MiB string, read with a
// reader that returns short reads.
func TestLongLines(t *testing.T) {
	const size = 10 << 20
	var in bytes.Buffer
	in.WriteString("INSERT INTO t VALUES ")
	for i := 0; in.Len() < size; i++ {
		if i > 0 {
			in.WriteByte(',')
		}
		in.WriteString("(1,'row\\'s value',NULL,0xABCD,-1.5)")
	}
	in.WriteString(";\nSELECT '")
	in.WriteString(strings.Repeat("z", size))
	in.WriteString("' AS long_one;\n")
	input := in.Bytes()
	out, _, err := scanAll(iotest.HalfReader(bytes.NewReader(input)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, input) {
		t.Fatalf("round trip differs at %d", firstDiff(out, input))
	}
}

func TestSizeLimit(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"SELECT 1;\n-- a comment\nSELECT '" + strings.Repeat("a", 300<<10) + "';", `sqldump: line 3 (byte 23): statement or row larger than 262144 bytes`},
		{"INSERT INTO t VALUES (1),\n('" + strings.Repeat("a", 300<<10) + "');", `sqldump: line 1 (byte 24), table "t": statement or row larger than 262144 bytes`},
		{"/* " + strings.Repeat("a", 300<<10) + " */", `sqldump: line 1 (byte 0): statement or row larger than 262144 bytes`},
	}
	for _, tt := range tests {
		sc := NewScanner(strings.NewReader(tt.in))
		sc.SetLimit(256 << 10)
		var err error
		for err == nil {
			var st *Statement
			st, err = sc.Next()
			for err == nil && st.Kind == KindInsert {
				_, err = sc.NextRow()
				if err == io.EOF {
					err = nil
					break
				}
			}
		}
		var se *SyntaxError
		if !errors.As(err, &se) || err.Error() != tt.want || !errors.Is(err, ErrTooLarge) {
			t.Errorf("error %v, want %s", err, tt.want)
		}
	}
	// Within the limit, the same statements pass.
	sc := NewScanner(strings.NewReader("SELECT '" + strings.Repeat("a", 200<<10) + "';"))
	sc.max = 256 << 10
	if _, err := sc.Next(); err != nil {
		t.Fatal(err)
	}
}

// TestLimitOneBuffer: a row that grows up to the limit costs the scanner
// one buffer of the limit's size, not a power of two and then one more
// for the last bytes (a server's max_allowed_packet is often 2^n, and the
// limit a few bytes less).
func TestLimitOneBuffer(t *testing.T) {
	const limit = 8<<20 - 2
	r := &partsReader{parts: []part{
		{[]byte("INSERT INTO t VALUES (1,'"), 1},
		{[]byte("aaaaaaaa"), 2 << 20},
		{[]byte("');"), 1},
	}}
	start := totalAlloc()
	sc := NewScanner(r)
	sc.SetLimit(limit)
	if _, err := sc.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := sc.NextRow()
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	// Doubling up to about half the limit, then the limit: about 1.5
	// times the limit (without the fix, 2 times).
	if alloc := totalAlloc() - start; alloc > limit*7/4 {
		t.Errorf("allocated %d KiB for a limit of %d KiB", alloc>>10, limit>>10)
	}
}
