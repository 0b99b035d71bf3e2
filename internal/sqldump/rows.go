package sqldump

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Row is one tuple of an INSERT statement, as returned by [Scanner.NextRow].
// The Row and its slices are only valid until the next call to NextRow or
// Next.
type Row struct {
	// Sep is the input between the end of the previous tuple and this
	// tuple's '(': "," or ",\n" or "\n," for example; empty for the first
	// tuple, whose leading whitespace is part of the statement's Text.
	Sep []byte
	// Raw is the tuple's exact input, from '(' through ')'.
	Raw []byte
	// Values holds one entry per value in the tuple, in order.
	Values []Value
	// Index is the 0-based number of the row within its statement.
	Index int64
	// Offset is the input offset of the tuple's '('.
	Offset int64

	// For a row with versioned comments (see [Row.Versioned]): the opener
	// of the comment around each comma between two values ("" for a comma
	// outside one), and whether there are any.
	seps []string
	vers bool
	// comments: the tuple holds comments between its values.
	comments bool
}

// Versioned reports whether values or the commas between them are inside
// versioned comments, so that servers that run the comments and servers
// that skip them read the row differently: see [Value.Cond] and
// [Row.Under].
func (r *Row) Versioned() bool { return r.vers }

// Comments reports whether the tuple holds comments between its values,
// outside them ("(1, /* note */ 'x')"), versioned ones included: text
// that is in Raw but in no value.
func (r *Row) Comments() bool { return r.comments }

// Conds returns the openers of the versioned comments in the row, such as
// "/*!50705", each once; nil for a row without any.
func (r *Row) Conds() []string {
	if !r.vers {
		return nil
	}
	var out []string
	var seen map[string]bool // for long lists
	add := func(c string) {
		if c == "" {
			return
		}
		if seen != nil {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
			return
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
			if len(out) > 16 {
				seen = map[string]bool{}
				for _, o := range out {
					seen[o] = true
				}
			}
		}
	}
	for i, v := range r.Values {
		add(v.Cond)
		if i < len(r.seps) {
			add(r.seps[i])
		}
	}
	return out
}

// Under returns the indices into Values of the values the servers of
// reading rd read in the row, in order: a value inside a versioned comment
// they skip is not there. ok is false when they read no row at all, because
// skipping a comment left a comma without a value next to it: a syntax
// error, so that they load nothing of the statement. (The Scanner refuses
// a row in which some reading leaves two values side by side with no
// comma, which MySQL may read as one value: 'a' 'b' is 'ab'.)
func (r *Row) Under(rd Reading) (idx []int, ok bool) {
	if !r.vers {
		idx = make([]int, len(r.Values))
		for i := range idx {
			idx[i] = i
		}
		return idx, true
	}
	idx, st, _ := readRow(len(r.Values), func(i int) string { return r.Values[i].Cond }, func(i int) string { return r.seps[i] }, rd)
	return idx, st == readOK
}

// Results of readRow.
const (
	readOK     = iota
	readBroken // a comma without a value on one side: a syntax error
	readMerged // two values with no comma between them
)

// readRow reads a row of n values, the opener of the comment around value i
// and around the comma after value i given by val and sep, the way the
// servers of rd do. For readMerged, at is the comma (its index) whose
// absence joins two values.
func readRow(n int, val, sep func(int) string, rd Reading) (idx []int, st, at int) {
	present := func(cond string) bool { return cond == "" || rd.Runs(cond) }
	last, comma := -1, false // the last value read; a comma follows it
	merged := -1
	for i := 0; i < n; i++ {
		if i > 0 && present(sep(i-1)) {
			if last < 0 || comma {
				return nil, readBroken, 0
			}
			comma = true
		}
		if present(val(i)) {
			if last >= 0 && !comma && merged < 0 {
				merged = last // the comma after it is skipped
			}
			idx = append(idx, i)
			last, comma = i, false
		}
	}
	if comma {
		return nil, readBroken, 0
	}
	if merged >= 0 {
		return nil, readMerged, merged
	}
	return idx, readOK, 0
}

// noLiteral is returned by the literal scanners when the input is not the
// literal they look for; the value is then read as an expression.
const noLiteral = -3

