package anonymize

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Versioned comments (/*!50705 ...*/) are code to some servers and
// comments to others, so a dump can mean different rows to different
// servers: sakila's address rows hold their geometry in /*!50705 0x...,*/,
// next to a CREATE TABLE that declares the column in /*!50705 location
// GEOMETRY NOT NULL,*/, so that MySQL 5.7.5 and later load the value and
// the column, and MariaDB and older MySQL neither.
//
// The Filter applies the rules to the rows as the servers that run every
// comment read them (the values sqldump returns), and rewrites a value
// where it is, inside its comment. That is safe when every other server
// either refuses the statement or puts each value it keeps into the column
// of the same name: columnCheck checks this for every way MySQL and
// MariaDB servers read the comments (sqldump.Readings), with the column
// list of the INSERT or of the CREATE TABLE as each reads it. A value that
// some server would put into another column than the one its rule was
// chosen by is refused.

// columnCheck is what a server reads as the columns of the rows of the
// INSERT being read, for a table with rules whose column list has
// versioned comments.
type columnCheck struct {
	st    *sqldump.Statement
	table *sqldump.Table // the table's schema, nil when not known
	names []string       // the columns of the values, as sqldump reads them
	conds []string       // openers of the comments of the column lists
	cols  map[string][]string
}

// newColumnCheck returns the check for an INSERT into a table with rules
// whose values are the columns names, or nil when no server reads other
// columns than names.
func (f *Filter) newColumnCheck(st *sqldump.Statement, names []string) *columnCheck {
	t := f.schemas[st.Table]
	c := &columnCheck{st: st, table: t, names: names, cols: map[string][]string{}}
	switch {
	case st.Columns != nil && st.ColumnsVersioned():
		c.conds = st.Conds()
		if t != nil && t.Versioned() {
			c.conds = append(c.conds, t.Conds()...) // for readings without the column list
		}
	case st.Columns == nil && t != nil && t.Versioned():
		c.conds = t.Conds()
	default:
		return nil
	}
	return c
}

// columns returns the columns of the rows as the servers of rd read them.
func (c *columnCheck) columns(rd sqldump.Reading) ([]string, error) {
	var key strings.Builder
	for _, cond := range c.conds {
		if rd.Runs(cond) {
			key.WriteString(cond)
		}
		key.WriteByte(' ')
	}
	if cols, ok := c.cols[key.String()]; ok {
		return cols, nil
	}
	var cols []string
	if c.st.Columns != nil {
		var err error
		if cols, err = c.st.ColumnsUnder(rd); err != nil {
			return nil, err
		}
	}
	if cols == nil {
		if c.table == nil {
			return nil, fmt.Errorf("%s reads the INSERT without a column list, and no CREATE TABLE came before it", rd.Server)
		}
		t, err := c.table.Under(rd)
		if err != nil {
			return nil, fmt.Errorf("%s reads the CREATE TABLE of %s differently, and stagecopy cannot read it: %v", rd.Server, c.table.Name, err)
		}
		cols = rowColumns(t)
	}
	c.cols[key.String()] = cols
	return cols, nil
}

// rowColumns returns the names of the columns the rows of an INSERT
// without a column list hold: every visible one.
func rowColumns(t *sqldump.Table) []string {
	var names []string
	for _, col := range t.Columns {
		if !col.Invisible {
			names = append(names, col.Name)
		}
	}
	if names == nil {
		names = []string{}
	}
	return names
}

// check checks the rows of the INSERT (r, or rows without versioned
// comments when r is nil) for every way servers read the versioned
// comments.
func (c *columnCheck) check(r *sqldump.Row) error {
	conds := slices.Clone(c.conds)
	if r != nil {
		conds = append(conds, r.Conds()...)
	}
	rds, err := sqldump.Readings(conds...)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsafe, err)
	}
	all := make([]int, len(c.names))
	for i := range all {
		all[i] = i
	}
	for _, rd := range rds {
		idx := all
		if r != nil {
			var ok bool
			if idx, ok = r.Under(rd); !ok {
				continue // a syntax error to these servers: they load none of the statement
			}
		}
		cols, err := c.columns(rd)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrUnsafe, err)
		}
		if len(cols) != len(idx) {
			continue // "Column count doesn't match value count": the statement fails
		}
		for j, i := range idx {
			if !strings.EqualFold(cols[j], c.names[i]) {
				if r == nil {
					return fmt.Errorf("%w: %s reads the columns of these rows as (%s), not (%s): their values would go into other columns than the ones their rules are chosen by; remove the versioned comments (/*!...*/) around column names", ErrUnsafe, rd.Server, strings.Join(cols, ", "), strings.Join(c.names, ", "))
				}
				return fmt.Errorf("%w: %s reads value %d of the row into column %s, not %s: the value would go into another column than the one its rules are chosen by; a versioned comment (/*!...*/) around values must match the one around their columns", ErrUnsafe, rd.Server, i+1, cols[j], c.names[i])
			}
		}
	}
	return nil
}
