package restore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/rules"
)

// RuleChange is what one restore rule did on the staging copy.
type RuleChange struct {
	Rule *rules.RestoreRule
	Rows int64 // rows the rule's UPDATE matched
}

// String describes the change: "smtp_settings.host = "localhost" (3 rows)".
func (c RuleChange) String() string {
	rows := fmt.Sprintf("%d rows", c.Rows)
	switch {
	case c.Rows == 1:
		rows = "1 row"
	case c.Rows == 0 && c.Rule.HasKey:
		rows = fmt.Sprintf("no row has %s %q: nothing set", c.Rule.KeyColumn, c.Rule.Key)
	case c.Rows == 0:
		rows = "the table is empty: nothing set"
	}
	return fmt.Sprintf("%s = %s (%s; %s)", c.Rule, c.Rule.ValueString(), rows, c.Rule.Pos)
}

// applyRestoreRules sets what the rules' restore: section names on the
// staging copy in db: first every rule is checked against the copy's
// schema (a missing table or column fails the restore, at the rule's
// file:line), then each runs as one UPDATE, with the table and columns
// quoted as identifiers and the value and key as parameters: rules are
// data, never SQL text.
func applyRestoreRules(ctx context.Context, db *sql.DB, rs *rules.Rules) ([]RuleChange, error) {
	s, err := readSchema(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := rs.CheckRestore(s); err != nil {
		return nil, fmt.Errorf("restore: the rules' restore: section does not fit the staging copy:\n%w", err)
	}
	for _, rr := range rs.Restore {
		if rr.Table == registry.MarkerTable {
			return nil, fmt.Errorf("%s: restore rule %q: %s is stagecopy's own marker table, which purge relies on: no rule may change it", rr.Pos, rr.Written, rr.Table)
		}
	}
	var out []RuleChange
	for _, rr := range rs.Restore {
		var value any
		if !rr.Null {
			value = rr.Value
		}
		q := fmt.Sprintf("UPDATE %s SET %s = ?", quoteIdent(rr.Table), quoteIdent(rr.Column))
		args := []any{value}
		if rr.HasKey {
			q += fmt.Sprintf(" WHERE %s = ?", quoteIdent(rr.KeyColumn))
			args = append(args, rr.Key)
		}
		// The rows the rule matches, not only those it changed (the
		// driver reports changed rows).
		var n int64
		cq := "SELECT COUNT(*) FROM " + quoteIdent(rr.Table)
		if rr.HasKey {
			cq += fmt.Sprintf(" WHERE %s = ?", quoteIdent(rr.KeyColumn))
		}
		if err := db.QueryRowContext(ctx, cq, args[1:]...).Scan(&n); err != nil {
			return out, fmt.Errorf("%s: restore rule %q: %w", rr.Pos, rr.Written, err)
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return out, fmt.Errorf("%s: restore rule %q: set %s to %s: %w", rr.Pos, rr.Written, rr, rr.ValueString(), err)
		}
		out = append(out, RuleChange{Rule: rr, Rows: n})
	}
	return out, nil
}

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// dbSchema is the staging copy's tables and columns, as rules.Schema.
type dbSchema struct {
	tables  []string
	columns map[string][]string
}

func (s *dbSchema) Tables() []string              { return s.tables }
func (s *dbSchema) Columns(table string) []string { return s.columns[table] }

func readSchema(ctx context.Context, db *sql.DB) (*dbSchema, error) {
	rows, err := db.QueryContext(ctx, "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION")
	if err != nil {
		return nil, fmt.Errorf("restore: list the staging copy's columns: %w", err)
	}
	defer rows.Close()
	s := &dbSchema{columns: make(map[string][]string)}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		if _, ok := s.columns[t]; !ok {
			s.tables = append(s.tables, t)
		}
		s.columns[t] = append(s.columns[t], c)
	}
	return s, rows.Err()
}
