package dbload

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// ErrUnsupported is returned for a statement that uses what the target
// server cannot keep (a sequence on MySQL, an index on an expression on
// MariaDB, a character set it lacks), unless the Loader may drop it
// (Config.DropUnsupported). Nothing of the statement has run.
var ErrUnsupported = errors.New("dbload: the target server cannot keep this")

// Adaptation is one change the Loader made to the archive's statements so
// that the target server runs them: a collation it lacks replaced by the
// closest it has, a MySQL 8 attribute written as MariaDB writes it, a type
// replaced by one that keeps every value, or (Dropped) something left out.
// docs/servers.md lists them all.
type Adaptation struct {
	// Object is what the statement defines ("table `t`", "sequence `s`"),
	// or "session" for a SET.
	Object string
	// Change says what was changed, from what to what.
	Change string
	// Dropped is set when something the target cannot keep was left out
	// (Config.DropUnsupported allowed it).
	Dropped bool
	// Count is how many statements had this change (a SET in every data
	// entry is one adaptation, counted each time).
	Count int
}

func (a Adaptation) String() string {
	s := a.Object + ": " + a.Change
	if a.Dropped {
		s += " [dropped]"
	}
	return s
}

// adapter rewrites statements for a Target. It is shared by the Loader's
// connections.
type adapter struct {
	t    *Target
	drop bool

	mu    sync.Mutex
	index map[[2]string]int // Object, Change -> position in list
	list  []Adaptation
}

func newAdapter(t *Target, drop bool) *adapter {
	return &adapter{t: t, drop: drop, index: map[[2]string]int{}}
}

func (a *adapter) note(object, change string, dropped bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := [2]string{object, change}
	if i, ok := a.index[k]; ok {
		a.list[i].Count++
		return
	}
	a.index[k] = len(a.list)
	a.list = append(a.list, Adaptation{Object: object, Change: change, Dropped: dropped, Count: 1})
}

// Adaptations returns every change made so far, in the order first made.
func (a *adapter) adaptations() []Adaptation {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.list)
}

// edit replaces text[start:end] with repl.
type edit struct {
	start, end int
	repl       string
}

// def is one definition in a CREATE TABLE's parentheses: tokens
// code[from:to] (to excludes the ',' or ')' after it).
type def struct{ from, to int }

// statementAdapt is the work on one statement.
type statementAdapt struct {
	a      *adapter
	st     *sqldump.Statement
	text   []byte
	toks   []token // every token, with versioned comment markers
	code   []token // the tokens the target server reads as code
	object string
	edits  []edit
	drops  [][2]int // byte ranges left out whole
	skip   bool     // leave the whole statement out
	err    error
}

// adapt returns st's text (without its delimiter) as the target server
// should run it, and whether it is to be left out whole. It refuses, with
// ErrUnsupported, what the target cannot keep unless the adapter may drop it.
func (a *adapter) adapt(st *sqldump.Statement, text []byte) ([]byte, bool, error) {
	switch st.Kind {
	case sqldump.KindInsert, sqldump.KindTrivia, sqldump.KindDelimiter:
		return text, false, nil
	}
	toks, err := lexWith(text, true)
	if err != nil {
		return text, false, nil // the guard refuses it with its own words
	}
	s := &statementAdapt{a: a, st: st, text: text, toks: toks}
	s.code = s.active()
	if len(s.code) == 0 {
		return text, false, nil
	}
	s.object = s.objectName()
	s.mysqlComments()
	s.charsets()
	switch st.Kind {
	case sqldump.KindCreateTable:
		s.createTable()
	case sqldump.KindAlterTable:
		s.alterTable()
	case sqldump.KindOther:
		s.sequence()
	}
	if s.err != nil {
		return nil, false, s.err
	}
	if s.skip {
		return nil, true, nil
	}
	return s.apply(), false, nil
}

// active returns the tokens the target reads as code: MariaDB skips the
// body of /*!NNNNN with 50700 <= NNNNN <= 99999; MySQL skips /*M! comments
// and /*!NNNNN above its version.
func (s *statementAdapt) active() []token {
	var out []token
	skipping := false
	for _, t := range s.toks {
		switch t.kind {
		case 'v':
			skipping = !s.runs(t.text)
			continue
		case 'e':
			skipping = false
			continue
		}
		if !skipping {
			out = append(out, t)
		}
	}
	return out
}

