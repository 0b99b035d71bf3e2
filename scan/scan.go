// Package scan looks for personal data in the values of a dump: e-mail,
// phone, IP and street addresses, payment card numbers and URL
// credentials, in text and inside JSON, PHP-serialized, base64 and
// compressed values (detect.go and the files beside it), and in columns
// and key/value keys whose names say they hold credentials, names,
// addresses, birth dates or national ids (name.go). Run after the rules
// (the snapshot's check of every row, or scan -r), it finds what no rule
// covers; run on a raw dump, it shows where the personal data is, and
// Suggest writes rules for it. stagecopy's own fakes, by their exact
// shape, are not reported (docs/privacy.md). It reports counts and masked
// examples, never a value.
package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
)

// Finding is one kind of personal data in one column, or in one key of a
// key/value table.
type Finding struct {
	Table  string `json:"table"`
	Column string `json:"column"`
	// Key is the key of the rows of a key/value table (wp_usermeta's
	// meta_key, core_config_data's path) whose value column held it:
	// "billing_email". Keys that are not plain names are counted under
	// OtherKeys.
	Key string `json:"key,omitempty"`
	// Path is where inside a JSON or PHP-serialized value (Document says
	// which) the value was found: "billing.email", "*.ip".
	Path     string `json:"path,omitempty"`
	Document string `json:"document,omitempty"`
	Kind     Kind   `json:"kind"`
	// ByName means the column's or key's name says what it holds
	// (user_pass, billing_phone) and no rule covers it: Values then also
	// counts the values that are not empty but show nothing of the kind.
	ByName bool `json:"by_name,omitempty"`
	// Kept means the rules keep this table, column or key on purpose: a
	// finding the owner accepted, not a leak.
	Kept bool `json:"kept,omitempty"`
	// Values is how many values of the column (or key) hold this kind.
	Values int64 `json:"values"`
	// Example is the first one found, masked: "j***@g***.com", "81.x.x.x",
	// "***45", "**** 4242"; for a finding by name, only the value's size.
	Example string `json:"example"`
}

// Where names the finding's place: "wp_usermeta.meta_value[billing_email]".
func (f Finding) Where() string {
	w := f.Table + "." + f.Column
	if f.Key != "" {
		w += "[" + f.Key + "]"
	}
	if f.Path != "" {
		w += " " + f.Document + ":" + f.Path
	}
	return w
}

// OtherKeys stands for the keys of a key/value table that are not plain
// names, or beyond the first maxKeys with findings in one column.
const OtherKeys = "(other keys)"

// maxKeys bounds the keys with findings counted apart in one column.
const maxKeys = 256

// Report is what a Scanner found.
type Report struct {
	Tables int   `json:"tables"`
	Rows   int64 `json:"rows"`
	Values int64 `json:"values"` // values looked at
	// Faked of Values were one of stagecopy's own fakes, written by a
	// rule in place of the whole value (Rewrites.Faked): counted, not
	// looked into again.
	Faked    int64     `json:"faked,omitempty"`
	Findings []Finding `json:"findings"`
}

// Summary says in one line what the check after the rules saw and found,
// for snapshot's summary and inspect.
func (r *Report) Summary() string {
	leaks := len(r.Leaks())
	fakes := ""
	if r.Faked > 0 {
		fakes = fmt.Sprintf(" (%d of them fakes written by the rules, not looked into)", r.Faked)
	}
	return fmt.Sprintf("%d values in %d rows checked after the rules%s: %d findings no rule covers, %d kept on purpose",
		r.Values, r.Rows, fakes, leaks, len(r.Findings)-leaks)
}

// Leaks returns the findings that are not kept on purpose.
func (r *Report) Leaks() []Finding {
	if r == nil {
		return nil
	}
	var out []Finding
	for _, f := range r.Findings {
		if !f.Kept {
			out = append(out, f)
		}
	}
	return out
}

// Cover says what the rules do with a table, column or key (see
// rules.Rules.Coverage).
type Cover = rules.Cover

// What rules do with a value.
const (
	Uncovered = rules.Uncovered // no rule names it: a finding is a leak
	Ruled     = rules.Ruled     // a rule rewrites, empties or drops it
	Kept      = rules.Kept      // the rules keep it unchanged, on purpose
)

