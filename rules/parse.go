package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stagecopy/stagecopy/internal/suggest"
)

// Options configure parsing.
type Options struct {
	// CheckTransformer validates a transformer name and its options. It is
	// called once for every transformer spec in the files and presets
	// loaded; an error it returns is reported at the spec's position. nil
	// accepts any name and options.
	CheckTransformer func(name string, opts map[string]any) error
	// Prefix, when not empty, is the table prefix used for {prefix},
	// overriding every "prefix:" in the files and presets.
	Prefix string
}

// Known keys at each level, in the order they are listed in messages.
var (
	topKeys        = []string{"version", "extends", "prefix", "tables", "files", "subset", "restore"}
	tableKeys      = []string{"action", "columns", "eav", "keys", "where"}
	columnRuleKeys = []string{"transform", "where", "php", "json"}
	keyRuleKeys    = []string{"transform", "php", "json"}
	eavKeys        = []string{"key_column", "value_column"}
	conditionKeys  = []string{"regex", "null", "not"}
	filesKeys      = []string{"exclude", "max_size", "scrub"}
	scrubKeys      = []string{"path", "preset", "patterns", "replace"}
	tableActions   = []string{"truncate", "skip", "keep"}
)

// source is one parsed file or preset, before merging.
type source struct {
	name      string
	preset    bool
	prefix    string
	prefixSet bool
	prefixPos Pos
	extends   []extendRef
	tables    []*tableEntry
	files     fileEntry
	subset    subsetEntry
	restore   []*RestoreRule
}

type extendRef struct {
	target string
	pos    Pos
}

// tableEntry is one table as written in one source.
type tableEntry struct {
	written  string
	pos      Pos
	action   Action
	columns  []*ColumnRule
	eav      *EAVRule // key and value columns only
	keys     []*KeyRule
	hasKeys  bool
	keysPos  Pos
	where    []Condition
	whereSet bool
}

type fileEntry struct {
	exclude    []string
	maxSize    int64
	maxSizeSet bool
	scrub      []*ScrubRule
}

// parser walks the YAML nodes of one source, collecting errors.
type parser struct {
	file   string
	preset bool
	opts   Options
	errs   *Errors
	budget int                 // nodes toAny may still visit
	depth  int                 // current toAny nesting
	active map[*yaml.Node]bool // mappings being merged, against << loops
}

type pair struct {
	key, val *yaml.Node
	name     string
}

func (p *parser) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: p.file}
	}
	return Pos{File: p.file, Line: n.Line, Col: n.Column}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	*p.errs = append(*p.errs, &Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...)})
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

func kindOf(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!merge":
			return "a merge key <<"
		case "!!null":
			return "null"
		case "!!bool":
			return "a boolean"
		case "!!int":
			return "an integer"
		case "!!float":
			return "a number"
		}
		return "a string"
	}
	return "nothing"
}

