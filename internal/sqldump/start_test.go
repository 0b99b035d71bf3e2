package sqldump

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestValueStart checks that every value's Start locates its Raw inside the
// row's Raw, on every golden dump.
func TestValueStart(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.sql")
	if len(files) == 0 {
		t.Fatal("no golden dumps")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := NewScanner(bytes.NewReader(data))
		n := 0
		for {
			st, err := s.Next()
			if err != nil {
				break
			}
			if st.Kind != KindInsert {
				continue
			}
			for {
				r, err := s.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				for i, v := range r.Values {
					n++
					if v.Start <= 0 || v.Start+len(v.Raw) > len(r.Raw) || !bytes.Equal(r.Raw[v.Start:v.Start+len(v.Raw)], v.Raw) {
						t.Fatalf("%s: row at %d value %d: Start %d does not locate %q in %q", f, r.Offset, i, v.Start, v.Raw, r.Raw)
					}
				}
			}
		}
		if n == 0 && filepath.Base(f) != "bom.sql" {
			t.Errorf("%s: no values: the check above saw nothing", f)
		}
	}
}
