// Package restore turns an archive into a staging copy: a new database,
// loaded through dbload's guard (an archive is not trusted), a new
// directory of the site's files, the CMS's staging fixes (URL, mail and
// search engines off, a temporary support admin), and a registry entry with
// everything purge needs. What a failed or interrupted Run made, it undoes.
// Run reports progress through a callback and never prints.
package restore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/internal/staging"
	"github.com/stagecopy/stagecopy/rules"
)

// Errors of Run that the command line turns into hints.
var (
	ErrDatabaseExists  = errors.New("restore: database exists and is not empty")
	ErrNotOurs         = errors.New("restore: not made by stagecopy")
	ErrSourceDatabase  = errors.New("restore: refusing to restore over the snapshot's source database")
	ErrFilesDirExists  = errors.New("restore: files directory exists and is not empty")
	ErrBadDatabaseName = errors.New("restore: invalid database name")
	ErrUnsafeEntry     = errors.New("restore: unsafe file entry")
	ErrEntryTooLarge   = errors.New("restore: database entry too large")
	// ErrLeftBehind means a failed restore could not remove all it made:
	// the registry keeps the entry for purge.
	ErrLeftBehind = errors.New("restore: could not remove everything it made")
	ErrExpired    = errors.New("restore: the archive has expired")
	// ErrAccountObject refuses --support-admin for an archive with a view,
	// trigger, routine or event that names the CMS's account tables, or a
	// trigger on them: it could copy or change the support admin's login
	// and password hash.
	ErrAccountObject = errors.New("restore: an object of the archive reaches the CMS's accounts, where the support admin would go")
	// ErrNeedsCMS: the options ask for what only a CMS's staging fixes
	// do (--support-admin, --rewrite-config, --url without --from-url, or
	// --cms naming one), and the archive has no such CMS's tables. The
	// error also wraps staging.ErrUnknownCMS.
	ErrNeedsCMS = errors.New("restore: the options need a CMS")
)

// Options configure Run.
type Options struct {
	// Archive is the archive's byte stream, age-encrypted or not (Keys
	// open it); ArchivePath is recorded in the registry.
	Archive     io.Reader
	ArchivePath string
	// Keys decrypt an encrypted archive (see archive.Decrypt).
	Keys archive.Keys
	// Server is the target server; its DBName is ignored. ServerName
	// describes it and Conn says how to reconnect (no password): both go
	// into the registry.
	Server     *mysql.Config
	ServerName string
	Conn       registry.Conn
	// Database is the database to create; "" means staging_ and the first
	// 12 digits of the snapshot id.
	Database string
	// Force allows a database or files directory that exists, but only
	// when an earlier restore made it (its marker is there): it is emptied
	// first. Nothing else is ever overwritten.
	Force bool
	// ExistingDatabase fills a database that exists already and is empty
	// (a hosting panel made it, and the account may not create
	// databases) instead of creating one. A failed restore then drops
	// only what it created in it, never the database.
	ExistingDatabase bool
	// FilesDir receives the archive's files/ entries; "" restores no files.
	FilesDir string
	Threads  int
	// URL is the staging site's URL; "" leaves URLs alone.
	URL string
	// OldURL is the source site's URL, for CMSs that do not store it
	// (Drupal) or CMS "none"; "" means the CMS's stored one.
	OldURL string
	// CMS is "" to detect it from the tables, "none" for no staging
	// fixes, or a name staging.Lookup knows.
	CMS string
	// Rules, if set, holds a restore: section (rules.RestoreRule) whose
	// values are set on the staging copy after the CMS's fixes; a rule
	// naming a table or column the copy lacks fails the restore.
	Rules *rules.Rules
	// SupportAdmin, if set, is the login of a temporary administrator
	// created with a random password; SupportEmail is its address.
	SupportAdmin string
	SupportEmail string
	// Expires is how long the staging copy is meant to live (registry and
	// support admin); 0 means no expiry. The copy never lives past the
	// archive's own expiry (its owner's), unless OutliveArchive: Run
	// shortens it, and the registry records both times.
	Expires time.Duration
	// OutliveArchive lets Expires run past the archive's expiry; the
	// registry entry records that it was asked for.
	OutliveArchive bool
	// RewriteConfig points the CMS's configuration file in FilesDir
	// (wp-config.php, parameters.php, env.php, settings.php) at the
	// staging database, with Server's user and password.
	RewriteConfig bool
	// IdentityFile, if set, is recorded in the registry as the age
	// identity file purge destroys. When it is empty, Restore records the
	// identity file of Keys that opened the archive, but only a
	// per-snapshot one (archive.PerSnapshotLine): a long-term identity is
	// never handed to purge.
	IdentityFile string
	// IgnoreExpiry restores an archive past its expiry; the registry
	// entry's notes say so. Without it such an archive is refused with
	// ErrExpired before anything is made.
	IgnoreExpiry bool
	// Target, if set, describes the target server instead of what it says
	// of itself (dbload.ReadTarget): the statements are adapted to it. For
	// tests that pretend the server lacks a collation or type.
	Target *dbload.Target
	// DropUnsupported leaves out what the target server cannot keep (a
	// sequence on MySQL, an index on an expression on MariaDB) instead of
	// refusing the archive; the adaptations say what was left out.
	DropUnsupported bool
	// Registry records the restore; required.
	Registry *registry.Registry
	// CheckHeader, if set, may refuse the archive once its header is read
	// (after the expiry check).
	CheckHeader func(archive.Header) error
	Progress    func(Progress)
	Warn        func(string)
}