func isString(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// pairs returns the entries of a mapping node, reporting duplicate keys and
// keys that are not scalars, and expanding YAML merge keys (<<). where
// completes messages ("in table \"users\"").
func (p *parser) pairs(n *yaml.Node, where string) []pair {
	n = resolve(n)
	var out, merged []pair
	seen := make(map[string]*yaml.Node)
	if p.active == nil {
		p.active = make(map[*yaml.Node]bool)
	}
	if !p.active[n] {
		// A << inside n that leads back to n is a loop.
		p.active[n] = true
		defer delete(p.active, n)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "key %s must be a string, not %s", where, kindOf(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			merged = append(merged, p.mergePairs(v, where)...)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.errorf(k, "duplicate key %q %s (first at line %d, column %d)", k.Value, where, first.Line, first.Column)
			continue
		}
		seen[k.Value] = k
		out = append(out, pair{key: k, val: v, name: k.Value})
	}
	for _, m := range merged {
		if _, ok := seen[m.name]; ok {
			continue
		}
		seen[m.name] = m.key
		out = append(out, m)
	}
	return out
}

func (p *parser) mergePairs(v *yaml.Node, where string) []pair {
	v = resolve(v)
	if p.active == nil {
		p.active = make(map[*yaml.Node]bool)
	}
	if p.active[v] {
		p.errorf(v, "merge key << %s refers to a mapping that contains it", where)
		return nil
	}
	p.active[v] = true
	defer delete(p.active, v)
	switch v.Kind {
	case yaml.MappingNode:
		return p.pairs(v, where)
	case yaml.SequenceNode:
		var out []pair
		for _, item := range v.Content {
			item = resolve(item)
			if item.Kind != yaml.MappingNode {
				p.errorf(item, "merge key << %s needs mappings, not %s", where, kindOf(item))
				continue
			}
			out = append(out, p.pairs(item, where)...)
		}
		return out
	}
	p.errorf(v, "merge key << %s needs a mapping or a list of mappings, not %s", where, kindOf(v))
	return nil
}

// mapping checks that n is a mapping and returns its entries, reporting keys
// not in known.
func (p *parser) mapping(n *yaml.Node, what, where string, known []string) ([]pair, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, not %s", what, kindOf(n))
		return nil, false
	}
	ps := p.pairs(n, where)
	if known == nil {
		return ps, true
	}
	out := ps[:0]
	for _, e := range ps {
		if !slices.Contains(known, e.name) {
			p.unknownKey(e.key, where, known)
			continue
		}
		out = append(out, e)
	}
	return out, true
}

func (p *parser) unknownKey(k *yaml.Node, where string, known []string) {
	msg := fmt.Sprintf("unknown key %q %s", k.Value, where)
	if h := suggest.Hint(k.Value, known); h != "" {
		msg += h
	} else {
		msg += " (known keys: " + strings.Join(known, ", ") + ")"
	}
	*p.errs = append(*p.errs, &Error{Pos: p.pos(k), Msg: msg})
}

// str returns a string scalar's value.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if !isString(n) {
		p.errorf(n, "%s must be a string, not %s", what, kindOf(n))
		return "", false
	}
	return n.Value, true
}

// name returns a non-empty string scalar's value.
func (p *parser) name(n *yaml.Node, what string) (string, bool) {
	s, ok := p.str(n, what)
	if ok && strings.TrimSpace(s) == "" {
		p.errorf(resolve(n), "%s must not be empty", what)
		return "", false
	}
	return s, ok
}

// parseSource parses one YAML document into a source.
func parseSource(name string, data []byte, preset bool, opts Options, errs *Errors) *source {
	p := &parser{file: name, preset: preset, opts: opts, errs: errs, budget: 100000}
	src := &source{name: name, preset: preset}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(&yaml.Node{Line: 1, Column: 1}, "empty rules file (it needs at least \"version: 1\")")
			return src
		}
		*errs = append(*errs, yamlError(name, err))
		return src
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.errorf(&extra, "a rules file holds one YAML document; remove this second one")
	} else if !errors.Is(err, io.EOF) {
		*errs = append(*errs, yamlError(name, err))
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	top, ok := p.mapping(root, "a rules file", "at top level", topKeys)
	if !ok {
		return src
	}
	var versionSeen bool
	for _, e := range top {
		switch e.name {
		case "version":
			versionSeen = true
			p.version(e.val)
		case "extends":
			src.extends = p.extends(e.val)
		case "prefix":
			if s, ok := p.str(e.val, "prefix"); ok {
				if !validPrefix(s) {
					p.errorf(resolve(e.val), "prefix %q may only hold letters, digits, _ and $", s)
				} else {
					src.prefix, src.prefixSet, src.prefixPos = s, true, p.pos(resolve(e.val))
				}
			}
		case "tables":
			if ps, ok := p.mapping(e.val, "tables", "in tables", nil); ok {
				for _, t := range ps {
					if te := p.table(t.key, t.val); te != nil {
						src.tables = append(src.tables, te)
					}
				}
			}
		case "files":
			src.files = p.files(e.val)
		case "subset":
			src.subset = p.subset(e.val)
		case "restore":
			src.restore = p.restoreRules(e.val)
		}
	}
	if !versionSeen {
		p.errorf(resolve(root), "version is missing (add \"version: 1\" at the top)")
	}
	return src
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlError turns a YAML syntax error into an Error with a line. yaml.v3
// counts lines from 0 in parser errors ("did not find expected ...") and
// from 1 in scanner errors, and leaves the line out when it is the first.
func yamlError(file string, err error) *Error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &Error{Pos: Pos{File: file}, Msg: "YAML: " + err.Error(), Err: err}
	}
	line := 1
	if m[1] != "" {
		line, _ = strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "did not find expected") || strings.HasPrefix(m[2], "found undefined tag") ||
			strings.HasPrefix(m[2], "found duplicate %") || strings.HasPrefix(m[2], "found incompatible YAML") {
			line++
		}
	}
	return &Error{Pos: Pos{File: file, Line: line}, Msg: "YAML: " + m[2], Err: err}
}

