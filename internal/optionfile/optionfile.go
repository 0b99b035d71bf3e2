// Package optionfile reads MySQL and MariaDB option files (my.cnf) the way
// the MariaDB client programs do: the same files in the same order, the same
// groups, the same syntax (quotes, escapes, comments, !include and
// !includedir), and MySQL's obfuscated login path file (.mylogin.cnf).
//
// It only reads: what an option means is the caller's business, except for
// the two rules every client applies to a name, "_" and "-" being the same
// letter and a "loose-" prefix marking an option a program may not know
// (Option.Key).
package optionfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// Option is one "name = value" (or bare "name") line of a group that was
// asked for.
type Option struct {
	Name     string // as written, such as "loose-ssl_ca"
	Value    string // without the surrounding quotes, escapes resolved
	HasValue bool   // false for a bare "name" line
	Group    string // the group's name, lower-cased
	File     string // the file the line is in
	Line     int    // 1-based
}

// Key is the option's name as the clients match it: "_" read as "-", and a
// leading "loose-" dropped.
func (o Option) Key() string {
	k := strings.ReplaceAll(o.Name, "_", "-")
	return strings.TrimPrefix(k, "loose-")
}

// Where names the option's place for messages: file:line.
func (o Option) Where() string { return fmt.Sprintf("%s:%d", o.File, o.Line) }

// ErrSyntax is wrapped by the errors of a file the clients would refuse too:
// a bad group header, an option before any group, a bad !include line, a
// missing !includedir directory.
var ErrSyntax = errors.New("option file")

// maxDepth is how deep !include and !includedir nest, as in MariaDB (a file
// that includes itself is read 11 times there, with a warning).
const maxDepth = 10

// maxFileSize caps what one option file may hold; real ones are a few KiB.
const maxFileSize = 1 << 20

// Reader reads option files for one set of groups.
type Reader struct {
	groups map[string]bool
	// Warn, if set, is told of what the clients warn about and skip: a
	// world-writable file, an !include nested too deep.
	Warn func(string)
}

// NewReader returns a Reader of the named groups (matched without regard to
// case, as the clients do).
func NewReader(groups ...string) *Reader {
	r := &Reader{groups: map[string]bool{}}
	for _, g := range groups {
		r.groups[strings.ToLower(g)] = true
	}
	return r
}

// ReadFile returns the options of the reader's groups in the file at path,
// in the order they are written, with those of included files where the
// !include or !includedir line is. A file that does not exist gives an error
// wrapping fs.ErrNotExist; a world-writable one is skipped with a warning,
// as the clients skip it (anyone could point them at another server).
func (r *Reader) ReadFile(path string) ([]Option, error) {
	var out []Option
	err := r.readFile(path, 0, &out)
	return out, err
}

// Parse is ReadFile for text already read; name is used in messages and
// Option.File.
func (r *Reader) Parse(name string, data []byte) ([]Option, error) {
	var out []Option
	err := r.parse(name, data, 0, &out)
	return out, err
}

func (r *Reader) warn(format string, args ...any) {
	if r.Warn != nil {
		r.Warn(fmt.Sprintf(format, args...))
	}
}

func (r *Reader) readFile(path string, depth int, out *[]Option) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%w: %s is a directory", ErrSyntax, path)
	}
	if runtime.GOOS != "windows" && fi.Mode().IsRegular() && fi.Mode().Perm()&0o002 != 0 {
		r.warn("world-writable option file %s is ignored (as the mysql clients ignore it): chmod o-w %s", path, path)
		return nil
	}
	if fi.Size() > maxFileSize {
		return fmt.Errorf("%w: %s: larger than %d bytes", ErrSyntax, path, maxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return r.parse(path, data, depth, out)
}

// isSpace is my_isspace of the latin1 character set the clients parse with.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func trimSpace(s string) string {
	return strings.TrimRightFunc(strings.TrimLeftFunc(s, isSpaceRune), isSpaceRune)
}

func isSpaceRune(r rune) bool { return r < 0x80 && isSpace(byte(r)) }

