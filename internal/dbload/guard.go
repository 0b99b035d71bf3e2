package dbload

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// ErrRefused is returned for a statement that an archive entry may not run:
// the archive comes from someone else's server, and the loading account is
// often a powerful one, so an entry may only build tables, rows and objects
// inside the target database. Nothing of a refused entry has run.
var ErrRefused = errors.New("dbload: statement refused")

// EntryKind is what an archive entry may hold. KindOf derives it from the
// entry's name, the way snapshot names them.
type EntryKind int

// Entry kinds.
const (
	// EntrySchema (db/T.schema.sql): CREATE TABLE and SEQUENCE, ALTER and
	// DROP TABLE, DO SETVAL, session SET.
	EntrySchema EntryKind = iota
	// EntryData (db/T.NNNN.sql): INSERT of literal rows, session SET.
	EntryData
	// EntryObjects (db/-objects.sql): views, triggers, routines and events
	// (created disabled, without a DEFINER), ALTER and DROP TABLE, session
	// SET.
	EntryObjects
)

// KindOf returns the kind of the archive entry called name.
func KindOf(name string) EntryKind {
	base := name[strings.LastIndexByte(name, '/')+1:]
	switch {
	case strings.HasSuffix(base, ".schema.sql"):
		return EntrySchema
	case strings.HasPrefix(base, "-"):
		return EntryObjects
	}
	return EntryData
}

// guard decides which statements run. target is the database loaded into;
// others holds, lower-cased, every other database the account could see
// when the Loader opened, and the system schemas.
type guard struct {
	target    string
	others    map[string]bool
	protected []string // lower-cased table names no statement may name
}

// systemSchemas are never a valid qualifier, seen or not.
var systemSchemas = []string{"mysql", "information_schema", "performance_schema", "sys"}

// safeCharsets are the client character sets whose escaping this package's
// lexer and the server agree on (no multi-byte character may end in a
// backslash or quote byte, as in gbk, big5, sjis or cp932).
var safeCharsets = map[string]bool{
	"utf8": true, "utf8mb3": true, "utf8mb4": true, "latin1": true, "ascii": true, "binary": true, "default": true,
}

// sessionVars may be SET by an entry: what mysqldump, mariadb-dump and
// snapshot write around tables, rows and objects.
var sessionVars = map[string]bool{
	"names": true, "character_set_client": true, "character_set_results": true, "character_set_connection": true,
	"collation_connection": true, "time_zone": true, "unique_checks": true, "foreign_key_checks": true,
	"sql_mode": true, "sql_notes": true, "sql_quote_show_create": true, "check_constraint_checks": true,
	"autocommit": true, "sql_auto_is_null": true, "explicit_defaults_for_timestamp": true,
	"innodb_strict_mode": true, "note_verbosity": true, "sql_warnings": true, "big_tables": true, "max_statement_time": true,
}

// refusedWords may not appear as code anywhere in an entry: they read or
// write server files, run dynamic SQL (which no check can see into), or
// act on the server, accounts and replication.
var refusedWords = map[string]string{
	"OUTFILE": "writes a file on the server", "DUMPFILE": "writes a file on the server",
	"INFILE": "reads a file on the server", "LOAD_FILE": "reads a file on the server",
	"PREPARE": "runs dynamic SQL", "EXECUTE": "runs dynamic SQL",
	"GRANT": "changes privileges", "REVOKE": "changes privileges",
	"SHUTDOWN": "stops the server", "KILL": "ends other sessions",
	"INSTALL": "loads server code", "UNINSTALL": "unloads server code", "SONAME": "loads server code",
	"SYS_EXEC": "runs a program", "SYS_EVAL": "runs a program",
	"SLEEP": "stalls the load", "BENCHMARK": "stalls the load", "GET_LOCK": "waits on other sessions",
	"MASTER_POS_WAIT": "waits on replication", "MASTER_GTID_WAIT": "waits on replication", "SOURCE_POS_WAIT": "waits on replication",
	"WAIT_FOR_EXECUTED_GTID_SET": "waits on replication", "WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS": "waits on replication",
	"GLOBAL": "changes server settings", "PERSIST": "changes server settings", "PERSIST_ONLY": "changes server settings",
	"BINLOG": "acts on replication", "MASTER": "acts on replication", "REPLICA": "acts on replication",
	"FLUSH": "acts on the server", "PURGE": "acts on the server", "RESET": "acts on the server",
	"DIRECTORY": "places table files outside the data directory",
}

