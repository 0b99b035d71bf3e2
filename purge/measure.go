package purge

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// dbState is what purge found on the server before deleting.
type dbState struct {
	exists  bool
	ours    bool   // the marker table has exactly one row, naming this staging id
	refusal string // why the database is not ours
	err     error  // the lookup failed
}

// filesState is what purge found of the files directory.
type filesState struct {
	present   bool // something is at FilesDir
	ours      bool
	refusal   string
	tombstone bool // an earlier purge's renamed directory is still there
	restoring bool // a restore killed before it renamed the directory into place left it (registry.RestoringDir)
}

// partState is the archive's and the identity file's.
type partState struct {
	present bool
	ok      bool // may be deleted
	refusal string
	// destroying: only the key's tombstone is there (keyTombstone), left
	// by a purge killed while it overwrote the key.
	destroying bool
}

// keyTombstone is where the identity file is renamed before it is
// overwritten and removed: a purge killed half-way through leaves this name,
// which the next one recognises and finishes, where a zero-filled file under
// the identity's own name could no longer be told from someone else's.
func keyTombstone(path string) string { return path + ".stagecopy-destroying" }

// tombstone is where the files directory is renamed before it is removed:
// beside it, hidden, naming the staging id, so the site disappears from its
// path at once and a purge interrupted half-way through the removal finds
// the rest.
func tombstone(e registry.Entry) string { return tombstoneOf(e.FilesDir, e.ID) }

func tombstoneOf(dir, id string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".stagecopy-purging-"+id)
}

// measure looks at every part before anything is deleted and records what
// it holds in the journal, which is saved before measure returns.
func (p *purger) measure(ctx context.Context) error {
	e, j := p.entry, p.journal
	if p.admin != nil && e.Database != "" {
		p.dbState = p.inspectDatabase(ctx)
		if p.dbState.ours {
			if tables, m, err := measureDatabase(ctx, p.admin, e.Database); err == nil {
				j.Tables = tables
				j.Before[dbTarget(e, e.Database)] = m
			}
		}
	}
	if e.FilesDir != "" {
		p.files = inspectFiles(e, func(id string) bool {
			return p.claims(ctx, id, func(r registry.Replaced) bool { return r.FilesDir == e.FilesDir })
		})
		if p.files.present && p.files.ours {
			if m, err := measureFiles(ctx, e.FilesDir); err == nil {
				j.Before[e.FilesDir] = m
			}
		}
	}
	if e.Archive != "" && e.Archive != "-" && !p.opts.KeepArchive {
		var m *receipt.Measure
		p.archive, m = inspectArchive(e)
		if m != nil {
			j.Before[e.Archive] = m
		}
	}
	if e.IdentityFile != "" {
		p.key = inspectIdentity(e.IdentityFile)
		if fi, err := os.Lstat(keyTombstone(e.IdentityFile)); !p.key.present && err == nil && fi.Mode().IsRegular() {
			p.key = partState{present: true, ok: true, destroying: true}
		}
	}
	return j.save(p.dir)
}

// inspectDatabase says whether the staging database exists and carries
// the marker naming this staging copy.
func (p *purger) inspectDatabase(ctx context.Context) dbState {
	name := p.entry.Database
	var n int
	if err := p.admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&n); err != nil {
		return dbState{err: fmt.Errorf("look up database %s: %w", name, err)}
	}
	if n == 0 {
		return dbState{}
	}
	st := dbState{exists: true}
	ids, present, err := registry.DatabaseMarker(ctx, p.admin, name)
	if errors.Is(err, registry.ErrMarkerConflict) {
		// Changed since restore, by someone with access to the server:
		// whose it is cannot be told, so it is not this copy's, and not
		// another copy's either (reclaim left it here).
		st.refusal = fmt.Sprintf("%v: it was changed after restore made it; if the database is this copy's, put its marker back (UPDATE %s SET staging_id = '%s') or drop it by hand, then purge again", err, registry.MarkerTable, p.entry.ID)
		return st
	}
	if err != nil {
		st.err = err
		return st
	}
	if !present {
		st.refusal = fmt.Sprintf("database %s has no %s table: stagecopy restore did not make it (or it was replaced)", name, registry.MarkerTable)
		return st
	}
	if len(ids) != 1 || !p.claims(ctx, ids[0], func(r registry.Replaced) bool { return r.Database == name }) {
		st.refusal = fmt.Sprintf("the %s table of database %s names %s, not %s", registry.MarkerTable, name, strings.Join(ids, ", "), p.entry.ID)
		if len(ids) == 0 {
			st.refusal = fmt.Sprintf("the %s table of database %s is empty", registry.MarkerTable, name)
		}
		return st
	}
	st.ours = true
	return st
}

// measureDatabase counts the rows of every base table but the marker,
// exactly (COUNT(*), not the statistics' estimate).
func measureDatabase(ctx context.Context, db *sql.DB, name string) ([]TableCount, *receipt.Measure, error) {
	rows, err := db.QueryContext(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> ? ORDER BY TABLE_NAME", name, registry.MarkerTable)
	if err != nil {
		return nil, nil, err
	}
	var tables []TableCount
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, nil, err
		}
		tables = append(tables, TableCount{Name: t})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	m := &receipt.Measure{Tables: int64(len(tables))}
	for i := range tables {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+sqldump.QuoteIdent(name)+"."+sqldump.QuoteIdent(tables[i].Name)).Scan(&tables[i].Rows); err != nil {
			return nil, nil, fmt.Errorf("count rows of %s: %w", tables[i].Name, err)
		}
		m.Rows += tables[i].Rows
	}
	return tables, m, nil
}