func validPrefix(s string) bool {
	for _, c := range s {
		if !(c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func (p *parser) version(n *yaml.Node) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		p.errorf(n, "version must be the integer 1, not %s", kindOf(n))
		return
	}
	if v, err := strconv.Atoi(n.Value); err != nil || v != 1 {
		p.errorf(n, "unsupported version %s (this stagecopy reads version 1)", n.Value)
	}
}

func (p *parser) extends(n *yaml.Node) []extendRef {
	n = resolve(n)
	var items []*yaml.Node
	switch {
	case n.Kind == yaml.SequenceNode:
		items = n.Content
	case isString(n):
		items = []*yaml.Node{n}
	default:
		p.errorf(n, "extends must be a string or a list of strings, not %s", kindOf(n))
		return nil
	}
	var out []extendRef
	for _, it := range items {
		s, ok := p.name(it, "an extends entry")
		if !ok {
			continue
		}
		it = resolve(it)
		if strings.HasPrefix(s, "preset:") {
			nm := strings.TrimPrefix(s, "preset:")
			if !isPreset(nm) {
				msg := fmt.Sprintf("unknown preset %q", nm)
				if sg := suggest.Closest(nm, Presets()); sg != "" {
					msg += fmt.Sprintf(" (did you mean \"preset:%s\"?)", sg)
				} else {
					msg += " (known: " + strings.Join(Presets(), ", ") + ")"
				}
				p.errorf(it, "%s", msg)
				continue
			}
		} else if p.preset {
			p.errorf(it, "a preset may only extend other presets, not %q", s)
			continue
		}
		out = append(out, extendRef{target: s, pos: p.pos(it)})
	}
	return out
}

// checkPattern validates a table pattern or EAV key: only {prefix} may appear
// in braces, and the rest must be a valid path.Match pattern.
func (p *parser) checkPattern(n *yaml.Node, what, pat string) bool {
	bare := strings.ReplaceAll(pat, "{prefix}", "")
	if strings.ContainsAny(bare, "{}") {
		p.errorf(n, "unknown placeholder in %s %q (only {prefix} is known)", what, pat)
		return false
	}
	if _, err := path.Match(bare, ""); err != nil {
		p.errorf(n, "bad glob in %s %q: %v", what, pat, err)
		return false
	}
	return true
}

func (p *parser) table(k, v *yaml.Node) *tableEntry {
	name := k.Value
	if strings.TrimSpace(name) == "" {
		p.errorf(k, "empty table name")
		return nil
	}
	if !p.checkPattern(k, "table pattern", name) {
		return nil
	}
	te := &tableEntry{written: name, pos: p.pos(k)}
	errsBefore := len(*p.errs)
	v = resolve(v)
	if v.Kind == yaml.ScalarNode {
		a, ok := p.action(v, name, false)
		if !ok {
			return nil
		}
		te.action = a
		return te
	}
	where := fmt.Sprintf("in table %q", name)
	ps, ok := p.mapping(v, fmt.Sprintf("table %q", name), where, tableKeys)
	if !ok {
		return nil
	}
	var actionKey *yaml.Node
	var rulesKey []*yaml.Node
	for _, e := range ps {
		switch e.name {
		case "action":
			a, ok := p.action(resolve(e.val), name, true)
			if !ok {
				return nil
			}
			te.action, actionKey = a, e.key
		case "columns":
			te.columns = p.columns(e.val, name)
			rulesKey = append(rulesKey, e.key)
		case "eav":
			te.eav = p.eav(e.val, name)
			rulesKey = append(rulesKey, e.key)
		case "keys":
			te.keys = p.keys(e.val, name)
			te.hasKeys, te.keysPos = true, p.pos(e.key)
			rulesKey = append(rulesKey, e.key)
		case "where":
			te.where = p.where(e.val, fmt.Sprintf("table %q", name))
			te.whereSet = true
			rulesKey = append(rulesKey, e.key)
		}
	}
	if te.action != ActionTransform {
		for _, rk := range rulesKey {
			p.errorf(rk, "table %q: %s cannot be combined with action %s", name, rk.Value, te.action)
		}
		return te
	}
	if len(te.columns) == 0 && te.eav == nil && !te.hasKeys {
		if len(*p.errs) > errsBefore {
			return nil // already explained
		}
		at := k
		if actionKey != nil {
			at = actionKey
		}
		p.errorf(at, "table %q has no rules (give columns, or eav and keys; write \"keep\" to copy it unchanged)", name)
		return nil
	}
	return te
}

func (p *parser) action(n *yaml.Node, table string, explicit bool) (Action, bool) {
	want := tableActions
	if explicit {
		want = append([]string{"transform"}, tableActions...)
	}
	if !isString(n) {
		p.errorf(n, "table %q must be truncate, skip, keep or a mapping, not %s", table, kindOf(n))
		return 0, false
	}
	for i, a := range actionNames {
		if n.Value == a && slices.Contains(want, a) {
			return Action(i), true
		}
	}
	msg := fmt.Sprintf("unknown action %q for table %q", n.Value, table)
	if h := suggest.Hint(n.Value, want); h != "" {
		msg += h
	} else {
		msg += " (want " + strings.Join(want, ", ") + ", or a mapping)"
	}
	p.errorf(n, "%s", msg)
	return 0, false
}

func (p *parser) columns(n *yaml.Node, table string) []*ColumnRule {
	ps, ok := p.mapping(n, fmt.Sprintf("columns of table %q", table), fmt.Sprintf("in columns of table %q", table), nil)
	if !ok {
		return nil
	}
	var out []*ColumnRule
	seen := make(map[string]*yaml.Node)
	for _, e := range ps {
		if strings.TrimSpace(e.name) == "" {
			p.errorf(e.key, "empty column name in table %q", table)
			continue
		}
		lc := strings.ToLower(e.name)
		if first := seen[lc]; first != nil {
			p.errorf(e.key, "column %q is given twice in table %q (first at line %d, column %d)", e.name, table, first.Line, first.Column)
			continue
		}
		seen[lc] = e.key
		if cr := p.columnRule(e, table); cr != nil {
			out = append(out, cr)
		}
	}
	return out
}

// ruleForm reports whether a mapping is the long form of a column or key rule
// ({transform: ..., where: ..., php: ..., json: ...}) rather than a one-key
// transformer spec.
func ruleForm(n *yaml.Node) bool {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if slices.Contains(columnRuleKeys, resolve(n.Content[i]).Value) {
			return true
		}
	}
	return false
}