// token is one lexical token of a statement: a word (keyword, unquoted
// name or number), a quoted name (`x`, and "x", which ANSI_QUOTES would
// make a name), a string, or a punctuation byte.
type token struct {
	kind       byte // 'w' word, 'i' quoted name, 's' string, 'p' punctuation
	start, end int
	text       string // unquoted for names, upper-cased for words
}

// lex splits a statement into tokens. Comments are skipped, but the
// content of versioned comments (/*!50003 ... */, /*M!... */) is code, as
// it is to the server.
func lex(b []byte) ([]token, error) { return lexWith(b, false) }

// lexWith is lex; with marks, it also returns a token of kind 'v' for the
// opener of each versioned comment (its text is the opener, "/*!80023")
// and one of kind 'e' for its end ("*/"), for the adapter.
func lexWith(b []byte, marks bool) ([]token, error) {
	var toks []token
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '#' || c == '-' && i+2 < len(b) && b[i+1] == '-' && (b[i+2] == ' ' || b[i+2] == '\t' || b[i+2] == '\n') ||
			c == '-' && i+2 == len(b) && b[i+1] == '-':
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				return toks, nil
			}
			i += j + 1
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			j := i + 2
			code := j < len(b) && b[j] == '!' || j+1 < len(b) && (b[j] == 'M' || b[j] == 'm') && b[j+1] == '!'
			if code {
				// Versioned comment: skip the marker and version,
				// lex the content; its "*/" is skipped below.
				for j < len(b) && (b[j] == '!' || b[j] == 'M' || b[j] == 'm') {
					j++
				}
				for j < len(b) && b[j] >= '0' && b[j] <= '9' {
					j++
				}
				if marks {
					toks = append(toks, token{kind: 'v', start: i, end: j, text: string(b[i:j])})
				}
				i = j
				continue
			}
			k := bytes.Index(b[j:], []byte("*/"))
			if k < 0 {
				return nil, errors.New("unterminated comment")
			}
			i = j + k + 2
		case c == '*' && i+1 < len(b) && b[i+1] == '/':
			if marks {
				toks = append(toks, token{kind: 'e', start: i, end: i + 2, text: "*/"})
			}
			i += 2 // end of a versioned comment
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			var val []byte
			for {
				if j >= len(b) {
					return nil, fmt.Errorf("unterminated %c", c)
				}
				if b[j] == '\\' && c != '`' && j+1 < len(b) {
					val = append(val, b[j], b[j+1])
					j += 2
					continue
				}
				if b[j] == c {
					if j+1 < len(b) && b[j+1] == c {
						val = append(val, c)
						j += 2
						continue
					}
					break
				}
				val = append(val, b[j])
				j++
			}
			kind := byte('s')
			if c != '\'' {
				kind = 'i'
			}
			toks = append(toks, token{kind: kind, start: i, end: j + 1, text: string(val)})
			i = j + 1
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80 || c == '@':
			j := i + 1
			for j < len(b) && (b[j] >= 'a' && b[j] <= 'z' || b[j] >= 'A' && b[j] <= 'Z' || b[j] >= '0' && b[j] <= '9' || b[j] == '_' || b[j] == '$' || b[j] >= 0x80 || b[j] == '@' && c == '@') {
				j++
			}
			toks = append(toks, token{kind: 'w', start: i, end: j, text: strings.ToUpper(string(b[i:j]))})
			i = j
		default:
			toks = append(toks, token{kind: 'p', start: i, end: i + 1, text: string(c)})
			i++
		}
	}
	return toks, nil
}

// isName reports whether t can be a database name followed by '.': a
// quoted name, or a word that is not a number.
func (t token) isName() bool {
	if t.kind == 'i' {
		return true
	}
	if t.kind != 'w' || t.text[0] == '@' {
		return false
	}
	for _, c := range t.text {
		if c < '0' || c > '9' {
			return true
		}
	}
	return false
}

func (t token) is(words ...string) bool {
	if t.kind != 'w' {
		return false
	}
	return slices.Contains(words, t.text)
}

