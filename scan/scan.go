// Package scan looks for personal data in the values of a dump: e-mail
// addresses, phone numbers, public IP addresses and payment card numbers.
// Run after the rules (anonymize.Filter), it finds what no rule covers;
// run on a raw dump, it shows where the personal data is. stagecopy's own
// fakes are not reported (see detect). It reports counts and masked
// examples, never a value.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Finding is one kind of personal data in one column.
type Finding struct {
	Table  string `json:"table"`
	Column string `json:"column"`
	Kind   Kind   `json:"kind"`
	// Values is how many values of the column hold this kind.
	Values int64 `json:"values"`
	// Example is the first one found, masked: "j***@g***.com", "81.x.x.x",
	// "***45", "**** 4242".
	Example string `json:"example"`
}

// Report is what a Scanner found.
type Report struct {
	Tables   int       `json:"tables"`
	Rows     int64     `json:"rows"`
	Values   int64     `json:"values"` // string and binary values looked at
	Findings []Finding `json:"findings"`
}

// Scanner scans one or more streams; the table definitions one stream
// gives serve the next (an archive has a table's CREATE TABLE and its rows
// in separate entries).
type Scanner struct {
	columns  map[string][]string // table -> column names, from CREATE TABLE
	tables   map[string]bool
	found    map[key]*Finding
	rows     int64
	values   int64
	buf      []byte
	matches  []match
	seenKind map[Kind]bool
}

type key struct {
	table, column string
	kind          Kind
}

// New returns an empty Scanner.
func New() *Scanner {
	return &Scanner{columns: map[string][]string{}, tables: map[string]bool{}, found: map[key]*Finding{}, seenKind: map[Kind]bool{}}
}

// Define gives the column names of a table from its CREATE TABLE, for rows
// of INSERTs without a column list that come in another stream.
func (s *Scanner) Define(table string, create []byte) {
	if t, err := sqldump.ParseCreateTable(create); err == nil {
		names := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			names[i] = c.Name
		}
		s.columns[table] = names
	}
}

// Scan reads src to its end, looking at every string value of every row.
func (s *Scanner) Scan(ctx context.Context, src sqldump.Stream) error {
	return s.scan(ctx, src, -1)
}

// Sample is Scan of the first rows of src only, at most limit of them.
func (s *Scanner) Sample(ctx context.Context, src sqldump.Stream, limit int64) error {
	return s.scan(ctx, src, limit)
}

// errLimit ends a sample.
var errLimit = errors.New("scan: sample complete")

func (s *Scanner) scan(ctx context.Context, src sqldump.Stream, limit int64) error {
	left := limit
	for {
		st, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch st.Kind {
		case sqldump.KindCreateTable:
			s.Define(st.Table, st.Text)
		case sqldump.KindInsert:
			if err := s.insert(ctx, src, st, &left); err == errLimit {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
}

// insert scans the rows of st; left counts down the rows a sample may
// still look at (negative: no limit), and insert returns errLimit at 0.
func (s *Scanner) insert(ctx context.Context, src sqldump.Stream, st *sqldump.Statement, left *int64) error {
	s.tables[st.Table] = true
	cols := st.Columns
	if len(cols) == 0 {
		cols = s.columns[st.Table]
	}
	for {
		if *left == 0 {
			return errLimit
		}
		r, err := src.NextRow()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		*left--
		if s.rows++; s.rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for i, v := range r.Values {
			if v.Kind != sqldump.ValueString && v.Kind != sqldump.ValueHex {
				continue // numbers, NULL, bits
			}
			b, ok := v.AppendBytes(s.buf[:0])
			s.buf = b
			if !ok {
				continue
			}
			s.values++
			s.matches = detect(s.matches[:0], b)
			if len(s.matches) == 0 {
				continue
			}
			col := fmt.Sprintf("#%d", i+1)
			if i < len(cols) {
				col = cols[i]
			}
			clear(s.seenKind)
			for _, m := range s.matches {
				if s.seenKind[m.kind] {
					continue
				}
				s.seenKind[m.kind] = true
				k := key{st.Table, col, m.kind}
				f := s.found[k]
				if f == nil {
					f = &Finding{Table: st.Table, Column: col, Kind: m.kind, Example: m.example}
					s.found[k] = f
				}
				f.Values++
			}
		}
	}
}

// Report returns what was found so far, by table, column and kind.
func (s *Scanner) Report() *Report {
	rep := &Report{Tables: len(s.tables), Rows: s.rows, Values: s.values, Findings: []Finding{}}
	for _, f := range s.found {
		rep.Findings = append(rep.Findings, *f)
	}
	order := map[Kind]int{}
	for i, k := range kinds {
		order[k] = i
	}
	sort.Slice(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return order[a.Kind] < order[b.Kind]
	})
	return rep
}
