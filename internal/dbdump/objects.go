package dbdump

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// step is one item of the output: a statement known in advance, or the
// INSERT statements holding the rows of a table.
type step struct {
	st *sqldump.Statement
	t  *table
}

// piece is a statement known in advance, as written: Lead then Text.
type piece struct {
	lead, text string
	kind       sqldump.Kind
	data       *table // the rows of this table follow the statement
}

// buildSteps reads sequences, routines, views, triggers and events and lays
// out every statement known in advance, around the rows of the tables.
func (d *Dumper) buildSteps(ctx context.Context, c *sql.Conn) error {
	var ps []piece
	add := func(lead, text string, kind sqldump.Kind) {
		ps = append(ps, piece{lead: lead, text: text, kind: kind})
	}

	var h strings.Builder
	h.WriteString("-- stagecopy dump\n--\n")
	fmt.Fprintf(&h, "-- Host: %s    Database: %s\n", oneLine(d.hostName), oneLine(d.cfg.Database))
	h.WriteString("-- ------------------------------------------------------\n")
	// Nothing here depends on the number of readers: the output is the
	// same whatever it is.
	fmt.Fprintf(&h, "-- Server version\t%s\n\n", oneLine(d.info.ServerVersion))
	add(h.String(), "/*!40101 SET NAMES utf8mb4 */;", sqldump.KindSet)
	add("\n", "/*!40103 SET TIME_ZONE='+00:00' */;", sqldump.KindSet)
	add("\n", "/*!40014 SET UNIQUE_CHECKS=0, FOREIGN_KEY_CHECKS=0 */;", sqldump.KindSet)
	add("\n", "/*!40101 SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;", sqldump.KindSet)
	add("\n", "/*!40111 SET SQL_NOTES=0 */;", sqldump.KindSet)

	// Sequences first: a column DEFAULT may call NEXTVAL on one.
	for _, t := range d.tables {
		if !t.sequence {
			continue
		}
		q := sqldump.QuoteIdent(t.name)
		what := "read sequence " + q
		var name, create string
		if err := c.QueryRowContext(ctx, "SHOW CREATE SEQUENCE "+q).Scan(&name, &create); err != nil {
			return classify(err, what, "the account needs SELECT on the sequence (or exclude it)")
		}
		var next string
		if err := c.QueryRowContext(ctx, "SELECT next_not_cached_value FROM "+q).Scan(&next); err != nil {
			return classify(err, what, "the account needs SELECT on the sequence (or exclude it)")
		}
		if !isNumber([]byte(next)) {
			return fmt.Errorf("%s: unexpected next value %q", what, next)
		}
		add("\n\n-- Sequence structure for "+oneLine(q)+"\n\n", trimStatement(create)+";", sqldump.KindOther)
		add("\n", "DO SETVAL("+q+", "+next+", 0);", sqldump.KindOther)
	}
	for _, t := range d.tables {
		if t.sequence {
			continue
		}
		ps = append(ps, piece{lead: "\n\n-- Table structure for table " + oneLine(sqldump.QuoteIdent(t.name)) + "\n\n", text: t.create, kind: sqldump.KindCreateTable})
		if t.policy == RowsAll {
			ps[len(ps)-1].data = t
		}
	}
	// Routines before views, which may call functions; views before
	// triggers, which may read them; events last.
	d.checkHidden(ctx, c)
	if err := d.routines(ctx, c, &ps); err != nil {
		return err
	}
	if err := d.views(ctx, c, &ps); err != nil {
		return err
	}
	if err := d.triggers(ctx, c, &ps); err != nil {
		return err
	}
	if err := d.events(ctx, c, &ps); err != nil {
		return err
	}
	add("\n\n-- Dump completed\n", "", sqldump.KindTrivia)
	return d.checkPieces(ps)
}

// checkPieces reads the statements back with sqldump.Scanner, to make sure
// each is exactly one statement of the expected kind, and keeps the
// scanner's description of each (table, delimiter) as the one returned.
func (d *Dumper) checkPieces(ps []piece) error {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.lead)
		b.WriteString(p.text)
	}
	sc := sqldump.NewScanner(strings.NewReader(b.String()))
	for _, p := range ps {
		st, err := sc.Next()
		if err != nil {
			return fmt.Errorf("dbdump: statement %.60q does not read back: %w", p.text, err)
		}
		if st.Kind != p.kind || string(st.Lead) != p.lead || string(st.Text) != p.text {
			return fmt.Errorf("dbdump: statement %.60q reads back as %s %.60q", p.text, st.Kind, st.Text)
		}
		c := &sqldump.Statement{
			Kind:      st.Kind,
			Lead:      []byte(p.lead),
			Text:      []byte(p.text),
			Delimiter: st.Delimiter,
			Table:     st.Table,
			Database:  st.Database,
			Verb:      st.Verb,
			Columns:   slices.Clone(st.Columns),
		}
		if p.kind == sqldump.KindTrivia {
			c.Text = nil
		}
		d.steps = append(d.steps, step{st: c})
		if p.data != nil {
			d.steps = append(d.steps, step{t: p.data})
		}
	}
	if _, err := sc.Next(); err != io.EOF {
		return fmt.Errorf("dbdump: statements do not read back: trailing input (%v)", err)
	}
	return nil
}