// checkRow refuses a row of an INSERT that holds an expression other than
// a call of allowed functions on literals (ST_GeomFromText('POINT(1 1)'),
// as phpMyAdmin and Adminer write spatial values): dumps hold literal
// rows, and an expression could wait, lock, read other databases or the
// server's files. check sees an INSERT only up to its first row; execEntry
// reads the rows, and checkRow and checkTail finish the check.
func checkRow(row *sqldump.Row) error {
	for i, v := range row.Values {
		if v.Kind != sqldump.ValueExpr {
			continue
		}
		if why, at := checkValue(v.Raw); why != "" {
			return fmt.Errorf("%w: row %d, value %d (byte %d): %s in %.60q: a row holds literals, or calls of the built-in functions dumps use on literals",
				ErrRefused, row.Index+1, i+1, row.Offset+int64(v.Start+at), why, v.Raw)
		}
	}
	return nil
}

// valueWords may stand in an expression of an INSERT row, besides calls
// of allowed functions and charset introducers (_binary): literals, and
// the keywords and types of CAST, CONVERT and INTERVAL.
var valueWords = setOf(
	"NULL", "TRUE", "FALSE", "DEFAULT", "CURRENT_TIMESTAMP", "CURRENT_DATE",
	"CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP", "UTC_TIMESTAMP", "UTC_DATE",
	"UTC_TIME", "X", "B", "N",
	"AS", "USING", "COLLATE", "CHARSET", "CHARACTER", "SET", "INTERVAL",
	"AND", "OR", "NOT", "XOR", "IS", "IN", "LIKE", "BETWEEN", "CASE", "WHEN",
	"THEN", "ELSE", "END", "DIV", "MOD",
	"CHAR", "NCHAR", "BINARY", "SIGNED", "UNSIGNED", "INT", "INTEGER", "DECIMAL",
	"DOUBLE", "FLOAT", "DATE", "DATETIME", "TIME", "JSON",
	"MICROSECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER",
	"YEAR", "SECOND_MICROSECOND", "MINUTE_MICROSECOND", "MINUTE_SECOND",
	"HOUR_MICROSECOND", "HOUR_SECOND", "HOUR_MINUTE", "DAY_MICROSECOND",
	"DAY_SECOND", "DAY_MINUTE", "DAY_HOUR", "YEAR_MONTH",
)

// checkValue checks an expression value of an INSERT row: literals,
// allowed calls and valueWords only; no names (a column, a stored
// function), no variables, no subquery. It returns what is wrong and its
// offset in raw, or "".
func checkValue(raw []byte) (string, int) {
	toks, err := lex(raw)
	if err != nil {
		return "cannot read it: " + err.Error(), 0
	}
	for i, t := range toks {
		call := i+1 < len(toks) && toks[i+1].kind == 'p' && toks[i+1].text == "("
		switch {
		case t.kind == 's' || t.kind == 'p':
		case t.kind == 'i':
			return fmt.Sprintf("the name %s", t.text), t.start
		case t.text[0] == '@':
			return fmt.Sprintf("the variable %s", t.text), t.start
		case t.text[0] >= '0' && t.text[0] <= '9' || t.text[0] == '_':
			// A number, or a charset introducer.
		case call && (allowedFunctions[t.text] || operatorWords[t.text] || typeWords[t.text] && i > 0 && toks[i-1].is("AS")):
		case call:
			return fmt.Sprintf("a call of %s, which is not a built-in function dumps use", t.text), t.start
		case valueWords[t.text]:
		case i > 0 && toks[i-1].is("USING", "COLLATE", "CHARSET", "SET"):
			// A character set or collation.
		default:
			return fmt.Sprintf("%s, which is not a literal", t.text), t.start
		}
	}
	return "", 0
}

