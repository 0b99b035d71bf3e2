package sqldump

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// MaxStatementSize is the largest statement (with the whitespace and
// comments before it) or single INSERT row a [Scanner] holds in memory. It is
// also MySQL's largest max_allowed_packet. Larger input is a [SyntaxError].
const MaxStatementSize = 1 << 30

const (
	initBufSize = 128 << 10 // first buffer size
	minRead     = 4 << 10   // never read into less free space than this
)

// Row states of the current statement.
const (
	rowsNone  = iota // not an INSERT, or its rows were all read
	rowsFirst        // INSERT: the first row comes next
	rowsMore         // INSERT: at least one row was read
)

// Scanner reads a dump as a sequence of statements, streaming. Create one
// with [NewScanner], call [Scanner.Next] for each statement and, for
// KindInsert, [Scanner.NextRow] for each of its rows.
//
// A Scanner holds the current statement in memory (ordinary statements
// whole, INSERT statements one row at a time), so memory is bounded by the
// largest statement or row, never by the size of the input.
//
// Errors are sticky: after Next or NextRow returned an error other than
// io.EOF from NextRow, every later call returns the same error.
type Scanner struct {
	r    io.Reader
	buf  []byte
	base int64 // input offset of buf[0]

	// The held region buf[start:end] holds the current statement or row
	// and the input read after it. pos is the scan position relative to
	// start: everything before it belongs to what was last returned.
	start, pos, end int

	// The largest statement or row released, and the bytes released, since
	// the buffer was last resized or the shrink window restarted.
	maxItem  int
	consumed int64

	eof  bool  // r returned io.EOF
	rerr error // read error, returned when more input is needed
	err  error // sticky error
	max  int   // MaxStatementSize, smaller in tests

	initSize, minRead int // initBufSize and minRead, smaller in tests

	nlOff int64 // input offset up to which newlines are counted
	line  int   // line number at nlOff

	delim    []byte
	delimStr string

	stmt   Statement
	own    []byte // Lead and Text of the current INSERT
	rows   int
	rowIdx int64
	row    Row
	tuple  tuple
	// insVers: the current INSERT's prefix ends inside a versioned
	// comment, so its rows are inside one.
	insVers bool
	conds   []string // openers of versioned comments seen in rows, reused

	// Caches that save allocations for statements about the same table.
	table, db string
	cols      []string
	scratch   []byte
	toks      []token
	colToks   []token
}

// Stream is a dump read statement by statement, INSERT rows one at a time:
// a [Scanner], or a stream that rewrites one (anonymize.Filter), or a live
// database read as if it were a dump (dbdump.Dumper).
type Stream interface {
	Next() (*Statement, error)
	NextRow() (*Row, error)
}

// NewScanner returns a Scanner reading the dump from r. It does its own
// buffering; r need not be buffered.
func NewScanner(r io.Reader) *Scanner {
	return newScanner(r, initBufSize, minRead)
}

// newScanner lets tests use tiny buffers to exercise buffer management.
func newScanner(r io.Reader, bufSize, minRead int) *Scanner {
	return &Scanner{
		r:        r,
		buf:      make([]byte, bufSize),
		initSize: bufSize,
		minRead:  minRead,
		max:      MaxStatementSize,
		line:     1,
		delim:    []byte{';'},
		delimStr: ";",
	}
}

// SetLimit bounds what s holds of one statement (with the whitespace and
// comments before it) or one INSERT row to about n bytes, instead of
// [MaxStatementSize]: a larger one is a [SyntaxError] wrapping
// [ErrTooLarge], at the offset where it starts, as soon as s would grow its
// buffer past n to read it. One that still fits the buffer s has may be
// returned; a caller that needs an exact limit (a server's
// max_allowed_packet) also compares lengths. n is capped at
// MaxStatementSize; call SetLimit before the first Next.
func (s *Scanner) SetLimit(n int) {
	s.max = max(1, min(n, MaxStatementSize))
}

