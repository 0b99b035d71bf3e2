package anonymize

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/stagecopy/stagecopy/internal/phpserial"

	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
)

// tablePlan is a table's rules compiled against its columns.
type tablePlan struct {
	table  string
	cols   []sqldump.Column // one per value of a row, in row order
	byName map[string]int   // lower-case column name -> value index
	where  []cond
	gen    []int    // generated columns present in the rows: always written as DEFAULT
	ops    []*colOp // plain columns first, templates last
	eav    *eavOp
	// Per-row scratch, reused. vals[i] is the decoded value i: a view
	// of the row's own bytes when the literal needs no unescaping
	// (capped, so that appending to it copies), else dec[i], a buffer
	// kept from row to row.
	vals    [][]byte
	dec     [][]byte
	nulls   []bool
	decoded []bool
	newVals [][]byte
	newNull []bool
	changed []bool
	applied []bool // a rule ran on the value in this row (changed or not)
	faked   []bool // ... and wrote one of stagecopy's own fakes in its place
	deflt   []bool
	raw     []byte
	scratch []byte // where an appendTransformer writes a fake
	row     *sqldump.Row

	// deferred is set on the copies of a plan that the workers of a
	// parallel run use (see parallel.go): a unique fake is not claimed
	// but recorded in claims, and a change is not counted in the report
	// but recorded in counts, for the ordered stage to do in row order.
	deferred bool
	claims   []claim
	counts   []*ColumnReport
}

// claim is a unique fake a worker handed out, to be claimed in row order.
type claim struct {
	set     *uniqueSet
	in, out [32]byte // SHA-256 of the input and of its fake
}

type cond struct {
	idx int
	c   rules.Condition
}

type colOp struct {
	idx      int
	col      Column
	spec     string
	tr       Transformer
	app      appendTransformer // tr, if it is one
	php      []pathOp
	json     []pathOp
	phpRS    []*rules.PathRule
	phpBy    map[*rules.PathRule]*pathOp
	jsonRS   []*rules.PathRule
	jsonBy   map[*rules.PathRule]*pathOp
	where    []cond
	template bool
	fake     bool // tr writes only stagecopy's own fakes (transformer.fake)
	unique   *uniqueSet
	report   *ColumnReport
}

type pathOp struct {
	rule *rules.PathRule
	spec string
	tr   Transformer
}

type eavOp struct {
	keyIdx, valIdx int
	rule           *rules.EAVRule
	col            Column
	keys           map[*rules.KeyRule]*colOp
	report         *ColumnReport
}