// badCall returns the index of the first call in toks of a function that
// is not in allowed, or -1. A word or quoted name followed by '(' is a call
// unless it is an operator, a type after AS (a CAST) or, in a CREATE or
// ALTER TABLE (ddl), a clause or type word, or a name a list follows: the
// table after TABLE, IF NOT EXISTS or REFERENCES (maybe qualified), an
// index after KEY, INDEX, UNIQUE, FULLTEXT or SPATIAL, a period after
// PERIOD FOR, or a column with a prefix length, name(N), in a key's column
// list. A quoted name is never an allowed function: `concat`(...) calls a
// stored function.
func badCall(toks []token, allowed map[string]bool, ddl bool) int {
	var keys []bool // for each open '(': whether it opens a key's column list
	for i, t := range toks {
		if t.kind == 'p' {
			switch t.text {
			case "(":
				keys = append(keys, ddl && opensKeyList(toks, i))
			case ")":
				if len(keys) > 0 {
					keys = keys[:len(keys)-1]
				}
			}
			continue
		}
		if !t.isName() || i+1 >= len(toks) || toks[i+1].kind != 'p' || toks[i+1].text != "(" {
			continue
		}
		if t.kind == 'w' && (allowed[t.text] || operatorWords[t.text] ||
			typeWords[t.text] && (ddl || i > 0 && toks[i-1].is("AS")) || ddl && clauseWords[t.text]) {
			continue
		}
		if ddl && (namesList(toks, i) || len(keys) > 0 && keys[len(keys)-1] && prefixLength(toks, i)) {
			continue
		}
		return i
	}
	return -1
}

// opensKeyList reports whether the '(' at toks[i] opens the column list
// of a key: KEY (, UNIQUE KEY name (, FOREIGN KEY (, REFERENCES t (.
func opensKeyList(toks []token, i int) bool {
	at := func(j int) token {
		if j >= 0 {
			return toks[j]
		}
		return token{}
	}
	keyWords := []string{"KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL", "BTREE", "RTREE"}
	switch {
	case at(i - 1).is(keyWords...):
		return true
	case at(i-1).isName() && at(i-2).is(append(keyWords, "REFERENCES")...):
		return true
	case at(i-1).isName() && at(i-2).text == "." && at(i-3).isName() && at(i-4).is("REFERENCES"):
		return true
	}
	return false
}

// namesList reports whether the name at toks[i], which '(' follows, is a
// table, index or period that a list follows.
func namesList(toks []token, i int) bool {
	at := func(j int) token {
		if j >= 0 {
			return toks[j]
		}
		return token{}
	}
	prev := at(i - 1)
	if prev.kind == 'p' && prev.text == "." && at(i-2).isName() {
		i -= 2 // db.t
		prev = at(i - 1)
	}
	switch {
	case prev.is("TABLE", "REFERENCES", "KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL"):
		return true
	case prev.is("EXISTS") && at(i-2).is("NOT") && at(i-3).is("IF"):
		return true
	case prev.is("FOR") && at(i-2).is("PERIOD"):
		return true
	}
	return false
}

// prefixLength reports whether toks[i] is a column with a prefix length,
// col(N), in a key's column list: first in the list or after a ','.
func prefixLength(toks []token, i int) bool {
	if i == 0 || i+3 >= len(toks) || toks[i-1].kind != 'p' || toks[i-1].text != "(" && toks[i-1].text != "," {
		return false
	}
	n := toks[i+2]
	return n.kind == 'w' && strings.Trim(n.text, "0123456789") == "" && toks[i+3].kind == 'p' && toks[i+3].text == ")"
}

// checkTail refuses an INSERT with anything but white space and comments
// after its last row, versioned comments read as the server reads them:
// ON DUPLICATE KEY UPDATE runs expressions, and RETURNING runs them and
// sends the results, rows of other databases or a file, back to the client.
// (execEntry sends an INSERT only through its last row, so such a tail
// would not run anyway; snapshot never writes one, and the entry fails.)
// st.Tail is set once the statement's rows have been read.
func checkTail(st *sqldump.Statement) error {
	tail := bytes.TrimSuffix(st.Tail, []byte(st.Delimiter))
	if toks, err := lex(tail); err != nil || len(toks) > 0 {
		return fmt.Errorf("%w: only rows may follow VALUES (ON DUPLICATE KEY UPDATE, RETURNING are not run)", ErrRefused)
	}
	return nil
}

