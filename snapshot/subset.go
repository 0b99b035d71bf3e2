package snapshot

import (
	"errors"
	"slices"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/rules"
)

// ErrSubsetDump means a subset was asked of a dump file: following
// references needs the rows in a database, and a dump file is not one.
var ErrSubsetDump = errors.New("snapshot: a subset needs a live database: a dump file cannot be followed from row to row without loading it")

// ErrSubset means the subset cannot be computed as given (a table or column
// it names does not exist, a table it reaches has no primary key, a
// condition the server refuses).
var ErrSubset = dbdump.ErrSubset

// DumpSubset turns the rules' subset into the live reader's: conditions as
// SQL, a preset's references optional (left out where the database lacks
// their tables or columns). It returns nil when the subset has no root.
func DumpSubset(s *rules.Subset) *dbdump.Subset {
	if !s.Active() {
		return nil
	}
	out := &dbdump.Subset{}
	for _, r := range append(slices.Clone(s.Roots), s.Always...) {
		out.Roots = append(out.Roots, dbdump.SubsetRoot{Table: r.Table, Where: r.Where})
	}
	for _, w := range s.Whole {
		out.Whole = append(out.Whole, w.Pattern)
	}
	for _, r := range s.References {
		out.Refs = append(out.Refs, dbdump.Reference{
			From: r.From, FromCols: []string{r.FromColumn}, To: r.To, ToCols: []string{r.ToColumn},
			Where: r.Condition(), Dependents: r.Dependents, Optional: r.FromPreset, Name: r.String(),
		})
	}
	return out
}

// countWhole replaces the server's estimate of a whole table's rows by the
// rows written.
func countWhole(s *dbdump.SubsetInfo, tables []archive.TableStat) {
	rows := map[string]int64{}
	for _, t := range tables {
		rows[t.Name] = t.Rows
	}
	for i := range s.Tables {
		if st := &s.Tables[i]; st.How == "whole" {
			st.Taken = rows[st.Table]
		}
	}
}
