package scan

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Tables records what Suggest needs to know of the tables a stream holds:
// their columns (type, NULL, unique) and whether they have rows. Watch a
// stream with it while it is scanned.
type Tables struct {
	defs map[string]*sqldump.Table
	rows map[string]bool
}

// NewTables returns an empty Tables.
func NewTables() *Tables {
	return &Tables{defs: map[string]*sqldump.Table{}, rows: map[string]bool{}}
}

// Watch returns src, recording the CREATE TABLE statements and the rows
// that pass through it.
func (t *Tables) Watch(src sqldump.Stream) sqldump.Stream {
	return &watched{t: t, src: src}
}

type watched struct {
	t     *Tables
	src   sqldump.Stream
	table string
}

func (w *watched) Next() (*sqldump.Statement, error) {
	st, err := w.src.Next()
	if err != nil {
		return st, err
	}
	switch st.Kind {
	case sqldump.KindCreateTable:
		if def, perr := sqldump.ParseCreateTable(st.Text); perr == nil {
			w.t.defs[st.Table] = def
		}
	case sqldump.KindInsert:
		w.table = st.Table
	}
	return st, nil
}

func (w *watched) NextRow() (*sqldump.Row, error) {
	r, err := w.src.NextRow()
	if err == nil {
		w.t.rows[w.table] = true
	}
	return r, err
}

// SuggestOptions says what a suggested rules file builds on.
type SuggestOptions struct {
	// Extends are the rules the scan applied first ("preset:wordpress", a
	// path relative to the new file): the suggestion extends them and
	// covers what they leave.
	Extends []string
	// Prefix is written as the file's prefix when not empty.
	Prefix string
	// Source names what was scanned, for the file's first comment.
	Source string
	// Rules are the rules the scan applied, nil for none: their eav:
	// key and value columns are the suggestion's too.
	Rules Rules
}

// Suggest writes rules (YAML, version 1, the language of docs/rules.md)
// that cover every finding of rep that the rules do not keep on purpose,
// each with a comment saying what was found, masked as in the report:
//
//   - a table whose name says it is a cache, a session store or a search
//     index is truncated: what it holds is a copy, often encoded, of what
//     people wrote elsewhere; without Extends, such tables that have rows
//     are truncated even when nothing was found in them;
//   - a credential (a password hash, a token) is destroyed: NULL where the
//     column allows it, a keyed hash in a unique column, else empty;
//   - one kind of data gets its transformer (email, phone, ip, full_name,
//     street, date, ...), chosen with the column's or key's name and type;
//     several kinds, or one in a long text column not named for it, get
//     lorem;
//   - a finding in a key/value table becomes a rule for its key, under the
//     table's eav key and value columns (those of the rules, else those the
//     scanner takes, else the text column named most like the value
//     column); a finding under OtherKeys, or in the value column without
//     a key, becomes a rule for the glob "*";
//   - a finding inside a JSON or PHP-serialized document becomes a path
//     rule of its Document (list indexes made wildcards, "**." before the
//     last key, so the same key is covered in every row), with lorem for
//     values that are not documents (base64-wrapped ones included).
//
// The rules are a start, to be read: they destroy rather than keep, and a
// name-based guess can be wrong. tables gives the columns; without a
// table's definition, Suggest assumes a nullable text column.
func Suggest(w io.Writer, rep *Report, tables *Tables, opts SuggestOptions) error {
	if tables == nil {
		tables = NewTables()
	}
	doc, err := suggest(rep, tables, opts)
	if err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write suggested rules: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write suggested rules: %w", err)
	}
	return nil
}

// target is one place a rule covers: a column, a key of a key/value
// table, a path inside either.
type target struct {
	table, column, key, path string
}

// suggestedTable is what Suggest found out about one table.
type suggestedTable struct {
	name     string
	def      *sqldump.Table
	findings []Finding
	truncate string // why the table is truncated, "" when it is not
}

