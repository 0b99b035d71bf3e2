package purge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// check looks at every target again, after the deletions, and records
// what it sees; it never infers absence from an action's result.
func (p *purger) check(ctx context.Context) {
	e := p.entry
	if e.Database != "" {
		target := dbTarget(e, e.Database)
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
		if p.files.restoring {
			p.checkPath(e.FilesDir, registry.RestoringDir(e.FilesDir, e.ID), "directory restore made: ", "")
		}
	}
	p.checkReplaced(ctx)
	if e.Archive != "" && e.Archive != "-" && !p.opts.KeepArchive {
		p.checkPath(e.Archive, e.Archive, "", p.archive.refusal)
	}
	if e.IdentityFile != "" {
		p.checkPath(e.IdentityFile, e.IdentityFile, "", p.key.refusal)
		p.checkPath(e.IdentityFile, keyTombstone(e.IdentityFile), "key renamed for destruction: ", "")
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
// is set). An encrypted archive is decrypted with the identity file, when
// one is given and can be read.
func archiveManifest(ctx context.Context, path, want, identity string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var keys archive.Keys
	if identity != "" {
		if id, err := archive.ReadIdentityFile(identity); err == nil {
			keys.Identities = append(keys.Identities, id)
		}
	}
	ar, err := archive.Open(f, keys)
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
	sum, err := ar.Finish()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if want != "" && sum != want {
		return nil, fmt.Errorf("%s has SHA-256 %s, the registry recorded %s", path, sum, want)
	}
	return ar.ManifestJSON(), nil
}
