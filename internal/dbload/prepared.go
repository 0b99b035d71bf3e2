package dbload

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"math/bits"
	"strconv"
	"strings"
	"unsafe"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Prepared INSERTs. The rows of an INSERT are sent, where every value of
// them can be, as the parameters of a prepared multi-row INSERT (the binary
// protocol's COM_STMT_EXECUTE): the server then reads each value as it is,
// instead of lexing every byte of every string literal, which was half of
// its CPU in a restore (bench/README.md). A value is sent as a parameter
// only where the parameter means exactly what the literal meant, whatever
// the column:
//
//   - NULL as NULL;
//   - an integer literal written as Go writes it (no sign but '-', no
//     leading zero, not "-0") within int64 or uint64 as that integer: the
//     server stores both through the same integer path;
//   - a string literal without introducer, or with _binary, as a string of
//     its decoded bytes: the connection's character set is utf8mb4 for
//     both, and a column of a binary type keeps the bytes unconverted.
//
// Any other value (decimal and float numbers, whose literal and string
// differ in an integer column; hex and bit literals, which are numbers in
// a numeric column; other introducers; expressions), a row inside or next
// to versioned comments, or a row whose value count differs from the
// statement's first row, sends the rest of that INSERT as text, as before.

// maxParams is the protocol's limit of parameters in one statement.
const maxParams = 65535

// maxStmts is how many prepared INSERTs one connection keeps; the oldest
// is closed when another is needed. MariaDB's max_prepared_stmt_count
// (16382 by default) counts the statements of every connection.
const maxStmts = 32

// stmtKey names a prepared INSERT: the statement's checked prefix, the
// values per row and the rows.
type stmtKey struct {
	prefix     string
	cols, rows int
}

// session is what a connection keeps from entry to entry: the piece
// buffer of the text path, the prepared INSERTs, and the batch of rows
// waiting to run as one of them.
type session struct {
	conn  *sql.Conn
	piece []byte
	stmts map[stmtKey]driver.Stmt
	order []stmtKey // oldest first
	named []driver.NamedValue
	// noPrepare is set once the server refused a statement for
	// max_prepared_stmt_count: the connection's INSERTs then go as text.
	noPrepare bool

	// The batch: rows rows of cols values each for the INSERT whose
	// checked prefix is key, first read on line line of the entry; at
	// most size bytes of execute packets, ests[i] of them for row i.
	key              string
	cols, rows, size int
	line             int
	ests             []int
	args             []any
	arena            []byte // the bytes of the string parameters
	spare            []byte // the next arena (carry)
}

// reset empties the batch.
func (s *session) reset() {
	clear(s.args)
	s.args, s.arena, s.ests = s.args[:0], s.arena[:0], s.ests[:0]
	s.rows, s.size = 0, 0
	if cap(s.arena) > 2*InsertPiece {
		s.arena = nil
	}
}

// carry drops the first done rows of the batch, which ran, and keeps the
// others, their strings copied to the spare arena, which becomes the
// arena. It returns the bytes it copied.
func (s *session) carry(done int) int {
	if done == s.rows {
		s.reset()
		return 0
	}
	rest := s.args[done*s.cols:]
	need := 0
	for _, a := range rest {
		if str, ok := a.(string); ok {
			need += len(str)
		}
	}
	spare := s.spare[:0]
	if cap(spare) < need {
		spare = make([]byte, 0, max(need, InsertPiece))
	}
	for i, a := range rest {
		if str, ok := a.(string); ok {
			start := len(spare)
			spare = append(spare, str...)
			rest[i] = unsafe.String(unsafe.SliceData(spare[start:]), len(str))
		}
	}
	n := copy(s.args, rest)
	clear(s.args[n:])
	s.args = s.args[:n]
	s.arena, s.spare = spare, s.arena[:0]
	if cap(s.spare) > 2*InsertPiece {
		s.spare = nil
	}
	n = copy(s.ests, s.ests[done:])
	s.ests = s.ests[:n]
	s.rows -= done
	s.size = 0
	for _, e := range s.ests {
		s.size += e
	}
	return need
}

// maxRows is the largest power of two of rows of cols values that a
// statement's parameters can hold.
func maxRows(cols int) int {
	return 1 << (bits.Len(uint(maxParams/cols)) - 1)
}

// close closes the prepared statements; the connection stays open.
func (s *session) close() {
	if len(s.stmts) > 0 {
		s.conn.Raw(func(any) error {
			for _, st := range s.stmts {
				st.Close()
			}
			return nil
		})
	}
	s.stmts, s.order = nil, nil
	s.reset()
}