// Results of parseRow.
const (
	rowNeedMore = iota
	rowOK
	rowEnd
)

// NextRow returns the next tuple of the current INSERT statement, or io.EOF
// after the last one; Statement.Tail is set then. For statements of any
// other kind it returns io.EOF.
func (s *Scanner) NextRow() (*Row, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.rows == rowsNone {
		return nil, io.EOF
	}
	s.release()
	for {
		st, err := s.parseRow(s.window())
		if err != nil {
			return nil, s.fail(err)
		}
		switch st {
		case rowOK:
			return &s.row, nil
		case rowEnd:
			s.rows = rowsNone
			return nil, io.EOF
		}
		if err := s.more(); err != nil && err != io.EOF {
			return nil, s.fail(err)
		}
	}
}

// parseRow reads the separator and tuple at the start of b, or the tail of
// the statement.
func (s *Scanner) parseRow(b []byte) (int, error) {
	eof := s.eof
	open := 0
	if s.rows == rowsMore {
		j, bad := skipGap(b, 0, eof)
		if j == needMore {
			return rowNeedMore, nil
		}
		if bad {
			return 0, s.syntaxError(j, s.stmt.Table, "unterminated comment at end of input")
		}
		if j == len(b) || b[j] != ',' {
			return s.parseTail(b, j)
		}
		k, bad := skipGap(b, j+1, eof)
		if k == needMore {
			return rowNeedMore, nil
		}
		if bad {
			return 0, s.syntaxError(k, s.stmt.Table, "unterminated comment at end of input")
		}
		if k == len(b) || b[k] != '(' {
			if c, _ := slashComment(b, k, true); k < len(b) && c == isVersioned {
				return 0, s.syntaxError(k, s.stmt.Table, "%s", msgVersionedRows)
			}
			if !eof && k+describeLen > len(b) {
				return rowNeedMore, nil // read enough to describe the error
			}
			return 0, s.syntaxError(k, s.stmt.Table, "expected '(' after ',', found %s", describeAt(b, k))
		}
		open = k
	} else {
		if len(b) == 0 && !eof {
			return rowNeedMore, nil
		}
		if len(b) == 0 || b[0] != '(' {
			if k, _ := slashComment(b, 0, true); k == isVersioned {
				return 0, s.syntaxError(0, s.stmt.Table, "%s", msgVersionedRows)
			}
			if !eof && describeLen > len(b) {
				return rowNeedMore, nil
			}
			return 0, s.syntaxError(0, s.stmt.Table, "expected '(' after VALUES, found %s", describeAt(b, 0))
		}
	}
	t := &s.tuple
	t.b, t.eof, t.delim, t.nested = b, eof, s.delim, s.insVers
	vals, end, msg, at := t.parse(open, s.row.Values[:0])
	s.row.Values = vals
	t.b = nil
	if end == needMore {
		return rowNeedMore, nil
	}
	if end < 0 {
		return 0, s.syntaxError(at, s.stmt.Table, "%s", msg)
	}
	if s.insVers {
		if k := bytes.Index(b[:end], commentEnd); k >= 0 {
			return 0, s.syntaxError(k, s.stmt.Table, "%s", msgWrapped)
		}
	}
	s.row.vers = false
	if len(t.coms) > 0 {
		if err := s.versionedRow(b); err != nil {
			return 0, err
		}
	}
	s.row.comments = t.comments
	s.row.Sep = b[:open]
	s.row.Raw = b[open:end]
	s.row.Index = s.rowIdx
	s.row.Offset = s.offset(open)
	s.rowIdx++
	s.pos = end
	s.rows = rowsMore
	return rowOK, nil
}

// msgVersionedRows refuses rows inside a versioned comment.
const msgVersionedRows = "a versioned comment (/*!...*/) around rows is not supported: it may hold whole values inside a row, not rows"

