package archive

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/stagecopy/stagecopy/internal/countio"
)

// Decoder limits for untrusted archives: the largest zstd window accepted and
// the memory the decoder may use. The Writer's levels stay far below both.
const (
	MaxWindow        = 64 << 20
	MaxDecoderMemory = 256 << 20
)

// Reader reads an archive as a stream. NewReader reads and checks the header;
// Next moves to the next entry, whose content is then read from the Reader.
// Each entry's SHA-256 is checked as soon as its content has been read (Next
// drains what the caller left), and the manifest trailer is checked against
// every entry seen when the stream ends: Next returns io.EOF only when all of
// it matched. Errors are sticky.
type Reader struct {
	zr           *zstd.Decoder
	tr           *tar.Reader
	header       Header
	manifest     *Manifest
	manifestJSON []byte
	seen         []Entry
	names        map[string]bool
	cur          *Entry
	curHash      hash.Hash
	curLeft      int64
	err          error
	offset       countio.Reader
}

// NewReader starts reading the archive in r and checks its header entry.
func NewReader(r io.Reader) (*Reader, error) {
	ar := &Reader{names: map[string]bool{}}
	ar.offset.R = r
	// One decoder goroutine: the entries are read in order anyway, and a
	// second one decoded no faster on two cores (both ~410 MB/s on the
	// benchmark archive) while holding a second window of history.
	zr, err := zstd.NewReader(&ar.offset, zstd.WithDecoderMaxWindow(MaxWindow), zstd.WithDecoderMaxMemory(MaxDecoderMemory), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("archive: zstd decoder: %w", err)
	}
	ar.zr = zr
	ar.tr = tar.NewReader(zr)
	hdr, err := ar.tr.Next()
	if err != nil {
		zr.Close()
		switch {
		case errors.Is(err, zstd.ErrMagicMismatch):
			return nil, fmt.Errorf("%w (not zstd-compressed)", ErrNotArchive)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("%w: archive ends inside its first entry (truncated?)", ErrCorrupt)
		case errors.Is(err, io.EOF):
			return nil, fmt.Errorf("%w: empty input", ErrNotArchive)
		case errors.Is(err, tar.ErrHeader):
			return nil, fmt.Errorf("%w: zstd data, but not a tar stream", ErrNotArchive)
		}
		return nil, fmt.Errorf("%w: cannot read the first entry: %v", ErrCorrupt, err)
	}
	if hdr.Name != HeaderName || hdr.Typeflag != tar.TypeReg {
		zr.Close()
		return nil, fmt.Errorf("%w: first entry is %q, want %s", ErrNotArchive, hdr.Name, HeaderName)
	}
	e, err := ar.entryOf(hdr)
	if err != nil {
		zr.Close()
		return nil, err
	}
	ar.cur, ar.curHash, ar.curLeft = e, sha256.New(), e.Size
	data, err := io.ReadAll(io.LimitReader(ar, MaxMetaSize))
	if err != nil {
		zr.Close()
		return nil, err
	}
	if err := ar.finishEntry(); err != nil {
		zr.Close()
		return nil, err
	}
	if err := json.Unmarshal(data, &ar.header); err != nil {
		zr.Close()
		return nil, fmt.Errorf("%w: header %s: %v", ErrNotArchive, HeaderName, err)
	}
	if ar.header.Format != FormatName {
		zr.Close()
		return nil, fmt.Errorf("%w: header format %q", ErrNotArchive, ar.header.Format)
	}
	if ar.header.FormatVersion != FormatVersion {
		zr.Close()
		return nil, fmt.Errorf("archive: format version %d not supported (this stagecopy reads version %d); use a newer stagecopy", ar.header.FormatVersion, FormatVersion)
	}
	return ar, nil
}

// Header returns the archive's header.
func (r *Reader) Header() Header { return r.header }

// Manifest returns the verified manifest once Next has returned io.EOF.
func (r *Reader) Manifest() *Manifest { return r.manifest }

// ManifestJSON returns the manifest trailer's bytes as stored, once Next has
// returned io.EOF: the same bytes as the owner's sidecar manifest.
func (r *Reader) ManifestJSON() []byte { return r.manifestJSON }

