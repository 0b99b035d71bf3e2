package sqldump

import "bytes"

// Results of the low-level skip functions below when they cannot return the
// end of the construct they were asked to skip.
const (
	needMore     = -1 // the construct continues past the buffered input
	unterminated = -2 // the input ended inside the construct
)

// incomplete returns needMore, or unterminated once the input is exhausted.
func incomplete(eof bool) int {
	if eof {
		return unterminated
	}
	return needMore
}

// Byte classes for the statement scanners.
const (
	clsPlain = iota // any byte that is part of a token
	clsSpace        // whitespace
	clsQuote        // ' or "
	clsTick         // `
	clsHash         // # (comment to end of line)
	clsDash         // - (maybe "-- " comment)
	clsSlash        // / (maybe /* comment)
)

var byteClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\r\f\v") {
		t[c] = clsSpace
	}
	t['\''] = clsQuote
	t['"'] = clsQuote
	t['`'] = clsTick
	t['#'] = clsHash
	t['-'] = clsDash
	t['/'] = clsSlash
	return t
}()

// isSpace reports whether c is whitespace.
func isSpace(c byte) bool { return byteClass[c] == clsSpace }

// isWordByte reports whether c can be part of an unquoted identifier or
// keyword. Digits are included, so numbers lex as words too.
func isWordByte(c byte) bool { return wordByte[c] }

var wordByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '$' || c >= 0x80
	}
	return t
}()

// skipQuoted returns the index just past the string literal that starts with
// the quote b[i] (' or "). Backslash escapes any byte and a doubled quote
// stands for itself, as in MySQL without NO_BACKSLASH_ESCAPES.
func skipQuoted(b []byte, i int, eof bool) int {
	e, _ := skipQuotedPlain(b, i, eof)
	return e
}

// skipQuotedPlain is skipQuoted, and it also reports whether the literal
// holds no backslash and no doubled quote: its body is its bytes.
func skipQuotedPlain(b []byte, i int, eof bool) (int, bool) {
	q := b[i]
	j := i + 1
	plain := true
	qp := -1 // position of the next quote at or after j, len(b) if none
	for {
		if qp < j {
			if k := bytes.IndexByte(b[j:], q); k >= 0 {
				qp = j + k
			} else {
				qp = len(b)
			}
		}
		if k := bytes.IndexByte(b[j:qp], '\\'); k >= 0 {
			j += k + 2
			plain = false
			if j > len(b) {
				return incomplete(eof), false
			}
			continue
		}
		if qp == len(b) {
			return incomplete(eof), false
		}
		if qp+1 < len(b) {
			if b[qp+1] == q {
				j = qp + 2
				plain = false
				continue
			}
			return qp + 1, plain
		}
		if eof {
			return qp + 1, plain
		}
		return needMore, false // the quote might be doubled
	}
}

// skipBacktick returns the index just past the quoted identifier starting at
// b[i] == '`'. Identifiers have no escapes except the doubled backtick.
func skipBacktick(b []byte, i int, eof bool) int {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '`')
		if k < 0 {
			return incomplete(eof)
		}
		p := j + k
		if p+1 < len(b) {
			if b[p+1] == '`' {
				j = p + 2
				continue
			}
			return p + 1
		}
		if eof {
			return p + 1
		}
		return needMore
	}
}

// skipLine returns the index of the '\n' that ends the line containing b[i],
// or len(b) at the end of the input.
func skipLine(b []byte, i int, eof bool) int {
	if k := bytes.IndexByte(b[i:], '\n'); k >= 0 {
		return i + k
	}
	if eof {
		return len(b)
	}
	return needMore
}

// skipBlock returns the index just past the "*/" closing the comment that
// starts at b[i:i+2] == "/*".
func skipBlock(b []byte, i int, eof bool) int {
	if k := bytes.Index(b[i+2:], commentEnd); k >= 0 {
		return i + 2 + k + 2
	}
	return incomplete(eof)
}

var commentEnd = []byte("*/")

// Results of dashComment and slashComment.
const (
	notComment = iota
	isComment
	isVersioned // a versioned comment opener: its body is code
	moreInput
)

// dashComment reports whether b[i] == '-' starts a "-- " comment: two dashes
// followed by whitespace, a control character or the end of the input.
func dashComment(b []byte, i int, eof bool) int {
	if i+1 >= len(b) {
		if eof {
			return notComment
		}
		return moreInput
	}
	if b[i+1] != '-' {
		return notComment
	}
	if i+2 >= len(b) {
		if eof {
			return isComment
		}
		return moreInput
	}
	if b[i+2] <= ' ' {
		return isComment
	}
	return notComment
}