// versionedRow finishes a row with versioned comments, whose tuple was just
// parsed from b: it sets the values' Cond and the row's separators, and
// refuses the row if servers that run some of its comments and skip others
// read two values side by side, which they may join into one value no rule
// saw.
func (s *Scanner) versionedRow(b []byte) error {
	t := &s.tuple
	cond := func(k int) string {
		if k < 0 {
			return ""
		}
		c := t.coms[k]
		raw := b[c.at:c.body]
		for _, cached := range s.conds {
			if string(raw) == cached {
				return cached
			}
		}
		str := string(raw)
		if len(s.conds) < 16 {
			s.conds = append(s.conds, str)
		}
		return str
	}
	// valCom and sepCom hold the values and commas from the first
	// comment on; those before it are in none.
	vals := s.row.Values
	valOff, sepOff := len(vals)-len(t.valCom), max(0, len(vals)-1)-len(t.sepCom)
	s.row.seps = s.row.seps[:0]
	for i := range vals {
		k := -1
		if i >= valOff {
			k = t.valCom[i-valOff]
		}
		vals[i].Cond = cond(k)
		s.row.vers = s.row.vers || k >= 0
		if i+1 < len(vals) {
			k = -1
			if i >= sepOff {
				k = t.sepCom[i-sepOff]
			}
			s.row.seps = append(s.row.seps, cond(k))
			s.row.vers = s.row.vers || k >= 0
		}
	}
	if !s.row.vers {
		return nil // only empty comments
	}
	conds := s.row.Conds()
	rds, err := Readings(conds...)
	if err != nil { // too many versions (condError was checked at each opener)
		return s.syntaxError(t.coms[0].at, s.stmt.Table, "%v", err)
	}
	for _, rd := range rds {
		_, st, at := readRow(len(s.row.Values), func(i int) string { return s.row.Values[i].Cond }, func(i int) string { return s.row.seps[i] }, rd)
		if st == readMerged {
			return s.syntaxError(t.coms[t.sepCom[at-sepOff]].at, s.stmt.Table,
				"%s skips this versioned comment and reads value %d of the row with no comma before the next value it keeps: MySQL joins adjacent strings into one ('a' 'b' is 'ab'), a value no rule saw; a versioned comment may hold whole values, each with one comma beside it",
				rd.Server, at+1)
		}
	}
	return nil
}

// parseTail checks that what follows the last tuple (at index j, after
// whitespace and comments) may end an INSERT, and reads it through the
// delimiter. Anything that could hide more rows is an error, so that no row
// escapes the caller.
func (s *Scanner) parseTail(b []byte, j int) (int, error) {
	eof := s.eof
	closed := false
	code := 0 // end of the code read so far
	for {
		if j == len(b) { // end of input
			if err := s.checkTailComments(b[:code]); err != nil {
				return 0, err
			}
			s.stmt.Tail = b[:code]
			s.pos = code
			return rowEnd, nil
		}
		if bytes.HasPrefix(b[j:], s.delim) {
			break
		}
		if !eof && len(b)-j < len(s.delim) && bytes.HasPrefix(s.delim, b[j:]) {
			return rowNeedMore, nil
		}
		if b[j] == '*' && !closed { // "*/" closing a versioned comment around the INSERT
			if j+1 == len(b) && !eof {
				return rowNeedMore, nil
			}
			if j+1 < len(b) && b[j+1] == '/' {
				closed = true
				code = j + 2
				k, bad := skipGap(b, j+2, eof)
				if k == needMore {
					return rowNeedMore, nil
				}
				if bad {
					return 0, s.syntaxError(k, s.stmt.Table, "unterminated comment at end of input")
				}
				j = k
				continue
			}
		}
		w := j
		if k, e := slashComment(b, j, eof); k == moreInput {
			return rowNeedMore, nil
		} else if k == isVersioned {
			k, bad := skipGap(b, e, eof)
			if k == needMore {
				return rowNeedMore, nil
			}
			if bad {
				return 0, s.syntaxError(k, s.stmt.Table, "unterminated comment at end of input")
			}
			w = k
		}
		e := w
		for e < len(b) && isWordByte(b[e]) {
			e++
		}
		if e == len(b) && !eof {
			return rowNeedMore, nil
		}
		word := b[w:e]
		if equalFold(word, "ON") || equalFold(word, "AS") || equalFold(word, "RETURNING") {
			break
		}
		if !eof && j+describeLen > len(b) {
			return rowNeedMore, nil
		}
		return 0, s.syntaxError(j, s.stmt.Table, "expected ',' or end of statement after row, found %s", describeAt(b, j))
	}
	end, resume, _, _ := scanStmt(b, 0, 0, s.delim, eof)
	switch end {
	case needMore:
		return rowNeedMore, nil
	case unterminated:
		return 0, s.syntaxError(resume, s.stmt.Table, "%s", unterminatedMsg(b[resume]))
	}
	if err := s.checkTailComments(b[:end]); err != nil {
		return 0, err
	}
	s.stmt.Tail = b[:end]
	s.pos = end
	return rowEnd, nil
}