// Rules tells a Scanner what the anonymization rules cover. A Scanner
// without Rules treats everything as uncovered.
type Rules interface {
	// Cover says what the rules do with table.column; key is the row's
	// key when column is the value column of a key/value table, else "".
	Cover(table, column, key string) Cover
	// KeyValue names the key and value columns of a key/value table the
	// rules describe (eav:).
	KeyValue(table string) (keyColumn, valueColumn string, ok bool)
}

// Scanner scans one or more streams; the table definitions one stream
// gives serve the next (an archive has a table's CREATE TABLE and its rows
// in separate entries).
type Scanner struct {
	rules    Rules
	noNames  bool
	columns  map[string][]string        // table -> column names, from CREATE TABLE
	noText   map[string]map[string]bool // table -> lower-case names of columns of noTextTypes
	tables   map[string]bool
	infos    map[string]*tableInfo
	last     *tableInfo // the last info returned, for lastCols
	lastCols []string
	found    map[key]*finding
	rows     int64
	values   int64
	faked    int64
	buf      []byte
	keyBuf   []byte
	matches  []match
	clean    map[string]struct{} // short values detect found nothing in
}

type key struct {
	table, column, key, path string
	kind                     Kind
}

// New returns an empty Scanner.
func New() *Scanner {
	return &Scanner{clean: map[string]struct{}{}, columns: map[string][]string{}, noText: map[string]map[string]bool{}, tables: map[string]bool{}, infos: map[string]*tableInfo{}, found: map[key]*finding{}}
}

// ValuesOnly turns detection by name off: for an archive, whose values
// are what the rules wrote, and whose rules are not at hand.
func (s *Scanner) ValuesOnly() {
	s.noNames = true
	clear(s.infos)
	s.last = nil
}

// SetRules makes the scanner report by name only what the rules leave
// uncovered, and findings in what they keep as kept.
func (s *Scanner) SetRules(r Rules) {
	s.rules = r
	clear(s.infos)
	s.last = nil
}

// Define gives the column names of a table from its CREATE TABLE, for rows
// of INSERTs without a column list that come in another stream.
func (s *Scanner) Define(table string, create []byte) {
	if t, err := sqldump.ParseCreateTable(create); err == nil {
		names := make([]string, len(t.Columns))
		noText := map[string]bool{}
		for i, c := range t.Columns {
			names[i] = c.Name
			if noTextTypes[c.Type] {
				noText[strings.ToLower(c.Name)] = true
			}
		}
		s.columns[table] = names
		s.noText[table] = noText
		for k, ti := range s.infos {
			if ti.table == table {
				delete(s.infos, k)
			}
		}
		s.last = nil
	}
}

// Scan reads src to its end, looking at every string value of every row.
func (s *Scanner) Scan(ctx context.Context, src sqldump.Stream) error {
	return s.scan(ctx, src, -1)
}

// Sample is Scan of the first rows of src only, at most limit of them.
func (s *Scanner) Sample(ctx context.Context, src sqldump.Stream, limit int64) error {
	return s.scan(ctx, src, limit)
}

// errLimit ends a sample.
var errLimit = errors.New("scan: sample complete")

