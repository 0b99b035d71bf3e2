package dbdump

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Subset restricts the rows read to a closure: the rows of the Roots, every
// row a taken row references (so that no reference dangles), and, for a
// reference with Dependents, every row that references a taken row (the
// rows that belong to it), to a fixed point. Declared foreign keys are
// references too; those whose ON DELETE is CASCADE have Dependents. Whole
// tables are read with all their rows; their rows are followed to what they
// reference but not to the rows that reference them. Base tables reached by
// nothing are dumped without rows.
//
// The closure is computed inside the dump's snapshot, with plain SELECTs
// (consistent reads, no locks: an INSERT ... SELECT from the site's tables
// would lock their rows and read past the snapshot), the keys taken kept in
// TEMPORARY tables of one connection, so that the client holds at most a
// page of keys at a time, whatever the size of the database.
type Subset struct {
	Roots []SubsetRoot
	// Whole lists path.Match patterns of tables copied whole.
	Whole []string
	Refs  []Reference
}

// SubsetRoot is the rows of Table matching Where, an SQL condition.
type SubsetRoot struct {
	Table string `json:"table"`
	Where string `json:"where"`
}

// Reference says that the rows of From whose FromCols equal the ToCols of a
// row of To reference that row, for the rows of From matching Where (an SQL
// condition on From's columns, "" for all). From may be a path.Match
// pattern: the reference holds for each table it matches that has FromCols.
type Reference struct {
	From     string
	FromCols []string
	To       string
	ToCols   []string
	Where    string
	// Dependents: taking a row of To takes the rows of From referencing it.
	Dependents bool
	// Optional references are left out when a table or column is missing
	// (a preset's, for a plugin the site does not have).
	Optional bool
	// Declared is set for the foreign keys read from information_schema.
	Declared bool
	// Name is how errors and Info name the reference.
	Name string
}

func (r Reference) String() string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("%s.%s -> %s.%s", r.From, strings.Join(r.FromCols, ","), r.To, strings.Join(r.ToCols, ","))
}

// SubsetTable says what a subset took of one table.
type SubsetTable struct {
	Table string `json:"table"`
	// How is "root", "reached", "whole" or "empty" (reached by nothing:
	// its schema is copied, none of its rows).
	How string `json:"how"`
	// Taken is the rows taken: exact for root and reached tables, the
	// server's estimate for whole ones until the rows written replace it.
	Taken int64 `json:"taken"`
	// Present is the server's estimate of the table's rows
	// (information_schema.TABLES.TABLE_ROWS: counting them exactly would
	// read every table whole).
	Present int64 `json:"present_estimate"`
}

// SubsetInfo describes the subset of a dump: its definition and what it
// took of each table. It is what the manifest records.
type SubsetInfo struct {
	Roots []SubsetRoot `json:"roots"`
	Whole []string     `json:"whole,omitempty"`
	// References lists the references followed, declared ones included.
	References []string `json:"references"`
	// Rounds is how many rounds the closure took to reach its fixed point.
	Rounds int           `json:"rounds"`
	Tables []SubsetTable `json:"tables"`
}

// ErrSubset means the subset cannot be computed as given: a table or column
// it names does not exist, a table it reaches has no primary key, or a
// condition the server refuses.
var ErrSubset = errors.New("dbdump: subset")

// The client's memory for a subset is bounded by these, whatever the size
// of the database or of the subset: the keys taken live in the server's
// temporary tables, and the client holds at most subsetResult keys of one
// query's result (with 20-byte keys, under a megabyte) and sends them back
// in INSERTs of at most subsetPage keys and subsetInsertBytes bytes.
// Variables, so that a test can make them small and run every paging path.
var (
	// subsetPage is the number of keys of one page of a round's new keys,
	// followed by one query on the server, and of one INSERT of keys.
	subsetPage = 1000
	// subsetResult is the number of keys one query returns at most; more
	// are read in further pages after the last key read.
	subsetResult = 20000
	// subsetInsertBytes ends an INSERT of keys early (long string keys).
	subsetInsertBytes = 1 << 20
)

const (
	roundCol = "_sc_round"
	seqCol   = "_sc_seq"
	// viaCol is the edge whose dependents a key was first taken as (its
	// index in subsetState.edges), -1 for any other way: that edge's
	// parent of the row is taken already, and is not looked for again.
	viaCol = "_sc_via"
)

// edge is a reference between two tables of the dump.
type edge struct {
	ref      Reference
	from, to *table
}

