package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Rules is a loaded, validated and merged rules file: the rules of the file
// itself and of everything it extends, with {prefix} already substituted.
// A Rules value is read-only once returned by Parse, Load or LoadPreset and
// may then be used from several goroutines at once.
type Rules struct {
	// Version is the rules language version; always 1.
	Version int
	// Prefix is the table prefix that replaced {prefix} in table patterns
	// and EAV keys (Options.Prefix, else the last file that set one).
	Prefix string
	// Tables holds one rule per distinct table pattern, in the order the
	// patterns first appeared (presets first, the loaded file last).
	Tables []*TableRule
	// Files holds the rules for the site's file tree.
	Files FileRules
	// Subset says which rows a snapshot of a live database copies when
	// only part of it is copied; see Subset.Active.
	Subset Subset
	// Restore holds the restore: section: values restore sets on the
	// staging copy after loading it. They do not change a snapshot.
	Restore []*RestoreRule
	// Sources lists what contributed, in the order applied: "preset:NAME"
	// for presets, the file name as given (or joined to the including
	// file's directory) for files. The loaded file itself is last.
	Sources []string
}

// Action is what happens to a table's rows.
type Action int

const (
	// ActionTransform copies the table, rewriting the values named by the
	// column and EAV rules. It is the zero value.
	ActionTransform Action = iota
	// ActionTruncate keeps the table's schema and drops all of its rows.
	ActionTruncate
	// ActionSkip leaves the table out of the copy entirely.
	ActionSkip
	// ActionKeep copies the table unchanged, on purpose.
	ActionKeep
)

var actionNames = []string{"transform", "truncate", "skip", "keep"}

// String returns the action's name as written in a rules file.
func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// TableRule is the rule for the tables matching Pattern.
type TableRule struct {
	// Pattern is the table name or path.Match glob, with {prefix} replaced.
	Pattern string
	// Written is Pattern as written in the file, before {prefix} was replaced.
	Written string
	// Pos is where the last file that contributed to this rule named it.
	Pos Pos
	// Action says what happens to the rows.
	Action Action
	// Columns are the per-column rules (ActionTransform only).
	Columns []*ColumnRule
	// EAV is set for key/value tables such as wp_usermeta.
	EAV *EAVRule
	// Where restricts every column and EAV rule of the table to the rows
	// matching all of these conditions; other rows are copied unchanged.
	Where []Condition
	// FromPreset is true when only presets contributed to this rule. Such a
	// rule may name a table the site does not have (see CheckSchema).
	FromPreset bool

	whereFromPreset bool
	eavFromPreset   bool
}

// Column returns the rule for the named column (compared case-insensitively,
// as MySQL does), or nil.
func (t *TableRule) Column(name string) *ColumnRule {
	if t == nil {
		return nil
	}
	for _, c := range t.Columns {
		if strings.EqualFold(c.Column, name) {
			return c
		}
	}
	return nil
}

// ColumnRule says how to rewrite one column, or that it is kept.
type ColumnRule struct {
	Column string
	Pos    Pos
	// Keep is set for a keep rule ("column: keep"): the value is written
	// unchanged, on purpose. Spec, Where, PHP and JSON are then empty.
	Keep bool
	// Spec replaces the whole value. It is nil when only PHP or JSON paths
	// are given. When Spec and paths are both given, the paths apply to
	// values that parse as PHP-serialized data or JSON and Spec applies to
	// values that parse as neither.
	Spec *Spec
	// Where restricts this rule to the rows matching all conditions.
	Where []Condition
	// PHP rewrites values inside PHP-serialized values, by path.
	PHP []*PathRule
	// JSON rewrites values inside JSON documents, by path.
	JSON []*PathRule
	// FromPreset is true when this column rule came from a preset.
	FromPreset bool
}

// Spec names a transformer and its options.
type Spec struct {
	Name string
	// Options are the transformer's options as decoded from YAML
	// (string, int, float64, bool, nil, []any, map[string]any); nil when
	// none were given.
	Options map[string]any
	Pos     Pos
}

// String returns the spec the way it could be written in a rules file.
func (s *Spec) String() string {
	if s == nil {
		return "<none>"
	}
	if len(s.Options) == 0 {
		return s.Name
	}
	keys := make([]string, 0, len(s.Options))
	for k := range s.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{" + s.Name + ": {")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %v", k, s.Options[k])
	}
	b.WriteString("}}")
	return b.String()
}

// PathRule rewrites the values found at Path inside a PHP-serialized or JSON
// value. Path is a dot-separated list of segments; a segment is a key (or
// list index) or a path.Match pattern over one key, "**" matches zero or
// more keys. "*.ip" is the "ip" entry of every top-level entry.
type PathRule struct {
	Path string
	Spec Spec
	Pos  Pos

	segs []string
}

// EAVRule describes a key/value table: the transformer applied to the value
// column is chosen by the value of the key column.
type EAVRule struct {
	KeyColumn   string
	ValueColumn string
	// Keys are the per-key rules. A key is matched case-insensitively and may
	// be a path.Match glob; see ForKey for precedence.
	Keys []*KeyRule
	Pos  Pos

	once  sync.Once
	exact map[string]*KeyRule
	globs []*KeyRule
}

// KeyRule says how to rewrite the value column of the rows whose key column
// matches Key, or that it is kept. Keep, Spec and the paths work as in
// ColumnRule.
type KeyRule struct {
	Key        string
	Keep       bool
	Spec       *Spec
	PHP        []*PathRule
	JSON       []*PathRule
	Pos        Pos
	FromPreset bool
}

// Condition restricts a rule to the rows where Column matches. Exactly one of
// Equals, Regex and Null is set; Not negates the result.
type Condition struct {
	Column string
	// Equals matches when the value is byte-for-byte one of these.
	Equals []string
	// Regex matches when the expression matches the value (unanchored).
	Regex *regexp.Regexp
	// Null matches when the value's NULL-ness is *Null.
	Null *bool
	Not  bool
	Pos  Pos
}

// Match reports whether a value satisfies the condition. A NULL value never
// equals anything nor matches a regex, so {not: ...} of those is true for it.
func (c Condition) Match(value []byte, isNull bool) bool {
	var m bool
	switch {
	case c.Null != nil:
		m = isNull == *c.Null
	case c.Regex != nil:
		m = !isNull && c.Regex.Match(value)
	default:
		if !isNull {
			for _, e := range c.Equals {
				if string(value) == e {
					m = true
					break
				}
			}
		}
	}
	return m != c.Not
}

// MatchAll reports whether a row satisfies every condition (true for none).
// row returns a column's value; a column the row lacks counts as NULL.
func MatchAll(conds []Condition, row func(column string) (value []byte, isNull bool)) bool {
	for _, c := range conds {
		v, null := row(c.Column)
		if !c.Match(v, null) {
			return false
		}
	}
	return true
}

// Pos is a position in a rules file. Line and Col count from 1; 0 means
// unknown.
type Pos struct {
	File      string
	Line, Col int
}

// String returns "file:line:col", or less when parts are unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

func (p Pos) less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Error is one problem in a rules file, at a position.
type Error struct {
	Pos Pos
	Msg string
	// Err is the underlying error, if any (for example from reading an
	// extended file, or from Options.CheckTransformer).
	Err error
}

func (e *Error) Error() string {
	if e.Pos == (Pos{}) {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found, sorted by position. Error prints one per
// line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is and errors.As look at every error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es Errors) sort() {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Pos != es[j].Pos {
			return es[i].Pos.less(es[j].Pos)
		}
		return es[i].Msg < es[j].Msg
	})
}
