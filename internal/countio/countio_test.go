package countio

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReader(t *testing.T) {
	c := &Reader{R: iotest.HalfReader(strings.NewReader("twelve bytes"))}
	if b, err := io.ReadAll(c); err != nil || string(b) != "twelve bytes" || c.N != 12 {
		t.Fatalf("read %q, %v, counted %d", b, err, c.N)
	}
}
