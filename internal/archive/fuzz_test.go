package archive

import (
	"bytes"
	"io"
	"path"
	"strings"
	"testing"
)

// FuzzReader feeds the archive reader what a hostile archive could be. It
// must not panic or hang; an archive it accepts to the end has only entry
// names inside db/ and files/ (or the header), with no ".." step and no
// absolute path, and a manifest naming the same entries.
func FuzzReader(f *testing.F) {
	good, _ := build(f, LevelDefault)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(append(bytes.Clone(good), 0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0))
	flipped := bytes.Clone(good)
	flipped[len(flipped)/3] ^= 1
	f.Add(flipped)
	f.Add([]byte("not an archive"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Open(bytes.NewReader(data), Keys{})
		if err != nil {
			return
		}
		defer v.Close()
		var names []string
		for range 10000 {
			e, err := v.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			if _, err := io.Copy(io.Discard, io.LimitReader(v, 1<<20)); err != nil {
				return
			}
			names = append(names, e.Name)
		}
		if _, err := v.Finish(); err != nil {
			return
		}
		for _, n := range names {
			if !(strings.HasPrefix(n, DBPrefix) || strings.HasPrefix(n, FilesPrefix)) || path.IsAbs(n) || strings.Contains("/"+n+"/", "/../") {
				t.Fatalf("accepted entry %q", n)
			}
		}
		if m := v.Manifest(); m == nil || m.EntryCount != len(m.Entries) {
			t.Fatalf("accepted a manifest that does not count its entries: %+v", m)
		}
	})
}
