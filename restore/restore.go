// Package restore turns an archive into a staging copy: a new database,
// loaded through dbload's guard (an archive is not trusted), a new
// directory of the site's files, the CMS's staging fixes (URL, mail and
// search engines off, a temporary support admin), and a registry entry with
// everything purge needs. What a failed or interrupted Run made, it undoes.
// Run reports progress through a callback and never prints.
package restore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/countio"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/internal/staging"
)

// Errors of Restore that the command line turns into hints.
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
)

// Options configure Restore.
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
	// Force allows a database or files directory that exists and is not
	// empty, but only when an earlier restore made it (its marker is
	// there): it is emptied first. Nothing else is ever overwritten.
	Force bool
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
	// SupportAdmin, if set, is the login of a temporary administrator
	// created with a random password; SupportEmail is its address.
	SupportAdmin string
	SupportEmail string
	// Expires is how long the staging copy is meant to live (registry and
	// support admin); 0 means no expiry.
	Expires time.Duration
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
	Phase string // "database", "files", "staging fixes"
	// Done counts archive bytes consumed.
	Done int64
	Item string
}

// Result is what Restore made.
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
	// AdminPassword is the support admin's password: shown once, stored
	// nowhere.
	AdminPassword string
	Warnings      []string
	// Decryption says whether and how the archive was decrypted.
	Decryption archive.Decryption
	// ExpiryIgnored says the archive had expired and IgnoreExpiry let it in.
	ExpiryIgnored bool
}

// MaxSQLEntry bounds a db/ entry, which is held in memory until its hash
// is verified: the server refuses a statement larger than 1 GiB (the
// highest max_allowed_packet) anyway, and snapshot cuts data into chunks
// of a few MiB.
const MaxSQLEntry = 1 << 30

var charsetRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

var dbNameRE = regexp.MustCompile(`^[A-Za-z0-9_$-]{1,64}$`)

// Restore loads an archive into a new database and a new files directory,
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
	sum := sha256.New()
	input, stopInput := cancelable(ctx, opts.Archive)
	defer stopInput()
	in := &countio.Reader{R: io.TeeReader(input, sum)}
	plain, dec, err := archive.Decrypt(in, opts.Keys)
	if err != nil {
		return nil, err
	}
	ar, err := archive.NewReader(plain)
	if err != nil {
		return nil, err
	}
	defer ar.Close()
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
	now := time.Now().UTC().Truncate(time.Second)
	entry := registry.Entry{
		ID: id, SnapshotID: h.SnapshotID, Archive: archivePath, Server: opts.ServerName, Conn: opts.Conn,
		Database: name, FilesDir: filesDir, URL: opts.URL, Created: now, Status: registry.StatusRestoring,
		IdentityFile: identityFile, Notes: notes,
	}
	if opts.Expires > 0 {
		entry.Expires = now.Add(opts.Expires)
	}
	r := &restorer{opts: opts, entry: &entry, ar: ar, in: in, warn: warn}
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
	defer func() {
		if err != nil {
			err = r.undo(err)
		}
	}()
	if err := r.createDatabase(ctx, name, h); err != nil {
		return nil, err
	}
	if filesDir != "" {
		if err := r.createFilesDir(filesDir); err != nil {
			return nil, err
		}
	}
	result := &Result{Header: h, Decryption: dec, ExpiryIgnored: expired}
	if err := r.load(ctx, &server, name, result); err != nil {
		return nil, err
	}
	// Everything is verified: the manifest trailer matched. Read what
	// follows (zstd padding; age's last chunk, which is authenticated only
	// now) so the archive's hash covers every byte.
	if _, err := io.Copy(io.Discard, plain); err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		return nil, err
	}
	entry.ArchiveSHA256 = hex.EncodeToString(sum.Sum(nil))
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
	for _, p := range r.replaced {
		if err := opts.Registry.Update(ctx, p.id, func(e *registry.Entry) error {
			if p.database {
				e.Notes = append(e.Notes, fmt.Sprintf("database %s replaced by staging copy %s (restore --force)", e.Database, id))
				e.Database = ""
			}
			if p.filesDir {
				e.Notes = append(e.Notes, fmt.Sprintf("files directory %s replaced by staging copy %s (restore --force)", e.FilesDir, id))
				e.FilesDir = ""
			}
			return nil
		}); err != nil {
			return nil, err
		}
		entry.Notes = append(entry.Notes, "replaces parts of staging copy "+p.id)
	}
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
	ar       *archive.Reader
	in       *countio.Reader
	admin    *sql.DB
	warn     func(string)
	warnings []string

	replaced    []replacedPart    // what --force took over from earlier copies
	held        map[string]func() // by id, releases the locks of those copies (Registry.Hold)
	createdDB   bool              // we created the database: drop it on failure
	emptyDB     bool              // it existed, empty: empty it again on failure
	dbCharset   string            // of the empty database taken over, for undo
	dbCollation string
	createdDir  bool // we created the files directory: remove it on failure
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
	if r.opts.Progress != nil {
		r.opts.Progress(Progress{Phase: phase, Done: r.in.N, Item: item})
	}
}

