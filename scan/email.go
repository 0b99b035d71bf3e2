package scan

import (
	"bytes"
	"strings"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

// findEmails appends the e-mail addresses and URL credentials of v to dst.
// An address may follow anything that cannot be part of it: the start of
// the value, a space, a quote, '<', '=', ',', ':' or ';' ("Email:jane@…",
// "EMAIL;TYPE=INTERNET:jane@…", "<jane@…>", "to=jane@…").
func findEmails(v []byte, dst []span) []span {
	for off := 0; ; {
		at := bytes.IndexByte(v[off:], '@')
		if at < 0 {
			return dst
		}
		at += off
		off = at + 1
		s := at
		for s > 0 && isLocalChar(v[s-1]) {
			s--
		}
		// Quotes and dots around an address are not part of it: 'jane@…'.
		for s < at && (v[s] == '\'' || v[s] == '.') {
			s++
		}
		e := at + 1
		for e < len(v) && isDomainChar(v[e]) {
			e++
		}
		if ui, ok := urlUserinfo(v, at); ok {
			// https://user:password@host: the userinfo is a credential;
			// https://user@host names no password.
			if bytes.IndexByte(v[ui:at], ':') >= 0 && string(v[ui:at]) != fakeshape.RedactedUserinfo {
				dst = append(dst, span{Credential, ui, at})
			}
			off = e
			continue
		}
		domain := bytes.TrimRight(v[at+1:e], ".-")
		dot := bytes.LastIndexByte(domain, '.')
		if s == at || dot <= 0 || len(domain)-dot-1 < 2 || !isLetters(domain[dot+1:]) || !isAlnum(domain[0]) {
			continue
		}
		if tld := domain[dot+1:]; len(tld) <= 5 && fileExtensions[string(appendLower(make([]byte, 0, 5), tld))] {
			continue // logo@2x.png, jquery@3.7.1.min.js
		}
		end := at + 1 + len(domain)
		if fakeshape.Email(v[s:end]) {
			continue // stagecopy's own fake
		}
		dst = append(dst, span{Email, s, end})
		off = end
	}
}

// urlUserinfo reports whether the '@' at v[at] ends the userinfo of a URL,
// and where the userinfo starts: "://" comes before it in the same word,
// with no '/', '?' or '#' between ("https://x.org/?to=jane@gmail.com" is
// an address in a query).
func urlUserinfo(v []byte, at int) (int, bool) {
	for i := at - 1; i >= 0; i-- {
		switch c := v[i]; {
		case c == '/' && i >= 2 && v[i-1] == '/' && v[i-2] == ':':
			return i + 1, i+1 < at
		case c == '/' || c == '?' || c == '#' || c == '@' || isSpaceOrQuote(c):
			return 0, false
		}
	}
	return 0, false
}

// passwordBefore reports whether the local part at s follows a ':' that
// is not "mailto:": "joe:secret@host" may be a login, and masking it as an
// address would show the password's first letter.
func passwordBefore(v []byte, s int) bool {
	if s == 0 || v[s-1] != ':' {
		return false
	}
	w := s - 1
	for w > 0 && isLetterByte(v[w-1]) {
		w--
	}
	return !strings.EqualFold(string(v[w:s-1]), "mailto")
}

func isSpaceOrQuote(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '(' || c == ','
}

// fileExtensions are top-level "domains" that are file names: "logo@2x.png".
var fileExtensions = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "webp": true, "avif": true, "svg": true, "ico": true,
	"bmp": true, "tif": true, "tiff": true, "js": true, "mjs": true, "css": true, "map": true, "json": true,
	"mp4": true, "webm": true, "pdf": true, "woff": true, "woff2": true, "ttf": true, "php": true, "html": true,
}

// appendLower appends b with ASCII letters in lower case.
func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func isLetters(b []byte) bool {
	for _, c := range b {
		if !isLetterByte(c) {
			return false
		}
	}
	return true
}
