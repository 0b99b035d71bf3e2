// Package snapshot is the owner's side of stagecopy: Create streams a live
// database or a dump, anonymized by rules, and a site's files into one
// archive. Restoring it is package restore's job, destroying the staging
// copy package purge's. It reports progress through callbacks and never
// prints.
package snapshot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"filippo.io/age"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
	"github.com/stagecopy/stagecopy/scan"
)

// ErrNotAnonymized is returned when a snapshot is asked for without
// anonymization rules and without an explicit NoAnonymize.
var ErrNotAnonymized = errors.New("snapshot: refusing to copy data without anonymization")

// NotAnonymizedWarning goes into the header and manifest of archives made
// with NoAnonymize.
const NotAnonymizedWarning = "NOT ANONYMIZED: made with --no-anonymize; this archive holds the source data as it was, including any personal data"

// DefaultChunkSize is the SQL size at which a table's data is cut into a new
// archive entry.
const DefaultChunkSize = 8 << 20

// DefaultChunkRows is the number of rows at which a table's data is cut into
// a new archive entry, whatever its size. Restore loads each entry in one
// transaction on one connection, and the server's time for an entry grows
// with its rows as much as with its bytes: 8 MiB of a key/value table's
// 50-byte rows took it four times as long as 8 MiB of comments, and the
// last such entry kept one connection busy while the others had nothing
// left (bench/README.md). Cut at 32,768 rows too, entries cost the server
// about the same, and restore of the benchmark database kept the cores
// busier.
const DefaultChunkRows = 32768

// Options configure Create.
type Options struct {
	// DumpPath is a SQL dump file (.sql, .sql.gz, .sql.zst; compression is
	// detected from the content). Dump, when set, is read instead and
	// DumpPath is only recorded.
	DumpPath string
	Dump     io.Reader
	// Server, when set, reads a live database instead of a dump.
	Server *dbdump.Config
	// Subset, when it has a root, copies only part of the live database:
	// the roots' rows and the rows they need (see rules.Subset). The
	// manifest records it. A dump file cannot be subset (ErrSubsetDump).
	Subset *rules.Subset
	// ServerName describes the server for the header (never a password).
	ServerName string
	// FilesDir is the site's root directory; empty for no files.
	FilesDir string
	// Excludes are glob patterns of files to leave out (see Matcher).
	Excludes []string
	// Rules anonymize the dump. Without rules Create refuses to run unless
	// NoAnonymize is set explicitly.
	Rules *rules.Rules
	// Secret keys the fakes (see anonymize.NewKeyer); nil means random for
	// this run. It is never written into the archive.
	Secret      []byte
	NoAnonymize bool
	// ChunkSize bounds a data entry's SQL size (a single row may exceed it).
	ChunkSize int
	// ChunkRows is the number of rows at which a data entry is cut, as
	// ChunkSize is its size: from a live server between rows (an INSERT
	// that starts at the limit adds one row), from a dump file between
	// INSERT statements, since one may end in ON DUPLICATE KEY UPDATE and
	// cannot be cut (mysqldump's hold about 1 MiB); 0 means
	// DefaultChunkRows.
	ChunkRows int
	Archive   archive.WriterOptions
	Tool      archive.Tool
	// Recipients, if any, encrypt the archive (age; see archive.Encrypt):
	// the bytes written to w are then an age file, and no plaintext byte
	// of the archive reaches w.
	Recipients []age.Recipient
	// Expires, if positive, is how long after its creation the archive may
	// be restored; it goes into the header and the manifest.
	Expires time.Duration
	// Progress, if set, is called as work advances (from the calling goroutine).
	Progress func(Progress)
	// Warn, if set, receives warnings (skipped files and the like).
	Warn func(string)
	// TableDone, if set, is called when the reading of a table moves on to
	// another table, with what was written of it so far.
	TableDone func(archive.TableStat)
}

// Progress describes how far Create has come.
type Progress struct {
	Phase string // "database" or "files"
	// Done and Total count input bytes of the phase: the dump file (compressed
	// size if compressed) or the file tree; Total is -1 when unknown.
	Done, Total int64
	// Rows counts the table rows written so far; RowsTotal is the server's
	// estimate of all of them, or -1 (dump files).
	Rows, RowsTotal int64
	Item            string // table or file being read
}

// Result is what Create made.
type Result struct {
	Header   archive.Header
	Manifest *archive.Manifest
	// Encrypted says the bytes written are an age file.
	Encrypted bool
	// ManifestJSON is the manifest as written, for the sidecar.
	ManifestJSON []byte
	Warnings     []string
	// Server describes the live read, nil for a dump file.
	Server *dbdump.Info
	// Report is what anonymization did, nil without rules.
	Report *anonymize.Report
	// Privacy is what the check of every row written found after the
	// rules (nil without rules): values that look like e-mail addresses,
	// phone or card numbers or IP addresses, and columns and keys whose
	// names say they hold people's data or secrets, with no rule for them.
	// Its Leaks are what no rule covers and the rules do not keep.
	Privacy *scan.Report
	report  func() *anonymize.Report
}

