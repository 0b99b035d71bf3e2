package archive

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/stagecopy/stagecopy/internal/killpoint"
)

// Level is a zstd compression level.
type Level string

// Compression levels, from fastest to smallest.
const (
	LevelFastest Level = "fastest"
	LevelDefault Level = "default"
	LevelBetter  Level = "better"
	LevelBest    Level = "best"
)

// ParseLevel accepts fastest, default, better or best.
func ParseLevel(s string) (Level, error) {
	switch l := Level(s); l {
	case LevelFastest, LevelDefault, LevelBetter, LevelBest:
		return l, nil
	case "":
		return LevelDefault, nil
	}
	return "", fmt.Errorf("unknown compression level %q (want fastest, default, better or best)", s)
}

func (l Level) zstd() zstd.EncoderLevel {
	switch l {
	case LevelFastest:
		return zstd.SpeedFastest
	case LevelBetter:
		return zstd.SpeedBetterCompression
	case LevelBest:
		return zstd.SpeedBestCompression
	}
	return zstd.SpeedDefault
}

// DefaultWindow is the zstd window of the default level, as zstd -3's.
const DefaultWindow = 2 << 20

// outputBuffer is the size of the writes to the underlying io.Writer.
const outputBuffer = 1 << 20

// WriterOptions tune a Writer.
type WriterOptions struct {
	Level Level
	// Concurrency is the number of zstd encoder goroutines; 0 means GOMAXPROCS.
	Concurrency int
}

// Writer writes an archive as a stream: the header first, then entries in
// the order they are given, then the manifest trailer on Close. It keeps the
// first error it meets and returns it from every later call. Close flushes
// the tar and zstd streams but does not close the underlying io.Writer.
type Writer struct {
	bw       *bufio.Writer
	zw       *zstd.Encoder
	tw       *tar.Writer
	header   Header
	entries  []Entry
	names    map[string]bool
	total    int64
	err      error
	closed   bool
	mtime    time.Time
	final    []byte
	manifest *Manifest // SetManifest's, completed by Close
}

// NewWriter starts an archive on w and writes the header entry.
func NewWriter(w io.Writer, h Header, opts WriterOptions) (*Writer, error) {
	zopts := []zstd.EOption{zstd.WithEncoderLevel(opts.Level.zstd())}
	if opts.Level == LevelDefault || opts.Level == "" {
		// zstd -3's window: 1% larger archives than the library's 8 MiB,
		// 2-3% less CPU time, and a quarter of the decoder's memory.
		zopts = append(zopts, zstd.WithWindowSize(DefaultWindow))
	}
	if opts.Concurrency > 0 {
		zopts = append(zopts, zstd.WithEncoderConcurrency(opts.Concurrency))
	}
	// The encoder writes each compressed block (tens of KB) as it is
	// done; a buffer makes that one system call per MiB.
	bw := bufio.NewWriterSize(w, outputBuffer)
	zw, err := zstd.NewWriter(bw, zopts...)
	if err != nil {
		return nil, fmt.Errorf("archive: zstd encoder: %w", err)
	}
	h.Format, h.FormatVersion = FormatName, FormatVersion
	if h.Created.IsZero() {
		h.Created = time.Now().UTC()
	}
	aw := &Writer{bw: bw, zw: zw, tw: tar.NewWriter(zw), header: h, names: map[string]bool{}, mtime: h.Created.Truncate(time.Second)}
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("archive: header: %w", err)
	}
	if err := aw.add(HeaderName, append(data, '\n')); err != nil {
		return nil, err
	}
	return aw, nil
}

// Header returns the header as written (format fields filled in).
func (w *Writer) Header() Header { return w.header }

// Add writes a regular-file entry whose whole content is data.
func (w *Writer) Add(name string, data []byte) error {
	if err := w.check(name); err != nil {
		return err
	}
	return w.add(name, data)
}

func (w *Writer) add(name string, data []byte) error {
	sum := sha256.Sum256(data)
	e := Entry{Name: name, Type: TypeFile, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Mode: 0o644, ModTime: w.mtime}
	// data cannot change under us, unlike a file being read: its hash is
	// not computed a second time while it is written (SHA-256 of every
	// entry twice was about 6% of a snapshot's CPU time).
	return w.writeEntry(e, wholeReader{bytes.NewReader(data)}, false)
}

// wholeReader marks content that is all in memory: writeEntry hands it to
// the tar writer in one Write instead of copying it through a buffer.
type wholeReader struct{ *bytes.Reader }

// WriteEntry writes an entry whose Size and SHA256 the caller already knows
// (tar needs the size, and the hash travels in the entry's header so readers
// can check it at once). The content is streamed from r; if it does not have
// the announced size or hash, WriteEntry fails and the archive is unusable.
// For directories r is ignored; for symlinks the content is e.Link.
func (w *Writer) WriteEntry(e Entry, r io.Reader) error {
	return w.writeEntry(e, r, true)
}