func (p *parser) columnRule(e pair, table string) *ColumnRule {
	cr := &ColumnRule{Column: e.name, Pos: p.pos(e.key), FromPreset: p.preset}
	what := fmt.Sprintf("column %q of table %q", e.name, table)
	if !ruleForm(e.val) {
		cr.Spec = p.spec(e.val, what)
		if cr.Spec == nil {
			return nil
		}
		cr.Keep, cr.Spec = isKeep(cr.Spec), keepless(cr.Spec)
		return cr
	}
	ps, _ := p.mapping(e.val, what, "in "+what, columnRuleKeys)
	for _, f := range ps {
		switch f.name {
		case "transform":
			cr.Spec = p.spec(f.val, what)
		case "where":
			cr.Where = p.where(f.val, what)
		case "php":
			cr.PHP = p.paths(f.val, "php", what)
		case "json":
			cr.JSON = p.paths(f.val, "json", what)
		}
	}
	if cr.Spec == nil && cr.PHP == nil && cr.JSON == nil {
		p.errorf(resolve(e.val), "%s needs transform, php or json", what)
		return nil
	}
	if isKeep(cr.Spec) && cr.PHP == nil && cr.JSON == nil {
		// {transform: keep} alone is a keep rule; beside paths, keep is
		// the transformer for the values that are neither PHP nor JSON.
		if cr.Where != nil {
			p.errorf(resolve(e.val), "%s: keep takes no where (the rows it leaves out are copied unchanged too); write %q: keep", what, e.name)
			return nil
		}
		cr.Keep, cr.Spec = true, nil
	}
	return cr
}

