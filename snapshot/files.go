package snapshot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/rules"
)

// Errors about the site tree.
var (
	ErrFilesDir = errors.New("snapshot: files directory")
	ErrExclude  = errors.New("snapshot: bad exclude pattern")
)

// smallFile is the size up to which a file is read into memory once;
// larger files are hashed in a first pass and streamed in a second.
const smallFile = 8 << 20

type fileTree struct {
	root    string
	exclude *Matcher
	rules   *rules.FileRules // the rules' files section, nil without rules
}

// excluded reports whether rel is left out by --exclude or the rules.
func (t *fileTree) excluded(rel string) bool {
	// A staging copy's marker names that copy, not the site: a snapshot
	// of a staging copy leaves it out (restore writes its own).
	if rel == registry.MarkerFile {
		return true
	}
	return t.exclude.Match(rel) || t.rules != nil && t.rules.Excluded(rel)
}

func openTree(dir string, excludes []string, fr *rules.FileRules) (*fileTree, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w %s does not exist", ErrFilesDir, dir)
		}
		return nil, fmt.Errorf("%w: %v", ErrFilesDir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", ErrFilesDir, dir)
	}
	m, err := NewMatcher(excludes)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &fileTree{root: abs, exclude: m, rules: fr}, nil
}

// write walks the tree in lexical order and writes its entries.
func (t *fileTree) write(ctx context.Context, aw *archive.Writer, progress func(Progress), warn func(string)) (archive.FileStats, error) {
	var stats archive.FileStats
	total := t.size()
	var done int64
	err := filepath.WalkDir(t.root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == t.root {
			return nil
		}
		rel, err := filepath.Rel(t.root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if t.excluded(rel) {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		name := archive.FilesPrefix + rel
		info, err := de.Info()
		if err != nil {
			return fmt.Errorf("stat %s: %w", p, err)
		}
		mode := int64(info.Mode().Perm())
		switch typ := info.Mode().Type(); {
		case typ == 0:
			if t.rules != nil && t.rules.MaxSize > 0 && info.Size() > t.rules.MaxSize {
				stats.Skipped = append(stats.Skipped, fmt.Sprintf("%s (%d bytes, over the rules' max_size)", rel, info.Size()))
				warn(fmt.Sprintf("skipped %s: %d bytes, over the rules' max_size of %d", rel, info.Size(), t.rules.MaxSize))
				return nil
			}
			progress(Progress{Phase: "files", Done: done, Total: total, Item: rel})
			var scrub []*rules.ScrubRule
			if t.rules != nil {
				scrub = t.rules.Scrubbers(rel)
			}
			if err := writeFile(aw, name, p, info, scrub); err != nil {
				return err
			}
			if len(scrub) > 0 {
				stats.Scrubbed = append(stats.Scrubbed, rel)
			}
			done += info.Size()
			stats.Count++
			stats.Bytes += info.Size()
		case typ == fs.ModeDir:
			stats.Dirs++
			return aw.WriteEntry(archive.Entry{Name: name, Type: archive.TypeDir, Mode: mode, ModTime: info.ModTime()}, nil)
		case typ == fs.ModeSymlink:
			target, err := os.Readlink(p)
			if err != nil {
				return fmt.Errorf("read link %s: %w", p, err)
			}
			stats.Symlinks++
			return aw.WriteEntry(archive.Entry{Name: name, Type: archive.TypeSymlink, Link: target, Mode: 0o777, ModTime: info.ModTime()}, nil)
		default:
			stats.Skipped = append(stats.Skipped, rel+" ("+kindOf(typ)+")")
			warn(fmt.Sprintf("skipped %s: a %s, not a regular file, directory or symlink", rel, kindOf(typ)))
		}
		return nil
	})
	if err != nil {
		return stats, err
	}
	progress(Progress{Phase: "files", Done: done, Total: total})
	return stats, nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// size adds up the regular files that will be copied, for progress.
func (t *fileTree) size() int64 {
	var n int64
	filepath.WalkDir(t.root, func(p string, de fs.DirEntry, err error) error {
		if err != nil || p == t.root {
			return nil
		}
		rel, _ := filepath.Rel(t.root, p)
		if t.excluded(filepath.ToSlash(rel)) {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if de.Type().IsRegular() {
			if info, err := de.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// writeFile copies one regular file. Small files are read once; large ones
// are hashed first and then streamed, and the archive Writer fails if the
// file changed in between.
//
// Files the rules scrub (wp-config.php, .env) are read whole and written
// with their secrets replaced; such a file larger than smallFile is an
// error rather than a copy with its secrets in it.
func writeFile(aw *archive.Writer, name, p string, info fs.FileInfo, scrub []*rules.ScrubRule) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("open %s: %w", p, err)
	}
	defer f.Close()
	e := archive.Entry{Name: name, Type: archive.TypeFile, Mode: int64(info.Mode().Perm()), ModTime: info.ModTime()}
	if len(scrub) > 0 && info.Size() > smallFile {
		return fmt.Errorf("%s: %d bytes is too large to scrub its secrets (limit %d); exclude it or scrub it by hand", p, info.Size(), smallFile)
	}
	if info.Size() <= smallFile {
		data, err := io.ReadAll(io.LimitReader(f, smallFile+1))
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if int64(len(data)) > smallFile && len(scrub) > 0 {
			return fmt.Errorf("%s grew past %d bytes while being read; it cannot be scrubbed", p, smallFile)
		}
		for _, sr := range scrub {
			data = sr.Apply(data)
		}
		sum := sha256.Sum256(data)
		e.Size, e.SHA256 = int64(len(data)), hex.EncodeToString(sum[:])
		if err := aw.WriteEntry(e, bytes.NewReader(data)); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		return nil
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	e.Size, e.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	if err := aw.WriteEntry(e, f); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

// Matcher decides which files an --exclude list leaves out. A pattern
// without '/' matches the name of any file or directory at any depth
// ("*.log", "cache"); a pattern with '/' matches the path from the files
// root ("wp-content/cache", "wp-content/uploads/*.zip"; a leading '/' is
// allowed); "**" matches any number of directories
// ("wp-content/**/*.bak"). An excluded directory is left out whole.
type Matcher struct {
	patterns []string
}

// NewMatcher checks the patterns' syntax.
func NewMatcher(patterns []string) (*Matcher, error) {
	m := &Matcher{}
	for _, p := range patterns {
		p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
		if p == "" {
			return nil, fmt.Errorf("%w %q: empty", ErrExclude, p)
		}
		for _, part := range strings.Split(p, "/") {
			if _, err := path.Match(part, ""); err != nil {
				return nil, fmt.Errorf("%w %q: %v", ErrExclude, p, err)
			}
		}
		m.patterns = append(m.patterns, p)
	}
	return m, nil
}

// Match reports whether the slash path rel (relative to the files root) is
// excluded.
func (m *Matcher) Match(rel string) bool {
	for _, p := range m.patterns {
		if !strings.Contains(p, "/") {
			if ok, _ := path.Match(p, path.Base(rel)); ok {
				return true
			}
			continue
		}
		if matchSegments(strings.Split(p, "/"), strings.Split(rel, "/")) {
			return true
		}
	}
	return false
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}
