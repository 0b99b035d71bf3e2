package scan

import (
	"strings"

	"github.com/stagecopy/stagecopy/rules"
)

// FromRules tells a Scanner what anonymization rules cover: a table the
// rules truncate or skip is ruled, one they keep is kept; in a table they
// transform, a column with a column rule is ruled, and so is a key of a
// key/value table with a key rule.
func FromRules(r *rules.Rules) Rules { return ruleCover{r} }

type ruleCover struct{ r *rules.Rules }

func (c ruleCover) Cover(table, column, key string) Cover {
	tr := c.r.ForTable(table)
	if tr == nil {
		return Uncovered
	}
	switch tr.Action {
	case rules.ActionKeep:
		return Kept
	case rules.ActionTruncate, rules.ActionSkip:
		return Ruled
	}
	if key != "" && tr.EAV != nil && strings.EqualFold(column, tr.EAV.ValueColumn) {
		if tr.EAV.ForKey(key) != nil {
			return Ruled
		}
		return Uncovered
	}
	if tr.Column(column) != nil {
		return Ruled
	}
	return Uncovered
}

func (c ruleCover) KeyValue(table string) (string, string, bool) {
	if tr := c.r.ForTable(table); tr != nil && tr.EAV != nil {
		return tr.EAV.KeyColumn, tr.EAV.ValueColumn, true
	}
	return "", "", false
}