// window returns the held region.
func (s *Scanner) window() []byte { return s.buf[s.start:s.end] }

// release drops what was returned last from the held region.
func (s *Scanner) release() {
	s.maxItem = max(s.maxItem, s.pos)
	s.consumed += int64(s.pos)
	s.start += s.pos
	s.pos = 0
}

// offset returns the input offset of index i of the held region.
func (s *Scanner) offset(i int) int64 { return s.base + int64(s.start+i) }

// lineAt returns the line number of input offset off, which must be within
// the buffer.
func (s *Scanner) lineAt(off int64) int {
	switch {
	case off > s.nlOff:
		s.line += bytes.Count(s.buf[s.nlOff-s.base:off-s.base], newline)
		s.nlOff = off
	case off < s.nlOff:
		return s.line - bytes.Count(s.buf[off-s.base:s.nlOff-s.base], newline)
	}
	return s.line
}

var newline = []byte{'\n'}

// syntaxError builds a SyntaxError at index i of the held region.
func (s *Scanner) syntaxError(i int, table, format string, args ...any) error {
	off := s.offset(i)
	return &SyntaxError{Offset: off, Line: s.lineAt(off), Table: table, Msg: fmt.Sprintf(format, args...)}
}

// more reads more input into the buffer, keeping the held region. It returns
// io.EOF, and sets s.eof, when there is no more input. Indices relative to
// s.start stay valid; slices of the buffer do not.
func (s *Scanner) more() error {
	if s.rerr != nil {
		return s.rerr
	}
	if s.eof {
		return io.EOF
	}
	held := s.end - s.start
	minRead := s.minRead
	need := max(held, minRead)
	if len(s.buf)-s.end < need {
		if held >= s.max {
			err := s.syntaxError(0, s.curTable(), "statement or row larger than %d bytes", s.max)
			err.(*SyntaxError).Err = ErrTooLarge
			return err
		}
		if s.nlOff < s.offset(0) {
			s.lineAt(s.offset(0)) // count the newlines about to be dropped
		}
		size := len(s.buf)
		switch {
		case len(s.buf)-held < need:
			size = max(2*size, 2*held+minRead)
			if 2*size > s.max+minRead {
				// The next doubling would pass the limit: grow to
				// it now, not to a power of two and then again for
				// the last few bytes (two buffers of the limit's
				// size at once).
				size = s.max + minRead
			}
		case size > 8*s.initSize && s.consumed >= 2*int64(size):
			// Shrink after a huge row, once a window of twice the
			// buffer size held only much smaller items.
			if m := max(s.maxItem, held); 8*m < size {
				size = max(s.initSize, 4*m)
			} else {
				s.maxItem, s.consumed = 0, 0 // start a new window
			}
		}
		size = min(size, s.max+minRead)
		if size != len(s.buf) {
			s.maxItem, s.consumed = 0, 0
			nb := make([]byte, size)
			copy(nb, s.buf[s.start:s.end])
			s.buf = nb
		} else {
			copy(s.buf, s.buf[s.start:s.end])
		}
		s.base += int64(s.start)
		s.start, s.end = 0, held
	}
	// Read at least as much as is held, so that restarting the scan of a
	// long row or statement after each read costs linear time overall.
	want := max(1, min(held, len(s.buf)-s.end))
	got, zero := 0, 0
	for got < want {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		got += n
		if err == io.EOF {
			s.eof = true
			break
		}
		if err != nil {
			s.rerr = fmt.Errorf("sqldump: read dump: %w", err)
			break
		}
		if n == 0 {
			if zero++; zero >= 100 {
				s.rerr = fmt.Errorf("sqldump: read dump: %w", io.ErrNoProgress)
				break
			}
		}
	}
	if got > 0 {
		return nil
	}
	if s.rerr != nil {
		return s.rerr
	}
	return io.EOF
}

// fail records err as the sticky error and returns it.
func (s *Scanner) fail(err error) error {
	s.err = err
	return err
}