// subsetState is the closure's state, on the keys connection.
type subsetState struct {
	d      *Dumper
	c      *sql.Conn
	byName map[string]*table
	edges  []edge
	keyed  []*table // tables with a key set, in name order
	info   SubsetInfo
}

// expandRefs replaces each reference whose From is a pattern by one
// reference per copied table it matches that has its FromCols (tables
// without them are not meant: node__* matches fields, not every table
// named so). A pattern matching no such table is kept as it is, and fails
// or is left out as a missing table.
func expandRefs(refs []Reference, tables []*table, lookup func(string) *table) []Reference {
	var out []Reference
	for _, r := range refs {
		if !strings.ContainsAny(r.From, "*?[") {
			out = append(out, r)
			continue
		}
		n := 0
		for _, t := range tables {
			if ok, _ := path.Match(r.From, t.name); !ok || lookup(t.name) != t || !hasCols(t, r.FromCols) {
				continue
			}
			x := r
			x.From = t.name
			x.Name = t.name + strings.TrimPrefix(r.String(), r.From)
			out = append(out, x)
			n++
		}
		if n == 0 {
			out = append(out, r)
		}
	}
	return out
}

// computeSubset runs the closure and sets each table's subset fields.
func (d *Dumper) computeSubset(ctx context.Context, c *sql.Conn) error {
	sub := d.cfg.Subset
	s := &subsetState{d: d, c: c, byName: map[string]*table{}}
	s.info.Roots, s.info.Whole = slices.Clone(sub.Roots), slices.Clone(sub.Whole)
	for _, t := range d.tables {
		if !t.sequence && t.policy == RowsAll {
			s.byName[strings.ToLower(t.name)] = t
		}
	}
	lookup := func(name string) *table { return s.byName[strings.ToLower(name)] }
	for _, t := range d.tables {
		if lookup(t.name) != nil && matchAny(sub.Whole, t.name) {
			t.whole = true
		}
	}
	for _, r := range sub.Roots {
		t := lookup(r.Table)
		if t == nil {
			return fmt.Errorf("%w: root table %s is not in the dump (no such base table, or its rows are not copied)", ErrSubset, sqldump.QuoteIdent(r.Table))
		}
		if t.whole {
			continue
		}
		t.root = true
	}
	refs := slices.Clone(sub.Refs)
	declared, err := s.declared(ctx)
	if err != nil {
		return err
	}
	refs = append(expandRefs(refs, d.tables, lookup), declared...)
	for _, r := range refs {
		from, to := lookup(r.From), lookup(r.To)
		if from == nil || to == nil || !hasCols(from, r.FromCols) || !hasCols(to, r.ToCols) {
			if r.Optional || r.Declared {
				continue
			}
			return fmt.Errorf("%w: reference %s: no such table or column in the dump (or its rows are not copied)", ErrSubset, r)
		}
		s.edges = append(s.edges, edge{ref: r, from: from, to: to})
		s.info.References = append(s.info.References, r.String())
	}
	// Which tables can the closure reach? Those need a key set.
	reached := map[*table]bool{}
	var queue []*table
	mark := func(t *table) {
		if !t.whole && !reached[t] {
			reached[t] = true
			queue = append(queue, t)
		}
	}
	for _, t := range d.tables {
		if t.root {
			mark(t)
		}
	}
	for _, e := range s.edges {
		if e.from.whole {
			mark(e.to)
		}
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, e := range s.edges {
			if e.from == t {
				mark(e.to)
			}
			if e.to == t && e.ref.Dependents {
				mark(e.from)
			}
		}
	}
	for _, t := range d.tables {
		if reached[t] {
			if len(t.pk) == 0 {
				return fmt.Errorf("%w: table %s has no primary key, so the subset cannot tell its rows apart; list it under whole, or exclude it", ErrSubset, sqldump.QuoteIdent(t.name))
			}
			s.keyed = append(s.keyed, t)
			t.sub = true
		}
	}
	if err := s.createKeyTables(ctx); err != nil {
		return err
	}
	if err := s.closure(ctx, sub.Roots); err != nil {
		return err
	}
	if err := s.order(ctx); err != nil {
		return err
	}
	for _, t := range d.tables {
		if t.sequence || t.policy != RowsAll {
			continue
		}
		st := SubsetTable{Table: t.name, Present: t.estRows}
		switch {
		case t.whole:
			st.How, st.Taken = "whole", t.estRows
		case reached[t]:
			st.How, st.Taken = "reached", t.taken
			if t.root {
				st.How = "root"
			}
		default:
			st.How = "empty"
			t.policy = RowsNone
			d.info.RowsEstimate -= t.estRows
			d.info.BytesEstimate -= t.dataLen
		}
		if reached[t] {
			d.info.RowsEstimate += t.taken - t.estRows
			d.info.BytesEstimate += t.taken*t.avgRow - t.dataLen
		}
		s.info.Tables = append(s.info.Tables, st)
	}
	d.info.Subset = &s.info
	return nil
}

