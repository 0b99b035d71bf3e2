package purge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stagecopy/stagecopy/internal/atomicfile"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// journalFormat identifies purge journals.
const journalFormat = "stagecopy-purge-journal/v1"

// purgeJournal is what a purge measured and did, kept in
// <state-dir>/purge/<staging id>.json from the moment it has measured
// until the registry entry is closed. A purge that was interrupted, or
// could not reach the server, leaves it behind, so that the next run still
// names the archive (whose manifest it may have deleted) and still reports
// what the parts gone in the first run held.
type purgeJournal struct {
	Format            string                      `json:"format"`
	StagingID         string                      `json:"staging_id"`
	ManifestSHA256    string                      `json:"manifest_sha256"`
	ArchiveMerkleRoot string                      `json:"archive_merkle_root"`
	Before            map[string]*receipt.Measure `json:"before"` // by receipt target
	Tables            []TableCount                `json:"tables,omitempty"`
	FilesRenamed      bool                        `json:"files_renamed,omitempty"`
	KeyDestroyed      bool                        `json:"key_destroyed,omitempty"`

	saveErr error
}

func (j *purgeJournal) path(dir string) string {
	return filepath.Join(dir, "purge", j.StagingID+".json")
}

// loadJournal returns the journal an earlier purge of id left, or a new one.
func loadJournal(dir, id string) (*purgeJournal, error) {
	j := &purgeJournal{Format: journalFormat, StagingID: id, Before: map[string]*receipt.Measure{}}
	data, err := os.ReadFile(j.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("purge: read journal of an earlier purge: %w", err)
	}
	var old purgeJournal
	if err := json.Unmarshal(data, &old); err != nil || old.Format != journalFormat || old.StagingID != id {
		return nil, fmt.Errorf("purge: journal %s of an earlier purge is damaged (%v): move it aside to start afresh", j.path(dir), err)
	}
	if old.Before == nil {
		old.Before = map[string]*receipt.Measure{}
	}
	return &old, nil
}

// save writes the journal atomically (mode 0600, like the registry).
func (j *purgeJournal) save(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "purge"), 0o700); err != nil {
		return fmt.Errorf("purge: journal: %w", err)
	}
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("purge: journal: %w", err)
	}
	if err := atomicfile.Write(j.path(dir), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("purge: journal: %w", err)
	}
	return nil
}

func (j *purgeJournal) remove(dir string) {
	os.Remove(j.path(dir))
}

// Tidy removes what purges killed outright left in the registry
// directory: the journals of entries they had closed (purged, or gone from
// the registry), and the temporary files of journals and of receipts in
// the default receipts directory whose process is gone. Run does it; call
// it where an entry already purged is refused without Run.
func Tidy(ctx context.Context, reg *registry.Registry) error {
	dir := filepath.Join(reg.Dir(), "purge")
	atomicfile.RemoveStaleIn(dir)
	atomicfile.RemoveStaleIn(filepath.Join(reg.Dir(), "receipts"))
	names, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("purge: journals: %w", err)
	}
	for _, n := range names {
		id, ok := strings.CutSuffix(n.Name(), ".json")
		if !ok || !registry.ValidID(id) {
			continue
		}
		e, err := reg.Get(ctx, id)
		switch {
		case errors.Is(err, registry.ErrNotFound) || err == nil && e.ID == id && e.Status == registry.StatusPurged:
			(&purgeJournal{StagingID: id}).remove(reg.Dir())
		case err != nil && !errors.Is(err, registry.ErrAmbiguous):
			return err
		}
	}
	return nil
}