// curTable returns the table of the current INSERT, for error messages.
func (s *Scanner) curTable() string {
	if s.rows != rowsNone {
		return s.stmt.Table
	}
	return ""
}

// Next returns the next statement, or io.EOF after the last one. The
// Statement and its slices are only valid until the next call to Next.
//
// For KindInsert the rows are not part of the statement: read them with
// [Scanner.NextRow]. If Next is called before NextRow returned io.EOF, the
// remaining rows are read and skipped.
func (s *Scanner) Next() (*Statement, error) {
	if s.err != nil {
		return nil, s.err
	}
	for s.rows != rowsNone {
		if _, err := s.NextRow(); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
	}
	s.release()
	st, err := s.next()
	if err != nil {
		return nil, s.fail(err)
	}
	return st, nil
}

// next reads one statement starting at the beginning of the held region.
func (s *Scanner) next() (*Statement, error) {
	st := &s.stmt
	*st = Statement{Delimiter: s.delimStr, Columns: nil}

	// Lead: whitespace and comments.
	p := 0
	for {
		j, err := s.scanLead(p)
		if err != nil {
			return nil, err
		}
		if j >= 0 {
			p = j
			break
		}
		p = -j - 1
		if err := s.more(); err != nil && err != io.EOF {
			return nil, err
		}
	}
	b := s.window()
	if p == len(b) { // s.eof: nothing but trivia left
		if p == 0 {
			return nil, io.EOF
		}
		st.Kind = KindTrivia
		st.Lead = b
		st.Text = b[p:]
		st.Offset = s.offset(p)
		st.Line = s.lineAt(st.Offset)
		s.pos = p
		return st, nil
	}
	st.Offset = s.offset(p)
	st.Line = s.lineAt(st.Offset)
	// A statement too large to hold is reported where its code starts,
	// not where the comments before it do.
	more := func() error {
		err := s.more()
		if se, ok := err.(*SyntaxError); ok && se.Err == ErrTooLarge {
			se.Offset, se.Line = st.Offset, st.Line
		}
		return err
	}

	// The client command DELIMITER.
	for {
		b = s.window()
		isDelim, ok := delimiterCommand(b, p, s.eof)
		if ok {
			if isDelim {
				return s.delimiterStatement(p)
			}
			break
		}
		if err := more(); err != nil && err != io.EOF {
			return nil, err
		}
	}

	// INSERT and REPLACE are streamed; anything else is read whole.
	for {
		b = s.window()
		lx := lexer{b: b, eof: s.eof, delim: s.delim}
		t, _ := lx.next(p)
		if t.kind == tokMore {
			if err := more(); err != nil && err != io.EOF {
				return nil, err
			}
			continue
		}
		if t.is(b, "INSERT") || t.is(b, "REPLACE") {
			return s.insertStatement(p)
		}
		break
	}

	i, last := p, p
	for {
		b = s.window()
		end, resume, l, _ := scanStmt(b, i, last, s.delim, s.eof)
		if end == needMore {
			i, last = resume, l
			if err := more(); err != nil && err != io.EOF {
				return nil, err
			}
			continue
		}
		if end == unterminated {
			return nil, s.syntaxError(resume, "", "%s", unterminatedMsg(b[resume]))
		}
		if at, ok := ambiguousComment(b[p:end]); ok {
			return nil, s.syntaxError(p+at, "", "a string or comment starts inside a versioned comment (/*!...*/) and runs past its end: servers that skip the comment and servers that run it read different statements")
		}
		st.Lead = b[:p]
		st.Text = b[p:end]
		s.pos = end
		s.classify(st)
		return st, nil
	}
}

// unterminatedMsg describes an unterminated construct starting with c.
func unterminatedMsg(c byte) string {
	switch c {
	case '\'', '"':
		return "unterminated string at end of input"
	case '`':
		return "unterminated quoted identifier at end of input"
	default:
		return "unterminated comment at end of input"
	}
}

