package rules

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Subset says which rows of a live database a snapshot copies when it copies
// only part of it: the rows of the roots, every row they reference, and the
// rows that belong to a taken row, as the References say (see docs/rules.md).
// Presets give the References and Whole tables of their CMS; a subset is made
// only when a root is given, in a rules file or on the command line.
type Subset struct {
	// Roots are the rows to start from. A table may be a root more than
	// once: it then starts from the rows matching any of its conditions.
	Roots []SubsetRoot
	// Always are rows taken with any subset, beside the roots (a CMS's
	// pages and products, say): presets give them, and a subset is still
	// made only when there is a root.
	Always []SubsetRoot
	// Whole lists table names or path.Match globs copied with all their
	// rows (configuration, catalogue). Rows of a whole table are never
	// followed to the rows that belong to them.
	Whole []SubsetWhole
	// References are the references the schema does not declare.
	// Declared foreign keys are followed without being listed.
	References []*Reference
}

// SubsetRoot is one root: the rows of Table matching Where, an SQL condition
// the server evaluates.
type SubsetRoot struct {
	Table string
	Where string
	Pos   Pos
}

// SubsetWhole is one table, or glob of tables, copied whole.
type SubsetWhole struct {
	Pattern    string
	Pos        Pos
	FromPreset bool
}

// Reference says that the value of From.FromColumn is the value of
// To.ToColumn in some row of To, for the rows of From matching When and
// Where. Taking a row of From takes the rows of To it references; with
// Dependents, taking a row of To also takes the rows of From that reference
// it (they belong to it: meta rows, order items, comments). From may be a
// path.Match pattern (Drupal's node__* field tables, named after each site's
// fields): the reference then holds for every table it matches that has
// FromColumn.
type Reference struct {
	From, FromColumn string
	To, ToColumn     string
	// When holds column = value conditions on the From row, for key/value
	// and polymorphic references (meta_key: _customer_user); ANDed with
	// Where, an SQL condition on the From row.
	When       map[string]string
	Where      string
	Dependents bool
	Pos        Pos
	// FromPreset references are left out where the database lacks their
	// tables or columns; a file's references must name existing ones.
	FromPreset bool
}

// String returns the reference as "from.col -> to.col [when ...]".
func (r *Reference) String() string {
	s := r.From + "." + r.FromColumn + " -> " + r.To + "." + r.ToColumn
	if c := r.Condition(); c != "" {
		s += " where " + c
	}
	if r.Dependents {
		s += " (dependents)"
	}
	return s
}

// Condition returns When and Where as one SQL condition on the From row,
// with column names quoted and values as string literals; "" when there is
// none.
func (r *Reference) Condition() string {
	var parts []string
	keys := make([]string, 0, len(r.When))
	for k := range r.When {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, quoteIdent(k)+" = "+quoteLiteral(r.When[k]))
	}
	if r.Where != "" {
		parts = append(parts, "("+r.Where+")")
	}
	return strings.Join(parts, " AND ")
}

// Active reports whether a subset is asked for: it has a root.
func (s *Subset) Active() bool { return s != nil && len(s.Roots) > 0 }

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func quoteLiteral(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\x00", `\0`, "\n", `\n`, "\r", `\r`, "\x1a", `\Z`)
	return "'" + r.Replace(s) + "'"
}

var (
	subsetKeys    = []string{"roots", "always", "whole", "references"}
	rootKeys      = []string{"table", "where"}
	referenceKeys = []string{"from", "to", "when", "where", "dependents"}
)

// subsetEntry is one source's subset section, before {prefix} is replaced.
type subsetEntry struct {
	roots  []SubsetRoot
	always []SubsetRoot
	whole  []SubsetWhole
	refs   []*Reference
}