// slashComment classifies the text at b[i] == '/'. For isVersioned it also
// returns the index just past the opener and its version digits
// ("/*!40101", "/*M!100616", "/*!"). A versioned comment whose version is
// followed by the client command "\-" (MariaDB's sandbox line
// "/*M!999999\- enable the sandbox mode */") is not code and is classified
// as a plain comment.
func slashComment(b []byte, i int, eof bool) (int, int) {
	n := len(b)
	more := func() (int, int) {
		if eof {
			return notComment, 0
		}
		return moreInput, 0
	}
	if i+1 >= n {
		return more()
	}
	if b[i+1] != '*' {
		return notComment, 0
	}
	j := i + 2
	if j >= n {
		if eof {
			return isComment, 0 // unterminated; skipBlock reports it
		}
		return moreInput, 0
	}
	switch b[j] {
	case '!':
		j++
	case 'M':
		if j+1 >= n {
			if eof {
				return isComment, 0
			}
			return moreInput, 0
		}
		if b[j+1] != '!' {
			return isComment, 0
		}
		j += 2
	default:
		return isComment, 0
	}
	for j < n && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j >= n {
		if !eof {
			return moreInput, 0
		}
		return isVersioned, j
	}
	if b[j] == '\\' {
		if j+1 >= n && !eof {
			return moreInput, 0
		}
		if j+1 < n && b[j+1] == '-' {
			return isComment, 0
		}
	}
	return isVersioned, j
}

// Token kinds produced by lexer.next.
const (
	tokMore   = iota // more input is needed
	tokEOF           // end of input
	tokDelim         // the statement delimiter
	tokWord          // unquoted word: keyword, identifier or number
	tokIdent         // `quoted identifier`
	tokString        // 'string' or "string"
	tokPunct         // any other single byte
	tokBad           // unterminated string, identifier or comment
	// tokAmbiguous: a string, identifier or comment that starts inside a
	// versioned comment and runs past the comment's first "*/". A server
	// that skips the comment (its version is higher, or /*M! on MySQL)
	// ends it at that "*/" and reads what follows as code; one that runs
	// it reads the same bytes as part of the string. Such text means
	// different statements to different servers, so it is refused.
	tokAmbiguous
	tokSkip // a comment, skipped (never returned)
)

type token struct {
	kind       int
	start, end int
}

// lexer splits SQL text into tokens, skipping whitespace and comments. The
// markers of versioned comments are skipped too, so that their bodies read
// as ordinary code.
type lexer struct {
	b     []byte
	eof   bool
	delim []byte // nil: never report tokDelim
	vers  bool   // inside a versioned comment
	// vstart is where the versioned comment the lexer is in starts (its
	// "/*"), vend where its first "*/" is; valid while vers.
	vstart, vend int
}

// ended returns the token for a string, identifier or comment (kind) that
// starts at i and, by its skip function, ends at j: tokMore or tokBad when
// j says it did not end, tokAmbiguous when it runs past the end of the
// versioned comment it starts in.
func (lx *lexer) ended(kind, i, j int) token {
	switch {
	case j == needMore:
		return token{kind: tokMore}
	case j < 0:
		if lx.eof {
			return token{tokBad, i, len(lx.b)}
		}
		return token{kind: tokMore}
	case lx.straddles(i, j):
		return token{tokAmbiguous, i, j}
	}
	return token{kind, i, j}
}

// straddles reports whether a construct from i to j (exclusive) starts
// inside the current versioned comment and covers its first "*/".
func (lx *lexer) straddles(i, j int) bool {
	return lx.vers && i < lx.vend && j > lx.vend
}

// next returns the token at or after i, and the index to continue from. For
// tokMore and tokBad the returned index is where the incomplete construct
// begins; everything before it has been consumed and need not be lexed again.
func (lx *lexer) next(i int) (token, int) {
	b := lx.b
	for {
		if i >= len(b) {
			if lx.eof {
				return token{tokEOF, i, i}, i
			}
			return token{kind: tokMore}, i
		}
		c := b[i]
		if d := lx.delim; d != nil && c == d[0] {
			if bytes.HasPrefix(b[i:], d) {
				return token{tokDelim, i, i + len(d)}, i + len(d)
			}
			if !lx.eof && bytes.HasPrefix(d, b[i:]) {
				return token{kind: tokMore}, i
			}
		}
		switch byteClass[c] {
		case clsSpace:
			i++
			continue
		case clsHash:
			t := lx.ended(tokSkip, i, skipLine(b, i, lx.eof))
			if t.kind != tokSkip {
				return t, i
			}
			i = t.end
			continue
		case clsDash:
			switch dashComment(b, i, lx.eof) {
			case moreInput:
				return token{kind: tokMore}, i
			case isComment:
				t := lx.ended(tokSkip, i, skipLine(b, i, lx.eof))
				if t.kind != tokSkip {
					return t, i
				}
				i = t.end
				continue
			}
		case clsSlash:
			k, j := slashComment(b, i, lx.eof)
			switch k {
			case moreInput:
				return token{kind: tokMore}, i
			case isVersioned:
				e := bytes.Index(b[j:], commentEnd)
				if e < 0 {
					if !lx.eof {
						return token{kind: tokMore}, i
					}
					return token{tokBad, i, len(b)}, i
				}
				lx.vers, lx.vstart, lx.vend = true, i, j+e
				i = j
				continue
			case isComment:
				t := lx.ended(tokSkip, i, skipBlock(b, i, lx.eof))
				if t.kind != tokSkip {
					return t, i
				}
				i = t.end
				continue
			}
		case clsQuote:
			t := lx.ended(tokString, i, skipQuoted(b, i, lx.eof))
			if t.kind != tokString {
				return t, i
			}
			return t, t.end
		case clsTick:
			t := lx.ended(tokIdent, i, skipBacktick(b, i, lx.eof))
			if t.kind != tokIdent {
				return t, i
			}
			return t, t.end
		}
		if c == '*' && lx.vers {
			if i+1 >= len(b) && !lx.eof {
				return token{kind: tokMore}, i
			}
			if i+1 < len(b) && b[i+1] == '/' {
				lx.vers = false
				i += 2
				continue
			}
		}
		if isWordByte(c) {
			j := i + 1
			for j < len(b) && isWordByte(b[j]) {
				j++
			}
			if j == len(b) && !lx.eof {
				return token{kind: tokMore}, i
			}
			return token{tokWord, i, j}, j
		}
		return token{tokPunct, i, i + 1}, i + 1
	}
}

