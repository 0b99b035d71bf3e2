package purge

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/internal/staging"
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
}

// partState is the archive's and the identity file's.
type partState struct {
	present bool
	ok      bool // may be deleted
	refusal string
}

// tombstone is where the files directory is renamed before it is removed:
// beside it, hidden, naming the staging id, so the site disappears from its
// path at once and a purge interrupted half-way through the removal finds
// the rest.
func tombstone(e registry.Entry) string {
	return filepath.Join(filepath.Dir(e.FilesDir), "."+filepath.Base(e.FilesDir)+".stagecopy-purging-"+e.ID)
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
				j.Before[dbTarget(e)] = m
			}
		}
	}
	if e.FilesDir != "" {
		p.files = inspectFiles(e)
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
	if err != nil {
		st.err = err
		return st
	}
	if !present {
		st.refusal = fmt.Sprintf("database %s has no %s table: stagecopy restore did not make it (or it was replaced)", name, registry.MarkerTable)
		return st
	}
	if len(ids) != 1 || ids[0] != p.entry.ID {
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

func inspectFiles(e registry.Entry) filesState {
	var st filesState
	if _, err := os.Lstat(tombstone(e)); err == nil {
		st.tombstone = true
	}
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
		case id != e.ID:
			st.refusal = fmt.Sprintf("%s in %s names %s, not %s", registry.MarkerFile, e.FilesDir, id, e.ID)
		default:
			st.ours = true
		}
	}
	return st
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
		st.refusal = "the registry recorded no SHA-256 for it (the restore did not finish), so it cannot be told from another file: left in place"
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
	line, err := bufio.NewReader(io.LimitReader(f, 256)).ReadString('\n')
	if err != nil && err != io.EOF {
		st.refusal = err.Error()
		return st
	}
	if strings.TrimRight(line, "\r\n") != IdentityHeader {
		st.refusal = fmt.Sprintf("its first line is not %q: not a per-snapshot identity stagecopy made, left in place", IdentityHeader)
		return st
	}
	st.ok = true
	return st
}

func (p *purger) act(kind receipt.ActionKind, target string, result receipt.ActionResult, err string) {
	a := receipt.Action{Action: kind, Target: target, Result: result, Error: err}
	if m := p.journal.Before[target]; m != nil {
		a.Before = m
	}
	p.actions = append(p.actions, a)
}

func interrupted(ctx context.Context) string {
	if err := ctx.Err(); err != nil {
		return "not attempted: purge interrupted (" + err.Error() + ")"
	}
	return ""
}

// deleteDatabase drops the staging database, or, when it cannot be
// dropped, removes the support admin from it.
func (p *purger) deleteDatabase(ctx context.Context) {
	e := p.entry
	if e.Database == "" {
		return
	}
	target := dbTarget(e)
	adminTarget := ""
	if e.Admin != nil {
		adminTarget = e.Database + "/" + e.Admin.Name
	}
	admin := func(result receipt.ActionResult, err string) {
		if adminTarget != "" {
			p.act(receipt.RemoveSupportAdmin, adminTarget, result, err)
		}
	}
	st := p.dbState
	switch {
	case p.admin == nil:
		msg := "server unreachable: " + errText(p.dbErr)
		p.act(receipt.DropDatabase, target, receipt.Failed, msg)
		admin(receipt.Failed, msg)
		return
	case st.err != nil:
		p.act(receipt.DropDatabase, target, receipt.Failed, errText(st.err))
		admin(receipt.Failed, "not attempted: "+errText(st.err))
		return
	case !st.exists:
		p.act(receipt.DropDatabase, target, receipt.AlreadyAbsent, "")
		admin(receipt.AlreadyAbsent, "")
		return
	case !st.ours:
		p.act(receipt.DropDatabase, target, receipt.Failed, "refused: "+st.refusal)
		admin(receipt.Skipped, "") // nothing in a database that is not ours is touched
		return
	}
	if msg := interrupted(ctx); msg != "" {
		p.act(receipt.DropDatabase, target, receipt.Failed, msg)
		admin(receipt.Failed, msg)
		return
	}
	if _, err := p.admin.ExecContext(ctx, "DROP DATABASE "+sqldump.QuoteIdent(e.Database)); err != nil {
		p.act(receipt.DropDatabase, target, receipt.Failed, errText(err))
		// The data stays; at least the account that could log in goes.
		if adminTarget != "" {
			if err := p.removeAdmin(ctx); err != nil {
				admin(receipt.Failed, errText(err))
			} else {
				p.adminRemovedAlone = true
				admin(receipt.Done, "")
			}
		}
		return
	}
	p.act(receipt.DropDatabase, target, receipt.Done, "")
	admin(receipt.Done, "") // it lived in the database
}

