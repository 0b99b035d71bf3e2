package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/stagecopy/stagecopy/internal/suggest"
)

//go:embed presets/*.yml
var presetFS embed.FS

// ErrUnknownPreset is returned by LoadPreset for a name that is not one of
// Presets.
var ErrUnknownPreset = errors.New("unknown preset")

// Presets returns the names of the built-in presets, sorted. A rules file
// extends one with "preset:NAME".
func Presets() []string {
	entries, err := presetFS.ReadDir("presets")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yml"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func isPreset(name string) bool {
	_, err := fs.Stat(presetFS, "presets/"+name+".yml")
	return err == nil && name != "" && !strings.ContainsAny(name, "/\\.")
}

// Parse parses a rules file held in memory. filename is used in positions,
// and relative paths in "extends" are resolved against its directory.
// On failure the error is an Errors holding every problem found.
func Parse(filename string, data []byte, opts Options) (*Rules, error) {
	l := newLoader(opts)
	l.load(fileID(filename), filename, data, false, Pos{})
	return l.finish()
}

// Load reads and parses the rules file at path.
func Load(path string, opts Options) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	return Parse(path, data, opts)
}

// LoadPreset parses a built-in preset by name ("wordpress" or
// "preset:wordpress").
func LoadPreset(name string, opts Options) (*Rules, error) {
	name = strings.TrimPrefix(name, "preset:")
	if !isPreset(name) {
		return nil, fmt.Errorf("load rules: %w %q%s (known: %s)", ErrUnknownPreset, name, suggest.Hint(name, Presets()), strings.Join(Presets(), ", "))
	}
	data, _ := presetFS.ReadFile("presets/" + name + ".yml")
	l := newLoader(opts)
	l.load("preset:"+name, "preset:"+name, data, true, Pos{})
	return l.finish()
}

// loader reads a file and everything it extends, depth first, then merges.
type loader struct {
	opts  Options
	errs  Errors
	done  map[string]bool
	stack []string // ids being loaded, for cycle detection
	names []string // display names parallel to stack
	order []*source
}

func newLoader(opts Options) *loader {
	return &loader{opts: opts, done: make(map[string]bool)}
}

func fileID(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

func (l *loader) load(id, name string, data []byte, preset bool, from Pos) {
	for i, s := range l.stack {
		if s == id {
			chain := append(append([]string{}, l.names[i:]...), name)
			l.errs = append(l.errs, &Error{Pos: from, Msg: "extends cycle: " + strings.Join(chain, " -> ")})
			return
		}
	}
	if l.done[id] {
		return
	}
	l.stack, l.names = append(l.stack, id), append(l.names, name)
	src := parseSource(name, data, preset, l.opts, &l.errs)
	for _, ext := range src.extends {
		if pn, ok := strings.CutPrefix(ext.target, "preset:"); ok {
			pdata, _ := presetFS.ReadFile("presets/" + pn + ".yml")
			l.load("preset:"+pn, "preset:"+pn, pdata, true, ext.pos)
			continue
		}
		target := ext.target
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(name), target)
		}
		fdata, err := os.ReadFile(target)
		if err != nil {
			msg := fmt.Sprintf("extends %q: %v", ext.target, err)
			if errors.Is(err, fs.ErrNotExist) {
				msg = fmt.Sprintf("extends %q: no such file (looked for %s)", ext.target, target)
			}
			l.errs = append(l.errs, &Error{Pos: ext.pos, Msg: msg, Err: err})
			continue
		}
		l.load(fileID(target), target, fdata, false, ext.pos)
	}
	l.stack, l.names = l.stack[:len(l.stack)-1], l.names[:len(l.names)-1]
	l.done[id] = true
	l.order = append(l.order, src)
}

func (l *loader) finish() (*Rules, error) {
	var r *Rules
	if len(l.errs) == 0 {
		r = l.merge()
	}
	if len(l.errs) > 0 {
		l.errs.sort()
		// The same node reached through several aliases reports once.
		out := l.errs[:1]
		for _, e := range l.errs[1:] {
			if last := out[len(out)-1]; last.Pos != e.Pos || last.Msg != e.Msg {
				out = append(out, e)
			}
		}
		return nil, out
	}
	return r, nil
}