// createDatabase makes the target database, or takes an empty existing
// one, and puts the marker table in it.
func (r *restorer) createDatabase(ctx context.Context, name string, h archive.Header) error {
	qn := sqldump.QuoteIdent(name)
	var n int
	if err := r.admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&n); err != nil {
		return dbdump.Classify(err, "restore: connect to the server", "")
	}
	if n > 0 {
		objects, marked, err := databaseObjects(ctx, r.admin, name)
		if err != nil {
			return err
		}
		switch {
		case objects == 0:
			r.emptyDB = true
			// Undo recreates it: as it was.
			if err := r.admin.QueryRowContext(ctx, "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&r.dbCharset, &r.dbCollation); err != nil {
				return fmt.Errorf("restore: inspect database %s: %w", name, err)
			}
		case !r.opts.Force:
			return fmt.Errorf("%w: %s holds %d tables, views or routines", ErrDatabaseExists, name, objects)
		case !marked:
			return fmt.Errorf("%w: database %s exists, is not empty and has no %s table; --force only replaces an earlier staging copy", ErrNotOurs, name, registry.MarkerTable)
		default:
			// An earlier staging copy, but only one this registry
			// knows: its entry stops claiming the database.
			old, err := r.earlierCopy(ctx, "database "+name, func() (string, error) {
				ids, _, err := registry.DatabaseMarker(ctx, r.admin, name)
				if err != nil {
					return "", err
				}
				if len(ids) != 1 {
					return "", fmt.Errorf("its %s table holds %d rows, not one", registry.MarkerTable, len(ids))
				}
				return ids[0], nil
			}, func(e registry.Entry) bool { return e.Database == name })
			if err != nil {
				return err
			}
			r.replaced = append(r.replaced, replacedPart{id: old, database: true})
			if _, err := r.admin.ExecContext(ctx, "DROP DATABASE "+qn); err != nil {
				return fmt.Errorf("restore: drop earlier staging copy %s: %w", name, err)
			}
			n = 0
		}
	}
	if n == 0 {
		if _, err := r.admin.ExecContext(ctx, "CREATE DATABASE "+qn+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			return dbdump.Classify(err, "restore: create database "+name, "restore needs CREATE and DROP on the staging databases: GRANT ALL ON `staging\\_%`.* TO the account, or name a database it may create with --db-name")
		}
		r.createdDB = true
	}
	if r.entry.SnapshotID != h.SnapshotID {
		return fmt.Errorf("restore: registry entry names snapshot %s, the archive %s", r.entry.SnapshotID, h.SnapshotID)
	}
	return registry.WriteDatabaseMarker(ctx, r.admin, name, *r.entry)
}

// replacedPart is a part of an earlier staging copy that --force replaced.
type replacedPart struct {
	id                 string
	database, filesDir bool
}

