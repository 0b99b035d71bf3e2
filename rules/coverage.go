package rules

import (
	"fmt"
	"strings"
)

// Cover says whether rules cover a value: what a scan of an anonymized copy
// makes of a finding there.
type Cover int

const (
	// Uncovered: no rule names the value; it is copied as it is because
	// nobody said anything about it. A finding there is a leak.
	Uncovered Cover = iota
	// Ruled: a rule rewrites the value (a transformer, PHP or JSON paths)
	// or drops it (truncate, skip). A finding there is a rule that did not
	// do its work, or a row its where left out.
	Ruled
	// Kept: a rule says to copy the value unchanged, on purpose (table,
	// column or key keep). A finding there is reported as kept.
	Kept
)

var coverNames = []string{"uncovered", "ruled", "kept"}

// String returns "uncovered", "ruled" or "kept".
func (c Cover) String() string {
	if c >= 0 && int(c) < len(coverNames) {
		return coverNames[c]
	}
	return fmt.Sprintf("Cover(%d)", int(c))
}

// Coverage says how the rules cover the values of a column of a table: for
// the value column of a key/value (EAV) table, of the rows whose key
// column holds key; key is "" for any other column (and is ignored there).
// Table names compare exactly, columns and keys case-insensitively, and
// the table's rule is the one ForTable picks.
//
//   - No rule for the table: Uncovered.
//   - Table action keep: Kept. Truncate or skip: Ruled (no value is written).
//   - The EAV value column: the rule ForKey picks for key: Kept for a keep
//     rule, Ruled for any other, Uncovered when no key rule matches.
//   - The EAV key column: Ruled. An EAV rule copies it unchanged by
//     design and no rule can rewrite it, so a value found there is a leak
//     (a key that holds an e-mail address), never kept; its name says
//     nothing.
//   - Any other column: Kept for a column keep rule, Ruled for any other
//     column rule (a transformer, or only PHP or JSON paths: the values at
//     other paths are copied, and a finding there is the rule's to fix),
//     Uncovered without one.
//
// A column or table where restricts a rule to some rows; the others are
// copied unchanged, but the column still counts as Ruled: Coverage does
// not look at rows.
func (r *Rules) Coverage(table, column, key string) Cover {
	t := r.ForTable(table)
	if t == nil {
		return Uncovered
	}
	switch t.Action {
	case ActionKeep:
		return Kept
	case ActionTruncate, ActionSkip:
		return Ruled
	}
	if e := t.EAV; e != nil {
		switch {
		case strings.EqualFold(column, e.ValueColumn):
			return keyCover(e.ForKey(key))
		case strings.EqualFold(column, e.KeyColumn):
			// Copied unchanged by design, and no rule can rewrite it:
			// a finding there is a leak, not something kept.
			return Ruled
		}
	}
	c := t.Column(column)
	switch {
	case c == nil:
		return Uncovered
	case c.Keep:
		return Kept
	}
	return Ruled
}

func keyCover(k *KeyRule) Cover {
	switch {
	case k == nil:
		return Uncovered
	case k.Keep:
		return Kept
	}
	return Ruled
}
