package restore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/atomicfile"
	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/registry"
)

func (r *restorer) createFilesDir(dir string) error {
	replace := false // an earlier copy's directory: empty it once it is marked as ours
	// The directory itself must not be a symlink: what Restore writes,
	// and what undo and purge remove, must be where the registry says.
	if fi, err := os.Lstat(dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s is a symlink; give the directory it points to", ErrFilesDirExists, dir)
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Create the missing parents one by one, remembering them:
		// undo removes them again.
		var missing []string
		for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
			if _, err := os.Lstat(p); err == nil || p == filepath.Dir(p) {
				break
			}
			missing = append(missing, p)
		}
		for i := len(missing) - 1; i >= 0; i-- {
			if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("restore: files directory: %w", err)
			}
			r.createdParents = append(r.createdParents, missing[i])
		}
		// Made beside it with its marker, and renamed into place: the
		// directory never exists without the marker.
		tmp := registry.RestoringDir(dir, r.entry.ID)
		if err := os.Mkdir(tmp, 0o755); err != nil {
			return fmt.Errorf("restore: files directory: %w", err)
		}
		killpoint.Reached("after-mkdir")
		if err := markDir(tmp, *r.entry); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		if err := atomicfile.RenameNoReplace(tmp, dir); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("restore: files directory: %w", err)
		}
		r.createdDir = true
	case err != nil:
		return fmt.Errorf("restore: files directory: %w", err)
	case len(entries) > 0 && !registry.Unmarked(dir):
		// (An empty directory given to a restore killed while it wrote
		// the marker holds only the marker's temporary file: it is still
		// empty, and the marker written here replaces that file.)
		if _, err := os.Lstat(filepath.Join(dir, registry.MarkerFile)); err != nil || !r.opts.Force {
			if err != nil {
				return fmt.Errorf("%w: %s has %d entries and no %s; --force only replaces an earlier staging copy", ErrFilesDirExists, dir, len(entries), registry.MarkerFile)
			}
			// A crashed or earlier restore's copy: say how to get rid of
			// it, not only to pick another directory.
			if id, err := registry.FilesMarker(dir); err == nil && registry.ValidID(id) {
				return fmt.Errorf("%w: %s is an earlier staging copy (its marker names %s): remove it with 'stagecopy purge %s', replace it with --force, or choose a new --files-dir", ErrFilesDirExists, dir, id, id)
			}
			return fmt.Errorf("%w: %s (an earlier staging copy: --force replaces it)", ErrFilesDirExists, dir)
		}
		old, err := r.earlierCopy(context.Background(), "files directory "+dir, func() (string, error) {
			return registry.FilesMarker(dir)
		}, func(e registry.Entry) bool { return e.FilesDir == dir })
		if err != nil {
			return err
		}
		if err := r.takeOver(context.Background(), old, "", dir); err != nil {
			return err
		}
		replace = true
	}
	before, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("restore: files directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("restore: files directory: %w", err)
	}
	// Nothing swapped the directory between the check and the open.
	if fi, err := root.Stat("."); err != nil || !before.IsDir() || !os.SameFile(before, fi) {
		root.Close()
		return fmt.Errorf("%w: %s changed while it was being checked", ErrFilesDirExists, dir)
	}
	r.root = root
	r.symlinks = map[string]bool{}
	r.made = map[string]bool{}
	r.made[registry.MarkerFile] = true
	// The marker is replaced (atomically) before the earlier copy's files
	// go: a crash half-way leaves a directory that names this copy.
	if err := registry.WriteFilesMarker(root, *r.entry); err != nil {
		return err
	}
	if replace {
		return emptyRoot(root)
	}
	return nil
}

// markDir writes e's marker file into the directory dir.
func markDir(dir string, e registry.Entry) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("restore: files directory: %w", err)
	}
	defer root.Close()
	return registry.WriteFilesMarker(root, e)
}

// wrote records that rel (or its first component) is Restore's, for undo.
func (r *restorer) wrote(rel string) {
	top, _, _ := strings.Cut(rel, "/")
	r.made[top] = true
}

// emptyRoot removes everything in root but the marker file.
func emptyRoot(root *os.Root) error {
	d, err := root.Open(".")
	if err != nil {
		return err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return fmt.Errorf("restore: empty %s: %w", root.Name(), err)
	}
	for _, name := range names {
		if name == registry.MarkerFile {
			continue
		}
		if err := root.RemoveAll(name); err != nil {
			return fmt.Errorf("restore: empty %s: %w", root.Name(), err)
		}
	}
	return nil
}

// writeFile writes one files/ entry under the root, never through a
// symlink and never over an existing file.
func (r *restorer) writeFile(e *archive.Entry) error {
	rel := strings.TrimPrefix(e.Name, archive.FilesPrefix)
	if rel == "" || rel == registry.MarkerFile {
		return fmt.Errorf("%w: %s", ErrUnsafeEntry, e.Name)
	}
	for p := path.Dir(rel); p != "."; p = path.Dir(p) {
		if r.symlinks[p] {
			return fmt.Errorf("%w: %s would be written through the symlink files/%s", ErrUnsafeEntry, e.Name, p)
		}
	}
	r.wrote(rel)
	if dir := path.Dir(rel); dir != "." {
		if err := r.root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("restore: %s: %w", e.Name, err)
		}
	}
	switch e.Type {
	case archive.TypeDir:
		perm := fs.FileMode(e.Mode)&0o775 | 0o700
		if err := r.root.MkdirAll(rel, perm); err != nil {
			return fmt.Errorf("restore: %s: %w", e.Name, err)
		}
		return r.root.Chmod(rel, perm)
	case archive.TypeSymlink:
		target := e.Link
		if !linkInside(rel, target) {
			r.warnf("symlink files/%s -> %s points outside the site; not restored", rel, target)
			return nil
		}
		if err := r.root.Symlink(target, rel); err != nil {
			return fmt.Errorf("restore: %s: %w", e.Name, err)
		}
		r.symlinks[rel] = true
		return nil
	}
	// No setuid/setgid/sticky, nothing world-writable, always readable by
	// the owner.
	perm := fs.FileMode(e.Mode)&0o775 | 0o600
	f, err := r.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("restore: %s: %w", e.Name, err)
	}
	if _, err := io.Copy(f, r.ar); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("restore: %s: %w", e.Name, err)
	}
	// OpenFile's mode went through the umask; the archive's (masked)
	// mode is what the site had.
	if err := r.root.Chmod(rel, perm); err != nil {
		return fmt.Errorf("restore: %s: %w", e.Name, err)
	}
	if !e.ModTime.IsZero() {
		r.root.Chtimes(rel, e.ModTime, e.ModTime)
	}
	return nil
}

// linkInside reports whether the symlink rel -> target stays inside the
// tree whatever the other links are: its ".." steps must all come first
// and climb no higher than the link's own directory, which is a real one
// (nothing is written through a link). A ".." after a name could climb
// out of a directory that is itself a link (files/e -> d/l/.. with
// files/d/l -> ..), which no lexical clean sees.
func linkInside(rel, target string) bool {
	if target == "" || path.IsAbs(target) || strings.ContainsRune(target, 0) {
		return false
	}
	depth := strings.Count(path.Dir(rel), "/") + 1
	if path.Dir(rel) == "." {
		depth = 0
	}
	named := false
	for _, part := range strings.Split(target, "/") {
		switch part {
		case "", ".":
		case "..":
			if named {
				return false
			}
			if depth--; depth < 0 {
				return false
			}
		default:
			named = true
		}
	}
	return true
}