// earlierCopy checks that what --force is about to replace (what) is an
// earlier staging copy of this registry: its marker (read by marker) names
// a registry entry for which owns is true. It returns that entry's id.
func (r *restorer) earlierCopy(ctx context.Context, what string, marker func() (string, error), owns func(registry.Entry) bool) (string, error) {
	id, err := marker()
	if err != nil {
		return "", fmt.Errorf("%w: %s: cannot read its staging marker: %v", ErrNotOurs, what, err)
	}
	if !registry.ValidID(id) {
		return "", fmt.Errorf("%w: %s is marked as staging copy %q, which is not a staging copy ID; --force only replaces copies this registry knows", ErrNotOurs, what, id)
	}
	if r.held[id] == nil {
		// Not while another process restores or purges it. The lock
		// comes before the checks, and the marker is read again under
		// it: a purge may have ended, and another restore begun, while
		// the lock was free.
		release, err := r.opts.Registry.Hold(id)
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		if r.held == nil {
			r.held = map[string]func(){}
		}
		r.held[id] = release
		if again, err := marker(); err != nil || again != id {
			return "", fmt.Errorf("%w: %s changed while restore looked at it (its marker named %q, now %q, %v); try again", ErrNotOurs, what, id, again, err)
		}
	}
	e, err := r.opts.Registry.Get(ctx, id)
	if err != nil || e.ID != id || !owns(e) {
		return "", fmt.Errorf("%w: %s is marked as staging copy %q, which this registry (%s) does not list with it; --force only replaces copies it knows", ErrNotOurs, what, id, r.opts.Registry.Dir())
	}
	return id, nil
}

// releaseHeld releases the locks of the earlier copies --force replaced.
func (r *restorer) releaseHeld() {
	for _, release := range r.held {
		release()
	}
}