// isKeep reports whether a spec is keep: at the level of a column or an EAV
// key, a keep rule rather than a transformer.
func isKeep(s *Spec) bool { return s != nil && s.Name == "keep" }

// keepless returns s, or nil when s is keep.
func keepless(s *Spec) *Spec {
	if isKeep(s) {
		return nil
	}
	return s
}

// spec parses a transformer spec: a name, or {name: options}.
func (p *parser) spec(n *yaml.Node, what string) *Spec {
	n = resolve(n)
	var s Spec
	switch {
	case n.Kind == yaml.ScalarNode && (isString(n) || n.ShortTag() == "!!null" && n.Value == "null"):
		// A bare "null" is the null transformer, not a missing value.
		s = Spec{Name: n.Value, Pos: p.pos(n)}
	case n.Kind == yaml.MappingNode && len(n.Content) == 2:
		k, v := resolve(n.Content[0]), resolve(n.Content[1])
		if !isString(k) && !(k.Kind == yaml.ScalarNode && k.Value == "null") {
			p.errorf(k, "transformer name for %s must be a string, not %s", what, kindOf(k))
			return nil
		}
		s = Spec{Name: k.Value, Pos: p.pos(k)}
		switch {
		case isNull(v):
		case v.Kind == yaml.MappingNode:
			opts, ok := p.toAny(v, fmt.Sprintf("in options of transformer %q", k.Value))
			if !ok {
				return nil
			}
			if m := opts.(map[string]any); len(m) > 0 {
				s.Options = m
			}
		case v.Kind == yaml.ScalarNode:
			val, ok := p.toAny(v, "")
			if !ok {
				return nil
			}
			key := "value"
			if s.Name == "template" {
				key = "template"
			}
			s.Options = map[string]any{key: val}
		default:
			p.errorf(v, "options of transformer %q must be a mapping or a single value, not %s", k.Value, kindOf(v))
			return nil
		}
	case isNull(n):
		p.errorf(n, "missing transformer for %s", what)
		return nil
	default:
		p.errorf(n, "transformer for %s must be a name or {name: options}, not %s", what, describe(n))
		return nil
	}
	if strings.TrimSpace(s.Name) == "" {
		p.errorf(n, "empty transformer name for %s", what)
		return nil
	}
	if p.opts.CheckTransformer != nil {
		if err := p.opts.CheckTransformer(s.Name, s.Options); err != nil {
			*p.errs = append(*p.errs, &Error{Pos: s.Pos, Msg: fmt.Sprintf("transformer %q: %v", s.Name, err), Err: err})
			return nil
		}
	}
	return &s
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		return fmt.Sprintf("a mapping with %d keys", len(n.Content)/2)
	}
	return kindOf(n)
}

// toAny converts a YAML node to plain Go values.
func (p *parser) toAny(n *yaml.Node, where string) (any, bool) {
	n = resolve(n)
	p.budget--
	p.depth++
	defer func() { p.depth-- }()
	if p.budget < 0 || p.depth > 100 {
		if p.budget == -1 || p.depth == 101 {
			p.errorf(n, "options too large or nested too deeply (an alias that refers to itself?)")
		}
		return nil, false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, true
		case "!!bool", "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err != nil {
				p.errorf(n, "bad value %q: %v", n.Value, err)
				return nil, false
			}
			if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
				p.errorf(n, "option value %s must be a finite number", n.Value)
				return nil, false
			}
			return v, true
		}
		return n.Value, true
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		ok := true
		for _, c := range n.Content {
			v, good := p.toAny(c, where)
			ok = ok && good
			out = append(out, v)
		}
		return out, ok
	case yaml.MappingNode:
		out := make(map[string]any)
		ok := true
		for _, e := range p.pairs(n, where) {
			v, good := p.toAny(e.val, where)
			ok = ok && good
			out[e.name] = v
		}
		return out, ok
	}
	p.errorf(n, "unsupported YAML value")
	return nil, false
}

