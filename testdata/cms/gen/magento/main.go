// Command magento writes, on standard output, the MySQL/MariaDB DDL that
// Magento 2.4's installer (bin/magento setup:install) runs on an empty
// database: the tables of every module's etc/db_schema.xml, merged and
// named the way Magento's declarative schema does it, plus the few tables
// and the view that the installer and its schema patches create in PHP.
//
// It reads Magento's public source and nothing else; it never runs PHP.
//
//	MAGENTO_SRC=/path/to/magento MAGENTO_INVENTORY_SRC=/path/to/inventory \
//	    go run ./testdata/cms/gen/magento > magento-2.4.sql
//
// MAGENTO_SRC is either a checkout of the magento2 repository (modules in
// app/code/Magento/*, framework in lib/internal/Magento/Framework) or a
// Composer-installed Magento Open Source project (modules in
// vendor/magento/module-*, framework in vendor/magento/framework).
// MAGENTO_INVENTORY_SRC (optional) is a checkout of the inventory (MSI)
// repository, modules in */etc/module.xml.
//
// What is ported, and from where in Magento's source (2.4.x):
//   - module order: Framework/Module/ModuleList/Loader.php (sortBySequence);
//     db_schema.xml files are read in that order, app/etc/db_schema.xml last
//     (Framework/Config/FileResolverByModule.php);
//   - merging: Framework/Config/Dom.php with the id attributes that
//     app/etc/di.xml gives the db_schema.xml reader (table and column by
//     name, constraint and index by referenceId);
//   - building: Setup/Declaration/Schema/Config/Converter.php,
//     Declaration/SchemaBuilder.php, Dto/Factories/*.php (defaults), and
//     disabled="true" dropping a table, column, constraint or index;
//   - names of keys, indexes and foreign keys: the referenceId is NOT the
//     name; Declaration/TableElement/ElementNameResolver.php asks
//     DB/Adapter/Pdo/Mysql.php getIndexName/getForeignKeyName, which use
//     DB/ExpressionConverter.php shortenEntityName (abbreviations, then
//     prefix+md5 past 64 characters);
//   - SQL text: Db/MySQL/DbSchemaWriter.php, Operations/CreateTable.php and
//     Db/MySQL/Definition/** (column, constraint and index clauses, kept
//     byte for byte, double spaces included);
//   - tables the installer makes with the older DDL API
//     (DB/Adapter/Pdo/Mysql.php createTable): setup_module, session, cache,
//     cache_tag, flag (setup/src/Magento/Setup/Model/Installer.php);
//   - schema patches and recurring scripts that create or change tables on a
//     fresh install: Catalog's EnableSegmentation (per-store category index
//     tables), Review's AddUniqueConstraintToReviewEntitySummary,
//     SalesSequence's Recurring (sequence_* tables for stores 0 and 1), and
//     InventoryCatalog's CreateLegacyStockStatusView (the inventory_stock_1
//     view, its SQL read from the PHP source).
//
// The session settings at the top (SQL_MODE, NAMES, time_zone) are the ones
// Magento's PDO adapter sets on every connection; FOREIGN_KEY_CHECKS=0 lets
// the tables come in alphabetical order.
package main

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	src := os.Getenv("MAGENTO_SRC")
	if src == "" {
		fatalf("set MAGENTO_SRC to a Magento 2.4 source tree (magento2 checkout or Composer project)")
	}
	inv := os.Getenv("MAGENTO_INVENTORY_SRC")
	var out bytes.Buffer
	if err := generate(&out, src, inv); err != nil {
		fatalf("%v", err)
	}
	if _, err := os.Stdout.Write(out.Bytes()); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "magento: "+format+"\n", args...)
	os.Exit(1)
}

func notef(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "magento: "+format+"\n", args...)
}

// ---------------------------------------------------------------------------
// A small DOM: enough of PHP's DOMDocument for Magento's Config\Dom merge.

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

type xattr struct{ name, value string }

type xnode struct {
	tag      string
	attrs    []xattr
	elems    []*xnode // element children, in document order
	nchild   int      // all child nodes (elements, text, comments)
	textOnly bool     // exactly one child node, and it is text
}

func (n *xnode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

func (n *xnode) get(name string) string { v, _ := n.attr(name); return v }

func (n *xnode) setAttr(name, value string) {
	for i := range n.attrs {
		if n.attrs[i].name == name {
			n.attrs[i].value = value
			return
		}
	}
	n.attrs = append(n.attrs, xattr{name, value})
}

func (n *xnode) clone() *xnode {
	c := *n
	c.attrs = append([]xattr(nil), n.attrs...)
	c.elems = make([]*xnode, len(n.elems))
	for i, e := range n.elems {
		c.elems[i] = e.clone()
	}
	return &c
}

func parseXML(data []byte) (*xnode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xnode
	var root *xnode
	var lastText []bool // per open element: is its only child so far a text node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{tag: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue // namespace declarations are not DOM attributes
				}
				name := a.Name.Local
				if a.Name.Space == xsiNS || a.Name.Space == "xsi" {
					name = "xsi:" + a.Name.Local
				}
				n.attrs = append(n.attrs, xattr{name, a.Value})
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.elems = append(p.elems, n)
				p.nchild++
				lastText[len(lastText)-1] = false
			} else {
				root = n
			}
			stack = append(stack, n)
			lastText = append(lastText, false)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.textOnly = n.nchild == 1 && lastText[len(lastText)-1]
			stack = stack[:len(stack)-1]
			lastText = lastText[:len(lastText)-1]
		case xml.CharData, xml.Comment:
			if len(stack) == 0 {
				continue
			}
			p := stack[len(stack)-1]
			_, isText := tok.(xml.CharData)
			// adjacent character data is one DOM text node
			if isText && p.nchild > 0 && lastText[len(lastText)-1] {
				continue
			}
			p.nchild++
			lastText[len(lastText)-1] = isText && p.nchild == 1
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// idAttributes of the db_schema.xml reader (app/etc/di.xml).
var idAttributes = map[string]string{
	"/schema/table":                   "name",
	"/schema/table/column":            "name",
	"/schema/table/constraint":        "referenceId",
	"/schema/table/index":             "referenceId",
	"/schema/table/index/column":      "name",
	"/schema/table/constraint/column": "name",
}