// check decides whether st, of an entry of kind k, may run, and returns
// the text to run: the statement itself, or for objects without their
// DEFINER clause and, for events, created DISABLED.
func (g *guard) check(k EntryKind, st *sqldump.Statement, text []byte) ([]byte, error) {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
	}
	switch st.Kind {
	case sqldump.KindUse, sqldump.KindCreateDatabase, sqldump.KindDropDatabase:
		return nil, refuse("%s: an entry may only act inside the database it is loaded into", st.Kind)
	}
	allowed := map[EntryKind][]sqldump.Kind{
		EntrySchema:  {sqldump.KindCreateTable, sqldump.KindDropTable, sqldump.KindAlterTable, sqldump.KindSet, sqldump.KindOther},
		EntryData:    {sqldump.KindInsert, sqldump.KindSet},
		EntryObjects: {sqldump.KindCreateView, sqldump.KindDropView, sqldump.KindTrigger, sqldump.KindRoutine, sqldump.KindEvent, sqldump.KindDropTable, sqldump.KindAlterTable, sqldump.KindSet},
	}[k]
	if !slices.Contains(allowed, st.Kind) {
		return nil, refuse("%s statement in a %s entry", st.Kind, [...]string{"schema", "data", "objects"}[k])
	}
	if st.Database != "" && st.Database != g.target {
		return nil, refuse("names database %s", st.Database)
	}
	toks, err := lex(text)
	if err != nil {
		return nil, refuse("cannot read the statement: %v", err)
	}
	if len(toks) == 0 {
		return text, nil
	}
	for i, t := range toks {
		if (t.kind == 'w' || t.kind == 'i') && slices.Contains(g.protected, strings.ToLower(t.text)) {
			return nil, refuse("names %s, which belongs to stagecopy", t.text)
		}
		if t.kind != 'w' {
			if t.isName() && i+2 < len(toks) && toks[i+1].text == "." && toks[i+1].kind == 'p' && toks[i+2].isName() {
				if err := g.qualifier(k, t.text); err != nil {
					return nil, err
				}
			}
			continue
		}
		afterDot := i > 0 && toks[i-1].kind == 'p' && toks[i-1].text == "."
		if why, bad := refusedWords[t.text]; bad && !afterDot {
			return nil, refuse("%s (byte %d) %s", t.text, st.Offset+int64(t.start), why)
		}
		next := func(j int) token {
			if i+j < len(toks) {
				return toks[i+j]
			}
			return token{}
		}
		switch {
		case t.isName() && next(1).kind == 'p' && next(1).text == "." && next(2).isName():
			if err := g.qualifier(k, t.text); err != nil {
				return nil, err
			}
		case t.is("DATABASE", "SCHEMA") && !(next(1).kind == 'p' && next(1).text == "("):
			return nil, refuse("acts on a database")
		case t.is("CREATE", "ALTER", "DROP", "RENAME") && next(1).is("USER", "ROLE", "SERVER", "DATABASE", "SCHEMA", "TABLESPACE"):
			return nil, refuse("%s %s", t.text, next(1).text)
		case t.is("START", "STOP") && next(1).is("SLAVE", "REPLICA"):
			return nil, refuse("acts on replication")
		case t.is("LOAD") && next(1).is("DATA", "XML", "INDEX"):
			return nil, refuse("LOAD %s", next(1).text)
		}
	}
	// A call of a function outside the allow-list, where the server
	// evaluates it while restore loads or for every row written.
	badCallIn := func(allowed map[string]bool, ddl bool) error {
		i := badCall(toks, allowed, ddl)
		switch {
		case i < 0:
			return nil
		case !ddl:
			return refuse("calls %s (byte %d): a session SET may only call IFNULL, COALESCE, IF, NULLIF, CONCAT, CONCAT_WS, REPLACE, CAST and CONVERT", toks[i].text, st.Offset+int64(toks[i].start))
		}
		return refuse("calls %s (byte %d), which is not a built-in function dumps use in tables; restore allows only those (internal/dbload/functions.go)", toks[i].text, st.Offset+int64(toks[i].start))
	}
	switch st.Kind {
	case sqldump.KindSet:
		if err := g.checkSet(toks); err != nil {
			return nil, err
		}
		for _, t := range toks {
			if t.is("SELECT") {
				return nil, refuse("SET with SELECT (byte %d): a dump sets literals and variables", st.Offset+int64(t.start))
			}
		}
		return text, badCallIn(setFunctions, false)
	case sqldump.KindCreateTable, sqldump.KindAlterTable:
		if err := checkTable(toks, refuse); err != nil {
			return nil, err
		}
		if err := badCallIn(allowedFunctions, true); err != nil {
			return nil, err
		}
	case sqldump.KindOther:
		// Schema entries: sequences, as snapshot writes them.
		switch {
		case toks[0].is("CREATE") && hasWordBefore(toks, "SEQUENCE", 4):
			if err := checkTable(toks, refuse); err != nil {
				return nil, err
			}
			if err := badCallIn(allowedFunctions, true); err != nil {
				return nil, err
			}
		case toks[0].is("DO"):
			if !isSetval(toks) {
				return nil, refuse("DO may only be DO SETVAL(sequence, number, 0|1[, number]), as a dump restores a sequence")
			}
		default:
			return nil, refuse("%q in a schema entry (only tables and sequences)", firstWords(toks))
		}
	case sqldump.KindInsert:
		return text, nil
	case sqldump.KindCreateView, sqldump.KindTrigger, sqldump.KindRoutine, sqldump.KindEvent:
		if toks[0].is("CREATE") {
			return createObject(st.Kind, text, toks), nil
		}
	}
	return text, nil
}

