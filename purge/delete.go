package purge

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/staging"
)

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
	target := dbTarget(e, e.Database)
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
	if err := registry.DropDatabase(ctx, p.admin, e.Database); err != nil {
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
	if st.restoring && interrupted(ctx) == "" {
		// A restore killed before it renamed its new directory into
		// place: that goes as the tombstone does.
		if err := os.Rename(registry.RestoringDir(e.FilesDir, e.ID), tomb); err != nil {
			p.act(receipt.RemoveFiles, e.FilesDir, receipt.Failed, errText(err))
			return
		}
		st.tombstone = true
		p.journal.FilesRenamed = true
		p.journal.save(p.dir)
	}
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
		killpoint.Reached("mid-wipe")
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
	// Renamed first, to a name the next purge recognises should this one
	// be killed while it overwrites.
	tomb := keyTombstone(path)
	if !st.destroying {
		if err := os.Rename(path, tomb); err != nil {
			p.act(receipt.DestroyKey, path, receipt.Failed, errText(err))
			return
		}
		syncDir(filepath.Dir(path))
		killpoint.Reached("purge-key-renamed")
	}
	if err := overwriteAndRemove(tomb); err != nil {
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
	killpoint.Reached("purge-key-wiped")
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
