package rules

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stagecopy/stagecopy/internal/suggest"
)

// RestoreRule sets a column of a staging copy to a fixed value once restore
// has loaded it: a setting stagecopy cannot make safe by itself (an SMTP
// host, a payment gateway's mode, a webhook URL) in a schema no CMS fix
// knows. It comes from the rules file's restore: section, written
// "TABLE.COLUMN: VALUE" (every row) or "TABLE.COLUMN[KEY]: VALUE" (the rows
// of a key/value table whose key column holds KEY). Restore rules do not
// change what a snapshot writes, and are not part of Digest.
type RestoreRule struct {
	// Table and Column name what is set, {prefix} replaced. Table is a
	// name, not a glob; Column compares case-insensitively.
	Table, Column string
	// Key, when HasKey, limits the rule to the rows whose KeyColumn holds
	// Key (compared as the server compares them, usually ignoring case).
	// KeyColumn is the key column of Table's eav rule under tables:, and
	// Column must be its value column.
	Key       string
	HasKey    bool
	KeyColumn string
	// Value is what the column is set to; Null sets SQL NULL instead.
	Value string
	Null  bool
	// Written is the rule's key as written in the file; Pos is where.
	Written string
	Pos     Pos
}

// String returns the rule's target: "table.column" or
// "table.column[key]".
func (r *RestoreRule) String() string {
	if r.HasKey {
		return fmt.Sprintf("%s.%s[%s]", r.Table, r.Column, r.Key)
	}
	return r.Table + "." + r.Column
}

// ValueString returns the value as a rules file would show it: quoted, or
// null.
func (r *RestoreRule) ValueString() string {
	if r.Null {
		return "null"
	}
	return strconv.Quote(r.Value)
}

// id is what makes two rules the same target: a later one replaces an
// earlier one.
func (r *RestoreRule) id() string {
	id := r.Table + "\x00" + strings.ToLower(r.Column)
	if r.HasKey {
		id += "\x00" + strings.ToLower(r.Key)
	}
	return id
}

// restoreTarget is TABLE.COLUMN or TABLE.COLUMN[KEY]; neither name may hold
// a dot, brackets or a backtick.
var restoreTarget = regexp.MustCompile("^([^.\\[\\]`]+)\\.([^.\\[\\]`]+)(?:\\[(.+)\\])?$")

// restoreRules parses the restore: section.
func (p *parser) restoreRules(n *yaml.Node) []*RestoreRule {
	ps, ok := p.mapping(n, "restore", "in restore", nil)
	if !ok {
		return nil
	}
	var out []*RestoreRule
	seen := make(map[string]*yaml.Node)
	for _, e := range ps {
		m := restoreTarget.FindStringSubmatch(e.name)
		if m == nil {
			p.errorf(e.key, "restore rule %q: write TABLE.COLUMN (every row) or TABLE.COLUMN[KEY] (a key/value table's row for KEY)", e.name)
			continue
		}
		table, column := strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		if table == "" || column == "" || table != m[1] || column != m[2] {
			p.errorf(e.key, "restore rule %q: table and column names must not be empty or start or end with spaces", e.name)
			continue
		}
		if strings.ContainsAny(strings.ReplaceAll(table, "{prefix}", ""), "{}*?") {
			p.errorf(e.key, "restore rule %q: the table is a name (with {prefix} if need be), not a glob or another placeholder", e.name)
			continue
		}
		r := &RestoreRule{Table: table, Column: column, Key: m[3], HasKey: m[3] != "", Written: e.name, Pos: p.pos(e.key)}
		if first, dup := seen[r.id()]; dup {
			p.errorf(e.key, "restore rule %q names what %q names (line %d, column %d)", e.name, first.Value, first.Line, first.Column)
			continue
		}
		seen[r.id()] = e.key
		if !p.restoreValue(e.val, r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// restoreValue reads a restore rule's value: a string, a number or null.
func (p *parser) restoreValue(n *yaml.Node, r *RestoreRule) bool {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		p.errorf(n, "restore rule %q: the value must be a string, a number or null, not %s", r.Written, kindOf(n))
		return false
	}
	switch n.ShortTag() {
	case "!!null":
		r.Null = true
	case "!!str":
		r.Value = n.Value
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			p.errorf(n, "restore rule %q: bad number %q: %v", r.Written, n.Value, err)
			return false
		}
		r.Value = strconv.FormatInt(v, 10)
	case "!!float":
		var v float64
		if err := n.Decode(&v); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			p.errorf(n, "restore rule %q: the value %s must be a finite number", r.Written, n.Value)
			return false
		}
		r.Value = strconv.FormatFloat(v, 'f', -1, 64)
	case "!!bool":
		p.errorf(n, "restore rule %q: %s is a boolean; write 0 or 1, or quote it (\"%s\") for the text", r.Written, n.Value, n.Value)
		return false
	default:
		p.errorf(n, "restore rule %q: the value must be a string, a number or null, not %s", r.Written, kindOf(n))
		return false
	}
	return true
}