// mergeNode is Config\Dom::_mergeNode: n (from a later file) into parent
// (the matched node of the merged document at parentPath).
func mergeNode(parent *xnode, n *xnode, parentPath, file string) error {
	path := parentPath + "/" + n.tag
	id := idAttributes[path]
	idValue, hasID := "", false
	if id != "" {
		idValue, hasID = n.attr(id)
	}
	var matched []int
	for i, c := range parent.elems {
		if c.tag != n.tag {
			continue
		}
		if hasID {
			if v, ok := c.attr(id); !ok || v != idValue {
				continue
			}
		}
		matched = append(matched, i)
	}
	if len(matched) > 1 {
		return fmt.Errorf("%s: more than one node matching %s", file, path)
	}
	if len(matched) == 0 {
		parent.elems = append(parent.elems, n.clone())
		parent.nchild++
		return nil
	}
	m := parent.elems[matched[0]]
	// different xsi:type: the new node replaces the old one whole
	nt, nok := n.attr("xsi:type")
	mt, mok := m.attr("xsi:type")
	if nok && mok && nt != mt {
		parent.elems[matched[0]] = n.clone()
		return nil
	}
	for _, a := range n.attrs {
		m.setAttr(a.name, a.value)
	}
	if n.nchild == 0 || n.textOnly {
		return nil // text values do not matter in db_schema.xml
	}
	for _, c := range n.elems {
		if err := mergeNode(m, c, path, file); err != nil {
			return err
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Modules and their order.

type module struct {
	name     string
	dir      string
	sequence []string
	origin   string // "src" or "inventory"
}

func readModule(dir, origin string) (*module, error) {
	data, err := os.ReadFile(filepath.Join(dir, "etc", "module.xml"))
	if err != nil {
		return nil, err
	}
	root, err := parseXML(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", dir, err)
	}
	for _, m := range root.elems {
		if m.tag != "module" {
			continue
		}
		mod := &module{name: m.get("name"), dir: dir, origin: origin}
		for _, s := range m.elems {
			if s.tag != "sequence" {
				continue
			}
			for _, d := range s.elems {
				if d.tag == "module" {
					mod.sequence = append(mod.sequence, d.get("name"))
				}
			}
		}
		if mod.name == "" {
			return nil, fmt.Errorf("%s: module without a name", dir)
		}
		return mod, nil
	}
	return nil, fmt.Errorf("%s: no <module> in etc/module.xml", dir)
}

func globModules(pattern, origin string) ([]*module, error) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var mods []*module
	for _, f := range files {
		m, err := readModule(filepath.Dir(filepath.Dir(f)), origin)
		if err != nil {
			return nil, err
		}
		mods = append(mods, m)
	}
	return mods, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// findModules lists the modules an installation of src (+ inv) enables.
func findModules(src, inv string) ([]*module, error) {
	composer := isDir(filepath.Join(src, "vendor", "magento"))
	var mods []*module
	for _, pat := range []string{
		filepath.Join(src, "app", "code", "*", "*", "etc", "module.xml"),
		filepath.Join(src, "vendor", "*", "*", "etc", "module.xml"),
	} {
		m, err := globModules(pat, "src")
		if err != nil {
			return nil, err
		}
		mods = append(mods, m...)
	}
	byName := map[string]*module{}
	for _, m := range mods {
		if prev, ok := byName[m.name]; ok {
			return nil, fmt.Errorf("module %s found twice: %s and %s", m.name, prev.dir, m.dir)
		}
		byName[m.name] = m
	}
	if inv != "" {
		invMods, err := globModules(filepath.Join(inv, "*", "etc", "module.xml"), "inventory")
		if err != nil {
			return nil, err
		}
		if len(invMods) == 0 {
			return nil, fmt.Errorf("MAGENTO_INVENTORY_SRC=%s has no */etc/module.xml", inv)
		}
		for _, m := range invMods {
			if prev, ok := byName[m.name]; ok {
				// The project ships this module already (Composer layout):
				// take the inventory repository's files, and say whether
				// they are the same.
				a, _ := os.ReadFile(filepath.Join(prev.dir, "etc", "db_schema.xml"))
				b, _ := os.ReadFile(filepath.Join(m.dir, "etc", "db_schema.xml"))
				if !bytes.Equal(a, b) {
					notef("%s: etc/db_schema.xml of the inventory source differs from the copy in MAGENTO_SRC; using the inventory source", m.name)
				}
				*prev = *m
				continue
			}
			if composer {
				// A Composer project lists exactly what the release installs.
				notef("%s: in the inventory source but not installed by MAGENTO_SRC; skipped", m.name)
				continue
			}
			byName[m.name] = m
			mods = append(mods, m)
		}
	}
	// A <sequence> may name a module that is not installed (e.g. an
	// inventory module for an Adobe Commerce-only module): the loader
	// ignores such names, and so does sortBySequence here.
	return sortBySequence(mods)
}

// sortBySequence is ModuleList\Loader::sortBySequence.
func sortBySequence(mods []*module) ([]*module, error) {
	byName := map[string]*module{}
	var names []string
	for _, m := range mods {
		byName[m.name] = m
		names = append(names, m.name)
	}
	sort.Strings(names) // ksort
	var magento, others []string
	for _, n := range names {
		if strings.Contains(n, "Magento_") {
			magento = append(magento, n)
		} else {
			others = append(others, n)
		}
	}
	ordered := append(magento, others...)
	cache := map[string][]string{}
	var expand func(name string, acc map[string]bool, parent string) ([]string, error)
	expand = func(name string, acc map[string]bool, parent string) ([]string, error) {
		if acc[name] {
			return nil, fmt.Errorf("circular sequence reference from %q to %q", parent, name)
		}
		acc2 := map[string]bool{name: true}
		for k := range acc {
			acc2[k] = true
		}
		if seq, ok := cache[name]; ok {
			return seq, nil
		}
		var direct []string
		if m := byName[name]; m != nil {
			direct = m.sequence
		}
		var all []string
		seen := map[string]bool{}
		for _, rel := range direct {
			sub, err := expand(rel, acc2, name)
			if err != nil {
				return nil, err
			}
			for _, s := range sub {
				if !seen[s] {
					seen[s] = true
					all = append(all, s)
				}
			}
		}
		for _, s := range direct {
			if !seen[s] {
				seen[s] = true
				all = append(all, s)
			}
		}
		cache[name] = all
		return all, nil
	}
	type entry struct {
		name string
		set  map[string]bool
	}
	var expanded []entry
	for _, n := range ordered {
		seq, err := expand(n, map[string]bool{}, "")
		if err != nil {
			return nil, err
		}
		set := map[string]bool{}
		for _, s := range seq {
			set[s] = true
		}
		expanded = append(expanded, entry{n, set})
	}
	total := len(expanded)
	for i := 0; i < total-1; i++ {
		for j := i; j < total; j++ {
			if expanded[i].set[expanded[j].name] {
				expanded[i], expanded[j] = expanded[j], expanded[i]
			}
		}
	}
	out := make([]*module, 0, total)
	for _, e := range expanded {
		out = append(out, byName[e.name])
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Names: DB/ExpressionConverter.php and Pdo/Mysql.php.

var translateMap = [][2]string{
	{"address", "addr"}, {"admin", "adm"}, {"attribute", "attr"}, {"enterprise", "ent"},
	{"catalog", "cat"}, {"category", "ctgr"}, {"customer", "cstr"}, {"notification", "ntfc"},
	{"product", "prd"}, {"session", "sess"}, {"user", "usr"}, {"entity", "entt"},
	{"datetime", "dtime"}, {"decimal", "dec"}, {"varchar", "vchr"}, {"index", "idx"},
	{"compare", "cmp"}, {"bundle", "bndl"}, {"option", "opt"}, {"gallery", "glr"},
	{"media", "mda"}, {"value", "val"}, {"link", "lnk"}, {"title", "ttl"},
	{"super", "spr"}, {"label", "lbl"}, {"website", "ws"}, {"aggregat", "aggr"},
	{"minimal", "min"}, {"inventory", "inv"}, {"status", "sts"}, {"agreement", "agrt"},
	{"layout", "lyt"}, {"resource", "res"}, {"directory", "dir"}, {"downloadable", "dl"},
	{"element", "elm"}, {"fieldset", "fset"}, {"checkout", "chkt"}, {"newsletter", "nlttr"},
	{"shipping", "shpp"}, {"calculation", "calc"}, {"search", "srch"}, {"query", "qr"},
}

// phpStrtr is PHP's strtr($s, array): longest key first at each position,
// replaced text is not scanned again.
func phpStrtr(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		best := -1
		for k, p := range translateMap {
			if strings.HasPrefix(s[i:], p[0]) && (best < 0 || len(p[0]) > len(translateMap[best][0])) {
				best = k
			}
		}
		if best < 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(translateMap[best][1])
		i += len(translateMap[best][0])
	}
	return b.String()
}

const mysqlIdentifierLen = 64

func shortenEntityName(name, prefix string) string {
	if len(name) <= mysqlIdentifierLen {
		return name
	}
	short := phpStrtr(name)
	if len(short) <= mysqlIdentifierLen {
		return short
	}
	sum := md5.Sum([]byte(name))
	hash := hex.EncodeToString(sum[:])
	if len(prefix+hash) > mysqlIdentifierLen {
		diff := len(hash) + len(prefix) - mysqlIdentifierLen
		sup, odd := diff/2, diff%2
		return hash[sup : len(hash)-(sup+odd)]
	}
	return prefix + hash
}

// indexName is Pdo\Mysql::getIndexName; kind is "unique", "fulltext" or
// anything else (an ordinary index).
func indexName(table string, cols []string, kind string) string {
	prefix := "idx_"
	switch strings.ToLower(kind) {
	case "unique":
		prefix = "unq_"
	case "fulltext":
		prefix = "fti_"
	}
	return strings.ToUpper(shortenEntityName(table+"_"+strings.Join(cols, "_"), prefix))
}

func foreignKeyName(table, col, refTable, refCol string) string {
	return strings.ToUpper(shortenEntityName(fmt.Sprintf("%s_%s_%s_%s", table, col, refTable, refCol), "fk_"))
}

// ---------------------------------------------------------------------------
// Declarative schema: Converter + SchemaBuilder + Definition/*.

type elem struct {
	key   string            // name or referenceId
	attrs map[string]string // attributes, "type" = xsi:type
	cols  []string          // <column name> children (constraints, indexes)
}

type tableData struct {
	name        string
	attrs       map[string]string
	columns     []*elem
	constraints []*elem
	indexes     []*elem
}

func attrMap(n *xnode) map[string]string {
	m := map[string]string{}
	for _, a := range n.attrs {
		if a.name == "xsi:type" {
			continue
		}
		m[a.name] = a.value
	}
	if t, ok := n.attr("xsi:type"); ok && t != "" {
		m["type"] = t
	}
	return m
}

// put keeps PHP's "$a[$key] = $v": a repeated key keeps its first place.
func put(list []*elem, e *elem) []*elem {
	for i, x := range list {
		if x.key == e.key {
			list[i] = e
			return list
		}
	}
	return append(list, e)
}

func convert(root *xnode) []*tableData {
	var tables []*tableData
	for _, t := range root.elems {
		if t.tag != "table" {
			continue
		}
		td := &tableData{name: t.get("name"), attrs: attrMap(t)}
		for _, c := range t.elems {
			var key string
			switch c.tag {
			case "column":
				key = c.get("name")
			case "constraint", "index":
				key = c.get("referenceId")
			default:
				continue
			}
			e := &elem{key: key, attrs: attrMap(c)}
			var cols []*elem
			for _, cc := range c.elems {
				if cc.tag == "column" {
					cols = put(cols, &elem{key: cc.get("name")})
				}
			}
			for _, cc := range cols {
				e.cols = append(e.cols, cc.key)
			}
			switch c.tag {
			case "column":
				td.columns = put(td.columns, e)
			case "constraint":
				td.constraints = put(td.constraints, e)
			case "index":
				td.indexes = put(td.indexes, e)
			}
		}
		found := false
		for i, x := range tables {
			if x.name == td.name {
				tables[i], found = td, true
			}
		}
		if !found {
			tables = append(tables, td)
		}
	}
	return tables
}

// toBool is Stdlib\BooleanUtils::toBoolean for attribute strings.
func toBool(v string) (bool, error) {
	switch v {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("boolean value expected, got %q", v)
}

func boolAttr(a map[string]string, name string, def bool) (bool, error) {
	v, ok := a[name]
	if !ok {
		return def, nil
	}
	return toBool(v)
}

func disabled(a map[string]string) (bool, error) {
	return boolAttr(a, "disabled", false)
}

// phpInt is PHP's (int) cast of a numeric-leading string.
func phpInt(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return int64(f)
	}
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

// phpFloatString is PHP's string conversion of a float (precision=14).
func phpFloatString(f float64) string {
	s := strconv.FormatFloat(f, 'G', 14, 64)
	if i := strings.IndexByte(s, 'E'); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		e, _ := strconv.Atoi(exp)
		sign := "+"
		if e < 0 {
			sign, e = "-", -e
		}
		return fmt.Sprintf("%sE%s%d", mant, sign, e)
	}
	return s
}

type column struct {
	name     string
	typ      string
	def      string // SQL definition
	nullable bool
	unsigned bool
	identity bool
	defValue *string // default as DESCRIBE would show it (for createTableByDdl)
	comment  string
}

type constraint struct {
	name     string
	kind     string // primary, unique, foreign
	cols     []string
	refTable string
	refCol   string
	def      string
}

type index struct {
	name string
	kind string // btree, fulltext, hash
	cols []string
	def  string
}

type table struct {
	name        string
	engine      string
	charset     string
	collation   string
	comment     *string
	columns     []*column
	constraints []*constraint
	indexes     []*index
}

func (t *table) column(name string) *column {
	for _, c := range t.columns {
		if c.name == name {
			return c
		}
	}
	return nil
}

func q(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

type builder struct {
	data      map[string]*tableData
	order     []*tableData
	tables    map[string]*table
	charset   string
	collation string
	escapes   int      // comments that needed escaping (the installer does not escape)
	renamed   []string // referenceId -> the name the installer gives
}

// named records a key whose name differs from its referenceId: the
// installer names keys from table and columns, not from referenceId.
func (b *builder) named(table, refID, name string) {
	if refID != name {
		b.renamed = append(b.renamed, fmt.Sprintf("%s: %s -> %s", table, refID, name))
	}
}

// sqlText writes a comment or default between double quotes as the
// installer does; a double quote or backslash inside would break the
// installer's SQL, so it is escaped here (and counted).
func (b *builder) sqlText(s string) string {
	if strings.ContainsAny(s, "\"\\") {
		b.escapes++
		s = strings.ReplaceAll(s, "\\", "\\\\")
		s = strings.ReplaceAll(s, "\"", "\\\"")
	}
	return s
}

func (b *builder) comment(a map[string]string) string {
	c, ok := a["comment"]
	if !ok {
		return ""
	}
	return fmt.Sprintf("COMMENT \"%s\"", b.sqlText(c))
}

func nullSQL(nullable bool) string {
	if nullable {
		return "NULL"
	}
	return "NOT NULL"
}

func (b *builder) buildColumn(tname string, e *elem) (*column, error) {
	a := e.attrs
	typ := a["type"]
	c := &column{name: e.key, typ: typ}
	if cm, ok := a["comment"]; ok {
		c.comment = cm
	}
	var err error
	if c.nullable, err = boolAttr(a, "nullable", true); err != nil {
		return nil, err
	}
	name := q(e.key)
	cmt := b.comment(a)
	switch typ {
	case "int", "smallint", "tinyint", "bigint":
		if c.unsigned, err = boolAttr(a, "unsigned", false); err != nil {
			return nil, err
		}
		if c.identity, err = boolAttr(a, "identity", false); err != nil {
			return nil, err
		}
		if c.identity {
			c.nullable = false
		}
		def := ""
		if v, ok := a["default"]; ok && v != "null" {
			s := strconv.FormatInt(phpInt(v), 10)
			c.defValue = &s
			def = "DEFAULT " + s
		}
		uns, ident := "", ""
		if c.unsigned {
			uns = "UNSIGNED"
		}
		if c.identity {
			ident = "AUTO_INCREMENT"
		}
		c.def = fmt.Sprintf("%s %s %s %s %s %s", name+" "+typ, uns, nullSQL(c.nullable), def, ident, cmt)
	case "boolean":
		def := ""
		if v, ok := a["default"]; ok {
			bv, err := toBool(v)
			if err != nil {
				return nil, err
			}
			def = "DEFAULT 0"
			if bv {
				def = "DEFAULT 1"
			}
		}
		c.def = fmt.Sprintf("%s %s %s %s %s", name, "BOOLEAN", nullSQL(c.nullable), def, cmt)
	case "decimal", "float", "double":
		precision, scale := int64(0), int64(0)
		if typ == "decimal" {
			precision = 10
		}
		if v, ok := a["precision"]; ok {
			precision = phpInt(v)
		}
		if v, ok := a["scale"]; ok {
			scale = phpInt(v)
		}
		if c.unsigned, err = boolAttr(a, "unsigned", false); err != nil {
			return nil, err
		}
		t := typ
		if !(precision == 0 && scale == 0) {
			t = fmt.Sprintf("%s(%d, %d)", typ, precision, scale)
		}
		def := ""
		if v, ok := a["default"]; ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			s := phpFloatString(f)
			c.defValue = &s
			def = "DEFAULT " + s
		}
		uns := ""
		if c.unsigned {
			uns = "UNSIGNED"
		}
		c.def = fmt.Sprintf("%s %s %s %s %s %s", name, t, uns, nullSQL(c.nullable), def, cmt)
	case "varchar", "char", "varbinary", "binary":
		length := int64(255)
		if v, ok := a["length"]; ok {
			length = phpInt(v)
		}
		def := ""
		if v, ok := a["default"]; ok {
			c.defValue = &v
			def = fmt.Sprintf("DEFAULT \"%s\"", b.sqlText(v))
		}
		c.def = fmt.Sprintf("%s %s(%d) %s %s %s", name, typ, length, nullSQL(c.nullable), def, cmt)
	case "text", "mediumtext", "longtext", "blob", "mediumblob", "longblob", "json":
		c.def = fmt.Sprintf("%s %s %s %s", name, typ, nullSQL(c.nullable), cmt)
	case "date":
		c.def = fmt.Sprintf("%s %s %s %s", name, typ, nullSQL(c.nullable), cmt)
	case "timestamp", "datetime":
		def := "NULL"
		if v, ok := a["default"]; ok {
			def = v
		}
		onUpdate := ""
		if v, ok := a["on_update"]; ok && v != "" && v != "0" {
			if v == "CURRENT_TIMESTAMP" {
				onUpdate = v
			} else if bv, err := toBool(v); err != nil {
				return nil, err
			} else if bv {
				onUpdate = "CURRENT_TIMESTAMP"
			}
		}
		defSQL := ""
		if def != "NULL" {
			defSQL = "DEFAULT " + def
			c.defValue = &def
		}
		onSQL := ""
		if onUpdate != "" {
			onSQL = "ON UPDATE CURRENT_TIMESTAMP"
		}
		c.def = fmt.Sprintf("%s %s %s %s %s %s", name, typ, nullSQL(c.nullable), defSQL, onSQL, cmt)
	default:
		return nil, fmt.Errorf("table %s column %s: unknown xsi:type %q", tname, e.key, typ)
	}
	return c, nil
}

func (b *builder) build() error {
	for _, td := range b.order {
		if _, ok := b.tables[td.name]; ok {
			continue
		}
		off, err := disabled(td.attrs)
		if err != nil {
			return fmt.Errorf("table %s: %v", td.name, err)
		}
		if off {
			continue
		}
		if _, err := b.processTable(td); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) processTable(td *tableData) (*table, error) {
	if t, ok := b.tables[td.name]; ok {
		return t, nil
	}
	t := &table{
		name:      td.name,
		engine:    "innodb",
		charset:   b.charset,
		collation: b.collation,
	}
	if v, ok := td.attrs["engine"]; ok {
		t.engine = v
	}
	if v, ok := td.attrs["charset"]; ok {
		t.charset = v
	}
	if v, ok := td.attrs["collation"]; ok {
		t.collation = v
	}
	if v, ok := td.attrs["comment"]; ok {
		t.comment = &v
	}
	for _, e := range td.columns {
		off, err := disabled(e.attrs)
		if err != nil {
			return nil, fmt.Errorf("table %s column %s: %v", td.name, e.key, err)
		}
		if off {
			continue
		}
		c, err := b.buildColumn(td.name, e)
		if err != nil {
			return nil, err
		}
		replaced := false
		for i, x := range t.columns {
			if x.name == c.name {
				t.columns[i], replaced = c, true
			}
		}
		if !replaced {
			t.columns = append(t.columns, c)
		}
	}
	checkCols := func(what string, cols []string) error {
		for _, cn := range cols {
			if t.column(cn) == nil {
				return fmt.Errorf("table %s %s: no column %s", td.name, what, cn)
			}
		}
		return nil
	}
	// indexes
	for _, e := range td.indexes {
		off, err := disabled(e.attrs)
		if err != nil {
			return nil, err
		}
		if off {
			continue
		}
		kind := e.attrs["indexType"]
		if kind == "" {
			kind = "btree"
		}
		nameKind := "index"
		if kind == "fulltext" {
			nameKind = "fulltext"
		}
		if err := checkCols("index "+e.key, e.cols); err != nil {
			return nil, err
		}
		ix := &index{name: indexName(td.name, e.cols, nameKind), kind: kind, cols: e.cols}
		b.named(td.name, e.key, ix.name)
		var qc []string
		for _, c := range e.cols {
			qc = append(qc, q(c))
		}
		ft := ""
		if kind == "fulltext" {
			ft = "FULLTEXT "
		}
		ix.def = fmt.Sprintf("%sINDEX %s%s (%s)", ft, q(ix.name), "", strings.Join(qc, ","))
		replaced := false
		for i, x := range t.indexes {
			if x.name == ix.name {
				t.indexes[i], replaced = ix, true
			}
		}
		if !replaced {
			t.indexes = append(t.indexes, ix)
		}
	}
	// Register before the constraints: a foreign key to the same table
	// must find it (SchemaBuilder compares names for that case).
	b.tables[td.name] = t
	for _, e := range td.constraints {
		off, err := disabled(e.attrs)
		if err != nil {
			return nil, err
		}
		if off {
			continue
		}
		kind := e.attrs["type"]
		var con *constraint
		switch kind {
		case "foreign":
			col := e.attrs["column"]
			if t.column(col) == nil {
				return nil, fmt.Errorf("table %s foreign key %s: no column %s", td.name, e.key, col)
			}
			refName := e.attrs["referenceTable"]
			refData, ok := b.data[refName]
			if !ok {
				return nil, fmt.Errorf("table %s foreign key %s: reference table %s is not declared", td.name, e.key, refName)
			}
			if off, _ := disabled(refData.attrs); off {
				return nil, fmt.Errorf("the reference table named %q is disabled", refName)
			}
			var ref *table
			if refName == td.name {
				ref = t
			} else {
				if ref, err = b.processTable(refData); err != nil {
					return nil, err
				}
			}
			refCol := e.attrs["referenceColumn"]
			if ref.column(refCol) == nil {
				return nil, fmt.Errorf("table %s foreign key %s: table %s has no column %s", td.name, e.key, refName, refCol)
			}
			onDelete, ok := e.attrs["onDelete"]
			if !ok {
				onDelete = "CASCADE"
			}
			con = &constraint{
				name: foreignKeyName(td.name, col, refName, refCol), kind: kind,
				cols: []string{col}, refTable: refName, refCol: refCol,
			}
			b.named(td.name, e.key, con.name)
			od := ""
			if onDelete != "" {
				od = " ON DELETE " + onDelete
			}
			con.def = fmt.Sprintf("CONSTRAINT %s %s (%s) REFERENCES %s (%s) %s",
				q(con.name), "FOREIGN KEY", q(col), q(refName), q(refCol), od)
		case "primary", "unique":
			if err := checkCols("constraint "+e.key, e.cols); err != nil {
				return nil, err
			}
			var qc []string
			for _, c := range e.cols {
				qc = append(qc, q(c))
			}
			if kind == "primary" {
				con = &constraint{name: "PRIMARY", kind: kind, cols: e.cols}
				con.def = fmt.Sprintf("CONSTRAINT %s %s (%s)", "", "PRIMARY KEY", strings.Join(qc, ","))
			} else {
				con = &constraint{name: indexName(td.name, e.cols, "unique"), kind: kind, cols: e.cols}
				b.named(td.name, e.key, con.name)
				con.def = fmt.Sprintf("CONSTRAINT %s %s (%s)", q(con.name), "UNIQUE KEY", strings.Join(qc, ","))
			}
		default:
			return nil, fmt.Errorf("table %s constraint %s: unknown xsi:type %q", td.name, e.key, kind)
		}
		replaced := false
		for i, x := range t.constraints {
			if x.name == con.name {
				t.constraints[i], replaced = con, true
			}
		}
		if !replaced {
			t.constraints = append(t.constraints, con)
		}
	}
	return t, nil
}

// createSQL is Operations\CreateTable + DbSchemaWriter::createTable/compile.
func (b *builder) createSQL(t *table) string {
	var defs []string
	for _, c := range t.columns {
		defs = append(defs, c.def)
	}
	for _, c := range t.constraints {
		defs = append(defs, c.def)
	}
	for _, ix := range t.indexes {
		defs = append(defs, ix.def)
	}
	cmt := ""
	if t.comment != nil {
		cmt = fmt.Sprintf("COMMENT=\"%s\"", b.sqlText(*t.comment))
	}
	body := fmt.Sprintf("(\n%s\n) ENGINE=%s DEFAULT CHARSET=%s DEFAULT COLLATE=%s %s",
		strings.Join(defs, ", \n"), t.engine, t.charset, t.collation, cmt)
	return fmt.Sprintf("CREATE TABLE %s %s", q(t.name), body)
}

// ---------------------------------------------------------------------------
// The older DDL API (Magento\Framework\DB\Ddl\Table + Pdo\Mysql::createTable).

type legacyColumn struct {
	name     string
	ddlType  string // smallint, integer, bigint, text, blob, timestamp, decimal
	size     string // for text/blob: "255", "2M", "16m"
	unsigned bool
	nullable bool
	identity bool
	primary  bool
	def      *string // nil: no 'default' option
	comment  string
}

type legacyIndex struct {
	name string
	kind string // index, unique, fulltext
	cols []string
}

type legacyTable struct {
	name    string
	comment string
	columns []legacyColumn
	indexes []legacyIndex
	engine  string
	charset string
	collate string
}

func sqlQuote(s string) string {
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "'", "\\'")
	return "'" + s + "'"
}

func parseTextSize(size string) int64 {
	size = strings.TrimSpace(size)
	n := phpInt(size)
	switch strings.ToLower(size[len(size)-1:]) {
	case "k":
		n *= 1024
	case "m":
		n *= 1024 * 1024
	case "g":
		n *= 1024 * 1024 * 1024
	}
	if n == 0 {
		return 1024
	}
	if n >= 4294967296 {
		return 4294967296
	}
	return n
}

func legacyColumnSQL(c legacyColumn) string {
	typ := map[string]string{"smallint": "smallint", "integer": "int", "bigint": "bigint",
		"timestamp": "timestamp", "text": "text", "blob": "blob", "decimal": "decimal"}[c.ddlType]
	if c.ddlType == "text" || c.ddlType == "blob" {
		length := int64(1024)
		if c.size != "" {
			length = parseTextSize(c.size)
		}
		switch {
		case length <= 255:
			if c.ddlType == "text" {
				typ = fmt.Sprintf("varchar(%d)", length)
			} else {
				typ = fmt.Sprintf("varbinary(%d)", length)
			}
		case length <= 65536:
		case length <= 16777216:
			typ = "medium" + typ
		default:
			typ = "long" + typ
		}
	}
	uns := ""
	if c.unsigned && (c.ddlType == "smallint" || c.ddlType == "integer" || c.ddlType == "bigint") {
		uns = " UNSIGNED"
	}
	def := ""
	if c.ddlType == "timestamp" {
		switch {
		case c.def == nil:
		case *c.def == "TIMESTAMP_INIT":
			def = " default CURRENT_TIMESTAMP"
		case *c.def == "TIMESTAMP_INIT_UPDATE":
			def = " default CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"
		}
	} else if c.def != nil {
		def = " default " + sqlQuote(strings.ReplaceAll(*c.def, "'", ""))
	}
	ident := ""
	if c.identity {
		ident = " auto_increment"
	}
	return fmt.Sprintf("%s%s%s%s%s COMMENT %s %s", typ, uns, map[bool]string{true: " NULL", false: " NOT NULL"}[c.nullable],
		def, ident, sqlQuote(c.comment), "")
}

func legacyCreateSQL(t legacyTable) string {
	var frag []string
	var primary []string
	for _, c := range t.columns {
		frag = append(frag, fmt.Sprintf("  %s %s", q(c.name), legacyColumnSQL(c)))
		if c.primary {
			primary = append(primary, q(c.name))
		}
	}
	if len(primary) > 0 {
		frag = append(frag, fmt.Sprintf("  PRIMARY KEY (%s)", strings.Join(primary, ", ")))
	}
	for _, ix := range t.indexes {
		var cols []string
		for _, c := range ix.cols {
			cols = append(cols, q(c))
		}
		frag = append(frag, fmt.Sprintf("  %s %s (%s)", strings.ToUpper(ix.kind), q(ix.name), strings.Join(cols, ", ")))
	}
	opts := []string{"COMMENT=" + sqlQuote(t.comment), "ENGINE=" + t.engine, "charset=" + t.charset, "COLLATE=" + t.collate}
	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n%s\n) %s", q(t.name), strings.Join(frag, ",\n"), strings.Join(opts, " "))
}

func sp(s string) *string { return &s }

// installerTables are the tables setup/src/Magento/Setup/Model/Installer.php
// creates before the declarative schema (setupModuleRegistry, setupCoreTables).
func installerTables(charset, collate string) []legacyTable {
	t := func(name, comment string, cols []legacyColumn, idx []legacyIndex) legacyTable {
		return legacyTable{name: name, comment: comment, columns: cols, indexes: idx,
			engine: "innodb", charset: charset, collate: collate}
	}
	return []legacyTable{
		t("setup_module", "Module versions registry", []legacyColumn{
			{name: "module", ddlType: "text", size: "50", primary: true, comment: "Module"},
			{name: "schema_version", ddlType: "text", size: "50", nullable: true, comment: "Schema Version"},
			{name: "data_version", ddlType: "text", size: "50", nullable: true, comment: "Data Version"},
		}, nil),
		t("session", "Database Sessions Storage", []legacyColumn{
			{name: "session_id", ddlType: "text", size: "255", primary: true, comment: "Session Id"},
			{name: "session_expires", ddlType: "integer", unsigned: true, def: sp("0"), comment: "Date of Session Expiration"},
			{name: "session_data", ddlType: "blob", size: "2M", comment: "Session Data"},
		}, nil),
		t("cache", "Caches", []legacyColumn{
			{name: "id", ddlType: "text", size: "200", primary: true, comment: "Cache Id"},
			{name: "data", ddlType: "blob", size: "2M", nullable: true, comment: "Cache Data"},
			{name: "create_time", ddlType: "integer", nullable: true, comment: "Cache Creation Time"},
			{name: "update_time", ddlType: "integer", nullable: true, comment: "Time of Cache Updating"},
			{name: "expire_time", ddlType: "integer", nullable: true, comment: "Cache Expiration Time"},
		}, []legacyIndex{{name: indexName("cache", []string{"expire_time"}, "index"), kind: "index", cols: []string{"expire_time"}}}),
		t("cache_tag", "Tag Caches", []legacyColumn{
			{name: "tag", ddlType: "text", size: "100", primary: true, comment: "Tag"},
			{name: "cache_id", ddlType: "text", size: "200", primary: true, comment: "Cache Id"},
		}, []legacyIndex{{name: indexName("cache_tag", []string{"cache_id"}, "index"), kind: "index", cols: []string{"cache_id"}}}),
		t("flag", "Flag", []legacyColumn{
			{name: "flag_id", ddlType: "integer", unsigned: true, identity: true, primary: true, comment: "Flag Id"},
			{name: "flag_code", ddlType: "text", size: "255", comment: "Flag Code"},
			{name: "state", ddlType: "smallint", unsigned: true, def: sp("0"), comment: "Flag State"},
			{name: "flag_data", ddlType: "text", size: "16m", nullable: true, comment: "Flag Data"},
			{name: "last_update", ddlType: "timestamp", def: sp("TIMESTAMP_INIT_UPDATE"), comment: "Date of Last Flag Update"},
		}, []legacyIndex{{name: indexName("flag", []string{"last_update"}, "index"), kind: "index", cols: []string{"last_update"}}}),
	}
}

func upperCaseWords(s string) string {
	words := strings.Split(s, "_")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// copyTableByDdl is Pdo\Mysql::createTableByDdl($from, $newName) as
// EnableSegmentation calls it: columns as DESCRIBE shows them, comments made
// from the column names, indexes renamed for the new table, engine InnoDB.
func copyTableByDdl(from *table, newName, charset, collate string) (legacyTable, error) {
	lt := legacyTable{name: newName, comment: upperCaseWords(newName), engine: "InnoDB", charset: charset, collate: collate}
	pk := map[string]bool{}
	for _, c := range from.constraints {
		if c.kind == "primary" {
			for _, n := range c.cols {
				pk[n] = true
			}
		}
	}
	for _, c := range from.columns {
		var ddl string
		switch c.typ {
		case "tinyint", "smallint":
			ddl = "smallint"
		case "int":
			ddl = "integer"
		case "bigint":
			ddl = "bigint"
		default:
			return lt, fmt.Errorf("createTableByDdl(%s): column type %s not ported", from.name, c.typ)
		}
		lc := legacyColumn{name: c.name, ddlType: ddl, unsigned: c.unsigned, nullable: c.nullable,
			identity: c.identity, primary: pk[c.name], comment: upperCaseWords(c.name)}
		if c.defValue != nil {
			lc.def = c.defValue
		}
		lt.columns = append(lt.columns, lc)
	}
	// SHOW INDEX order: PRIMARY, unique keys, then the others; fulltext last.
	var uniq, plain, ft []legacyIndex
	for _, c := range from.constraints {
		if c.kind == "unique" {
			uniq = append(uniq, legacyIndex{name: indexName(newName, c.cols, "unique"), kind: "unique", cols: c.cols})
		}
	}
	for _, ix := range from.indexes {
		if ix.kind == "fulltext" {
			ft = append(ft, legacyIndex{name: indexName(newName, ix.cols, "fulltext"), kind: "fulltext", cols: ix.cols})
		} else {
			plain = append(plain, legacyIndex{name: indexName(newName, ix.cols, "index"), kind: "index", cols: ix.cols})
		}
	}
	lt.indexes = append(append(uniq, plain...), ft...)
	for _, c := range from.constraints {
		if c.kind == "foreign" {
			return lt, fmt.Errorf("createTableByDdl(%s): foreign keys not ported", from.name)
		}
	}
	return lt, nil
}

// ---------------------------------------------------------------------------
// Sources.

func frameworkDir(src string) string {
	for _, d := range []string{
		filepath.Join(src, "lib", "internal", "Magento", "Framework"),
		filepath.Join(src, "vendor", "magento", "framework"),
	} {
		if isDir(d) {
			return d
		}
	}
	return ""
}

// defaultCharset reads the charset/collation the declarative schema uses
// when a table declares none (Dto/Factories/Table.php). 2.4.0-2.4.5 have a
// constant (utf8/utf8_general_ci); later releases pick by server version,
// utf8mb3/utf8mb3_general_ci for MariaDB 10.6 and 10.11, which we target.
func defaultCharset(fw string) (string, string) {
	data, err := os.ReadFile(filepath.Join(fw, "Setup", "Declaration", "Schema", "Dto", "Factories", "Table.php"))
	if err != nil {
		notef("no Dto/Factories/Table.php in the framework; assuming utf8/utf8_general_ci")
		return "utf8", "utf8_general_ci"
	}
	s := string(data)
	if m := regexp.MustCompile(`'10\.11\.'\s*=>\s*'([^']+)'`).FindAllStringSubmatch(s, -1); len(m) == 2 {
		return m[0][1], m[1][1]
	}
	cs := regexp.MustCompile(`DEFAULT_CHARSET\s*=\s*'([^']+)'`).FindStringSubmatch(s)
	co := regexp.MustCompile(`DEFAULT_COLLATION\s*=\s*'([^']+)'`).FindStringSubmatch(s)
	if cs == nil || co == nil {
		notef("cannot read the default charset from Dto/Factories/Table.php; assuming utf8/utf8_general_ci")
		return "utf8", "utf8_general_ci"
	}
	return cs[1], co[1]
}

// legacyCharset reads Ddl\Table's default options (DB/Ddl/Table.php).
func legacyCharset(fw string) (string, string) {
	data, err := os.ReadFile(filepath.Join(fw, "DB", "Ddl", "Table.php"))
	if err == nil {
		m := regexp.MustCompile(`\$_options\s*=\s*\[[^\]]*'charset'\s*=>\s*'([^']+)'[^\]]*'collate'\s*=>\s*'([^']+)'`).FindStringSubmatch(string(data))
		if m != nil {
			return m[1], m[2]
		}
	}
	notef("cannot read Ddl\\Table's default charset; assuming utf8/utf8_general_ci")
	return "utf8", "utf8_general_ci"
}

func primarySchemaFile(src string) string {
	for _, f := range []string{
		filepath.Join(src, "app", "etc", "db_schema.xml"),
		filepath.Join(src, "vendor", "magento", "magento2-base", "app", "etc", "db_schema.xml"),
	} {
		if isFile(f) {
			return f
		}
	}
	return ""
}

// stockViewSQL reads the view InventoryCatalog's CreateLegacyStockStatusView
// schema patch creates, with the names it resolves on a fresh install.
func stockViewSQL(mods []*module) (string, string, error) {
	for _, m := range mods {
		if m.name != "Magento_InventoryCatalog" {
			continue
		}
		f := filepath.Join(m.dir, "Setup", "Patch", "Schema", "CreateLegacyStockStatusView.php")
		data, err := os.ReadFile(f)
		if err != nil {
			return "", "", err
		}
		mm := regexp.MustCompile(`(?s)\$sql\s*=\s*"(CREATE.*?)";`).FindStringSubmatch(string(data))
		if mm == nil {
			return "", "", fmt.Errorf("%s: no $sql = \"CREATE ...\"", f)
		}
		sql := strings.NewReplacer(
			"{$viewToLegacyIndex}", "inventory_stock_1", // StockIndexTableNameResolver for the default stock (id 1)
			"{$legacyStockStatusTable}", "cataloginventory_stock_status",
			"{$productTable}", "catalog_product_entity",
		).Replace(mm[1])
		if strings.Contains(sql, "{$") {
			return "", "", fmt.Errorf("%s: unresolved variable in the view SQL", f)
		}
		sql = strings.TrimRight(strings.TrimSpace(sql), ";")
		// trailing blanks inside the PHP string (e.g. after DISTINCT) are
		// not significant; drop them so the file has none
		lines := strings.Split(sql, "\n")
		for i := range lines {
			lines[i] = strings.TrimRight(lines[i], " \t")
		}
		return strings.Join(lines, "\n"), m.origin, nil
	}
	return "", "", nil
}

// ---------------------------------------------------------------------------

func generate(w *bytes.Buffer, src, inv string) error {
	fw := frameworkDir(src)
	if fw == "" {
		return fmt.Errorf("MAGENTO_SRC=%s: no lib/internal/Magento/Framework or vendor/magento/framework", src)
	}
	mods, err := findModules(src, inv)
	if err != nil {
		return err
	}
	var files []string
	for _, m := range mods {
		f := filepath.Join(m.dir, "etc", "db_schema.xml")
		if isFile(f) {
			files = append(files, f)
		}
	}
	primary := primarySchemaFile(src)
	if primary == "" {
		return errors.New("primary db_schema file (app/etc/db_schema.xml) doesn't exist")
	}
	files = append(files, primary)
	var merged *xnode
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		root, err := parseXML(data)
		if err != nil {
			return fmt.Errorf("%s: %v", f, err)
		}
		if merged == nil {
			merged = root
			continue
		}
		for _, a := range root.attrs {
			merged.setAttr(a.name, a.value)
		}
		for _, c := range root.elems {
			if err := mergeNode(merged, c, "/"+merged.tag, f); err != nil {
				return err
			}
		}
	}
	charset, collation := defaultCharset(fw)
	lcharset, lcollation := legacyCharset(fw)
	b := &builder{data: map[string]*tableData{}, tables: map[string]*table{}, charset: charset, collation: collation}
	b.order = convert(merged)
	for _, td := range b.order {
		b.data[td.name] = td
	}
	if err := b.build(); err != nil {
		return err
	}
	var names []string
	for n := range b.tables {
		names = append(names, n)
	}
	sort.Strings(names)

	nSchemaModules := len(files) - 1
	w.WriteString("-- Magento Open Source 2.4: the schema its installer creates on an empty\n")
	w.WriteString("-- database, generated from Magento's public source by\n")
	w.WriteString("-- testdata/cms/gen/magento (see testdata/cms/README.md). No data.\n")
	fmt.Fprintf(w, "-- %d modules declare tables in etc/db_schema.xml.\n\n", nSchemaModules)
	w.WriteString("SET NAMES utf8;\nSET SQL_MODE='';\nSET time_zone='+00:00';\nSET FOREIGN_KEY_CHECKS=0;\n\n")

	w.WriteString("-- Installer::setupModuleRegistry and Installer::setupCoreTables\n")
	for _, lt := range installerTables(lcharset, lcollation) {
		w.WriteString(legacyCreateSQL(lt) + ";\n\n")
	}
	w.WriteString("-- Declarative schema (etc/db_schema.xml of every module, merged)\n")
	for _, n := range names {
		w.WriteString(b.createSQL(b.tables[n]) + ";\n\n")
	}
	extraTables := 0
	// Schema patches, in module order as the installer applies them.
	w.WriteString("-- Schema patches\n")
	if t := b.tables["review_entity_summary"]; t != nil && hasModule(mods, "Magento_Review") &&
		isFile(filepath.Join(moduleDir(mods, "Magento_Review"), "Setup", "Patch", "Schema", "AddUniqueConstraintToReviewEntitySummary.php")) {
		cols := []string{"entity_pk_value", "store_id", "entity_type"}
		fmt.Fprintf(w, "-- Magento_Review AddUniqueConstraintToReviewEntitySummary\nALTER TABLE %s ADD UNIQUE %s (%s);\n\n",
			q(t.name), q(indexName(t.name, cols, "unique")), "`entity_pk_value`,`store_id`,`entity_type`")
	}
	if t := b.tables["catalog_category_product_index"]; t != nil && hasModule(mods, "Magento_Catalog") &&
		isFile(filepath.Join(moduleDir(mods, "Magento_Catalog"), "Setup", "Patch", "Schema", "EnableSegmentation.php")) {
		// store 1 ("default") is the only store_id > 0 after
		// Magento_Store's InitializeStoresAndWebsites
		w.WriteString("-- Magento_Catalog EnableSegmentation (store 1)\n")
		for _, name := range []string{"catalog_category_product_index_store1", "catalog_category_product_index_store1_replica"} {
			lt, err := copyTableByDdl(t, name, lcharset, lcollation)
			if err != nil {
				return err
			}
			w.WriteString(legacyCreateSQL(lt) + ";\n\n")
			extraTables++
		}
	}
	if hasModule(mods, "Magento_SalesSequence") && isFile(filepath.Join(moduleDir(mods, "Magento_SalesSequence"), "Setup", "SequenceCreator.php")) {
		// SalesSequence Recurring -> SequenceCreator for stores 0 and 1 and
		// the entities of Magento_Sales' EntityPool (etc/di.xml), with
		// DB/Ddl/Sequence::getCreateSequenceDdl.
		w.WriteString("-- Magento_SalesSequence Recurring (SequenceCreator)\n")
		for _, store := range []int{0, 1} {
			for _, entity := range []string{"order", "invoice", "creditmemo", "shipment"} {
				fmt.Fprintf(w, "CREATE TABLE sequence_%s_%d (\n                     sequence_value integer UNSIGNED NOT NULL AUTO_INCREMENT,\n                     PRIMARY KEY (sequence_value)\n            ) AUTO_INCREMENT = 1 ENGINE = INNODB;\n\n", entity, store)
				extraTables++
			}
		}
	}
	view, viewOrigin, err := stockViewSQL(mods)
	if err != nil {
		return err
	}
	if view != "" {
		fmt.Fprintf(w, "-- Magento_InventoryCatalog CreateLegacyStockStatusView\n%s;\n\n", view)
	} else {
		notef("no Magento_InventoryCatalog in the sources: no inventory_stock_1 view")
	}
	w.WriteString("SET FOREIGN_KEY_CHECKS=1;\n")

	fks := 0
	for _, t := range b.tables {
		for _, c := range t.constraints {
			if c.kind == "foreign" {
				fks++
			}
		}
	}
	notef("%d modules (%d with db_schema.xml); %d declared tables, %d foreign keys; %d installer tables, %d tables from patches/recurring; view: %v (from %s)",
		len(mods), nSchemaModules, len(b.tables), fks, len(installerTables("", "")), extraTables, view != "", viewOrigin)
	notef("declarative charset %s/%s, legacy DDL charset %s/%s", charset, collation, lcharset, lcollation)
	if len(b.renamed) > 0 {
		notef("%d keys get a name other than their referenceId (MAGENTO_GEN_VERBOSE=1 lists them)", len(b.renamed))
		if os.Getenv("MAGENTO_GEN_VERBOSE") != "" {
			for _, r := range b.renamed {
				notef("  %s", r)
			}
		}
	}
	if b.escapes > 0 {
		notef("%d comments or defaults held a double quote or backslash and were escaped (the installer sends them raw)", b.escapes)
	}
	return nil
}

func hasModule(mods []*module, name string) bool { return moduleDir(mods, name) != "" }

func moduleDir(mods []*module, name string) string {
	for _, m := range mods {
		if m.name == name {
			return m.dir
		}
	}
	return ""
}
