package snapshot

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/countio"
	"github.com/stagecopy/stagecopy/internal/decompress"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/scan"
)

// ErrNotSQL means the dump input is not a SQL dump.
var ErrNotSQL = errors.New("snapshot: not a SQL dump")

// ObjectsEntry holds, in dump order, every statement that is neither a
// table's schema nor its data: views, triggers, routines, events and the
// session statements around them. It is written after all tables.
const ObjectsEntry = archive.DBPrefix + "-objects.sql"

// maxObjectsSize bounds the objects entry, which is held in memory.
const maxObjectsSize = 256 << 20

type dumpInput struct {
	path      string
	file      *os.File
	raw       *countio.Reader
	done      func() int64 // input consumed so far, for progress
	rowsTotal int64        // estimate of the rows to read, -1 if unknown
	closers   []func()
	sc        sqldump.Stream
	// rewrites says what the rules did to the last row (the
	// anonymize.Filter), nil without rules.
	rewrites   scan.Rewrites
	total      int64
	database   string
	server     string
	tool       string // the program that wrote the dump, from its header
	peeked     []*sqldump.Statement
	peekedLive *sqldump.Statement
	// noTails: no INSERT has anything after its rows (the live server's
	// dumper writes none), so the row limit may cut one between any two
	// rows. A dump file's INSERT may end in ON DUPLICATE KEY UPDATE ...,
	// which cannot be cut: there the limit cuts between statements only.
	noTails bool
}

// openDump opens a dump, undoes gzip or zstd compression (detected from the
// first bytes), checks it looks like SQL, and reads the statements that come
// before the first table (session settings) so the header can name the
// source database and server.
func openDump(path string, r io.Reader, filter func(sqldump.Stream) sqldump.Stream) (*dumpInput, error) {
	d := &dumpInput{path: path, total: -1, rowsTotal: -1}
	if r == nil {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("dump file: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("dump file: %w", err)
		}
		if st.IsDir() {
			f.Close()
			return nil, fmt.Errorf("%w: %s is a directory", ErrNotSQL, path)
		}
		d.file, d.total, r = f, st.Size(), f
		d.closers = append(d.closers, func() { f.Close() })
	}
	d.raw = &countio.Reader{R: r}
	d.done = func() int64 { return d.raw.N }
	dr, err := decompress.New(d.raw)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("dump %s: %w", path, err)
	}
	d.closers = append(d.closers, func() { dr.Close() })
	in := io.Reader(dr)
	text := bufio.NewReaderSize(in, 256<<10)
	sample, _ := text.Peek(64 << 10)
	if err := looksLikeSQL(sample); err != nil {
		d.Close()
		return nil, fmt.Errorf("%w: %s: %v", ErrNotSQL, path, err)
	}
	d.sc = sqldump.NewScanner(text)
	if filter != nil {
		d.sc = filter(d.sc)
		d.rewrites = rewritesOf(d.sc)
	}
	if err := d.peek(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// looksLikeSQL rejects input that is obviously something else: binary data
// (NUL bytes; dumps escape them) or text whose first word is not SQL.
func looksLikeSQL(sample []byte) error {
	if len(bytes.TrimSpace(sample)) == 0 {
		return errors.New("the file is empty")
	}
	if i := bytes.IndexByte(sample, 0); i >= 0 {
		return fmt.Errorf("binary data (NUL byte at offset %d)", i)
	}
	if !utf8.Valid(sample) && !mostlyText(sample) {
		return errors.New("binary data")
	}
	return nil
}

func mostlyText(b []byte) bool {
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctl++
		}
	}
	return ctl*100 < len(b)
}

// peek reads the session statements before the first table statement.
func (d *dumpInput) peek() error {
	origin := sqldump.Origin{}
	defer func() { d.database, d.server, d.tool = origin.Database, origin.ServerVersion, origin.Tool }()
	for {
		st, err := d.sc.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return d.wrap(err)
		}
		origin.Read(st.Lead)
		switch st.Kind {
		case sqldump.KindSet, sqldump.KindUse, sqldump.KindCreateDatabase, sqldump.KindDropDatabase, sqldump.KindTrivia:
			if (st.Kind == sqldump.KindUse || st.Kind == sqldump.KindCreateDatabase) && origin.Database == "" {
				origin.Database = st.Database
			}
			d.peeked = append(d.peeked, copyStatement(st))
			if st.Kind == sqldump.KindTrivia {
				return nil
			}
		default:
			d.peekedLive = st
			return nil
		}
	}
}

