// Transformers: the interface, the registry of named transformers with
// their options (New, Validate, Names, Describe), and what they share:
// column limits and the too-long error.

package anonymize

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/internal/suggest"
)

// Column is what a transformer knows of the target column.
type Column struct {
	Table, Name string
	// Type is the lower-case base SQL type: varchar, char, text, tinytext,
	// mediumtext, longtext, blob, varbinary, int, bigint, decimal, date,
	// datetime, timestamp, json, ... ("" if unknown).
	Type string
	// MaxLen is the longest value the column holds: characters for char and
	// varchar, bytes for the text and blob families and for binary and
	// varbinary (and when Type is unknown); 0 means unknown or unlimited.
	MaxLen int
	// Unique is set for columns under a unique key.
	Unique bool
}

// Row gives access to the other values of the row being transformed:
// already transformed values for columns that have rules, original values
// otherwise. It is used by the template transformer.
type Row interface {
	// Get returns the value of the named column; ok is false if the row
	// has no such column.
	Get(column string) (value []byte, isNull bool, ok bool)
}

// Transformer turns one value into its fake.
//
// in is the decoded value (raw bytes, not SQL-escaped); null reports SQL
// NULL. The returned out may share memory with in or with the
// transformer's read-only tables: callers must copy it before changing it,
// and must not change in while still using out.
//
// Transformers are safe for concurrent use. Those built with the same name
// map equal inputs to equal outputs everywhere (the name is the "kind" mixed
// into the Keyer's sum), whatever the table or column, so that the same email
// becomes the same fake in wp_users, in wp_usermeta and inside a PHP
// session. Only a column too short for the usual fake changes that.
type Transformer interface {
	Transform(in []byte, null bool, col Column, row Row) (out []byte, outNull bool, err error)
}

// appendTransformer is a Transformer that can write the fake it makes
// into a buffer it is given, so that a column value costs no allocation:
// the plan gives each value the same buffer.
type appendTransformer interface {
	Transformer
	// appendTransform returns what Transform returns. It writes a fake
	// it makes after dst's bytes (dst may be nil), and returns the fake
	// alone, which may also be in or a constant. The caller copies the
	// result before it passes dst's array again.
	appendTransform(dst, in []byte, null bool, col Column, row Row) (out []byte, outNull bool, err error)
}

// ErrTooLong reports that a fake cannot fit the column. Errors wrapping it
// say which transformer, how long the fake had to be and what the column
// allows.
var ErrTooLong = errors.New("anonymize: fake value does not fit the column")

// ErrType is returned when a fake is not of the column's type: text for a
// number column, which the server would cut down to a number or refuse.
var ErrType = errors.New("anonymize: fake value is not of the column's type")

// transformer describes one named transformer.
type transformer struct {
	name  string
	keyed bool // needs a Keyer
	// fake: every value it writes is one of stagecopy's own fakes, made
	// of the keyed hash of the input and the package's word lists and
	// fakeshape's shapes; nothing of the input passes through but its
	// length, letter case, line breaks and separators. The privacy check
	// does not look into such a value again (Filter.Faked). Not fake:
	// keep, fixed and template (the owner's text), redact (keeps the
	// text), date and zip (pass through what they cannot read).
	fake bool
	opts []option
	// describe returns the Describe line for valid options.
	describe func(o opts) string
	// build makes the transformer from valid options.
	build func(o opts, k *Keyer) (Transformer, error)
}

// option describes one option of a transformer.
type option struct {
	name     string
	kind     optKind
	required bool
	// accepts says what the option takes, for error messages.
	accepts string
	// check validates a well-typed value; nil means any.
	check func(v any) error
}

type optKind int

const (
	optString optKind = iota
	optInt
	optScalar // string, number or bool, used as text
)

// opts are validated options with defaults not filled in.
type opts map[string]any

func (o opts) str(name, def string) string {
	if v, ok := o[name]; ok {
		return scalarText(v)
	}
	return def
}

func (o opts) int(name string, def int) int {
	if v, ok := o[name]; ok {
		n, _ := asInt(v)
		return n
	}
	return def
}

var registry = map[string]*transformer{}

func register(t *transformer) {
	if _, dup := registry[t.name]; dup {
		panic("anonymize: transformer " + t.name + " registered twice")
	}
	registry[t.name] = t
}

// Names returns the names of all transformers, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Validate checks a transformer name and its options without building it
// (for `rules check`). An unknown name gives an error listing the known
// ones; an unknown or ill-typed option gives an error naming the option and
// what it accepts; a missing required option is an error too. Options come
// from YAML: strings, ints, float64s, bools, []any and map[string]any.
func Validate(name string, options map[string]any) error {
	_, err := lookup(name, options)
	return err
}

