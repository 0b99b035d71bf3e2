package anonymize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stagecopy/stagecopy/internal/phpserial"
)

// transformPHP applies path rules inside a PHP-serialized value, with the
// string lengths recomputed. A value that is not serialized PHP is an error:
// the rule says personal data lives at those paths, and a value the filter
// cannot read must not pass unchanged.
func transformPHP(op *colOp, in []byte, null bool, row Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	v, err := phpserial.Parse(in)
	if err != nil {
		return nil, false, fmt.Errorf("%w: value is not PHP-serialized data (%v); restrict the rule with where:", ErrUnsafe, err)
	}
	changed := false
	err = v.Walk(func(path []string, s *phpserial.Value) error {
		for _, po := range op.php {
			if !po.rule.Match(path) {
				continue
			}
			out, outNull, err := po.tr.Transform(s.Str, false, Column{Table: op.col.Table, Name: op.col.Name}, row)
			if err != nil {
				return fmt.Errorf("php path %s: %w", po.rule.Path, err)
			}
			if outNull {
				out = nil
			}
			if !bytes.Equal(out, s.Str) {
				s.Str = append([]byte(nil), out...)
				changed = true
			}
			return nil
		}
		return nil
	})
	if err != nil || !changed {
		return in, null, err
	}
	return v.Append(nil), false, nil
}

// transformJSON applies path rules inside a JSON value. Keys of touched
// documents come out sorted and without insignificant whitespace.
func transformJSON(op *colOp, in []byte, null bool, row Row) ([]byte, bool, error) {
	if null || len(bytes.TrimSpace(in)) == 0 {
		return in, null, nil
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false, fmt.Errorf("%w: value is not JSON (%v); restrict the rule with where:", ErrUnsafe, err)
	}
	changed := false
	var walk func(v any, path []string) (any, error)
	walk = func(v any, path []string) (any, error) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				nv, err := walk(e, append(path, k))
				if err != nil {
					return nil, err
				}
				x[k] = nv
			}
			return x, nil
		case []any:
			for i, e := range x {
				nv, err := walk(e, append(path, strconv.Itoa(i)))
				if err != nil {
					return nil, err
				}
				x[i] = nv
			}
			return x, nil
		case nil, bool:
			return v, nil
		}
		var s []byte
		switch x := v.(type) {
		case string:
			s = []byte(x)
		case json.Number:
			s = []byte(x)
		}
		for _, po := range op.json {
			if !po.rule.Match(path) {
				continue
			}
			out, outNull, err := po.tr.Transform(s, false, Column{Table: op.col.Table, Name: op.col.Name}, row)
			if err != nil {
				return nil, fmt.Errorf("json path %s: %w", po.rule.Path, err)
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
		return v, nil
	}
	doc, err := walk(doc, nil)
	if err != nil || !changed {
		return in, null, err
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, false, err
	}
	return out, false, nil
}

// looksJSON reports whether b starts like a JSON object or array.
func looksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}