func (p *parser) subset(n *yaml.Node) subsetEntry {
	var e subsetEntry
	ps, ok := p.mapping(n, "subset", "in subset", subsetKeys)
	if !ok {
		return e
	}
	for _, kv := range ps {
		switch kv.name {
		case "roots":
			for _, item := range p.list(kv.val, "subset roots") {
				if r, ok := p.root(item); ok {
					e.roots = append(e.roots, r)
				}
			}
		case "always":
			for _, item := range p.list(kv.val, "subset always") {
				if r, ok := p.root(item); ok {
					e.always = append(e.always, r)
				}
			}
		case "whole":
			for _, item := range p.list(kv.val, "subset whole") {
				if s, ok := p.name(item, "a whole table"); ok && p.checkPattern(resolve(item), "table pattern", s) {
					e.whole = append(e.whole, SubsetWhole{Pattern: s, Pos: p.pos(resolve(item)), FromPreset: p.preset})
				}
			}
		case "references":
			for _, item := range p.list(kv.val, "subset references") {
				if r := p.reference(item); r != nil {
					e.refs = append(e.refs, r)
				}
			}
		}
	}
	return e
}

// list returns the items of a sequence node.
func (p *parser) list(n *yaml.Node, what string) []*yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list, not %s", what, kindOf(n))
		return nil
	}
	return n.Content
}

func (p *parser) root(n *yaml.Node) (SubsetRoot, bool) {
	r := SubsetRoot{Pos: p.pos(resolve(n))}
	ps, ok := p.mapping(n, "a subset root", "in a subset root", rootKeys)
	if !ok {
		return r, false
	}
	seen := 0
	for _, kv := range ps {
		seen++
		switch kv.name {
		case "table":
			if s, ok := p.name(kv.val, "a root's table"); ok && p.checkName(kv.val, s) {
				r.Table = s
			}
		case "where":
			if s, ok := p.name(kv.val, "a root's where"); ok {
				if err := CheckCondition(s); err != nil {
					p.errorf(resolve(kv.val), "root condition %q: %v", s, err)
				} else {
					r.Where = s
				}
			}
		}
	}
	if r.Table == "" || r.Where == "" {
		if seen < 2 {
			p.errorf(resolve(n), "a subset root needs both table and where (where: an SQL condition on the table's rows)")
		}
		return r, false
	}
	return r, true
}

// checkName validates a single table name (no glob), with {prefix} allowed.
func (p *parser) checkName(n *yaml.Node, s string) bool {
	if strings.ContainsAny(strings.ReplaceAll(s, "{prefix}", ""), "*?[\\") {
		p.errorf(resolve(n), "%q: a subset names one table, not a pattern", s)
		return false
	}
	return p.checkPattern(resolve(n), "table name", s)
}