// plan compiles tr for table t. columns is the INSERT's column list, or nil
// for the table's insertable columns in order.
func (f *Filter) plan(tr *rules.TableRule, t *sqldump.Table, columns []string, rep *TableReport) (*tablePlan, error) {
	p := &tablePlan{table: t.Name, byName: map[string]int{}}
	if columns == nil {
		// Rows without a column list hold every visible column, generated
		// ones included (as DEFAULT, or as a value the server ignores).
		for _, c := range t.Columns {
			if c.Invisible {
				continue
			}
			p.cols = append(p.cols, c)
		}
	} else {
		for _, name := range columns {
			c, _, ok := t.Column(name)
			if !ok {
				return nil, fmt.Errorf("%w: INSERT names column %q, which CREATE TABLE %s does not have", ErrUnsafe, name, t.Name)
			}
			p.cols = append(p.cols, c)
		}
	}
	for i, c := range p.cols {
		p.byName[strings.ToLower(c.Name)] = i
		if c.Generated {
			// The server computes these; a dump's value for one is derived
			// from the original data, so it must not survive.
			p.gen = append(p.gen, i)
		}
	}
	n := len(p.cols)
	p.vals, p.dec, p.nulls, p.decoded = make([][]byte, n), make([][]byte, n), make([]bool, n), make([]bool, n)
	p.newVals, p.newNull, p.changed, p.deflt = make([][]byte, n), make([]bool, n), make([]bool, n), make([]bool, n)
	p.applied = make([]bool, n)
	p.faked = make([]bool, n)

	idx := func(pos rules.Pos, name string) (int, error) {
		i, ok := p.byName[strings.ToLower(name)]
		if !ok {
			if _, _, exists := t.Column(name); exists {
				return 0, fmt.Errorf("%w: %s: column %q is not in the rows of the dump (generated or invisible column?)", ErrUnsafe, pos, name)
			}
			return 0, fmt.Errorf("%w: %s: table %s has no column %q (columns: %s)", ErrRulesMismatch, pos, t.Name, name, columnList(t))
		}
		return i, nil
	}
	conds := func(cs []rules.Condition) ([]cond, error) {
		var out []cond
		for _, c := range cs {
			i, err := idx(c.Pos, c.Column)
			if err != nil {
				return nil, err
			}
			out = append(out, cond{idx: i, c: c})
		}
		return out, nil
	}
	var err error
	if p.where, err = conds(tr.Where); err != nil {
		return nil, err
	}
	var templates []*colOp
	for _, cr := range tr.Columns {
		i, err := idx(cr.Pos, cr.Column)
		if err == nil {
			_, err = conds(cr.Where)
		}
		if err != nil && cr.FromPreset && errors.Is(err, ErrRulesMismatch) {
			// Presets cover several versions of a CMS; a column this
			// site's version lacks holds no data to anonymize.
			f.report.warn(fmt.Sprintf("%s: table %s has no column %s; the preset's rule for it does not apply", cr.Pos, t.Name, cr.Column))
			continue
		}
		if err != nil {
			return nil, err
		}
		if cr.Keep {
			// Written as it is, on purpose: no operation, and the report
			// says so with a count of 0.
			rep.column(p.cols[i].Name, "keep")
			continue
		}
		op := &colOp{idx: i, col: columnOf(t.Name, p.cols[i])}
		if op.where, err = conds(cr.Where); err != nil {
			return nil, err
		}
		if err := f.compile(op, cr.Spec, cr.PHP, cr.JSON, cr.Pos); err != nil {
			return nil, err
		}
		if op.col.Unique {
			op.unique = newUniqueSet()
		}
		op.report = rep.column(p.cols[i].Name, op.spec)
		if op.template {
			templates = append(templates, op)
		} else {
			p.ops = append(p.ops, op)
		}
	}
	p.ops = append(p.ops, templates...)
	if e := tr.EAV; e != nil {
		ki, err := idx(e.Pos, e.KeyColumn)
		if err != nil {
			return nil, err
		}
		vi, err := idx(e.Pos, e.ValueColumn)
		if err != nil {
			return nil, err
		}
		p.eav = &eavOp{keyIdx: ki, valIdx: vi, rule: e, col: columnOf(t.Name, p.cols[vi]), keys: map[*rules.KeyRule]*colOp{}}
		p.eav.report = rep.column(p.cols[vi].Name, "by "+p.cols[ki].Name)
		for _, kr := range e.Keys {
			if kr.Keep {
				continue // ForKey still picks it, over less specific keys
			}
			op := &colOp{idx: vi, col: p.eav.col}
			if err := f.compile(op, kr.Spec, kr.PHP, kr.JSON, kr.Pos); err != nil {
				return nil, err
			}
			p.eav.keys[kr] = op
		}
	}
	return p, nil
}

func columnList(t *sqldump.Table) string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// compile builds the transformers of one column or EAV key rule.
func (f *Filter) compile(op *colOp, spec *rules.Spec, php, json []*rules.PathRule, pos rules.Pos) error {
	if spec != nil {
		tr, err := New(spec.Name, spec.Options, f.keyer)
		if err != nil {
			return fmt.Errorf("%s: %w", spec.Pos, err)
		}
		op.tr, op.spec, op.template = tr, spec.Name, spec.Name == "template"
		op.app, _ = tr.(appendTransformer)
		op.fake = registry[spec.Name].fake
	}
	for _, pr := range php {
		tr, err := New(pr.Spec.Name, pr.Spec.Options, f.keyer)
		if err != nil {
			return fmt.Errorf("%s: %w", pr.Pos, err)
		}
		op.php = append(op.php, pathOp{rule: pr, spec: pr.Spec.Name, tr: tr})
	}
	for _, pr := range json {
		tr, err := New(pr.Spec.Name, pr.Spec.Options, f.keyer)
		if err != nil {
			return fmt.Errorf("%s: %w", pr.Pos, err)
		}
		op.json = append(op.json, pathOp{rule: pr, spec: pr.Spec.Name, tr: tr})
	}
	op.phpRS, op.phpBy = pathRules(op.php)
	op.jsonRS, op.jsonBy = pathRules(op.json)
	switch {
	case op.spec != "" && (len(op.php) > 0 || len(op.json) > 0):
		op.spec += " (paths inside PHP/JSON values)"
	case op.spec != "":
	case len(op.php) > 0:
		op.spec = "php paths"
	case len(op.json) > 0:
		op.spec = "json paths"
	}
	return nil
}