func suggest(rep *Report, tables *Tables, opts SuggestOptions) (*yaml.Node, error) {
	byTable := map[string]*suggestedTable{}
	var kept []Finding
	for _, f := range rep.Findings {
		if f.Kept {
			kept = append(kept, f)
			continue
		}
		st := byTable[f.Table]
		if st == nil {
			st = &suggestedTable{name: f.Table, def: tables.defs[f.Table]}
			byTable[f.Table] = st
		}
		st.findings = append(st.findings, f)
	}
	if len(opts.Extends) == 0 {
		for name := range tables.rows {
			if byTable[name] == nil && disposable(name) != "" {
				byTable[name] = &suggestedTable{name: name, def: tables.defs[name]}
			}
		}
	}
	names := make([]string, 0, len(byTable))
	for n := range byTable {
		names = append(names, n)
	}
	sort.Strings(names)

	root := mapping()
	root.HeadComment = header(rep, opts, len(names), kept)
	add(root, "version", scalar("1", "!!int"))
	if len(opts.Extends) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range opts.Extends {
			seq.Content = append(seq.Content, str(e))
		}
		add(root, "extends", seq)
	}
	if opts.Prefix != "" {
		add(root, "prefix", str(opts.Prefix))
	}
	if len(names) == 0 {
		return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}, nil
	}
	tbls := mapping()
	add(root, "tables", tbls)
	for _, n := range names {
		st := byTable[n]
		key, val := st.node(opts)
		tbls.Content = append(tbls.Content, key, val)
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}, nil
}

func header(rep *Report, opts SuggestOptions, tables int, kept []Finding) string {
	var b strings.Builder
	b.WriteString("Anonymization rules suggested by 'stagecopy scan --suggest-rules FILE'")
	if opts.Source != "" {
		b.WriteString(" for " + opts.Source)
	}
	fmt.Fprintf(&b, ":\n%d findings, rules for %d tables.", len(rep.Findings)-len(kept), tables)
	b.WriteString(`
Read them before use (docs/rules.md, docs/transformers.md): each rule says
what scan found there, masked. They destroy rather than keep: free text
becomes lorem ipsum, credentials are emptied, caches, sessions and search
indexes are truncated. Check with 'stagecopy rules check FILE', then
'stagecopy snapshot --anonymize --strict -r FILE --dump DUMP -o ARCHIVE'
(or the database flags in place of --dump).`)
	for _, f := range kept {
		fmt.Fprintf(&b, "\nKept by the rules on purpose: %s.", describe(f))
	}
	return b.String()
}

// node returns the YAML key and value of the table's rule.
func (st *suggestedTable) node(opts SuggestOptions) (*yaml.Node, *yaml.Node) {
	key := str(st.name)
	if why := disposable(st.name); why != "" {
		val := str("truncate")
		if len(st.findings) == 0 {
			key.HeadComment = fmt.Sprintf("nothing found, but the name says %s", why)
		} else {
			key.HeadComment = fmt.Sprintf("the name says %s; found:\n%s", why, st.list(st.findings))
		}
		return key, val
	}
	// Group the findings by target, in report order.
	groups := map[target][]Finding{}
	var order []target
	for _, f := range st.findings {
		t := target{table: f.Table, column: f.Column, key: f.Key, path: generalPath(f.Path)}
		if _, ok := groups[t]; !ok {
			order = append(order, t)
		}
		groups[t] = append(groups[t], f)
	}
	// A key/value table: the findings with a key name its value column.
	var keyCol, valCol string
	for _, t := range order {
		if t.key != "" {
			valCol = t.column
			keyCol = st.keyColumn(valCol, opts.Rules)
			break
		}
	}
	val := mapping()
	cols, keys := mapping(), mapping()
	colRules := map[string]*yaml.Node{} // column -> its rule
	keyRules := map[string]*yaml.Node{} // key -> its rule
	colNotes := map[string][]Finding{}  // column -> what was found
	keyNotes := map[string][]Finding{}  // key -> what was found
	var colOrder, keyOrder []string     // first seen
	var uncovered []Finding             // in the key column itself
	for _, t := range order {
		fs := groups[t]
		switch {
		case keyCol != "" && strings.EqualFold(t.column, keyCol):
			uncovered = append(uncovered, fs...)
		case keyCol != "" && strings.EqualFold(t.column, valCol):
			k := t.key
			if k == "" || k == OtherKeys {
				k = "*" // rows of every key (exact keys win over a glob)
			}
			if _, ok := keyNotes[k]; !ok {
				keyOrder = append(keyOrder, k)
			}
			keyNotes[k] = append(keyNotes[k], fs...)
		default:
			if _, ok := colNotes[t.column]; !ok {
				colOrder = append(colOrder, t.column)
			}
			colNotes[t.column] = append(colNotes[t.column], fs...)
		}
	}
	col := func(name string) *sqldump.Column {
		if st.def != nil {
			for i := range st.def.Columns {
				if strings.EqualFold(st.def.Columns[i].Name, name) {
					return &st.def.Columns[i]
				}
			}
		}
		return nil
	}
	for _, c := range colOrder {
		colRules[c] = rule(c, col(c), st.unique(c), colNotes[c], false)
	}
	for _, k := range keyOrder {
		if k == "*" {
			// Every other key: what their values are is not known.
			keyRules[k] = textSpec(col(valCol))
			continue
		}
		keyRules[k] = rule(k, col(valCol), false, keyNotes[k], true)
	}
	if len(colOrder) > 0 {
		add(val, "columns", cols)
		for _, c := range colOrder {
			kn := str(c)
			kn.HeadComment = st.list(colNotes[c])
			cols.Content = append(cols.Content, kn, colRules[c])
		}
	}
	if len(keyOrder) > 0 {
		eav := mapping()
		eav.Style = yaml.FlowStyle
		add(eav, "key_column", str(keyCol))
		add(eav, "value_column", str(valCol))
		add(val, "eav", eav)
		add(val, "keys", keys)
		for _, k := range keyOrder {
			kn := str(k)
			kn.HeadComment = st.list(keyNotes[k])
			keys.Content = append(keys.Content, kn, keyRules[k])
		}
	}
	if len(uncovered) > 0 {
		key.HeadComment = "NOT COVERED (in the key column of a key/value table; write a where: rule by hand):\n" + st.list(uncovered)
	}
	if len(val.Content) == 0 {
		// Only findings no rule can take: keep the file valid and say so.
		return key, str("keep")
	}
	return key, val
}

