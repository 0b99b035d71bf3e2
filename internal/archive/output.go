package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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
// is checked against), unless overwrite is set. First it finishes the
// commit of a writer of path that was killed between moving its archive
// into place and its sidecar (see Commit).
func Create(path string, overwrite bool) (*Output, error) {
	finishCommits(path)
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
	// A second name for the archive, kept until the sidecar is in place:
	// if this process dies in between, the next writer of this path finds
	// it, sees that it is the archive under the final name, and moves the
	// sidecar (whose temporary name carries this process's id) beside it.
	pending := filepath.Join(filepath.Dir(o.Path()), atomicfile.TempName(filepath.Base(o.Path()), os.Getpid(), pendingSuffix))
	os.Remove(pending)
	if err := os.Link(o.Name(), pending); err != nil {
		side.Abort()
		o.Abort()
		return fmt.Errorf("archive: %w", err)
	}
	defer os.Remove(pending)
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

// pendingSuffix ends the name of Commit's second link to the archive.
const pendingSuffix = "pending"

// finishCommits finishes what a writer of path killed in Commit left: its
// second link to the archive (pendingSuffix) is there; if it is the file
// under the final name, and no sidecar is beside it, the writer's
// temporary sidecar is moved into place. Then every temporary file of the
// archive and the sidecar whose writer is gone is removed, even when this
// writer goes no further (the archive exists).
func finishCommits(path string) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, stale := atomicfile.Stale(e.Name(), base)
		if !stale || e.Name() != atomicfile.TempName(base, pid, pendingSuffix) {
			continue
		}
		pending := filepath.Join(dir, e.Name())
		a, err1 := os.Lstat(pending)
		b, err2 := os.Lstat(path)
		if err1 == nil && err2 == nil && os.SameFile(a, b) {
			sideBase := base + SidecarSuffix
			for _, s := range entries {
				if p, ok := atomicfile.Stale(s.Name(), sideBase); ok && p == pid && s.Type().IsRegular() {
					// Link: never over a sidecar that is there.
					if os.Link(filepath.Join(dir, s.Name()), filepath.Join(dir, sideBase)) == nil {
						os.Remove(filepath.Join(dir, s.Name()))
					}
					break
				}
			}
		}
		os.Remove(pending)
	}
	for _, e := range entries {
		_, stale := atomicfile.Stale(e.Name(), base)
		_, staleSide := atomicfile.Stale(e.Name(), base+SidecarSuffix)
		if (stale || staleSide) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// ManifestFile is the owner's copy of an archive's manifest written to a
// path of its own, when there is no archive file for a sidecar to go
// beside (snapshot -o -). Like the sidecar it is 0644 and appears whole or
// not at all.
type ManifestFile struct {
	f *atomicfile.File
}

// CreateManifest opens a temporary file for a manifest that will be named
// path, refusing an existing file (an earlier archive's manifest) unless
// overwrite is set. Commit writes it; Abort removes it.
func CreateManifest(path string, overwrite bool) (*ManifestFile, error) {
	f, err := atomicfile.Create(path, overwrite)
	if err != nil {
		return nil, fmt.Errorf("archive: manifest: %w", err)
	}
	return &ManifestFile{f: f}, nil
}

// Path returns the manifest's final name.
func (m *ManifestFile) Path() string { return m.f.Path() }

// Commit writes the manifest bytes (the archive's manifest.json entry, as
// written) and moves the file into place.
func (m *ManifestFile) Commit(manifest []byte) error {
	if _, err := m.f.Write(manifest); err != nil {
		m.f.Abort()
		return fmt.Errorf("archive: manifest: %w", err)
	}
	if err := m.f.Chmod(0o644); err != nil {
		m.f.Abort()
		return fmt.Errorf("archive: manifest: %w", err)
	}
	if err := m.f.Commit(); err != nil {
		return fmt.Errorf("archive: manifest: %w", err)
	}
	return nil
}

// Abort removes the temporary file; after Commit it does nothing.
func (m *ManifestFile) Abort() { m.f.Abort() }
