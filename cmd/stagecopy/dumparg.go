package main

import (
	"io"
	"os"

	"github.com/stagecopy/stagecopy/internal/decompress"
)

// openDumpArg opens path, the DUMP argument of anonymize and scan, or
// standard input for "" or "-", decompressing gzip and zstd (detected from
// the content).
func openDumpArg(e *env, path string) (io.ReadCloser, error) {
	var in io.Reader = e.stdin
	var f *os.File
	if path != "" && path != "-" {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, withHint(err, "check the dump path")
		}
		in = f
	}
	dr, err := decompress.New(in)
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, err
	}
	if f == nil {
		return dr, nil
	}
	return &closeBoth{ReadCloser: dr, f: f}, nil
}

// closeBoth closes a decompressing reader and the file under it.
type closeBoth struct {
	io.ReadCloser
	f *os.File
}

func (c *closeBoth) Close() error {
	err := c.ReadCloser.Close()
	c.f.Close()
	return err
}
