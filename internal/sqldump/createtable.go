package sqldump

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Table is the schema of a table, as read by [ParseCreateTable].
type Table struct {
	Name    string
	Columns []Column
	// PrimaryKey lists the primary key's columns, nil without one.
	PrimaryKey []string
	// UniqueKeys lists the columns of each UNIQUE key, including UNIQUE
	// written on a column. Keys on expressions are left out.
	UniqueKeys [][]string
	// Options is the raw text after the closing parenthesis of the column
	// list (ENGINE=InnoDB DEFAULT CHARSET=... and partitioning), trimmed,
	// without the delimiter.
	Options string
	// Query is set when a query after the definitions fills the table
	// (CREATE TABLE t (...) [AS] SELECT, VALUES, TABLE or WITH): rows that
	// no INSERT carries. Read from the tokens, so string literals (a
	// COMMENT='Admin User Table') and comments never count.
	Query bool

	// text is the CREATE TABLE statement when versioned comments start or
	// end inside its column list; nil otherwise.
	text []byte
}

// Versioned reports whether versioned comments (/*!50705 ...*/) start or
// end inside the table's column list, so that servers that run them and
// servers that skip them may create different columns: see [Table.Under].
func (t *Table) Versioned() bool { return t.text != nil }

// Conds returns the openers of the versioned comments of a [Table.Versioned]
// table's CREATE TABLE statement ("/*!50705"), each once; nil otherwise.
func (t *Table) Conds() []string {
	if t.text == nil {
		return nil
	}
	return condsIn(t.text)
}

// Under returns the table as the servers of reading r create it. For a
// table that is not [Table.Versioned] it returns t.
func (t *Table) Under(r Reading) (*Table, error) {
	if t.text == nil {
		return t, nil
	}
	text, err := r.Strip(t.text)
	if err != nil {
		return nil, err
	}
	return ParseCreateTable(text)
}

// Column is one column of a [Table].
type Column struct {
	Name string
	// Type is the lower-case base type: "varchar", "int", "longtext",
	// "enum", "geometry", "uuid", "inet6", "json", ...
	Type string
	// Length is the declared length of char, varchar, binary and varbinary
	// columns; 0 for other types.
	Length   int
	Unsigned bool
	// Charset and Collation are the column's CHARACTER SET and COLLATE
	// attributes as written, empty when not given.
	Charset, Collation string
	// Nullable is false for NOT NULL and primary key columns.
	Nullable bool
	// Generated is set for GENERATED ALWAYS AS (...) and AS (...) columns,
	// VIRTUAL, STORED or PERSISTENT. Their values cannot be inserted.
	Generated bool
	// Invisible is set for INVISIBLE columns, which INSERT without a
	// column list leaves out.
	Invisible bool
	// Unique is set when the column alone is a unique or primary key.
	Unique bool
	// TypeText is the type as written, with its arguments and
	// UNSIGNED/SIGNED/ZEROFILL: "varchar(255)", "enum('a','b')",
	// "decimal(10,2) unsigned".
	TypeText string
}

// Column returns the column named name, compared without regard to case,
// and its index.
func (t *Table) Column(name string) (Column, int, bool) {
	for i, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c, i, true
		}
	}
	return Column{}, -1, false
}

// CreateTable parses a KindCreateTable statement with [ParseCreateTable],
// taking its delimiter into account.
func (st *Statement) CreateTable() (*Table, error) {
	if st.Kind != KindCreateTable {
		return nil, fmt.Errorf("sqldump: parse CREATE TABLE: statement is %s", st.Kind)
	}
	return ParseCreateTable(bytes.TrimSuffix(st.Text, []byte(st.Delimiter)))
}