// runs reports whether the target runs the versioned comment opened by
// cond ("/*!80023", "/*M!100301").
func (s *statementAdapt) runs(cond string) bool {
	maria := strings.HasPrefix(cond, "/*M!") || strings.HasPrefix(cond, "/*m!")
	digits := strings.TrimLeft(cond, "/*!Mm")
	v, _ := strconv.Atoi(digits)
	t := s.a.t
	if t.MariaDB {
		if maria {
			return digits == "" || v <= t.Major*10000+t.Minor*100+t.Patch
		}
		return digits == "" || len(digits) != 5 || v < 50700
	}
	return !maria && (digits == "" || v <= t.mysqlVersion())
}

// objectName names what the statement defines, for the adaptation list
// and errors.
func (s *statementAdapt) objectName() string {
	switch s.st.Kind {
	case sqldump.KindSet:
		return "session"
	case sqldump.KindCreateTable, sqldump.KindAlterTable:
		if s.st.Table != "" {
			return "table " + sqldump.QuoteIdent(s.st.Table)
		}
	}
	for i, t := range s.code {
		if t.is("TABLE", "SEQUENCE", "VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT") {
			for j := i + 1; j < len(s.code); j++ {
				if s.code[j].is("IF", "NOT", "EXISTS") {
					continue
				}
				if s.code[j].isName() {
					name := s.code[j].text
					if s.code[j].kind == 'w' {
						name = string(s.text[s.code[j].start:s.code[j].end])
					}
					if j+2 < len(s.code) && s.code[j+1].text == "." && s.code[j+2].isName() {
						name = s.code[j+2].text
						if s.code[j+2].kind == 'w' {
							name = string(s.text[s.code[j+2].start:s.code[j+2].end])
						}
					}
					return strings.ToLower(t.text) + " " + sqldump.QuoteIdent(name)
				}
				break
			}
		}
	}
	return strings.ToLower(s.st.Kind.String())
}

func (s *statementAdapt) refuse(what, hint string) {
	if s.err == nil {
		s.err = fmt.Errorf("%w: %s: %s on %s; %s", ErrUnsupported, s.object, what, s.a.t.Name(), hint)
	}
}

// mysqlComments handles the MySQL 8 attributes a MySQL dump writes in
// versioned comments, which MariaDB skips: INVISIBLE, SRID, ENCRYPTION,
// NOT ENFORCED.
func (s *statementAdapt) mysqlComments() {
	if !s.a.t.MariaDB {
		return
	}
	for i := 0; i < len(s.toks); i++ {
		open := s.toks[i]
		if open.kind != 'v' || s.runs(open.text) {
			continue
		}
		end := i + 1
		for end < len(s.toks) && s.toks[end].kind != 'e' {
			end++
		}
		if end >= len(s.toks) {
			return
		}
		body := s.toks[i+1 : end]
		whole := [2]int{open.start, s.toks[end].end}
		col := s.columnAt(open.start)
		switch {
		case len(body) == 1 && body[0].is("INVISIBLE"):
			if s.a.t.Invisible() {
				s.edits = append(s.edits, edit{open.start, open.end, ""}, edit{s.toks[end].start, s.toks[end].end, ""})
				s.a.note(s.object, fmt.Sprintf("column %s: %s INVISIBLE */ kept as INVISIBLE (MariaDB skips MySQL 8 comments)", col, open.text), false)
			} else {
				s.a.note(s.object, fmt.Sprintf("column %s: visible (%s has no invisible columns)", col, s.a.t.Name()), false)
			}
		case len(body) == 2 && body[0].is("SRID") && body[1].kind == 'w':
			s.edits = append(s.edits, edit{whole[0], whole[1], ""})
			// The SRID belongs to the column it is written in; after
			// the comma that ends one (a column in a comment the target
			// skips: /*!50705 g GEOMETRY */ /*!80003 SRID 0 */) it is
			// left out, as the target would skip it.
			if at := s.typeEnd(open.start); at >= 0 && at <= open.start && !s.commaIn(at, open.start) {
				s.edits = append(s.edits, edit{at, at, " REF_SYSTEM_ID=" + body[1].text})
				s.a.note(s.object, fmt.Sprintf("column %s: SRID %s written as REF_SYSTEM_ID=%s", col, body[1].text, body[1].text), false)
			}
		case len(body) > 0 && (body[0].is("ENCRYPTION") || body[0].is("DEFAULT") && len(body) > 1 && body[1].is("ENCRYPTION")):
			s.edits = append(s.edits, edit{whole[0], whole[1], ""})
			s.a.note(s.object, fmt.Sprintf("MySQL option %s left out (MariaDB has no such option)", strings.TrimSpace(string(s.text[body[0].start:body[len(body)-1].end]))), false)
		case len(body) == 2 && body[0].is("NOT") && body[1].is("ENFORCED"):
			if d, ok := s.defAt(open.start); ok && (s.code[d.from].is("CONSTRAINT", "CHECK")) {
				s.dropDef(d)
				s.a.note(s.object, fmt.Sprintf("CHECK constraint %s, NOT ENFORCED on MySQL, left out (MariaDB would enforce it)", s.defName(d)), false)
			}
		}
		i = end
	}
}

