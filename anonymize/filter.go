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
	src     sqldump.Stream
	rules   *rules.Rules
	keyer   *Keyer
	schemas map[string]*sqldump.Table
	plans   map[string]*tablePlan
	report  *Report
	cur     *tablePlan // plan of the INSERT being read, nil to pass rows through
	curTR   *TableReport
	curStmt *sqldump.Statement
	curCols *columnCheck // columns of cur as servers read its versioned comments; nil if all read the same
	err     error
	session sqldump.SessionCheck
}

// NewFilter returns a Filter reading src. rules must not be nil; keyer
// derives the fakes (see NewKeyer).
func NewFilter(src sqldump.Stream, r *rules.Rules, keyer *Keyer) *Filter {
	return &Filter{src: src, rules: r, keyer: keyer, schemas: map[string]*sqldump.Table{}, plans: map[string]*tablePlan{}, report: newReport()}
}

// Present records tables that exist at the source although the stream will
// not show them (a live reader leaves out tables the rules skip), so that
// their rules count as matched.
func (f *Filter) Present(tables ...string) {
	for _, t := range tables {
		f.report.table(t, f.rules.ForTable(t))
	}
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
	f.cur, f.curTR, f.curStmt, f.curCols = nil, nil, nil, nil
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
	st.Lead = scrubLead(st.Lead)
	if err := f.checkStatement(st); err != nil {
		return false, err
	}
	if st.Table == "" || st.Kind == sqldump.KindCreateView || st.Kind == sqldump.KindDropView {
		return true, nil
	}
	tr := f.rules.ForTable(st.Table)
	if tr == nil {
		if other := f.ruledFold(st.Table); other != "" {
			return false, fmt.Errorf("%w: line %d: table %s differs from the ruled table %s only in letter case; with lower_case_table_names they are the same table", ErrUnsafe, st.Line, st.Table, other)
		}
	}
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
	ruled := tr != nil && tr.Action == rules.ActionTransform
	switch st.Kind {
	case sqldump.KindAlterTable:
		if ruled && !isKeysToggle(st.Text) {
			// The column order may have changed: rows without a column
			// list can no longer be mapped, and will be refused.
			f.forget(st.Table)
		}
	case sqldump.KindCreateTable:
		if ruled && f.schemas[st.Table] != nil {
			return false, fmt.Errorf("%w: table %s (line %d) is created a second time; which definition holds depends on IF NOT EXISTS, so its rows cannot be mapped safely", ErrUnsafe, st.Table, st.Line)
		}
		t, err := st.CreateTable()
		if err != nil {
			if ruled {
				return false, fmt.Errorf("%w: table %s (line %d): cannot read its CREATE TABLE: %v", ErrUnsafe, st.Table, st.Line, err)
			}
			return true, nil
		}
		if tr != nil && tr.Action != rules.ActionKeep && t.Query {
			return false, fmt.Errorf("%w: table %s (line %d): CREATE TABLE ... SELECT carries rows the rules cannot see", ErrUnsafe, st.Table, st.Line)
		}
		f.schemas[st.Table] = t
		if ruled {
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
		names := make([]string, len(p.cols))
		for i, c := range p.cols {
			names[i] = c.Name
		}
		if c := f.newColumnCheck(st, names); c != nil {
			if err := c.check(nil); err != nil {
				return false, fmt.Errorf("table %s (line %d): %w", st.Table, st.Line, err)
			}
			f.curCols = c
		}
		f.cur, f.curStmt = p, st
	}
	return true, nil
}

// forget drops what is known of a table's columns.
func (f *Filter) forget(table string) {
	delete(f.schemas, table)
	for k := range f.plans {
		if k == table || strings.HasPrefix(k, table+"\x00") {
			delete(f.plans, k)
		}
	}
}

// ruledFold returns the name of a ruled table that equals name but for
// letter case, or "".
func (f *Filter) ruledFold(name string) string {
	for t := range f.schemas {
		if t != name && strings.EqualFold(t, name) {
			if tr := f.rules.ForTable(t); tr != nil && tr.Action != rules.ActionKeep {
				return t
			}
		}
	}
	return ""
}

func isKeysToggle(text []byte) bool {
	up := bytes.ToUpper(text)
	return bytes.Contains(up, []byte("DISABLE KEYS")) || bytes.Contains(up, []byte("ENABLE KEYS"))
}

// scrubLead blanks the "-- WHERE:" comment mysqldump writes for --where,
// which quotes the dumped data's values; every other byte is kept.
func scrubLead(lead []byte) []byte {
	const mark = "-- WHERE:"
	if !bytes.Contains(lead, []byte(mark)) {
		return lead
	}
	var out []byte
	for {
		i := bytes.Index(lead, []byte(mark))
		if i < 0 {
			return append(out, lead...)
		}
		out = append(out, lead[:i]...)
		out = append(out, mark+" (removed by stagecopy)"...)
		lead = lead[i:]
		j := bytes.IndexByte(lead, '\n')
		if j < 0 {
			return out
		}
		lead = lead[j:]
	}
}

// checkTail refuses an INSERT of a ruled table whose tail (ON DUPLICATE KEY
// UPDATE ...) carries literals: they would pass the row rules unchanged.
func checkTail(st *sqldump.Statement) error {
	rest := bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(st.Tail), []byte(st.Delimiter)))
	if len(rest) > 0 {
		return fmt.Errorf("%w: table %s, statement at line %d: %.40q after the rows can change them past the rules; dump without it", ErrUnsafe, st.Table, st.Line, rest)
	}
	return nil
}