// msgWrapped refuses a "*/" that servers which skip the versioned comment
// around an INSERT read as its end, and servers which run it as part of a
// string or comment: what follows it is code to the first, so that a
// string can hide a statement from this package ('*/ INSERT INTO ...').
const msgWrapped = "the INSERT is inside a versioned comment (/*!...*/), which servers that skip it end at this \"*/\": they read what follows as code, where this one is in a string, a comment or a row"

// checkTailComments refuses the tail of an INSERT in which a string or
// comment starts inside a versioned comment and runs past its end (see
// tokAmbiguous), as Next does for other statements: in
// "(1) /*!99999 ON DUPLICATE KEY UPDATE a='*/; INSERT INTO users ...'*/;"
// servers that skip the comment run the second INSERT. For an INSERT
// inside a versioned comment, the tail's first "*/" must be the one that
// ends that comment, not one in a string or comment before it.
func (s *Scanner) checkTailComments(tail []byte) error {
	if at, ok := ambiguousComment(tail); ok {
		return s.syntaxError(at, s.stmt.Table, "a string or comment starts inside a versioned comment (/*!...*/) and runs past its end: servers that skip the comment and servers that run it read different statements")
	}
	if !s.insVers {
		return nil
	}
	p := bytes.Index(tail, commentEnd)
	if p < 0 {
		return nil
	}
	for i := 0; i < p; {
		j := i + 1
		switch byteClass[tail[i]] {
		case clsQuote:
			j = skipQuoted(tail, i, true)
		case clsTick:
			j = skipBacktick(tail, i, true)
		case clsHash:
			j = skipLine(tail, i, true)
		case clsDash:
			if dashComment(tail, i, true) == isComment {
				j = skipLine(tail, i, true)
			}
		case clsSlash:
			if k, _ := slashComment(tail, i, true); k != notComment {
				j = len(tail) // a comment inside the comment
			}
		}
		if j < 0 || j > p {
			return s.syntaxError(p, s.stmt.Table, "%s", msgWrapped)
		}
		i = j
	}
	return nil
}

// describeLen is how much input describeAt shows.
const describeLen = 20

// describeAt names the input at b[i] for error messages.
func describeAt(b []byte, i int) string {
	if i >= len(b) {
		return "end of input"
	}
	e := min(len(b), i+describeLen)
	if k := bytes.IndexByte(b[i:e], '\n'); k >= 0 {
		e = i + k
	}
	return "\"" + strings.ToValidUTF8(string(b[i:e]), "?") + "\""
}

// skipGap skips whitespace and plain comments from i. It returns the index
// of the next byte of code or len(b), or needMore. If bad is true, an
// unterminated comment starts at the returned index.
func skipGap(b []byte, i int, eof bool) (j int, bad bool) {
	for i < len(b) {
		c := b[i]
		switch byteClass[c] {
		case clsSpace:
			i++
			continue
		case clsHash:
			e := skipLine(b, i, eof)
			if e < 0 {
				return needMore, false
			}
			i = e
			continue
		case clsDash:
			switch dashComment(b, i, eof) {
			case moreInput:
				return needMore, false
			case isComment:
				e := skipLine(b, i, eof)
				if e < 0 {
					return needMore, false
				}
				i = e
				continue
			}
		case clsSlash:
			k, _ := slashComment(b, i, eof)
			switch k {
			case moreInput:
				return needMore, false
			case isComment:
				e := skipBlock(b, i, eof)
				if e == needMore {
					return needMore, false
				}
				if e == unterminated {
					return i, true
				}
				i = e
				continue
			}
		}
		return i, false
	}
	if !eof {
		return needMore, false
	}
	return i, false
}

