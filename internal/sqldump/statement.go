package sqldump

import (
	"errors"
	"fmt"
	"strconv"
)

// Kind says what a [Statement] does.
type Kind int

// Statement kinds. Classification looks through versioned comments, so
// "/*!40101 SET NAMES utf8mb4 */;" is KindSet.
const (
	// KindTrivia is the whitespace and comments after the last statement.
	// Only Lead is set; Text is empty.
	KindTrivia Kind = iota
	KindCreateTable
	// KindInsert is INSERT or REPLACE with a VALUES list. Its rows are read
	// with [Scanner.NextRow].
	KindInsert
	KindDropTable
	KindLockTables
	KindUnlockTables
	KindAlterTable
	KindUse
	KindCreateDatabase
	KindDropDatabase
	KindSet
	// KindDelimiter is the client command "DELIMITER xx".
	KindDelimiter
	KindCreateView
	KindDropView
	// KindTrigger is CREATE TRIGGER and DROP TRIGGER.
	KindTrigger
	// KindRoutine is CREATE and DROP of a PROCEDURE, FUNCTION or PACKAGE.
	KindRoutine
	// KindEvent is CREATE and DROP EVENT.
	KindEvent
	// KindTransaction is START TRANSACTION, BEGIN, COMMIT and ROLLBACK.
	KindTransaction
	// KindOther is any other statement, including an empty one (";").
	KindOther
)

var kindNames = [...]string{
	KindTrivia:         "trivia",
	KindCreateTable:    "create-table",
	KindInsert:         "insert",
	KindDropTable:      "drop-table",
	KindLockTables:     "lock-tables",
	KindUnlockTables:   "unlock-tables",
	KindAlterTable:     "alter-table",
	KindUse:            "use",
	KindCreateDatabase: "create-database",
	KindDropDatabase:   "drop-database",
	KindSet:            "set",
	KindDelimiter:      "delimiter",
	KindCreateView:     "create-view",
	KindDropView:       "drop-view",
	KindTrigger:        "trigger",
	KindRoutine:        "routine",
	KindEvent:          "event",
	KindTransaction:    "transaction",
	KindOther:          "other",
}

// String returns a short lower-case name such as "create-table".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Statement is one statement of a dump, as returned by [Scanner.Next]. The
// Statement and all its slices are only valid until the next call to
// [Scanner.Next].
//
// Writing Lead, Text, then for KindInsert the Sep and Raw of every row and
// finally Tail, reproduces the input exactly.
type Statement struct {
	Kind Kind

	// Lead is the whitespace and comments before the statement: "-- ",
	// "#" and plain "/* */" comments, and MariaDB's sandbox line
	// "/*M!999999\- enable the sandbox mode */". Versioned comments are
	// code and start the statement instead.
	Lead []byte

	// Text is the statement from its first byte of code through the end of
	// its delimiter. A statement cut short by the end of the input has no
	// delimiter, and Text ends with its last byte of code. For KindInsert,
	// Text is only the prefix through VALUES (or VALUE) and the whitespace
	// and comments after it, e.g. "INSERT INTO `t` VALUES ". For
	// KindDelimiter, Text is the command line without its line break.
	Text []byte

	// Tail is set for KindInsert once [Scanner.NextRow] has returned
	// io.EOF: the bytes after the last row through the delimiter, e.g.
	// ";" or " ON DUPLICATE KEY UPDATE a=VALUES(a);".
	Tail []byte

	// Delimiter is the delimiter in force for this statement: ";" unless a
	// DELIMITER command changed it. For KindDelimiter it is the new
	// delimiter the command sets.
	Delimiter string

	// Table is the unquoted name of the table a statement is about:
	// CREATE TABLE, INSERT/REPLACE, DROP TABLE (the first one), LOCK TABLES
	// (the first one), ALTER TABLE, TRUNCATE, CREATE TRIGGER (the table the
	// trigger is on), CREATE VIEW and DROP VIEW (the view). Empty otherwise.
	Table string

	// Database is the database of USE, CREATE DATABASE, DROP DATABASE and
	// ALTER DATABASE, or the qualifier of a qualified table name ("db" in
	// "INSERT INTO db.t"). Empty otherwise.
	Database string

	// Columns is the explicit column list of an INSERT, unquoted; nil
	// without one.
	Columns []string

	// Verb is set for KindInsert: "INSERT", "INSERT IGNORE" or "REPLACE".
	Verb string

	// Offset is the byte offset of the first byte of Text in the input.
	Offset int64

	// Line is the 1-based line number of the first byte of Text.
	Line int

	// colVers: versioned comments start or end between the '(' of an
	// INSERT's column list and VALUES.
	colVers bool
}

