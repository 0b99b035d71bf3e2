package countio

import (
	"bytes"
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

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	c := &Writer{W: &b}
	io.WriteString(c, "seven b")
	io.WriteString(c, "ytes")
	if b.String() != "seven bytes" || c.N != 11 {
		t.Fatalf("wrote %q, counted %d", b.String(), c.N)
	}
}