// tuple parses one tuple of an INSERT: its values and the versioned
// comments among them.
type tuple struct {
	b      []byte
	eof    bool
	delim  []byte
	nested bool // the INSERT is itself inside a versioned comment

	comments bool // a comment was skipped between the values

	coms   []vcomment // the row's versioned comments, in order
	cur    int        // index in coms of the comment being read, or -1
	valCom []int      // for each value, index in coms of its comment or -1
	sepCom []int      // the same for each comma between two values
}

// vcomment is a versioned comment in a row: "/*" at b[at], the body from
// b[body], the first "*/" after it at b[end].
type vcomment struct{ at, body, end int }

// Messages of the tuple parser.
const (
	msgStraddle      = "a string starts inside a versioned comment (/*!...*/) and runs past its end: servers that skip the comment and servers that run it read different rows"
	msgNestedComment = "a comment inside a versioned comment in a row is not supported: servers read nested comments differently"
	msgSplitValue    = "a versioned comment (/*!...*/) that holds part of a value is not supported: it may hold whole values, with the commas between them"
	msgRowEnd        = "the row ends inside a versioned comment (/*!...*/): it may hold whole values, with the commas between them, not the row's ')'"
)

// parse parses the tuple whose '(' is at b[open], appending its values to
// vals. It returns the index just past ')', needMore, or unterminated with a
// message and the index of the problem.
func (t *tuple) parse(open int, vals []Value) ([]Value, int, string, int) {
	b := t.b
	t.coms, t.valCom, t.sepCom, t.cur = t.coms[:0], t.valCom[:0], t.sepCom[:0], -1
	t.comments = false
	j, msg, at := t.gap(open + 1)
	if j < 0 {
		return vals, j, msg, at
	}
	if j < len(b) && b[j] == ')' {
		if t.cur >= 0 {
			return vals, unterminated, msgRowEnd, j
		}
		return vals, j + 1, "", 0
	}
	for {
		if j == len(b) {
			return vals, unterminated, "unexpected end of input inside row", j
		}
		if c := b[j]; c == ',' || c == ')' {
			return vals, unterminated, "expected a value, found \"" + string(c) + "\"", j
		}
		limit := -1
		if t.cur >= 0 {
			limit = t.coms[t.cur].end
		}
		if len(vals) < cap(vals) {
			vals = vals[:len(vals)+1] // scanValue sets the whole value
		} else {
			vals = append(vals, Value{})
		}
		next, msg, at := scanValue(b, j, t.eof, t.delim, limit, &vals[len(vals)-1])
		if next < 0 {
			return vals, next, msg, at
		}
		vals[len(vals)-1].Start = j - open
		if len(t.coms) > 0 {
			// Values before the first comment are left out; see cond.
			t.valCom = append(t.valCom, t.cur)
		}
		cur, ncoms := t.cur, len(t.coms)
		j = next
		if c := b[j]; t.cur >= 0 || c != ',' && c != ')' {
			if j, msg, at = t.gap(next); j < 0 {
				return vals, j, msg, at
			}
		}
		if j == len(b) {
			return vals, unterminated, "unexpected end of input inside row", j
		}
		switch b[j] {
		case ')':
			if t.cur >= 0 {
				return vals, unterminated, msgRowEnd, j
			}
			return vals, j + 1, "", 0
		case ',':
			if len(t.coms) > 0 {
				t.sepCom = append(t.sepCom, t.cur)
			}
			j++
			if c := byteClass[b[min(j, len(b)-1)]]; t.cur >= 0 || j == len(b) || c != clsPlain && c != clsQuote {
				if j, msg, at = t.gap(j); j < 0 {
					return vals, j, msg, at
				}
			}
		default:
			if t.cur != cur || len(t.coms) != ncoms {
				// 'a' /*!50000 COLLATE utf8mb4_bin */
				return vals, unterminated, msgSplitValue, j
			}
			if !t.eof && j+describeLen > len(b) {
				return vals, needMore, "", 0 // read enough to describe the error
			}
			return vals, unterminated, "expected ',' or ')' after a value, found " + describeAt(b, j), j
		}
	}
}