// ParseCreateTable parses a CREATE TABLE statement such as the Text of a
// KindCreateTable [Statement], which may end with ';' and may be wrapped in
// versioned comments. CREATE TABLE ... LIKE and CREATE TABLE ... SELECT
// without column definitions are errors.
func ParseCreateTable(text []byte) (*Table, error) {
	lx := lexer{b: text, eof: true, delim: []byte{';'}}
	var toks []token
	var vers []bool // lexer inside a versioned comment after each token
	var vctx []int  // the versioned comment each token is in (its start), or -1
	end := len(text)
	for i := 0; ; {
		t, j := lx.next(i)
		if t.kind == tokBad {
			return nil, errors.New("sqldump: parse CREATE TABLE: " + unterminatedMsg(text[t.start]))
		}
		if t.kind == tokAmbiguous {
			return nil, errors.New("sqldump: parse CREATE TABLE: a string or comment runs past the end of a versioned comment")
		}
		if t.kind == tokEOF || t.kind == tokDelim {
			end = t.start
			break
		}
		toks = append(toks, t)
		vers = append(vers, lx.vers)
		if lx.vers && t.start > lx.vstart {
			vctx = append(vctx, lx.vstart)
		} else {
			vctx = append(vctx, -1)
		}
		i = j
	}
	c := &cursor{b: text, toks: toks}
	fail := func(name, format string, args ...any) (*Table, error) {
		msg := fmt.Sprintf(format, args...)
		if name != "" {
			return nil, fmt.Errorf("sqldump: parse CREATE TABLE %s: %s", QuoteIdent(name), msg)
		}
		return nil, errors.New("sqldump: parse CREATE TABLE: " + msg)
	}
	if !c.kw("CREATE") {
		return fail("", "statement does not start with CREATE")
	}
	for c.kw("OR", "REPLACE", "TEMPORARY") {
	}
	if !c.kw("TABLE") {
		return fail("", "expected TABLE after CREATE")
	}
	c.ifExists()
	_, nameTok, ok := c.name()
	if !ok {
		return fail("", "expected table name")
	}
	t := &Table{Name: unquoteName(text, nameTok)}
	nameEnd := c.k
	if !c.punct('(') {
		return fail(t.Name, "no column definitions (CREATE TABLE ... LIKE or ... SELECT)")
	}
	// Split the definitions at commas outside parentheses.
	start := c.k
	depth := 0
	closeAt := -1
	for k := start; k < len(toks); k++ {
		switch {
		case toks[k].isPunct(text, '('):
			depth++
		case toks[k].isPunct(text, ')'):
			if depth == 0 {
				if err := t.definition(text, toks[start:k]); err != nil {
					return fail(t.Name, "%v", err)
				}
				closeAt = k
			}
			depth--
		case toks[k].isPunct(text, ',') && depth == 0:
			if err := t.definition(text, toks[start:k]); err != nil {
				return fail(t.Name, "%v", err)
			}
			start = k + 1
		}
		if closeAt >= 0 {
			break
		}
	}
	if closeAt < 0 {
		return fail(t.Name, "unbalanced parentheses")
	}
	opts := bytes.TrimSpace(text[toks[closeAt].end:end])
	if vers[closeAt] && bytes.HasSuffix(opts, commentEnd) {
		opts = bytes.TrimSpace(opts[:len(opts)-2])
	}
	t.Options = string(opts)
	t.Query = hasQuery(text, toks, vctx, nameEnd, closeAt)
	open := nameEnd // the list's '('
	touched := len(condsIn(text[toks[open].start:toks[closeAt].end])) > 0
	for k := open; k <= closeAt && !touched; k++ {
		touched = vctx[k] != vctx[open] || vers[k] != vers[open]
	}
	if touched {
		t.text = bytes.Clone(text)
	}

	for _, name := range t.PrimaryKey {
		if _, i, ok := t.Column(name); ok {
			t.Columns[i].Nullable = false
			t.Columns[i].Unique = t.Columns[i].Unique || len(t.PrimaryKey) == 1
		}
	}
	for _, key := range t.UniqueKeys {
		if len(key) != 1 {
			continue
		}
		if _, i, ok := t.Column(key[0]); ok {
			t.Columns[i].Unique = true
		}
	}
	return t, nil
}

// hasQuery reports whether a CREATE TABLE fills the table from a query:
// toks are the statement's tokens, vctx the versioned comment each is in,
// the column list runs from toks[nameEnd] to toks[closeAt]. SELECT, TABLE
// or VALUES as a word anywhere after the name count (no column definition
// holds them unquoted; a query can hide in what reads as the column list
// when versioned comments are skipped), except VALUES LESS THAN and VALUES
// IN of partition definitions after the list, the two words in the same
// versioned comment or both outside one; WITH counts unless SYSTEM (or,
// in the column list, PARSER) follows it the same way.
func hasQuery(b []byte, toks []token, vctx []int, nameEnd, closeAt int) bool {
	for k := nameEnd; k < len(toks); k++ {
		t := toks[k]
		follows := func(words ...string) bool {
			if k+1 >= len(toks) || vctx[k+1] != vctx[k] {
				return false
			}
			for _, w := range words {
				if toks[k+1].is(b, w) {
					return true
				}
			}
			return false
		}
		switch {
		case t.is(b, "SELECT"), t.is(b, "TABLE"):
			return true
		case t.is(b, "VALUES"):
			if k < closeAt || !follows("LESS", "IN") {
				return true
			}
		case t.is(b, "WITH"):
			if !follows("SYSTEM") && !(k < closeAt && follows("PARSER")) {
				return true
			}
		}
	}
	return false
}

