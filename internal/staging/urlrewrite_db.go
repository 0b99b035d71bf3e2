package staging

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// ErrValueTooLong is returned by RewriteDatabase when a rewritten value
// would not fit its column (a longer new URL in a VARCHAR that is nearly
// full). Nothing is truncated: the rewrite stops there.
var ErrValueTooLong = errors.New("staging: rewritten value does not fit its column")

// RewriteStats says what RewriteDatabase looked at and changed.
type RewriteStats struct {
	// Tables and Columns count the tables and columns searched: those
	// with a text-holding column that skip did not exclude.
	Tables, Columns int
	// Rows is the number of rows changed. In a table without a primary
	// key a row is counted once for each of its columns that changed.
	Rows int64
	// Values is the number of cells changed.
	Values int64
	// PerColumn is the number of cells changed by "table.column", for
	// columns where any changed.
	PerColumn map[string]int64
}

// Limits of one batch: rows read before they are updated. A batch also
// ends after rewriteBatchBytes of values, so that memory stays bounded when
// values are large (post bodies, page-builder JSON). Variables so that
// tests can make batches tiny.
var (
	rewriteBatchRows  = 500
	rewriteBatchBytes = 8 << 20
)

// rewriteTypes are the DATA_TYPE values of columns that hold text worth
// rewriting. BINARY and VARBINARY are left out: fixed or tight lengths, and
// in practice hashes and UUIDs.
var rewriteTypes = map[string]bool{
	"char": true, "varchar": true, "tinytext": true, "text": true, "mediumtext": true, "longtext": true,
	"json": true, "tinyblob": true, "blob": true, "mediumblob": true, "longblob": true,
}

// wideCharsets store ASCII in more than one byte per character, so the
// byte-level rewriter cannot read them; their columns are not searched.
var wideCharsets = map[string]bool{"ucs2": true, "utf16": true, "utf16le": true, "utf32": true}