// Offset returns the number of compressed bytes consumed so far.
func (r *Reader) Offset() int64 { return r.offset.N }

// Close releases the decoder. It does not close the underlying reader.
func (r *Reader) Close() error {
	r.zr.Close()
	return nil
}

func (r *Reader) fail(err error) error {
	if r.err == nil {
		r.err = err
	}
	return r.err
}

func (r *Reader) entryOf(hdr *tar.Header) (*Entry, error) {
	if err := CheckName(hdr.Name); err != nil {
		return nil, err
	}
	e := &Entry{Name: hdr.Name, Size: hdr.Size, Mode: hdr.Mode & 0o7777, ModTime: hdr.ModTime}
	if v, ok := strings.CutPrefix(hdr.PAXRecords[PAXHashKey], PAXHashPrefix); ok {
		e.SHA256 = v
	}
	switch hdr.Typeflag {
	case tar.TypeReg:
		e.Type = TypeFile
	case tar.TypeDir:
		e.Type = TypeDir
		e.Name = trimSlash(e.Name)
	case tar.TypeSymlink:
		e.Type, e.Link, e.Size = TypeSymlink, hdr.Linkname, int64(len(hdr.Linkname))
	default:
		return nil, fmt.Errorf("%w: entry %s has unsupported type %q (only files, directories and symlinks)", ErrCorrupt, hdr.Name, hdr.Typeflag)
	}
	if e.Name != ManifestName {
		if _, err := hex.DecodeString(e.SHA256); err != nil || len(e.SHA256) != 64 {
			return nil, fmt.Errorf("%w: entry %s has no valid %s record in its tar header", ErrCorrupt, hdr.Name, PAXHashPrefix)
		}
	}
	if r.names[e.Name] {
		return nil, fmt.Errorf("%w: duplicate entry %s", ErrCorrupt, e.Name)
	}
	return e, nil
}

func trimSlash(s string) string {
	for len(s) > 1 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// Read reads the current entry's content (the link target for a symlink).
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.cur == nil {
		return 0, io.EOF
	}
	if r.curLeft <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.curLeft {
		p = p[:r.curLeft]
	}
	var n int
	var err error
	switch r.cur.Type {
	case TypeSymlink:
		done := r.cur.Size - r.curLeft
		n = copy(p, r.cur.Link[done:])
	case TypeDir:
		return 0, io.EOF
	default:
		n, err = r.tr.Read(p)
	}
	r.curHash.Write(p[:n])
	r.curLeft -= int64(n)
	if err == io.EOF && r.curLeft > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && err != io.EOF {
		return n, r.fail(fmt.Errorf("%w: entry %s: %v", ErrCorrupt, r.cur.Name, err))
	}
	return n, nil
}

// finishEntry drains the current entry and checks its hash.
func (r *Reader) finishEntry() error {
	if r.cur == nil {
		return nil
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return r.fail(err)
	}
	e := *r.cur
	r.cur = nil
	if got := hex.EncodeToString(r.curHash.Sum(nil)); got != e.SHA256 {
		return r.fail(fmt.Errorf("%w: entry %s: SHA-256 mismatch (content %s, recorded %s)", ErrCorrupt, e.Name, got[:16], short(e.SHA256)))
	}
	r.seen = append(r.seen, e)
	r.names[e.Name] = true
	return nil
}

// Verify reads what is left of the current entry and checks its SHA-256
// now rather than at the next Next, so that a caller that acted on the
// entry while reading it (restore loads a large data entry in one
// transaction as it streams) can decide whether to keep what it did. The
// next Next does not check the entry again.
func (r *Reader) Verify() error {
	if r.err != nil {
		return r.err
	}
	return r.finishEntry()
}

func short(s string) string {
	if len(s) > 16 {
		return s[:16]
	}
	return s
}