// charsets maps the collations and character sets the target lacks to the
// closest it has.
func (s *statementAdapt) charsets() {
	t := s.a.t
	for i, tok := range s.code {
		prev := func(n int) token {
			if i-n >= 0 {
				return s.code[i-n]
			}
			return token{}
		}
		val := tok.kind == 'w' || tok.kind == 's' || tok.kind == 'i'
		if !val {
			continue
		}
		ai := i - 1
		if prev(1).kind == 'p' && prev(1).text == "=" {
			ai--
		}
		after, before := prev(i-ai), prev(i-ai+1)
		set := s.st.Kind == sqldump.KindSet
		name := strings.ToLower(tok.text)
		if i+1 < len(s.code) && s.code[i+1].kind == 'p' && s.code[i+1].text == "(" {
			continue // a call: SET collation_connection = IFNULL(@saved, ...)
		}
		if tok.kind == 'w' && strings.HasPrefix(name, "_") && i+1 < len(s.code) && s.code[i+1].kind == 's' {
			// A character set introducer: _utf8mb3'text'.
			if cs := name[1:]; knownCharset(cs) {
				if _, ok := t.Charsets[cs]; !ok {
					if to, ok := s.a.mapCharset(cs); ok {
						s.replace(tok, "_"+to)
						s.a.note(s.object, fmt.Sprintf("character set %s → %s", cs, to), false)
					} else {
						s.refuse("character set "+cs, "no character set of the target holds its text alike")
					}
				}
			}
			continue
		}
		switch {
		case after.is("COLLATE") || set && after.kind == 'w' && (strings.HasPrefix(after.text, "COLLATION_") || after.text == "@@COLLATION_CONNECTION"):
			if cs, _, ok := strings.Cut(name, "_"); !ok || !knownCharset(cs) {
				continue // not a collation name: the server says what it is
			}
			if _, ok := t.Collations[name]; ok {
				continue
			}
			if to, ok := s.a.mapCollation(name); ok {
				s.replace(tok, to)
				s.a.note(s.object, fmt.Sprintf("collation %s → %s", name, to), false)
			} else {
				s.refuse("collation "+name, "its character set is not on the target server")
			}
		case after.is("CHARSET") || after.is("SET") && before.is("CHARACTER") || set && (after.is("NAMES") || after.kind == 'w' && strings.HasPrefix(strings.TrimPrefix(after.text, "@@"), "CHARACTER_SET_")):
			if name == "default" || name == "binary" || strings.HasPrefix(name, "@") || !knownCharset(name) {
				continue
			}
			if _, ok := t.Charsets[name]; ok {
				continue
			}
			if to, ok := s.a.mapCharset(name); ok {
				s.replace(tok, to)
				s.a.note(s.object, fmt.Sprintf("character set %s → %s", name, to), false)
			} else {
				s.refuse("character set "+name, "no character set of the target holds its text alike")
			}
		}
	}
}

// replace replaces the token with name, keeping its quotes.
func (s *statementAdapt) replace(tok token, name string) {
	switch tok.kind {
	case 's':
		name = "'" + name + "'"
	case 'i':
		name = "`" + name + "`"
	}
	s.edits = append(s.edits, edit{tok.start, tok.end, name})
}

