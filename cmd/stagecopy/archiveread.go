package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/countio"
)

// openArchiveArg opens the ARCHIVE argument, or standard input for "-", and
// returns its size for a progress bar (-1 when unknown).
func openArchiveArg(e *env, path string) (io.ReadCloser, int64, error) {
	if path == "-" {
		return io.NopCloser(e.stdin), -1, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, withHint(err, "check the archive path")
	}
	st, err := f.Stat()
	if err != nil {
		return f, -1, nil
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("%s is a directory, not an archive", path)
	}
	return f, st.Size(), nil
}

// archiveSummary is what reading a whole archive yields.
type archiveSummary struct {
	header                 archive.Header
	manifest               *archive.Manifest
	sha256                 string
	compressed             int64
	dbEntries, fileEntries int
	decryption             archive.Decryption
}

// readArchive reads and verifies a whole archive, calling each (if not nil)
// for every entry, with a progress bar over the compressed bytes. It stops
// between entries when ctx is cancelled.
func readArchive(ctx context.Context, e *env, path string, progress progressMode, desc string, keys archive.Keys, each func(*archive.Entry, io.Reader) error) (*archiveSummary, error) {
	in, total, err := openArchiveArg(e, path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	b := newBar(e, progress, total, desc)
	defer b.finish()
	cr := &countingReader{Reader: countio.Reader{R: in}, bar: b}
	r, err := archive.Open(cr, keys)
	if err != nil {
		return nil, keyHint(fmt.Errorf("%s: %w", path, err))
	}
	defer r.Close()
	sum := &archiveSummary{header: r.Header(), decryption: r.Decryption()}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ent, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch {
		case strings.HasPrefix(ent.Name, archive.DBPrefix):
			sum.dbEntries++
		case strings.HasPrefix(ent.Name, archive.FilesPrefix):
			sum.fileEntries++
		}
		if each != nil {
			if err := each(ent, r); err != nil {
				return nil, err
			}
		}
	}
	// Finish hashes what follows the manifest too, so the SHA-256 is the
	// file's; for an encrypted archive it also authenticates age's last
	// chunk.
	if sum.sha256, err = r.Finish(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sum.manifest = r.Manifest()
	sum.compressed = cr.N
	return sum, nil
}

// describeDecryption says how an archive was decrypted, "" when it was not
// encrypted.
func describeDecryption(d archive.Decryption) string {
	switch {
	case !d.Encrypted:
		return ""
	case d.Passphrase:
		return "age, with a passphrase"
	case d.Identity != nil && d.Identity.PerSnapshot:
		return "age, opened with per-snapshot identity " + d.Identity.Path
	case d.Identity != nil:
		return "age, opened with identity " + d.Identity.Path
	}
	return "age"
}