// databaseObjects counts the tables, views, routines and events of a
// database and says whether it has the marker table.
func databaseObjects(ctx context.Context, db *sql.DB, name string) (int, bool, error) {
	var tables, routines, events, marker int
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?),
		(SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?),
		(SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?),
		(SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?)`,
		name, name, name, name, registry.MarkerTable).Scan(&tables, &routines, &events, &marker)
	if err != nil {
		return 0, false, fmt.Errorf("restore: inspect database %s: %w", name, err)
	}
	return tables + routines + events, marker > 0, nil
}

func (r *restorer) createFilesDir(dir string) error {
	// The directory itself must not be a symlink: what Restore writes,
	// and what undo and purge remove, must be where the registry says.
	if fi, err := os.Lstat(dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s is a symlink; give the directory it points to", ErrFilesDirExists, dir)
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Create the missing parents one by one, remembering them:
		// undo removes them again.
		var missing []string
		for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
			if _, err := os.Lstat(p); err == nil || p == filepath.Dir(p) {
				break
			}
			missing = append(missing, p)
		}
		for i := len(missing) - 1; i >= 0; i-- {
			if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("restore: files directory: %w", err)
			}
			r.createdParents = append(r.createdParents, missing[i])
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			return fmt.Errorf("restore: files directory: %w", err)
		}
		r.createdDir = true
	case err != nil:
		return fmt.Errorf("restore: files directory: %w", err)
	case len(entries) > 0:
		if _, err := os.Lstat(filepath.Join(dir, registry.MarkerFile)); err != nil || !r.opts.Force {
			if err != nil {
				return fmt.Errorf("%w: %s has %d entries and no %s; --force only replaces an earlier staging copy", ErrFilesDirExists, dir, len(entries), registry.MarkerFile)
			}
			return fmt.Errorf("%w: %s (an earlier staging copy: --force replaces it)", ErrFilesDirExists, dir)
		}
		old, err := r.earlierCopy(context.Background(), "files directory "+dir, func() (string, error) {
			return registry.FilesMarker(dir)
		}, func(e registry.Entry) bool { return e.FilesDir == dir })
		if err != nil {
			return err
		}
		r.replaced = append(r.replaced, replacedPart{id: old, filesDir: true})
		if err := emptyDir(dir); err != nil {
			return err
		}
	}
	before, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("restore: files directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("restore: files directory: %w", err)
	}
	// Nothing swapped the directory between the check and the open.
	if fi, err := root.Stat("."); err != nil || !before.IsDir() || !os.SameFile(before, fi) {
		root.Close()
		return fmt.Errorf("%w: %s changed while it was being checked", ErrFilesDirExists, dir)
	}
	r.root = root
	r.symlinks = map[string]bool{}
	r.made = map[string]bool{}
	r.made[registry.MarkerFile] = true
	return registry.WriteFilesMarker(root, *r.entry)
}

// wrote records that rel (or its first component) is Restore's, for undo.
func (r *restorer) wrote(rel string) {
	top, _, _ := strings.Cut(rel, "/")
	r.made[top] = true
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("restore: empty %s: %w", dir, err)
		}
	}
	return nil
}

// load reads every entry, verifying each before it is used: a database
// entry is read whole, and only run once the reader has checked its hash.
func (r *restorer) load(ctx context.Context, server *mysql.Config, name string, result *Result) error {
	loader, err := dbload.Open(ctx, dbload.Config{DSN: server.FormatDSN(), Database: name, Threads: r.opts.Threads})
	if err != nil {
		return err
	}
	r.loaderClose = loader.Close
	defer func() {
		if r.loaderClose != nil {
			r.loaderClose()
			r.loaderClose = nil
		}
	}()
	var pending *archive.Entry
	var pendingSQL []byte
	dataRunning := false
	cur, err := r.ar.Next()
	for ; err == nil; cur, err = r.ar.Next() {
		// cur's predecessor has been verified by Next: act on it.
		if pending != nil {
			if err := r.runSQL(ctx, loader, pending.Name, pendingSQL, &dataRunning); err != nil {
				return err
			}
			pending, pendingSQL = nil, nil
		}
		switch {
		case strings.HasPrefix(cur.Name, archive.DBPrefix):
			if cur.Type != archive.TypeFile {
				return fmt.Errorf("%w: %s is a %s", archive.ErrCorrupt, cur.Name, cur.Type)
			}
			r.progress("database", cur.Name)
			// The size is the archive's word, not yet verified: refuse
			// what could not be held, and grow the buffer as the bytes
			// actually come.
			if cur.Size > MaxSQLEntry {
				return fmt.Errorf("%w: %s claims %d bytes, at most %d are accepted", ErrEntryTooLarge, cur.Name, cur.Size, MaxSQLEntry)
			}
			buf, err := readEntry(r.ar, cur.Size)
			if err != nil {
				return err
			}
			pending, pendingSQL = cur, buf
		case strings.HasPrefix(cur.Name, archive.FilesPrefix):
			if r.root == nil {
				if cur.Type == archive.TypeFile && result.Files == 0 {
					r.warnf("the archive holds site files; no --files-dir was given, so they are not restored")
				}
				result.Files++
				continue
			}
			r.progress("files", cur.Name)
			if err := r.writeFile(cur); err != nil {
				return err
			}
		}
	}
	if err != io.EOF {
		return err
	}
	if pending != nil {
		if err := r.runSQL(ctx, loader, pending.Name, pendingSQL, &dataRunning); err != nil {
			return err
		}
	}
	if err := loader.Wait(); err != nil {
		return err
	}
	r.loaderClose = nil
	if err := loader.Close(); err != nil {
		return err
	}
	return r.disableEvents(ctx, name)
}

// readEntry reads the current entry, which says it holds size bytes. The
// buffer starts at no more than 16 MiB and doubles, up to size, only as the
// bytes come; an honest entry is read into a buffer of exactly its size
// (io.Copy into a bytes.Buffer would grow it to twice that to look for the
// end, and copy it).
func readEntry(r io.Reader, size int64) ([]byte, error) {
	buf := make([]byte, 0, min(size, 16<<20))
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(size-int64(len(buf)), int64(len(buf)))))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// runSQL runs one verified database entry: schema entries in order, data
// chunks in parallel, the objects entry (views, routines, triggers,
// events) once every chunk is in.
func (r *restorer) runSQL(ctx context.Context, loader *dbload.Loader, name string, text []byte, dataRunning *bool) error {
	base := strings.TrimPrefix(name, archive.DBPrefix)
	switch {
	case strings.HasSuffix(base, ".schema.sql"):
		return loader.Exec(ctx, name, text)
	case strings.HasPrefix(base, "-"):
		if *dataRunning {
			if err := loader.Wait(); err != nil {
				return err
			}
			*dataRunning = false
		}
		return loader.Exec(ctx, name, text)
	default:
		*dataRunning = true
		loader.Go(name, text)
		return nil
	}
}

// disableEvents turns off every event of the restored database: a staging
// copy must not run the site's scheduled jobs.
func (r *restorer) disableEvents(ctx context.Context, name string) error {
	rows, err := r.admin.QueryContext(ctx, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND STATUS = 'ENABLED'", name)
	if err != nil {
		return fmt.Errorf("restore: list events: %w", err)
	}
	var events []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return err
		}
		events = append(events, e)
	}
	rows.Close()
	for _, e := range events {
		if _, err := r.admin.ExecContext(ctx, "ALTER EVENT "+sqldump.QuoteIdent(name)+"."+sqldump.QuoteIdent(e)+" DISABLE"); err != nil {
			return fmt.Errorf("restore: disable event %s: %w", e, err)
		}
	}
	if len(events) > 0 {
		r.warnf("%d scheduled event(s) disabled: %s", len(events), strings.Join(events, ", "))
	}
	return nil
}

// writeFile writes one files/ entry under the root, never through a
// symlink and never over an existing file.
func (r *restorer) writeFile(e *archive.Entry) error {
	rel := strings.TrimPrefix(e.Name, archive.FilesPrefix)
	if rel == "" || rel == registry.MarkerFile {
		return fmt.Errorf("%w: %s", ErrUnsafeEntry, e.Name)
	}
	for p := path.Dir(rel); p != "."; p = path.Dir(p) {
		if r.symlinks[p] {
			return fmt.Errorf("%w: %s would be written through the symlink files/%s", ErrUnsafeEntry, e.Name, p)
		}
	}
	r.wrote(rel)
	if dir := path.Dir(rel); dir != "." {
		if err := r.root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("restore: %s: %w", e.Name, err)
		}
	}
	switch e.Type {
	case archive.TypeDir:
		perm := fs.FileMode(e.Mode)&0o775 | 0o700
		if err := r.root.MkdirAll(rel, perm); err != nil {
			return fmt.Errorf("restore: %s: %w", e.Name, err)
		}
		return r.root.Chmod(rel, perm)
	case archive.TypeSymlink:
		target := e.Link
		if !linkInside(rel, target) {
			r.warnf("symlink files/%s -> %s points outside the site; not restored", rel, target)
			return nil
		}
		if err := r.root.Symlink(target, rel); err != nil {
			return fmt.Errorf("restore: %s: %w", e.Name, err)
		}
		r.symlinks[rel] = true
		return nil
	}
	// No setuid/setgid/sticky, nothing world-writable, always readable by
	// the owner.
	perm := fs.FileMode(e.Mode)&0o775 | 0o600
	f, err := r.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("restore: %s: %w", e.Name, err)
	}
	if _, err := io.Copy(f, r.ar); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("restore: %s: %w", e.Name, err)
	}
	// OpenFile's mode went through the umask; the archive's (masked)
	// mode is what the site had.
	if err := r.root.Chmod(rel, perm); err != nil {
		return fmt.Errorf("restore: %s: %w", e.Name, err)
	}
	if !e.ModTime.IsZero() {
		r.root.Chtimes(rel, e.ModTime, e.ModTime)
	}
	return nil
}

// linkInside reports whether the symlink rel -> target stays inside the
// tree whatever the other links are: its ".." steps must all come first
// and climb no higher than the link's own directory, which is a real one
// (nothing is written through a link). A ".." after a name could climb
// out of a directory that is itself a link (files/e -> d/l/.. with
// files/d/l -> ..), which no lexical clean sees.
func linkInside(rel, target string) bool {
	if target == "" || path.IsAbs(target) || strings.ContainsRune(target, 0) {
		return false
	}
	depth := strings.Count(path.Dir(rel), "/") + 1
	if path.Dir(rel) == "." {
		depth = 0
	}
	named := false
	for _, part := range strings.Split(target, "/") {
		switch part {
		case "", ".":
		case "..":
			if named {
				return false
			}
			if depth--; depth < 0 {
				return false
			}
		default:
			named = true
		}
	}
	return true
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
	if r.admin != nil && (r.createdDB || r.emptyDB) {
		q := sqldump.QuoteIdent(r.entry.Database)
		if _, e := r.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q); e != nil {
			left = append(left, fmt.Sprintf("database %s (%v)", r.entry.Database, e))
		} else if r.emptyDB {
			// It was there, empty, before: leave it so.
			create := "CREATE DATABASE " + q
			if charsetRE.MatchString(r.dbCharset) && charsetRE.MatchString(r.dbCollation) {
				create += " CHARACTER SET " + r.dbCharset + " COLLATE " + r.dbCollation
			}
			if _, e := r.admin.ExecContext(ctx, create); e != nil {
				left = append(left, fmt.Sprintf("could not recreate the empty database %s (%v)", r.entry.Database, e))
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

// stage applies the CMS's staging fixes: URL rewrite, search engines and
// mail off, marker, support admin.
func (r *restorer) stage(ctx context.Context, server *mysql.Config, name string, result *Result) error {
	if r.opts.CMS == "none" && r.opts.URL == "" {
		return nil
	}
	cfg := *server
	cfg.DBName = name
	conn, err := mysql.NewConnector(&cfg)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	r.progress("staging fixes", "")
	var cms staging.CMS
	switch r.opts.CMS {
	case "none":
	case "":
		cms, err = staging.Detect(ctx, db)
		if errors.Is(err, staging.ErrUnknownCMS) && r.opts.SupportAdmin == "" && (r.opts.URL == "" || r.opts.OldURL != "") {
			r.warnf("no CMS recognized (%v): no staging fixes applied (search engines and mail are NOT off); name one with --cms", err)
			cms, err = nil, nil
		}
	default:
		cms, err = staging.Lookup(ctx, db, r.opts.CMS)
	}
	if err != nil {
		return err
	}
	old := r.opts.OldURL
	skip := func(table, column string) bool {
		return table == registry.MarkerTable || staging.IsSecretColumn(column)
	}
	if cms != nil {
		result.CMS = cms.Name()
		r.entry.CMS = cms.Name()
		if old == "" {
			if old, err = cms.SiteURL(ctx, db); err != nil {
				return err
			}
		}
		skip = func(table, column string) bool { return table == registry.MarkerTable || cms.SkipColumn(table, column) }
	}
	result.OldURL = old
	switch {
	case r.opts.URL == "":
	case old == "":
		r.warnf("the source site's URL is not in the database (%s): URLs in content were not rewritten; give it with --from-url", result.CMS)
	case !sameURL(old, r.opts.URL):
		rw, err := staging.NewURLRewriter(old, r.opts.URL)
		if err != nil {
			return fmt.Errorf("restore: --url: %w", err)
		}
		if result.Rewrite, err = staging.RewriteDatabase(ctx, db, rw, skip); err != nil {
			return err
		}
	}
	if cms == nil {
		return nil
	}
	result.Fix, err = cms.Fix(ctx, db, staging.FixOptions{URL: r.opts.URL, OldURL: old, FilesDir: r.entry.FilesDir, StagingID: r.entry.ID})
	if r.made != nil {
		for _, f := range result.Fix.Files {
			r.wrote(filepath.ToSlash(f)) // undo removes them if a later step fails
		}
	}
	if err != nil {
		return err
	}
	for _, w := range result.Fix.Warnings {
		r.warnf("%s", w)
	}
	if r.opts.RewriteConfig {
		creds := staging.DBCreds{Database: name, User: server.User, Password: server.Passwd}
		if server.Net == "unix" {
			creds.Socket = server.Addr
		} else {
			host, port, _ := net.SplitHostPort(server.Addr)
			creds.Host = host
			creds.Port, _ = strconv.Atoi(port)
		}
		rep, err := staging.RewriteConfig(r.entry.FilesDir, cms.Name(), creds, r.opts.URL)
		if err != nil {
			return fmt.Errorf("restore: --rewrite-config: %w", err)
		}
		result.Config = &rep
		for _, w := range rep.Warnings {
			r.warnf("%s", w)
		}
	}
	if r.opts.SupportAdmin != "" {
		pw, err := randomPassword()
		if err != nil {
			return err
		}
		email := r.opts.SupportEmail
		if email == "" {
			email = strings.ToLower(r.opts.SupportAdmin) + "@staging.example.invalid"
		}
		a, err := cms.CreateAdmin(ctx, db, r.opts.SupportAdmin, email, pw)
		if err != nil {
			return err
		}
		a.Expires = r.entry.Expires
		r.entry.Admin = &a
		result.AdminPassword = pw
	}
	return nil
}

func sameURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

// randomPassword returns 24 characters from a 57-letter alphabet (about
// 140 bits): letters and digits without look-alikes (0/O, 1/l/I), nothing
// that shells or CMS login forms mangle.
func randomPassword() (string, error) {
	const chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	var b [24]byte
	out := make([]byte, len(b))
	for i := range out {
		for {
			if _, err := rand.Read(b[i : i+1]); err != nil {
				return "", err
			}
			// Rejection sampling: no modulo bias.
			if int(b[i]) < 256-256%len(chars) {
				out[i] = chars[int(b[i])%len(chars)]
				break
			}
		}
	}
	return string(out), nil
}
