// Package decompress undoes gzip or zstd compression of a stream, detected
// from its first bytes, so users can hand stagecopy site.sql, site.sql.gz or
// site.sql.zst alike.
package decompress

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// MaxWindow is the largest zstd window accepted (zstd -19 --long uses 128 MiB).
const MaxWindow = 1 << 27

// Reader is a decompressing reader; Close releases the decoder (not the
// underlying reader).
type Reader struct {
	io.Reader
	// Format is "gzip", "zstd" or "" for uncompressed input.
	Format string
	close  func()
}

// Close releases the decoder.
func (r *Reader) Close() error {
	if r.close != nil {
		r.close()
		r.close = nil
	}
	return nil
}

// New returns a reader of r's decompressed content.
func New(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return &Reader{Reader: zr, Format: "gzip", close: func() { zr.Close() }}, nil
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderMaxWindow(MaxWindow), zstd.WithDecoderConcurrency(2))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return &Reader{Reader: zr, Format: "zstd", close: zr.Close}, nil
	}
	return &Reader{Reader: br}, nil
}
