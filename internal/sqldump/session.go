package sqldump

import (
	"bytes"
	"fmt"
	"strings"
)

// unsafeCharsets are the client character sets in which a multi-byte
// character can end in a backslash or quote byte, so that the server and
// this package's lexer would end a string at different places.
var unsafeCharsets = map[string]bool{"big5": true, "cp932": true, "gbk": true, "gb18030": true, "sjis": true}

// SessionCheck follows the SET statements of a dump for settings that change
// how the server reads SQL text: sql_mode ANSI_QUOTES or
// NO_BACKSLASH_ESCAPES, or a client character set of [unsafeCharsets]. This
// package lexes statements the way MySQL does without them; under them the
// server could read a different statement than the one a check looked at
// (a string that hides a query from the check, for one). Check refuses a
// SET that sets them, or that sets sql_mode or the client character set
// from anything but a literal, a system variable or a user variable saved
// from a system variable (mysqldump's SET @OLD_SQL_MODE=@@SQL_MODE and its
// restore). The zero value is ready to use.
type SessionCheck struct {
	saved map[string]bool // user variables last set from a system variable
}

// Check checks a KindSet statement: its text and delimiter.
func (s *SessionCheck) Check(text []byte, delim string) error {
	lx := lexer{b: text, eof: true, delim: []byte(delim)}
	if delim == "" {
		lx.delim = []byte{';'}
	}
	var toks []token
	for i := 0; ; {
		t, j := lx.next(i)
		if t.kind == tokEOF || t.kind == tokDelim {
			break
		}
		switch t.kind {
		case tokBad, tokMore:
			return fmt.Errorf("sqldump: SET does not lex")
		case tokAmbiguous:
			return fmt.Errorf("sqldump: SET: a string or comment runs past the end of a versioned comment")
		}
		toks = append(toks, t)
		i = j
	}
	for _, t := range toks {
		v := strings.ToLower(tokenText(text, t))
		if unsafeCharsets[v] {
			return fmt.Errorf("sqldump: SET names character set %s, in which strings do not read the same to every reader; dump with --default-character-set=utf8mb4", v)
		}
		if u := strings.ToUpper(v); strings.Contains(u, "NO_BACKSLASH_ESCAPES") || strings.Contains(u, "ANSI_QUOTES") {
			return fmt.Errorf("sqldump: SET names sql_mode ANSI_QUOTES or NO_BACKSLASH_ESCAPES, which change how strings read; dump without them")
		}
	}
	// Skip the SET keyword, then split at top-level commas.
	k := 0
	for k < len(toks) && !toks[k].is(text, "SET") {
		k++
	}
	if k == len(toks) {
		return nil
	}
	depth, start := 0, k+1
	for j := k + 1; j <= len(toks); j++ {
		if j < len(toks) {
			switch {
			case toks[j].isPunct(text, '('):
				depth++
				continue
			case toks[j].isPunct(text, ')'):
				depth--
				continue
			case !(toks[j].isPunct(text, ',') && depth == 0):
				continue
			}
		}
		if err := s.assignment(text, toks[start:j]); err != nil {
			return err
		}
		start = j + 1
	}
	return nil
}

// Other tells the check about a statement that is not a SET: a user
// variable assigned there (SELECT @v := ...) is no longer known to hold a
// saved system variable.
func (s *SessionCheck) Other(text []byte) {
	if bytes.Contains(text, []byte(":=")) {
		clear(s.saved)
	}
}

func tokenText(b []byte, t token) string {
	v := b[t.start:t.end]
	if (t.kind == tokString || t.kind == tokIdent) && len(v) >= 2 {
		v = v[1 : len(v)-1]
	}
	return string(v)
}