// Next verifies the entry just read and advances to the next one. At the
// manifest trailer it checks the manifest against every entry seen and
// returns io.EOF when everything matched.
func (r *Reader) Next() (*Entry, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.manifest != nil {
		return nil, io.EOF
	}
	if err := r.finishEntry(); err != nil {
		return nil, err
	}
	hdr, err := r.tr.Next()
	if err == io.EOF {
		return nil, r.fail(fmt.Errorf("%w after %d entries", ErrMissingTrailer, len(r.seen)))
	}
	if err != nil {
		return nil, r.fail(r.streamErr(err))
	}
	if hdr.Name == ManifestName {
		return nil, r.readManifest(hdr)
	}
	e, err := r.entryOf(hdr)
	if err != nil {
		return nil, r.fail(err)
	}
	r.cur, r.curHash, r.curLeft = e, sha256.New(), e.Size
	out := *e
	return &out, nil
}

func (r *Reader) streamErr(err error) error {
	last := "the header"
	if len(r.seen) > 0 {
		last = r.seen[len(r.seen)-1].Name
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: archive ends early after entry %s (truncated?, %d compressed bytes read)", ErrCorrupt, last, r.offset.N)
	}
	return fmt.Errorf("%w: after entry %s (compressed byte %d): %v", ErrCorrupt, last, r.offset.N, err)
}

func (r *Reader) readManifest(hdr *tar.Header) error {
	if hdr.Typeflag != tar.TypeReg || hdr.Size > MaxMetaSize {
		return r.fail(fmt.Errorf("%w: manifest entry is not a regular file of sane size", ErrCorrupt))
	}
	data, err := io.ReadAll(r.tr)
	if err != nil {
		return r.fail(r.streamErr(err))
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return r.fail(fmt.Errorf("%w: manifest: %v", ErrCorrupt, err))
	}
	if err := r.checkManifest(&m); err != nil {
		return r.fail(err)
	}
	// Nothing may follow the trailer.
	if hdr, err := r.tr.Next(); err != io.EOF {
		if err == nil {
			return r.fail(fmt.Errorf("%w: entry %s after the manifest trailer", ErrCorrupt, hdr.Name))
		}
		return r.fail(r.streamErr(err))
	}
	// Only the tar stream's zero end blocks may follow: a second tar
	// stream, in this frame or another, is what `zstd -dc | tar -xi`
	// would extract.
	buf := make([]byte, 32<<10)
	for {
		n, err := r.zr.Read(buf)
		if slices.ContainsFunc(buf[:n], func(c byte) bool { return c != 0 }) {
			return r.fail(fmt.Errorf("%w: data after the end of the tar stream (near compressed byte %d)", ErrCorrupt, r.offset.N))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.fail(r.streamErr(err))
		}
	}
	r.manifest, r.manifestJSON = &m, data
	return io.EOF
}

func (r *Reader) checkManifest(m *Manifest) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: manifest trailer: "+format, append([]any{ErrCorrupt}, args...)...)
	}
	if m.SnapshotID != r.header.SnapshotID {
		return bad("snapshot id %q, header says %q", m.SnapshotID, r.header.SnapshotID)
	}
	if !m.Expires.Equal(r.header.Expires) {
		return bad("expires %v, header says %v", m.Expires, r.header.Expires)
	}
	if len(m.Entries) != len(r.seen) || m.EntryCount != len(r.seen) {
		return bad("lists %d entries, archive has %d", len(m.Entries), len(r.seen))
	}
	var total int64
	for i, want := range m.Entries {
		got := r.seen[i]
		if want.Name != got.Name || want.Type != got.Type || want.Size != got.Size || want.SHA256 != got.SHA256 || want.Link != got.Link {
			return bad("entry %d is %s (%d bytes, sha256 %s), archive has %s (%d bytes, sha256 %s)", i, want.Name, want.Size, short(want.SHA256), got.Name, got.Size, short(got.SHA256))
		}
		total += got.Size
	}
	if m.TotalBytes != total {
		return bad("total bytes %d, entries add up to %d", m.TotalBytes, total)
	}
	if root := MerkleRoot(r.seen); m.MerkleRoot != root {
		return bad("Merkle root %s, entries give %s", m.MerkleRoot, root)
	}
	return nil
}