// ColumnsVersioned reports whether versioned comments (/*!50705 ...*/)
// start or end inside an INSERT's column list, so that servers that run
// them and servers that skip them may read different columns: see
// [Statement.ColumnsUnder].
func (st *Statement) ColumnsVersioned() bool { return st.colVers }

// Conds returns the openers of the versioned comments in the statement's
// Text ("/*!50705"), each once.
func (st *Statement) Conds() []string { return condsIn(st.Text) }

// ColumnsUnder returns the column list of an INSERT as the servers of
// reading r read it; nil when they read none (the rows then hold every
// column). For an INSERT whose column list is not
// [Statement.ColumnsVersioned] it returns Columns.
func (st *Statement) ColumnsUnder(r Reading) ([]string, error) {
	if !st.colVers {
		return st.Columns, nil
	}
	ip, err := insertUnder(st.Text, st.Delimiter, r)
	if err != nil {
		return nil, err
	}
	if ip == nil {
		return nil, fmt.Errorf("sqldump: %s reads no INSERT", r.Server)
	}
	if !ip.hasCols {
		return nil, nil
	}
	cols := make([]string, len(ip.cols))
	for i, t := range ip.cols {
		cols[i] = string(tokName(ip.text, t))
	}
	return cols, nil
}

// readInsert is an INSERT prefix as some servers read it.
type readInsert struct {
	insertPrefix
	text []byte
}

// insertUnder parses the prefix text of an INSERT (its Text) the way the
// servers of r read it. It returns nil when nothing but whitespace and
// comments is left: they run no INSERT.
func insertUnder(text []byte, delim string, r Reading) (*readInsert, error) {
	stripped, err := r.Strip(text)
	if err != nil {
		return nil, err
	}
	lx := lexer{b: stripped, eof: true}
	if t, _ := lx.next(0); t.kind == tokEOF {
		return nil, nil
	}
	if delim == "" {
		delim = ";"
	}
	ip := parseInsertPrefix(stripped, 0, true, []byte(delim), nil)
	if ip.msg != "" {
		return nil, fmt.Errorf("sqldump: %s reads the INSERT as: %s", r.Server, ip.msg)
	}
	return &readInsert{ip, stripped}, nil
}

// tokName returns the name a word, quoted identifier or string token
// stands for.
func tokName(b []byte, t token) []byte {
	raw := b[t.start:t.end]
	if t.kind == tokWord || len(raw) < 2 {
		return raw
	}
	return unquoteInto(nil, raw[1:len(raw)-1], raw[0])
}

// SyntaxError reports input the scanner cannot read. Scanning cannot
// continue after it.
type SyntaxError struct {
	Offset int64  // byte offset in the input where the problem was found
	Line   int    // 1-based line number of Offset
	Table  string // table of the statement, if known
	Msg    string // what was wrong
	// Err is the cause, when there is one to test for with errors.Is:
	// ErrTooLarge.
	Err error
}

// ErrTooLarge is the cause of a [SyntaxError] for a statement or row larger
// than the Scanner's limit (see [Scanner.SetLimit]).
var ErrTooLarge = errors.New("sqldump: statement or row too large")

// Unwrap returns Err.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Error formats the error as
// sqldump: line 12 (byte 3456), table "wp_users": expected '(' after VALUES
func (e *SyntaxError) Error() string {
	if e.Table != "" {
		return fmt.Sprintf("sqldump: line %d (byte %d), table %q: %s", e.Line, e.Offset, e.Table, e.Msg)
	}
	return fmt.Sprintf("sqldump: line %d (byte %d): %s", e.Line, e.Offset, e.Msg)
}
