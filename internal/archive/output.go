package archive

import (
	"fmt"
	"os"

	"github.com/stagecopy/stagecopy/internal/atomicfile"
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
// refuses to overwrite an existing file unless overwrite is set.
func Create(path string, overwrite bool) (*Output, error) {
	f, err := atomicfile.Create(path, overwrite)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return &Output{File: f}, nil
}

// SidecarPath returns the final name of the sidecar manifest.
func (o *Output) SidecarPath() string { return o.Path() + SidecarSuffix }

// Commit writes the sidecar manifest, then syncs the archive and renames it
// into place. The archive keeps mode 0600 (it may hold the site's secrets);
// the sidecar, which holds no data, is 0644. On failure nothing is left
// under either final name.
func (o *Output) Commit(manifest []byte) error {
	if err := atomicfile.Write(o.SidecarPath(), manifest, 0o644); err != nil {
		o.Abort()
		return fmt.Errorf("archive: sidecar: %w", err)
	}
	if err := o.File.Commit(); err != nil {
		os.Remove(o.SidecarPath())
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}