// rewritesOf returns what a filtering stream says of the rows it
// rewrote, or nil.
func rewritesOf(s sqldump.Stream) scan.Rewrites {
	if f, ok := s.(scan.Rewrites); ok {
		return f
	}
	return nil
}

func copyStatement(st *sqldump.Statement) *sqldump.Statement {
	c := *st
	c.Lead = bytes.Clone(st.Lead)
	c.Text = bytes.Clone(st.Text)
	c.Tail = bytes.Clone(st.Tail)
	c.Columns = append([]string(nil), st.Columns...)
	return &c
}

// next returns the peeked statements first, then the scanner's.
func (d *dumpInput) next() (*sqldump.Statement, error) {
	if len(d.peeked) > 0 {
		st := d.peeked[0]
		d.peeked = d.peeked[1:]
		return st, nil
	}
	if d.peekedLive != nil {
		st := d.peekedLive
		d.peekedLive = nil
		return st, nil
	}
	st, err := d.sc.Next()
	if err != nil && err != io.EOF {
		return nil, d.wrap(err)
	}
	return st, err
}

func (d *dumpInput) wrap(err error) error {
	name := d.path
	if name == "" {
		name = "dump"
	}
	return fmt.Errorf("%s: %w", name, err)
}

func (d *dumpInput) Close() {
	for i := len(d.closers) - 1; i >= 0; i-- {
		d.closers[i]()
	}
	d.closers = nil
}

// dumpWriter splits statements into archive entries.
//
// Session statements (SET) are kept with what they belong to, so that every
// entry loads on a connection of its own: those before the first other
// statement form the preamble, copied into every entry; a SET that reads a
// user variable restores what an earlier SET saved (mysqldump's
// "SET character_set_client = @saved_cs_client" after a CREATE TABLE, the
// sql_mode restores after a trigger or a view) and sticks to the entry of
// the statement it follows, where its save went; every other SET (the saves
// "SET @saved_x = @@x" and the settings after them) sticks to the entry of
// the next statement, whatever entry the one before it went to.
type dumpWriter struct {
	aw        *archive.Writer
	chunkSize int
	chunkRows int // rows at which a data entry is cut (see Options.ChunkRows)
	rowsIn    int // rows in the open data entry
	// ordered: the open data entry holds a REPLACE, INSERT IGNORE or an
	// INSERT with something after its rows (ON DUPLICATE KEY UPDATE):
	// it ends with archive.OrderedData.
	ordered    bool
	preamble   bytes.Buffer
	inPreamble bool
	tables     map[string]*tableState
	order      []*tableState
	cur        *tableState // table whose data chunk is open in buf
	buf        *bytes.Buffer
	ew         *entryWriter
	schema     *tableState // table whose schema entry is pending in schemaBuf
	schemaBuf  bytes.Buffer
	pending    bytes.Buffer // SETs waiting for the next statement
	// dataSets are the SETs that joined the preamble while cur's data
	// entry was open: they go before the rows of cur's next INSERT, if
	// one follows in that entry (entries started later replay the
	// preamble).
	dataSets bytes.Buffer
	// pendingVars are the user variables the SETs in pending assign;
	// varsIn says which entry the SETs that assigned the others went to
	// ("schema:T", "data:T", "objects").
	pendingVars map[string]bool
	varsIn      map[string]string
	last        target
	objects     bytes.Buffer
	objDelim    string
	realObjs    bool // objects holds more than session statements
	rows        int64
	database    string
	warn        func(string)
	// check, when anonymizing, scans every row as written, after the
	// rules, for personal data they left (a site's plugin table the preset
	// does not know, for instance).
	check *scan.Scanner
}

// target is where the last kept statement went.
type target int

const (
	targetNone target = iota
	targetSchema
	targetData
	targetObjects
)

type tableState struct {
	stat    archive.TableStat
	created bool
	chunks  int
	base    string
}