// setting is a session variable an object was created under.
type setting struct{ name, value string }

// settingsOf returns the session settings a SHOW CREATE result lists.
func settingsOf(m map[string]string) []setting {
	var out []setting
	for _, name := range []string{"collation_connection", "sql_mode", "time_zone"} {
		if v, ok := m[name]; ok && (v != "" || name == "sql_mode") {
			out = append(out, setting{name, v})
		}
	}
	return out
}

// object adds a view, routine, trigger or event with the session settings
// it was created under, restored afterwards, and a delimiter of its own if
// it is a compound statement.
func object(ps *[]piece, title, text string, kind sqldump.Kind, settings []setting, compound bool) {
	add := func(lead, text string, kind sqldump.Kind) {
		*ps = append(*ps, piece{lead: lead, text: text, kind: kind})
	}
	var save, set, restore []string
	for _, s := range settings {
		save = append(save, "@saved_"+s.name+" = @@"+s.name)
		set = append(set, s.name+" = "+quoteString(s.value))
		restore = append(restore, s.name+" = @saved_"+s.name)
	}
	lead := "\n\n-- " + oneLine(title) + "\n\n"
	if len(set) > 0 {
		add(lead, "/*!50003 SET "+strings.Join(save, ", ")+" */;", sqldump.KindSet)
		add("\n", "/*!50003 SET "+strings.Join(set, ", ")+" */;", sqldump.KindSet)
		lead = "\n"
	}
	if compound {
		delim := pickDelimiter(text)
		add(lead, "DELIMITER "+delim, sqldump.KindDelimiter)
		add("\n", text+delim, kind)
		add("\n", "DELIMITER ;", sqldump.KindDelimiter)
	} else {
		add(lead, text+";", kind)
	}
	if len(set) > 0 {
		add("\n", "/*!50003 SET "+strings.Join(restore, ", ")+" */;", sqldump.KindSet)
	}
}

// pickDelimiter returns a delimiter that does not occur in text.
func pickDelimiter(text string) string {
	for _, d := range []string{";;", "$$", "//", ";;;", "$$$", "@@@", "%%%"} {
		if !strings.Contains(text, d) {
			return d
		}
	}
	for n := 4; ; n++ {
		d := strings.Repeat("$", n)
		if !strings.Contains(text, d) {
			return d
		}
	}
}

// showCreate runs a SHOW CREATE statement and returns its one row by
// lower-case column name; NULL values are absent.
func showCreate(ctx context.Context, c *sql.Conn, query string) (map[string]string, error) {
	rows, err := c.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, sql.ErrNoRows
	}
	vals := make([]sql.NullString, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	m := map[string]string{}
	for i, n := range names {
		if vals[i].Valid {
			m[strings.ToLower(n)] = vals[i].String
		}
	}
	return m, rows.Err()
}

// listNames runs a query returning rows of strings.
func listNames(ctx context.Context, c *sql.Conn, query string, n int) ([][]string, error) {
	rows, err := c.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, n)
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

const routinePriv = "reading a routine's body needs SELECT on mysql.proc (MariaDB before 11.3), SHOW CREATE ROUTINE (MariaDB 11.3 and later) or being its definer"