// checkStatement refuses statements that can write data past the row
// rules. Statements of kind Other pass only when their first keyword is on
// an allow-list of statements that carry no rows; renames are refused (a
// table without rules could become one with rules); and under a delimiter
// other than ";" a statement that is not a routine, trigger or event must
// not hide a second statement.
func (f *Filter) checkStatement(st *sqldump.Statement) error {
	refuse := func(what string) error {
		return fmt.Errorf("%w: line %d (byte %d): %s; remove it from the dump, or dump with mysqldump/mariadb-dump defaults", ErrUnsafe, st.Line, st.Offset, what)
	}
	word := firstWord(st.Text)
	if st.Kind != sqldump.KindInsert && (bytes.Contains(st.Text, []byte("/*!")) || bytes.Contains(st.Text, []byte("/*M!"))) {
		if k, ok := sqldump.SkippedKind(st.Text, st.Delimiter); ok && k != st.Kind {
			return refuse(fmt.Sprintf("a %s statement that reads as %s on a server that skips its versioned comments", st.Kind, k))
		}
	}
	switch st.Kind {
	case sqldump.KindSet:
		if err := f.session.Check(st.Text, st.Delimiter); err != nil {
			return refuse(err.Error())
		}
	case sqldump.KindOther:
		f.session.Other(st.Text)
		switch word {
		case "CREATE", "DROP", "SELECT", "ANALYZE", "OPTIMIZE", "FLUSH", "DO", "SHOW":
		case "":
			if len(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(st.Text), []byte(st.Delimiter)))) > 0 {
				return refuse("a statement the anonymizer cannot identify")
			}
		default:
			return refuse(fmt.Sprintf("a %s statement can carry data the rules cannot check", word))
		}
	case sqldump.KindAlterTable:
		if sqldump.HasWord(st.Text, "RENAME") {
			return refuse("ALTER TABLE ... RENAME could move rows into a table with rules")
		}
		if sqldump.HasPair(st.Text, "EXCHANGE", "PARTITION") || sqldump.HasPair(st.Text, "CONVERT", "PARTITION", "TABLE") {
			return refuse("ALTER TABLE ... EXCHANGE or CONVERT PARTITION moves rows between tables, past the rules")
		}
	}
	if word == "RENAME" {
		return refuse("RENAME TABLE could move rows into a table with rules")
	}
	if st.Delimiter != ";" {
		switch st.Kind {
		case sqldump.KindTrigger, sqldump.KindRoutine, sqldump.KindEvent, sqldump.KindDelimiter:
		default:
			body := bytes.TrimSuffix(bytes.TrimSpace(st.Text), []byte(st.Delimiter))
			if bytes.IndexByte(body, ';') >= 0 {
				return refuse("several statements under DELIMITER " + st.Delimiter)
			}
		}
	}
	return nil
}

// firstWord returns the first keyword of a statement, looking through
// versioned comments (/*!40000 UPDATE) and skipping plain ones.
func firstWord(b []byte) string {
	for {
		b = bytes.TrimLeft(b, " \t\r\n(")
		switch {
		case bytes.HasPrefix(b, []byte("/*!")) || bytes.HasPrefix(b, []byte("/*M!")):
			i := bytes.IndexByte(b, '!') + 1
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				i++
			}
			b = b[i:]
			continue
		case bytes.HasPrefix(b, []byte("/*")):
			j := bytes.Index(b[2:], []byte("*/"))
			if j < 0 {
				return ""
			}
			b = b[2+j+2:]
			continue
		case bytes.HasPrefix(b, []byte("*/")):
			b = b[2:]
			continue
		}
		break
	}
	i := 0
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || b[i] == '_') {
		i++
	}
	return strings.ToUpper(string(b[:i]))
}

