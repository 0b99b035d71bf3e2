package phpserial

import (
	"bytes"
	"strconv"
)

// WalkNested calls fn for every string value inside v (v itself if it is
// a string), in order, with the path of keys that leads to it: array keys
// and object property names as strings, integer keys in decimal. Property
// names are given without PHP's visibility prefix ("\x00*\x00name" and
// "\x00Class\x00name" both give "name"). Keys, class names, enum cases and
// the raw data of custom objects are not visited.
//
// It also goes into strings whose content is itself a serialized array,
// object or string (WooCommerce sessions keep their parts that way, and
// WordPress sometimes serializes twice): the keys inside continue the path,
// fn sees the inner strings instead of the outer one, and the outer string
// is re-encoded afterwards, so lengths stay right at every level. A string
// that only looks serialized but does not parse is visited as a plain
// string.
//
// fn may change s.Str. The path slice is reused between calls: copy it to
// keep it. An error from fn stops the walk and is returned as is.
func (v *Value) WalkNested(fn func(path []string, s *Value) error) error {
	w := walker{fn: fn}
	return w.walk(v, 0)
}

type walker struct {
	fn   func(path []string, s *Value) error
	path []string
}

func (w *walker) walk(v *Value, depth int) error {
	switch v.Kind {
	case KindString:
		if depth < MaxDepth && Looks(v.Str) {
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

// String returns the serialized form of v, for debugging and tests.
func (v *Value) String() string {
	return string(v.Append(nil))
}

// Int returns the value of a KindInt, or of a KindRef or KindAlias number.
func (v *Value) Int() (int64, error) {
	return strconv.ParseInt(string(v.Num), 10, 64)
}
