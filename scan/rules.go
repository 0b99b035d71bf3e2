package scan

import "github.com/stagecopy/stagecopy/rules"

// FromRules tells a Scanner what anonymization rules cover
// (rules.Rules.Coverage) and which tables they read as key/value tables.
func FromRules(r *rules.Rules) Rules { return ruleCover{r} }

type ruleCover struct{ r *rules.Rules }

func (c ruleCover) Cover(table, column, key string) Cover { return c.r.Coverage(table, column, key) }

func (c ruleCover) KeyValue(table string) (string, string, bool) {
	if tr := c.r.ForTable(table); tr != nil && tr.EAV != nil {
		return tr.EAV.KeyColumn, tr.EAV.ValueColumn, true
	}
	return "", "", false
}