// scanLead skips whitespace and comments from index i of the held region.
// It returns the index of the first byte of code (or the end of the input),
// or -(resume+1) when more input is needed.
func (s *Scanner) scanLead(i int) (int, error) {
	b := s.window()
	eof := s.eof
	if s.offset(0) == 0 && i == 0 { // a UTF-8 byte order mark
		if len(b) < 3 && !eof && bytes.HasPrefix(bom, b) {
			return -1, nil
		}
		if bytes.HasPrefix(b, bom) {
			i = 3
		}
	}
	for i < len(b) {
		switch byteClass[b[i]] {
		case clsSpace:
			i++
			continue
		case clsHash:
			j := skipLine(b, i, eof)
			if j < 0 {
				return -i - 1, nil
			}
			i = j
			continue
		case clsDash:
			switch dashComment(b, i, eof) {
			case moreInput:
				return -i - 1, nil
			case isComment:
				j := skipLine(b, i, eof)
				if j < 0 {
					return -i - 1, nil
				}
				i = j
				continue
			}
		case clsSlash:
			k, _ := slashComment(b, i, eof)
			switch k {
			case moreInput:
				return -i - 1, nil
			case isComment:
				j := skipBlock(b, i, eof)
				if j == needMore {
					return -i - 1, nil
				}
				if j == unterminated {
					return 0, s.syntaxError(i, "", "unterminated comment at end of input")
				}
				i = j
				continue
			}
		}
		return i, nil
	}
	if !eof {
		return -i - 1, nil
	}
	return i, nil
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// delimiterCommand reports whether the statement at b[p] is the client
// command DELIMITER. ok is false when more input is needed to tell.
func delimiterCommand(b []byte, p int, eof bool) (isDelim, ok bool) {
	const word = "DELIMITER"
	if len(b)-p <= len(word) {
		if !eof {
			return false, false
		}
		return len(b)-p == len(word) && equalFold(b[p:], word), true
	}
	if !equalFold(b[p:p+len(word)], word) {
		return false, true
	}
	c := b[p+len(word)]
	return c == ' ' || c == '\t' || c == '\r' || c == '\n', true
}

// delimiterStatement reads the DELIMITER command line starting at p.
func (s *Scanner) delimiterStatement(p int) (*Statement, error) {
	var b []byte
	var end int
	for {
		b = s.window()
		end = skipLine(b, p, s.eof)
		if end >= 0 {
			break
		}
		if err := s.more(); err != nil && err != io.EOF {
			return nil, err
		}
	}
	text := end
	if text > p && b[text-1] == '\r' {
		text--
	}
	arg := b[p+len("DELIMITER") : text]
	i := 0
	for i < len(arg) && (arg[i] == ' ' || arg[i] == '\t') {
		i++
	}
	arg = arg[i:]
	var d []byte
	if len(arg) > 0 && (arg[0] == '\'' || arg[0] == '"' || arg[0] == '`') {
		if k := bytes.IndexByte(arg[1:], arg[0]); k >= 0 {
			d = arg[1 : 1+k]
		} else {
			d = arg[1:]
		}
	} else {
		k := bytes.IndexAny(arg, " \t\r")
		if k < 0 {
			k = len(arg)
		}
		d = arg[:k]
	}
	if len(d) == 0 {
		return nil, s.syntaxError(p, "", "DELIMITER must be followed by a delimiter")
	}
	if bytes.IndexByte(d, '\\') >= 0 {
		return nil, s.syntaxError(p, "", "DELIMITER cannot contain a backslash")
	}
	s.delim = append(s.delim[:0], d...)
	s.delimStr = string(d)
	st := &s.stmt
	st.Kind = KindDelimiter
	st.Lead = b[:p]
	st.Text = b[p:text]
	st.Delimiter = s.delimStr
	s.pos = text
	return st, nil
}

// insertStatement reads the prefix of the INSERT or REPLACE statement at p,
// through VALUES and the whitespace after it.
func (s *Scanner) insertStatement(p int) (*Statement, error) {
	var ip insertPrefix
	for {
		b := s.window()
		ip = parseInsertPrefix(b, p, s.eof, s.delim, s.colToks[:0])
		s.colToks = ip.cols
		if !ip.more {
			break
		}
		if err := s.more(); err != nil && err != io.EOF {
			return nil, err
		}
	}
	b := s.window()
	st := &s.stmt
	if ip.table.kind != 0 {
		st.Table = s.intern(&s.table, b, ip.table)
	}
	if ip.db.kind != 0 {
		st.Database = s.intern(&s.db, b, ip.db)
	}
	if ip.msg != "" {
		return nil, s.syntaxError(ip.errAt, st.Table, "%s", ip.msg)
	}
	st.Kind = KindInsert
	switch {
	case ip.replace:
		st.Verb = "REPLACE"
	case ip.ignore:
		st.Verb = "INSERT IGNORE"
	default:
		st.Verb = "INSERT"
	}
	if ip.hasCols {
		n := len(ip.cols)
		if cap(s.cols) < n {
			s.cols = append(s.cols[:cap(s.cols)], make([]string, n-cap(s.cols))...)
		}
		s.cols = s.cols[:n]
		for k, t := range ip.cols {
			s.cols[k] = s.intern(&s.cols[k], b, t)
		}
		st.Columns = s.cols
	}
	if err := checkInsertDelimiter(s.delim); err != "" {
		return nil, s.syntaxError(p, st.Table, "%s", err)
	}
	if err := s.insertReadings(b, p, &ip); err != nil {
		return nil, err
	}
	st.colVers = ip.colVers
	s.insVers = ip.inVers
	s.own = append(s.own[:0], b[:ip.end]...)
	st.Lead = s.own[:p]
	st.Text = s.own[p:ip.end]
	s.pos = ip.end
	s.rows = rowsFirst
	s.rowIdx = 0
	return st, nil
}

// insertReadings refuses an INSERT whose prefix b[p:ip.end] names another
// table to servers that run or skip its versioned comments
// ("INSERT INTO a /*!99999 .b */ VALUES" fills b.a or a): the rows would go
// into a table other than the one their rules are chosen by.
func (s *Scanner) insertReadings(b []byte, p int, ip *insertPrefix) error {
	text := b[p:ip.end]
	conds := condsIn(text)
	if len(conds) == 0 {
		return nil
	}
	st := &s.stmt
	rds, err := Readings(conds...)
	if err != nil {
		return s.syntaxError(p, st.Table, "%v", err)
	}
	for _, rd := range rds {
		ri, err := insertUnder(text, s.delimStr, rd)
		if err != nil {
			return s.syntaxError(p, st.Table, "%v", err)
		}
		if ri == nil {
			continue // no INSERT at all: its rows are a syntax error, or skipped with it
		}
		var db, table string
		if ri.table.kind != 0 {
			table = string(tokName(ri.text, ri.table))
		}
		if ri.db.kind != 0 {
			db = string(tokName(ri.text, ri.db))
		}
		if table != st.Table || db != st.Database {
			return s.syntaxError(p, st.Table, "%s reads this INSERT as one into %s, not %s: versioned comments must not change the table rows go into",
				rd.Server, qualified(db, table), qualified(st.Database, st.Table))
		}
	}
	return nil
}

// qualified quotes a table name and its database, if any.
func qualified(db, table string) string {
	if db == "" {
		return QuoteIdent(table)
	}
	return QuoteIdent(db) + "." + QuoteIdent(table)
}

// checkInsertDelimiter returns a message if rows cannot be read safely while
// delim is the delimiter: a delimiter starting with a byte that can be part
// of a number, NULL, charset introducer, quote, separator or comment could
// hide inside a row. Common delimiters (";", ";;", "$$", "//") are fine.
func checkInsertDelimiter(delim []byte) string {
	c := delim[0]
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		bytes.IndexByte([]byte("_.+-,()'\"`#"), c) >= 0 || bytes.HasPrefix(delim, []byte("/*")) {
		return "cannot read INSERT rows while the delimiter is " + strconv.Quote(string(delim))
	}
	return ""
}

// intern returns the unquoted name of token t in b, reusing *cache when it
// holds the same name.
func (s *Scanner) intern(cache *string, b []byte, t token) string {
	name := s.unquoteTok(b, t)
	if string(name) != *cache {
		*cache = string(name)
	}
	return *cache
}

// unquoteTok returns the name a word, quoted identifier or string token
// stands for. The result may point into s.scratch.
func (s *Scanner) unquoteTok(b []byte, t token) []byte {
	raw := b[t.start:t.end]
	if t.kind == tokWord || len(raw) < 2 {
		return raw
	}
	q := raw[0]
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, q) < 0 && (q == '`' || bytes.IndexByte(inner, '\\') < 0) {
		return inner
	}
	s.scratch = unquoteInto(s.scratch[:0], inner, q)
	return s.scratch
}

