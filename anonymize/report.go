package anonymize

import (
	"slices"

	"github.com/stagecopy/stagecopy/rules"
)

// Report says what a Filter did, per table in dump order. It holds counts
// and names only, never values.
type Report struct {
	Tables   []*TableReport `json:"tables"`
	Warnings []string       `json:"warnings,omitempty"`
	byName   map[string]*TableReport
	matched  map[*rules.TableRule]bool
}

// TableReport is one table's line of a Report.
type TableReport struct {
	Table string `json:"table"`
	// Action is "transform", "truncate", "skip", "keep" (an explicit keep
	// rule) or "none" (no rule: passed through).
	Action      string          `json:"action"`
	Rule        string          `json:"rule,omitempty"` // file:line:col of the rule
	Rows        int64           `json:"rows"`
	RowsChanged int64           `json:"rows_changed"`
	RowsDropped int64           `json:"rows_dropped,omitempty"`
	Columns     []*ColumnReport `json:"columns,omitempty"`
}

// ColumnReport counts the values a rule changed in one column.
type ColumnReport struct {
	Column      string `json:"column"`
	Transformer string `json:"transformer"`
	Changed     int64  `json:"changed"`
}

func newReport() *Report {
	return &Report{byName: map[string]*TableReport{}, matched: map[*rules.TableRule]bool{}}
}

// table returns the report line of a table, creating it.
func (r *Report) table(name string, tr *rules.TableRule) *TableReport {
	t := r.byName[name]
	if t != nil {
		return t
	}
	t = &TableReport{Table: name, Action: "none"}
	if tr != nil {
		r.matched[tr] = true
		t.Action = tr.Action.String()
		t.Rule = tr.Pos.String()
	}
	r.byName[name] = t
	r.Tables = append(r.Tables, t)
	return t
}

// column returns the report line of a column, creating it: every plan of
// the table (one per INSERT column list) counts into the same line.
func (t *TableReport) column(name, transformer string) *ColumnReport {
	for _, c := range t.Columns {
		if c.Column == name {
			return c
		}
	}
	c := &ColumnReport{Column: name, Transformer: transformer}
	t.Columns = append(t.Columns, c)
	return c
}

func (r *Report) warn(s string) {
	if !slices.Contains(r.Warnings, s) {
		r.Warnings = append(r.Warnings, s)
	}
}