// HasWord reports whether the SQL text holds one of words (upper case) as
// an unquoted word: in code or a versioned comment, not inside a string
// literal, a quoted identifier or a plain comment. Text that does not lex
// (an unterminated string) counts as holding it, so callers fail closed.
func HasWord(text []byte, words ...string) bool {
	return anyToken(text, func(_, t token) bool {
		return slices.ContainsFunc(words, func(w string) bool { return t.is(text, w) })
	})
}

// HasPair reports whether the SQL text holds the word first immediately
// followed by one of next, as code (as HasWord reads it): "CONVERT" then
// "PARTITION" or "TABLE". Text that does not lex counts as holding it.
func HasPair(text []byte, first string, next ...string) bool {
	return anyToken(text, func(prev, t token) bool {
		return prev.is(text, first) && slices.ContainsFunc(next, func(w string) bool { return t.is(text, w) })
	})
}

// anyToken lexes text and reports whether match holds for one of its
// tokens, given the token before it; text that does not lex, or that
// reads differently where versioned comments are skipped, counts as a
// match.
func anyToken(text []byte, match func(prev, t token) bool) bool {
	lx := lexer{b: text, eof: true}
	var prev token
	for i := 0; ; {
		t, j := lx.next(i)
		switch t.kind {
		case tokEOF:
			return false
		case tokBad, tokMore, tokAmbiguous:
			return true
		}
		if match(prev, t) {
			return true
		}
		prev, i = t, j
	}
}

// unquoteName returns the name a word, identifier or string token stands
// for.
func unquoteName(b []byte, t token) string {
	raw := b[t.start:t.end]
	if t.kind == tokWord || len(raw) < 2 {
		return string(raw)
	}
	return string(unquoteInto(nil, raw[1:len(raw)-1], raw[0]))
}

