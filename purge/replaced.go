package purge

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// The parts of a staging copy that a later restore --force took over
// (registry.Entry.Replaced) were dropped or emptied by that restore: this
// copy's data is no longer there, and the part now belongs to the other
// copy. Purge does not touch them. It reports each as already absent and
// checks that nothing of this copy is left there: the part is gone, or its
// marker names another copy. A part whose marker still names this copy
// (the restore was killed after it recorded the replacement, before it
// dropped or emptied the part) is purged as this copy's own.
//
// The same holds for a part this copy still names whose marker names
// another copy that the registry lists with it: a restore --force killed
// before it recorded the replacement here (an older stagecopy did that
// last), or a restore killed before it took the part over from that copy.

// reclaim sorts the parts, before anything is measured: a replaced part
// still marked as this copy's becomes its database or files directory
// again, for this run; one of its own parts that another copy holds goes
// to p.replaced, as the other replaced parts do.
func (p *purger) reclaim(ctx context.Context) {
	e := &p.entry
	if e.Database != "" && p.admin != nil {
		ids, _, err := registry.DatabaseMarker(ctx, p.admin, e.Database)
		if err == nil && len(ids) == 1 && p.heldBy(ctx, ids[0], registry.Replaced{Database: e.Database}) {
			p.replaced = append(p.replaced, registry.Replaced{Database: e.Database, By: ids[0]})
			e.Database = ""
		}
	}
	if e.FilesDir != "" {
		id, err := registry.FilesMarker(e.FilesDir)
		switch {
		case err == nil && p.heldBy(ctx, id, registry.Replaced{FilesDir: e.FilesDir}):
			p.replaced = append(p.replaced, registry.Replaced{FilesDir: e.FilesDir, By: id})
			e.FilesDir = ""
		case err != nil && registry.Unmarked(e.FilesDir):
			// An empty directory that was there before the restore
			// (killed while it wrote the marker): nothing of this copy
			// is in it but the marker's temporary file, which goes; the
			// directory stays.
			os.Remove(filepath.Join(e.FilesDir, registry.MarkerTemp))
			p.replaced = append(p.replaced, registry.Replaced{FilesDir: e.FilesDir})
			e.FilesDir = ""
		}
	}
	for _, r := range e.Replaced {
		switch {
		case r.Database != "" && p.entry.Database == "" && p.admin != nil:
			if ids, _, err := registry.DatabaseMarker(ctx, p.admin, r.Database); err == nil && len(ids) == 1 && ids[0] == p.entry.ID {
				p.entry.Database = r.Database
				continue
			}
		case r.FilesDir != "" && p.entry.FilesDir == "":
			// Or a purge of it was killed while it removed the directory.
			_, terr := os.Lstat(tombstoneOf(r.FilesDir, p.entry.ID))
			if id, err := registry.FilesMarker(r.FilesDir); err == nil && id == p.entry.ID || terr == nil {
				p.entry.FilesDir = r.FilesDir
				continue
			}
		}
		p.replaced = append(p.replaced, r)
	}
}

// heldBy reports whether the staging copy id, another than this one, is
// listed in the registry with the part (a database or a files directory).
func (p *purger) heldBy(ctx context.Context, id string, part registry.Replaced) bool {
	if id == p.entry.ID || !registry.ValidID(id) {
		return false
	}
	m, err := p.opts.Registry.Get(ctx, id)
	if err != nil || m.ID != id || m.Status == registry.StatusPurged {
		return false
	}
	return part.Database != "" && m.Database == part.Database || part.FilesDir != "" && m.FilesDir == part.FilesDir
}

// claims reports whether a part whose marker names id, and for which part
// is true, is this copy's: id is this copy, or the copy id handed the part
// over to this one (restore --force records that in the registry before it
// drops or marks the part as its own, and may be killed in between).
func (p *purger) claims(ctx context.Context, id string, part func(registry.Replaced) bool) bool {
	if id == p.entry.ID {
		return true
	}
	if !registry.ValidID(id) {
		return false
	}
	m, err := p.opts.Registry.Get(ctx, id)
	if err != nil || m.ID != id {
		return false
	}
	return slices.ContainsFunc(m.Replaced, func(r registry.Replaced) bool { return r.By == p.entry.ID && part(r) })
}