func drain(s sqldump.Stream) (int64, error) {
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
	r, err := f.nextRow()
	if err != nil || f.cur == nil {
		return r, err
	}
	changed, err := f.cur.apply(f, r)
	if err != nil {
		return nil, f.fail(rowError(f.curStmt, r, err))
	}
	if changed {
		f.curTR.RowsChanged++
	}
	return r, nil
}

// rowError says which row of which statement err is about.
func rowError(st *sqldump.Statement, r *sqldump.Row, err error) error {
	return fmt.Errorf("table %s, statement at line %d, row %d (byte %d): %w", st.Table, st.Line, r.Index+1, r.Offset, err)
}

// nextRow returns the next row of the current INSERT, counted and checked
// but without the rules applied: f.cur applies them.
func (f *Filter) nextRow() (*sqldump.Row, error) {
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
	if r.Versioned() && f.curCols != nil {
		if err := f.curCols.check(r); err != nil {
			return nil, f.fail(rowError(f.curStmt, r, err))
		}
	}
	return r, nil
}

// Rewritten reports whether a rule applied to value i of the row NextRow
// returned last: its where (and the table's) matched the row, so the
// value is what the rule wrote, changed or not. False for rows of tables
// without rules.
func (f *Filter) Rewritten(i int) bool {
	p := f.cur
	return p != nil && p.row != nil && i < len(p.applied) && p.applied[i]
}

// Faked reports whether value i of the row NextRow returned last is one
// of stagecopy's own fakes: a rule whose transformer writes nothing but
// fakes (email, full_name, lorem, ip, ...; not keep, fixed, template,
// redact, date, zip, nor a rule on paths inside the value) replaced it
// whole. The privacy check counts such a value without looking into it
// again (docs/privacy.md).
func (f *Filter) Faked(i int) bool {
	p := f.cur
	return p != nil && p.row != nil && i < len(p.faked) && p.faked[i]
}

// finish checks, at the end of the dump, that every rule found its table,
// and that a preset found at least one: a preset for another table prefix
// would otherwise leave the whole site as it was.
func (f *Filter) finish() error {
	var missing []string
	presetRules, presetHits := 0, 0
	for _, tr := range f.rules.Tables {
		if tr.FromPreset {
			presetRules++
			if f.report.matched[tr] {
				presetHits++
			}
			continue
		}
		if !f.report.matched[tr] {
			missing = append(missing, fmt.Sprintf("%s: table %q", tr.Pos, tr.Pattern))
		}
	}
	if presetRules > 0 && presetHits == 0 {
		missing = append(missing, fmt.Sprintf("none of the preset's %d table rules matched a table of the dump (table prefix %q); set prefix: in the rules file or --prefix", presetRules, f.rules.Prefix))
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
func Copy(ctx context.Context, w io.Writer, s sqldump.Stream) (int64, error) {
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
// hex, a charset introducer is kept. It returns the kind and introducer of
// what it wrote.
func encodeLike(dst []byte, old sqldump.Value, out []byte, null bool) ([]byte, sqldump.ValueKind, string) {
	if null {
		return append(dst, "NULL"...), sqldump.ValueNull, ""
	}
	switch old.Kind {
	case sqldump.ValueNumber:
		if isNumber(out) {
			return append(dst, out...), sqldump.ValueNumber, ""
		}
	case sqldump.ValueHex:
		if old.Introducer != "" {
			dst = append(dst, old.Introducer...)
			dst = append(dst, ' ')
		}
		if len(out) == 0 {
			return sqldump.AppendHex(dst, out), sqldump.ValueString, old.Introducer // ''
		}
		return sqldump.AppendHex(dst, out), sqldump.ValueHex, old.Introducer
	}
	intro := ""
	if old.Introducer != "" && old.Introducer != "n" {
		intro = old.Introducer
		dst = append(dst, old.Introducer...)
	}
	return sqldump.AppendQuoted(dst, out), sqldump.ValueString, intro
}

func isNumber(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	_, err := strconv.ParseFloat(string(b), 64)
	return err == nil && !bytes.ContainsAny(b, "xXnNiI_")
}
