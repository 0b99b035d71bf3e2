package staging

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/stagecopy/stagecopy/internal/phpserial"
)

// ErrBadURL is returned by NewURLRewriter for a URL it cannot use.
var ErrBadURL = errors.New("staging: bad site URL")

// URLRewriter replaces one site URL by another inside any column value, the
// way WP-CLI's search-replace does, in every form a site URL takes in a
// CMS database:
//
//   - plain, with either scheme: https://old.example/sub and
//     http://old.example/sub both become the new URL, with the new URL's
//     scheme;
//   - JSON-escaped, as json_encode writes it: https:\/\/old.example\/sub;
//   - URL-encoded, as urlencode and encodeURIComponent write it:
//     https%3A%2F%2Fold.example%2Fsub, hex digits in either case (the
//     replacement keeps the case it found);
//   - scheme-less: //old.example/sub, and its JSON-escaped and URL-encoded
//     forms, which become //new.example (the scheme is left to the page).
//
// One pass finds every occurrence of the old host and looks at what
// surrounds it, so a scheme-full form is always preferred to the
// scheme-less form inside it: http://old never becomes http://new when the
// new URL is https.
//
// An occurrence is replaced only when it ends where the old URL ends: the
// character after it must not continue a host name or a path segment.
// https://old.example.evil.test, https://old.example.organic,
// https://old.example:8443 (another origin), https://old.example@evil.test
// (a user name) and, for an old URL with the path /sub, .../subway are left
// alone. A final full stop ("see https://old.example.") is not a
// continuation. The host is matched without regard to ASCII case, the
// scheme (lower case) and the path exactly.
//
// Values that are PHP-serialized (internal/phpserial parses them) are
// rewritten inside every string value, strings that are themselves
// serialized included, and written back with every length recomputed, so
// PHP's unserialize still reads them. Array keys, property names, class
// names and the raw payload of custom-serialized (C:) objects are left
// alone, as WP-CLI leaves them. A value that looks serialized but does not
// parse is rewritten as plain text: it is not serialized data PHP could read
// anyway, and leaving the old URL in it would be worse. JSON documents are
// plain text for this purpose; the plain and JSON-escaped forms cover them.
type URLRewriter struct {
	old, new parsedURL
	// host is the old host, lower case, the string every form contains.
	host []byte
}

// parsedURL is a parsed site URL: scheme, authority (host, and ":port" when
// the URL has one), and the path without its trailing slash.
type parsedURL struct {
	scheme string // "http" or "https"
	host   string // lower case
	port   string // "" or digits
	path   string // "" or "/..." without a trailing slash
}

func (u parsedURL) authority() string {
	if u.port != "" {
		return u.host + ":" + u.port
	}
	return u.host
}

// NewURLRewriter returns a rewriter from oldURL to newURL. Both must be
// absolute http or https URLs in ASCII (an internationalized host in its
// xn-- form), with an optional port and path and no user name, query or
// fragment; a trailing slash is ignored. It refuses two URLs that are the
// same, and two on the same host and port where one path lies inside the
// other (https://a.example and https://a.example/staging): rewriting would
// then find the old URL again in its own output, so rewriting twice, or a
// row visited twice, would nest the path.
func NewURLRewriter(oldURL, newURL string) (*URLRewriter, error) {
	o, err := parseRewriteURL(oldURL)
	if err != nil {
		return nil, fmt.Errorf("%w: old URL %q: %v", ErrBadURL, oldURL, err)
	}
	n, err := parseRewriteURL(newURL)
	if err != nil {
		return nil, fmt.Errorf("%w: new URL %q: %v", ErrBadURL, newURL, err)
	}
	if o == n {
		return nil, fmt.Errorf("%w: the new URL %q is the old one: nothing to rewrite", ErrBadURL, newURL)
	}
	if o.authority() == n.authority() && (pathWithin(o.path, n.path) || pathWithin(n.path, o.path)) {
		return nil, fmt.Errorf("%w: %q and %q are on the same host and one path contains the other, so the old URL would be found again in the new one; "+
			"restore to another host name or to a path beside the old one", ErrBadURL, oldURL, newURL)
	}
	return &URLRewriter{old: o, new: n, host: []byte(o.host)}, nil
}

// pathWithin reports whether path p is base or lies below it.
func pathWithin(p, base string) bool {
	return p == base || strings.HasPrefix(p, base+"/")
}

