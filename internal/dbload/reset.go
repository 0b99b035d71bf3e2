package dbload

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// resetVars are the session variables an entry may SET (sessionVars) that
// each entry starts without: a worker keeps its connection from entry to
// entry, and Exec may get a connection a worker used, so what one entry
// left in the session (a time_zone, an sql_mode) would reach the rows of
// the next. Every entry starts from the preamble snapshot wrote for it, as
// on a new connection. Not autocommit: setting it would commit the
// entry's transaction. NAMES is the three character set variables.
var resetVars = []string{
	"character_set_client", "character_set_results", "collation_connection",
	"time_zone", "unique_checks", "foreign_key_checks", "sql_mode", "sql_notes",
	"sql_quote_show_create", "check_constraint_checks", "sql_auto_is_null",
	"explicit_defaults_for_timestamp", "innodb_strict_mode", "note_verbosity",
	"sql_warnings", "big_tables", "max_statement_time",
}

// readReset reads, on a new connection of db (as the connector set it up),
// the values of resetVars, and returns the SET that puts them back. A
// variable the server does not have, or does not let a session set, is
// left out.
func readReset(ctx context.Context, db *sql.DB) (string, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("dbload: read the session: %w", err)
	}
	defer c.Close()
	var parts []string
	for _, v := range resetVars {
		var val sql.NullString
		if err := c.QueryRowContext(ctx, "SELECT @@SESSION."+v).Scan(&val); err != nil {
			if unexpected(err) {
				return "", fmt.Errorf("dbload: read the session: %w", err)
			}
			continue
		}
		set := v + " = NULL"
		if val.Valid {
			set = v + " = " + literal(val.String)
		}
		// The value as it is, set again: refused, the variable is
		// not one this server lets a session set.
		if _, err := c.ExecContext(ctx, "SET SESSION "+set); err != nil {
			if unexpected(err) {
				return "", fmt.Errorf("dbload: reset %s: %w", v, err)
			}
			continue
		}
		parts = append(parts, set)
	}
	if len(parts) == 0 {
		return "", nil
	}
	return "SET SESSION " + strings.Join(parts, ", "), nil
}

// unexpected reports whether err is something else than the server not
// having the variable (1193), it being read-only (1238) or global only
// (1228, 1229), or the value being refused (1231, 1232).
func unexpected(err error) bool {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return true
	}
	switch me.Number {
	case 1193, 1228, 1229, 1238, 1231, 1232:
		return false
	}
	return true
}

// literal is v as a SQL literal: a number as it is, anything else quoted.
func literal(v string) string {
	if _, err := strconv.ParseFloat(v, 64); err == nil && strings.Trim(v, "0123456789.-") == "" {
		return v
	}
	return string(sqldump.AppendQuoted(nil, []byte(v)))
}
