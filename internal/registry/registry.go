// Package registry keeps the list of staging copies that restore made on
// this machine (a JSON file, written atomically under a lock), the per-copy
// locks that keep restore and purge apart, and the markers that restore
// leaves in every database and directory it makes, which purge checks before
// it deletes anything.
package registry

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/stagecopy/stagecopy/internal/atomicfile"
	"github.com/stagecopy/stagecopy/internal/dbconn"
)

// Registry file format. Any new field in Entry or Conn must come with a
// new RegistryFormatVersion: readers refuse unknown fields rather than drop
// them on the next rewrite, because the registry is what purge works from.
const (
	RegistryFormat        = "stagecopy-registry"
	RegistryFormatVersion = 2 // 2 added Entry.Replaced
	registryFile          = "registry.json"
	lockFile              = "registry.lock"
	holdDir               = "busy" // Hold's lock files, one per staging copy
	idPrefix              = "stg-"
	defaultLockTimeout    = 30 * time.Second
)

// Entry statuses, in the order a staging copy goes through them.
const (
	StatusRestoring = "restoring" // restore started; database and files may be half made
	StatusActive    = "active"    // restore finished; the copy is in use
	StatusPurging   = "purging"   // purge started; parts may already be gone
	StatusPurged    = "purged"    // everything was removed and a receipt signed
	// StatusFailed marks a restore that failed and could not remove
	// everything it had made: purge finishes the job.
	StatusFailed = "failed"
)

var statuses = []string{StatusRestoring, StatusActive, StatusPurging, StatusPurged, StatusFailed}

var (
	// ErrNotFound means no entry has the ID (or ID prefix) asked for.
	ErrNotFound = errors.New("registry: no such staging copy")
	// ErrAmbiguous means an ID prefix matches more than one entry.
	ErrAmbiguous = errors.New("registry: ambiguous staging copy ID")
	// ErrCorrupt means registry.json cannot be read; it is left
	// untouched so nothing it records is lost.
	ErrCorrupt = errors.New("registry: file is damaged")
	// ErrVersion means registry.json was written by a newer
	// stagecopy.
	ErrVersion = errors.New("registry: file is from a newer stagecopy")
	// ErrLocked means another process held the registry lock for the whole
	// wait.
	ErrLocked = errors.New("registry: another stagecopy run holds the registry lock")
	// ErrBusy means another process is restoring, replacing or purging
	// the staging copy (Hold).
	ErrBusy = errors.New("registry: another stagecopy run is working on this staging copy")
)

// Conn says how to reconnect to the server holding a staging database. It
// has no password field on purpose: the registry is a plain file, and purge
// asks for the password the same way restore did.
type Conn = dbconn.Target

// Admin is a temporary administrator that restore created in a staging
// copy (staging.CMS.CreateAdmin): what purge needs to remove it again. The
// password is never part of it.
type Admin struct {
	Name    string    `json:"name"`
	Email   string    `json:"email"`
	UserID  int64     `json:"user_id"`
	Expires time.Time `json:"expires,omitzero"`
}