// unquoteInto appends the body of a quoted name or string to dst, undoing
// doubled quotes and, except for backticks, backslash escapes.
func unquoteInto(dst, inner []byte, q byte) []byte {
	if q != '`' {
		return appendUnescaped(dst, inner, q)
	}
	for i := 0; i < len(inner); i++ {
		dst = append(dst, inner[i])
		if inner[i] == '`' && i+1 < len(inner) && inner[i+1] == '`' {
			i++
		}
	}
	return dst
}

// insertPrefix is the result of parseInsertPrefix.
type insertPrefix struct {
	more            bool // more input is needed
	replace, ignore bool
	db, table       token
	hasCols         bool
	cols            []token
	end             int  // end of Text
	inVers          bool // VALUES is inside a versioned comment
	colVers         bool // versioned comments start or end inside the column list
	msg             string
	errAt           int
}

// parseInsertPrefix parses "INSERT [modifiers] [INTO] name [PARTITION (...)]
// [(columns)] VALUES" and the whitespace and comments after it.
func parseInsertPrefix(b []byte, p int, eof bool, delim []byte, cols []token) (ip insertPrefix) {
	ip.cols = cols
	lx := lexer{b: b, eof: eof, delim: delim}
	more := func() insertPrefix { ip.more = true; return ip }
	fail := func(t token, format string, args ...any) insertPrefix {
		ip.msg = fmt.Sprintf(format, args...)
		ip.errAt = t.start
		return ip
	}
	t, i := lx.next(p)
	ip.replace = t.is(b, "REPLACE")
	for {
		t, i = lx.next(i)
		switch {
		case t.kind == tokMore:
			return more()
		case t.is(b, "IGNORE"):
			ip.ignore = true
			continue
		case t.is(b, "LOW_PRIORITY"), t.is(b, "DELAYED"), t.is(b, "HIGH_PRIORITY"), t.is(b, "INTO"):
			continue
		}
		break
	}
	if !isName(t) {
		return fail(t, "expected table name after %s, found %s", verbWord(ip.replace), describe(b, t))
	}
	ip.table = t
	t, i = lx.next(i)
	if t.kind == tokMore {
		return more()
	}
	if t.isPunct(b, '.') {
		ip.db = ip.table
		t, i = lx.next(i)
		if t.kind == tokMore {
			return more()
		}
		if !isName(t) {
			return fail(t, "expected table name after %q", b[ip.db.start:ip.db.end])
		}
		ip.table = t
		t, i = lx.next(i)
	}
	if t.is(b, "PARTITION") {
		t, i = lx.next(i)
		if !t.isPunct(b, '(') {
			if t.kind == tokMore {
				return more()
			}
			return fail(t, "expected '(' after PARTITION, found %s", describe(b, t))
		}
		for depth := 1; depth > 0; {
			t, i = lx.next(i)
			switch {
			case t.kind == tokMore:
				return more()
			case t.kind == tokEOF || t.kind == tokDelim || t.kind == tokBad || t.kind == tokAmbiguous:
				return fail(t, "unterminated PARTITION list")
			case t.isPunct(b, '('):
				depth++
			case t.isPunct(b, ')'):
				depth--
			}
		}
		t, i = lx.next(i)
	}
	if t.isPunct(b, '(') {
		ip.hasCols = true
		open, vers0, vstart0 := t.start, lx.vers, lx.vstart
		defer func() {
			// Versioned comments start or end inside the column list.
			if !ip.more && ip.msg == "" && (lx.vers != vers0 || lx.vers && lx.vstart != vstart0 ||
				len(condsIn(b[open:ip.end])) > 0) {
				ip.colVers = true
			}
		}()
		t, i = lx.next(i)
		for !t.isPunct(b, ')') {
			if t.kind == tokMore {
				return more()
			}
			if !isName(t) {
				return fail(t, "expected column name, found %s", describe(b, t))
			}
			col := t
			t, i = lx.next(i)
			for t.isPunct(b, '.') { // qualified column: keep the last part
				t, i = lx.next(i)
				if !isName(t) {
					if t.kind == tokMore {
						return more()
					}
					return fail(t, "expected column name, found %s", describe(b, t))
				}
				col = t
				t, i = lx.next(i)
			}
			ip.cols = append(ip.cols, col)
			if t.isPunct(b, ',') {
				t, i = lx.next(i)
				continue
			}
			if t.kind == tokMore {
				return more()
			}
			if !t.isPunct(b, ')') {
				return fail(t, "expected ',' or ')' in column list, found %s", describe(b, t))
			}
		}
		t, i = lx.next(i)
	}
	switch {
	case t.kind == tokMore:
		return more()
	case t.is(b, "VALUES"), t.is(b, "VALUE"):
		ip.inVers = lx.vers
	case t.is(b, "SELECT"), t.is(b, "WITH"), t.is(b, "TABLE"), t.isPunct(b, '('):
		return fail(t, "%s ... SELECT is not supported, only VALUES lists", verbWord(ip.replace))
	case t.is(b, "SET"):
		return fail(t, "%s ... SET is not supported, only VALUES lists", verbWord(ip.replace))
	default:
		return fail(t, "expected VALUES, found %s", describe(b, t))
	}
	// Whitespace and comments after VALUES belong to Text.
	j := t.end
	for j < len(b) {
		c := b[j]
		if isSpace(c) {
			j++
			continue
		}
		k := notComment
		switch c {
		case '#':
			k = isComment
		case '-':
			k = dashComment(b, j, eof)
		case '/':
			k, _ = slashComment(b, j, eof)
		}
		if k == moreInput {
			return more()
		}
		if k != isComment {
			break
		}
		var e int
		if c == '/' {
			e = skipBlock(b, j, eof)
		} else {
			e = skipLine(b, j, eof)
		}
		if e == needMore {
			return more()
		}
		if e == unterminated {
			return fail(token{start: j}, "unterminated comment at end of input")
		}
		j = e
	}
	if j == len(b) && !eof {
		return more()
	}
	ip.end = j
	return ip
}

// isName reports whether t can be a name: a word, a `quoted` identifier, or
// a "string" (identifiers are quoted that way in ANSI_QUOTES mode).
func isName(t token) bool { return t.kind == tokWord || t.kind == tokIdent || t.kind == tokString }

// verbWord names the statement for error messages.
func verbWord(replace bool) string {
	if replace {
		return "REPLACE"
	}
	return "INSERT"
}

// describe names a token for error messages.
func describe(b []byte, t token) string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokDelim:
		return "end of statement"
	case tokBad:
		return unterminatedMsg(b[t.start])
	case tokAmbiguous:
		return "a string or comment running past the end of a versioned comment"
	}
	raw := b[t.start:t.end]
	if len(raw) > 40 {
		raw = raw[:40]
	}
	return strconv.Quote(string(raw))
}