func hasCols(t *table, cols []string) bool {
	if len(cols) == 0 {
		return false
	}
	for _, c := range cols {
		if !slices.ContainsFunc(t.allCols, func(n string) bool { return strings.EqualFold(n, c) }) {
			return false
		}
	}
	return true
}

// declared reads the foreign keys between tables of the database.
func (s *subsetState) declared(ctx context.Context) ([]Reference, error) {
	db := quoteString(s.d.cfg.Database)
	rows, err := s.c.QueryContext(ctx, "SELECT k.CONSTRAINT_NAME, k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE"+
		" FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r"+
		" ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME"+
		" WHERE k.TABLE_SCHEMA = "+db+" AND k.REFERENCED_TABLE_SCHEMA = "+db+
		" ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION")
	if err != nil {
		return nil, classify(err, "read the foreign keys", "")
	}
	defer rows.Close()
	var out []Reference
	for rows.Next() {
		var name, tn, col, rt, rc, del string
		if err := rows.Scan(&name, &tn, &col, &rt, &rc, &del); err != nil {
			return nil, classify(err, "read the foreign keys", "")
		}
		if n := len(out); n > 0 && out[n-1].From == tn && strings.HasSuffix(out[n-1].Name, " ("+name+")") {
			r := &out[n-1]
			r.FromCols, r.ToCols = append(r.FromCols, col), append(r.ToCols, rc)
			r.Name = fmt.Sprintf("%s.%s -> %s.%s (%s)", r.From, strings.Join(r.FromCols, ","), r.To, strings.Join(r.ToCols, ","), name)
			continue
		}
		out = append(out, Reference{From: tn, FromCols: []string{col}, To: rt, ToCols: []string{rc}, Dependents: del == "CASCADE", Declared: true,
			Name: fmt.Sprintf("%s.%s -> %s.%s (%s)", tn, col, rt, rc, name)})
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read the foreign keys", "")
	}
	for i := range out {
		if out[i].Dependents {
			out[i].Name += " on delete cascade: dependents"
		}
	}
	return out, nil
}

// keyTable and orderTable name the temporary tables of t's keys.
func keyTable(t *table) string   { return fmt.Sprintf("`_sc_k_%d`", t.idx) }
func orderTable(t *table) string { return fmt.Sprintf("`_sc_o_%d`", t.idx) }

// pkList returns the primary key columns quoted, with prefix ("c.").
func pkList(t *table, prefix string) string {
	var b strings.Builder
	for i, c := range t.pk {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(prefix + sqldump.QuoteIdent(c))
	}
	return b.String()
}

// rowOf returns "(cols)" for a composite key, "col" for one column.
func rowOf(t *table, prefix string) string {
	if len(t.pk) == 1 {
		return pkList(t, prefix)
	}
	return "(" + pkList(t, prefix) + ")"
}