// mergeRestore applies the sources' restore: rules in order, a later rule
// for the same target replacing the earlier one, and gives each keyed rule
// the key column of its table's eav rule.
func (l *loader) mergeRestore(r *Rules) {
	byID := make(map[string]int)
	for _, s := range l.order {
		for _, rr := range s.restore {
			rr.Table = strings.ReplaceAll(rr.Table, "{prefix}", r.Prefix)
			rr.Key = strings.ReplaceAll(rr.Key, "{prefix}", r.Prefix)
			if i, ok := byID[rr.id()]; ok {
				r.Restore[i] = rr
				continue
			}
			byID[rr.id()] = len(r.Restore)
			r.Restore = append(r.Restore, rr)
		}
	}
	for _, rr := range r.Restore {
		if !rr.HasKey {
			continue
		}
		t := r.ForTable(rr.Table)
		switch {
		case t == nil || t.EAV == nil || t.EAV.KeyColumn == "":
			l.errs = append(l.errs, &Error{Pos: rr.Pos, Msg: fmt.Sprintf("restore rule %q names key %q, but table %q has no eav {key_column, value_column} under tables: say there which column holds the key", rr.Written, rr.Key, rr.Table)})
		case !strings.EqualFold(t.EAV.ValueColumn, rr.Column):
			l.errs = append(l.errs, &Error{Pos: rr.Pos, Msg: fmt.Sprintf("restore rule %q: %q is not the value column of table %q (its eav rule says %q)", rr.Written, rr.Column, rr.Table, t.EAV.ValueColumn)})
		default:
			rr.KeyColumn = t.EAV.KeyColumn
		}
	}
}

// CheckRestore checks the restore rules against the staging copy's schema,
// failing closed: a table, column or key column a rule names that the copy
// lacks is an error at the rule's position (a setting that is not where
// the rule says stays as the source site had it). Tables compare exactly,
// columns case-insensitively. The error is an Errors.
func (r *Rules) CheckRestore(s Schema) error {
	if r == nil || len(r.Restore) == 0 {
		return nil
	}
	tables := s.Tables()
	var errs Errors
	for _, rr := range r.Restore {
		if !slices.Contains(tables, rr.Table) {
			errs = append(errs, &Error{Pos: rr.Pos, Msg: fmt.Sprintf("restore rule %q: table %q not found in the staging copy", rr.Written, rr.Table) + suggest.Hint(rr.Table, tables)})
			continue
		}
		cols := s.Columns(rr.Table)
		for _, c := range []string{rr.Column, rr.KeyColumn} {
			if c != "" && !slices.ContainsFunc(cols, func(x string) bool { return strings.EqualFold(x, c) }) {
				errs = append(errs, &Error{Pos: rr.Pos, Msg: fmt.Sprintf("restore rule %q: column %q not found in table %q of the staging copy", rr.Written, c, rr.Table) + suggest.Hint(c, cols)})
			}
		}
	}
	if len(errs) > 0 {
		errs.sort()
		return errs
	}
	return nil
}
