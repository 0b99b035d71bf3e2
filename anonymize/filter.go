package anonymize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
)

// Stream is a dump read statement by statement, INSERT rows one at a time:
// *sqldump.Scanner, or a Filter over one.
type Stream interface {
	Next() (*sqldump.Statement, error)
	NextRow() (*sqldump.Row, error)
}

// ErrUnsafe is wrapped by every error where the Filter refuses to pass data
// through because it cannot be sure it is anonymized.
var ErrUnsafe = errors.New("anonymize: refusing to pass data it cannot anonymize")

// Filter applies rules to a dump stream and is itself a Stream: statements
// and rows of tables without rules come out byte for byte as they went in;
// rows of tables with rules come out with their values replaced; truncated
// tables lose their rows and skipped tables disappear. It fails closed:
// a table with rules whose columns it cannot map, a value it cannot
// rewrite, or a statement that could carry data past it stops the stream
// with an error wrapping ErrUnsafe.
//
// Errors are sticky. A Filter is not safe for concurrent use.
type Filter struct {
	src     Stream
	rules   *rules.Rules
	keyer   *Keyer
	schemas map[string]*sqldump.Table
	plans   map[string]*tablePlan
	report  *Report
	cur     *tablePlan // plan of the INSERT being read, nil to pass rows through
	curTR   *TableReport
	curStmt *sqldump.Statement
	row     sqldump.Row
	out     []byte
	err     error
}

// NewFilter returns a Filter reading src. rules must not be nil; keyer
// derives the fakes (see NewKeyer).
func NewFilter(src Stream, r *rules.Rules, keyer *Keyer) *Filter {
	return &Filter{src: src, rules: r, keyer: keyer, schemas: map[string]*sqldump.Table{}, plans: map[string]*tablePlan{}, report: newReport()}
}

// Report returns what the filter did so far; complete after io.EOF.
func (f *Filter) Report() *Report { return f.report }

func (f *Filter) fail(err error) error {
	if f.err == nil {
		f.err = err
	}
	return f.err
}

// Next returns the next statement that survives the rules.
func (f *Filter) Next() (*sqldump.Statement, error) {
	if f.err != nil {
		return nil, f.err
	}
	f.cur, f.curTR, f.curStmt = nil, nil, nil
	for {
		st, err := f.src.Next()
		if err != nil {
			if err == io.EOF {
				if err := f.finish(); err != nil {
					return nil, f.fail(err)
				}
			}
			return nil, f.fail(err)
		}
		keep, err := f.statement(st)
		if err != nil {
			return nil, f.fail(err)
		}
		if keep {
			return st, nil
		}
	}
}

// statement decides what happens to st and prepares row handling.
func (f *Filter) statement(st *sqldump.Statement) (bool, error) {
	if st.Kind == sqldump.KindOther {
		if err := checkOther(st); err != nil {
			return false, err
		}
	}
	if st.Table == "" || st.Kind == sqldump.KindCreateView || st.Kind == sqldump.KindDropView {
		return true, nil
	}
	tr := f.rules.ForTable(st.Table)
	rep := f.report.table(st.Table, tr)
	action := rules.ActionKeep
	if tr != nil {
		action = tr.Action
	}
	switch action {
	case rules.ActionSkip:
		if st.Kind == sqldump.KindInsert {
			n, err := drain(f.src)
			rep.Rows += n
			rep.RowsDropped += n
			if err != nil {
				return false, err
			}
		}
		return false, nil
	case rules.ActionTruncate:
		if st.Kind == sqldump.KindInsert {
			n, err := drain(f.src)
			rep.Rows += n
			rep.RowsDropped += n
			return false, err
		}
	}
	switch st.Kind {
	case sqldump.KindCreateTable:
		t, err := st.CreateTable()
		if err != nil {
			if tr != nil && tr.Action == rules.ActionTransform {
				return false, fmt.Errorf("%w: table %s (line %d): cannot read its CREATE TABLE: %v", ErrUnsafe, st.Table, st.Line, err)
			}
			return true, nil
		}
		f.schemas[st.Table] = t
		for k := range f.plans {
			if k == st.Table || strings.HasPrefix(k, st.Table+"\x00") {
				delete(f.plans, k)
			}
		}
		if tr != nil && tr.Action == rules.ActionTransform {
			p, err := f.plan(tr, t, nil, rep)
			if err != nil {
				return false, fmt.Errorf("table %s (line %d): %w", st.Table, st.Line, err)
			}
			f.plans[st.Table] = p
		}
	case sqldump.KindInsert:
		f.curTR = rep
		if tr == nil || tr.Action != rules.ActionTransform {
			return true, nil
		}
		p, err := f.insertPlan(tr, st, rep)
		if err != nil {
			return false, fmt.Errorf("table %s (line %d): %w", st.Table, st.Line, err)
		}
		f.cur, f.curStmt = p, st
	}
	return true, nil
}

// checkTail refuses an INSERT of a ruled table whose tail (ON DUPLICATE KEY
// UPDATE ...) carries literals: they would pass the row rules unchanged.
func checkTail(st *sqldump.Statement) error {
	if bytes.ContainsAny(st.Tail, "'\"") || bytes.Contains(bytes.ToLower(st.Tail), []byte("0x")) {
		return fmt.Errorf("%w: table %s, statement at line %d: literals after the rows (%.40q) cannot be checked by the rules; dump without them", ErrUnsafe, st.Table, st.Line, st.Tail)
	}
	return nil
}