// createKeyTables makes one TEMPORARY table per keyed table, with the
// primary key's columns typed as in the table.
func (s *subsetState) createKeyTables(ctx context.Context) error {
	db := quoteString(s.d.cfg.Database)
	types := map[string]string{} // lower(table.column) -> definition
	rows, err := s.c.QueryContext(ctx, "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, IFNULL(c.COLLATION_NAME, '') FROM information_schema.COLUMNS c JOIN information_schema.STATISTICS s"+
		" ON s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = c.TABLE_NAME AND s.COLUMN_NAME = c.COLUMN_NAME AND s.INDEX_NAME = 'PRIMARY'"+
		" WHERE c.TABLE_SCHEMA = "+db)
	if err != nil {
		return classify(err, "read the primary keys' types", "")
	}
	for rows.Next() {
		var tn, cn, ct, coll string
		if err := rows.Scan(&tn, &cn, &ct, &coll); err != nil {
			rows.Close()
			return classify(err, "read the primary keys' types", "")
		}
		def := ct
		if coll != "" {
			def += " COLLATE " + coll
		}
		types[strings.ToLower(tn+"."+cn)] = def
	}
	if err := rows.Err(); err != nil {
		return classify(err, "read the primary keys' types", "")
	}
	rows.Close()
	for i, t := range s.keyed {
		t.idx = i
		var cols strings.Builder
		for _, c := range t.pk {
			def, ok := types[strings.ToLower(t.name+"."+c)]
			if !ok {
				return fmt.Errorf("%w: table %s: the type of key column %s is unknown", ErrSubset, sqldump.QuoteIdent(t.name), sqldump.QuoteIdent(c))
			}
			cols.WriteString(sqldump.QuoteIdent(c) + " " + def + " NOT NULL, ")
		}
		for _, q := range []string{
			"CREATE TEMPORARY TABLE " + keyTable(t) + " (" + cols.String() + roundCol + " INT NOT NULL, " + viaCol + " INT NOT NULL, PRIMARY KEY (" + pkList(t, "") + "), KEY (" + roundCol + "," + pkList(t, "") + "))",
			"CREATE TEMPORARY TABLE " + orderTable(t) + " (" + seqCol + " BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, " + strings.TrimSuffix(cols.String(), ", ") + ")",
		} {
			if _, err := s.c.ExecContext(ctx, q); err != nil {
				return classify(err, "create the subset's temporary key tables", "the account needs the CREATE TEMPORARY TABLES privilege for --subset")
			}
		}
	}
	return nil
}

// closure seeds round 0 with the roots and the rows whole tables
// reference, then follows the edges from each round's new keys until a
// round adds none.
func (s *subsetState) closure(ctx context.Context, roots []SubsetRoot) error {
	for _, r := range roots {
		t := s.byName[strings.ToLower(r.Table)]
		if t.whole {
			continue
		}
		q := "SELECT " + pkList(t, "c.") + " FROM " + sqldump.QuoteIdent(t.name) + " c WHERE (" + r.Where + ")"
		if _, _, err := s.collect(ctx, t, q, "c.", 0, -1, "root "+sqldump.QuoteIdent(t.name)+": "+r.Where); err != nil {
			return err
		}
	}
	for _, e := range s.edges {
		if e.from.whole && !e.to.whole {
			q := "SELECT DISTINCT " + pkList(e.to, "p.") + " FROM " + fromRows(e) + " JOIN " + sqldump.QuoteIdent(e.to.name) + " p ON " + joinOn(e) + " WHERE 1"
			if _, _, err := s.collect(ctx, e.to, q, "p.", 0, -1, "reference "+e.ref.String()); err != nil {
				return err
			}
		}
	}
	for round := 1; ; round++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		added := int64(0)
		for i, e := range s.edges {
			if e.to.whole {
				continue
			}
			// Up: the rows of To that new rows of From reference (but
			// those taken as this edge's dependents, whose row of To
			// is taken).
			if e.from.sub {
				n, err := s.follow(ctx, e.from, round, func(page string) string {
					return "SELECT DISTINCT " + pkList(e.to, "p.") + " FROM " + keyTable(e.from) + " k JOIN " + fromRows(e) + " ON " + keyJoin(e.from, "c.") +
						" JOIN " + sqldump.QuoteIdent(e.to.name) + " p ON " + joinOn(e) + " WHERE " + page + fmt.Sprintf(" AND k.%s <> %d", viaCol, i)
				}, e.to, "p.", -1, e)
				if err != nil {
					return err
				}
				added += n
			}
			// Down: the rows of From that belong to new rows of To.
			if e.ref.Dependents && !e.from.whole && e.to.sub {
				n, err := s.follow(ctx, e.to, round, func(page string) string {
					return "SELECT DISTINCT " + pkList(e.from, "c.") + " FROM " + keyTable(e.to) + " k JOIN " + sqldump.QuoteIdent(e.to.name) + " p ON " + keyJoin(e.to, "p.") +
						" JOIN " + fromRows(e) + " ON " + joinOn(e) + " WHERE " + page
				}, e.from, "c.", i, e)
				if err != nil {
					return err
				}
				added += n
			}
		}
		s.info.Rounds = round
		if added == 0 {
			return nil
		}
	}
}

func joinOn(e edge) string {
	var parts []string
	for i := range e.ref.FromCols {
		parts = append(parts, "p."+sqldump.QuoteIdent(e.ref.ToCols[i])+" = c."+sqldump.QuoteIdent(e.ref.FromCols[i]))
	}
	return strings.Join(parts, " AND ")
}

