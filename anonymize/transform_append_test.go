package anonymize

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"testing"
)

// TestAppendTransformIsTransform checks that each appendTransformer's
// appendTransform returns what its Transform does, given no buffer, an
// empty one, or one holding other bytes (which it must keep), for inputs
// in each letter case and columns that fit the usual fake, cut it, or are
// unique.
func TestAppendTransformIsTransform(t *testing.T) {
	inputs := []string{"", "  ", "Jean-Baptiste Dupont", "JEAN DUPONT", "jean dupont", "Éloïse", "bob@example.org", "ACME Holdings", "x"}
	cols := []Column{
		{Table: "t", Name: "c", Type: "varchar", MaxLen: 100},
		{Table: "t", Name: "c", Type: "varchar", MaxLen: 100, Unique: true},
		{Table: "t", Name: "c", Type: "varchar", MaxLen: 12},
		{Table: "t", Name: "c", Type: "varchar", MaxLen: 12, Unique: true},
		{Table: "t", Name: "c", Type: "char", MaxLen: 5},
		{Table: "t", Name: "c", Type: "text"},
	}
	n := 0
	for _, name := range slices.Sorted(maps.Keys(registry)) {
		tr, err := New(name, defaultOpts[name], keyerA)
		if err != nil {
			t.Fatalf("New(%q): %v", name, err)
		}
		at, ok := tr.(appendTransformer)
		if !ok {
			continue
		}
		n++
		for _, col := range cols {
			for _, in := range inputs {
				for _, null := range []bool{false, true} {
					want, wantNull, wantErr := tr.Transform([]byte(in), null, col, nil)
					for _, dst := range [][]byte{nil, make([]byte, 0, 4), append(make([]byte, 0, 256), "other bytes"...)} {
						keep := bytes.Clone(dst)
						got, gotNull, err := at.appendTransform(dst, []byte(in), null, col, nil)
						if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) || gotNull != wantNull {
							t.Errorf("%s(%q, null %v) in %+v with a buffer of %d/%d bytes: (%q, %v, %v), Transform (%q, %v, %v)",
								name, in, null, col, len(dst), cap(dst), got, gotNull, err, want, wantNull, wantErr)
						}
						if !bytes.Equal(dst, keep) {
							t.Errorf("%s(%q) changed the buffer's bytes %q to %q", name, in, keep, dst)
						}
					}
				}
			}
		}
	}
	if n < 4 {
		t.Errorf("%d appendTransformers, want at least email, hash, full_name and the word lists", n)
	}
}

// TestRunAllocs checks that anonymizing a row of the users shape (email,
// full name, hash) allocates nothing per row or per value, on one worker
// and on two: a run of four times the rows allocates no more than a few
// hundred times more (for the batches and their statements), not a few
// times per row.
func TestRunAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("short, or the race detector, which allocates")
	}
	const rows = 5000
	r := yamlRules(usersShapeRules)(t)
	for _, workers := range []int{1, 2} {
		var allocs [2]float64
		for i, n := range []int{rows, 4 * rows} {
			dump := usersShapeRows(n)
			allocs[i] = testing.AllocsPerRun(3, func() {
				if _, err := Run(context.Background(), io.Discard, bytes.NewReader(dump), Options{Rules: r, Secret: testSecret, Workers: workers}); err != nil {
					t.Fatal(err)
				}
			})
		}
		if extra := allocs[1] - allocs[0]; extra > 3*rows/10 {
			t.Errorf("%d workers: %.0f allocations for %d rows, %.0f for %d: %.2f per row, want under 0.1", workers, allocs[0], rows, allocs[1], 4*rows, extra/(3*rows))
		}
	}
}

// TestTrimASCIISpace checks trimASCIISpace and lastASCIISpace against
// bytes.Trim and bytes.LastIndexAny with asciiSpace.
func TestTrimASCIISpace(t *testing.T) {
	for _, in := range []string{"", " ", " \t\r\n", "a", " a ", "\ta b\n", "a\vb\f", "\u00a0a\u00a0", "Jean  Dupont\r\n", " é "} {
		if got, want := trimASCIISpace([]byte(in)), bytes.Trim([]byte(in), asciiSpace); !bytes.Equal(got, want) {
			t.Errorf("trimASCIISpace(%q) = %q, want %q", in, got, want)
		}
		if got, want := lastASCIISpace([]byte(in)), bytes.LastIndexAny([]byte(in), asciiSpace); got != want {
			t.Errorf("lastASCIISpace(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestParallelPassThroughAllocs checks that the parallel run reuses the
// buffers of what it passes through as it is (the rows of a table without
// rules): the bytes it allocates do not grow with the dump. A new buffer
// per segment allocated about twice the input.
func TestParallelPassThroughAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("short, or the race detector, which allocates")
	}
	r := yamlRules(usersShapeRules)(t)
	dump := func(n int) []byte {
		var b bytes.Buffer
		b.Write(usersShapeRows(10))
		b.WriteString("CREATE TABLE `notes` (`id` int, `body` text);\n")
		for i := range n {
			if i%500 == 0 {
				if i > 0 {
					b.WriteString(";\n")
				}
				b.WriteString("INSERT INTO `notes` VALUES ")
			} else {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "(%d,'a note of no one in particular, number %d, long enough to matter')", i, i)
		}
		b.WriteString(";\n")
		return b.Bytes()
	}
	small, large := dump(20000), dump(160000)
	allocated := func(in []byte) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := Run(context.Background(), io.Discard, bytes.NewReader(in), Options{Rules: r, Secret: testSecret, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	allocated(small) // warm up
	a, b := allocated(small), allocated(large)
	if extra, more := float64(b)-float64(a), float64(len(large)-len(small)); extra > more/2 {
		t.Errorf("%d more input bytes allocated %.0f more bytes (%.2f per byte), want under 0.5 per byte", len(large)-len(small), extra, extra/more)
	}
}