// checkTable refuses a CREATE or ALTER TABLE (or SEQUENCE) that reaches
// outside the table: a query, a MERGE union, a remote connection, an engine
// that is not a plain local one.
func checkTable(toks []token, refuse func(string, ...any) error) error {
	for i, t := range toks {
		switch {
		case t.is("SELECT", "UNION", "CONNECTION"):
			return refuse("CREATE/ALTER TABLE with %s reaches outside the table", t.text)
		case t.is("ENGINE") && i+1 < len(toks):
			e := toks[i+1]
			if e.text == "=" && i+2 < len(toks) {
				e = toks[i+2]
			}
			if !safeEngines[strings.ToLower(e.text)] {
				return refuse("table engine %s (only %s)", e.text, "InnoDB, MyISAM, Aria, MEMORY, ARCHIVE, CSV, BLACKHOLE, SEQUENCE")
			}
		}
	}
	return nil
}

var safeEngines = map[string]bool{
	"innodb": true, "myisam": true, "aria": true, "memory": true, "heap": true, "archive": true,
	"csv": true, "blackhole": true, "sequence": true,
}

// isSetval reports whether toks are exactly DO SETVAL(name, number,
// number[, number]): what a dump writes to restore a sequence, and nothing
// that runs another expression.
func isSetval(toks []token) bool {
	if len(toks) > 0 && toks[len(toks)-1].kind == 'p' && toks[len(toks)-1].text == ";" {
		toks = toks[:len(toks)-1]
	}
	if len(toks) != 9 && len(toks) != 11 || !toks[1].is("SETVAL") || toks[2].text != "(" || !toks[3].isName() || toks[len(toks)-1].text != ")" {
		return false
	}
	for i := 4; i < len(toks)-1; i += 2 {
		if toks[i].kind != 'p' || toks[i].text != "," || toks[i+1].kind != 'w' || strings.Trim(toks[i+1].text, "0123456789") != "" {
			return false
		}
	}
	return true
}

func hasWordBefore(toks []token, w string, n int) bool {
	for i := 0; i < n && i < len(toks); i++ {
		if toks[i].is(w) {
			return true
		}
	}
	return false
}

func firstWords(toks []token) string {
	var s []string
	for i := 0; i < 3 && i < len(toks); i++ {
		s = append(s, toks[i].text)
	}
	return strings.Join(s, " ")
}

// qualifier checks a name used as db in db.x. Schema and data entries may
// only name the target database; in objects, "x.y" is also a table alias
// or NEW/OLD with a column, so only the names of the server's other
// databases and the system schemas are refused there.
func (g *guard) qualifier(k EntryKind, name string) error {
	if name == g.target {
		return nil
	}
	if k != EntryObjects || g.others[strings.ToLower(name)] {
		return fmt.Errorf("%w: names database %s: an entry may only act inside the database it is loaded into", ErrRefused, name)
	}
	return nil
}