// removeAdmin deletes the support admin through its CMS, on a connection
// to the staging database.
func (p *purger) removeAdmin(ctx context.Context) error {
	cfg, err := p.opts.Server(p.entry)
	if err != nil {
		return err
	}
	c := *cfg
	c.DBName = p.entry.Database
	conn, err := mysql.NewConnector(&c)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	cms, err := staging.Lookup(ctx, db, p.entry.CMS)
	if err != nil {
		return err
	}
	return cms.RemoveAdmin(ctx, db, *p.entry.Admin)
}

// deleteFiles renames the files directory to its tombstone and removes
// that.
func (p *purger) deleteFiles(ctx context.Context) {
	e := p.entry
	if e.FilesDir == "" {
		return
	}
	st := p.files
	tomb := tombstone(e)
	switch {
	case !st.present && !st.tombstone:
		p.act(receipt.RemoveFiles, e.FilesDir, receipt.AlreadyAbsent, "")
		return
	case st.present && !st.ours:
		p.act(receipt.RemoveFiles, e.FilesDir, receipt.Failed, "refused: "+st.refusal)
		return
	}
	if msg := interrupted(ctx); msg != "" {
		p.act(receipt.RemoveFiles, e.FilesDir, receipt.Failed, msg)
		return
	}
	if st.present {
		if st.tombstone {
			if err := os.RemoveAll(tomb); err != nil {
				p.act(receipt.RemoveFiles, e.FilesDir, receipt.Failed, errText(err))
				return
			}
		}
		if err := os.Rename(e.FilesDir, tomb); err != nil {
			p.act(receipt.RemoveFiles, e.FilesDir, receipt.Failed, errText(err))
			return
		}
		p.journal.FilesRenamed = true
		p.journal.save(p.dir)
	}
	if err := os.RemoveAll(tomb); err != nil {
		p.act(receipt.RemoveFiles, e.FilesDir, receipt.Failed, errText(err))
		return
	}
	p.act(receipt.RemoveFiles, e.FilesDir, receipt.Done, "")
}

func (p *purger) deleteArchive(ctx context.Context) {
	e := p.entry
	if e.Archive == "" || e.Archive == "-" {
		return
	}
	if p.opts.KeepArchive {
		p.act(receipt.DeleteArchive, e.Archive, receipt.Skipped, "")
		return
	}
	st := p.archive
	switch {
	case !st.present:
		p.act(receipt.DeleteArchive, e.Archive, receipt.AlreadyAbsent, "")
		return
	case !st.ok:
		p.act(receipt.DeleteArchive, e.Archive, receipt.Failed, "refused: "+st.refusal)
		return
	}
	if msg := interrupted(ctx); msg != "" {
		p.act(receipt.DeleteArchive, e.Archive, receipt.Failed, msg)
		return
	}
	if err := os.Remove(e.Archive); err != nil {
		p.act(receipt.DeleteArchive, e.Archive, receipt.Failed, errText(err))
		return
	}
	syncDir(filepath.Dir(e.Archive))
	p.act(receipt.DeleteArchive, e.Archive, receipt.Done, "")
}

// destroyKey overwrites the identity file with zeros, syncs it and removes
// it. On SSDs and copy-on-write filesystems the overwrite may not reach the
// old blocks (the receipt's out-of-scope list says so); it is done anyway
// because on the rest it does.
func (p *purger) destroyKey(ctx context.Context) {
	path := p.entry.IdentityFile
	if path == "" {
		return
	}
	st := p.key
	switch {
	case !st.present:
		p.act(receipt.DestroyKey, path, receipt.AlreadyAbsent, "")
		return
	case !st.ok:
		p.act(receipt.DestroyKey, path, receipt.Failed, "refused: "+st.refusal)
		return
	}
	if msg := interrupted(ctx); msg != "" {
		p.act(receipt.DestroyKey, path, receipt.Failed, msg)
		return
	}
	if err := overwriteAndRemove(path); err != nil {
		p.act(receipt.DestroyKey, path, receipt.Failed, errText(err))
		return
	}
	p.journal.KeyDestroyed = true
	p.act(receipt.DestroyKey, path, receipt.Done, "")
}