// NewID returns a fresh random snapshot id: 32 lowercase hex digits.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Create writes an archive of the dump and the files to w. On error the
// bytes written to w are not a valid archive; the caller discards them.
func Create(ctx context.Context, w io.Writer, opts Options) (*Result, error) {
	switch {
	case opts.Rules == nil && !opts.NoAnonymize:
		return nil, ErrNotAnonymized
	case opts.Rules != nil && opts.NoAnonymize:
		return nil, errors.New("snapshot: rules and NoAnonymize contradict each other")
	}
	if opts.Server != nil && (opts.DumpPath != "" || opts.Dump != nil) {
		return nil, errors.New("snapshot: give a dump or a server, not both")
	}
	if opts.Subset.Active() && opts.Server == nil {
		return nil, ErrSubsetDump
	}
	if opts.DumpPath == "" && opts.Dump == nil && opts.Server == nil && opts.FilesDir == "" {
		return nil, errors.New("snapshot: nothing to copy: give a dump and/or a files directory")
	}
	if opts.ChunkRows <= 0 {
		opts.ChunkRows = DefaultChunkRows
	}
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = DefaultChunkSize
	}
	res := &Result{}
	warn := func(s string) {
		res.Warnings = append(res.Warnings, s)
		if opts.Warn != nil {
			opts.Warn(s)
		}
	}
	progress := func(p Progress) {
		if opts.Progress != nil {
			opts.Progress(p)
		}
	}

	// Open inputs before writing anything, so bad paths fail fast.
	var dump *dumpInput
	var server *dbdump.Dumper
	if opts.Dump != nil || opts.DumpPath != "" || opts.Server != nil {
		var err error
		var filter func(sqldump.Stream) sqldump.Stream
		if opts.Rules != nil {
			secret := opts.Secret
			if secret == nil {
				secret = anonymize.NewSecret()
			}
			filter = func(s sqldump.Stream) sqldump.Stream {
				f := anonymize.NewFilter(s, opts.Rules, anonymize.NewKeyer(secret))
				res.report = f.Report
				return f
			}
		}
		if opts.Server != nil {
			cfg := *opts.Server
			cfg.Subset = DumpSubset(opts.Subset)
			dump, server, err = openServer(ctx, cfg, opts.Rules, filter)
		} else {
			dump, err = openDump(opts.DumpPath, opts.Dump, filter)
		}
		if err != nil {
			return nil, err
		}
		defer dump.Close()
	}
	var tree *fileTree
	if opts.FilesDir != "" {
		var err error
		var fr *rules.FileRules
		if opts.Rules != nil {
			fr = &opts.Rules.Files
		}
		tree, err = openTree(opts.FilesDir, opts.Excludes, fr)
		if err != nil {
			return nil, err
		}
	}

	h := archive.Header{
		SnapshotID: NewID(),
		Created:    time.Now().UTC().Truncate(time.Second),
		Tool:       opts.Tool,
		Source:     archive.Source{Kind: "dump-file", DumpFile: opts.DumpPath},
	}
	if opts.Expires > 0 {
		h.Expires = h.Created.Add(opts.Expires)
	}
	switch {
	case dump == nil:
		h.Source.Kind = "files"
	case server != nil:
		info := server.Info()
		h.Source.Kind, h.Source.DumpFile = "server", ""
		h.Source.Server, h.Source.ServerVersion, h.Source.Database, h.Source.Charset = opts.ServerName, info.ServerVersion, info.Database, info.Charset
		res.Server = &info
		for _, w := range info.Warnings {
			warn(w)
		}
	default:
		h.Source.Database, h.Source.ServerVersion, h.Source.DumpTool = dump.database, dump.server, dump.tool
	}
	h.Source.ServerFlavor = sqldump.Flavor(h.Source.ServerVersion)
	if tree != nil {
		h.Source.FilesDir = tree.root
	}
	if opts.NoAnonymize {
		h.NotAnonymized = true
		h.Warning = NotAnonymizedWarning
	} else {
		h.Anonymized = true
		h.RulesDigest = opts.Rules.Digest()
	}
	var enc io.WriteCloser
	if len(opts.Recipients) > 0 {
		var err error
		if enc, err = archive.Encrypt(w, opts.Recipients); err != nil {
			return nil, err
		}
		w = enc
		res.Encrypted = true
	}
	aw, err := archive.NewWriter(w, h, opts.Archive)
	if err != nil {
		return nil, err
	}
	m := &archive.Manifest{Tables: []archive.TableStat{}}
	if dump != nil {
		var check *scan.Scanner
		if opts.Rules != nil {
			check = scan.New()
			check.SetRules(scan.FromRules(opts.Rules))
		}
		tables, err := writeDump(ctx, aw, dump, opts.ChunkSize, opts.ChunkRows, check, progress, warn, opts.TableDone)
		if err != nil {
			return nil, err
		}
		if check != nil {
			res.Privacy = check.Report()
			m.Privacy = res.Privacy
		}
		m.Tables = tables
		if res.Server != nil && res.Server.Subset != nil {
			countWhole(res.Server.Subset, tables)
			m.Subset = res.Server.Subset
		}
		if res.report != nil {
			res.Report = res.report()
			m.Report = res.Report
		}
	}
	if tree != nil {
		stats, err := tree.write(ctx, aw, progress, warn)
		if err != nil {
			return nil, err
		}
		m.Files = stats
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	aw.SetManifest(m)
	if err := aw.Close(); err != nil {
		return nil, err
	}
	if enc != nil {
		// Seals the last chunk: without it the age file is truncated.
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("snapshot: encrypt: %w", err)
		}
	}
	res.Header = aw.Header()
	res.Manifest = m
	res.ManifestJSON = aw.ManifestJSON()
	return res, nil
}
