package phpserial

import (
	"bytes"
	"strconv"
	"strings"
)

// Walk calls fn for every string value inside v (v itself if it is a
// string), in order, with the path of keys that leads to it: array keys
// and object property names as strings, integer keys in decimal. Property
// names are given without PHP's visibility prefix ("\x00*\x00name" and
// "\x00Class\x00name" both give "name"). Keys, class names, enum cases and
// the raw data of custom objects are not visited.
//
// fn may change s.Str. The path slice is reused between calls: copy it to
// keep it. An error from fn stops the walk and is returned as is.
func (v *Value) Walk(fn func(path []string, s *Value) error) error {
	w := walker{fn: fn}
	return w.walk(v, 0)
}

// WalkNested is [Value.Walk] that also goes into strings whose content is
// itself a serialized array, object or string (WooCommerce sessions keep
// their parts that way, and WordPress sometimes serializes twice): the keys
// inside continue the path, fn sees the inner strings instead of the outer
// one, and the outer string is re-encoded afterwards, so lengths stay right
// at every level. A string that only looks serialized but does not parse is
// visited as a plain string.
func (v *Value) WalkNested(fn func(path []string, s *Value) error) error {
	w := walker{fn: fn, nested: true}
	return w.walk(v, 0)
}

type walker struct {
	fn     func(path []string, s *Value) error
	path   []string
	nested bool
}

func (w *walker) walk(v *Value, depth int) error {
	switch v.Kind {
	case KindString:
		if w.nested && depth < MaxDepth && Looks(v.Str) {
			if inner, err := parseDepth(v.Str, depth+1); err == nil && holdsStrings(inner) {
				if err := w.walk(inner, depth+1); err != nil {
					return err
				}
				v.Str = inner.Append(make([]byte, 0, len(v.Str)))
				return nil
			}
		}
		return w.fn(w.path, v)
	case KindArray, KindObject:
		for i := range v.Items {
			it := &v.Items[i]
			w.path = append(w.path, keyString(&it.Key, v.Kind == KindObject))
			err := w.walk(&it.Val, depth+1)
			w.path = w.path[:len(w.path)-1]
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// holdsStrings reports whether a nested value can contain strings.
func holdsStrings(v *Value) bool {
	return v.Kind == KindString || v.Kind == KindArray || v.Kind == KindObject
}

// parseDepth is Parse for a value found at the given nesting depth.
func parseDepth(b []byte, depth int) (*Value, error) {
	p := parser{b: b}
	v := new(Value)
	pos, err := p.value(v, 0, depth)
	if err != nil {
		return nil, err
	}
	if pos != len(b) {
		return nil, &SyntaxError{Offset: pos, Msg: "unexpected data after the value"}
	}
	return v, nil
}

// keyString returns a key as a path element.
func keyString(k *Value, property bool) string {
	if k.Kind != KindString {
		return string(k.Num)
	}
	s := k.Str
	if property && len(s) > 0 && s[0] == 0 {
		if i := bytes.IndexByte(s[1:], 0); i >= 0 {
			s = s[i+2:]
		}
	}
	return string(s)
}

// ReplaceAll replaces every non-overlapping old with new in every string
// value inside v, as [Value.Walk] visits them (not in keys, class names or
// the raw data of custom objects, the way WP-CLI's search-replace does), and
// returns how many it replaced. It does nothing if old is empty. Append then
// writes the value with the new lengths.
func (v *Value) ReplaceAll(old, new []byte) int {
	return v.replace(old, new, false, 0)
}

// ReplaceAllNested is [Value.ReplaceAll] that also replaces inside strings
// whose content is itself serialized (see [Value.WalkNested]), re-encoding
// them so that the inner and outer lengths are both right. Strings that look
// serialized but do not parse get a plain replacement.
func (v *Value) ReplaceAllNested(old, new []byte) int {
	return v.replace(old, new, true, 0)
}

func (v *Value) replace(old, new []byte, nested bool, depth int) int {
	if len(old) == 0 {
		return 0
	}
	switch v.Kind {
	case KindString:
		if !bytes.Contains(v.Str, old) {
			return 0
		}
		if nested && depth < MaxDepth && Looks(v.Str) {
			if inner, err := parseDepth(v.Str, depth+1); err == nil {
				n := inner.replace(old, new, nested, depth+1)
				if n > 0 {
					v.Str = inner.Append(make([]byte, 0, len(v.Str)+n*(len(new)-len(old))+8))
				}
				return n
			}
		}
		n := bytes.Count(v.Str, old)
		v.Str = bytes.ReplaceAll(v.Str, old, new)
		return n
	case KindArray, KindObject:
		n := 0
		for i := range v.Items {
			n += v.Items[i].Val.replace(old, new, nested, depth+1)
		}
		return n
	}
	return 0
}

// MatchPath reports whether path matches pattern. The pattern is a list of
// keys separated by dots; "*" matches any one key and "**" any number of
// keys, none included. A backslash makes the next character literal, so
// `a\.b` is the single key "a.b" and `\*` the key "*". The empty pattern
// matches only the empty path.
//
// Examples: "*.ip" matches ["f3a…", "ip"] (WordPress session_tokens);
// "**.email" matches ["customer", "email"] and ["email"]; "billing.*"
// matches ["billing", "city"] but not ["billing"].
func MatchPath(pattern string, path []string) bool {
	if pattern == "" {
		return len(path) == 0
	}
	return matchSegments(pattern, path)
}

// matchSegments matches a pattern of at least one segment, maybe empty.
func matchSegments(pattern string, path []string) bool {
	seg, rest, more := nextSegment(pattern)
	switch seg {
	case "**":
		// Consecutive ** are the same as one.
		for more {
			s, r, m := nextSegment(rest)
			if s != "**" {
				break
			}
			rest, more = r, m
		}
		if !more {
			return true
		}
		for i := 0; i <= len(path); i++ {
			if matchSegments(rest, path[i:]) {
				return true
			}
		}
		return false
	case "*":
		if len(path) == 0 {
			return false
		}
	default:
		if len(path) == 0 || !segmentIs(seg, path[0]) {
			return false
		}
	}
	if !more {
		return len(path) == 1
	}
	return matchSegments(rest, path[1:])
}

// nextSegment splits the first dot-separated segment (still escaped) off
// pattern. more reports whether a dot followed it.
func nextSegment(pattern string) (seg, rest string, more bool) {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '\\':
			i++
		case '.':
			return pattern[:i], pattern[i+1:], true
		}
	}
	return pattern, "", false
}

// segmentIs compares an escaped pattern segment with a key.
func segmentIs(seg, key string) bool {
	if strings.IndexByte(seg, '\\') < 0 {
		return seg == key
	}
	j := 0
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c == '\\' && i+1 < len(seg) {
			i++
			c = seg[i]
		}
		if j >= len(key) || key[j] != c {
			return false
		}
		j++
	}
	return j == len(key)
}

// String returns the serialized form of v, for debugging and tests.
func (v *Value) String() string {
	return string(v.Append(nil))
}

// Int returns the value of a KindInt, or of a KindRef or KindAlias number.
func (v *Value) Int() (int64, error) {
	return strconv.ParseInt(string(v.Num), 10, 64)
}