// deleteReplaced records the replaced parts as already absent: restore
// --force removed this copy's data from them.
func (p *purger) deleteReplaced() {
	for _, r := range p.replaced {
		if r.FilesDir != "" {
			// The directory this copy's restore made and was killed
			// before it put in place goes.
			result, msg := receipt.AlreadyAbsent, ""
			if restoringLeft(r.FilesDir, p.entry.ID) {
				if err := os.RemoveAll(registry.RestoringDir(r.FilesDir, p.entry.ID)); err != nil {
					result, msg = receipt.Failed, errText(err)
				} else {
					result = receipt.Done
				}
				p.restoringReplaced = append(p.restoringReplaced, r.FilesDir)
			}
			p.act(receipt.RemoveFiles, r.FilesDir, result, msg)
			continue
		}
		result, msg := receipt.AlreadyAbsent, ""
		if p.admin == nil {
			result, msg = receipt.Failed, "server unreachable: "+errText(p.dbErr)
		}
		p.act(receipt.DropDatabase, dbTarget(p.entry, r.Database), result, msg)
		if p.entry.Admin != nil {
			p.act(receipt.RemoveSupportAdmin, r.Database+"/"+p.entry.Admin.Name, result, msg)
		}
	}
}

// checkReplaced looks at each replaced part: absent means nothing of this
// copy is there (the part is gone, or holds another copy).
func (p *purger) checkReplaced(ctx context.Context) {
	for _, r := range p.replaced {
		by := fmt.Sprintf("restore --force of staging copy %s replaced this copy's on %s", r.By, r.At.Format("2006-01-02 15:04:05Z"))
		switch {
		case r.By == "":
			by = "it was there, empty, before this copy's restore, which was stopped before it marked it"
		case r.At.IsZero():
			by = fmt.Sprintf("the registry lists it with staging copy %s", r.By)
		}
		if r.FilesDir != "" {
			result, detail := replacedFiles(r.FilesDir, p.entry.ID)
			p.addCheck("staging_copy_in_directory", r.FilesDir, result, detail+"; "+by)
			if slices.Contains(p.restoringReplaced, r.FilesDir) {
				p.checkPath(r.FilesDir, registry.RestoringDir(r.FilesDir, p.entry.ID), "directory restore made: ", "")
			}
			continue
		}
		target := dbTarget(p.entry, r.Database)
		var result receipt.CheckResult
		var detail string
		if p.admin != nil {
			result, detail = p.replacedDatabase(ctx, r.Database)
		} else {
			result, detail = receipt.CheckError, "server unreachable: "+errText(p.dbErr)
		}
		p.addCheck("staging_copy_in_database", target, result, detail+"; "+by)
		if p.entry.Admin != nil {
			p.addCheck("user_exists", r.Database+"/"+p.entry.Admin.Name, result, "the account lived in this copy's database: "+detail)
		}
	}
}

// replacedDatabase says whether database still holds staging copy id.
func (p *purger) replacedDatabase(ctx context.Context, database string) (receipt.CheckResult, string) {
	var n int
	if err := p.admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", database).Scan(&n); err != nil {
		return receipt.CheckError, errText(err)
	}
	if n == 0 {
		return receipt.Absent, "database " + database + " is not in information_schema.SCHEMATA"
	}
	ids, present, err := registry.DatabaseMarker(ctx, p.admin, database)
	switch {
	case err != nil:
		return receipt.CheckError, errText(err)
	case slices.Contains(ids, p.entry.ID):
		return receipt.Present, fmt.Sprintf("the %s table of database %s names this copy", registry.MarkerTable, database)
	case !present:
		return receipt.Absent, fmt.Sprintf("database %s was made again and has no %s table yet", database, registry.MarkerTable)
	}
	return receipt.Absent, fmt.Sprintf("database %s holds staging copy %v (its %s table)", database, ids, registry.MarkerTable)
}

// replacedFiles says whether dir still holds staging copy id.
func replacedFiles(dir, id string) (receipt.CheckResult, string) {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return receipt.Absent, dir + ": " + errText(errors.Unwrap(err))
	}
	marker, err := registry.FilesMarker(dir)
	switch {
	case err == nil && marker == id:
		return receipt.Present, fmt.Sprintf("%s in %s names this copy", registry.MarkerFile, dir)
	case err == nil:
		return receipt.Absent, fmt.Sprintf("%s in %s names staging copy %s", registry.MarkerFile, dir, marker)
	}
	if entries, rerr := os.ReadDir(dir); rerr == nil && len(entries) == 0 {
		return receipt.Absent, dir + " is empty"
	}
	return receipt.CheckError, fmt.Sprintf("no readable %s in %s, which is not empty: whose files these are cannot be told (%v)", registry.MarkerFile, dir, err)
}