// gap skips whitespace, plain comments and the markers of versioned
// comments from b[i]: it enters a versioned comment at its opener and
// leaves it at its "*/". It returns the index of the next byte of code,
// len(b) at the end of the input, needMore, or unterminated with a message
// and the index of the problem.
func (t *tuple) gap(i int) (int, string, int) {
	b, eof := t.b, t.eof
	for {
		if t.cur >= 0 {
			// Inside a versioned comment: whitespace, then code or its end.
			c := &t.coms[t.cur]
			for i < c.end && isSpace(b[i]) {
				i++
			}
			if i == c.end {
				t.cur = -1
				i += len(commentEnd)
				continue
			}
			switch k, _ := commentAt(b, i, eof); k {
			case moreInput:
				return needMore, "", 0
			case isComment, isVersioned:
				return unterminated, msgNestedComment, i
			}
			return i, "", 0
		}
		j, bad := skipGap(b, i, eof)
		if j == needMore {
			return needMore, "", 0
		}
		if bad {
			return unterminated, "unterminated comment at end of input", j
		}
		if !t.comments && j > i {
			for _, c := range b[i:j] {
				if !isSpace(c) {
					t.comments = true
					break
				}
			}
		}
		if j < len(b) && b[j] == '/' {
			if k, e := slashComment(b, j, eof); k == isVersioned {
				if t.nested {
					return unterminated, "a versioned comment in a row of an INSERT that is itself inside a versioned comment is not supported", j
				}
				cond := b[j:e]
				if msg := condError(string(cond)); msg != "" {
					return unterminated, "versioned comment " + strconv.Quote(string(cond)) + " in a row: " + msg, j
				}
				end := bytes.Index(b[e:], commentEnd)
				if end < 0 {
					if !eof {
						return needMore, "", 0
					}
					return unterminated, "unterminated comment at end of input", j
				}
				t.coms = append(t.coms, vcomment{at: j, body: e, end: e + end})
				t.comments = true
				t.cur = len(t.coms) - 1
				i = e
				continue
			}
		}
		return j, "", 0
	}
}

// commentAt classifies b[i] as the start of a comment of any kind: "#",
// "-- ", "/* */" (isComment), a versioned comment (isVersioned), or not
// one (notComment); or moreInput.
func commentAt(b []byte, i int, eof bool) (int, int) {
	switch b[i] {
	case '#':
		return isComment, 0
	case '-':
		return dashComment(b, i, eof), 0
	case '/':
		return slashComment(b, i, eof)
	}
	return notComment, 0
}

