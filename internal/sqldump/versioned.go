package sqldump

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Versioned comments are code to some servers and comments to others:
//
//   - MySQL runs "/*!" followed by five digits when the digits, as a version
//     (50705 is 5.7.5), are at most its own version, and "/*!" without
//     digits always. It reads "/*M!..." as a plain comment.
//   - MariaDB runs "/*!" without digits, "/*!NNNNN" below 50700 (it skips
//     50700 to 99999, MySQL 5.7 and 8 syntax it may not know), and
//     "/*M!NNNNN" or "/*M!NNNNNN" (MariaDB versions, 100100 is 10.1.0)
//     at most its own version; "/*M!" without digits always.
//
// A comment whose digits are read differently by different servers is not
// supported where servers must agree (see condError): "/*!100100" is
// version 10.1.0 followed by code to MariaDB (and to MySQL 8.1 and later
// when a space follows), but version 1.0.10 followed by the code "0"
// to older MySQL; "/*!123" is no version at all, so its digits are code.

// A Reading is one way the servers read text with versioned comments: the
// comments they run, the ones they skip. [Readings] lists the ways that
// matter for a given set of comments.
type Reading struct {
	// Server names the servers that read this way, e.g. "MySQL 5.7.5 or
	// newer" or "MariaDB older than 10.1.0 or MySQL older than 5.7.5".
	Server string

	mariadb bool
	// version is the server's version, or just below the next comment's:
	// MySQL runs "/*!v" for v <= version; MariaDB runs "/*M!v" for v <=
	// version.
	version int
}

// vcond is a versioned comment's opener ("/*!50705"), parsed.
type vcond struct {
	mariadb bool // "/*M!"
	digits  int
	version int
}

func parseCond(cond string) (vcond, bool) {
	var c vcond
	switch {
	case strings.HasPrefix(cond, "/*M!"):
		c.mariadb = true
		cond = cond[4:]
	case strings.HasPrefix(cond, "/*!"):
		cond = cond[3:]
	default:
		return c, false
	}
	for i := 0; i < len(cond); i++ {
		if cond[i] < '0' || cond[i] > '9' {
			return c, false
		}
	}
	c.digits = len(cond)
	if c.digits > 0 {
		v, err := strconv.Atoi(cond)
		if err != nil {
			return c, false
		}
		c.version = v
	}
	return c, true
}

// condError returns why servers would not agree on what the versioned
// comment opened by cond ("/*!50705", "/*M!100100", "/*!") holds, or "".
func condError(cond string) string {
	c, ok := parseCond(cond)
	switch {
	case !ok:
		return "not a versioned comment opener"
	case c.digits == 0 || c.digits == 5:
		return ""
	case c.digits == 6 && c.mariadb:
		return ""
	case c.digits == 6:
		return "a six-digit version after \"/*!\" is read as five digits and a digit of code by MySQL before 8.1, as six digits by others; use \"/*M!\" for MariaDB versions"
	case c.digits < 5:
		return "fewer than five digits after \"/*!\" are not a version but code to the server"
	default:
		return "more than six digits after \"/*!\": servers read the version and the code after it differently"
	}
}

// Runs reports whether the servers of r run the body of the versioned
// comment opened by cond, such as "/*!50705" or "/*M!100100". Openers that
// condError rejects are reported as skipped.
func (r Reading) Runs(cond string) bool {
	c, ok := parseCond(cond)
	if !ok || condError(cond) != "" {
		return false
	}
	if c.digits == 0 {
		return !c.mariadb || r.mariadb
	}
	if r.mariadb {
		if c.mariadb {
			return c.version <= r.version
		}
		return c.version < 50700
	}
	return !c.mariadb && c.version <= r.version
}

// versionName writes a version number as MySQL and MariaDB do: 50705 is
// 5.7.5, 100100 is 10.1.0.
func versionName(v int) string {
	return fmt.Sprintf("%d.%d.%d", v/10000, v/100%100, v%100)
}

// maxConds is how many different versioned comment openers [Readings]
// takes: each is a way to read the text more, to be checked.
const maxConds = 64