// list is one comment line per finding: kind, where, how many, example.
func (st *suggestedTable) list(fs []Finding) string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = describe(f)
	}
	return strings.Join(lines, "\n")
}

// describe says what one finding is, the way a comment shows it:
// "email in vcard: 3 values, like ***@g***.com".
func describe(f Finding) string {
	where := f.Column
	if f.Key != "" {
		where += "[" + f.Key + "]"
	}
	if f.Path != "" {
		where += " at "
		if f.Document != "" {
			where += f.Document + ":"
		}
		where += f.Path
	}
	s := fmt.Sprintf("%s in %s", f.Kind, where)
	if f.ByName {
		s += " (by its name)"
	}
	switch {
	case f.Values == 1:
		s += ": 1 value"
	case f.Values > 1:
		s += fmt.Sprintf(": %d values", f.Values)
	}
	if f.Example != "" {
		s += ", like " + f.Example
	}
	return s
}

// rule is the YAML of a column's or key's rule for what was found in it:
// a spec, or paths with a spec for values that are not documents. name is
// the column's or the key's name, col the column (nil when unknown).
func rule(name string, col *sqldump.Column, unique bool, fs []Finding, isKey bool) *yaml.Node {
	var whole []Kind
	paths := map[string][]Kind{}
	var pathOrder []string
	docs := map[string]bool{} // "php", "json"; both when a finding does not say
	for _, f := range fs {
		if f.Path == "" {
			whole = addKind(whole, f.Kind)
			continue
		}
		p := generalPath(f.Path)
		if _, ok := paths[p]; !ok {
			pathOrder = append(pathOrder, p)
		}
		paths[p] = addKind(paths[p], f.Kind)
		switch f.Document {
		case "php", "json":
			docs[f.Document] = true
		default:
			docs["php"], docs["json"] = true, true
		}
	}
	if len(pathOrder) == 0 {
		return spec(name, col, unique, whole, isKey)
	}
	if slices.Contains(whole, Credential) {
		return spec(name, col, unique, whole, isKey) // destroyed whole
	}
	pm := mapping()
	for _, p := range pathOrder {
		add(pm, p, spec(lastKey(p), nil, false, paths[p], true))
	}
	n := mapping()
	if docs["php"] {
		add(n, "php", pm)
	}
	if docs["json"] {
		add(n, "json", clone(pm))
	}
	// Values that are not documents: what was found in them, or lorem
	// (a document inside base64 or compressed is not one the paths read).
	fallback := []Kind{}
	if len(whole) > 0 {
		fallback = whole
	}
	if len(fallback) == 0 {
		add(n, "transform", textSpec(col))
	} else {
		add(n, "transform", spec(name, col, unique, fallback, isKey))
	}
	return n
}

