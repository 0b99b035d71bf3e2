package decompress

import (
	"bytes"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func TestFormats(t *testing.T) {
	plain := bytes.Repeat([]byte("INSERT INTO t VALUES (1);\n"), 1000)
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(plain)
	gw.Close()
	zw, _ := zstd.NewWriter(nil)
	zs := zw.EncodeAll(plain, nil)
	for name, c := range map[string]struct {
		in     []byte
		format string
	}{"plain": {plain, ""}, "gzip": {gz.Bytes(), "gzip"}, "zstd": {zs, "zstd"}, "empty": {nil, ""}} {
		r, err := New(bytes.NewReader(c.in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || r.Format != c.format {
			t.Fatalf("%s: %v, format %q", name, err, r.Format)
		}
		if name != "empty" && !bytes.Equal(got, plain) {
			t.Errorf("%s: content differs", name)
		}
	}
	// A truncated gzip stream is an error, not a short read.
	r, _ := New(bytes.NewReader(gz.Bytes()[:gz.Len()/2]))
	if _, err := io.ReadAll(r); err == nil {
		t.Error("truncated gzip read without error")
	}
}