func (p *parser) paths(n *yaml.Node, kind, what string) []*PathRule {
	where := fmt.Sprintf("in %s paths of %s", kind, what)
	ps, ok := p.mapping(n, fmt.Sprintf("%s of %s", kind, what), where, nil)
	if !ok {
		return nil
	}
	var out []*PathRule
	for _, e := range ps {
		if !p.checkPath(e.key, e.name) {
			continue
		}
		s := p.spec(e.val, fmt.Sprintf("%s path %q of %s", kind, e.name, what))
		if s == nil {
			continue
		}
		out = append(out, &PathRule{Path: e.name, Spec: *s, Pos: p.pos(e.key), segs: strings.Split(e.name, ".")})
	}
	if out == nil {
		out = []*PathRule{}
	}
	return out
}

func (p *parser) checkPath(k *yaml.Node, pth string) bool {
	if pth == "" {
		p.errorf(k, "empty path")
		return false
	}
	for _, seg := range strings.Split(pth, ".") {
		if seg == "" {
			p.errorf(k, "path %q has an empty segment", pth)
			return false
		}
		if seg != "**" && strings.Contains(seg, "**") {
			p.errorf(k, "path %q: ** must be a whole segment", pth)
			return false
		}
		if _, err := path.Match(seg, ""); err != nil {
			p.errorf(k, "bad glob in path %q: %v", pth, err)
			return false
		}
	}
	return true
}

func (p *parser) eav(n *yaml.Node, table string) *EAVRule {
	where := fmt.Sprintf("in eav of table %q", table)
	ps, ok := p.mapping(n, fmt.Sprintf("eav of table %q", table), where, eavKeys)
	if !ok {
		return nil
	}
	e := &EAVRule{Pos: p.pos(resolve(n))}
	for _, f := range ps {
		s, ok := p.name(f.val, f.name)
		if !ok {
			continue
		}
		if f.name == "key_column" {
			e.KeyColumn = s
		} else {
			e.ValueColumn = s
		}
	}
	for _, need := range eavKeys {
		found := false
		for _, f := range ps {
			found = found || f.name == need
		}
		if !found {
			p.errorf(resolve(n), "eav of table %q needs %s", table, need)
		}
	}
	if e.KeyColumn == "" || e.ValueColumn == "" {
		return nil
	}
	if strings.EqualFold(e.KeyColumn, e.ValueColumn) {
		p.errorf(resolve(n), "eav of table %q: key_column and value_column are both %q", table, e.KeyColumn)
		return nil
	}
	return e
}