// tableColumn splits "table.column"; with glob, the table may be a
// path.Match pattern.
func (p *parser) tableColumn(n *yaml.Node, what string, glob bool) (string, string, bool) {
	s, ok := p.name(n, what)
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 {
		p.errorf(resolve(n), "%s %q must be table.column", what, s)
		return "", "", false
	}
	if glob {
		if !p.checkPattern(resolve(n), "table pattern", s[:i]) {
			return "", "", false
		}
	} else if !p.checkName(n, s[:i]) {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func (p *parser) reference(n *yaml.Node) *Reference {
	r := &Reference{Pos: p.pos(resolve(n)), FromPreset: p.preset}
	ps, ok := p.mapping(n, "a subset reference", "in a subset reference", referenceKeys)
	if !ok {
		return nil
	}
	good := true
	for _, kv := range ps {
		switch kv.name {
		case "from":
			r.From, r.FromColumn, ok = p.tableColumn(kv.val, "from", true)
			good = good && ok
		case "to":
			r.To, r.ToColumn, ok = p.tableColumn(kv.val, "to", false)
			good = good && ok
		case "when":
			m, ok := p.mapping(kv.val, "when", "in when", nil)
			if !ok {
				good = false
				continue
			}
			r.When = map[string]string{}
			for _, c := range m {
				v := resolve(c.val)
				if v == nil || v.Kind != yaml.ScalarNode || isNull(v) {
					p.errorf(v, "when %s must be a value (a string or number), not %s", c.name, kindOf(v))
					good = false
					continue
				}
				r.When[c.name] = v.Value
			}
		case "where":
			s, ok := p.name(kv.val, "a reference's where")
			if ok {
				if err := CheckCondition(s); err != nil {
					p.errorf(resolve(kv.val), "reference condition %q: %v", s, err)
					ok = false
				}
			}
			r.Where = s
			good = good && ok
		case "dependents":
			v := resolve(kv.val)
			if v == nil || v.ShortTag() != "!!bool" {
				p.errorf(v, "dependents must be true or false, not %s", kindOf(v))
				good = false
				continue
			}
			r.Dependents = v.Value == "true"
		}
	}
	if good && (r.From == "" || r.To == "") {
		p.errorf(resolve(n), "a subset reference needs from: table.column and to: table.column")
		good = false
	}
	if !good {
		return nil
	}
	return r
}

// CheckCondition rejects SQL conditions that are not one expression: a
// statement separator, unbalanced parentheses or quotes, or a comment that
// could hide the rest of the query. The server checks the rest when it runs
// the condition.
func CheckCondition(s string) error {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			switch {
			case c == '\\' && quote != '`':
				i++
			case c == quote:
				if i+1 < len(s) && s[i+1] == quote {
					i++
				} else {
					quote = 0
				}
			}
			continue
		}
		switch c {
		case '\'', '"', '`':
			quote = c
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return fmt.Errorf("unbalanced ')' at byte %d", i+1)
			}
		case ';':
			return fmt.Errorf("';' at byte %d: a condition is one SQL expression, not statements", i+1)
		case '#':
			return fmt.Errorf("comment at byte %d: write the condition without comments", i+1)
		case '-', '/':
			if i+1 < len(s) && ((c == '-' && s[i+1] == '-') || (c == '/' && s[i+1] == '*')) {
				return fmt.Errorf("comment at byte %d: write the condition without comments", i+1)
			}
		}
	}
	if quote != 0 {
		return fmt.Errorf("unterminated %c quote", quote)
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced '(': %d not closed", depth)
	}
	return nil
}

// ParseSubsetFlag reads the short form of one root, "table: condition", as
// given to snapshot --subset.
func ParseSubsetFlag(s string) (SubsetRoot, error) {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return SubsetRoot{}, fmt.Errorf("--subset %q: write TABLE: CONDITION, such as 'wp_posts: post_date >= NOW() - INTERVAL 30 DAY'", s)
	}
	t, cond := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	if t == "" || strings.ContainsAny(t, "*?[`'\" ") {
		return SubsetRoot{}, fmt.Errorf("--subset %q: %q is not a table name", s, t)
	}
	if cond == "" {
		return SubsetRoot{}, fmt.Errorf("--subset %q: the condition after the table is empty", s)
	}
	if err := CheckCondition(cond); err != nil {
		return SubsetRoot{}, fmt.Errorf("--subset %q: %w", s, err)
	}
	return SubsetRoot{Table: t, Where: cond, Pos: Pos{File: "--subset"}}, nil
}

// mergeSubset adds one source's subset section, with {prefix} replaced.
func (l *loader) mergeSubset(s *Subset, e subsetEntry, prefix string) {
	sub := func(t string) string { return strings.ReplaceAll(t, "{prefix}", prefix) }
	for _, r := range e.roots {
		r.Table = sub(r.Table)
		s.Roots = append(s.Roots, r)
	}
	for _, r := range e.always {
		r.Table = sub(r.Table)
		s.Always = append(s.Always, r)
	}
	for _, w := range e.whole {
		w.Pattern = sub(w.Pattern)
		dup := false
		for _, o := range s.Whole {
			dup = dup || o.Pattern == w.Pattern
		}
		if !dup {
			s.Whole = append(s.Whole, w)
		}
	}
	for _, r := range e.refs {
		r.From, r.To = sub(r.From), sub(r.To)
		for k, v := range r.When {
			r.When[k] = sub(v)
		}
		replaced := false
		for i, o := range s.References {
			if strings.EqualFold(o.From, r.From) && strings.EqualFold(o.FromColumn, r.FromColumn) && strings.EqualFold(o.To, r.To) && strings.EqualFold(o.ToColumn, r.ToColumn) && o.Condition() == r.Condition() {
				s.References[i], replaced = r, true
			}
		}
		if !replaced {
			s.References = append(s.References, r)
		}
	}
}