// RewriteDatabase rewrites the site URL in every text-holding column (CHAR,
// VARCHAR, the TEXT and BLOB types, JSON) of every base table of the
// database db is connected to, except generated columns, columns in
// character sets wider than ASCII (UCS-2, UTF-16, UTF-32), and columns for
// which skip(table, column) is true (skip may be nil).
//
// Only values whose bytes contain the old host name (in any ASCII case) are
// read: the server filters with LIKE, the rewriter decides. Values are read
// and written as raw bytes on a connection of its own with SET NAMES
// binary, so latin1 and utf8mb4 tables and binary BLOBs come back exactly
// as they were except for the URLs; that connection is closed afterwards,
// never returned to db's pool. Strict mode is on in that session, so a value
// that no longer fits is an error (ErrValueTooLong, checked first in Go for
// a clearer message), never a truncation. Columns that update themselves
// (ON UPDATE CURRENT_TIMESTAMP) are kept as they were.
//
// Tables with a primary key (of integer, decimal, string, binary or
// date/time columns) are read in key order, a batch at a time, each batch
// continuing after the last key of the one before, and each row updated by
// its key; a batch is one transaction. Other tables are read per column, a
// batch of distinct values at a time in the order of their SHA-256, and each
// value updated with UPDATE ... WHERE the column is that value (compared as
// bytes), which gives rows with identical values identical results; that
// costs a table scan per distinct value changed, fine for the small keyless
// tables CMSs have. Both ways visit each value once or, after a change, at
// most once more, which changes nothing: the rewriter's output never holds
// the old URL (NewURLRewriter refuses URL pairs for which it would).
//
// Memory is bounded by one batch. On error, the batches committed so far
// stay; the stats say what was done.
func RewriteDatabase(ctx context.Context, db *sql.DB, rw *URLRewriter, skip func(table, column string) bool) (RewriteStats, error) {
	stats := RewriteStats{PerColumn: map[string]int64{}}
	conn, err := db.Conn(ctx)
	if err != nil {
		return stats, fmt.Errorf("staging: rewrite URLs: connect: %w", err)
	}
	defer func() {
		// The session settings below must not reach other users of the
		// pool: have database/sql close this connection.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	for _, q := range []string{
		"SET NAMES binary",
		"SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
		"SET SESSION time_zone = '+00:00'",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return stats, fmt.Errorf("staging: rewrite URLs: %s: %w", q, err)
		}
	}
	tables, err := queryStrings(ctx, conn, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")
	if err != nil {
		return stats, fmt.Errorf("staging: rewrite URLs: list tables: %w", err)
	}
	pattern := likeContains(rw.OldHost())
	for _, table := range tables {
		t, err := loadRewriteTable(ctx, conn, table)
		if err != nil {
			return stats, err
		}
		for _, c := range t.cols {
			if c.candidate() && (skip == nil || !skip(table, c.name)) {
				t.cands = append(t.cands, c)
			}
		}
		if len(t.cands) == 0 {
			continue
		}
		stats.Tables++
		stats.Columns += len(t.cands)
		t.pattern = pattern
		if t.keyed() {
			err = t.rewriteByKey(ctx, conn, rw, &stats)
		} else {
			for _, c := range t.cands {
				if err = t.rewriteByValue(ctx, conn, rw, c, &stats); err != nil {
					break
				}
			}
		}
		if err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// rwColumn is one column as information_schema describes it.
type rwColumn struct {
	name, dataType, charset, collation, extra string
	maxChars, maxBytes, precision, scale      sql.NullInt64
}

// candidate reports whether the column holds text the rewriter can read.
func (c *rwColumn) candidate() bool {
	extra := strings.ToUpper(c.extra)
	generated := strings.Contains(strings.ReplaceAll(extra, "DEFAULT_GENERATED", ""), "GENERATED")
	return rewriteTypes[c.dataType] && !wideCharsets[c.charset] && !generated
}

// valueExpr is what an UPDATE assigns to the column. MySQL refuses to
// make a JSON value from a binary string, so it is labelled utf8mb4.
func (c *rwColumn) valueExpr() string {
	if c.dataType == "json" {
		return "CONVERT(? USING utf8mb4)"
	}
	return "?"
}

// like is the filter: the column's bytes, read as latin1 (every byte
// sequence is valid latin1, so nothing is lost to a conversion error),
// contain the host in any ASCII case.
func (c *rwColumn) like() string {
	return "CONVERT(CAST(" + sqldump.QuoteIdent(c.name) + " AS BINARY) USING latin1) COLLATE latin1_general_ci LIKE CONVERT(? USING latin1) COLLATE latin1_general_ci ESCAPE '!'"
}

var identName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// keyExpr is how a value read from key column c is given back to the
// server so that comparisons with the column agree with ORDER BY on it.
// ok is false for types where the text or driver form of a value does not
// compare the way the index orders (ENUM, SET, BIT, floating point...).
func (c *rwColumn) keyExpr() (string, bool) {
	switch c.dataType {
	case "tinyint", "smallint", "mediumint", "int", "bigint",
		"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
		"date", "datetime", "timestamp", "time", "year":
		return "?", true
	case "decimal":
		if c.precision.Valid && c.scale.Valid {
			return fmt.Sprintf("CAST(? AS DECIMAL(%d,%d))", c.precision.Int64, c.scale.Int64), true
		}
	case "char", "varchar", "tinytext", "text", "mediumtext", "longtext":
		// The value comes back as bytes (SET NAMES binary); compared as
		// bytes it would sort differently from the column's collation.
		if identName.MatchString(c.charset) && identName.MatchString(c.collation) {
			return "CONVERT(? USING " + c.charset + ") COLLATE " + c.collation, true
		}
	}
	return "", false
}

// fits checks that v fits the column, so that the error names the column
// rather than being the server's "data too long".
func (c *rwColumn) fits(table string, v []byte) error {
	var n int64
	var limit sql.NullInt64
	unit := "bytes"
	switch c.dataType {
	case "char", "varchar":
		limit = c.maxChars
		switch c.charset {
		case "utf8mb4", "utf8mb3", "utf8":
			n, unit = int64(utf8.RuneCount(v)), "characters"
		case "latin1", "ascii", "binary":
			n, unit = int64(len(v)), "characters"
		default:
			return nil // the server's strict mode still checks
		}
	case "json":
		return nil
	default:
		n, limit = int64(len(v)), c.maxBytes
	}
	if limit.Valid && n > limit.Int64 {
		return fmt.Errorf("%w: %s.%s: the rewritten value is %d %s, the column holds %d; widen the column (ALTER TABLE) or choose a shorter URL",
			ErrValueTooLong, table, c.name, n, unit, limit.Int64)
	}
	return nil
}

// rewriteTable is one table being rewritten.
type rewriteTable struct {
	name    string
	cols    []*rwColumn
	key     []*rwColumn // primary key columns in key order
	cands   []*rwColumn // columns to rewrite
	touch   []*rwColumn // ON UPDATE columns, assigned to themselves
	pattern []byte
}

func loadRewriteTable(ctx context.Context, conn *sql.Conn, table string) (*rewriteTable, error) {
	t := &rewriteTable{name: table}
	rows, err := conn.QueryContext(ctx, `SELECT COLUMN_NAME, DATA_TYPE, IFNULL(CHARACTER_SET_NAME, ''), IFNULL(COLLATION_NAME, ''), EXTRA,
		CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, table)
	if err != nil {
		return nil, fmt.Errorf("staging: rewrite URLs: columns of %s: %w", table, err)
	}
	defer rows.Close()
	byName := map[string]*rwColumn{}
	for rows.Next() {
		c := new(rwColumn)
		if err := rows.Scan(&c.name, &c.dataType, &c.charset, &c.collation, &c.extra,
			&c.maxChars, &c.maxBytes, &c.precision, &c.scale); err != nil {
			return nil, fmt.Errorf("staging: rewrite URLs: columns of %s: %w", table, err)
		}
		c.dataType = strings.ToLower(c.dataType)
		c.charset = strings.ToLower(c.charset)
		t.cols = append(t.cols, c)
		byName[c.name] = c
		if strings.Contains(strings.ToLower(c.extra), "on update") {
			t.touch = append(t.touch, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("staging: rewrite URLs: columns of %s: %w", table, err)
	}
	keys, err := queryStrings(ctx, conn, `SELECT COLUMN_NAME FROM information_schema.STATISTICS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`, table)
	if err != nil {
		return nil, fmt.Errorf("staging: rewrite URLs: primary key of %s: %w", table, err)
	}
	for _, k := range keys {
		c, ok := byName[k]
		if !ok {
			return nil, fmt.Errorf("staging: rewrite URLs: primary key of %s names column %s, which information_schema does not list", table, k)
		}
		t.key = append(t.key, c)
	}
	return t, nil
}

// keyed reports whether the table can be paged by its primary key.
func (t *rewriteTable) keyed() bool {
	if len(t.key) == 0 {
		return false
	}
	for _, k := range t.key {
		if _, ok := k.keyExpr(); !ok {
			return false
		}
	}
	return true
}

// setClause returns "`c1` = ?, `c2` = ?, `ts` = `ts`" for the columns cols.
func (t *rewriteTable) setClause(cols []*rwColumn) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(sqldump.QuoteIdent(c.name) + " = " + c.valueExpr())
	}
	for _, c := range t.touch {
		b.WriteString(", " + sqldump.QuoteIdent(c.name) + " = " + sqldump.QuoteIdent(c.name))
	}
	return b.String()
}

// keyedRow is one row read by rewriteByKey.
type keyedRow struct {
	key  []any
	vals [][]byte // nil where the column did not match
}

func (t *rewriteTable) rewriteByKey(ctx context.Context, conn *sql.Conn, rw *URLRewriter, stats *RewriteStats) error {
	// SELECT k..., IF(like, CAST(c AS BINARY), NULL)... FROM t
	// WHERE (like OR ...) [AND after last key] ORDER BY k... LIMIT n
	var sel, match, order, eq []string
	for _, k := range t.key {
		e, _ := k.keyExpr()
		sel = append(sel, sqldump.QuoteIdent(k.name))
		order = append(order, sqldump.QuoteIdent(k.name))
		eq = append(eq, sqldump.QuoteIdent(k.name)+" = "+e)
	}
	for _, c := range t.cands {
		sel = append(sel, "IF("+c.like()+", CAST("+sqldump.QuoteIdent(c.name)+" AS BINARY), NULL)")
		match = append(match, c.like())
	}
	// after is (k1 > ?) OR (k1 = ? AND k2 > ?) OR ...
	var after []string
	for i, k := range t.key {
		e, _ := k.keyExpr()
		after = append(after, "("+strings.Join(append(slices.Clone(eq[:i]), sqldump.QuoteIdent(k.name)+" > "+e), " AND ")+")")
	}
	base := "SELECT " + strings.Join(sel, ", ") + " FROM " + sqldump.QuoteIdent(t.name) + " WHERE (" + strings.Join(match, " OR ") + ")"
	tail := " ORDER BY " + strings.Join(order, ", ") + fmt.Sprintf(" LIMIT %d", rewriteBatchRows)
	first := base + tail
	next := base + " AND (" + strings.Join(after, " OR ") + ")" + tail

	var patterns []any
	for range 2 * len(t.cands) {
		patterns = append(patterns, t.pattern)
	}
	var last []any
	for {
		q, args := first, patterns
		if last != nil {
			q = next
			args = slices.Clone(patterns)
			for i := range t.key {
				args = append(args, last[:i]...)
				args = append(args, last[i])
			}
		}
		batch, full, err := t.readKeyed(ctx, conn, q, args)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := t.updateKeyed(ctx, conn, rw, batch, eq, stats); err != nil {
			return err
		}
		if !full {
			return nil
		}
		last = batch[len(batch)-1].key
	}
}

// readKeyed reads one batch. full reports whether the batch stopped at a
// limit rather than at the end of the rows.
func (t *rewriteTable) readKeyed(ctx context.Context, conn *sql.Conn, q string, args []any) (batch []keyedRow, full bool, err error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("staging: rewrite URLs: read %s: %w", t.name, err)
	}
	defer rows.Close()
	size := 0
	for rows.Next() {
		r := keyedRow{key: make([]any, len(t.key)), vals: make([][]byte, len(t.cands))}
		dest := make([]any, 0, len(t.key)+len(t.cands))
		for i := range r.key {
			dest = append(dest, &r.key[i])
		}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, false, fmt.Errorf("staging: rewrite URLs: read %s: %w", t.name, err)
		}
		batch = append(batch, r)
		for _, v := range r.vals {
			size += len(v)
		}
		if len(batch) == rewriteBatchRows || size >= rewriteBatchBytes {
			// Stopping early is fine: the next batch starts after this
			// row's key.
			return batch, true, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("staging: rewrite URLs: read %s: %w", t.name, err)
	}
	return batch, false, nil
}

func (t *rewriteTable) updateKeyed(ctx context.Context, conn *sql.Conn, rw *URLRewriter, batch []keyedRow, eq []string, stats *RewriteStats) (err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("staging: rewrite URLs: %s: begin: %w", t.name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	// UPDATE statements by the set of columns changed, prepared on the
	// transaction (a statement prepared on the Conn would be prepared
	// again for every use in a transaction) and closed by its end.
	stmts := map[string]*sql.Stmt{}
	var changedRows, changedVals int64
	perCol := make([]int64, len(t.cands))
	for _, r := range batch {
		var cols []*rwColumn
		var args []any
		var sig []byte
		for i, v := range r.vals {
			if v == nil {
				continue
			}
			nv, changed := rw.Rewrite(v)
			if !changed {
				continue
			}
			if err := t.cands[i].fits(t.name, nv); err != nil {
				return err
			}
			cols = append(cols, t.cands[i])
			args = append(args, nv)
			sig = append(sig, byte(i), byte(i>>8))
			perCol[i]++
		}
		if len(cols) == 0 {
			continue
		}
		st, ok := stmts[string(sig)]
		if !ok {
			q := "UPDATE " + sqldump.QuoteIdent(t.name) + " SET " + t.setClause(cols) + " WHERE " + strings.Join(eq, " AND ")
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return fmt.Errorf("staging: rewrite URLs: %s: prepare update: %w", t.name, err)
			}
			stmts[string(sig)] = st
		}
		args = append(args, r.key...)
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("staging: rewrite URLs: update %s (%s) where %s: %w; if the value is too long, widen the column or choose a shorter URL",
				t.name, columnNames(cols), keyString(t.key, r.key), err)
		}
		changedRows++
		changedVals += int64(len(cols))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("staging: rewrite URLs: %s: commit: %w", t.name, err)
	}
	stats.Rows += changedRows
	stats.Values += changedVals
	for i, n := range perCol {
		if n > 0 {
			stats.PerColumn[t.name+"."+t.cands[i].name] += n
		}
	}
	return nil
}

// rewriteByValue rewrites column c of a table without a usable primary
// key, one distinct value at a time.
func (t *rewriteTable) rewriteByValue(ctx context.Context, conn *sql.Conn, rw *URLRewriter, c *rwColumn, stats *RewriteStats) error {
	col := sqldump.QuoteIdent(c.name)
	hash := "SHA2(CAST(" + col + " AS BINARY), 256)"
	q := "SELECT " + hash + " AS h, CAST(" + col + " AS BINARY) FROM " + sqldump.QuoteIdent(t.name) +
		" WHERE " + c.like() + " AND " + hash + " > ? GROUP BY h ORDER BY h" + fmt.Sprintf(" LIMIT %d", rewriteBatchRows)
	upd, err := conn.PrepareContext(ctx, "UPDATE "+sqldump.QuoteIdent(t.name)+" SET "+t.setClause([]*rwColumn{c})+" WHERE CAST("+col+" AS BINARY) = ?")
	if err != nil {
		return fmt.Errorf("staging: rewrite URLs: %s.%s: prepare update: %w", t.name, c.name, err)
	}
	defer upd.Close()
	last := []byte{}
	for {
		todo, full, err := t.readByValue(ctx, conn, rw, c, q, &last)
		if err != nil {
			return err
		}
		for _, p := range todo {
			if err := c.fits(t.name, p.new); err != nil {
				return err
			}
			res, err := upd.ExecContext(ctx, p.new, p.old)
			if err != nil {
				return fmt.Errorf("staging: rewrite URLs: update %s.%s (no primary key, by value): %w", t.name, c.name, err)
			}
			if n, err := res.RowsAffected(); err == nil && n > 0 {
				stats.Rows += n
				stats.Values += n
				stats.PerColumn[t.name+"."+c.name] += n
			}
		}
		if !full {
			return nil
		}
	}
}

// valuePair is a value of a column and what it becomes.
type valuePair struct{ old, new []byte }

// readByValue reads one batch of distinct values after the hash *last,
// and moves *last to the hash of the last value read. full reports whether
// there may be more.
func (t *rewriteTable) readByValue(ctx context.Context, conn *sql.Conn, rw *URLRewriter, c *rwColumn, q string, last *[]byte) (todo []valuePair, full bool, err error) {
	rows, err := conn.QueryContext(ctx, q, t.pattern, *last)
	if err != nil {
		return nil, false, fmt.Errorf("staging: rewrite URLs: read %s.%s: %w", t.name, c.name, err)
	}
	defer rows.Close()
	n, size := 0, 0
	for rows.Next() {
		var h, v []byte
		if err := rows.Scan(&h, &v); err != nil {
			return nil, false, fmt.Errorf("staging: rewrite URLs: read %s.%s: %w", t.name, c.name, err)
		}
		*last = h
		n++
		if nv, changed := rw.Rewrite(v); changed {
			todo = append(todo, valuePair{v, nv})
			size += len(v) + len(nv)
		}
		if size >= rewriteBatchBytes {
			return todo, true, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("staging: rewrite URLs: read %s.%s: %w", t.name, c.name, err)
	}
	return todo, n == rewriteBatchRows, nil
}

func queryStrings(ctx context.Context, conn *sql.Conn, q string, args ...any) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// likeContains returns a LIKE pattern, with '!' as the escape character,
// that matches values containing s.
func likeContains(s string) []byte {
	b := []byte{'%'}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c == '_' || c == '!' {
			b = append(b, '!')
		}
		b = append(b, s[i])
	}
	return append(b, '%')
}

func columnNames(cols []*rwColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// keyString shows a primary key value in an error message.
func keyString(cols []*rwColumn, vals []any) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		v := vals[i]
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		parts[i] = fmt.Sprintf("%s=%v", c.name, v)
	}
	return strings.Join(parts, " AND ")
}