// exec runs the prepared INSERT key with args, preparing it if needed. It
// returns false and no error when the server refused to prepare it (too
// many prepared statements, or anything the text path will report).
//
// It works on the driver's connection (sql.Conn.Raw), which the session
// holds alone: database/sql would copy each argument into a NamedValue
// of its own for every execution, 40 bytes a value.
func (s *session) exec(ctx context.Context, key stmtKey, args []any) (bool, error) {
	ran := false
	err := s.conn.Raw(func(dc any) error {
		st := s.stmts[key]
		if st == nil {
			if s.noPrepare {
				return nil
			}
			pc, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				s.noPrepare = true
				return nil
			}
			var err error
			if st, err = pc.PrepareContext(ctx, insertText(key)); err != nil {
				var me *mysql.MySQLError
				if errors.As(err, &me) {
					s.noPrepare = me.Number == 1461 // ER_MAX_PREPARED_STMT_COUNT_REACHED
					return nil
				}
				return err
			}
			if s.stmts == nil {
				s.stmts = map[stmtKey]driver.Stmt{}
			}
			if len(s.order) >= maxStmts {
				old := s.order[0]
				s.order = s.order[1:]
				s.stmts[old].Close()
				delete(s.stmts, old)
			}
			s.stmts[key] = st
			s.order = append(s.order, key)
		}
		ex, ok := st.(driver.StmtExecContext)
		if !ok {
			return errors.New("dbload: driver statement cannot execute with a context")
		}
		named := s.named[:0]
		for i, a := range args {
			named = append(named, driver.NamedValue{Ordinal: i + 1, Value: a})
		}
		_, err := ex.ExecContext(ctx, named)
		clear(named)
		s.named = named[:0]
		ran = true
		return err
	})
	return ran, err
}

// insertText is the text of the prepared INSERT key.
func insertText(key stmtKey) string {
	var q strings.Builder
	q.Grow(len(key.prefix) + key.rows*(2*key.cols+2))
	q.WriteString(key.prefix)
	for r := range key.rows {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range key.cols {
			if c > 0 {
				q.WriteByte(',')
			}
			q.WriteByte('?')
		}
		q.WriteByte(')')
	}
	return q.String()
}

// appendArgs appends the parameters of row's values to s.args and their
// bytes to s.arena. It returns false, and leaves s.args as it was, when a value cannot be
// sent as a parameter that means what its literal means.
//
// The strings point into s.arena: the driver copies them into its packet
// before Exec returns, and s.arena is only written again after that (a
// string made before the arena grew still points to its old array, which
// nothing writes).
func (s *session) appendArgs(row *sqldump.Row) bool {
	if row.Versioned() {
		return false
	}
	n0, a0 := len(s.args), len(s.arena)
	for i := range row.Values {
		v := &row.Values[i]
		switch {
		case v.Cond != "":
		case v.Kind == sqldump.ValueNull:
			s.args = append(s.args, nil)
			continue
		case v.Kind == sqldump.ValueNumber:
			if a, ok := integer(v.Raw); ok {
				s.args = append(s.args, a)
				continue
			}
		case v.Kind == sqldump.ValueString && (v.Introducer == "" || v.Introducer == "_binary"):
			start := len(s.arena)
			if p, ok := v.Plain(); ok {
				s.arena = append(s.arena, p...)
			} else {
				s.arena, _ = v.AppendBytes(s.arena)
			}
			b := s.arena[start:]
			s.args = append(s.args, unsafe.String(unsafe.SliceData(b), len(b)))
			continue
		}
		clear(s.args[n0:])
		s.args, s.arena = s.args[:n0], s.arena[:a0]
		return false
	}
	return true
}

// integer returns the int64 or uint64 an integer literal stands for, when
// raw is written exactly as strconv formats that integer.
func integer(raw []byte) (any, bool) {
	// Up to 18 digits, the common case, in one pass: written as strconv
	// writes it when it has no leading zero and is not "-0", and within
	// int64 whatever the digits.
	d := raw
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) > 0 && len(d) <= 18 && (d[0] != '0' || len(raw) == 1) {
		var n int64
		for _, c := range d {
			if c < '0' || c > '9' {
				return nil, false
			}
			n = n*10 + int64(c-'0')
		}
		if len(d) < len(raw) {
			n = -n
		}
		return n, true
	}
	if len(raw) == 0 || len(raw) > 20 {
		return nil, false
	}
	s := unsafe.String(unsafe.SliceData(raw), len(raw))
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		var buf [20]byte
		if string(strconv.AppendInt(buf[:0], i, 10)) == s {
			return i, true
		}
		return nil, false
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		var buf [20]byte
		if string(strconv.AppendUint(buf[:0], u, 10)) == s {
			return u, true
		}
	}
	return nil, false
}