func parseRewriteURL(s string) (parsedURL, error) {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return parsedURL{}, errors.New("it must be ASCII without spaces (write an internationalized host name in its xn-- form)")
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return parsedURL{}, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return parsedURL{}, errors.New("want an absolute http:// or https:// URL")
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return parsedURL{}, errors.New("want scheme, host, optional port and path only (no user name, query or fragment)")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || !validHost(host) {
		return parsedURL{}, errors.New("want a host name of letters, digits, dots and hyphens")
	}
	port := u.Port()
	if strings.HasSuffix(u.Host, ":") || (port != "" && (port[0] == '0' || len(port) > 5)) {
		return parsedURL{}, errors.New("bad port")
	}
	p := u.EscapedPath()
	for strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	if strings.Contains(p, "//") {
		// "//host" inside the path is a scheme-less URL of its own.
		return parsedURL{}, errors.New("path with an empty segment (//)")
	}
	for i := 0; i < len(p); i++ {
		if !isPathByte(p[i]) {
			return parsedURL{}, fmt.Errorf("path byte %q is not allowed", p[i])
		}
	}
	return parsedURL{scheme: u.Scheme, host: host, port: port, path: p}, nil
}

func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(isAlnum(c) || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return h[0] != '.' && h[len(h)-1] != '.'
}