func overwriteAndRemove(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil {
		_, err = f.Write(make([]byte, fi.Size()))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("overwrite %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// check looks at every target again, after the deletions, and records
// what it sees; it never infers absence from an action's result.
func (p *purger) check(ctx context.Context) {
	e := p.entry
	if e.Database != "" {
		target := dbTarget(e)
		if p.admin == nil {
			p.addCheck("database_exists", target, receipt.CheckError, "server unreachable: "+errText(p.dbErr))
		} else {
			p.checkDatabase(ctx, target)
		}
	}
	if e.FilesDir != "" {
		p.checkPath(e.FilesDir, e.FilesDir, "", p.files.refusal)
		if p.files.tombstone || p.journal.FilesRenamed {
			p.checkPath(e.FilesDir, tombstone(e), "directory renamed for removal: ", "")
		}
	}
	if e.Archive != "" && e.Archive != "-" && !p.opts.KeepArchive {
		p.checkPath(e.Archive, e.Archive, "", p.archive.refusal)
	}
	if e.IdentityFile != "" {
		p.checkPath(e.IdentityFile, e.IdentityFile, "", p.key.refusal)
	}
}

func (p *purger) checkDatabase(ctx context.Context, target string) {
	e := p.entry
	var n int
	dbAbsent := false
	if err := p.admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", e.Database).Scan(&n); err != nil {
		p.addCheck("database_exists", target, receipt.CheckError, errText(err))
	} else if n > 0 {
		detail := "database " + e.Database + " is listed in information_schema.SCHEMATA"
		if p.dbState.refusal != "" {
			detail += "; not dropped: " + p.dbState.refusal
		}
		p.addCheck("database_exists", target, receipt.Present, detail)
	} else {
		dbAbsent = true
		p.addCheck("database_exists", target, receipt.Absent, "not in information_schema.SCHEMATA")
	}
	if err := p.admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", e.Database).Scan(&n); err != nil {
		p.addCheck("tables_exist", target, receipt.CheckError, errText(err))
	} else if n > 0 {
		p.addCheck("tables_exist", target, receipt.Present, fmt.Sprintf("%d tables in information_schema.TABLES", n))
	} else {
		p.addCheck("tables_exist", target, receipt.Absent, "no tables in information_schema.TABLES")
	}
	if e.Admin == nil || p.dbState.refusal != "" {
		return
	}
	adminTarget := e.Database + "/" + e.Admin.Name
	switch {
	case dbAbsent:
		p.addCheck("user_exists", adminTarget, receipt.Absent, "the database that held the account does not exist")
	case p.adminRemovedAlone:
		p.addCheck("user_exists", adminTarget, receipt.CheckError, "the database is still there; the account was deleted through the CMS, which has no separate lookup to confirm it")
	default:
		p.addCheck("user_exists", adminTarget, receipt.Present, "the database that holds the account is still there")
	}
}

// checkPath records whether path exists: absent only on ENOENT.
func (p *purger) checkPath(target, path, prefix, refusal string) {
	_, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.addCheck("path_exists", target, receipt.Absent, prefix+path+": "+errText(errors.Unwrap(err)))
	case err != nil:
		p.addCheck("path_exists", target, receipt.CheckError, prefix+errText(err))
	default:
		detail := prefix + path + " exists"
		if refusal != "" {
			detail += "; not removed: " + refusal
		}
		p.addCheck("path_exists", target, receipt.Present, detail)
	}
}

// manifestFields is what purge reads of a manifest.
type manifestFields struct {
	SnapshotID string `json:"snapshot_id"`
	MerkleRoot string `json:"merkle_root"`
}

func parseManifest(data []byte) (*manifestFields, error) {
	var m manifestFields
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("not an archive manifest: %w", err)
	}
	if m.SnapshotID == "" || len(m.MerkleRoot) != 64 {
		return nil, errors.New("not an archive manifest: no snapshot_id or merkle_root")
	}
	return &m, nil
}

// archiveManifest reads an archive to its end and returns its manifest
// trailer, checking on the way that the file's SHA-256 is want (when want
// is set).
func archiveManifest(ctx context.Context, path, want string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	in := io.TeeReader(f, h)
	ar, err := archive.NewReader(in)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer ar.Close()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		return nil, err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); want != "" && sum != want {
		return nil, fmt.Errorf("%s has SHA-256 %s, the registry recorded %s", path, sum, want)
	}
	return ar.ManifestJSON(), nil
}