// inspectFiles says whether e's files directory is there and whether it
// is ours: its marker names a staging copy for which claims is true.
func inspectFiles(e registry.Entry, claims func(id string) bool) filesState {
	var st filesState
	if _, err := os.Lstat(tombstone(e)); err == nil {
		st.tombstone = true
	}
	st.restoring = !st.tombstone && restoringLeft(e.FilesDir, e.ID)
	fi, err := os.Lstat(e.FilesDir)
	if errors.Is(err, fs.ErrNotExist) {
		return st
	}
	st.present = true
	switch {
	case err != nil:
		st.refusal = err.Error()
	case !fi.IsDir():
		st.refusal = e.FilesDir + " is not a directory"
	default:
		id, err := registry.FilesMarker(e.FilesDir)
		switch {
		case err != nil:
			st.refusal = fmt.Sprintf("no readable %s in %s: stagecopy restore did not make it (%v)", registry.MarkerFile, e.FilesDir, err)
		case !claims(id):
			st.refusal = fmt.Sprintf("%s in %s names %s, not %s", registry.MarkerFile, e.FilesDir, id, e.ID)
		default:
			st.ours = true
		}
	}
	return st
}

// restoringLeft reports whether a restore of staging copy id killed before
// it renamed its new files directory into place left it
// (registry.RestoringDir): marked as id's, or empty (killed before the
// marker).
func restoringLeft(dir, id string) bool {
	tmp := registry.RestoringDir(dir, id)
	if marker, err := registry.FilesMarker(tmp); err == nil {
		return marker == id
	}
	return registry.Unmarked(tmp)
}

// measureFiles walks a directory (never following symlinks) and measures
// it: regular files, directories, bytes, and the RFC 6962 tree hash over
// its entries as an archive would hold them ("files/<path>", lexical
// order, archive.LeafHash), restore's marker file left out, so that it can
// be compared with the files/ entries of the archive's manifest.
func measureFiles(ctx context.Context, dir string) (*receipt.Measure, error) {
	m := &receipt.Measure{}
	var entries []archive.Entry
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == registry.MarkerFile {
			return nil
		}
		e := archive.Entry{Name: archive.FilesPrefix + rel}
		switch d.Type() {
		case fs.ModeDir:
			m.Dirs++
			sum := sha256.Sum256(nil)
			e.Type, e.SHA256 = archive.TypeDir, hex.EncodeToString(sum[:])
		case fs.ModeSymlink:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256([]byte(target))
			e.Type, e.Size, e.SHA256 = archive.TypeSymlink, int64(len(target)), hex.EncodeToString(sum[:])
		case 0:
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			h := sha256.New()
			n, err := io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			m.Files++
			m.Bytes += n
			e.Type, e.Size, e.SHA256 = archive.TypeFile, n, hex.EncodeToString(h.Sum(nil))
		default:
			return nil // sockets, fifos: restore makes none
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("measure %s: %w", dir, err)
	}
	m.FilesMerkleRoot = archive.MerkleRoot(entries)
	return m, nil
}

// fileSHA256 hashes a regular file, refusing anything else.
func fileSHA256(path string) (string, int64, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func inspectArchive(e registry.Entry) (partState, *receipt.Measure) {
	_, err := os.Lstat(e.Archive)
	if errors.Is(err, fs.ErrNotExist) {
		return partState{}, nil
	}
	st := partState{present: true}
	sum, n, err := fileSHA256(e.Archive)
	switch {
	case err != nil:
		st.refusal = err.Error()
		return st, nil
	case e.ArchiveSHA256 == "":
		st.refusal = "the registry recorded no SHA-256 for it (an unfinished restore by an older stagecopy, which recorded it only at the end), so it cannot be told from another file: left in place; purge with --keep-archive and delete it yourself"
	case sum != e.ArchiveSHA256:
		st.refusal = fmt.Sprintf("its SHA-256 %s is not the %s the registry recorded: not the archive restored from, left in place", sum, e.ArchiveSHA256)
	default:
		st.ok = true
	}
	return st, &receipt.Measure{Bytes: n, SHA256: sum}
}

func inspectIdentity(path string) partState {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return partState{}
	}
	st := partState{present: true}
	if err != nil {
		st.refusal = err.Error()
		return st
	}
	if !fi.Mode().IsRegular() {
		st.refusal = path + " is not a regular file"
		return st
	}
	f, err := os.Open(path)
	if err != nil {
		st.refusal = err.Error()
		return st
	}
	defer f.Close()
	head, err := io.ReadAll(io.LimitReader(f, 256))
	if err != nil {
		st.refusal = err.Error()
		return st
	}
	if !archive.IsPerSnapshot(head) {
		st.refusal = fmt.Sprintf("its first line is not %q: not a per-snapshot identity stagecopy made, left in place", archive.PerSnapshotLine)
		return st
	}
	st.ok = true
	return st
}