func (p *parser) keys(n *yaml.Node, table string) []*KeyRule {
	ps, ok := p.mapping(n, fmt.Sprintf("keys of table %q", table), fmt.Sprintf("in keys of table %q", table), nil)
	if !ok {
		return nil
	}
	var out []*KeyRule
	seen := make(map[string]*yaml.Node)
	for _, e := range ps {
		if strings.TrimSpace(e.name) == "" {
			p.errorf(e.key, "empty key in table %q", table)
			continue
		}
		if !p.checkPattern(e.key, "key", e.name) {
			continue
		}
		lk := strings.ToLower(e.name)
		if first := seen[lk]; first != nil {
			p.errorf(e.key, "key %q is given twice in table %q (first at line %d, column %d)", e.name, table, first.Line, first.Column)
			continue
		}
		seen[lk] = e.key
		what := fmt.Sprintf("key %q of table %q", e.name, table)
		kr := &KeyRule{Key: e.name, Pos: p.pos(e.key), FromPreset: p.preset}
		if !ruleForm(e.val) {
			if kr.Spec = p.spec(e.val, what); kr.Spec != nil {
				kr.Keep, kr.Spec = isKeep(kr.Spec), keepless(kr.Spec)
				out = append(out, kr)
			}
			continue
		}
		for _, f := range p.pairs(resolve(e.val), "in "+what) {
			switch f.name {
			case "transform":
				kr.Spec = p.spec(f.val, what)
			case "php":
				kr.PHP = p.paths(f.val, "php", what)
			case "json":
				kr.JSON = p.paths(f.val, "json", what)
			case "where":
				p.errorf(f.key, "where is not allowed on an EAV key; put it at table level")
			default:
				p.unknownKey(f.key, "in "+what, keyRuleKeys)
			}
		}
		if kr.Spec == nil && kr.PHP == nil && kr.JSON == nil {
			p.errorf(resolve(e.val), "%s needs transform, php or json", what)
			continue
		}
		if isKeep(kr.Spec) && kr.PHP == nil && kr.JSON == nil {
			kr.Keep, kr.Spec = true, nil
		}
		out = append(out, kr)
	}
	return out
}

// where parses conditions: column -> matcher. what names the rule
// ("table \"users\"").
func (p *parser) where(n *yaml.Node, what string) []Condition {
	where := "in where of " + what
	ps, ok := p.mapping(n, "where of "+what, where, nil)
	if !ok {
		return nil
	}
	var out []Condition
	seen := make(map[string]bool)
	for _, e := range ps {
		if strings.TrimSpace(e.name) == "" {
			p.errorf(e.key, "empty column name %s", where)
			continue
		}
		if seen[strings.ToLower(e.name)] {
			p.errorf(e.key, "column %q is given twice %s", e.name, where)
			continue
		}
		seen[strings.ToLower(e.name)] = true
		c, ok := p.matcher(e.val, e.name, what, false)
		if !ok {
			continue
		}
		c.Column, c.Pos = e.name, p.pos(e.key)
		out = append(out, c)
	}
	if out == nil {
		out = []Condition{}
	}
	return out
}

func (p *parser) matcher(n *yaml.Node, col, what string, inNot bool) (Condition, bool) {
	n = resolve(n)
	var c Condition
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			p.errorf(n, "condition on column %q is null; write {null: true} to match NULL", col)
			return c, false
		}
		c.Equals = []string{n.Value}
		return c, true
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errorf(n, "condition on column %q is an empty list", col)
			return c, false
		}
		for _, it := range n.Content {
			it = resolve(it)
			if it.Kind != yaml.ScalarNode || isNull(it) {
				p.errorf(it, "values in the condition on column %q must be strings or numbers, not %s", col, kindOf(it))
				return c, false
			}
			c.Equals = append(c.Equals, it.Value)
		}
		return c, true
	case yaml.MappingNode:
		where := fmt.Sprintf("in condition on column %q of %s", col, what)
		ps, _ := p.mapping(n, "", where, conditionKeys)
		if len(ps) != 1 {
			if len(n.Content) != 2 {
				p.errorf(n, "condition on column %q needs exactly one of regex, null or not", col)
			}
			return c, false
		}
		e := ps[0]
		switch e.name {
		case "regex":
			s, ok := p.str(e.val, "regex")
			if !ok {
				return c, false
			}
			re, err := regexp.Compile(s)
			if err != nil {
				p.errorf(resolve(e.val), "bad regex for column %q: %v", col, err)
				return c, false
			}
			c.Regex = re
		case "null":
			v := resolve(e.val)
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
				p.errorf(v, "null must be true or false, not %s", kindOf(v))
				return c, false
			}
			b := v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
			c.Null = &b
		case "not":
			if inNot {
				p.errorf(e.key, "not inside not on column %q; remove both", col)
				return c, false
			}
			inner, ok := p.matcher(e.val, col, what, true)
			if !ok {
				return c, false
			}
			inner.Not = true
			return inner, true
		}
		return c, true
	}
	p.errorf(n, "condition on column %q must be a value, a list or a mapping, not %s", col, kindOf(n))
	return c, false
}

