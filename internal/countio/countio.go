// Package countio counts the bytes read through a reader or written
// through a writer: how far into an archive an error is, how much of a dump
// is done, how large the archive written is.
package countio

import "io"

// Reader reads from R and counts the bytes in N. It is not safe for
// concurrent use: N is read by the goroutine that reads.
type Reader struct {
	R io.Reader
	N int64
}

func (c *Reader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// Writer writes to W and counts the bytes written in N.
type Writer struct {
	W io.Writer
	N int64
}

func (c *Writer) Write(p []byte) (int, error) {
	n, err := c.W.Write(p)
	c.N += int64(n)
	return n, err
}