// fromRows is the reference's From table as "c", restricted to the rows
// its condition selects. The condition names From's columns unqualified, so
// it is applied inside a derived table (which the server merges into the
// join), where they cannot be confused with the To table's.
func fromRows(e edge) string {
	if e.ref.Where == "" {
		return sqldump.QuoteIdent(e.from.name) + " c"
	}
	return "(SELECT * FROM " + sqldump.QuoteIdent(e.from.name) + " WHERE (" + e.ref.Where + ")) c"
}

// follow runs query for each page of the keys src took in round-1, and adds
// the keys it returns to dst's key set in round. query joins src's key
// table, as k, to the site's tables on the server, and is given the
// condition on k that selects a page: the keys never come to the client,
// and a page of subsetPage keys bounds what one query returns (before
// collect's own paging) whatever the size of the round. (An IN list of the
// page's keys, sent back to the server, cost a round trip and a query per
// page and was no faster for the server: MariaDB turns IN lists of 1000
// values and more into a join with a table of them anyway.)
//
// A page starts at subsetPage keys and then follows the reference's
// fan-out: it grows (up to 64 times) while the results are far below
// subsetResult, and shrinks when they reach it, so that few results need
// collect's further pages, each of which runs the query again.
func (s *subsetState) follow(ctx context.Context, src *table, round int, query func(page string) string, dst *table, prefix string, via int, e edge) (int64, error) {
	var added int64
	var lo string // the last key of the previous page, as SQL
	size := int64(subsetPage)
	for {
		// The page ends at the size-th key after lo, or is the last.
		q := "SELECT " + pkList(src, "") + " FROM " + keyTable(src) + " WHERE " + roundCol + " = " + fmt.Sprint(round-1)
		if lo != "" {
			q += " AND " + rowOf(src, "") + " > " + lo
		}
		q += " ORDER BY " + pkList(src, "") + fmt.Sprintf(" LIMIT 1 OFFSET %d", size-1)
		end, err := s.keys(ctx, src, q)
		if err != nil {
			return added, classify(err, "read the subset's keys of "+sqldump.QuoteIdent(src.name), "")
		}
		page := "k." + roundCol + " = " + fmt.Sprint(round-1)
		if lo != "" {
			page += " AND " + rowOf(src, "k.") + " > " + lo
		}
		if len(end) > 0 {
			page += " AND " + rowOf(src, "k.") + " <= " + end[0]
		}
		n, got, err := s.collect(ctx, dst, query(page), prefix, round, via, "reference "+e.ref.String())
		if err != nil {
			return added, err
		}
		added += n
		if len(end) == 0 {
			return added, nil
		}
		lo = end[0]
		// Aim at half of subsetResult results per page.
		switch target := int64(subsetResult) / 2; {
		case got >= int64(subsetResult):
			size = max(size/4, 1)
		case got < target/2:
			size = min(size*2, int64(subsetPage)*64)
		}
	}
}

// keyJoin is the join of t's key table, k, to t's rows named with prefix.
func keyJoin(t *table, prefix string) string {
	var parts []string
	for _, c := range t.pk {
		parts = append(parts, prefix+sqldump.QuoteIdent(c)+" = k."+sqldump.QuoteIdent(c))
	}
	return strings.Join(parts, " AND ")
}

// collect runs q, which selects dst's primary key (columns prefixed with
// prefix), in pages of subsetResult keys, and adds the keys to dst's key
// set in round, taken through edge via; it returns how many were new, and
// how many q returned.
func (s *subsetState) collect(ctx context.Context, dst *table, q, prefix string, round, via int, what string) (added, got int64, err error) {
	var last string
	for {
		page := q
		if last != "" {
			page += " AND " + rowOf(dst, prefix) + " > " + last
		}
		page += " ORDER BY " + pkList(dst, prefix) + fmt.Sprintf(" LIMIT %d", subsetResult)
		keys, err := s.keys(ctx, dst, page)
		if err != nil {
			return added, got, fmt.Errorf("%w: %s: %w", ErrSubset, what, classify(err, "run the subset's query", selectPriv))
		}
		for i := 0; i < len(keys); {
			var b strings.Builder
			b.WriteString("INSERT IGNORE INTO " + keyTable(dst) + " (" + pkList(dst, "") + "," + roundCol + "," + viaCol + ") VALUES ")
			for j := 0; i < len(keys) && j < subsetPage && (j == 0 || b.Len() < subsetInsertBytes); i, j = i+1, j+1 {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString("(" + strings.TrimSuffix(strings.TrimPrefix(keys[i], "("), ")") + fmt.Sprintf(",%d,%d)", round, via))
			}
			res, err := s.c.ExecContext(ctx, b.String())
			if err != nil {
				return added, got, classify(err, "add to the subset's keys of "+sqldump.QuoteIdent(dst.name), "")
			}
			n, _ := res.RowsAffected()
			added += n
		}
		got += int64(len(keys))
		if len(keys) < subsetResult {
			return added, got, nil
		}
		last = keys[len(keys)-1]
	}
}