// defs returns the definitions between the first top-level parentheses of
// a CREATE TABLE, or nil.
func (s *statementAdapt) defs() []def {
	open := -1
	for i, t := range s.code {
		if t.kind == 'p' && t.text == "(" {
			open = i
			break
		}
		if t.is("LIKE", "SELECT", "AS") {
			return nil
		}
	}
	if open < 0 {
		return nil
	}
	var out []def
	depth, from := 0, open+1
	for i := open; i < len(s.code); i++ {
		t := s.code[i]
		if t.kind != 'p' {
			continue
		}
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				if i > from {
					out = append(out, def{from, i})
				}
				return out
			}
		case ",":
			if depth == 1 {
				out = append(out, def{from, i})
				from = i + 1
			}
		}
	}
	return out
}

// defAt returns the definition of the CREATE TABLE that holds byte off.
func (s *statementAdapt) defAt(off int) (def, bool) {
	if s.st.Kind != sqldump.KindCreateTable {
		return def{}, false
	}
	ds := s.defs()
	for k, d := range ds {
		end := len(s.text)
		if k+1 < len(ds) {
			end = s.code[ds[k+1].from].start
		}
		if off >= s.code[d.from].start && off < end {
			return d, true
		}
	}
	return def{}, false
}

// columnAt names the column whose definition holds byte off.
func (s *statementAdapt) columnAt(off int) string {
	if d, ok := s.defAt(off); ok {
		return s.defName(d)
	}
	return "?"
}

func (s *statementAdapt) defName(d def) string {
	t := s.code[d.from]
	if t.is("CONSTRAINT") && d.from+1 < d.to {
		t = s.code[d.from+1]
	}
	if t.kind == 'w' {
		return sqldump.QuoteIdent(string(s.text[t.start:t.end]))
	}
	return sqldump.QuoteIdent(t.text)
}

// typeEnd returns the byte offset just after the type (with its
// arguments) of the column whose definition holds byte off, or -1.
func (s *statementAdapt) typeEnd(off int) int {
	d, ok := s.defAt(off)
	if !ok || d.from+1 >= d.to {
		return -1
	}
	i := d.from + 1
	end := s.code[i].end
	if i+1 < d.to && s.code[i+1].kind == 'p' && s.code[i+1].text == "(" {
		depth := 0
		for j := i + 1; j < d.to; j++ {
			if s.code[j].kind == 'p' && s.code[j].text == "(" {
				depth++
			}
			if s.code[j].kind == 'p' && s.code[j].text == ")" {
				depth--
				if depth == 0 {
					return s.code[j].end
				}
			}
		}
	}
	return end
}

// commaIn reports whether the code the target runs has a ',' between the
// offsets from and to.
func (s *statementAdapt) commaIn(from, to int) bool {
	for _, t := range s.code {
		if t.start >= from && t.end <= to && t.kind == 'p' && t.text == "," {
			return true
		}
	}
	return false
}

// dropDef leaves a definition out, with the comma before it (or after it,
// for the first).
func (s *statementAdapt) dropDef(d def) {
	start, end := s.code[d.from].start, s.code[d.to-1].end
	if d.from > 0 && s.code[d.from-1].text == "," {
		start = s.code[d.from-1].start
	} else if d.to < len(s.code) && s.code[d.to].text == "," {
		end = s.code[d.to].end
	}
	// Versioned comments right after the definition go with it
	// (CHECK (...) /*!80016 NOT ENFORCED */).
	for k := 0; k < len(s.toks); k++ {
		if v := s.toks[k]; v.kind == 'v' && v.start >= end && strings.TrimSpace(string(s.text[end:v.start])) == "" {
			for k < len(s.toks) && s.toks[k].kind != 'e' {
				k++
			}
			if k < len(s.toks) {
				end = s.toks[k].end
			}
		}
	}
	s.drops = append(s.drops, [2]int{start, end})
}