// checkSet allows SET of session variables that dumps set, user variables,
// and safe character sets; never GLOBAL, PASSWORD, ROLE or STATEMENT.
func (g *guard) checkSet(toks []token) error {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%w: SET %s", ErrRefused, fmt.Sprintf(format, args...))
	}
	// Assignments start after SET and after each top-level comma.
	depth := 0
	start := true
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == 'p' && t.text == "(":
			depth++
			continue
		case t.kind == 'p' && t.text == ")":
			depth--
			continue
		case t.kind == 'p' && t.text == "," && depth == 0:
			start = true
			continue
		}
		if !start {
			continue
		}
		start = false
		v := t.text
		if t.is("SESSION", "LOCAL") && i+1 < len(toks) {
			i++
			v = toks[i].text
		}
		if t.text == "@" { // @'quoted user variable'
			continue
		}
		switch {
		case strings.HasPrefix(v, "@@"):
			v = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(v, "@@"), "SESSION"), "LOCAL")
			if v == "" && i+2 < len(toks) && toks[i+1].text == "." { // @@SESSION.x lexes as "@@SESSION" "." "x"
				i += 2
				v = toks[i].text
			}
		case strings.HasPrefix(v, "@"):
			continue // user variable
		}
		name := strings.ToLower(v)
		if !sessionVars[name] {
			return refuse("%s: not a session setting a dump makes", v)
		}
		if name == "names" || strings.HasPrefix(name, "character_set_") {
			if i+1 < len(toks) && toks[i+1].text == "=" {
				i++
			}
			if i+1 < len(toks) {
				cs := strings.ToLower(toks[i+1].text)
				if toks[i+1].kind == 'w' && !safeCharsets[cs] && !strings.HasPrefix(cs, "@") {
					return refuse("%s %s: character set not allowed (use utf8mb4)", v, toks[i+1].text)
				}
				if (toks[i+1].kind == 's' || toks[i+1].kind == 'i') && !safeCharsets[cs] {
					return refuse("%s %s: character set not allowed (use utf8mb4)", v, toks[i+1].text)
				}
			}
		}
	}
	return nil
}

// createObject returns the CREATE statement of a view, trigger, routine or
// event without its DEFINER clause (the loading account becomes the
// definer, never an account of the archive's choosing) and, for an event,
// with DISABLE: a staging copy must not run scheduled jobs, not even once
// between CREATE EVENT and the end of the load.
func createObject(kind sqldump.Kind, text []byte, toks []token) []byte {
	out := bytes.Clone(text)
	for i, t := range toks {
		if t.is("TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "VIEW", "PACKAGE") {
			break
		}
		if t.is("DEFINER") && i+1 < len(toks) && toks[i+1].text == "=" {
			end := i + 2
			if end < len(toks) {
				end++ // user, or CURRENT_USER
				if end < len(toks) && toks[end].text == "(" {
					end += 2
				}
				switch {
				case end+1 < len(toks) && toks[end].text == "@":
					end += 2 // `user`@`host`
				case end < len(toks) && strings.HasPrefix(toks[end].text, "@"):
					end++ // user@host
				}
			}
			stop := toks[end-1].end
			for j := t.start; j < stop; j++ {
				if out[j] != '\n' && !(out[j] == '*' && j+1 < stop && out[j+1] == '/') {
					out[j] = ' '
				}
			}
		}
	}
	if kind != sqldump.KindEvent {
		return out
	}
	from := 0
	for i, t := range toks {
		if t.is("SCHEDULE") {
			from = i
			break
		}
	}
	for i, t := range toks[from:] {
		i += from
		switch {
		case t.is("DISABLE"):
			return out
		case t.is("ENABLE"):
			return append(append(bytes.Clone(out[:t.start]), "DISABLE"...), out[t.end:]...)
		case t.is("DO") && i > 0:
			return append(append(bytes.Clone(out[:t.start]), "DISABLE "...), out[t.start:]...)
		}
	}
	return out
}

// NameIn returns the first identifier in text, quoted or not, that is one
// of names (compared without regard to case, as the guard compares the
// marker table), read as the server reads the text: in versioned comments
// too, never in strings or other comments. It returns "" when text names
// none of them, and an error when it cannot be read (take that as naming
// them: fail closed). Restore uses it on the bodies of the views, triggers,
// routines and events an archive made (internal/dbload cannot see which
// tables a CMS keeps its accounts in while it loads).
func NameIn(text []byte, names []string) (string, error) {
	toks, err := lex(text)
	if err != nil {
		return "", err
	}
	for _, t := range toks {
		if t.kind != 'w' && t.kind != 'i' {
			continue
		}
		for _, n := range names {
			if strings.EqualFold(t.text, n) {
				return t.text, nil
			}
		}
	}
	return "", nil
}