// assignment checks one "target = value" of a SET.
func (s *SessionCheck) assignment(b []byte, a []token) error {
	// Drop the versioned comments' closing "*/" tokens.
	a = trimCommentEnds(b, a)
	if len(a) == 0 {
		return nil
	}
	var name string
	var value []token
	switch {
	case a[0].isPunct(b, '@') && len(a) > 1 && a[1].isPunct(b, '@'):
		name, value = systemVar(b, a[2:])
		value = afterEquals(b, value)
	case a[0].isPunct(b, '@') && len(a) > 1:
		user := strings.ToLower(tokenText(b, a[1]))
		value = afterEquals(b, a[2:])
		if s.saved == nil {
			s.saved = map[string]bool{}
		}
		s.saved[user] = len(value) > 2 && value[0].isPunct(b, '@') && value[1].isPunct(b, '@')
		return nil
	case a[0].is(b, "NAMES") || a[0].is(b, "CHARSET"):
		name, value = "character_set_client", a[1:]
		if len(value) >= 3 && value[1].is(b, "COLLATE") {
			value = value[:1]
		}
	case a[0].is(b, "CHARACTER") && len(a) > 1 && a[1].is(b, "SET"):
		name, value = "character_set_client", a[2:]
	case a[0].is(b, "SESSION") || a[0].is(b, "LOCAL") || a[0].is(b, "GLOBAL"):
		name, value = strings.ToLower(tokenText(b, a[1%len(a)])), afterEquals(b, a[min(2, len(a)):])
	default:
		name, value = strings.ToLower(tokenText(b, a[0])), afterEquals(b, a[1:])
	}
	if name != "sql_mode" && name != "character_set_client" {
		return nil
	}
	switch {
	case len(value) == 1 && value[0].kind == tokString,
		len(value) == 1 && value[0].kind == tokWord && !(b[value[0].start] >= '0' && b[value[0].start] <= '9'):
		return nil // a literal (checked above) or DEFAULT; not a number, which sql_mode reads as bits
	case len(value) > 2 && value[0].isPunct(b, '@') && value[1].isPunct(b, '@'):
		return nil // the value of a system variable
	case len(value) == 2 && value[0].isPunct(b, '@') && s.saved[strings.ToLower(tokenText(b, value[1]))]:
		return nil // restored from a saved system variable
	}
	return fmt.Errorf("sqldump: SET %s from an expression or a user variable this dump did not save from @@%s: what it sets cannot be known; dump with mysqldump/mariadb-dump defaults", name, name)
}

// systemVar reads "[SESSION.|LOCAL.|GLOBAL.]name" after "@@".
func systemVar(b []byte, a []token) (string, []token) {
	if len(a) >= 3 && (a[0].is(b, "SESSION") || a[0].is(b, "LOCAL") || a[0].is(b, "GLOBAL")) && a[1].isPunct(b, '.') {
		a = a[2:]
	}
	if len(a) == 0 {
		return "", nil
	}
	return strings.ToLower(tokenText(b, a[0])), a[1:]
}

// afterEquals returns the tokens after a leading "=" or ":=".
func afterEquals(b []byte, a []token) []token {
	if len(a) > 0 && a[0].isPunct(b, ':') {
		a = a[1:]
	}
	if len(a) > 0 && a[0].isPunct(b, '=') {
		a = a[1:]
	}
	return a
}

// trimCommentEnds drops "*" "/" pairs (the end of a versioned comment, which
// the lexer returns as punctuation when it was not in one) at the end.
func trimCommentEnds(b []byte, a []token) []token {
	for len(a) >= 2 && a[len(a)-2].isPunct(b, '*') && a[len(a)-1].isPunct(b, '/') {
		a = a[:len(a)-2]
	}
	return a
}

// SkippedKind returns the kind of a statement as a server reads it that
// skips every versioned comment in it (/*!NNNNN ...*/ of a higher version,
// or /*M!...*/ on MySQL), and false when nothing but comments and the
// delimiter is left. A statement whose kind depends on its versioned
// comments ("CREATE /*!99999 VIEW v AS */ OR REPLACE TABLE t ... SELECT")
// means different things to different servers.
func SkippedKind(text []byte, delim string) (Kind, bool) {
	var out []byte
	for i := 0; i < len(text); {
		j := i + 1
		switch byteClass[text[i]] {
		case clsQuote:
			j = skipQuoted(text, i, true)
		case clsTick:
			j = skipBacktick(text, i, true)
		case clsHash:
			j = skipLine(text, i, true)
		case clsDash:
			if dashComment(text, i, true) == isComment {
				j = skipLine(text, i, true)
			}
		case clsSlash:
			switch k, _ := slashComment(text, i, true); k {
			case isComment:
				j = skipBlock(text, i, true)
			case isVersioned:
				e := bytes.Index(text[i:], commentEnd)
				if e < 0 {
					return KindOther, true
				}
				out = append(out, ' ')
				i += e + len(commentEnd)
				continue
			}
		}
		if j < 0 {
			j = len(text)
		}
		out = append(out, text[i:j]...)
		i = j
	}
	rest := bytes.TrimSpace(out)
	if delim == "" {
		delim = ";"
	}
	rest = bytes.TrimSpace(bytes.TrimSuffix(rest, []byte(delim)))
	if len(rest) == 0 {
		return 0, false
	}
	sc := NewScanner(bytes.NewReader(append(rest, ';')))
	st, err := sc.Next()
	if err != nil {
		return KindOther, true
	}
	return st.Kind, true
}