// ambiguousComment reports whether a whole statement's text holds a
// string, quoted identifier or comment that starts inside a versioned
// comment and runs past its first "*/" (see tokAmbiguous), and where.
func ambiguousComment(text []byte) (int, bool) {
	if !bytes.Contains(text, []byte("/*!")) && !bytes.Contains(text, []byte("/*M!")) {
		return 0, false
	}
	lx := lexer{b: text, eof: true}
	for i := 0; ; {
		t, j := lx.next(i)
		switch t.kind {
		case tokAmbiguous:
			return t.start, true
		case tokEOF, tokBad, tokMore:
			return 0, false
		}
		i = j
	}
}

// equalFold reports whether the ASCII word b equals upper, which must be
// upper case, ignoring case.
func equalFold(b []byte, upper string) bool {
	if len(b) != len(upper) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

// is reports whether t is the unquoted word kw (upper case).
func (t token) is(b []byte, kw string) bool {
	return t.kind == tokWord && equalFold(b[t.start:t.end], kw)
}

// isPunct reports whether t is the single byte c.
func (t token) isPunct(b []byte, c byte) bool {
	return t.kind == tokPunct && b[t.start] == c
}

// scanStmt scans the statement text from i to its end: the first delimiter
// outside strings, identifiers and comments, or the end of the input. last
// is the index just past the last byte of code seen so far (not whitespace
// or comment). It returns:
//
//	end >= 0, found: the index just past the delimiter
//	end >= 0, !found: the input ended; end == last
//	end == needMore: resume at resume with last
//	end == unterminated: an unterminated construct starts at resume
func scanStmt(b []byte, i, last int, delim []byte, eof bool) (end, resume, lastOut int, found bool) {
	d0 := delim[0]
	n := len(b)
	for i < n {
		c := b[i]
		if c == d0 {
			if len(delim) == 1 || bytes.HasPrefix(b[i:], delim) {
				return i + len(delim), i, i + len(delim), true
			}
			if !eof && bytes.HasPrefix(delim, b[i:]) {
				return needMore, i, last, false
			}
		}
		switch byteClass[c] {
		case clsPlain:
			i++
			for i < n && byteClass[b[i]] == clsPlain && b[i] != d0 {
				i++
			}
			last = i
			continue
		case clsSpace:
			i++
			continue
		case clsQuote:
			j := skipQuoted(b, i, eof)
			if j < 0 {
				return j, i, last, false
			}
			i, last = j, j
			continue
		case clsTick:
			j := skipBacktick(b, i, eof)
			if j < 0 {
				return j, i, last, false
			}
			i, last = j, j
			continue
		case clsHash:
			j := skipLine(b, i, eof)
			if j < 0 {
				return j, i, last, false
			}
			i = j
			continue
		case clsDash:
			switch dashComment(b, i, eof) {
			case moreInput:
				return needMore, i, last, false
			case isComment:
				j := skipLine(b, i, eof)
				if j < 0 {
					return j, i, last, false
				}
				i = j
				continue
			}
		case clsSlash:
			k, _ := slashComment(b, i, eof)
			switch k {
			case moreInput:
				return needMore, i, last, false
			case isComment:
				j := skipBlock(b, i, eof)
				if j < 0 {
					return j, i, last, false
				}
				i = j
				continue
			}
		}
		i++
		last = i
	}
	if !eof {
		return needMore, i, last, false
	}
	return last, i, last, false
}