// Progress describes how far Restore has come.
type Progress struct {
	Phase string // "checksum", "database", "files", "staging fixes"
	// Done counts archive bytes consumed (hashed, for "checksum").
	Done int64
	Item string
}

// Result is what Run made.
type Result struct {
	Entry    registry.Entry
	Header   archive.Header
	Manifest *archive.Manifest
	Tables   int
	Rows     int64
	Files    int64
	// CMS is the CMS the fixes were for, "" when none.
	CMS     string
	OldURL  string
	Fix     staging.FixReport
	Rewrite staging.RewriteStats
	Config  *staging.ConfigReport
	// RuleChanges are what Options.Rules' restore rules set, in order.
	RuleChanges []RuleChange
	// NotSafe, when no CMS's fixes ran, lists what stagecopy could not
	// make safe on the copy (Run warned about it).
	NotSafe []string
	// AdminPassword is the support admin's password: shown once, stored
	// nowhere.
	AdminPassword string
	Warnings      []string
	// Decryption says whether and how the archive was decrypted.
	Decryption archive.Decryption
	// ExpiryIgnored says the archive had expired and IgnoreExpiry let it in.
	ExpiryIgnored bool
	// ExpiryCapped says the copy's expiry is the archive's, earlier than
	// Options.Expires asked for (Entry.Expires holds it).
	ExpiryCapped bool
	// Target is the server loaded into, as read (or Options.Target), and
	// Adaptations what was changed in the archive's statements so that it
	// keeps them (docs/servers.md).
	Target      *dbload.Target
	Adaptations []dbload.Adaptation
}

var dbNameRE = regexp.MustCompile(`^[A-Za-z0-9_$-]{1,64}$`)

