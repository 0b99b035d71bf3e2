package anonymize

import (
	"context"
	"io"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Schema is the tables and columns of a dump, as its CREATE TABLE
// statements declare them. It implements rules.Schema.
type Schema struct {
	order  []string
	tables map[string]*sqldump.Table
}

// ReadSchema reads a dump and keeps only its CREATE TABLE statements.
func ReadSchema(ctx context.Context, r io.Reader) (*Schema, error) {
	s := &Schema{tables: map[string]*sqldump.Table{}}
	sc := sqldump.NewScanner(r)
	for n := 0; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		st, err := sc.Next()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return nil, err
		}
		if st.Kind != sqldump.KindCreateTable {
			continue
		}
		t, err := st.CreateTable()
		if err != nil {
			return nil, err
		}
		if _, ok := s.tables[t.Name]; !ok {
			s.order = append(s.order, t.Name)
		}
		s.tables[t.Name] = t
	}
}

// Tables returns the table names in dump order.
func (s *Schema) Tables() []string { return s.order }

// Columns returns a table's column names, nil for an unknown table.
func (s *Schema) Columns(table string) []string {
	t := s.tables[table]
	if t == nil {
		return nil
	}
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// Table returns a table's parsed schema.
func (s *Schema) Table(name string) *sqldump.Table { return s.tables[name] }