// writeDump writes the database entries. With check, it scans every row it
// writes; check.Report says what it found.
func writeDump(ctx context.Context, aw *archive.Writer, d *dumpInput, chunkSize, chunkRows int, check *scan.Scanner, progress func(Progress), warn func(string), tableDone func(archive.TableStat)) (stats []archive.TableStat, err error) {
	w := &dumpWriter{aw: aw, chunkSize: chunkSize, chunkRows: chunkRows, tables: map[string]*tableState{}, pendingVars: map[string]bool{}, varsIn: map[string]string{}, objDelim: ";", database: d.database, warn: warn, inPreamble: true, check: check}
	// Entries are hashed, tarred and compressed by another goroutine while
	// this one parses and anonymizes the next chunk.
	w.ew = newEntryWriter(aw, chunkSize)
	defer w.ew.close()
	w.buf = w.ew.buffer()
	item := ""
	var pending []string
	done := func(name string) {
		if t := w.tables[name]; t != nil && tableDone != nil {
			tableDone(t.stat)
		}
	}
	for n := 0; ; n++ {
		if n%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		st, err := d.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		finished := ""
		if st.Table != "" && st.Table != item {
			finished, item = item, st.Table
		}
		progress(Progress{Phase: "database", Done: d.done(), Total: d.total, Rows: w.rows, RowsTotal: d.rowsTotal, Item: item})
		if err := w.statement(ctx, d, st); err != nil {
			return nil, err
		}
		if finished != "" {
			pending = append(pending, finished)
		}
		// A table is done once its last data chunk has been flushed.
		for len(pending) > 0 {
			if t := w.tables[pending[0]]; t != nil && w.cur == t {
				break
			}
			done(pending[0])
			pending = pending[1:]
		}
	}
	if err := w.flushSchema(); err != nil {
		return nil, err
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	for _, name := range append(pending, item) {
		done(name)
	}
	if len(w.order) == 0 {
		return nil, fmt.Errorf("%w: %s: no CREATE TABLE or INSERT statement found", ErrNotSQL, d.path)
	}
	w.objects.Write(w.pending.Bytes())
	if w.realObjs {
		if w.objDelim != ";" {
			w.objects.WriteString("DELIMITER ;\n")
		}
		var out bytes.Buffer
		out.WriteString("-- stagecopy: views, triggers, routines, events and other statements, in dump order\n")
		out.Write(w.preamble.Bytes())
		out.Write(w.objects.Bytes())
		if err := w.ew.add(ObjectsEntry, &out); err != nil {
			return nil, err
		}
	}
	if err := w.ew.close(); err != nil {
		return nil, err
	}
	stats = make([]archive.TableStat, len(w.order))
	for i, t := range w.order {
		stats[i] = t.stat
		if !t.created {
			warn(fmt.Sprintf("table %s has data but no CREATE TABLE in the dump; restore needs the table to exist", t.stat.Name))
		}
	}
	progress(Progress{Phase: "database", Done: d.done(), Total: d.total, Rows: w.rows, RowsTotal: d.rowsTotal})
	return stats, nil
}

func (w *dumpWriter) table(name string) *tableState {
	t := w.tables[name]
	if t == nil {
		t = &tableState{stat: archive.TableStat{Name: name}, base: archive.DBPrefix + EntryBase(name)}
		w.tables[name] = t
		w.order = append(w.order, t)
	}
	return t
}

func (w *dumpWriter) statement(ctx context.Context, d *dumpInput, st *sqldump.Statement) error {
	if w.check != nil && st.Kind != sqldump.KindTrivia {
		// The statement's own text, as written (an INSERT's head only:
		// its rows are checked one by one, its tail after them).
		what := "(statement)"
		if st.Kind == sqldump.KindCreateTable {
			what = "(schema)"
		}
		w.check.Text(st.Table, what, st.Text)
	}
	switch st.Kind {
	case sqldump.KindTrivia:
		return nil
	case sqldump.KindSet:
		if bytes.Contains(bytes.ToLower(st.Text), []byte("autocommit")) {
			return nil // a restore commits as it goes
		}
		if reReplicationSet.Match(st.Text) {
			// MySQL's GTID and binlog lines describe the source's
			// replication; restore sets sql_log_bin itself and may not
			// touch globals.
			return nil
		}
		if w.inPreamble {
			w.preamble.Write(st.Text)
			w.preamble.WriteByte('\n')
			_, assigns, _ := userVars(st.Text)
			for _, v := range assigns {
				w.varsIn[v] = "preamble"
			}
			return nil
		}
		return w.set(st)
	case sqldump.KindUse, sqldump.KindCreateDatabase:
		if st.Database != "" && w.database != "" && st.Database != w.database {
			return fmt.Errorf("%s: line %d: the dump holds more than one database (%s, %s); snapshot one database at a time: %w", d.path, st.Line, w.database, st.Database, ErrMultiDB)
		}
		if w.database == "" {
			w.database = st.Database
		}
		return nil
	case sqldump.KindDropDatabase, sqldump.KindTransaction:
		return nil // a restore starts from a new database and commits as it goes
	}
	w.inPreamble = false
	switch st.Kind {
	case sqldump.KindLockTables, sqldump.KindUnlockTables:
		w.last = targetNone
		return nil
	case sqldump.KindDropTable:
		if t := w.tables[st.Table]; t == nil || !t.created {
			w.last = targetNone
			return nil // the usual DROP TABLE IF EXISTS before CREATE TABLE: restore starts empty
		}
		return w.object(st)
	case sqldump.KindAlterTable:
		up := strings.ToUpper(string(st.Text))
		if strings.Contains(up, "DISABLE KEYS") || strings.Contains(up, "ENABLE KEYS") {
			w.last = targetNone
			return nil
		}
		return w.object(st)
	case sqldump.KindCreateTable:
		return w.createTable(d, st, st.Table)
	case sqldump.KindOther:
		// MariaDB sequences are tables: their CREATE SEQUENCE and SETVAL
		// make a schema entry, so a column default calling NEXTVAL finds
		// the sequence when the tables are created.
		if m := reCreateSequence.FindSubmatch(st.Text); m != nil {
			return w.createTable(d, st, sequenceName(m[1]))
		}
		if m := reDropSequence.FindSubmatch(st.Text); m != nil {
			if t := w.tables[sequenceName(m[1])]; t == nil || !t.created {
				w.last = targetNone
				return nil
			}
		}
		if w.last == targetSchema && w.schema != nil && reSetval.Match(st.Text) {
			w.schemaBuf.Write(st.Text)
			w.schemaBuf.WriteByte('\n')
			return nil
		}
	case sqldump.KindInsert:
		if err := w.flushSchema(); err != nil {
			return err
		}
		w.last = targetData
		return w.insert(ctx, d, st)
	}
	return w.object(st)
}

// reReplicationSet matches the SET statements of mysqldump's GTID preamble
// and epilogue (SET @@GLOBAL.GTID_PURGED, SET @@SESSION.SQL_LOG_BIN,
// @MYSQLDUMP_TEMP_LOG_BIN).
var reReplicationSet = regexp.MustCompile(`(?i)GTID_PURGED|SQL_LOG_BIN|MYSQLDUMP_TEMP_LOG_BIN`)

// set places a session SET after the preamble, so that every entry gets
// the settings in force where its statements stood in the dump:
//   - a restore (it reads a user variable that a save put into a schema
//     or objects entry still open, "SET sql_mode = @saved_sql_mode") goes
//     into that entry;
//   - a save ("SET @saved_x = @@x"), and any SET while a save waits,
//     waits with it for the next statement: the bracket mysqldump writes
//     around a table, trigger, routine or view (before an INSERT, the
//     bracket joins the preamble: see insert);
//   - any other SET, a restore of a save that went before an INSERT
//     included, changes the session for the rest of the dump: it joins the
//     preamble that every later entry starts with, and goes before the
//     next rows of the open data entry (dataSets).
func (w *dumpWriter) set(st *sqldump.Statement) error {
	reads, assigns, saves := userVars(st.Text)
	inPending, where := false, ""
	for _, v := range reads {
		if w.pendingVars[v] {
			inPending = true
		} else if l := w.varsIn[v]; l != "" && l != "preamble" {
			where = l
		}
	}
	pending := func() error {
		w.pending.Write(st.Text)
		w.pending.WriteByte('\n')
		for _, v := range assigns {
			w.pendingVars[v] = true
		}
		return nil
	}
	switch {
	case where == "" && (inPending || len(saves) > 0 || len(w.pendingVars) > 0):
		return pending()
	case where == "" || strings.HasPrefix(where, "data:"):
		// The SETs that data entries need join the preamble in dump
		// order, a save that went before a table's rows and its restore
		// too: every data entry starts by replaying what stood before
		// its rows, as the dump loaded in one session would have it.
		w.preamble.Write(st.Text)
		w.preamble.WriteByte('\n')
		for _, v := range assigns {
			w.varsIn[v] = "preamble"
		}
		if w.cur != nil {
			w.dataSets.Write(st.Text)
			w.dataSets.WriteByte('\n')
		}
		return nil
	case where == "objects":
		return w.object(st)
	case w.schema != nil && where == "schema:"+w.schema.stat.Name:
		w.schemaBuf.Write(st.Text)
		w.schemaBuf.WriteByte('\n')
		return nil
	}
	// The entry of its save is written already: a connection that loads
	// a later entry starts from the preamble, so there is nothing to
	// restore.
	return nil
}

// placePending records that the SETs waiting for the next statement went
// into the entry called where.
func (w *dumpWriter) placePending(where string) {
	for v := range w.pendingVars {
		w.varsIn[v] = where
	}
	clear(w.pendingVars)
}

// reUserVar matches a user variable (not a @@system one), whether an
// assignment follows it, and whether that assigns a system variable.
var reUserVar = regexp.MustCompile("(?:^|[^@])@(`[^`]*`|'[^']*'|[A-Za-z0-9_$.]+)(\\s*:?=(?:[^=]|$))?(\\s*@@)?")

// userVars returns, lower-cased, the user variables a SET reads, those it
// assigns, and those of them it assigns from a system variable (saves).
func userVars(text []byte) (reads, assigns, saves []string) {
	for _, m := range reUserVar.FindAllSubmatch(text, -1) {
		name := strings.ToLower(string(m[1]))
		switch {
		case len(m[2]) == 0:
			reads = append(reads, name)
		case len(m[3]) > 0:
			assigns = append(assigns, name)
			saves = append(saves, name)
		default:
			assigns = append(assigns, name)
		}
	}
	return reads, assigns, saves
}

// ErrMultiDB means a dump holds several databases.
var ErrMultiDB = errors.New("snapshot: several databases in one dump")

func (w *dumpWriter) object(st *sqldump.Statement) error {
	if err := w.flushSchema(); err != nil {
		return err
	}
	w.objects.Write(w.pending.Bytes())
	w.pending.Reset()
	w.placePending("objects")
	w.last = targetObjects
	if st.Kind != sqldump.KindSet && st.Kind != sqldump.KindDelimiter {
		w.realObjs = true
	}
	if st.Kind == sqldump.KindDelimiter {
		if d := delimiterOf(st.Text); d != "" {
			w.objDelim = d
		}
	}
	w.objects.Write(st.Text)
	w.objects.WriteByte('\n')
	if w.objects.Len() > maxObjectsSize {
		return fmt.Errorf("line %d: views, triggers and routines exceed %d MiB", st.Line, maxObjectsSize>>20)
	}
	return nil
}

// delimiterOf extracts xx from "DELIMITER xx".
func delimiterOf(text []byte) string {
	f := strings.Fields(string(text))
	if len(f) >= 2 {
		return f[1]
	}
	return ""
}

var (
	reCreateSequence = regexp.MustCompile("(?is)^\\s*(?:/\\*!\\d*\\s*)?CREATE\\s+(?:OR\\s+REPLACE\\s+)?SEQUENCE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)(?:\\.(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+))?)")
	reDropSequence   = regexp.MustCompile("(?is)^\\s*(?:/\\*!\\d*\\s*)?DROP\\s+SEQUENCE\\s+(?:IF\\s+EXISTS\\s+)?((?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)(?:\\.(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+))?)")
	reSetval         = regexp.MustCompile(`(?is)^\s*(?:DO|SELECT)\s+SETVAL\s*\(`)
)

// sequenceName unquotes a possibly qualified sequence name, keeping the
// part after the database.
func sequenceName(b []byte) string {
	s := string(b)
	if i := strings.LastIndex(s, "`.`"); i >= 0 {
		s = s[i+2:]
	} else if i := strings.LastIndex(s, "."); i >= 0 && !strings.HasPrefix(s, "`") {
		s = s[i+1:]
	}
	return sqldump.UnquoteIdent(s)
}

func (w *dumpWriter) createTable(d *dumpInput, st *sqldump.Statement, name string) error {
	if err := w.flushSchema(); err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	w.inPreamble = false
	t := w.table(name)
	if t.created {
		return fmt.Errorf("%s: line %d: table %s is created twice", d.path, st.Line, name)
	}
	t.created = true
	w.schema = t
	b := &w.schemaBuf
	b.Reset()
	fmt.Fprintf(b, "-- stagecopy: schema of table %s\n", sqldump.QuoteIdent(name))
	b.Write(w.preamble.Bytes())
	b.Write(w.pending.Bytes())
	w.pending.Reset()
	w.placePending("schema:" + name)
	b.Write(st.Text)
	b.WriteByte('\n')
	w.last = targetSchema
	if w.check != nil {
		w.check.Define(name, st.Text)
	}
	return nil
}

// flushSchema writes the pending schema entry, if any.
func (w *dumpWriter) flushSchema() error {
	t := w.schema
	if t == nil {
		return nil
	}
	w.schema = nil
	name := t.base + ".schema.sql"
	t.stat.SchemaEntry = name
	return w.ew.add(name, bytes.NewBuffer(bytes.Clone(w.schemaBuf.Bytes())))
}

// startChunk opens a data chunk for t in w.buf.
func (w *dumpWriter) startChunk(t *tableState) {
	w.rowsIn, w.ordered = 0, false
	t.chunks++
	w.cur = t
	w.buf.Reset()
	fmt.Fprintf(w.buf, "-- stagecopy: data of table %s, part %d\n", sqldump.QuoteIdent(t.stat.Name), t.chunks)
	w.buf.Write(w.preamble.Bytes())
}

// flush writes the open data chunk, if any.
func (w *dumpWriter) flush() error {
	if w.cur == nil {
		return nil
	}
	t := w.cur
	w.cur = nil
	if w.ordered {
		w.buf.WriteString(archive.OrderedData)
	}
	name := fmt.Sprintf("%s.%04d.sql", t.base, t.chunks)
	t.stat.DataEntries = append(t.stat.DataEntries, name)
	t.stat.Bytes += int64(w.buf.Len())
	err := w.ew.add(name, w.buf)
	w.buf = w.ew.buffer()
	return err
}

func (w *dumpWriter) insert(ctx context.Context, d *dumpInput, st *sqldump.Statement) error {
	t := w.table(st.Table)
	// The SETs since the table's last INSERT in the open entry: they
	// joined the preamble, which only entries started later replay.
	var extra []byte
	if w.cur == t {
		extra = bytes.Clone(w.dataSets.Bytes())
	}
	w.dataSets.Reset()
	if w.cur != t || w.rowsIn >= w.chunkRows || w.buf.Len() >= w.chunkSize {
		// Another table, or this one's entry holds its rows' or its
		// bytes' worth (a dump of one INSERT per row is cut here only:
		// the cut inside a statement needs a row before it).
		if err := w.flush(); err != nil {
			return err
		}
	}
	// The SETs that waited for this statement (a save and what it
	// brackets) join the preamble too, in dump order.
	extra = append(extra, w.pending.Bytes()...)
	w.preamble.Write(w.pending.Bytes())
	w.pending.Reset()
	w.placePending("data:" + t.stat.Name)
	if w.cur == nil {
		w.startChunk(t) // the preamble has them all
	} else {
		w.buf.Write(extra)
	}
	custom := st.Delimiter != ";"
	orderedVerb := st.Verb != "INSERT"
	open := func() {
		w.ordered = w.ordered || orderedVerb
		if custom {
			fmt.Fprintf(w.buf, "DELIMITER %s\n", st.Delimiter)
		}
		w.buf.Write(st.Text)
	}
	open()
	partRows, split := 0, false
	for {
		row, err := d.sc.NextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			return d.wrap(err)
		}
		if row.Index%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if partRows > 0 && (w.buf.Len() >= w.chunkSize || d.noTails && w.rowsIn >= w.chunkRows) {
			// Close this part of the statement and continue it in a new chunk.
			w.buf.WriteString(st.Delimiter)
			w.buf.WriteByte('\n')
			if custom {
				w.buf.WriteString("DELIMITER ;\n")
			}
			if err := w.flush(); err != nil {
				return err
			}
			w.startChunk(t)
			open()
			partRows, split = 0, true
		}
		if partRows > 0 {
			w.buf.Write(row.Sep)
		}
		w.buf.Write(row.Raw)
		if w.check != nil {
			w.check.Row(st.Table, st.Columns, row, d.rewrites)
			if len(row.Sep) > 3 {
				w.check.Text(st.Table, "(statement)", row.Sep) // comments between rows
			}
		}
		partRows++
		w.rowsIn++
		t.stat.Rows++
		w.rows++
	}
	tail := st.Tail
	if w.check != nil {
		w.check.Text(st.Table, "(statement)", tail)
	}
	rest := bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(tail), []byte(st.Delimiter)))
	if len(rest) > 0 {
		// ON DUPLICATE KEY UPDATE (or a comment: loading in order costs
		// only time).
		w.ordered = true
	}
	if split {
		if len(rest) > 0 {
			return fmt.Errorf("%s: line %d: table %s: an INSERT with %q after its rows is larger than the chunk size and cannot be split; raise --chunk-size", d.path, st.Line, st.Table, clip(rest))
		}
	}
	w.buf.Write(tail)
	if len(tail) == 0 || tail[len(tail)-1] != '\n' {
		w.buf.WriteByte('\n')
	}
	if custom {
		w.buf.WriteString("DELIMITER ;\n")
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// EntryBase turns a table name into the base of its entry names: ASCII
// letters, digits, '_' and '$' and non-ASCII UTF-8 stay as they are, every
// other byte becomes %XX. The result is never "-objects" or anything else
// with '-', '.' or '/', so entries cannot collide or escape db/.
func EntryBase(table string) string {
	var b strings.Builder
	for i := 0; i < len(table); {
		c := table[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '$':
			b.WriteByte(c)
			i++
			continue
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(table[i:])
			if r != utf8.RuneError && r >= 0xa0 {
				b.WriteString(table[i : i+size])
				i += size
				continue
			}
		}
		fmt.Fprintf(&b, "%%%02X", c)
		i++
	}
	return b.String()
}

// entryWriter adds entries to the archive from its own goroutine, so that
// hashing and compression overlap with parsing and anonymization. It holds at
// most one entry waiting and one being written; buffers are recycled.
type entryWriter struct {
	aw   *archive.Writer
	ch   chan pendingEntry
	free chan *bytes.Buffer
	done chan struct{}
	mu   sync.Mutex
	err  error
	shut bool
	size int // expected entry size: buffers start with that capacity
}

type pendingEntry struct {
	name string
	buf  *bytes.Buffer
}

func newEntryWriter(aw *archive.Writer, size int) *entryWriter {
	ew := &entryWriter{aw: aw, size: size, ch: make(chan pendingEntry, 1), free: make(chan *bytes.Buffer, 3), done: make(chan struct{})}
	go func() {
		defer close(ew.done)
		for e := range ew.ch {
			if ew.failed() == nil {
				if err := aw.Add(e.name, e.buf.Bytes()); err != nil {
					ew.mu.Lock()
					ew.err = err
					ew.mu.Unlock()
				}
			}
			e.buf.Reset()
			select {
			case ew.free <- e.buf:
			default:
			}
		}
	}()
	return ew
}

func (ew *entryWriter) failed() error {
	ew.mu.Lock()
	defer ew.mu.Unlock()
	return ew.err
}

// buffer returns an empty buffer, recycled when one is free.
func (ew *entryWriter) buffer() *bytes.Buffer {
	select {
	case b := <-ew.free:
		return b
	default:
		// Sized for a whole chunk, so the buffer does not double past it.
		return bytes.NewBuffer(make([]byte, 0, ew.size+ew.size/8))
	}
}

// add queues an entry; buf belongs to the entryWriter from now on. It
// returns the first error of an earlier entry, if any.
func (ew *entryWriter) add(name string, buf *bytes.Buffer) error {
	if err := ew.failed(); err != nil {
		return err
	}
	ew.ch <- pendingEntry{name: name, buf: buf}
	return nil
}

// close waits for the queued entries to be written; it may be called twice.
func (ew *entryWriter) close() error {
	ew.mu.Lock()
	if !ew.shut {
		ew.shut = true
		close(ew.ch)
	}
	ew.mu.Unlock()
	<-ew.done
	return ew.failed()
}