func (d *Dumper) routines(ctx context.Context, c *sql.Conn, ps *[]piece) error {
	list, err := listNames(ctx, c, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = "+quoteString(d.cfg.Database)+" ORDER BY ROUTINE_TYPE, ROUTINE_NAME", 2)
	if err != nil {
		return classify(err, "list routines", "")
	}
	if d.procs > len(list) {
		return fmt.Errorf("%w: %d of the %d routines of the database are invisible to the account: %s", ErrPrivilege, d.procs-len(list), d.procs, routinePriv)
	}
	for _, r := range list {
		typ, name := r[0], r[1]
		q := sqldump.QuoteIdent(name)
		what := "read " + strings.ToLower(typ) + " " + q
		m, err := showCreate(ctx, c, "SHOW CREATE "+typ+" "+q)
		if err != nil {
			return classify(err, what, routinePriv)
		}
		key := "create " + strings.ToLower(typ)
		if typ == "PACKAGE BODY" {
			key = "create package body"
		}
		text, ok := m[key]
		if !ok {
			return fmt.Errorf("%w: %s: %s", ErrPrivilege, what, routinePriv)
		}
		object(ps, strings.ToLower(typ)+" "+q, stripDefiner(trimStatement(text)), sqldump.KindRoutine, settingsOf(m), true)
	}
	return nil
}

func (d *Dumper) views(ctx context.Context, c *sql.Conn, ps *[]piece) error {
	list, err := listNames(ctx, c, "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = "+quoteString(d.cfg.Database), 2)
	if err != nil {
		return classify(err, "list views", "")
	}
	var names []string
	defs := map[string]string{}
	for _, v := range list {
		if d.selected(v[0]) {
			names = append(names, v[0])
			defs[v[0]] = v[1]
		}
	}
	for _, name := range orderViews(d.cfg.Database, names, defs) {
		q := sqldump.QuoteIdent(name)
		what := "read view " + q
		m, err := showCreate(ctx, c, "SHOW CREATE VIEW "+q)
		if err != nil {
			return classify(err, what, "the account needs the SHOW VIEW and SELECT privileges on the view (or exclude the view)")
		}
		text, ok := m["create view"]
		if !ok {
			return fmt.Errorf("%w: %s: the account needs the SHOW VIEW privilege (or exclude the view)", ErrPrivilege, what)
		}
		object(ps, "view "+q, stripDefiner(trimStatement(text)), sqldump.KindCreateView, settingsOf(m), false)
	}
	return nil
}

// orderViews sorts views so that each comes after the views it reads,
// names deciding between independent ones. The views a view reads are
// found in its VIEW_DEFINITION, where the server writes every table and
// view as `db`.`name`. Views in a cycle (impossible on a healthy server)
// come last, by name.
func orderViews(db string, names []string, defs map[string]string) []string {
	slices.Sort(names)
	isView := map[string]bool{}
	for _, n := range names {
		isView[n] = true
	}
	deps := map[string]map[string]bool{}
	for _, n := range names {
		deps[n] = map[string]bool{}
		for _, ref := range qualifiedRefs(defs[n], db) {
			if ref != n && isView[ref] {
				deps[n][ref] = true
			}
		}
	}
	var out []string
	done := map[string]bool{}
	for len(out) < len(names) {
		progress := false
		for _, n := range names {
			if done[n] {
				continue
			}
			ready := true
			for dep := range deps[n] {
				if !done[dep] {
					ready = false
					break
				}
			}
			if ready {
				out = append(out, n)
				done[n] = true
				progress = true
				break // restart: the smallest ready name goes first
			}
		}
		if !progress {
			for _, n := range names {
				if !done[n] {
					out = append(out, n)
					done[n] = true
				}
			}
		}
	}
	return out
}

// qualifiedRefs returns the names in `db`.`name` references in a view
// definition, skipping string literals.
func qualifiedRefs(def, db string) []string {
	var refs []string
	ident := func(i int) (string, int) { // def[i] == '`'
		var b strings.Builder
		for j := i + 1; j < len(def); j++ {
			if def[j] == '`' {
				if j+1 < len(def) && def[j+1] == '`' {
					b.WriteByte('`')
					j++
					continue
				}
				return b.String(), j + 1
			}
			b.WriteByte(def[j])
		}
		return b.String(), len(def)
	}
	for i := 0; i < len(def); {
		switch def[i] {
		case '\'', '"':
			q := def[i]
			j := i + 1
			for j < len(def) && def[j] != q {
				if def[j] == '\\' {
					j++
				}
				j++
			}
			i = j + 1
		case '`':
			first, j := ident(i)
			if j+1 < len(def) && def[j] == '.' && def[j+1] == '`' {
				second, k := ident(j + 1)
				if first == db {
					refs = append(refs, second)
				}
				i = k
				continue
			}
			i = j
		default:
			i++
		}
	}
	return refs
}

func (d *Dumper) triggers(ctx context.Context, c *sql.Conn, ps *[]piece) error {
	list, err := listNames(ctx, c, "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = "+quoteString(d.cfg.Database)+" ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER", 2)
	if err != nil {
		return classify(err, "list triggers", "")
	}
	dumped := map[string]bool{}
	for _, t := range d.tables {
		dumped[t.name] = true
	}
	for _, r := range list {
		name, tbl := r[0], r[1]
		if !dumped[tbl] {
			continue
		}
		q := sqldump.QuoteIdent(name)
		what := "read trigger " + q
		m, err := showCreate(ctx, c, "SHOW CREATE TRIGGER "+q)
		if err != nil {
			return classify(err, what, "the account needs the TRIGGER privilege on the table (or exclude the table)")
		}
		text, ok := m["sql original statement"]
		if !ok {
			return fmt.Errorf("%w: %s: the account needs the TRIGGER privilege on the table (or exclude the table)", ErrPrivilege, what)
		}
		object(ps, "trigger "+q+" on table "+sqldump.QuoteIdent(tbl), stripDefiner(trimStatement(text)), sqldump.KindTrigger, settingsOf(m), true)
	}
	return nil
}

// checkHidden notes in Info.Warnings the objects the account may not see:
// information_schema silently leaves out the triggers, routines and events
// an account has no privilege on, so a restricted account would otherwise
// get a dump without them and no word about it.
func (d *Dumper) checkHidden(ctx context.Context, c *sql.Conn) {
	db := quoteString(d.cfg.Database)
	if rows, err := c.QueryContext(ctx, "SHOW EVENTS"); err != nil {
		if isDenied(err) {
			d.noEvents = true
			d.info.Warnings = append(d.info.Warnings, "events are not dumped: the account lacks the EVENT privilege on the database")
		}
	} else {
		rows.Close()
	}
	var n int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM mysql.proc WHERE db = "+db).Scan(&n); err != nil && isDenied(err) {
		d.info.Warnings = append(d.info.Warnings, "routines the account has no privilege on are invisible to it and not dumped (grant SELECT on mysql.proc to see them all)")
	} else if err == nil {
		d.procs = n
	}
	// The account as information_schema writes grantees: 'user'@'host'.
	const grantee = `CONCAT('''', LEFT(CURRENT_USER(), LENGTH(CURRENT_USER()) - LENGTH(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)) - 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`
	q := "SELECT (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE = " + grantee + ")" +
		" + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE = " + grantee + " AND " + db + " LIKE TABLE_SCHEMA)"
	if err := c.QueryRowContext(ctx, q).Scan(&n); err == nil && n == 0 {
		d.info.Warnings = append(d.info.Warnings, "the account has no TRIGGER privilege on the database: triggers on tables it has no TRIGGER privilege on are invisible to it and not dumped")
	}
}

