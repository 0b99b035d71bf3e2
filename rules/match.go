package rules

import (
	"path"
	"strings"
)

// ForTable returns the rule for a table, or nil when no rule names it (the
// table is then copied unchanged). Table names are compared exactly.
//
// When several patterns match, the most specific wins: an exact name beats
// any glob; among globs the one with the longer literal prefix (the text
// before the first *, ? or [) wins, then the one with more literal
// characters; a remaining tie goes to the pattern that appeared first.
func (r *Rules) ForTable(table string) *TableRule {
	if r == nil {
		return nil
	}
	var best *TableRule
	var bestSpec specificity
	for _, t := range r.Tables {
		if !globMatch(t.Pattern, table) {
			continue
		}
		s := specificityOf(t.Pattern)
		if best == nil || s.beats(bestSpec) {
			best, bestSpec = t, s
		}
	}
	return best
}

// ForKey returns the rule for an EAV key, or nil when no rule names it (the
// value is then copied unchanged). Keys are compared case-insensitively, and
// the most specific pattern wins as in ForTable.
func (e *EAVRule) ForKey(key string) *KeyRule {
	if e == nil {
		return nil
	}
	e.once.Do(e.index)
	// MySQL's PAD SPACE collations compare 'birthday ' equal to 'birthday',
	// and so does the application reading the key.
	k := strings.ToLower(strings.TrimRight(key, " "))
	if kr := e.exact[k]; kr != nil {
		return kr
	}
	for _, kr := range e.globs {
		if globMatch(strings.ToLower(kr.Key), k) {
			return kr
		}
	}
	return nil
}

// index splits the keys into an exact-match map and a list of globs sorted
// most specific first.
func (e *EAVRule) index() {
	e.exact = make(map[string]*KeyRule)
	var globs []*KeyRule
	for _, kr := range e.Keys {
		if isLiteral(kr.Key) {
			lk := strings.ToLower(kr.Key)
			if e.exact[lk] == nil {
				e.exact[lk] = kr
			}
			continue
		}
		globs = append(globs, kr)
	}
	// Stable insertion sort: the lists are short and ties keep file order.
	for i := 1; i < len(globs); i++ {
		for j := i; j > 0 && specificityOf(globs[j].Key).beats(specificityOf(globs[j-1].Key)); j-- {
			globs[j], globs[j-1] = globs[j-1], globs[j]
		}
	}
	e.globs = globs
}

// ForPath returns the most specific path rule matching a path inside a PHP or
// JSON document (keys from the root, list indexes as decimal strings), or nil.
// A path without wildcards beats one with; then more literal segments win;
// a remaining tie goes to the rule given first.
func ForPath(paths []*PathRule, keys []string) *PathRule {
	var best *PathRule
	bestLit, bestWild := -1, 0
	for _, p := range paths {
		if !p.Match(keys) {
			continue
		}
		lit, wild := 0, 0
		for _, s := range p.segments() {
			if isLiteral(s) {
				lit++
			} else {
				wild++
			}
		}
		better := best == nil ||
			(wild == 0 && bestWild != 0) ||
			((wild == 0) == (bestWild == 0) && lit > bestLit)
		if better {
			best, bestLit, bestWild = p, lit, wild
		}
	}
	return best
}

// Match reports whether the rule's path matches a path of keys inside a
// document. Keys are compared exactly (PHP and JSON keys are case-sensitive).
func (p *PathRule) Match(keys []string) bool {
	return matchSegs(p.segments(), keys)
}

func (p *PathRule) segments() []string {
	if p.segs != nil {
		return p.segs
	}
	return strings.Split(p.Path, ".")
}

func matchSegs(pat, keys []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(keys); i++ {
				if matchSegs(pat[1:], keys[i:]) {
					return true
				}
			}
			return false
		}
		if len(keys) == 0 || !globMatch(pat[0], keys[0]) {
			return false
		}
		pat, keys = pat[1:], keys[1:]
	}
	return len(keys) == 0
}

const globMeta = `*?[\`

func isLiteral(p string) bool { return !strings.ContainsAny(p, globMeta) }

func globMatch(pattern, name string) bool {
	if isLiteral(pattern) {
		return pattern == name
	}
	// path.Match's * stops at '/', but keys and table names are not paths
	// ("_transient_api/customers"): take '/' for an ordinary byte.
	ok, _ := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(name, "/", "\x00"))
	return ok
}

// specificity orders patterns: literal first, then longer literal prefix,
// then more literal characters.
type specificity struct {
	literal  bool
	prefix   int
	literals int
}

func (s specificity) beats(o specificity) bool {
	if s.literal != o.literal {
		return s.literal
	}
	if s.prefix != o.prefix {
		return s.prefix > o.prefix
	}
	return s.literals > o.literals
}

func specificityOf(p string) specificity {
	if isLiteral(p) {
		return specificity{literal: true, prefix: len(p), literals: len(p)}
	}
	s := specificity{prefix: strings.IndexAny(p, globMeta)}
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '\\':
			i++
			s.literals++
		case c == '*' || c == '?':
		default:
			s.literals++
		}
	}
	return s
}