// scanValue reads the value starting at b[i] (not whitespace, ',' or ')').
// limit is the index of the "*/" ending the versioned comment the value is
// in, or -1. It sets *v and returns the index of the ',' or ')' after it,
// or of the whitespace before limit, limit itself or a versioned comment
// after it; or needMore, or unterminated with a message and the index of
// the problem.
func scanValue(b []byte, i int, eof bool, delim []byte, limit int, v *Value) (int, string, int) {
	n := len(b)
	kind := ValueExpr
	intro := ""
	e := noLiteral // end of a literal
	plain := false // a string literal without escapes (Value.plain)
	switch c := b[i]; {
	case c == '\'' || c == '"':
		e, plain = skipQuotedPlain(b, i, eof)
		if e == needMore {
			return needMore, "", 0
		}
		kind = ValueString
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		if c == '0' && i+1 < n && (b[i+1] == 'x' || b[i+1] == 'b') {
			e, kind = scanPrefixedNumber(b, i, eof)
		} else {
			e = scanNumber(b, i, eof)
			kind = ValueNumber
		}
	case c == '_':
		j := i + 1
		for j < n && (isWordByte(b[j]) && b[j] != '$' && b[j] < 0x80) {
			j++
		}
		k := j
		for k < n && isSpace(b[k]) {
			k++
		}
		if k == n && !eof {
			return needMore, "", 0
		}
		if k < n && j > i+1 {
			e, kind = scanCharsetLiteral(b, k, eof)
			if e >= 0 {
				intro = introducer(b[i:j])
			}
		}
	case (c == 'N' || c == 'n' || c == 'X' || c == 'x' || c == 'B' || c == 'b') && i+1 < n && b[i+1] == '\'':
		if c == 'N' || c == 'n' {
			e, plain = skipQuotedPlain(b, i+1, eof)
			kind = ValueString
			intro = "n"
		} else {
			e, kind = scanCharsetLiteral(b, i, eof)
		}
	case c == 'N' || c == 'n':
		j := i + 1
		for j < n && isWordByte(b[j]) {
			j++
		}
		if j == n && !eof {
			return needMore, "", 0
		}
		if equalFold(b[i:j], "NULL") {
			e = j
			kind = ValueNull
		}
	}
	if e == needMore {
		return needMore, "", 0
	}
	if e >= 0 {
		if limit >= 0 && e > limit {
			return unterminated, msgStraddle, i
		}
		// A literal must be followed by ',' or ')' (or the end of its
		// versioned comment, or a versioned comment); otherwise the value
		// is an expression such as 'a' COLLATE x or 1+2.
		if e < n && (b[e] == ',' || b[e] == ')') {
			*v = Value{Raw: b[i:e], Kind: kind, Introducer: intro, plain: plain}
			return e, "", 0
		}
		if limit >= 0 {
			k := e
			for k < limit && isSpace(b[k]) {
				k++
			}
			if k == limit || b[k] == ',' || b[k] == ')' {
				*v = Value{Raw: b[i:e], Kind: kind, Introducer: intro}
				return k, "", 0
			}
		} else {
			k, bad := skipGap(b, e, eof)
			if k == needMore {
				return needMore, "", 0
			}
			if !bad && k < n && (b[k] == ',' || b[k] == ')' || b[k] == '/') {
				// skipGap stops at '/' only for a versioned comment or
				// a division.
				if b[k] != '/' {
					*v = Value{Raw: b[i:e], Kind: kind, Introducer: intro}
					return k, "", 0
				}
				if c, _ := slashComment(b, k, eof); c == isVersioned {
					*v = Value{Raw: b[i:e], Kind: kind, Introducer: intro}
					return k, "", 0
				}
			}
		}
	}
	end, next, msg := scanExpr(b, i, eof, delim, limit)
	if next < 0 {
		return next, msg, end
	}
	*v = Value{Raw: b[i:end], Kind: ValueExpr}
	return next, "", 0
}

// scanNumber returns the end of the number at b[i]:
// [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
// or noLiteral if there is none, or needMore.
func scanNumber(b []byte, i int, eof bool) int {
	n := len(b)
	j := i
	if b[j] == '-' || b[j] == '+' {
		j++
	}
	digits := 0
	for j < n && b[j] >= '0' && b[j] <= '9' {
		j++
		digits++
	}
	if j < n && b[j] == '.' {
		j++
		for j < n && b[j] >= '0' && b[j] <= '9' {
			j++
			digits++
		}
	}
	if j == n && !eof {
		return needMore
	}
	if digits == 0 {
		return noLiteral
	}
	if j < n && (b[j] == 'e' || b[j] == 'E') {
		k := j + 1
		if k < n && (b[k] == '+' || b[k] == '-') {
			k++
		}
		if k == n && !eof {
			return needMore
		}
		if k == n || b[k] < '0' || b[k] > '9' {
			return noLiteral
		}
		for k < n && b[k] >= '0' && b[k] <= '9' {
			k++
		}
		j = k
	}
	if j == n && !eof {
		return needMore
	}
	if j < n && (isWordByte(b[j]) || b[j] == '.') {
		return noLiteral
	}
	return j
}

// scanPrefixedNumber returns the end and kind of 0x... or 0b... at b[i], or
// noLiteral if it is not one, or needMore.
func scanPrefixedNumber(b []byte, i int, eof bool) (int, ValueKind) {
	n := len(b)
	hex := b[i+1] == 'x'
	j := i + 2
	for j < n && (hex && isHexDigit(b[j]) || !hex && (b[j] == '0' || b[j] == '1')) {
		j++
	}
	if j == n && !eof {
		return needMore, 0
	}
	if j == i+2 || j < n && isWordByte(b[j]) {
		return noLiteral, 0
	}
	if hex {
		return j, ValueHex
	}
	return j, ValueBit
}

