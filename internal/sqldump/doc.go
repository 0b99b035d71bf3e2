// Package sqldump reads MySQL and MariaDB dump files as a stream of
// statements, and the rows of INSERT statements one at a time.
//
// It understands the output of mysqldump, mariadb-dump, mydumper and
// phpMyAdmin: line and block comments, versioned comments (/*!40101 ... */,
// /*M!100616 ... */) whose bodies are code, the client command DELIMITER,
// quoted strings and identifiers, CRLF line endings and statements without a
// final delimiter.
//
// A [Scanner] splits the input into [Statement] values. Each statement keeps
// the exact bytes it was read from, so that writing back Lead, Text, the Sep
// and Raw of every row, and Tail reproduces the input byte for byte. Ordinary
// statements are held in memory whole (up to [MaxStatementSize]); the rows of
// an INSERT or REPLACE statement are never held together: [Scanner.NextRow]
// returns them one by one, so memory is bounded by the largest single row.
//
// Values inside a row are split into [Value] literals that can be decoded with
// [Value.Bytes] and re-encoded with [AppendQuoted] or [AppendHex].
// [ParseCreateTable] extracts column names and types from CREATE TABLE
// statements, which callers use to decide how to treat each value.
//
// Statements are split the way the mysql and mariadb clients split them: at
// the delimiter outside strings, quoted identifiers and comments. The body of
// a versioned comment is code, so a delimiter inside it ends the statement,
// as it does in the client. DELIMITER is recognized as the first word of a
// statement.
//
// The scanner fails closed: input it cannot read with certainty, such as
// INSERT ... SELECT, INSERT ... SET, rows hidden in versioned comments or an
// unterminated string, is a [SyntaxError] rather than text passed through,
// so that no row escapes a caller that rewrites values.
//
// Values inside a row may be in versioned comments, as MySQL's sakila
// sample data writes its geometry: (1,'x',/*!50705 0x0101...,*/'y'). Such a
// value is read as the server that runs the comment reads it, and its
// [Value.Cond] names the comment; servers that skip the comment read the row
// without it, or, when the comment holds no comma beside the value, read a
// syntax error. [Readings] lists the ways MySQL and MariaDB servers of any
// version read a set of versioned comments, and [Row.Under] the values each
// way keeps. A row is refused when some way of reading it leaves two values
// side by side ('a' /*!50000 , */ 'b' is the one value 'ab' where the
// comment is skipped), when a comment holds part of a value, the row's
// parentheses or another comment, when a string starts inside a comment
// and runs past its end, and when servers read the comment's version
// digits differently (/*!100100, /*!123). An INSERT whose versioned
// comments change the table it fills is refused too; one whose column list
// or CREATE TABLE has versioned comments is readable for each server with
// [Statement.ColumnsUnder] and [Table.Under].
//
// Not supported: dumps written under sql_mode NO_BACKSLASH_ESCAPES (strings
// are read with backslash escapes), client commands written with a
// backslash (\g, \d), and rows of INSERT statements inside stored routines,
// triggers, events and prepared statement strings, which are part of those
// statements' Text.
//
// The package only reads SQL text; it never talks to a server.
package sqldump