// writeEntry is WriteEntry; verify says whether to hash the content again
// as it is copied and compare with e.SHA256.
func (w *Writer) writeEntry(e Entry, r io.Reader, verify bool) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("archive: write after close")
	}
	if e.Name != HeaderName {
		if err := w.check(e.Name); err != nil {
			return err
		}
	}
	hdr := &tar.Header{Name: e.Name, Mode: e.Mode & 0o7777, ModTime: e.ModTime, Format: tar.FormatPAX}
	if hdr.ModTime.IsZero() {
		hdr.ModTime = w.mtime
	}
	switch e.Type {
	case TypeFile:
		hdr.Typeflag, hdr.Size = tar.TypeReg, e.Size
	case TypeDir:
		hdr.Typeflag = tar.TypeDir
		if hdr.Name[len(hdr.Name)-1] != '/' {
			hdr.Name += "/"
		}
		e.Size, r = 0, bytes.NewReader(nil)
		e.SHA256 = emptySHA256
	case TypeSymlink:
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.Link
		e.Size, r = int64(len(e.Link)), bytes.NewReader([]byte(e.Link))
		sum := sha256.Sum256([]byte(e.Link))
		e.SHA256 = hex.EncodeToString(sum[:])
	default:
		return w.fail(fmt.Errorf("archive: entry %s: unknown type %q", e.Name, e.Type))
	}
	hdr.PAXRecords = map[string]string{PAXHashKey: PAXHashPrefix + e.SHA256}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return w.fail(fmt.Errorf("archive: entry %s: %w", e.Name, err))
	}
	h := sha256.New()
	var dst io.Writer = h
	switch {
	case e.Type == TypeFile && verify:
		dst = io.MultiWriter(w.tw, h)
	case e.Type == TypeFile:
		dst = w.tw
	}
	var n int64
	var err error
	if wr, ok := r.(wholeReader); ok && !verify {
		n, err = wr.WriteTo(dst)
	} else {
		n, err = io.Copy(dst, io.LimitReader(r, e.Size+1))
	}
	if err != nil {
		return w.fail(fmt.Errorf("archive: entry %s: %w", e.Name, err))
	}
	if n != e.Size {
		return w.fail(fmt.Errorf("archive: entry %s: content is %d bytes, announced %d (file changed while being read?)", e.Name, n, e.Size))
	}
	if verify || e.Type != TypeFile {
		if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
			return w.fail(fmt.Errorf("archive: entry %s: content hash changed while writing (file changed while being read?)", e.Name))
		}
	}
	e.Mode &= 0o7777
	w.entries = append(w.entries, e)
	w.names[e.Name] = true
	w.total += e.Size
	killpoint.Reached("archive-entry")
	return nil
}

var emptySHA256 = hex.EncodeToString(func() []byte { s := sha256.Sum256(nil); return s[:] }())

func (w *Writer) check(name string) error {
	if err := CheckName(name); err != nil {
		return w.fail(err)
	}
	if name == HeaderName || name == ManifestName {
		return w.fail(fmt.Errorf("archive: %s is reserved", name))
	}
	if w.names[name] {
		return w.fail(fmt.Errorf("archive: duplicate entry %s", name))
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// SetManifest gives the caller's part of the manifest (tables, files, the
// anonymization report), which Close completes and writes. Without it, Close
// writes a manifest of the entries alone.
func (w *Writer) SetManifest(m *Manifest) { w.manifest = m }

// Close completes the manifest with the entry list, totals and Merkle root,
// writes it as the trailer, and flushes the tar and zstd streams (it does not
// close the underlying writer, as tar.Writer does not). The manifest written
// is then returned by Manifest and ManifestJSON. Closing again does nothing.
func (w *Writer) Close() error {
	if w.err != nil {
		w.zw.Close()
		return w.err
	}
	if w.closed {
		return nil
	}
	m := w.manifest
	if m == nil {
		m = &Manifest{}
		w.manifest = m
	}
	m.Format, m.FormatVersion, m.SnapshotID = FormatName, FormatVersion, w.header.SnapshotID
	m.Expires = w.header.Expires
	m.NotAnonymized = w.header.NotAnonymized
	m.Warning = w.header.Warning
	m.RulesDigest = w.header.RulesDigest
	m.Entries = w.entries
	m.EntryCount = len(w.entries)
	m.TotalBytes = w.total
	m.MerkleRoot = MerkleRoot(w.entries)
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return w.fail(fmt.Errorf("archive: manifest: %w", err))
	}
	data = append(data, '\n')
	hdr := &tar.Header{Name: ManifestName, Mode: 0o644, Size: int64(len(data)), ModTime: w.mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return w.fail(fmt.Errorf("archive: manifest: %w", err))
	}
	if _, err := w.tw.Write(data); err != nil {
		return w.fail(fmt.Errorf("archive: manifest: %w", err))
	}
	if err := w.tw.Close(); err != nil {
		return w.fail(fmt.Errorf("archive: tar: %w", err))
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(fmt.Errorf("archive: zstd: %w", err))
	}
	if err := w.bw.Flush(); err != nil {
		return w.fail(fmt.Errorf("archive: write: %w", err))
	}
	w.closed = true
	w.final = data
	return nil
}

var _ io.Closer = (*Writer)(nil)

// Manifest returns the manifest Close wrote, nil before.
func (w *Writer) Manifest() *Manifest {
	if !w.closed {
		return nil
	}
	return w.manifest
}

// ManifestJSON returns the manifest bytes written by Close, for the sidecar.
func (w *Writer) ManifestJSON() []byte { return w.final }