func addKind(ks []Kind, k Kind) []Kind {
	if slices.Contains(ks, k) {
		return ks
	}
	return append(ks, k)
}

// spec chooses the transformer for kinds found in the column or key
// called name. isKey: name is a key's (or a path's), and the column's type
// says nothing about one value.
func spec(name string, col *sqldump.Column, unique bool, kinds []Kind, isKey bool) *yaml.Node {
	if slices.Contains(kinds, Credential) {
		return credentialSpec(col, unique)
	}
	if col != nil && isNumeric(col.Type) {
		if len(kinds) == 1 && kinds[0] == IP {
			return str("ip") // INET_ATON numbers
		}
		if col.Nullable {
			return str("null")
		}
		return flowMap("fixed", scalar("0", "!!int"))
	}
	if len(kinds) != 1 {
		return textSpec(col)
	}
	k := kinds[0]
	if !isKey && col != nil && isLongText(col.Type) && !namedFor(k, name) {
		// Free text that mentions it (a signature, a note, a vCard).
		return textSpec(col)
	}
	switch k {
	case Email:
		return str("email")
	case Phone:
		return str("phone")
	case IP:
		return str("ip")
	case Name:
		n := strings.ToLower(name)
		switch {
		case containsAny(n, "first", "given", "fore"):
			return str("first_name")
		case containsAny(n, "last", "sur", "family"):
			return str("last_name")
		case containsAny(n, "real", "full", "display"):
			return str("full_name")
		case containsAny(n, "user", "login", "nick", "account"):
			return str("username")
		}
		return str("full_name")
	case Address:
		n := strings.ToLower(name)
		switch {
		case containsAny(n, "city", "town", "locality"):
			return str("city")
		case containsAny(n, "zip", "postcode", "postal", "plz"):
			return str("zip")
		case containsAny(n, "country"):
			return str("country")
		}
		if !isKey && col != nil && isLongText(col.Type) {
			return textSpec(col)
		}
		return str("street")
	case Birthdate:
		if col != nil && isDate(col.Type) {
			return str("date")
		}
		return emptySpec(col)
	case NationalID:
		return str("hash")
	case Card:
		return emptySpec(col)
	}
	return textSpec(col)
}

// credentialSpec destroys a password hash or a token: NULL where NULL is
// allowed, a keyed hash where the column is unique (empty values would
// collide), else the empty string.
func credentialSpec(col *sqldump.Column, unique bool) *yaml.Node {
	switch {
	case col != nil && isNumeric(col.Type):
		if col.Nullable {
			return str("null")
		}
		return flowMap("fixed", scalar("0", "!!int"))
	case unique:
		return str("hash")
	case col == nil || col.Nullable:
		return str("null")
	}
	return str("empty")
}

// textSpec replaces free text: lorem ipsum of the same length.
func textSpec(col *sqldump.Column) *yaml.Node {
	if col != nil && !isString(col.Type) {
		return emptySpec(col)
	}
	return str("lorem")
}

func emptySpec(col *sqldump.Column) *yaml.Node {
	if col == nil || col.Nullable {
		return str("null")
	}
	if isNumeric(col.Type) {
		return flowMap("fixed", scalar("0", "!!int"))
	}
	return str("empty")
}

// namedFor reports whether a column or key called name says it holds k.
func namedFor(k Kind, name string) bool {
	n := strings.ToLower(name)
	switch k {
	case Email:
		return strings.Contains(n, "mail")
	case Phone:
		return containsAny(n, "phone", "tel", "mobile", "fax", "cell")
	case IP:
		return ipName.MatchString(n)
	case Name:
		return strings.Contains(n, "name")
	case Address:
		return containsAny(n, "address", "street", "city", "zip", "postcode")
	}
	return false
}

