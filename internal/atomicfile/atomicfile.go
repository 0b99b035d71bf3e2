// Package atomicfile writes a file under a temporary name in its target
// directory and renames it into place only when it is complete, so a reader
// never sees a half-written file under the final name.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/stagecopy/stagecopy/internal/killpoint"
)

// ErrDir means the directory the file should go into is missing.
var ErrDir = errors.New("output directory does not exist")

// File is a file being written. Write to it, then Commit or Abort.
type File struct {
	*os.File
	path      string
	overwrite bool
	mu        sync.Mutex // Abort may come from a signal handler goroutine
	done      bool
}

// Create opens a temporary file (mode 0600) beside path. It refuses to
// replace an existing file unless overwrite is set.
func Create(path string, overwrite bool) (*File, error) {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrDir, dir)
		}
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", ErrDir, dir)
	}
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
	}
	removeStale(dir, filepath.Base(path))
	f, err := os.CreateTemp(dir, tempPrefix(filepath.Base(path))+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file: %w", err)
	}
	killpoint.Reached("after-temp-create")
	return &File{File: f, path: path, overwrite: overwrite}, nil
}

// Overwrite reports whether Commit may replace a file under the final name.
func (f *File) Overwrite() bool { return f.overwrite }

// tempPrefix starts the temporary names of a file called base:
// ".BASE.tmp-PID-RANDOM", the writing process's id in them.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// removeStale removes the temporary files of base in dir that a process no
// longer running left (a writer killed with SIGKILL cannot clean up): only
// names of this package's own pattern, and only when the process id in
// the name is gone. A live process under that id (perhaps another one
// that reuses it) keeps its file.
func removeStale(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if _, ok := Stale(e.Name(), base); ok && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// RemoveStaleIn removes the temporary files of any name in dir whose
// process is gone: for directories of files with names of their own each
// (receipts, journals), where no later writer of the same name comes to
// remove them.
func RemoveStaleIn(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		i := strings.LastIndex(name, ".tmp-")
		if !strings.HasPrefix(name, ".") || i < 1 || !e.Type().IsRegular() {
			continue
		}
		if _, ok := Stale(name, name[1:i]); ok {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// TempName returns the name of a temporary file of base that the process
// pid would make, with suffix in place of the random part: callers that
// keep a second link to a file they commit name it so, and Stale
// recognises it.
func TempName(base string, pid int, suffix string) string {
	return tempPrefix(base) + strconv.Itoa(pid) + "-" + suffix
}

// Stale reports whether name is a temporary name of base (Create's, or
// TempName's) whose process is no longer running, and returns that
// process's id.
func Stale(name, base string) (pid int, stale bool) {
	rest, ok := strings.CutPrefix(name, tempPrefix(base))
	if !ok {
		return 0, false
	}
	pidText, _, ok := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidText)
	if !ok || err != nil || pid <= 0 || pid == os.Getpid() || alive(pid) {
		return 0, false
	}
	return pid, true
}

// alive reports whether a process with this id exists. On Windows,
// FindProcess fails for a process that is gone; on unix it always succeeds
// and signal 0 tells. In doubt it says alive: a temporary file is then
// left, never one of a running process removed.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	if runtime.GOOS == "windows" {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Path returns the final name.
func (f *File) Path() string { return f.path }

// Commit syncs the file and renames it into place. Without overwrite, it
// never replaces a file that appeared under the final name meanwhile: the
// file is linked into place, which fails when the name exists (fs.ErrExist),
// and the temporary name removed.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return errors.New("atomicfile: already finished")
	}
	f.done = true
	tmp := f.Name()
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		killpoint.Reached("before-rename")
	}
	switch {
	case err != nil:
	case f.overwrite:
		err = os.Rename(tmp, f.path)
	default:
		if err = os.Link(tmp, f.path); err == nil {
			killpoint.Reached("after-link")
			os.Remove(tmp)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	killpoint.Reached("after-rename")
	if d, err := os.Open(filepath.Dir(f.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort removes the temporary file; after Commit it does nothing.
func (f *File) Abort() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// Write is a convenience: data to path, atomically, with mode perm.
func Write(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, true)
	if err != nil {
		return err
	}
	if _, err := f.File.Write(data); err != nil {
		f.Abort()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// renameChecked is RenameNoReplace with a check before the rename.
func renameChecked(from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}
