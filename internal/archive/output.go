package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// SidecarSuffix is appended to an archive's path to name the manifest copy
// the owner keeps.
const SidecarSuffix = ".manifest.json"

// Output is an archive file being written: the bytes go to a temporary file
// beside the destination, which Commit renames into place together with the
// sidecar manifest. Abort (or a failed Commit) removes everything, so a
// half-written archive never carries the final name.
type Output struct {
	*os.File
	path string
	mu   sync.Mutex // Abort may come from a signal handler goroutine
	done bool
}

// ErrOutputDir means the directory the archive should go into is missing.
var ErrOutputDir = errors.New("archive: output directory does not exist")

// Create opens a temporary file for an archive that will be named path. It
// refuses to overwrite an existing file unless overwrite is set.
func Create(path string, overwrite bool) (*Output, error) {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrOutputDir, dir)
		}
		return nil, fmt.Errorf("archive: output directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", ErrOutputDir, dir)
	}
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("archive: %s: %w", path, fs.ErrExist)
		}
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("archive: create temporary output: %w", err)
	}
	return &Output{File: f, path: path}, nil
}

// Path returns the final name of the archive.
func (o *Output) Path() string { return o.path }

// SidecarPath returns the final name of the sidecar manifest.
func (o *Output) SidecarPath() string { return o.path + SidecarSuffix }

// Commit syncs the archive, writes the sidecar manifest, and renames both
// into place. The archive keeps mode 0600 (it may hold the site's secrets);
// the sidecar, which holds no data, is 0644. On failure nothing is left under
// either final name.
func (o *Output) Commit(manifest []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return errors.New("archive: output already finished")
	}
	o.done = true
	tmp := o.Name()
	fail := func(err error) error {
		os.Remove(tmp)
		return err
	}
	if err := o.Sync(); err != nil {
		o.Close()
		return fail(fmt.Errorf("archive: sync %s: %w", tmp, err))
	}
	if err := o.Close(); err != nil {
		return fail(fmt.Errorf("archive: close %s: %w", tmp, err))
	}
	side, err := os.CreateTemp(filepath.Dir(o.path), "."+filepath.Base(o.SidecarPath())+".tmp-*")
	if err != nil {
		return fail(fmt.Errorf("archive: sidecar: %w", err))
	}
	sideTmp := side.Name()
	_, err = side.Write(manifest)
	if err == nil {
		err = side.Sync()
	}
	if cerr := side.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(sideTmp, 0o644)
	}
	if err != nil {
		os.Remove(sideTmp)
		return fail(fmt.Errorf("archive: sidecar: %w", err))
	}
	if err := os.Rename(tmp, o.path); err != nil {
		os.Remove(sideTmp)
		return fail(fmt.Errorf("archive: rename into place: %w", err))
	}
	if err := os.Rename(sideTmp, o.SidecarPath()); err != nil {
		os.Remove(sideTmp)
		os.Remove(o.path)
		return fmt.Errorf("archive: rename sidecar into place: %w", err)
	}
	syncDir(filepath.Dir(o.path))
	return nil
}

// Abort removes the temporary file. It is safe to call after Commit.
func (o *Output) Abort() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return
	}
	o.done = true
	o.Close()
	os.Remove(o.Name())
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