func (s *Scanner) scan(ctx context.Context, src sqldump.Stream, limit int64) error {
	left := limit
	for {
		st, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch st.Kind {
		case sqldump.KindCreateTable:
			s.Define(st.Table, st.Text)
		case sqldump.KindInsert:
			if err := s.insert(ctx, src, st, &left); err == errLimit {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
}

// insert scans the rows of st; left counts down the rows a sample may
// still look at (negative: no limit), and insert returns errLimit at 0.
func (s *Scanner) insert(ctx context.Context, src sqldump.Stream, st *sqldump.Statement, left *int64) error {
	for {
		if *left == 0 {
			return errLimit
		}
		r, err := src.NextRow()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		*left--
		s.Row(st.Table, st.Columns, r, nil)
		if s.rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// Rewrites says what the rules did to the values of the row a filter
// (anonymize.Filter) returned last.
type Rewrites interface {
	// Rewritten: a rule applied to value i (its where matched the row).
	Rewritten(i int) bool
	// Faked: the rule replaced value i whole with one of stagecopy's own
	// fakes (an e-mail, name, lorem text, ...), nothing of the original
	// in it but its shape.
	Faked(i int) bool
}

// Row scans one row of an INSERT into table; cols are the INSERT's column
// names, or nil for the table's own (from a CREATE TABLE given to Define
// or seen in a stream). rw, when not nil, says what the rules did to the
// row: a ruled column whose rule did not apply to this row (its where did
// not match) is checked by its name like a column without rules, and a
// value a rule replaced whole with one of stagecopy's fakes is counted but
// not looked into (the fakes have the shapes detect exempts: fakeshape,
// and anonymize's TestFakesAreClean).
func (s *Scanner) Row(table string, cols []string, r *sqldump.Row, rw Rewrites) {
	ti := s.info(table, cols)
	s.rows++
	rowKey, keyCover := "", Uncovered
	if ti.keyIdx >= 0 && ti.keyIdx < len(r.Values) {
		rowKey, keyCover = s.rowKey(ti, r.Values[ti.keyIdx])
	}
	for i := range r.Values {
		v := &r.Values[i]
		if v.Kind == sqldump.ValueNull || i < len(ti.cols) && ti.cols[i].skip {
			continue
		}
		col, k, cover := ti.column(i), "", Uncovered
		byName, named := Kind(""), false
		if i < len(ti.cols) {
			cover, byName, named = ti.cols[i].cover, ti.cols[i].kind, ti.cols[i].named
		}
		if i == ti.valIdx {
			k, cover = rowKey, keyCover
			byName, named = ti.keyKind(rowKey)
		}
		if cover == Ruled && rw != nil {
			if rw.Faked(i) {
				s.values++
				s.faked++
				continue
			}
			if named && !rw.Rewritten(i) {
				cover = Uncovered // the rule's where left this row as it was
			}
		}
		if v.Kind == sqldump.ValueNull || v.Kind == sqldump.ValueNumber || i < len(ti.cols) && ti.cols[i].noText {
			// Numbers, dates, enums: only by name (an IP kept as an
			// integer, a birth date), and not 0.
			if named && cover != Ruled && v.Kind != sqldump.ValueNull && v.Kind != sqldump.ValueExpr && !isZero(v.Raw) && !isZeroDate(v.Raw) {
				s.add(table, col, k, "", "", byName, true, cover, fmt.Sprintf("%d bytes", len(v.Raw)))
			}
			continue
		}
		// Strings, hex and bit literals decoded; an expression
		// ('x' COLLATE utf8mb4_bin, CONCAT(...)) as its text.
		b, ok := v.Plain()
		if !ok {
			if b, ok = v.AppendBytes(s.buf[:0]); !ok {
				continue
			}
			s.buf = b
		}
		s.values++
		// Short values repeat (statuses, flags, types, keys): one found
		// clean once is clean again. detect finds nothing in fewer than
		// minDetect bytes.
		s.matches = s.matches[:0]
		switch {
		case len(b) < minDetect, len(b) < minBase64 && plainWord(b):
		case len(b) > maxClean:
			s.matches = detect(s.matches, b)
		default:
			if _, ok := s.clean[string(b)]; ok {
				break
			}
			if s.matches = detect(s.matches, b); len(s.matches) == 0 {
				if len(s.clean) >= maxCleanEntries {
					clear(s.clean)
				}
				s.clean[string(b)] = struct{}{}
			}
		}
		var seen uint16 // kindBit of the kinds found
		for _, m := range s.matches {
			if bit := kindBit(m.kind); seen&bit == 0 {
				seen |= bit
				path, doc := docPath(b, m.kind)
				s.add(table, col, k, path, doc, m.kind, false, cover, m.example)
			}
		}
		if named && cover != Ruled && seen&kindBit(byName) == 0 && len(bytes.TrimSpace(b)) > 0 && !isZero(b) {
			s.add(table, col, k, "", "", byName, true, cover, fmt.Sprintf("%d bytes", len(b)))
		}
	}
	s.rowComments(table, r)
}

// rowComments scans what a row holds besides its values: comments
// between them ((1, /* ... */ 'x')), which the archive keeps as they are.
func (s *Scanner) rowComments(table string, r *sqldump.Row) {
	if !r.Comments() {
		return
	}
	raw := r.Raw
	b := append(s.keyBuf[:0], raw...)
	for _, v := range r.Values {
		if v.Start >= 0 && v.Start+len(v.Raw) <= len(b) {
			for j := v.Start; j < v.Start+len(v.Raw); j++ {
				b[j] = ' '
			}
		}
	}
	s.keyBuf = b
	s.Text(table, "(statement)", b)
}

// Text scans SQL text written beside the rows: a CREATE TABLE (DEFAULT
// values, comments), a view, trigger or routine, a SET, the comments
// around an INSERT's rows. Its findings are reported under table, with
// what as the column: "(schema)", "(statement)". Stagecopy's fakes aside,
// what it finds is written as it is, since no rule rewrites such text.
func (s *Scanner) Text(table, what string, text []byte) {
	if len(text) < 6 {
		return
	}
	if table == "" {
		table = "(dump)"
	}
	s.matches = detect(s.matches[:0], text)
	var seen uint16 // kindBit of the kinds found
	for _, m := range s.matches {
		if bit := kindBit(m.kind); seen&bit == 0 {
			seen |= bit
			s.add(table, what, "", "", "", m.kind, false, Uncovered, m.example)
		}
	}
}

// maxClean and maxCleanEntries bound the values Row remembers as clean.
const (
	maxClean        = 32
	maxCleanEntries = 1 << 14
)

// noTextTypes are the column types whose values hold no text. Not enum
// and set: their members are whatever the schema says.
var noTextTypes = map[string]bool{
	"date": true, "datetime": true, "timestamp": true, "time": true, "year": true,
	"tinyint": true, "smallint": true, "mediumint": true, "int": true, "integer": true, "bigint": true,
	"decimal": true, "numeric": true, "dec": true, "fixed": true, "float": true, "double": true, "real": true,
	"bit": true, "bool": true, "boolean": true,
}

// isZeroDate reports whether a literal is MySQL's zero date.
func isZeroDate(raw []byte) bool {
	return bytes.HasPrefix(raw, []byte("'0000-00-00")) || bytes.HasPrefix(raw, []byte("\"0000-00-00"))
}

func isZero(b []byte) bool {
	b = bytes.TrimLeft(b, "0.")
	return len(b) == 0
}

// add counts one value with a finding. A kind found by name and by value
// in the same place is one finding: its example is a value's, and ByName
// says the name says so too.
func (s *Scanner) add(table, col, k, path, doc string, kind Kind, byName bool, cover Cover, example string) {
	key := key{table, col, k, path, kind}
	f := s.found[key]
	if f == nil {
		f = &finding{Finding: Finding{Table: table, Column: col, Key: k, Path: path, Document: doc, Kind: kind, Kept: cover == Kept, Example: example}}
		s.found[key] = f
	}
	f.Values++
	if byName {
		f.ByName = true
	} else if !f.byValue {
		f.byValue, f.Example = true, example
	}
}

// finding is a Finding being counted.
type finding struct {
	Finding
	byValue bool // Example is a value's
}

// tableInfo is what a Scanner knows of one table and column list.
type tableInfo struct {
	table          string
	names          []string
	cols           []colInfo
	keyIdx, valIdx int // the key and value columns of a key/value table, or -1
	keys           map[string]keyInfo
}

type colInfo struct {
	// noText: the column's type holds no text (a date, a number, an
	// enum): its values are not looked into, only its name counts.
	noText bool
	cover  Cover
	kind   Kind // what its name says it holds
	named  bool
	// skip: nothing to look at, a number or date whose name says
	// nothing (and not a key/value table's value).
	skip bool
}

type keyInfo struct {
	name  string // as reported: the key, or OtherKeys
	cover Cover
	kind  Kind
	named bool
}

func (ti *tableInfo) column(i int) string {
	if i < len(ti.names) {
		return ti.names[i]
	}
	return fmt.Sprintf("#%d", i+1)
}

func (ti *tableInfo) keyKind(k string) (Kind, bool) {
	ki := ti.keys[k]
	return ki.kind, ki.named
}

// info returns what the scanner knows of table with this column list.
func (s *Scanner) info(table string, cols []string) *tableInfo {
	// The rows of one INSERT come with the same table and column list.
	if ti := s.last; ti != nil && ti.table == table && slices.Equal(cols, s.lastCols) {
		return ti
	}
	ti := s.lookup(table, cols)
	s.last, s.lastCols = ti, slices.Clone(cols)
	return ti
}

func (s *Scanner) lookup(table string, cols []string) *tableInfo {
	id := table
	if len(cols) > 0 {
		id = table + "\x00" + strings.Join(cols, "\x00")
	}
	if ti := s.infos[id]; ti != nil {
		return ti
	}
	s.tables[table] = true
	if len(cols) == 0 {
		cols = s.columns[table]
	}
	ti := &tableInfo{table: table, names: cols, keyIdx: -1, valIdx: -1, keys: map[string]keyInfo{}}
	ti.cols = make([]colInfo, len(cols))
	kc, vc, ok := "", "", false
	if s.rules != nil {
		kc, vc, ok = s.rules.KeyValue(table)
	}
	if !ok {
		kc, vc, ok = keyValueColumns(cols)
	}
	for i, c := range cols {
		if ok && strings.EqualFold(c, kc) {
			ti.keyIdx = i
		}
		if ok && strings.EqualFold(c, vc) {
			ti.valIdx = i
		}
		ci := &ti.cols[i]
		ci.noText = s.noText[table][strings.ToLower(c)]
		if s.rules != nil {
			ci.cover = s.rules.Cover(table, c, "")
		}
		if !s.noNames {
			ci.kind, ci.named = classifyName(table, c)
		}
	}
	if ti.keyIdx < 0 || ti.valIdx < 0 {
		ti.keyIdx, ti.valIdx = -1, -1
	}
	for i := range ti.cols {
		ci := &ti.cols[i]
		ci.skip = ci.noText && !ci.named && i != ti.valIdx
	}
	s.infos[id] = ti
	return ti
}

// rowKey returns the key of a key/value row as reported, and what the
// rules do with its value.
func (s *Scanner) rowKey(ti *tableInfo, v sqldump.Value) (string, Cover) {
	b, ok := v.AppendBytes(s.keyBuf[:0])
	s.keyBuf = b
	if !ok {
		return "", Uncovered
	}
	if ki, ok := ti.keys[string(b)]; ok {
		return ki.name, ki.cover
	}
	k := string(b)
	ki := keyInfo{name: k}
	if !plainKey(b) || len(ti.keys) >= maxKeys {
		ki.name = OtherKeys
	}
	vc := ti.column(ti.valIdx)
	if s.rules != nil {
		ki.cover = s.rules.Cover(ti.table, vc, k)
	}
	if ki.cover == Uncovered && ti.cols[ti.valIdx].cover == Kept {
		ki.cover = Kept
	}
	if !s.noNames {
		ki.kind, ki.named = classifyName(ti.table, k)
	}
	if len(ti.keys) < 4*maxKeys {
		ti.keys[k] = ki
	}
	return ki.name, ki.cover
}

// plainKey reports whether a key/value table's key is a name that can be
// shown: letters, digits and _-.:/ only, at most 64 bytes, and nothing a
// detector finds.
func plainKey(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	for _, c := range b {
		if !(isLetterByte(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == ':' || c == '/') {
			return false
		}
	}
	return len(detect(nil, b)) == 0
}

// keyValueColumns guesses the key and value columns of a key/value table
// from its column names: a value column "value" or "*_value" (meta_value,
// option_value) beside a key column named like it (meta_key, option_name,
// path, key, name).
func keyValueColumns(cols []string) (string, string, bool) {
	has := map[string]string{}
	for _, c := range cols {
		has[strings.ToLower(c)] = c
	}
	for _, c := range cols {
		lc := strings.ToLower(c)
		if lc != "value" && !strings.HasSuffix(lc, "_value") {
			continue
		}
		prefix := strings.TrimSuffix(lc, "value")
		for _, k := range []string{prefix + "key", prefix + "name", prefix + "path", prefix + "property", "key", "name", "path", "code", "property"} {
			if kc, ok := has[k]; ok && k != lc {
				return kc, c, true
			}
		}
	}
	return "", "", false
}

// classifyName says what a column's or key's name means it holds: ByName,
// a variable for tests.
var classifyName = ByName

// Report returns what was found so far: leaks before kept findings,
// credentials first, then by table, column, key and kind.
func (s *Scanner) Report() *Report {
	rep := &Report{Tables: len(s.tables), Rows: s.rows, Values: s.values, Faked: s.faked, Findings: []Finding{}}
	for _, f := range s.found {
		rep.Findings = append(rep.Findings, f.Finding)
	}
	order := map[Kind]int{}
	for i, k := range kinds {
		order[k] = i
	}
	sort.Slice(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.Kept != b.Kept {
			return !a.Kept
		}
		if ca, cb := a.Kind == kinds[0], b.Kind == kinds[0]; ca != cb {
			return ca // the first kind (credentials) leads
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return order[a.Kind] < order[b.Kind]
	})
	return rep
}