func lookup(name string, options map[string]any) (*transformer, error) {
	t, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown transformer %q%s; known transformers: %s", name, suggest.Hint(name, Names()), strings.Join(Names(), ", "))
	}
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	slices.Sort(keys) // report the same error every time
	for _, k := range keys {
		o := t.option(k)
		if o == nil {
			if len(t.opts) == 0 {
				return nil, fmt.Errorf("%s: unknown option %q: %s takes no options", name, k, name)
			}
			names := make([]string, len(t.opts))
			for i, o := range t.opts {
				names[i] = o.name
			}
			return nil, fmt.Errorf("%s: unknown option %q%s; %s accepts: %s", name, k, suggest.Hint(k, names), name, t.optionList())
		}
		if err := o.validate(options[k]); err != nil {
			return nil, fmt.Errorf("%s: option %s: %w", name, k, err)
		}
	}
	for _, o := range t.opts {
		if _, ok := options[o.name]; o.required && !ok {
			return nil, fmt.Errorf("%s: option %s is required (%s)", name, o.name, o.accepts)
		}
	}
	return t, nil
}

func (t *transformer) option(name string) *option {
	for i := range t.opts {
		if t.opts[i].name == name {
			return &t.opts[i]
		}
	}
	return nil
}

func (t *transformer) optionList() string {
	var b strings.Builder
	for i, o := range t.opts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(o.name)
		b.WriteString(" (")
		b.WriteString(o.accepts)
		b.WriteString(")")
	}
	return b.String()
}

func (o *option) validate(v any) error {
	switch o.kind {
	case optString:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("got %s, want %s", describeValue(v), o.accepts)
		}
	case optInt:
		if _, ok := asInt(v); !ok {
			return fmt.Errorf("got %s, want %s", describeValue(v), o.accepts)
		}
	case optScalar:
		switch v.(type) {
		case string, int, int64, uint64, float64, bool:
		default:
			return fmt.Errorf("got %s, want %s", describeValue(v), o.accepts)
		}
	}
	if o.check != nil {
		return o.check(v)
	}
	return nil
}

// asInt converts a YAML number to int; floats must be whole.
func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			return int(n), true
		}
	case uint64:
		if n <= math.MaxInt32 {
			return int(n), true
		}
	case float64:
		if n == math.Trunc(n) && n >= math.MinInt32 && n <= math.MaxInt32 {
			return int(n), true
		}
	}
	return 0, false
}

// scalarText is the text of a string, number or bool option.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing (null)"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case int, int64, uint64:
		return fmt.Sprintf("the number %v", x)
	case float64:
		return fmt.Sprintf("the number %v", strconv.FormatFloat(x, 'g', -1, 64))
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("a %T", v)
}

func intRange(lo, hi int) func(any) error {
	return func(v any) error {
		n, _ := asInt(v)
		if n < lo || n > hi {
			return fmt.Errorf("%d is out of range, want %d to %d", n, lo, hi)
		}
		return nil
	}
}

// New builds the transformer called name with the given options (as for
// Validate). Transformers that derive fakes from the input need k; the
// others (null, empty, fixed, keep, template) accept a nil Keyer.
func New(name string, options map[string]any, k *Keyer) (Transformer, error) {
	t, err := lookup(name, options)
	if err != nil {
		return nil, err
	}
	if t.keyed && k == nil {
		return nil, fmt.Errorf("%s: needs a Keyer to derive its fakes", name)
	}
	return t.build(opts(options), k)
}

// Describe returns one line saying what the transformer does with these
// options, for `rules explain`. Invalid names or options give a line that
// says what is wrong.
func Describe(name string, options map[string]any) string {
	t, err := lookup(name, options)
	if err != nil {
		return "invalid: " + err.Error()
	}
	return t.describe(opts(options))
}

// colLimit returns the column's limit and whether it counts bytes (true)
// or characters (false). 0 means no limit.
func colLimit(col Column) (int, bool) {
	if col.MaxLen <= 0 {
		return 0, false
	}
	switch col.Type {
	case "char", "varchar":
		return col.MaxLen, false
	}
	return col.MaxLen, true
}

// fits reports whether b fits the column.
func fits(col Column, b []byte) bool {
	limit, bytesMode := colLimit(col)
	if limit == 0 || len(b) <= limit {
		return true
	}
	if bytesMode {
		return false
	}
	return utf8.RuneCount(b) <= limit
}

// room returns how many ASCII characters fit the column, or a large
// number if there is no limit.
func room(col Column) int {
	if limit, _ := colLimit(col); limit > 0 {
		return limit
	}
	return math.MaxInt32
}

// cut shortens b to fit the column, at a character boundary.
func cut(col Column, b []byte) []byte {
	limit, bytesMode := colLimit(col)
	if limit == 0 || len(b) <= limit {
		return b
	}
	if bytesMode {
		n := limit
		for n > 0 && n < len(b) && !utf8.RuneStart(b[n]) {
			n--
		}
		return b[:n]
	}
	n, i := 0, 0
	for i < len(b) && n < limit {
		_, size := utf8.DecodeRune(b[i:])
		i += size
		n++
	}
	return b[:i]
}

// colName names a column for error messages.
func colName(col Column) string {
	switch {
	case col.Table != "" && col.Name != "":
		return col.Table + "." + col.Name
	case col.Name != "":
		return col.Name
	}
	return "the column"
}

// errTooLong wraps ErrTooLong with what needed how much room.
func errTooLong(what string, need int, col Column) error {
	unit := "characters"
	if _, bytesMode := colLimit(col); bytesMode {
		unit = "bytes"
	}
	return fmt.Errorf("%w: %s needs at least %d %s, %s allows %d", ErrTooLong, what, need, unit, colName(col), col.MaxLen)
}