// keys runs q, which selects t's primary key columns, and returns each row
// as SQL: a literal, or "(a,b)" for a composite key.
func (s *subsetState) keys(ctx context.Context, t *table, q string) ([]string, error) {
	return readKeys(ctx, s.c, t, q)
}

// readKeys runs q on c and returns its rows, t's primary key, as SQL.
func readKeys(ctx context.Context, c *sql.Conn, t *table, q string) ([]string, error) {
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	encs := make([]column, len(t.pk))
	for i, name := range t.pk {
		encs[i] = column{name: name, enc: encString}
		for _, col := range t.cols {
			if strings.EqualFold(col.name, name) {
				encs[i] = col
			}
		}
	}
	vals := make([]sql.RawBytes, len(t.pk))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		buf = buf[:0]
		if len(vals) > 1 {
			buf = append(buf, '(')
		}
		for i, v := range vals {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, _, err = appendBytes(buf, encs[i], v); err != nil {
				return nil, err
			}
		}
		if len(vals) > 1 {
			buf = append(buf, ')')
		}
		out = append(out, string(buf))
	}
	return out, rows.Err()
}

// order copies each key set into its order table, numbered in key order,
// for the readers to take in ranges.
func (s *subsetState) order(ctx context.Context) error {
	for _, t := range s.keyed {
		res, err := s.c.ExecContext(ctx, "INSERT INTO "+orderTable(t)+" ("+pkList(t, "")+") SELECT "+pkList(t, "")+" FROM "+keyTable(t)+" ORDER BY "+pkList(t, ""))
		if err != nil {
			return classify(err, "number the subset's keys of "+sqldump.QuoteIdent(t.name), "")
		}
		t.taken, _ = res.RowsAffected()
	}
	return nil
}

// planSubset splits a keyed table's taken rows into chunks of numbered keys.
func (d *Dumper) planSubset(t *table) {
	if t.taken == 0 {
		return
	}
	per := int64(d.cfg.ChunkRows)
	if per <= 0 {
		per = min(max(readChunkBytes/max(t.avgRow, 1), 200), 5000)
	}
	for lo := int64(1); lo <= t.taken; lo += per {
		t.chunks = append(t.chunks, &chunk{t: t, keyLo: lo, keyHi: min(lo+per-1, t.taken), ch: make(chan *batch, batchQueue), drained: make(chan struct{}, 1)})
	}
}

// subsetWhere reads the keys of a chunk of a keyed table from the keys
// connection and returns the WHERE clause that selects their rows.
func (d *Dumper) subsetWhere(ctx context.Context, ch *chunk) (string, error) {
	t := ch.t
	d.keyMu.Lock()
	keys, err := readKeys(ctx, d.keyConn, t, fmt.Sprintf("SELECT %s FROM %s WHERE %s BETWEEN %d AND %d ORDER BY %s", pkList(t, ""), orderTable(t), seqCol, ch.keyLo, ch.keyHi, seqCol))
	d.keyMu.Unlock()
	if err != nil {
		return "", classify(err, "read the subset's keys of "+sqldump.QuoteIdent(t.name), "")
	}
	if int64(len(keys)) != ch.keyHi-ch.keyLo+1 {
		return "", fmt.Errorf("dbdump: table %s: %d subset keys in range %d-%d", sqldump.QuoteIdent(t.name), len(keys), ch.keyLo, ch.keyHi)
	}
	return " WHERE " + rowOf(t, "") + " IN (" + strings.Join(keys, ",") + ") ORDER BY " + pkList(t, ""), nil
}

// PlanSubset computes cfg.Subset inside one consistent snapshot, as Open
// would, and returns what it would take of each table without reading any
// row: a dry run.
func PlanSubset(ctx context.Context, cfg Config) (*SubsetInfo, error) {
	if cfg.Subset == nil {
		return nil, fmt.Errorf("%w: no subset to plan", ErrSubset)
	}
	cfg.Threads, cfg.planOnly = 1, true
	d, err := Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.info.Subset, nil
}