var ipName = regexp.MustCompile(`(^|[^a-z])ip([^a-z]|$)|remote_?addr`)

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func isNumeric(t string) bool {
	switch t {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "bit", "year":
		return true
	}
	return false
}

func isDate(t string) bool {
	switch t {
	case "date", "datetime", "timestamp":
		return true
	}
	return false
}

func isLongText(t string) bool {
	switch t {
	case "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob", "json":
		return true
	}
	return false
}

func isString(t string) bool {
	switch t {
	case "char", "varchar", "binary", "varbinary":
		return true
	}
	return isLongText(t)
}

// unique reports whether the column is part of the primary key or of a
// unique key: the same value in two rows would be refused.
func (st *suggestedTable) unique(column string) bool {
	if st.def == nil {
		return false
	}
	keys := append([][]string{st.def.PrimaryKey}, st.def.UniqueKeys...)
	for _, k := range keys {
		for _, c := range k {
			if strings.EqualFold(c, column) {
				return true
			}
		}
	}
	for _, c := range st.def.Columns {
		if strings.EqualFold(c.Name, column) && c.Unique {
			return true
		}
	}
	return false
}

// keyColumn returns the key column of a key/value table whose value
// column is value: the one the rules name, else the one the scanner
// takes (keyValueColumns), else the text column whose name shares the
// longest start with the value column's (up_property for up_value), a
// name that says key, name or property winning ties.
func (st *suggestedTable) keyColumn(value string, r Rules) string {
	if r != nil {
		if k, v, ok := r.KeyValue(st.name); ok && strings.EqualFold(v, value) {
			return k
		}
	}
	if st.def == nil {
		return strings.Replace(value, "value", "key", 1)
	}
	names := make([]string, len(st.def.Columns))
	for i, c := range st.def.Columns {
		names[i] = c.Name
	}
	if k, v, ok := keyValueColumns(names); ok && strings.EqualFold(v, value) {
		return k
	}
	best, score := "", -1
	for _, c := range st.def.Columns {
		if strings.EqualFold(c.Name, value) || !isString(c.Type) {
			continue
		}
		n := strings.ToLower(c.Name)
		s := commonPrefix(n, strings.ToLower(value)) * 2
		if containsAny(n, "key", "name", "property", "option", "setting", "field", "attr", "param") {
			s++
		}
		if s > score {
			best, score = c.Name, s
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// disposable says why a table, by its name, holds only copies: a cache, a
// session store or a search index; "" for other tables.
func disposable(table string) string {
	n := strings.ToLower(table)
	switch {
	case strings.Contains(n, "session"):
		return "it holds sessions"
	case strings.Contains(n, "cache"):
		return "it is a cache"
	case containsAny(n, "searchindex", "search_index", "search_api_db", "search_dataset", "fts_"):
		return "it is a search index"
	}
	return ""
}

// generalPath makes a finding's path cover the same key in every row and
// list: list indexes become "*", and "**." goes before the last key.
// "orders.3.billing.email" -> "**.email"; "emails.0" -> "**.emails.*".
func generalPath(p string) string {
	if p == "" {
		return ""
	}
	segs := strings.Split(p, ".")
	i := len(segs) - 1
	for i >= 0 && isIndex(segs[i]) {
		i--
	}
	tail := strings.Repeat(".*", len(segs)-1-i)
	if i < 0 {
		return strings.TrimPrefix(strings.Repeat(".*", len(segs)), ".")
	}
	return "**." + segs[i] + tail
}

// isIndex reports whether a path segment is a list index, or the "*" a
// scanner writes for one.
func isIndex(s string) bool {
	if s == "*" {
		return true
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// lastKey is the last key of a path that is not a wildcard.
func lastKey(p string) string {
	segs := strings.Split(p, ".")
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i] != "*" && segs[i] != "**" {
			return segs[i]
		}
	}
	return ""
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func scalar(s, tag string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s} }

func add(m *yaml.Node, key string, val *yaml.Node) {
	m.Content = append(m.Content, str(key), val)
}

// flowMap is {name: value}, on one line.
func flowMap(name string, val *yaml.Node) *yaml.Node {
	m := mapping()
	m.Style = yaml.FlowStyle
	add(m, name, val)
	return m
}

func clone(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = clone(x)
	}
	return &c
}