// Run loads an archive into a new database and a new files directory,
// applies the staging fixes and records the restore in the registry. Every
// entry is verified before it is used; on any failure, what Restore created
// is dropped and removed again.
func Run(ctx context.Context, opts Options) (res *Result, err error) {
	if opts.Registry == nil || opts.Server == nil || opts.Archive == nil {
		return nil, errors.New("restore: Archive, Server and Registry are required")
	}
	warn := func(s string) {
		if opts.Warn != nil {
			opts.Warn(s)
		}
	}
	// The hash is of the bytes as stored (the ciphertext of an encrypted
	// archive): it is the SHA-256 the owner quoted, and the one a deletion
	// receipt names.
	file, start := seekable(opts.Archive)
	if opts.CMS != "" && opts.CMS != "none" && !slices.Contains(staging.Names(), strings.ToLower(opts.CMS)) {
		return nil, fmt.Errorf("%w: %q (known: %s, or none)", staging.ErrUnknownCMS, opts.CMS, strings.Join(staging.Names(), ", "))
	}
	// A passphrase is asked once, however often the archive is opened.
	opts.Keys.Passphrase = once(opts.Keys.Passphrase)
	input, stopInput := cancelable(ctx, opts.Archive)
	defer stopInput()
	ar, err := archive.Open(input, opts.Keys)
	if err != nil {
		return nil, err
	}
	defer ar.Close()
	dec := ar.Decryption()
	h := ar.Header()
	var notes []string
	expired := !h.Expires.IsZero() && !time.Now().Before(h.Expires)
	switch {
	case expired && !opts.IgnoreExpiry:
		return nil, fmt.Errorf("%w: snapshot %s expired at %s", ErrExpired, h.SnapshotID, h.Expires.Format(time.RFC3339))
	case expired:
		notes = append(notes, fmt.Sprintf("restored with --ignore-expiry: the archive expired at %s", h.Expires.Format(time.RFC3339)))
		warn(fmt.Sprintf("the archive expired at %s; restoring anyway (--ignore-expiry), and the registry records it", h.Expires.Format(time.RFC3339)))
	}
	identityFile := opts.IdentityFile
	if identityFile == "" && dec.Identity != nil && dec.Identity.PerSnapshot {
		identityFile = dec.Identity.Path
	}
	if opts.CheckHeader != nil {
		if err := opts.CheckHeader(h); err != nil {
			return nil, err
		}
	}
	name := opts.Database
	if name == "" {
		name = "staging_" + h.SnapshotID[:min(12, len(h.SnapshotID))]
	}
	if !dbNameRE.MatchString(name) {
		return nil, fmt.Errorf("%w %q: use letters, digits, _ $ - (at most 64)", ErrBadDatabaseName, name)
	}
	if h.Source.Database != "" && strings.EqualFold(name, h.Source.Database) {
		return nil, fmt.Errorf("%w %q: a staging copy always goes into a new database of another name", ErrSourceDatabase, name)
	}

	id, err := registry.NewID()
	if err != nil {
		return nil, err
	}
	filesDir := ""
	if opts.FilesDir != "" {
		if filesDir, err = filepath.Abs(opts.FilesDir); err != nil {
			return nil, err
		}
	}
	// Read from a pipe, there is no archive file for purge to delete.
	archivePath := opts.ArchivePath
	if archivePath == "-" {
		archivePath = ""
	}
	if archivePath != "" {
		if archivePath, err = filepath.Abs(archivePath); err != nil {
			return nil, err
		}
	}
	// The archive file's SHA-256 goes into the registry before anything is
	// made: a restore killed half-way leaves an entry whose archive purge
	// can still tell from any other file, and delete.
	//
	// When the options need a CMS, the same read goes through the archive
	// for the tables its schema entries create, and detects the CMS from
	// them: an archive without one fails now, not after the load. (From a
	// pipe, which cannot be read twice, it fails after the load, and undo
	// removes what it made.)
	var archiveSum string
	needs := needsCMS(opts)
	switch {
	case file != nil && (len(needs) > 0 || opts.CMS != "" && opts.CMS != "none"):
		sum, tables, err := scanAhead(ctx, file, start, opts.Keys, opts.Progress)
		if err != nil {
			return nil, err
		}
		if _, err := detectCMS(tables, opts.CMS, needs); err != nil {
			return nil, fmt.Errorf("%w (the archive's schema entries create %s); nothing was made", err, tableList(tables))
		}
		if archivePath != "" {
			archiveSum = sum
		}
	case archivePath != "" && file != nil:
		if archiveSum, err = sumFrom(ctx, file, start, opts.Progress); err != nil {
			return nil, err
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	entry := registry.Entry{
		ID: id, SnapshotID: h.SnapshotID, Archive: archivePath, ArchiveSHA256: archiveSum, Server: opts.ServerName, Conn: opts.Conn,
		Database: name, FilesDir: filesDir, URL: opts.URL, Created: now, Status: registry.StatusRestoring,
		IdentityFile: identityFile, Notes: notes,
	}
	if opts.Expires > 0 {
		entry.Expires = now.Add(opts.Expires)
	}
	capped := false
	if !h.Expires.IsZero() {
		entry.ArchiveExpires = h.Expires.UTC()
		switch {
		case opts.OutliveArchive:
			entry.OutlivesArchive = true
			if entry.Expires.IsZero() || entry.Expires.After(entry.ArchiveExpires) {
				entry.Notes = append(entry.Notes, fmt.Sprintf("--outlive-archive: the copy may live past the archive's expiry (%s)", h.Expires.UTC().Format(time.RFC3339)))
			}
		case entry.Expires.IsZero() || entry.Expires.After(entry.ArchiveExpires):
			entry.Expires, capped = entry.ArchiveExpires, true
		}
	}
	if capped && expired {
		warn(fmt.Sprintf("the copy expires with its archive, at %s, which has passed: 'stagecopy purge --expired' removes it; --outlive-archive keeps it for --expires instead (the registry records that)", h.Expires.Format(time.RFC3339)))
	}
	r := &restorer{opts: opts, entry: &entry, ar: ar, warn: warn}
	server := *opts.Server
	server.DBName = ""
	server.MultiStatements = false
	conn, err := mysql.NewConnector(&server)
	if err != nil {
		return nil, err
	}
	r.admin = sql.OpenDB(conn)
	defer r.admin.Close()
	// The entry's lock comes first, so that purge cannot start on it while
	// this runs; then the registry entry: if this process dies half-way,
	// the lock is gone and purge finds what it made.
	release, err := opts.Registry.Hold(id)
	if err != nil {
		return nil, err
	}
	defer release()
	defer r.releaseHeld()
	if err := opts.Registry.Add(ctx, entry); err != nil {
		return nil, err
	}
	killpoint.Reached("restore-registered")
	defer func() {
		if err != nil {
			err = r.undo(err)
		}
	}()
	if err := r.createDatabase(ctx, name, h); err != nil {
		return nil, err
	}
	killpoint.Reached("after-marker")
	if filesDir != "" {
		if err := r.createFilesDir(filesDir); err != nil {
			return nil, err
		}
		killpoint.Reached("after-files-marker")
	}
	result := &Result{Header: h, Decryption: dec, ExpiryIgnored: expired, ExpiryCapped: capped}
	if err := r.load(ctx, &server, name, result); err != nil {
		return nil, err
	}
	killpoint.Reached("restore-loaded")
	// Everything is verified: the manifest trailer matched. Finish reads
	// what follows (age's last chunk is authenticated only now) so the
	// archive's hash covers every byte.
	if entry.ArchiveSHA256, err = ar.Finish(); err != nil {
		return nil, err
	}
	if archiveSum != "" && entry.ArchiveSHA256 != archiveSum {
		return nil, fmt.Errorf("%w: %s changed while it was restored (SHA-256 %s before, %s as read)", archive.ErrCorrupt, archivePath, archiveSum, entry.ArchiveSHA256)
	}
	m := sha256.Sum256(ar.ManifestJSON())
	entry.ManifestSHA256 = hex.EncodeToString(m[:])
	result.Manifest = ar.Manifest()
	entry.ArchiveMerkleRoot = result.Manifest.MerkleRoot
	for _, t := range result.Manifest.Tables {
		result.Tables++
		result.Rows += t.Rows
	}
	result.Files = result.Manifest.Files.Count

	if err := r.stage(ctx, &server, name, result); err != nil {
		return nil, err
	}
	for _, old := range r.replaced {
		entry.Notes = append(entry.Notes, "replaces parts of staging copy "+old)
	}
	killpoint.Reached("restore-before-active")
	entry.Status = registry.StatusActive
	if err := opts.Registry.Update(ctx, id, func(e *registry.Entry) error {
		*e = entry
		return nil
	}); err != nil {
		return nil, err
	}
	result.Entry = entry
	result.Warnings = r.warnings
	return result, nil
}

// seekable returns r as an io.ReaderAt, and the offset r will be read
// from, when r is a file (or anything else that can be read at an offset
// and tells its position); nil otherwise (a pipe).
func seekable(r io.Reader) (io.ReaderAt, int64) {
	ra, ok := r.(io.ReaderAt)
	s, ok2 := r.(io.Seeker)
	if !ok || !ok2 {
		return nil, 0
	}
	off, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0
	}
	return ra, off
}

// sumFrom returns the SHA-256 of ra from offset start to its end, read at
// offsets (pread), so that whoever reads it as a stream meanwhile is not
// disturbed. Progress is told how far it has come (phase "checksum").
func sumFrom(ctx context.Context, ra io.ReaderAt, start int64, progress func(Progress)) (string, error) {
	h := sha256.New()
	if _, err := io.CopyBuffer(h, &atReader{ctx: ctx, ra: ra, start: start, off: start, progress: progress}, make([]byte, 1<<20)); err != nil {
		return "", fmt.Errorf("restore: checksum of the archive: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// atReader reads ra from off at offsets (pread), honouring ctx, and tells
// progress how far it has come from start (phase "checksum").
type atReader struct {
	ctx        context.Context
	ra         io.ReaderAt
	start, off int64
	progress   func(Progress)
}

func (r *atReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.ra.ReadAt(p, r.off)
	r.off += int64(n)
	if r.progress != nil {
		r.progress(Progress{Phase: "checksum", Done: r.off - r.start})
	}
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

// scanAhead reads the archive in ra from start to its end, at offsets as
// sumFrom does, verifying it as restore will, and returns the SHA-256 of
// its stored bytes and the tables its schema entries create (CREATE TABLE,
// in archive order). Nothing but schema entries is kept, and of each at
// most heldLimit bytes: its memory is bounded as the load's.
func scanAhead(ctx context.Context, ra io.ReaderAt, start int64, keys archive.Keys, progress func(Progress)) (string, []string, error) {
	v, err := archive.Open(&atReader{ctx: ctx, ra: ra, start: start, off: start, progress: progress}, keys)
	if err != nil {
		return "", nil, err
	}
	defer v.Close()
	var tables []string
	for {
		e, err := v.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
		if !strings.HasPrefix(e.Name, archive.DBPrefix) || e.Type != archive.TypeFile || dbload.KindOf(e.Name) != dbload.EntrySchema {
			continue
		}
		// A statement the scanner cannot read fails the load later,
		// with its place in the entry; here it only ends the list.
		sc := sqldump.NewScanner(io.LimitReader(v, heldLimit))
		for {
			st, err := sc.Next()
			if err != nil {
				break
			}
			if st.Kind == sqldump.KindCreateTable && st.Table != "" {
				tables = append(tables, st.Table)
			}
		}
	}
	sum, err := v.Finish()
	return sum, tables, err
}

// needsCMS returns the options that only a CMS's staging fixes carry out.
func needsCMS(opts Options) []string {
	var needs []string
	if opts.SupportAdmin != "" {
		needs = append(needs, "--support-admin")
	}
	if opts.RewriteConfig {
		needs = append(needs, "--rewrite-config")
	}
	if opts.URL != "" && opts.OldURL == "" {
		needs = append(needs, "--url without --from-url")
	}
	return needs
}

// detectCMS finds the CMS of the tables, as opts.CMS asks: "" detects it,
// a name looks that one up. With no CMS found, it returns an error
// (ErrNeedsCMS) when --cms named one or needs is not empty, and nil, nil
// otherwise: restore then goes on without staging fixes.
func detectCMS(tables []string, name string, needs []string) (staging.CMS, error) {
	var cms staging.CMS
	var err error
	if name == "" {
		cms, err = staging.DetectTables(tables)
	} else {
		cms, err = staging.LookupTables(tables, name)
		needs = append([]string{"--cms " + name}, needs...)
	}
	switch {
	case err == nil:
		return cms, nil
	case !errors.Is(err, staging.ErrUnknownCMS) || len(needs) == 0:
		return nil, nil
	}
	return nil, fmt.Errorf("%w: %s: %w", ErrNeedsCMS, strings.Join(needs, ", "), err)
}

// tableList describes a list of tables in a line: how many, and the first
// few names.
func tableList(tables []string) string {
	switch len(tables) {
	case 0:
		return "no table"
	case 1:
		return "1 table: " + tables[0]
	}
	if len(tables) > 6 {
		return fmt.Sprintf("%d tables: %s...", len(tables), strings.Join(tables[:6], ", "))
	}
	return fmt.Sprintf("%d tables: %s", len(tables), strings.Join(tables, ", "))
}

// once returns a func that calls f the first time only, and then returns
// what it returned; nil for nil.
func once(f func() (string, error)) func() (string, error) {
	if f == nil {
		return nil
	}
	return sync.OnceValues(f)
}

// cancelable returns a reader of r whose Read returns ctx's error once ctx
// is done, even while r blocks (a pipe that stalled): restore must notice
// Ctrl-C and undo what it made. A goroutine copies r into a pipe; it ends
// when r does, or with its next Read after stop.
func cancelable(ctx context.Context, r io.Reader) (io.Reader, func()) {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, r)
		pw.CloseWithError(err)
	}()
	after := context.AfterFunc(ctx, func() { pr.CloseWithError(ctx.Err()) })
	return pr, func() {
		after()
		pr.Close()
	}
}

type restorer struct {
	opts     Options
	entry    *registry.Entry
	ar       *archive.Verifier
	admin    *sql.DB
	warn     func(string)
	warnings []string

	replaced   []string          // the earlier copies --force took parts of
	held       map[string]func() // by id, releases the locks of those copies (Registry.Hold)
	createdDB  bool              // we created the database: drop it on failure (if its marker names us)
	adoptedDB  bool              // it existed, empty (ExistingDatabase): drop what we created in it
	created    []createdObject   // what the schema and objects entries create, for an adopted database's undo
	createdDir bool              // we created the files directory: remove it on failure
	// createdParents are the missing parents of the files directory
	// that Restore made, outermost first.
	createdParents []string
	root           *os.Root
	// made holds the top-level names Restore wrote under root: undo
	// removes those, through root, and nothing else.
	made        map[string]bool
	symlinks    map[string]bool
	loaderClose func() error
}

func (r *restorer) warnf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	r.warnings = append(r.warnings, s)
	r.warn(s)
}

func (r *restorer) progress(phase, item string) {
	killpoint.Reached("mid-load-" + strings.ReplaceAll(phase, " ", "-"))
	if r.opts.Progress != nil {
		r.opts.Progress(Progress{Phase: phase, Done: r.ar.Stored(), Item: item})
	}
}

// undo removes what Restore made after a failure, and returns err with
// anything undo could not remove added to it.
func (r *restorer) undo(err error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r.loaderClose != nil {
		r.loaderClose()
	}
	var left []string
	if r.admin != nil && r.createdDB {
		// Only a database whose marker names this run: one that someone
		// else made under the name meanwhile is not ours to drop.
		if ids, _, e := registry.DatabaseMarker(ctx, r.admin, r.entry.Database); e != nil || len(ids) != 1 || ids[0] != r.entry.ID {
			left = append(left, fmt.Sprintf("database %s (its marker does not name %s: %v %v)", r.entry.Database, r.entry.ID, ids, e))
		} else if e := registry.DropDatabase(ctx, r.admin, r.entry.Database); e != nil {
			left = append(left, fmt.Sprintf("database %s (%v)", r.entry.Database, e))
		}
	}
	if r.admin != nil && r.adoptedDB {
		for _, o := range append(slices.Clone(r.created), createdObject{"TABLE", registry.MarkerTable}) {
			q := "DROP " + o.kind + " IF EXISTS " + sqldump.QuoteIdent(r.entry.Database) + "." + sqldump.QuoteIdent(o.name)
			if _, e := r.admin.ExecContext(ctx, q); e != nil {
				left = append(left, fmt.Sprintf("%s %s in %s (%v)", strings.ToLower(o.kind), o.name, r.entry.Database, e))
			}
		}
	}
	if r.root != nil {
		// Through the root opened at the start: if the path was
		// swapped since, what it points to now is not touched.
		for name := range r.made {
			if e := r.root.RemoveAll(name); e != nil {
				left = append(left, fmt.Sprintf("%s in %s (%v)", name, r.entry.FilesDir, e))
			}
		}
		r.root.Close()
		if r.createdDir {
			// Only if empty: another program's files stay.
			if e := os.Remove(r.entry.FilesDir); e == nil {
				for i := len(r.createdParents) - 1; i >= 0; i-- {
					if os.Remove(r.createdParents[i]) != nil {
						break
					}
				}
			}
		}
	}
	if len(left) > 0 {
		r.opts.Registry.Update(ctx, r.entry.ID, func(e *registry.Entry) error {
			e.Status = registry.StatusFailed
			e.Notes = append(e.Notes, "restore failed: "+err.Error(), "left behind: "+strings.Join(left, "; "))
			return nil
		})
		return fmt.Errorf("%w; %w: %s (the registry keeps entry %s: run stagecopy purge %s)", err, ErrLeftBehind, strings.Join(left, "; "), r.entry.ID, r.entry.ID)
	}
	if e := r.opts.Registry.Remove(ctx, r.entry.ID); e != nil {
		return fmt.Errorf("%w; and removing registry entry %s: %v", err, r.entry.ID, e)
	}
	return err
}