// isPathByte reports whether c may appear in a site URL's path as we
// accept it: unreserved characters, percent escapes, sub-delimiters and
// ':', '@', '/'.
func isPathByte(c byte) bool {
	return isAlnum(c) || strings.IndexByte("-._~%!$&'()*+,;=:@/", c) >= 0
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// OldHost returns the old URL's host name in lower case. Every form the
// rewriter replaces contains it, so a database can look for it (with a
// case-insensitive LIKE) to find the values worth rewriting.
func (r *URLRewriter) OldHost() string { return r.old.host }

// Rewrite returns v with every occurrence of the old URL replaced, and
// whether anything changed. v is not modified; when nothing changed, v
// itself is returned.
func (r *URLRewriter) Rewrite(v []byte) ([]byte, bool) {
	if indexFold(v, r.host) < 0 {
		return v, false
	}
	if phpserial.Looks(v) {
		if pv, err := phpserial.Parse(v); err == nil {
			changed := false
			_ = pv.WalkNested(func(_ []string, s *phpserial.Value) error {
				if out, ok := r.rewritePlain(s.Str); ok {
					s.Str, changed = out, true
				}
				return nil
			})
			if !changed {
				return v, false
			}
			return pv.Append(make([]byte, 0, len(v)+64)), true
		}
	}
	return r.rewritePlain(v)
}

// encoding is one way a URL is written inside text.
type encoding uint8

const (
	encPlain encoding = iota // https://host/path
	encJSON                  // https:\/\/host\/path
	encURL                   // https%3A%2F%2Fhost%2Fpath
)

// encode writes s (a URL or part of one, ASCII) in encoding e. upper says
// the case of hex digits in percent escapes.
func encode(dst []byte, s string, e encoding, upper bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case e == encJSON && c == '/':
			dst = append(dst, '\\', '/')
		case e == encURL && !(isAlnum(c) || strings.IndexByte("-._~", c) >= 0):
			const hexU, hexL = "0123456789ABCDEF", "0123456789abcdef"
			hex := hexL
			if upper {
				hex = hexU
			}
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// matchEncoded reports whether b starts with s in encoding e, and how many
// bytes of b that takes. Percent escapes match with hex digits in either
// case; upper reports the case of the first escape's letters (true when it
// has none). Nothing else is case-insensitive.
func matchEncoded(b []byte, s string, e encoding) (n int, upper, ok bool) {
	upper, seen := true, false
	var buf [64]byte
	for i := 0; i < len(s); i++ {
		enc := encode(buf[:0], s[i:i+1], e, true)
		if len(b)-n < len(enc) {
			return 0, false, false
		}
		got := b[n : n+len(enc)]
		if len(enc) == 3 && enc[0] == '%' && e == encURL {
			if got[0] != '%' || !equalFold(got[1:], enc[1:]) {
				return 0, false, false
			}
			if !seen {
				for _, c := range got[1:] {
					if c >= 'a' && c <= 'f' {
						upper, seen = false, true
					} else if c >= 'A' && c <= 'F' {
						seen = true
					}
				}
			}
		} else if !bytes.Equal(got, enc) {
			return 0, false, false
		}
		n += len(enc)
	}
	return n, upper, true
}

// matchEncodedBefore is matchEncoded for s ending just before b[end].
func matchEncodedBefore(b []byte, end int, s string, e encoding) (start int, upper, ok bool) {
	// Every encoded byte takes 1 to 3 bytes; try each length the
	// encoding can give, which for our short prefixes is a handful.
	for l := len(s); l <= 3*len(s) && l <= end; l++ {
		n, up, ok := matchEncoded(b[end-l:end], s, e)
		if ok && n == l {
			return end - l, up, true
		}
	}
	return 0, false, false
}

// rewritePlain rewrites v as text, without looking for serialized data.
func (r *URLRewriter) rewritePlain(v []byte) ([]byte, bool) {
	var out []byte
	last := 0 // v[last:] has not been copied to out yet
	for from := 0; from < len(v); {
		i := indexFold(v[from:], r.host)
		if i < 0 {
			break
		}
		h := from + i
		start, end, enc, schemeful, upper, ok := r.matchAt(v, h, last)
		if !ok {
			from = h + 1
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(v)+32)
		}
		out = append(out, v[last:start]...)
		if schemeful {
			out = encode(out, r.new.scheme+"://", enc, upper)
		} else {
			out = encode(out, "//", enc, upper)
		}
		out = encode(out, r.new.authority()+r.new.path, enc, upper)
		last, from = end, end
	}
	if out == nil {
		return v, false
	}
	return append(out, v[last:]...), true
}

// matchAt checks whether the old host found at v[h:] is part of an
// occurrence of the old URL that starts at or after min, and returns its
// bounds, encoding, whether it has a scheme, and the case of its percent
// escapes.
func (r *URLRewriter) matchAt(v []byte, h, min int) (start, end int, enc encoding, schemeful, upper, ok bool) {
	found := false
	// Scheme-full forms first, the old URL's own scheme before the other;
	// then the scheme-less ones, which are suffixes of them.
	other := "http"
	if r.old.scheme == "http" {
		other = "https"
	}
	for _, p := range [...]struct {
		prefix    string
		schemeful bool
	}{{r.old.scheme + "://", true}, {other + "://", true}, {"//", false}} {
		for _, e := range [...]encoding{encPlain, encJSON, encURL} {
			s, up, ok := matchEncodedBefore(v, h, p.prefix, e)
			if ok && s >= min {
				start, enc, schemeful, upper, found = s, e, p.schemeful, up, true
				break
			}
		}
		if found {
			break
		}
	}
	if !found {
		return
	}
	// The host itself matched (case-insensitively) where it was found.
	end = h + len(r.host)
	rest := r.old.path
	if r.old.port != "" {
		rest = ":" + r.old.port + rest
	}
	// The case of percent escapes is the prefix's: every encoded prefix
	// has one, with letters.
	n, _, ok := matchEncoded(v[end:], rest, enc)
	if !ok {
		return
	}
	end += n
	if continues(v, end, enc) {
		return start, end, enc, schemeful, upper, false
	}
	return start, end, enc, schemeful, upper, true
}

// continues reports whether the text at v[i:] continues the host name,
// port or path segment that ends at i, so that the URL there is not the
// old one: a letter, digit, '-', '_', '~', '+', '@' (the host was a user
// name), '%' in plain text (an escaped path byte), ':' and a digit (a
// port), or '.' followed by one of those (a longer host or a file name). In
// URL-encoded text, escapes are decoded first.
func continues(v []byte, i int, enc encoding) bool {
	c, n, ok := decodeAt(v, i, enc)
	if !ok {
		return false
	}
	switch {
	case isAlnum(c) || c == '-' || c == '_' || c == '~' || c == '+' || c == '@':
		return true
	case c == '%':
		return true
	case c == ':':
		d, _, ok := decodeAt(v, i+n, enc)
		return ok && d >= '0' && d <= '9'
	case c == '.':
		d, _, ok := decodeAt(v, i+n, enc)
		return ok && (isAlnum(d) || d == '-' || d == '_' || d == '~')
	}
	return false
}

// decodeAt returns the byte at v[i:] as encoding enc writes it, and how
// many bytes it takes. In URL-encoded text a percent escape is one byte.
func decodeAt(v []byte, i int, enc encoding) (byte, int, bool) {
	if i >= len(v) {
		return 0, 0, false
	}
	if enc == encURL && v[i] == '%' && i+2 < len(v) {
		hi, ok1 := unhex(v[i+1])
		lo, ok2 := unhex(v[i+2])
		if ok1 && ok2 {
			return hi<<4 | lo, 3, true
		}
	}
	return v[i], 1, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// indexFold is bytes.Index with ASCII letters in sub matched in either
// case. sub must be lower case.
func indexFold(s, sub []byte) int {
	if len(sub) == 0 {
		return 0
	}
	lo, up := sub[0], sub[0]
	if lo >= 'a' && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	// nextLo and nextUp are the next positions of the first byte in each
	// case, kept between rounds so that a long value is scanned once.
	nextLo, nextUp := -2, -2
	next := func(c byte, at, i int) int {
		if at >= i || at == -1 {
			return at
		}
		if j := bytes.IndexByte(s[i:], c); j >= 0 {
			return i + j
		}
		return -1
	}
	for i := 0; i+len(sub) <= len(s); {
		nextLo = next(lo, nextLo, i)
		j := nextLo
		if up != lo {
			nextUp = next(up, nextUp, i)
			if nextUp >= 0 && (j < 0 || nextUp < j) {
				j = nextUp
			}
		}
		if j < 0 || j+len(sub) > len(s) {
			return -1
		}
		if equalFold(s[j:j+len(sub)], sub) {
			return j
		}
		i = j + 1
	}
	return -1
}

// equalFold compares a and b, ASCII letters in either case.
func equalFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