// columnOf describes a column to transformers.
func columnOf(table string, c sqldump.Column) Column {
	return Column{Table: table, Name: c.Name, Type: c.Type, MaxLen: maxLen(c), Unique: c.Unique}
}

// maxLen is the longest value a column holds: characters for char and
// varchar, bytes for binary types and the text and blob families; 0 when
// unknown or not a string type.
func maxLen(c sqldump.Column) int {
	switch c.Type {
	case "char", "varchar", "binary", "varbinary":
		return c.Length
	case "tinytext", "tinyblob":
		return 255
	case "text", "blob":
		return 65535
	case "mediumtext", "mediumblob":
		return 16777215
	}
	return 0
}

// get returns the decoded value at i.
func (p *tablePlan) get(i int) ([]byte, bool) {
	if p.changed[i] {
		return p.newVals[i], p.newNull[i]
	}
	if !p.decoded[i] {
		p.decode(i)
	}
	return p.vals[i], p.nulls[i]
}

// decode decodes value i of the row into vals[i] and nulls[i]. A string
// literal with nothing to unescape (most) is not copied: vals[i] is its
// bytes inside the row, which stay as they are while the row is applied.
func (p *tablePlan) decode(i int) {
	v := &p.row.Values[i]
	if b, ok := v.Plain(); ok {
		p.vals[i], p.nulls[i] = b[:len(b):len(b)], false
	} else {
		b, ok := v.AppendBytes(p.dec[i][:0])
		p.dec[i] = b
		p.vals[i], p.nulls[i] = b, !ok
	}
	p.decoded[i] = true
}

// original returns the decoded value at i as it was in the dump.
func (p *tablePlan) original(i int) ([]byte, bool) {
	if !p.decoded[i] {
		p.decode(i)
	}
	return p.vals[i], p.nulls[i]
}

// Get implements Row for template transformers: the row's values, with
// rules already applied to the columns that have them.
func (p *tablePlan) Get(column string) ([]byte, bool, bool) {
	i, ok := p.byName[strings.ToLower(column)]
	if !ok {
		return nil, false, false
	}
	v, null := p.get(i)
	return v, null, true
}

func (p *tablePlan) match(cs []cond) bool {
	for _, c := range cs {
		v, null := p.original(c.idx)
		if !c.c.Match(v, null) {
			return false
		}
	}
	return true
}

// apply anonymizes r in place; it reports whether anything changed.
func (p *tablePlan) apply(f *Filter, r *sqldump.Row) (bool, error) {
	if len(r.Values) != len(p.cols) {
		return false, fmt.Errorf("%w: the row has %d values, the table %d columns", ErrUnsafe, len(r.Values), len(p.cols))
	}
	p.row = r
	clear(p.decoded)
	clear(p.changed)
	clear(p.deflt)
	clear(p.applied)
	clear(p.faked)
	if !p.match(p.where) {
		return false, nil
	}
	changedAny := false
	for _, op := range p.ops {
		if !p.match(op.where) {
			continue
		}
		p.applied[op.idx] = true
		ch, err := p.run(op)
		if err != nil {
			return false, fmt.Errorf("column %s: %w", op.col.Name, err)
		}
		if ch {
			p.count(op.report)
			changedAny = true
		}
	}
	if e := p.eav; e != nil {
		key, null := p.original(e.keyIdx)
		if !null {
			if kr := e.rule.ForKey(string(key)); kr != nil && !kr.Keep {
				p.applied[e.keys[kr].idx] = true
				ch, err := p.run(e.keys[kr])
				if err != nil {
					return false, fmt.Errorf("column %s (%s %q): %w", e.col.Name, p.cols[e.keyIdx].Name, key, err)
				}
				if ch {
					p.count(e.report)
					changedAny = true
				}
			}
		}
	}
	if !changedAny {
		return false, nil
	}
	for _, i := range p.gen {
		if !bytes.EqualFold(r.Values[i].Raw, []byte("DEFAULT")) {
			p.changed[i], p.deflt[i] = true, true
		}
	}
	return true, p.rewrite(r)
}

