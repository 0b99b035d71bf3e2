package anonymize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/internal/phpserial"
	"github.com/stagecopy/stagecopy/rules"
)

// pathRules returns the rules of a colOp's path operations, and the op of
// each rule.
func pathRules(ops []pathOp) ([]*rules.PathRule, map[*rules.PathRule]*pathOp) {
	rs := make([]*rules.PathRule, len(ops))
	by := make(map[*rules.PathRule]*pathOp, len(ops))
	for i := range ops {
		rs[i] = ops[i].rule
		by[ops[i].rule] = &ops[i]
	}
	return rs, by
}

// transformPHP applies path rules inside a PHP-serialized value, with the
// string lengths recomputed. The most specific path rule wins (see
// rules.ForPath). Strings that are themselves serialized PHP are walked too,
// with the same path. A value that is not serialized PHP, a rule that names
// an array or object (its contents would pass unchanged) and a custom
// serialized object (C:, opaque) are errors: fail closed.
func transformPHP(op *colOp, in []byte, null bool, row Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	v, err := phpserial.Parse(in)
	if err != nil {
		return nil, false, fmt.Errorf("%w: value is not PHP-serialized data (%v); restrict the rule with where:", ErrUnsafe, err)
	}
	col := Column{Table: op.col.Table, Name: op.col.Name}
	changed, err := walkPHP(v, nil, op.phpRS, op.phpBy, col, row)
	if err != nil || !changed {
		return in, null, err
	}
	return v.Append(nil), false, nil
}

func walkPHP(v *phpserial.Value, path []string, rs []*rules.PathRule, by map[*rules.PathRule]*pathOp, col Column, row Row) (bool, error) {
	if v.Kind == phpserial.KindCustom {
		return false, fmt.Errorf("%w: a custom-serialized object (C:%s) at %q cannot be read", ErrUnsafe, v.Class, strings.Join(path, "."))
	}
	if len(path) > 0 {
		if pr := rules.ForPath(rs, path); pr != nil {
			po := by[pr]
			switch v.Kind {
			case phpserial.KindString, phpserial.KindInt, phpserial.KindFloat:
				text := v.Str
				if v.Kind != phpserial.KindString {
					text = v.Num
				}
				out, outNull, err := po.tr.Transform(text, false, col, row)
				if err != nil {
					return false, fmt.Errorf("php path %s: %w", pr.Path, err)
				}
				switch {
				case outNull:
					if v.Kind == phpserial.KindNull {
						return false, nil
					}
					*v = phpserial.Value{Kind: phpserial.KindNull}
					return true, nil
				case bytes.Equal(out, text):
					return false, nil
				}
				*v = phpserial.Value{Kind: phpserial.KindString, Str: append([]byte(nil), out...)}
				return true, nil
			case phpserial.KindArray, phpserial.KindObject:
				return false, fmt.Errorf("%w: php path %s names an %s at %q, whose contents would pass unchanged; name the fields inside it", ErrUnsafe, pr.Path, v.Kind, strings.Join(path, "."))
			}
			return false, nil // null, bool, references: no data
		}
	}
	changed := false
	if v.Kind == phpserial.KindString && phpserial.Looks(v.Str) {
		if inner, err := phpserial.Parse(v.Str); err == nil {
			ch, err := walkPHP(inner, path, rs, by, col, row)
			if err != nil {
				return false, err
			}
			if ch {
				v.Str = inner.Append(nil)
				changed = true
			}
		}
	}
	for i := range v.Items {
		ch, err := walkPHP(&v.Items[i].Val, append(path, phpKey(&v.Items[i].Key)), rs, by, col, row)
		if err != nil {
			return false, err
		}
		changed = changed || ch
	}
	return changed, nil
}

// phpKey names an array key or property: integers as decimal text, private
// and protected property names without their "\x00Class\x00" prefix.
func phpKey(k *phpserial.Value) string {
	if k.Kind == phpserial.KindInt {
		return string(k.Num)
	}
	s := k.Str
	if len(s) > 0 && s[0] == 0 {
		if i := bytes.IndexByte(s[1:], 0); i >= 0 {
			s = s[i+2:]
		}
	}
	return string(s)
}

// transformJSON applies path rules inside a JSON value. Touched documents
// come out with sorted keys and no insignificant whitespace. Input that is
// not exactly one valid UTF-8 JSON document, and a rule naming an object or
// array, are errors.
func transformJSON(op *colOp, in []byte, null bool, row Row) ([]byte, bool, error) {
	if null || len(bytes.TrimSpace(in)) == 0 {
		return in, null, nil
	}
	if !utf8.Valid(in) {
		return nil, false, fmt.Errorf("%w: value is not valid UTF-8 JSON", ErrUnsafe)
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false, fmt.Errorf("%w: value is not JSON (%v); restrict the rule with where:", ErrUnsafe, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, fmt.Errorf("%w: value holds more than one JSON document", ErrUnsafe)
	}
	rs, by := op.jsonRS, op.jsonBy
	col := Column{Table: op.col.Table, Name: op.col.Name}
	changed := false
	var walk func(v any, path []string) (any, error)
	walk = func(v any, path []string) (any, error) {
		if len(path) > 0 {
			if pr := rules.ForPath(rs, path); pr != nil {
				var s []byte
				switch x := v.(type) {
				case string:
					s = []byte(x)
				case json.Number:
					s = []byte(x)
				case map[string]any, []any:
					return nil, fmt.Errorf("%w: json path %s names an object or array at %q, whose contents would pass unchanged; name the fields inside it", ErrUnsafe, pr.Path, strings.Join(path, "."))
				default:
					return v, nil // null, true, false: no data
				}
				out, outNull, err := by[pr].tr.Transform(s, false, col, row)
				if err != nil {
					return nil, fmt.Errorf("json path %s: %w", pr.Path, err)
				}
				if outNull {
					changed = true
					return nil, nil
				}
				if !bytes.Equal(out, s) {
					changed = true
					return string(out), nil
				}
				return v, nil
			}
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				nv, err := walk(e, append(path, k))
				if err != nil {
					return nil, err
				}
				x[k] = nv
			}
		case []any:
			for i, e := range x {
				nv, err := walk(e, append(path, strconv.Itoa(i)))
				if err != nil {
					return nil, err
				}
				x[i] = nv
			}
		}
		return v, nil
	}
	doc, err := walk(doc, nil)
	if err != nil || !changed {
		return in, null, err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, false, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), false, nil
}

// looksJSON reports whether b starts like a JSON object or array.
func looksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}