var keyWords = []string{"KEY", "INDEX", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL", "CONSTRAINT", "CHECK", "FOREIGN", "PERIOD"}

// typeReplacements are the MariaDB types a target without their plugin
// gets in their place: text columns that hold every value as mariadb-dump
// writes it (the address or UUID as text).
var typeReplacements = map[string]string{
	"INET6": "VARCHAR(45) CHARACTER SET ascii",
	"INET4": "VARCHAR(15) CHARACTER SET ascii",
	"UUID":  "CHAR(36) CHARACTER SET ascii",
}

// column adapts one column definition: code[name] is its name, code[ty]
// its type, up to code[end].
func (s *statementAdapt) column(name, ty, end int) {
	t := s.a.t
	col := s.code[name]
	colName := col.text
	if col.kind == 'w' {
		colName = string(s.text[col.start:col.end])
	}
	colName = sqldump.QuoteIdent(colName)
	if ty < end {
		typ := s.code[ty]
		if repl, ok := typeReplacements[typ.text]; ok && typ.kind == 'w' && !t.Types[strings.ToLower(typ.text)] {
			s.edits = append(s.edits, edit{typ.start, typ.end, repl})
			s.a.note(s.object, fmt.Sprintf("column %s: %s → %s (%s has no %s type; the values are kept as text)", colName, typ.text, repl, t.Name(), typ.text), false)
		}
	}
	for i := ty; i < end; i++ {
		c := s.code[i]
		switch {
		case c.is("COMPRESSED") && !t.CompressedColumns():
			e := c.end
			if i+2 < end && s.code[i+1].text == "=" {
				e = s.code[i+2].end
			}
			s.edits = append(s.edits, edit{c.start, e, ""})
			s.a.note(s.object, fmt.Sprintf("column %s: COMPRESSED left out (the values are kept, stored uncompressed)", colName), false)
		case c.is("WITHOUT") && i+2 < end && s.code[i+1].is("SYSTEM") && !t.SystemVersioning():
			s.edits = append(s.edits, edit{c.start, s.code[i+2].end, ""})
		case c.is("ROW") && i > 0 && s.code[i-1].is("AS") && !t.SystemVersioning():
			s.refuse(fmt.Sprintf("column %s is a system-versioning ROW START/END column", colName), "there are no system-versioned tables there")
		}
	}
}

// createTable adapts column types and attributes, keys and table options.
func (s *statementAdapt) createTable() {
	t := s.a.t
	ds := s.defs()
	for _, d := range ds {
		first := s.code[d.from]
		if !first.is(keyWords...) || first.kind == 'i' {
			s.column(d.from, d.from+1, d.to)
			continue
		}
		if first.is("PERIOD") && !t.SystemVersioning() {
			s.refuse("PERIOD FOR SYSTEM_TIME", "there are no system-versioned tables there")
		}
		if !t.FunctionalKeys() && s.functionalKey(d) {
			if s.a.drop {
				s.dropDef(d)
				s.a.note(s.object, fmt.Sprintf("index %s on an expression left out (%s has no functional indexes)", s.keyName(d), t.Name()), true)
			} else {
				s.refuse(fmt.Sprintf("index %s is on an expression", s.keyName(d)), "it has no functional indexes; restore --drop-unsupported leaves the index out (the rows are kept)")
			}
		}
	}
	// Table options after the definitions.
	start := 0
	if len(ds) > 0 {
		start = ds[len(ds)-1].to
	}
	for i := start; i < len(s.code); i++ {
		c := s.code[i]
		switch {
		case c.is("WITH") && i+2 < len(s.code) && s.code[i+1].is("SYSTEM") && s.code[i+2].is("VERSIONING") && !t.SystemVersioning():
			if s.a.drop {
				s.edits = append(s.edits, edit{c.start, s.code[i+2].end, ""})
				s.a.note(s.object, "WITH SYSTEM VERSIONING left out: the current rows are kept, their history is not", true)
			} else {
				s.refuse("the table is system-versioned", "there are no system-versioned tables there; restore --drop-unsupported keeps the current rows without their history")
			}
		case c.is("COMPRESSION", "AUTOEXTEND_SIZE", "SECONDARY_ENGINE", "ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE") && t.MariaDB && i+1 < len(s.code):
			e := i + 1
			if s.code[e].text == "=" && e+1 < len(s.code) {
				e++
			}
			s.edits = append(s.edits, edit{c.start, s.code[e].end, ""})
			s.a.note(s.object, fmt.Sprintf("MySQL option %s left out (MariaDB has no such option)", string(s.text[c.start:s.code[e].end])), false)
		}
	}
}

// functionalKey reports whether a key definition has a part that is an
// expression: KEY k ((lower(c))).
func (s *statementAdapt) functionalKey(d def) bool {
	if s.code[d.from].is("CHECK", "FOREIGN", "PERIOD") || s.code[d.from].is("CONSTRAINT") && d.from+2 < d.to && s.code[d.from+2].is("CHECK", "FOREIGN") {
		return false
	}
	for i := d.from; i+1 < d.to; i++ {
		if s.code[i].kind == 'p' && s.code[i].text == "(" {
			// The key's part list: a part is an expression when it
			// starts with '('.
			depth := 0
			for j := i; j < d.to; j++ {
				c := s.code[j]
				if c.kind != 'p' {
					continue
				}
				switch c.text {
				case "(":
					if depth == 1 && (s.code[j-1].text == "(" || s.code[j-1].text == ",") {
						return true
					}
					depth++
				case ")":
					depth--
				}
			}
			return false
		}
	}
	return false
}

func (s *statementAdapt) keyName(d def) string {
	for i := d.from; i < d.to; i++ {
		c := s.code[i]
		if c.kind == 'p' {
			break
		}
		if c.kind == 'i' || c.kind == 'w' && !c.is(keyWords...) {
			return s.defName(def{i, d.to})
		}
	}
	return "(unnamed)"
}

// alterTable adapts the columns an ALTER TABLE adds, modifies or changes.
func (s *statementAdapt) alterTable() {
	for i := 0; i < len(s.code); i++ {
		c := s.code[i]
		if !c.is("ADD", "MODIFY", "CHANGE") {
			continue
		}
		j := i + 1
		if j < len(s.code) && s.code[j].is("COLUMN") {
			j++
		}
		if j < len(s.code) && s.code[j].is("IF") {
			j += 3 // IF [NOT] EXISTS
		}
		if j >= len(s.code) || s.code[j].is(keyWords...) || !s.code[j].isName() {
			continue
		}
		ty := j + 1
		if c.is("CHANGE") {
			ty++
		}
		end := ty
		depth := 0
		for ; end < len(s.code); end++ {
			if s.code[end].kind == 'p' {
				if s.code[end].text == "(" {
					depth++
				} else if s.code[end].text == ")" {
					depth--
				} else if s.code[end].text == "," && depth == 0 {
					break
				}
			}
		}
		if ty < len(s.code) {
			s.column(ty-1, ty, end)
		}
		i = end
	}
}

// sequence handles CREATE SEQUENCE and DO SETVAL on a target without
// sequences.
func (s *statementAdapt) sequence() {
	t := s.a.t
	if t.Sequences() {
		return
	}
	switch {
	case s.code[0].is("CREATE") && hasWordBefore(s.code, "SEQUENCE", 4):
		if s.a.drop {
			s.skip = true
			s.a.note(s.object, fmt.Sprintf("left out (%s has no sequences)", t.Name()), true)
			return
		}
		s.refuse("a sequence", "it has no sequences; restore --drop-unsupported leaves it out (a column whose DEFAULT calls NEXTVAL then fails)")
	case s.code[0].is("DO") && len(s.code) > 1 && s.code[1].is("SETVAL"):
		if s.a.drop {
			s.skip = true
			return
		}
		s.refuse("SETVAL of a sequence", "it has no sequences; restore --drop-unsupported leaves it out")
	}
}

// apply returns the text with the edits and drops made.
func (s *statementAdapt) apply() []byte {
	if len(s.edits) == 0 && len(s.drops) == 0 {
		return s.text
	}
	var es []edit
	for _, e := range s.edits {
		inDrop := false
		for _, d := range s.drops {
			if e.start >= d[0] && e.end <= d[1] {
				inDrop = true
			}
		}
		if !inDrop {
			es = append(es, e)
		}
	}
	for _, d := range s.drops {
		es = append(es, edit{d[0], d[1], ""})
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].start < es[j].start })
	out := make([]byte, 0, len(s.text)+64)
	at := 0
	for _, e := range es {
		if e.start < at {
			continue // overlaps an earlier edit: keep the first
		}
		out = append(out, s.text[at:e.start]...)
		out = append(out, e.repl...)
		at = e.end
	}
	return append(out, s.text[at:]...)
}