// Entry is one restored staging copy: everything purge needs to find and
// remove it, and to write a receipt the owner can check against the archive.
type Entry struct {
	ID             string `json:"id"` // "stg-" + 12 lowercase hex (NewID)
	SnapshotID     string `json:"snapshot_id"`
	Archive        string `json:"archive"` // absolute path of the archive restored from
	ArchiveSHA256  string `json:"archive_sha256"`
	ManifestSHA256 string `json:"manifest_sha256"`
	// ArchiveMerkleRoot is the manifest's Merkle root over the archive's
	// entries: a deletion receipt names it.
	ArchiveMerkleRoot string    `json:"archive_merkle_root,omitempty"`
	Server            string    `json:"server"` // human description ("mariadb 11.4 on /run/mysqld/mysqld.sock")
	Conn              Conn      `json:"conn"`
	Database          string    `json:"database"`
	FilesDir          string    `json:"files_dir,omitempty"` // absolute
	URL               string    `json:"url,omitempty"`
	CMS               string    `json:"cms,omitempty"`
	Admin             *Admin    `json:"support_admin,omitempty"`
	Created           time.Time `json:"created"`
	Expires           time.Time `json:"expires,omitzero"`
	Status            string    `json:"status"` // StatusRestoring, StatusActive, StatusPurging, StatusPurged
	// IdentityFile is the age identity the archive was decrypted with,
	// when it was encrypted to a per-snapshot key: purge destroys it
	// (crypto-erasure).
	IdentityFile string `json:"identity_file,omitempty"`
	// Replaced lists the parts of this copy that a later restore --force
	// took over (Database and FilesDir no longer name them): purge checks
	// that nothing of this copy is left there.
	Replaced []Replaced `json:"replaced,omitempty"`
	// Adaptations lists what restore changed in the archive's schema so
	// that the target server keeps it (docs/servers.md), one line each.
	Adaptations []string `json:"adaptations,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

// Replaced is a part of a staging copy that restore --force took over for
// another copy (By): its database, which it dropped and made again, or its
// files directory, which it emptied. Either Database or FilesDir is set.
type Replaced struct {
	Database string    `json:"database,omitempty"`
	FilesDir string    `json:"files_dir,omitempty"` // absolute
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Expired reports whether e has an expiry time and now is at or past it.
func (e Entry) Expired(now time.Time) bool {
	return !e.Expires.IsZero() && !now.Before(e.Expires)
}

// check is what Add and Update insist on before writing: an entry purge
// can work from.
func (e *Entry) check() error {
	if !ValidID(e.ID) {
		return fmt.Errorf("staging copy ID %q: want %q and 12 lowercase hex digits (NewID makes one)", e.ID, idPrefix)
	}
	if !slices.Contains(statuses, e.Status) {
		return fmt.Errorf("staging copy %s: status %q: want one of %s", e.ID, e.Status, strings.Join(statuses, ", "))
	}
	if e.Created.IsZero() {
		return fmt.Errorf("staging copy %s: no creation time", e.ID)
	}
	for _, p := range []struct{ name, path string }{{"archive", e.Archive}, {"files dir", e.FilesDir}} {
		if p.path != "" && !filepath.IsAbs(p.path) {
			return fmt.Errorf("staging copy %s: %s %q is not an absolute path; purge may run from another directory", e.ID, p.name, p.path)
		}
	}
	for _, r := range e.Replaced {
		if (r.Database == "") == (r.FilesDir == "") || !ValidID(r.By) || (r.FilesDir != "" && !filepath.IsAbs(r.FilesDir)) {
			return fmt.Errorf("staging copy %s: replaced part %+v: want a database or an absolute files directory, and the staging copy ID that took it over", e.ID, r)
		}
	}
	return nil
}

// Replace records in the entry that restore --force took over one of its
// parts (its database, or its files directory) for staging copy by: the
// part moves from Database or FilesDir to Replaced, and a note says so.
func (e *Entry) Replace(database, filesDir, by string, at time.Time) {
	if database != "" && e.Database == database {
		e.Database = ""
		e.Replaced = append(e.Replaced, Replaced{Database: database, By: by, At: at})
		e.Notes = append(e.Notes, fmt.Sprintf("database %s replaced by staging copy %s (restore --force)", database, by))
	}
	if filesDir != "" && e.FilesDir == filesDir {
		e.FilesDir = ""
		e.Replaced = append(e.Replaced, Replaced{FilesDir: filesDir, By: by, At: at})
		e.Notes = append(e.Notes, fmt.Sprintf("files directory %s replaced by staging copy %s (restore --force)", filesDir, by))
	}
}

// NewID returns a fresh staging copy ID: "stg-" and 12 lowercase hex digits
// (48 random bits: collisions within one registry are not a concern, and
// Add refuses one anyway).
func NewID() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new staging copy ID: %w", err)
	}
	return idPrefix + hex.EncodeToString(b[:]), nil
}

// ValidID reports whether id has the form NewID gives.
func ValidID(id string) bool {
	h, ok := strings.CutPrefix(id, idPrefix)
	if !ok || len(h) != 12 {
		return false
	}
	for _, c := range []byte(h) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// DefaultDir is where the registry lives unless told otherwise:
// $STAGECOPY_STATE_DIR, else $XDG_STATE_HOME/stagecopy, else
// $HOME/.local/state/stagecopy (the XDG base directory default).
func DefaultDir() (string, error) {
	if d := os.Getenv("STAGECOPY_STATE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	// The XDG spec says to ignore a relative value.
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "stagecopy"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("registry directory: %w; set STAGECOPY_STATE_DIR or give --state-dir", err)
	}
	return filepath.Join(home, ".local", "state", "stagecopy"), nil
}

// Registry is the list of restored staging copies, kept in registry.json in
// one directory. Every call reads the file afresh under a lock on
// registry.lock, so several stagecopy processes can share one registry; a
// change is a read-modify-write under an exclusive lock, written to a
// temporary file and renamed into place, so the file is always whole.
type Registry struct {
	dir         string
	lockTimeout time.Duration
}

// Open opens the registry in dir, creating dir (mode 0700: the
// registry names databases, hosts and users) when missing. It reads
// registry.json once, so a damaged or too new file is reported here, before
// a command does any work.
func Open(dir string) (*Registry, error) {
	if dir == "" {
		return nil, errors.New("registry directory: empty path")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("registry directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create registry directory: %w", err)
	}
	r := &Registry{dir: abs, lockTimeout: defaultLockTimeout}
	// No lock needed: writers replace the file by rename, so this read sees
	// a whole file, and it cannot wait on a stuck holder without a ctx.
	if _, err := r.read(); err != nil {
		return nil, err
	}
	return r, nil
}

// Dir returns the registry's directory, absolute.
func (r *Registry) Dir() string { return r.dir }

func (r *Registry) path() string { return filepath.Join(r.dir, registryFile) }

// Add records a new entry. It refuses an entry whose ID is already there,
// and one that fails basic checks (ID form, status, relative paths).
func (r *Registry) Add(ctx context.Context, e Entry) error {
	if err := e.check(); err != nil {
		return fmt.Errorf("registry add: %w", err)
	}
	return r.modify(ctx, func(es []Entry) ([]Entry, error) {
		if slices.ContainsFunc(es, func(x Entry) bool { return x.ID == e.ID }) {
			return nil, fmt.Errorf("registry add: staging copy %s: %w", e.ID, fs.ErrExist)
		}
		return append(es, e), nil
	})
}

// Update calls fn with the entry whose ID is id and writes what fn leaves
// there. When fn returns an error nothing is written and Update returns
// that error. fn may not change the ID.
func (r *Registry) Update(ctx context.Context, id string, fn func(*Entry) error) error {
	return r.modify(ctx, func(es []Entry) ([]Entry, error) {
		i := slices.IndexFunc(es, func(x Entry) bool { return x.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("registry update %s: %w", id, ErrNotFound)
		}
		e := es[i]
		e.Notes = slices.Clone(e.Notes) // fn's changes must not leak if it fails
		e.Replaced = slices.Clone(e.Replaced)
		if e.Admin != nil {
			a := *e.Admin
			e.Admin = &a
		}
		if err := fn(&e); err != nil {
			return nil, err
		}
		if e.ID != id {
			return nil, fmt.Errorf("registry update %s: the ID may not change (got %s)", id, e.ID)
		}
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("registry update: %w", err)
		}
		es[i] = e
		return es, nil
	})
}

// Remove deletes the entry whose ID is id.
func (r *Registry) Remove(ctx context.Context, id string) error {
	return r.modify(ctx, func(es []Entry) ([]Entry, error) {
		i := slices.IndexFunc(es, func(x Entry) bool { return x.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("registry remove %s: %w", id, ErrNotFound)
		}
		return slices.Delete(es, i, i+1), nil
	})
}

// List returns all entries, oldest first.
func (r *Registry) List(ctx context.Context) ([]Entry, error) {
	unlock, err := r.lock(ctx, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	es, err := r.read()
	if err != nil {
		return nil, err
	}
	sortEntries(es)
	return es, nil
}

// Get returns the entry whose ID is idOrPrefix or, failing that, the one
// entry whose ID starts with it (the "stg-" may be left out, as docker
// takes short container IDs). No match is ErrNotFound; several are
// ErrAmbiguous, with the candidates in the message.
func (r *Registry) Get(ctx context.Context, idOrPrefix string) (Entry, error) {
	if idOrPrefix == "" {
		return Entry{}, fmt.Errorf("staging copy ID: empty")
	}
	es, err := r.List(ctx)
	if err != nil {
		return Entry{}, err
	}
	for _, e := range es {
		if e.ID == idOrPrefix {
			return e, nil
		}
	}
	q := strings.TrimPrefix(idOrPrefix, idPrefix)
	var found []Entry
	for _, e := range es {
		if strings.HasPrefix(strings.TrimPrefix(e.ID, idPrefix), q) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return Entry{}, fmt.Errorf("%w: %q in %s", ErrNotFound, idOrPrefix, r.path())
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, e := range found {
		ids[i] = e.ID
	}
	return Entry{}, fmt.Errorf("%w: %q matches %s; give more of the ID", ErrAmbiguous, idOrPrefix, strings.Join(ids, ", "))
}

func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// fileData is registry.json.
type fileData struct {
	Format        string  `json:"format"`
	FormatVersion int     `json:"format_version"`
	Entries       []Entry `json:"entries"`
}

// modify is the read-modify-write every change goes through. If fn fails,
// nothing is written.
func (r *Registry) modify(ctx context.Context, fn func([]Entry) ([]Entry, error)) error {
	unlock, err := r.lock(ctx, true)
	if err != nil {
		return err
	}
	defer unlock()
	es, err := r.read()
	if err != nil {
		return err
	}
	es, err = fn(es)
	if err != nil {
		return err
	}
	sortEntries(es)
	if es == nil {
		es = []Entry{}
	}
	data, err := json.MarshalIndent(fileData{Format: RegistryFormat, FormatVersion: RegistryFormatVersion, Entries: es}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode registry: %w", err)
	}
	if err := atomicfile.Write(r.path(), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write registry: %w", err)
	}
	return nil
}

// read parses registry.json; a missing file is an empty registry. The
// caller holds the lock.
func (r *Registry) read() ([]Entry, error) {
	p := r.path()
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read registry: %w", err)
	}
	return parseRegistry(p, data)
}

// parseRegistry decodes registry.json strictly: unknown fields, a second
// JSON value, missing or duplicate IDs are all errors, because the next
// write would otherwise lose what it did not understand.
func parseRegistry(path string, data []byte) ([]Entry, error) {
	var f fileData
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	err := d.Decode(&f)
	if err == nil {
		if _, terr := d.Token(); terr != io.EOF {
			err = errors.New("unexpected data after the registry object")
		}
	}
	if err != nil {
		off := d.InputOffset()
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		// Both offsets count the bytes read up to and including the
		// offending one; point at that byte.
		case errors.As(err, &se):
			off = se.Offset - 1
		case errors.As(err, &te):
			off = te.Offset - 1
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			off = int64(len(data))
		}
		off = min(max(off, 0), int64(len(data)))
		line, col := lineCol(data, off)
		return nil, corrupt("%s:%d:%d (byte offset %d): %v", path, line, col, off, err)
	}
	if f.Format != RegistryFormat {
		return nil, corrupt("%s: format %q, want %q", path, f.Format, RegistryFormat)
	}
	if f.FormatVersion > RegistryFormatVersion {
		return nil, fmt.Errorf("%w: %s has format_version %d, this stagecopy knows up to %d; upgrade stagecopy",
			ErrVersion, path, f.FormatVersion, RegistryFormatVersion)
	}
	if f.FormatVersion < 1 {
		return nil, corrupt("%s: format_version %d", path, f.FormatVersion)
	}
	seen := make(map[string]bool, len(f.Entries))
	for i, e := range f.Entries {
		if e.ID == "" || seen[e.ID] {
			return nil, corrupt("%s: entry %d: missing or duplicate id %q", path, i, e.ID)
		}
		seen[e.ID] = true
	}
	return f.Entries, nil
}

// corrupt wraps ErrCorrupt with where and what, and what to do.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s; it was left as it is: repair it by hand or move it aside "+
		"(it is the only record of the staging copies purge must remove)", ErrCorrupt, fmt.Sprintf(format, args...))
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// lock takes the lock of registry.lock: exclusive for changes, shared for
// reads. It polls without blocking so that it can give up when ctx is done
// or after r.lockTimeout, naming the holder. The lock (gofrs/flock: flock
// on unix, LockFileEx on Windows) belongs to the open file, so two
// goroutines of one process exclude each other as two processes do, and the
// system drops the lock of a process that dies.
func (r *Registry) lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	p := filepath.Join(r.dir, lockFile)
	fl := flock.New(p, flock.SetPermissions(0o600))
	try := fl.TryRLock
	if exclusive {
		try = fl.TryLock
	}
	deadline := time.Now().Add(r.lockTimeout)
	wait := 5 * time.Millisecond
	for {
		ok, err := try()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		if ok {
			break
		}
		if ctx.Err() != nil || !time.Now().Before(deadline) {
			holder := lockHolder(p)
			fl.Close()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%w%s (%s): %w", ErrLocked, holder, p, ctx.Err())
			}
			return nil, fmt.Errorf("%w%s (%s); waited %v: wait for it to finish, or check that process", ErrLocked, holder, p, r.lockTimeout)
		}
		t := time.NewTimer(min(wait, time.Until(deadline)))
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		wait = min(wait*2, 100*time.Millisecond)
	}
	if !exclusive {
		return func() { fl.Close() }, nil
	}
	// Only the one exclusive holder writes its pid; shared holders are
	// many and would overwrite each other.
	clearPid := writeHolder(p)
	return func() {
		clearPid() // a pid left behind would blame a process that no longer holds it
		fl.Close()
	}, nil
}

// Hold takes the lock of staging copy id, for as long as a process works on
// it: restore holds it from before the entry exists until it returns (done
// or undone), restore --force while it replaces an earlier copy, purge
// while it runs. It does not wait: when another process holds it, Hold
// fails with ErrBusy, naming that process. The system drops the lock of a
// process that dies, so the entry of a crashed restore ("restoring") is
// free for purge to clean up, while that of a running one is not.
//
// The lock files (busy/ID.lock) stay: removing a lock file while another
// process may have it open would let two processes each hold a lock.
func (r *Registry) Hold(id string) (release func(), err error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("registry: hold %q: not a staging copy ID", id)
	}
	dir := filepath.Join(r.dir, holdDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	p := filepath.Join(dir, id+".lock")
	fl := flock.New(p, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("registry: lock %s: %w", p, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s%s (%s)", ErrBusy, id, lockHolder(p), p)
	}
	clearPid := writeHolder(p)
	return func() {
		clearPid()
		fl.Close()
	}, nil
}

// writeHolder records this process's id in the lock file p, which the
// caller holds exclusively, and returns a func that empties it again. It
// writes through a handle of its own: on unix the lock is advisory and does
// not stop it; on Windows the lock covers the file's first byte, so the
// record fails there and holders go unnamed (it is only a courtesy).
func writeHolder(p string) (clear func()) {
	f, err := os.OpenFile(p, os.O_RDWR, 0o600)
	if err != nil {
		return func() {}
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		f.Truncate(0)
		f.Close()
	}
}

// lockHolder returns " (pid N)" from the lock file p, or "" when no writer
// recorded itself (shared holders do not).
func lockHolder(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (pid %d)", pid)
}