// Readings returns the different ways MySQL and MariaDB servers of any
// version read text whose versioned comments have the openers conds
// ("/*!50705", "/*M!100100", "/*!"): one Reading for each set of these
// comments some server runs. It fails for an opener [condError] rejects,
// and for more than 64 different openers. With no versioned comments there
// is one reading.
func Readings(conds ...string) ([]Reading, error) {
	var my, maria []int
	if len(conds) > maxConds {
		seen := map[string]bool{}
		for _, c := range conds {
			seen[c] = true
		}
		if len(seen) > maxConds {
			return nil, fmt.Errorf("versioned comments with %d different versions: more than %d", len(seen), maxConds)
		}
	}
	for _, cond := range conds {
		if msg := condError(cond); msg != "" {
			return nil, fmt.Errorf("versioned comment %q: %s", cond, msg)
		}
		c, _ := parseCond(cond)
		switch {
		case c.digits == 0:
		case c.mariadb:
			maria = append(maria, c.version)
		default:
			my = append(my, c.version)
		}
	}
	slices.Sort(my)
	my = slices.Compact(my)
	slices.Sort(maria)
	maria = slices.Compact(maria)
	var out []Reading
	add := func(r Reading) {
		for i, o := range out {
			if sameRuns(o, r, conds) {
				out[i].Server += " or " + r.Server
				return
			}
		}
		out = append(out, r)
	}
	for _, fam := range []struct {
		name     string
		mariadb  bool
		versions []int
	}{{"MySQL", false, my}, {"MariaDB", true, maria}} {
		vs := fam.versions
		if len(vs) == 0 {
			add(Reading{Server: fam.name, mariadb: fam.mariadb, version: 1 << 30})
			continue
		}
		add(Reading{Server: fam.name + " older than " + versionName(vs[0]), mariadb: fam.mariadb, version: vs[0] - 1})
		for i, v := range vs {
			name := fam.name + " " + versionName(v) + " or newer"
			if i+1 < len(vs) {
				name = fam.name + " " + versionName(v) + " to " + versionName(vs[i+1]-1)
			}
			add(Reading{Server: name, mariadb: fam.mariadb, version: v})
		}
	}
	return out, nil
}

// sameRuns reports whether a and b run the same comments of conds.
func sameRuns(a, b Reading, conds []string) bool {
	for _, c := range conds {
		if a.Runs(c) != b.Runs(c) {
			return false
		}
	}
	return true
}

// errStrip is returned by Strip for text it cannot read the way servers do.
var errStrip = errors.New("sqldump: a string or comment runs past the end of a versioned comment")

// Strip returns text as the servers of r read it: the versioned comments
// they run without their markers, the ones they skip removed (each marker
// and skipped comment becomes a space, so that words stay apart). Strings,
// quoted identifiers and plain comments are copied as they are. It fails for
// an opener [condError] rejects, and for a string, identifier or comment that
// starts inside a versioned comment and runs past its end.
func (r Reading) Strip(text []byte) ([]byte, error) {
	out := make([]byte, 0, len(text))
	vend := -1 // index of the "*/" ending the versioned comment being run
	for i := 0; i < len(text); {
		if i == vend {
			out = append(out, ' ')
			i += len(commentEnd)
			vend = -1
			continue
		}
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
			switch k, e := slashComment(text, i, true); k {
			case isComment:
				j = skipBlock(text, i, true)
			case isVersioned:
				if vend >= 0 {
					return nil, errStrip // nested
				}
				cond := string(text[i:e])
				if msg := condError(cond); msg != "" {
					return nil, fmt.Errorf("sqldump: versioned comment %q: %s", cond, msg)
				}
				end := bytes.Index(text[e:], commentEnd)
				if end < 0 {
					end = len(text)
				} else {
					end += e
				}
				out = append(out, ' ')
				if r.Runs(cond) {
					vend = end
					i = e
				} else {
					i = min(len(text), end+len(commentEnd))
				}
				continue
			}
		}
		if j < 0 {
			j = len(text)
		}
		if vend >= 0 && j > vend {
			return nil, errStrip
		}
		out = append(out, text[i:j]...)
		i = j
	}
	return out, nil
}

// condsIn returns the openers of the versioned comments in text, each once,
// in order.
func condsIn(text []byte) []string {
	var out []string
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
			switch k, e := slashComment(text, i, true); k {
			case isComment:
				j = skipBlock(text, i, true)
			case isVersioned:
				if c := string(text[i:e]); !slices.Contains(out, c) {
					out = append(out, c)
				}
				j = e
			}
		}
		if j < 0 {
			j = len(text)
		}
		i = j
	}
	return out
}