// run applies one operation to its value; it reports whether it changed.
func (p *tablePlan) run(op *colOp) (bool, error) {
	in, null := p.get(op.idx)
	var out []byte
	var outNull bool
	var err error
	// Paths apply to values that are PHP or JSON documents; a transformer
	// given beside them applies to the values that are neither; with no
	// transformer such values are an error (fail closed).
	switch {
	case len(op.php) > 0 && !null && phpserial.Looks(in):
		out, outNull, err = transformPHP(op, in, null, p)
	case len(op.json) > 0 && !null && looksJSON(in):
		out, outNull, err = transformJSON(op, in, null, p)
	case op.tr != nil:
		out, outNull, err = p.transform(op, in, null)
		p.faked[op.idx] = op.fake && err == nil
	case len(op.php) > 0:
		out, outNull, err = transformPHP(op, in, null, p)
	case len(op.json) > 0:
		out, outNull, err = transformJSON(op, in, null, p)
	default:
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if outNull == null && bytes.Equal(out, in) {
		return false, nil
	}
	if !outNull && isNumericColumn(op.col) && !isNumber(out) {
		// The server would keep a prefix of the fake ('198.51.100.7'
		// into a BIGINT is 198) or refuse it: fail closed.
		return false, fmt.Errorf("%w: the fake %.40q does not fit %s, a %s column; use a transformer that writes numbers (ip writes an integer column's address as its number), or fixed, null or keep", ErrType, out, colName(op.col), op.col.Type)
	}
	if !outNull && op.col.MaxLen > 0 && len(out) > op.col.MaxLen && !isCharColumn(op.col) {
		return false, fmt.Errorf("%w: %d bytes do not fit %s(%d)", ErrTooLong, len(out), op.col.Type, op.col.MaxLen)
	}
	p.newVals[op.idx] = append(p.newVals[op.idx][:0], out...)
	p.newNull[op.idx] = outNull
	p.changed[op.idx] = true
	return true, nil
}

func isCharColumn(c Column) bool { return c.Type == "char" || c.Type == "varchar" }

// isNumericColumn reports whether a column holds numbers only.
func isNumericColumn(c Column) bool {
	switch c.Type {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "year":
		return true
	}
	return false
}

// isIntegerColumn reports whether a column holds integers only.
func isIntegerColumn(c Column) bool {
	switch c.Type {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}

// count counts a value changed by the rule whose report line is c.
func (p *tablePlan) count(c *ColumnReport) {
	if p.deferred {
		p.counts = append(p.counts, c)
		return
	}
	c.Changed++
}

// transform runs op's transformer, keeping values of unique columns apart.
func (p *tablePlan) transform(op *colOp, in []byte, null bool) ([]byte, bool, error) {
	var out []byte
	var outNull bool
	var err error
	if op.app != nil {
		out, outNull, err = op.app.appendTransform(p.scratch[:0], in, null, op.col, p)
		if need := 4*len(out) + 64; cap(p.scratch) < need && need <= 256<<10 {
			// Make room for as long a fake next time, and for what a
			// transformer writes before it (full_name: its candidates).
			p.scratch = make([]byte, 0, need)
		}
	} else {
		out, outNull, err = op.tr.Transform(in, null, op.col, p)
	}
	if err != nil || op.unique == nil || outNull {
		return out, outNull, err
	}
	if p.deferred {
		p.claims = append(p.claims, claim{set: op.unique, in: sha256.Sum256(in), out: sha256.Sum256(out)})
		return out, false, nil
	}
	return op.unique.claim(op, in, out, p)
}

// clone returns a copy of p with scratch of its own, sharing its rules,
// transformers, unique sets and report lines. deferred sets
// tablePlan.deferred.
func (p *tablePlan) clone(deferred bool) *tablePlan {
	n := len(p.cols)
	return &tablePlan{
		table: p.table, cols: p.cols, byName: p.byName, where: p.where, gen: p.gen, ops: p.ops, eav: p.eav,
		vals: make([][]byte, n), dec: make([][]byte, n), nulls: make([]bool, n), decoded: make([]bool, n),
		newVals: make([][]byte, n), newNull: make([]bool, n), changed: make([]bool, n), deflt: make([]bool, n),
		applied: make([]bool, n), faked: make([]bool, n),
		deferred: deferred,
	}
}

// uniqueSet remembers the fakes handed out in a unique column, so two
// different inputs never get the same fake. It holds 64 bytes per distinct
// value of the column.
type uniqueSet struct {
	owner map[[32]byte][32]byte // fake -> input
}

func newUniqueSet() *uniqueSet { return &uniqueSet{owner: map[[32]byte][32]byte{}} }

// try claims the fake whose SHA-256 is out for the input whose SHA-256 is
// in, and reports whether it could: the fake was free or already in's.
func (u *uniqueSet) try(in, out [32]byte) bool {
	prev, taken := u.owner[out]
	if !taken || prev == in {
		u.owner[out] = in
		return true
	}
	return false
}

func (u *uniqueSet) claim(op *colOp, in, out []byte, row Row) ([]byte, bool, error) {
	inSum := sha256.Sum256(in)
	for n := 1; ; n++ {
		if u.try(inSum, sha256.Sum256(out)) {
			return out, false, nil
		}
		if n > 1000 {
			return nil, false, fmt.Errorf("%w: no unused fake left for a unique column", ErrUnsafe)
		}
		salted := append(append(bytes.Clone(in), 0), fmt.Sprint(n)...)
		var err error
		var null bool
		out, null, err = op.tr.Transform(salted, false, op.col, row)
		if err != nil || null {
			return out, null, err
		}
	}
}

// rewrite rebuilds r.Raw with the changed values encoded in place, and
// r.Values to match: a reader of the row after the filter (the snapshot's
// privacy check) sees the values as written.
func (p *tablePlan) rewrite(r *sqldump.Row) error {
	buf := p.raw[:0]
	last := 0  // r.Raw is in buf up to here
	shift := 0 // how much the changed values so far grew
	for i := range r.Values {
		v := &r.Values[i]
		if !p.changed[i] {
			// Every byte between the changed values is copied as it
			// was: an unchanged value only moves. Its Raw still holds
			// its bytes, in the input the row was read from.
			v.Start += shift
			continue
		}
		start := v.Start
		if start < last || start+len(v.Raw) > len(r.Raw) || !bytes.Equal(r.Raw[start:start+len(v.Raw)], v.Raw) {
			return fmt.Errorf("%w: internal: cannot locate value %d in its row", ErrUnsafe, i+1)
		}
		buf = append(buf, r.Raw[last:start]...)
		at := len(buf)
		kind, intro := sqldump.ValueExpr, ""
		if p.deflt[i] {
			buf = append(buf, "DEFAULT"...)
		} else {
			buf, kind, intro = encodeLike(buf, *v, p.newVals[i], p.newNull[i])
		}
		if v.Cond != "" {
			// The value stays inside its versioned comment, which a
			// server that skips it ends at the first "*/".
			buf = escapeCommentEnd(buf, at)
		}
		last = start + len(v.Raw)
		shift = len(buf) - last
		*v = sqldump.Value{Raw: buf[at:len(buf):len(buf)], Kind: kind, Introducer: intro, Start: at, Cond: v.Cond}
	}
	buf = append(buf, r.Raw[last:]...)
	p.raw = buf
	r.Raw = buf
	return nil
}

// escapeCommentEnd rewrites each "*/" in buf[from:], which holds an encoded
// value, as "*\/": only a quoted string can hold "*/", and in a string \/
// stands for /. A value inside a versioned comment then holds no "*/" to
// end the comment early for a server that skips it.
func escapeCommentEnd(buf []byte, from int) []byte {
	if !bytes.Contains(buf[from:], []byte("*/")) {
		return buf
	}
	enc := bytes.ReplaceAll(buf[from:], []byte("*/"), []byte("*\\/"))
	return append(buf[:from], enc...)
}