func (p *parser) files(n *yaml.Node) fileEntry {
	var fe fileEntry
	ps, ok := p.mapping(n, "files", "in files", filesKeys)
	if !ok {
		return fe
	}
	for _, e := range ps {
		switch e.name {
		case "exclude":
			v := resolve(e.val)
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "exclude must be a list of globs, not %s", kindOf(v))
				continue
			}
			for _, it := range v.Content {
				s, ok := p.name(it, "an exclude glob")
				if !ok {
					continue
				}
				if err := checkFileGlob(s); err != nil {
					p.errorf(resolve(it), "bad exclude glob %q: %v", s, err)
					continue
				}
				fe.exclude = append(fe.exclude, s)
			}
		case "max_size":
			v := resolve(e.val)
			var size int64
			var err error
			switch {
			case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int":
				size, err = strconv.ParseInt(v.Value, 0, 64)
				if err == nil && size < 0 {
					err = errors.New("negative size")
				}
			case isString(v):
				size, err = ParseSize(v.Value)
			default:
				err = fmt.Errorf("want a size such as \"10MB\", not %s", kindOf(v))
			}
			if err != nil {
				p.errorf(v, "bad max_size: %v", err)
				continue
			}
			fe.maxSize, fe.maxSizeSet = size, true
		case "scrub":
			v := resolve(e.val)
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "scrub must be a list of {path, preset or patterns}, not %s", kindOf(v))
				continue
			}
			for i, it := range v.Content {
				if sr := p.scrub(it, i+1); sr != nil {
					fe.scrub = append(fe.scrub, sr)
				}
			}
		}
	}
	return fe
}

func (p *parser) scrub(n *yaml.Node, idx int) *ScrubRule {
	where := fmt.Sprintf("in scrub rule %d", idx)
	ps, ok := p.mapping(n, fmt.Sprintf("scrub rule %d", idx), where, scrubKeys)
	if !ok {
		return nil
	}
	sr := &ScrubRule{Pos: p.pos(resolve(n)), Replace: DefaultReplace}
	good := true
	for _, e := range ps {
		switch e.name {
		case "path":
			s, ok := p.name(e.val, "path")
			if ok {
				if err := checkFileGlob(s); err != nil {
					p.errorf(resolve(e.val), "bad path glob %q: %v", s, err)
					ok = false
				}
			}
			sr.Path, good = s, good && ok
		case "preset":
			s, ok := p.name(e.val, "preset")
			if ok {
				pats, known := scrubPresets[s]
				if !known {
					msg := fmt.Sprintf("unknown scrub preset %q", s)
					if h := suggest.Hint(s, ScrubPresets()); h != "" {
						msg += h
					} else {
						msg += " (known: " + strings.Join(ScrubPresets(), ", ") + ")"
					}
					p.errorf(resolve(e.val), "%s", msg)
					good = false
					continue
				}
				sr.Preset = s
				for _, pat := range pats {
					sr.Patterns = append(sr.Patterns, regexp.MustCompile(pat))
				}
			}
			good = good && ok
		case "patterns":
			v := resolve(e.val)
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "patterns must be a list of regular expressions, not %s", kindOf(v))
				good = false
				continue
			}
			for _, it := range v.Content {
				s, ok := p.name(it, "a pattern")
				if !ok {
					good = false
					continue
				}
				re, err := regexp.Compile(s)
				if err != nil {
					p.errorf(resolve(it), "bad regex %q: %v", s, err)
					good = false
					continue
				}
				sr.Patterns = append(sr.Patterns, re)
			}
		case "replace":
			s, ok := p.str(e.val, "replace")
			sr.Replace, good = s, good && ok
		}
	}
	has := func(k string) bool {
		for _, e := range ps {
			if e.name == k {
				return true
			}
		}
		return false
	}
	if !has("path") {
		p.errorf(resolve(n), "scrub rule %d needs a path", idx)
		good = false
	}
	if !has("preset") && !has("patterns") {
		p.errorf(resolve(n), "scrub rule %d needs a preset or patterns", idx)
		good = false
	}
	if !good {
		return nil
	}
	return sr
}
