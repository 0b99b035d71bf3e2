package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/stagecopy/stagecopy/internal/atomicfile"
	"github.com/stagecopy/stagecopy/internal/killpoint"
)

// SidecarSuffix is appended to an archive's path to name the manifest copy
// the owner keeps.
const SidecarSuffix = ".manifest.json"

// ErrOutputDir means the directory the archive should go into is missing.
var ErrOutputDir = atomicfile.ErrDir

// Output is an archive file being written: the bytes go to a temporary file
// beside the destination, which Commit renames into place together with the
// sidecar manifest. Abort (or a failed Commit) removes everything, so a
// half-written archive never carries the final name.
type Output struct {
	*atomicfile.File
}

// Create opens a temporary file for an archive that will be named path. It
// refuses to overwrite an existing archive, or an existing sidecar manifest
// (the owner's only record of an earlier archive, which a deletion receipt
// is checked against), unless overwrite is set.
func Create(path string, overwrite bool) (*Output, error) {
	if !overwrite {
		if _, err := os.Lstat(path + SidecarSuffix); err == nil {
			return nil, fmt.Errorf("archive: %s: %w (the manifest of an earlier archive)", path+SidecarSuffix, fs.ErrExist)
		}
	}
	f, err := atomicfile.Create(path, overwrite)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return &Output{File: f}, nil
}

// SidecarPath returns the final name of the sidecar manifest.
func (o *Output) SidecarPath() string { return o.Path() + SidecarSuffix }

// Commit syncs the archive and moves it into place, then writes the sidecar
// manifest beside it. The archive keeps mode 0600 (it may hold the site's
// secrets); the sidecar, which holds no data, is 0644. When an earlier
// archive is replaced (overwrite), its sidecar is removed first, so that a
// crash between the steps can leave an archive without a sidecar, never an
// archive beside another archive's manifest. Without overwrite, neither file
// replaces one that appeared meanwhile. On failure nothing is left under
// either final name.
func (o *Output) Commit(manifest []byte) error {
	side, err := atomicfile.Create(o.SidecarPath(), o.Overwrite())
	if err != nil {
		o.Abort()
		return fmt.Errorf("archive: sidecar: %w", err)
	}
	if _, err := side.Write(manifest); err != nil {
		side.Abort()
		o.Abort()
		return fmt.Errorf("archive: sidecar: %w", err)
	}
	if err := side.Chmod(0o644); err != nil {
		side.Abort()
		o.Abort()
		return fmt.Errorf("archive: sidecar: %w", err)
	}
	if o.Overwrite() {
		if err := os.Remove(o.SidecarPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			side.Abort()
			o.Abort()
			return fmt.Errorf("archive: remove the earlier sidecar: %w", err)
		}
	}
	if err := o.File.Commit(); err != nil {
		side.Abort()
		return fmt.Errorf("archive: %w", err)
	}
	killpoint.Reached("between-archive-and-sidecar")
	if err := side.Commit(); err != nil {
		os.Remove(o.Path())
		return fmt.Errorf("archive: sidecar: %w", err)
	}
	return nil
}