// checkOther refuses statements that can write data past the row rules.
func checkOther(st *sqldump.Statement) error {
	word := firstWord(st.Text)
	switch word {
	case "UPDATE", "LOAD", "INSERT", "REPLACE", "HANDLER", "CALL", "EXECUTE", "PREPARE":
		return fmt.Errorf("%w: line %d (byte %d): a %s statement can carry data the rules cannot check; remove it from the dump or dump with mysqldump/mariadb-dump defaults", ErrUnsafe, st.Line, st.Offset, word)
	}
	return nil
}

func firstWord(b []byte) string {
	b = bytes.TrimLeft(b, " \t\r\n(")
	for strings.HasPrefix(string(b), "/*") {
		// versioned comment: /*!40000 WORD
		i := 2
		for i < len(b) && (b[i] == '!' || b[i] == 'M' || (b[i] >= '0' && b[i] <= '9')) {
			i++
		}
		b = bytes.TrimLeft(b[i:], " \t\r\n")
	}
	i := 0
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || b[i] == '_') {
		i++
	}
	return strings.ToUpper(string(b[:i]))
}

func drain(s Stream) (int64, error) {
	var n int64
	for {
		_, err := s.NextRow()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// insertPlan maps the INSERT's values to the table's columns.
// Plans are cached per table and column list.
func (f *Filter) insertPlan(tr *rules.TableRule, st *sqldump.Statement, rep *TableReport) (*tablePlan, error) {
	t := f.schemas[st.Table]
	if st.Columns == nil {
		if t == nil {
			return nil, fmt.Errorf("%w: rows without a column list and no CREATE TABLE before them; dump the schema too, or use --complete-insert", ErrUnsafe)
		}
		return f.plans[st.Table], nil
	}
	key := st.Table + "\x00" + strings.Join(st.Columns, "\x00")
	if p := f.plans[key]; p != nil {
		return p, nil
	}
	if t == nil {
		// Column names from the INSERT; no types or lengths known.
		t = &sqldump.Table{Name: st.Table}
		for _, c := range st.Columns {
			t.Columns = append(t.Columns, sqldump.Column{Name: c, Nullable: true})
		}
	}
	p, err := f.plan(tr, t, st.Columns, rep)
	if err != nil {
		return nil, err
	}
	f.plans[key] = p
	return p, nil
}

// NextRow returns the next row of the current INSERT, anonymized.
func (f *Filter) NextRow() (*sqldump.Row, error) {
	if f.err != nil {
		return nil, f.err
	}
	r, err := f.src.NextRow()
	if err != nil {
		if err != io.EOF {
			return nil, f.fail(err)
		}
		if f.cur != nil {
			if err := checkTail(f.curStmt); err != nil {
				return nil, f.fail(err)
			}
		}
		return nil, err
	}
	if f.curTR != nil {
		f.curTR.Rows++
	}
	if f.cur == nil {
		return r, nil
	}
	changed, err := f.cur.apply(f, r)
	if err != nil {
		return nil, f.fail(fmt.Errorf("table %s, statement at line %d, row %d (byte %d): %w", f.curStmt.Table, f.curStmt.Line, r.Index+1, r.Offset, err))
	}
	if changed {
		f.curTR.RowsChanged++
	}
	return r, nil
}

// finish checks, at the end of the dump, that every rule found its table.
func (f *Filter) finish() error {
	var missing []string
	for _, tr := range f.rules.Tables {
		if tr.FromPreset || f.report.matched[tr] {
			continue
		}
		missing = append(missing, fmt.Sprintf("%s: table %q", tr.Pos, tr.Pattern))
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: rules name tables the dump does not have (a typo would leave the real table unanonymized):\n  %s", ErrRulesMismatch, strings.Join(missing, "\n  "))
	}
	return nil
}

// ErrRulesMismatch means the rules do not fit the dump's schema.
var ErrRulesMismatch = errors.New("anonymize: rules do not match the dump")

// Copy writes everything s yields to w, as SQL: the output of a Filter is a
// dump again. It returns the number of bytes written.
func Copy(ctx context.Context, w io.Writer, s Stream) (int64, error) {
	cw := &countWriter{w: w}
	for n := 0; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return cw.n, err
			}
		}
		st, err := s.Next()
		if err == io.EOF {
			return cw.n, nil
		}
		if err != nil {
			return cw.n, err
		}
		cw.Write(st.Lead)
		cw.Write(st.Text)
		if st.Kind == sqldump.KindInsert {
			for k := 1; ; k++ {
				if k%8192 == 0 {
					if err := ctx.Err(); err != nil {
						return cw.n, err
					}
				}
				r, err := s.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					return cw.n, err
				}
				cw.Write(r.Sep)
				cw.Write(r.Raw)
			}
			cw.Write(st.Tail)
		}
		if cw.err != nil {
			return cw.n, cw.err
		}
	}
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// encodeLike encodes out as a literal of the same style as the value it
// replaces: a number stays bare when out is a number, a hex literal stays
// hex, a charset introducer is kept.
func encodeLike(dst []byte, old sqldump.Value, out []byte, null bool) []byte {
	if null {
		return append(dst, "NULL"...)
	}
	switch old.Kind {
	case sqldump.ValueNumber:
		if isNumber(out) {
			return append(dst, out...)
		}
	case sqldump.ValueHex:
		if old.Introducer != "" {
			dst = append(dst, old.Introducer...)
			dst = append(dst, ' ')
		}
		return sqldump.AppendHex(dst, out)
	}
	if old.Introducer != "" && old.Introducer != "n" {
		dst = append(dst, old.Introducer...)
	}
	return sqldump.AppendQuoted(dst, out)
}

func isNumber(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	_, err := strconv.ParseFloat(string(b), 64)
	return err == nil && !bytes.ContainsAny(b, "xXnNiI_")
}
