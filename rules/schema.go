package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stagecopy/stagecopy/internal/suggest"
)

// Schema is what CheckSchema needs to know about a database: its table
// names, exactly as the server reports them, and each table's columns.
type Schema interface {
	Tables() []string
	Columns(table string) []string
}

// CheckSchema checks the rules against a database schema, failing closed:
//
//   - a table pattern that matches no table is an error, unless only presets
//     gave it (presets name tables that not every site has);
//   - a column, condition column or EAV key/value column missing from a
//     table the rule governs (see ForTable) is an error at the rule's
//     position; when the rule came from a preset it is a warning instead,
//     since plugin and CMS versions differ.
//
// Columns are compared case-insensitively, as MySQL does. Warnings are
// "file:line:col: message" strings; err is an Errors.
func (r *Rules) CheckSchema(s Schema) (warnings []string, err error) {
	tables := s.Tables()
	cols := make(map[string]map[string]bool)
	columns := func(t string) map[string]bool {
		if m, ok := cols[t]; ok {
			return m
		}
		m := make(map[string]bool)
		for _, c := range s.Columns(t) {
			m[strings.ToLower(c)] = true
		}
		cols[t] = m
		return m
	}
	governs := make(map[*TableRule][]string)
	for _, t := range tables {
		if tr := r.ForTable(t); tr != nil {
			governs[tr] = append(governs[tr], t)
		}
	}

	var errs Errors
	warned := make(map[string]bool)
	report := func(preset bool, pos Pos, format string, args ...any) {
		e := &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
		if !preset {
			errs = append(errs, e)
			return
		}
		if w := e.Error(); !warned[w] {
			warned[w] = true
			warnings = append(warnings, w)
		}
	}
	missing := func(table, col string) string {
		msg := fmt.Sprintf("column %q not found in table %q", col, table)
		return msg + suggest.Hint(col, s.Columns(table))
	}

	for _, tr := range r.Tables {
		matched := false
		for _, t := range tables {
			if globMatch(tr.Pattern, t) {
				matched = true
				break
			}
		}
		if !matched {
			if tr.FromPreset {
				continue
			}
			if isLiteral(tr.Pattern) {
				msg := fmt.Sprintf("table %q not found in the database", tr.Pattern) + suggest.Hint(tr.Pattern, tables)
				errs = append(errs, &Error{Pos: tr.Pos, Msg: msg})
			} else {
				errs = append(errs, &Error{Pos: tr.Pos, Msg: fmt.Sprintf("no table matches %q", tr.Pattern)})
			}
			continue
		}
		for _, t := range governs[tr] {
			have := columns(t)
			check := func(preset bool, pos Pos, col string) {
				if !have[strings.ToLower(col)] {
					report(preset, pos, "%s", missing(t, col))
				}
			}
			for _, c := range tr.Columns {
				check(c.FromPreset, c.Pos, c.Column)
				for _, w := range c.Where {
					check(c.FromPreset, w.Pos, w.Column)
				}
			}
			for _, w := range tr.Where {
				check(tr.whereFromPreset, w.Pos, w.Column)
			}
			if e := tr.EAV; e != nil {
				check(tr.eavFromPreset, e.Pos, e.KeyColumn)
				check(tr.eavFromPreset, e.Pos, e.ValueColumn)
			}
		}
	}
	sort.Strings(warnings)
	if len(errs) == 0 {
		return warnings, nil
	}
	errs.sort()
	return warnings, errs
}