func (r *Reader) parse(name string, data []byte, depth int, out *[]Option) error {
	foundGroup, reading := false, false
	group := ""
	for n, raw := range bytes.Split(data, []byte("\n")) {
		line := n + 1
		s := strings.TrimLeftFunc(string(raw), isSpaceRune)
		if s == "" || s[0] == '#' || s[0] == ';' {
			continue
		}
		if s[0] == '!' {
			if err := r.directive(name, line, s, depth, out); err != nil {
				return err
			}
			continue
		}
		if s[0] == '[' {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return fmt.Errorf("%w: %s:%d: bad group header %q (no ']')", ErrSyntax, name, line, strings.TrimRightFunc(s, isSpaceRune))
			}
			// The clients trim the end of the name, not its start: "[ client]"
			// is not [client] to them.
			group = strings.ToLower(strings.TrimRightFunc(s[1:end], isSpaceRune))
			foundGroup, reading = true, r.groups[group]
			continue
		}
		if !foundGroup {
			return fmt.Errorf("%w: %s:%d: option %q before any [group]", ErrSyntax, name, line, optionName(s))
		}
		if !reading {
			continue
		}
		s = removeEndComment(s)
		o := Option{Group: group, File: name, Line: line}
		if eq := strings.IndexByte(s, '='); eq >= 0 {
			o.Name = strings.TrimRightFunc(s[:eq], isSpaceRune)
			o.Value, o.HasValue = unquote(trimSpace(s[eq+1:])), true
		} else {
			o.Name = strings.TrimRightFunc(s, isSpaceRune)
		}
		if o.Name == "" {
			continue // "=value": the clients pass "--=value" on, and nothing takes it
		}
		*out = append(*out, o)
	}
	return nil
}

// optionName is the name part of an option line, for messages that must not
// show a value (it may be a password).
func optionName(s string) string {
	n, _, _ := strings.Cut(s, "=")
	return strings.TrimRightFunc(n, isSpaceRune)
}

// directive follows an !include or !includedir line; other lines starting
// with '!' are ignored, as the clients ignore them.
func (r *Reader) directive(name string, line int, s string, depth int, out *[]Option) error {
	var kw string
	switch {
	case strings.HasPrefix(s, "!includedir"):
		kw = "!includedir"
	case strings.HasPrefix(s, "!include"):
		kw = "!include"
	default:
		return nil
	}
	rest := s[len(kw):]
	if rest != "" && !isSpace(rest[0]) {
		return nil // "!includes", say: not a directive the clients know
	}
	path := trimSpace(rest)
	if path == "" {
		return fmt.Errorf("%w: %s:%d: %s without a path", ErrSyntax, name, line, kw)
	}
	if depth >= maxDepth {
		r.warn("%s:%d: skipping '%s %s': includes nest more than %d deep", name, line, kw, path, maxDepth)
		return nil
	}
	if kw == "!include" {
		// A missing file is skipped, as the clients skip it.
		if err := r.readFile(path, depth+1, out); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("%w: %s:%d: !includedir %s: %v", ErrSyntax, name, line, path, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".cnf") || runtime.GOOS == "windows" && strings.HasSuffix(n, ".ini")) {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names) // os.ReadDir sorts already; the clients sort by byte value too
	for _, n := range names {
		if err := r.readFile(filepath.Join(path, n), depth+1, out); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// removeEndComment cuts s at the first '#' outside quotes; inside quotes a
// backslash escapes the next character.
func removeEndComment(s string) string {
	var quote byte
	escape := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '\'' || c == '"') && !escape {
			switch quote {
			case 0:
				quote = c
			case c:
				quote = 0
			}
		}
		if quote == 0 && c == '#' {
			return s[:i]
		}
		escape = quote != 0 && c == '\\' && !escape
	}
	return s
}

// unquote drops one pair of matching quotes around v and resolves the
// escapes \n \t \r \b \s (space) \" \' and \\; any other backslash is kept,
// as is a backslash at the very end.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i == len(v)-1 {
			b.WriteByte(c)
			continue
		}
		i++
		switch v[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 's':
			b.WriteByte(' ')
		case '"', '\'', '\\':
			b.WriteByte(v[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String()
}