// scanCharsetLiteral returns the end and kind of the literal at b[i] that
// may follow a charset introducer: a string, X'..', 0x.., B'..' or 0b...
// It returns noLiteral if there is none, or needMore.
func scanCharsetLiteral(b []byte, i int, eof bool) (int, ValueKind) {
	n := len(b)
	c := b[i]
	if c == '\'' || c == '"' {
		e := skipQuoted(b, i, eof)
		if e == unterminated {
			return noLiteral, 0
		}
		return e, ValueString
	}
	if i+1 == n && !eof {
		return needMore, 0
	}
	if i+1 == n {
		return noLiteral, 0
	}
	switch {
	case c == '0' && (b[i+1] == 'x' || b[i+1] == 'b'):
		return scanPrefixedNumber(b, i, eof)
	case (c == 'X' || c == 'x' || c == 'B' || c == 'b') && b[i+1] == '\'':
		k := bytes.IndexByte(b[i+2:], '\'')
		if k < 0 {
			if !eof {
				return needMore, 0
			}
			return noLiteral, 0
		}
		body := b[i+2 : i+2+k]
		hex := c == 'X' || c == 'x'
		for _, d := range body {
			if hex && !isHexDigit(d) || !hex && d != '0' && d != '1' {
				return noLiteral, 0
			}
		}
		if hex {
			if len(body)%2 != 0 {
				return noLiteral, 0
			}
			return i + 3 + k, ValueHex
		}
		return i + 3 + k, ValueBit
	}
	return noLiteral, 0
}

// isHexDigit reports whether c is a hexadecimal digit.
func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// introducer returns the lower-case name of a charset introducer.
func introducer(w []byte) string {
	switch string(w) {
	case "_binary":
		return "_binary"
	case "_utf8mb4":
		return "_utf8mb4"
	case "_utf8mb3":
		return "_utf8mb3"
	case "_utf8":
		return "_utf8"
	case "_latin1":
		return "_latin1"
	}
	return strings.ToLower(string(w))
}

// scanExpr reads an expression value starting at b[i]: anything up to a ','
// or ')' outside parentheses, strings and comments, or up to limit (see
// scanValue) or a versioned comment. It returns the end of the expression
// (without trailing whitespace and comments) and the index of what follows
// it, or needMore, or unterminated with a message and the index of the
// problem as end.
func scanExpr(b []byte, i int, eof bool, delim []byte, limit int) (end, next int, msg string) {
	n := len(b)
	depth := 0
	last := i
	j := i
	for j < n {
		c := b[j]
		if j == limit {
			if depth > 0 {
				return j, unterminated, msgSplitValue
			}
			return last, j, ""
		}
		if c == delim[0] && (len(delim) == 1 || bytes.HasPrefix(b[j:], delim)) {
			return j, unterminated, "statement ends inside a row (unbalanced parentheses?)"
		}
		if c == delim[0] && !eof && bytes.HasPrefix(delim, b[j:]) {
			return 0, needMore, ""
		}
		switch byteClass[c] {
		case clsSpace:
			j++
			continue
		case clsQuote, clsTick:
			var e int
			if c == '`' {
				e = skipBacktick(b, j, eof)
			} else {
				e = skipQuoted(b, j, eof)
			}
			if e == needMore {
				return 0, needMore, ""
			}
			if e == unterminated {
				return j, unterminated, unterminatedMsg(c)
			}
			if limit >= 0 && e > limit {
				return j, unterminated, msgStraddle
			}
			j, last = e, e
			continue
		case clsHash, clsDash, clsSlash:
			if limit >= 0 {
				switch k, _ := commentAt(b, j, eof); k {
				case moreInput:
					return 0, needMore, ""
				case isComment, isVersioned:
					return j, unterminated, msgNestedComment
				}
				break
			}
			e, bad := skipGap(b, j, eof)
			if e == needMore {
				return 0, needMore, ""
			}
			if bad {
				return e, unterminated, "unterminated comment at end of input"
			}
			if e > j {
				j = e
				continue
			}
			if c == '/' {
				if k, _ := slashComment(b, j, eof); k == isVersioned {
					if depth > 0 {
						return j, unterminated, msgSplitValue
					}
					return last, j, ""
				}
			}
		}
		switch c {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return last, j, ""
			}
			depth--
		case ',':
			if depth == 0 {
				return last, j, ""
			}
		}
		j++
		last = j
	}
	if !eof {
		return 0, needMore, ""
	}
	return j, unterminated, "unexpected end of input inside row"
}
