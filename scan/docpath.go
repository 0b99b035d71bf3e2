package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/stagecopy/stagecopy/internal/phpserial"
)

// docPath returns where inside v, a JSON or PHP-serialized document, the
// first string holding kind is: "billing.email", or "*.ip" (list indexes
// and keys that are not plain names are "*"), in the path syntax of the
// rules' json: and php: maps. It returns "" when v is neither, or when
// kind is found only in the document as a whole.
func docPath(v []byte, kind Kind) (path, doc string) {
	holds := func(s []byte) bool {
		for _, m := range detect(nil, s) {
			if m.kind == kind {
				return true
			}
		}
		return false
	}
	t := bytes.TrimLeft(v, " \t\r\n")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if dec.Decode(&x) == nil {
			if p, ok := jsonPath(x, nil, holds); ok {
				return p, "json"
			}
		}
		return "", ""
	}
	if phpserial.Looks(v) {
		if pv, err := phpserial.Parse(v); err == nil {
			found := ""
			err := pv.WalkNested(func(p []string, s *phpserial.Value) error {
				if holds(s.Str) {
					found = joinPath(p)
					return errStop
				}
				return nil
			})
			if err == errStop {
				return found, "php"
			}
		}
	}
	return "", ""
}

var errStop = errors.New("scan: found")

func jsonPath(x any, p []string, holds func([]byte) bool) (string, bool) {
	switch x := x.(type) {
	case string:
		if holds([]byte(x)) {
			return joinPath(p), true
		}
	case []any:
		for _, e := range x {
			if s, ok := jsonPath(e, append(p, "*"), holds); ok {
				return s, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if s, ok := jsonPath(x[k], append(p, k), holds); ok {
				return s, true
			}
		}
	}
	return "", false
}

// joinPath writes a path for a rule: numeric keys and keys that are not
// plain names (or would not read back as one segment) become "*".
func joinPath(p []string) string {
	out := make([]string, len(p))
	for i, s := range p {
		numeric := s != "" && strings.Trim(s, "0123456789") == ""
		if numeric || !plainKey([]byte(s)) || strings.ContainsAny(s, ".*?[]\\") {
			s = "*"
		}
		out[i] = s
	}
	return strings.Join(out, ".")
}