func (d *Dumper) events(ctx context.Context, c *sql.Conn, ps *[]piece) error {
	if d.noEvents {
		return nil
	}
	list, err := listNames(ctx, c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "+quoteString(d.cfg.Database)+" ORDER BY EVENT_NAME", 1)
	if err != nil {
		return classify(err, "list events", "")
	}
	for _, r := range list {
		q := sqldump.QuoteIdent(r[0])
		what := "read event " + q
		m, err := showCreate(ctx, c, "SHOW CREATE EVENT "+q)
		if err != nil {
			return classify(err, what, "the account needs the EVENT privilege on the database")
		}
		text, ok := m["create event"]
		if !ok {
			return fmt.Errorf("%w: %s: the account needs the EVENT privilege on the database", ErrPrivilege, what)
		}
		object(ps, "event "+q, stripDefiner(trimStatement(text)), sqldump.KindEvent, settingsOf(m), true)
	}
	return nil
}

// trimStatement removes trailing white space and semicolons.
func trimStatement(s string) string {
	return strings.TrimRight(s, " \t\r\n;")
}

// oneLine makes s safe inside a "--" comment: a name with a line break
// would otherwise end the comment and turn the rest into SQL.
func oneLine(s string) string {
	return strings.NewReplacer("\r", "\\r", "\n", "\\n").Replace(s)
}

const (
	reIdent   = "(?:`(?:[^`]|``)*`|'(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.|\"\")*\"|[\\w$.%-]+)"
	reDefiner = "(?is)^(\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ALGORITHM\\s*=\\s*\\w+\\s+)?)" +
		"DEFINER\\s*=\\s*(?:CURRENT_USER(?:\\s*\\(\\s*\\))?|CURRENT_ROLE(?:\\s*\\(\\s*\\))?|" + reIdent + "(?:\\s*@\\s*" + reIdent + ")?)\\s+"
)

var definerRE = regexp.MustCompile(reDefiner)

// stripDefiner removes the DEFINER clause of a CREATE VIEW, TRIGGER,
// PROCEDURE, FUNCTION, PACKAGE or EVENT statement, so that it loads as any
// account (the account loading it becomes the definer). SQL SECURITY
// DEFINER stays.
func stripDefiner(s string) string {
	return definerRE.ReplaceAllString(s, "$1")
}