// merge applies the sources in order: later definitions override earlier
// ones per table, per column and per EAV key.
func (l *loader) merge() *Rules {
	r := &Rules{Version: 1}
	for _, s := range l.order {
		if s.prefixSet {
			r.Prefix = s.prefix
		}
		r.Sources = append(r.Sources, s.name)
	}
	if l.opts.Prefix != "" {
		r.Prefix = l.opts.Prefix
	}

	byPattern := make(map[string]*TableRule)
	keysPos := make(map[*TableRule]Pos)
	for _, s := range l.order {
		seen := make(map[string]*tableEntry)
		for _, te := range s.tables {
			pat := strings.ReplaceAll(te.written, "{prefix}", r.Prefix)
			if first := seen[pat]; first != nil {
				l.errs = append(l.errs, &Error{Pos: te.pos, Msg: fmt.Sprintf("table %q is given twice (as %q at line %d, column %d)", pat, first.written, first.pos.Line, first.pos.Col)})
				continue
			}
			seen[pat] = te
			old := byPattern[pat]
			t := l.apply(old, te, pat, s.preset, r.Prefix)
			if te.hasKeys {
				keysPos[t] = te.keysPos
			}
			if old == nil {
				r.Tables = append(r.Tables, t)
			} else if old != t {
				for i := range r.Tables {
					if r.Tables[i] == old {
						r.Tables[i] = t
					}
				}
			}
			byPattern[pat] = t
		}
		l.mergeFiles(&r.Files, s.files)
	}

	for _, t := range r.Tables {
		l.checkTable(t, keysPos[t])
	}
	return r
}

// apply merges one source's entry for a table into the rule so far.
func (l *loader) apply(old *TableRule, te *tableEntry, pat string, preset bool, prefix string) *TableRule {
	keys := make([]*KeyRule, 0, len(te.keys))
	for _, k := range te.keys {
		k.Key = strings.ReplaceAll(k.Key, "{prefix}", prefix)
		keys = append(keys, k)
	}
	if old == nil || te.action != ActionTransform || old.Action != ActionTransform {
		t := &TableRule{
			Pattern: pat, Written: te.written, Pos: te.pos, Action: te.action,
			Columns: te.columns, Where: te.where, FromPreset: preset,
			whereFromPreset: preset, eavFromPreset: preset,
		}
		if te.eav != nil || te.hasKeys {
			t.EAV = &EAVRule{Keys: keys}
			if te.eav != nil {
				t.EAV.KeyColumn, t.EAV.ValueColumn, t.EAV.Pos = te.eav.KeyColumn, te.eav.ValueColumn, te.eav.Pos
			}
		}
		return t
	}
	t := old
	t.Written, t.Pos = te.written, te.pos
	t.FromPreset = t.FromPreset && preset
	for _, c := range te.columns {
		replaced := false
		for i, oc := range t.Columns {
			if strings.EqualFold(oc.Column, c.Column) {
				t.Columns[i], replaced = c, true
			}
		}
		if !replaced {
			t.Columns = append(t.Columns, c)
		}
	}
	if te.whereSet {
		t.Where, t.whereFromPreset = te.where, preset
	}
	if te.eav != nil || te.hasKeys {
		if t.EAV == nil {
			t.EAV = &EAVRule{}
		}
		if te.eav != nil {
			t.EAV.KeyColumn, t.EAV.ValueColumn, t.EAV.Pos = te.eav.KeyColumn, te.eav.ValueColumn, te.eav.Pos
			t.eavFromPreset = preset
		}
		for _, k := range keys {
			replaced := false
			for i, ok := range t.EAV.Keys {
				if strings.EqualFold(ok.Key, k.Key) {
					t.EAV.Keys[i], replaced = k, true
				}
			}
			if !replaced {
				t.EAV.Keys = append(t.EAV.Keys, k)
			}
		}
	}
	return t
}

// checkTable reports problems only visible once all sources are merged.
func (l *loader) checkTable(t *TableRule, keysPos Pos) {
	if t.EAV == nil {
		return
	}
	if t.EAV.KeyColumn == "" {
		l.errs = append(l.errs, &Error{Pos: keysPos, Msg: fmt.Sprintf("table %q has keys but no eav {key_column, value_column}", t.Pattern)})
		return
	}
	for _, c := range t.Columns {
		switch {
		case strings.EqualFold(c.Column, t.EAV.ValueColumn):
			l.errs = append(l.errs, &Error{Pos: c.Pos, Msg: fmt.Sprintf("column %q of table %q is the EAV value column; give its rules under keys", c.Column, t.Pattern)})
		case strings.EqualFold(c.Column, t.EAV.KeyColumn):
			l.errs = append(l.errs, &Error{Pos: c.Pos, Msg: fmt.Sprintf("column %q of table %q is the EAV key column; it cannot be transformed", c.Column, t.Pattern)})
		}
	}
}

func (l *loader) mergeFiles(f *FileRules, fe fileEntry) {
	for _, g := range fe.exclude {
		if !slices.Contains(f.Exclude, g) {
			f.Exclude = append(f.Exclude, g)
		}
	}
	if fe.maxSizeSet {
		f.MaxSize = fe.maxSize
	}
	for _, s := range fe.scrub {
		dup := false
		for _, o := range f.Scrub {
			dup = dup || o.key() == s.key()
		}
		if !dup {
			f.Scrub = append(f.Scrub, s)
		}
	}
}