// definition parses one entry of the CREATE TABLE list: a column or a key.
func (t *Table) definition(b []byte, toks []token) error {
	if len(toks) == 0 {
		return errors.New("empty definition")
	}
	c := &cursor{b: b, toks: toks}
	if toks[0].kind == tokWord {
		if c.kw("CONSTRAINT") {
			if t := c.peek(); isName(t) && !t.is(b, "PRIMARY") && !t.is(b, "UNIQUE") &&
				!t.is(b, "FOREIGN") && !t.is(b, "CHECK") {
				c.k++
			}
		}
		switch {
		case c.kw("PRIMARY"):
			if cols, ok := keyParts(c); ok {
				t.PrimaryKey = cols
			}
			return nil
		case c.kw("UNIQUE"):
			if cols, ok := keyParts(c); ok {
				t.UniqueKeys = append(t.UniqueKeys, cols)
			}
			return nil
		case c.kw("KEY", "INDEX", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK", "PERIOD", "VECTOR"):
			return nil
		}
		if c.k > 0 { // CONSTRAINT name followed by something else
			return nil
		}
	}
	col, err := parseColumn(c)
	if err != nil {
		return err
	}
	if col.primary {
		t.PrimaryKey = []string{col.Name}
	}
	if col.uniqueKey {
		t.UniqueKeys = append(t.UniqueKeys, []string{col.Name})
	}
	t.Columns = append(t.Columns, col.Column)
	return nil
}

// keyParts reads the column list of a key: the first parenthesized group
// after the current token. ok is false if a part is an expression.
func keyParts(c *cursor) (cols []string, ok bool) {
	for c.k < len(c.toks) && !c.punct('(') {
		c.k++
	}
	for c.k < len(c.toks) {
		t := c.peek()
		if !isName(t) {
			return nil, false
		}
		cols = append(cols, unquoteName(c.b, t))
		c.k++
		if c.punct('(') { // prefix length
			skipGroup(c)
		}
		c.kw("ASC", "DESC")
		if c.punct(',') {
			continue
		}
		return cols, c.punct(')')
	}
	return nil, false
}

// skipGroup skips to just past the ')' matching an already consumed '('.
func skipGroup(c *cursor) {
	for depth := 1; c.k < len(c.toks) && depth > 0; c.k++ {
		switch t := c.toks[c.k]; {
		case t.isPunct(c.b, '('):
			depth++
		case t.isPunct(c.b, ')'):
			depth--
		}
	}
}

type columnDef struct {
	Column
	primary   bool // PRIMARY KEY on the column
	uniqueKey bool // UNIQUE on the column
}

// parseColumn parses "name type [attributes]".
func parseColumn(c *cursor) (columnDef, error) {
	b := c.b
	var col columnDef
	nameTok := c.peek()
	if !isName(nameTok) && nameTok.kind != tokString {
		return col, fmt.Errorf("expected column name, found %s", describe(b, nameTok))
	}
	c.k++
	col.Name = unquoteName(b, nameTok)
	col.Nullable = true
	typ := c.peek()
	if typ.kind != tokWord {
		return col, fmt.Errorf("column %s: expected a type, found %s", QuoteIdent(col.Name), describe(b, typ))
	}
	c.k++
	col.Type = strings.ToLower(string(b[typ.start:typ.end]))
	typeEnd := typ.end
	switch col.Type {
	case "double":
		if t := c.peek(); t.is(b, "PRECISION") {
			c.k++
			typeEnd = t.end
		}
	case "national", "character", "char", "nchar", "long":
		for _, w := range []string{"CHAR", "CHARACTER", "VARCHAR", "VARCHARACTER", "VARYING", "VARBINARY"} {
			if t := c.peek(); t.is(b, w) {
				c.k++
				typeEnd = t.end
				col.Type = normalizeType(col.Type, w)
			}
		}
	}
	if c.punct('(') {
		first := c.peek()
		skipGroup(c)
		typeEnd = c.toks[c.k-1].end
		switch col.Type {
		case "char", "varchar", "binary", "varbinary":
			if first.kind == tokWord {
				col.Length, _ = strconv.Atoi(string(b[first.start:first.end]))
			}
		}
	}
	for {
		switch t := c.peek(); {
		case t.is(b, "UNSIGNED"):
			col.Unsigned = true
		case t.is(b, "SIGNED"), t.is(b, "ZEROFILL"):
		default:
			col.TypeText = string(b[typ.start:typeEnd])
			parseAttributes(c, &col)
			return col, nil
		}
		typeEnd = c.peek().end
		c.k++
	}
}

// normalizeType maps two-word SQL type names to the names MySQL shows.
func normalizeType(first, second string) string {
	switch {
	case first == "long" && second == "VARBINARY":
		return "mediumblob"
	case first == "long":
		return "mediumtext"
	case second == "VARYING" || second == "VARCHAR" || second == "VARCHARACTER":
		return "varchar"
	default:
		return "char"
	}
}

// parseAttributes reads column attributes after the type.
func parseAttributes(c *cursor, col *columnDef) {
	for c.k < len(c.toks) {
		switch {
		case c.kw("NOT"):
			if c.kw("NULL") {
				col.Nullable = false
			}
		case c.kw("NULL"):
			col.Nullable = true
		case c.kw("DEFAULT"):
			skipOperand(c)
		case c.kw("ON"): // ON UPDATE expr
			c.kw("UPDATE")
			skipOperand(c)
		case c.kw("COMMENT"):
			c.k++
		case c.kw("CHARACTER"):
			c.kw("SET")
			col.Charset = nameAt(c)
		case c.kw("CHARSET"):
			col.Charset = nameAt(c)
		case c.kw("COLLATE"):
			col.Collation = nameAt(c)
		case c.kw("UNIQUE"):
			c.kw("KEY")
			col.Unique = true
			col.uniqueKey = true
		case c.kw("PRIMARY"):
			c.kw("KEY")
			col.primary = true
			col.Unique = true
			col.Nullable = false
		case c.kw("KEY"):
			col.primary = true
			col.Unique = true
			col.Nullable = false
		case c.kw("GENERATED"):
			c.kw("ALWAYS")
		case c.kw("AS"):
			col.Generated = true
			if c.punct('(') {
				skipGroup(c)
			}
		case c.kw("INVISIBLE"):
			col.Invisible = true
		case c.kw("REFERENCES"):
			return
		case c.punct('('):
			skipGroup(c)
		default:
			c.k++
		}
	}
}

// nameAt consumes a name token (charset or collation) and returns it.
func nameAt(c *cursor) string {
	c.punct('=')
	t := c.peek()
	if !isName(t) && t.kind != tokString {
		return ""
	}
	c.k++
	return unquoteName(c.b, t)
}

// skipOperand skips one simple operand: a literal, name or function call,
// with an optional sign, introducer or parenthesized expression.
func skipOperand(c *cursor) {
	if c.punct('(') {
		skipGroup(c)
		return
	}
	c.punct('-')
	c.punct('+')
	t := c.peek()
	c.k++
	if t.kind == tokWord && t.end > t.start && c.b[t.start] == '_' && c.peek().kind == tokString {
		c.k++ // _utf8mb4'x'
		return
	}
	if t.kind == tokWord && c.punct('(') {
		skipGroup(c)
	}
}
