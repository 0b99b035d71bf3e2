// Package dbload loads the SQL entries of a stagecopy archive (db/...) into a
// database on a MySQL or MariaDB server, with data chunks loaded in parallel.
//
// A Loader runs one entry at a time on one connection, statement by statement,
// the way the mariadb client would: it honours DELIMITER commands and never
// sends more than one statement per query, so the driver runs without
// multiStatements. Schema entries and db/-objects.sql are run in order with
// [Loader.Exec]; data chunks are queued with [Loader.Go] and run by a fixed
// number of workers, each keeping its own connection, until [Loader.Wait];
// a data entry too large to hold in memory is run as it is read with
// [Loader.Stream].
//
// Each statement is adapted to the target server before the guard checks
// it (see [Adaptation], [Target] and docs/servers.md): a MySQL 8 schema
// loads on MariaDB, a MariaDB one on MySQL, what cannot be kept is refused
// with [ErrUnsupported].
//
// Memory: an entry is read statement by statement, and an INSERT row by
// row, sent in pieces of at most [InsertPiece] bytes of rows (the rows of
// one INSERT, split into several INSERTs of the same table and columns, in
// the same transaction). No statement or row larger than the server's
// max_allowed_packet is held whole: it is refused with [ErrTooLarge] as
// soon as it outgrows the limit.
package dbload

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Config configures Open.
type Config struct {
	// DSN is a go-sql-driver/mysql data source name of the server; its
	// database part is replaced by Database.
	DSN string
	// Database is the database to load into. It must exist already.
	Database string
	// Threads is the number of parallel connections that run data chunks;
	// <= 0 means runtime.NumCPU().
	Threads int
	// Protected names tables no statement may name (restore's marker
	// table): an archive's SQL could otherwise drop or rewrite it, and
	// purge could no longer prove the copy is its own.
	Protected []string
	// Target is what the server can keep; nil means read it from the
	// server (ReadTarget). Statements are adapted to it before they run
	// (see Adaptation).
	Target *Target
	// DropUnsupported leaves out what the target cannot keep (a sequence
	// on MySQL, an index on an expression on MariaDB) instead of refusing
	// it with ErrUnsupported; each is an Adaptation with Dropped set.
	DropUnsupported bool
	// TextInserts sends every INSERT as text, never as a prepared INSERT
	// with the row values as parameters (prepared.go).
	TextInserts bool
}

// ErrTooLarge is returned for a statement, or a row of an INSERT, larger
// than the server's max_allowed_packet allows: the server would refuse it,
// and reading it whole could take any amount of memory. Nothing of it was
// sent.
var ErrTooLarge = errors.New("dbload: statement larger than the server's max_allowed_packet")

// InsertPiece is the size at which the rows of one INSERT are cut into
// several INSERTs (a single row may be larger, up to max_allowed_packet),
// so that an INSERT larger than max_allowed_packet still loads. It is what
// fits the packet buffer the driver keeps per connection (256 KiB, with
// the packet's 4-byte header and command byte): the driver copies a larger
// query into a buffer of its size allocated for that query alone, which
// for snapshot's INSERTs of about 1 MiB was a fresh megabyte, zeroed,
// faulted in and collected, for every megabyte restored (bench/README.md).
// The server's work per row is the same in pieces of this size.
const InsertPiece = 256<<10 - 5

// Loader loads SQL entries into one database. Exec may be called from
// several goroutines; Go and Wait must be called from one goroutine.
//
// Every statement is checked before it runs (see [ErrRefused] and
// [EntryKind]): the entries come from an archive made on someone else's
// server, and the loading account is often allowed far more than the one
// database it loads.
type Loader struct {
	db      *sql.DB
	guard   *guard
	adapter *adapter
	threads int
	ctx     context.Context // of Open; workers run under it
	// packet is the server's max_allowed_packet; limit is the largest
	// statement that fits in it (the driver adds a command byte and
	// keeps one byte of margin).
	packet int64
	limit  int

	// The current batch of Go calls, started by the first Go after Open
	// or Wait.
	jobs   chan job
	wg     sync.WaitGroup
	cancel context.CancelFunc
	bctx   context.Context
	mu     sync.Mutex
	err    error // first error of the batch
	// chains holds, per table, the order of its entries (see Go); a
	// table stays ordered from batch to batch. held has a slot for each
	// entry a chain holds.
	chains map[string]*chain
	held   chan struct{}

	text bool // Config.TextInserts

	// reset puts the session variables an entry may set back as a new
	// connection has them; it runs before every entry (reset.go).
	reset string

	// started, if set, is called by a worker when it takes an entry (tests).
	started func(name string)
	// carried counts the bytes of string parameters that flush copied
	// from one batch to the next (tests).
	carried atomic.Int64
}

type job struct {
	name string
	sql  []byte
	done func()
	c    *chain // of the job's table
}

// maxHeld is how many entries Go holds behind their tables' running ones
// before it blocks.
var maxHeld = 256

// chain orders the entries of one table. Its fields are guarded by
// Loader.mu.
type chain struct {
	// ordered: an entry of the table ended with archive.OrderedData.
	ordered bool
	// running counts the table's entries handed to workers and not yet
	// done; held are the entries that wait for them, in order. held is
	// empty unless running > 0.
	running int
	held    []job
}

// finish tells the caller of Go that the job's SQL is no longer used.
func (j job) finish() {
	if j.done != nil {
		j.done()
	}
}

// tableOf returns the table part of a data entry's name, lower-cased: "db/t"
// of "db/T.0001.sql". Lower-cased, because a server that folds table
// names (lower_case_table_names) loads "T" and "t" into one table; two
// tables sharing a chain only wait for each other.
func tableOf(name string) string {
	s := strings.TrimSuffix(name, ".sql")
	if i := strings.LastIndexByte(s, '.'); i > strings.LastIndexByte(s, '/') {
		s = s[:i]
	}
	return strings.ToLower(s)
}

// Open opens a pool of connections to cfg.Database and checks that the
// server answers; it reads the server's max_allowed_packet once, the limit
// of every statement. Every connection of the pool starts with
// FOREIGN_KEY_CHECKS=0 and, when the user may set it, sql_log_bin=0;
// INSERTs run with UNIQUE_CHECKS=1 (see execEntry). The context is also the
// one the workers of Go run under.
func Open(ctx context.Context, cfg Config) (*Loader, error) {
	if cfg.Database == "" {
		return nil, errors.New("dbload: no database given")
	}
	mc, err := mysql.ParseDSN(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("dbload: parse DSN: %w", err)
	}
	mc.DBName = cfg.Database
	mc.MultiStatements = false
	// The driver reads the server's max_allowed_packet on connecting,
	// rather than assuming its default of 64 MiB.
	mc.MaxAllowedPacket = 0
	base, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, fmt.Errorf("dbload: %w", err)
	}
	threads := cfg.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	db := sql.OpenDB(&connector{base: base})
	db.SetMaxIdleConns(threads + 1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("dbload: connect to database %s: %w", cfg.Database, err)
	}
	var packet int64
	if err := db.QueryRowContext(ctx, "SELECT @@max_allowed_packet").Scan(&packet); err != nil {
		db.Close()
		return nil, fmt.Errorf("dbload: read max_allowed_packet: %w", err)
	}
	g, err := newGuard(ctx, db, cfg.Database)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, p := range cfg.Protected {
		g.protected = append(g.protected, strings.ToLower(p))
	}
	reset, err := readReset(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	target := cfg.Target
	if target == nil {
		if target, err = ReadTarget(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	}
	return &Loader{db: db, guard: g, adapter: newAdapter(target, cfg.DropUnsupported), threads: threads, ctx: ctx, packet: packet, text: cfg.TextInserts, reset: reset, limit: int(max(1, min(packet-2, sqldump.MaxStatementSize))),
		chains: map[string]*chain{}, held: make(chan struct{}, maxHeld)}, nil
}

// Target returns what the server can keep, as Open read it or was given.
func (l *Loader) Target() *Target { return l.adapter.t }

// Adaptations returns the changes made to the statements run so far so
// that the target server keeps them, in the order first made.
func (l *Loader) Adaptations() []Adaptation { return l.adapter.adaptations() }

// MaxAllowedPacket returns the server's max_allowed_packet, as Open read it.
func (l *Loader) MaxAllowedPacket() int64 { return l.packet }

// newGuard lists the databases the account sees, besides target.
func newGuard(ctx context.Context, db *sql.DB, target string) (*guard, error) {
	g := &guard{target: target, others: map[string]bool{}}
	for _, s := range systemSchemas {
		g.others[s] = true
	}
	rows, err := db.QueryContext(ctx, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
	if err != nil {
		return nil, fmt.Errorf("dbload: list databases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("dbload: list databases: %w", err)
		}
		if name != target {
			g.others[strings.ToLower(name)] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dbload: list databases: %w", err)
	}
	return g, nil
}

// checkSession makes sure the statements are lexed the way the server
// reads them: no ANSI_QUOTES or NO_BACKSLASH_ESCAPES, and a client
// character set in which no multi-byte character hides a quote or a
// backslash.
func checkSession(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) error {
	rows, err := q.QueryContext(ctx, "SELECT @@SESSION.sql_mode, @@SESSION.character_set_client")
	if err != nil {
		return err
	}
	defer rows.Close()
	var mode, cs string
	if rows.Next() {
		if err := rows.Scan(&mode, &cs); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range strings.Split(strings.ToUpper(mode), ",") {
		if m == "ANSI_QUOTES" || m == "NO_BACKSLASH_ESCAPES" {
			return fmt.Errorf("%w: sql_mode %s changes how statements are read", ErrRefused, m)
		}
	}
	if !safeCharsets[strings.ToLower(cs)] {
		return fmt.Errorf("%w: client character set %s (use utf8mb4)", ErrRefused, cs)
	}
	return nil
}

// connector runs the session setup on every new connection.
type connector struct {
	base driver.Connector
}

func (c *connector) Driver() driver.Driver { return c.base.Driver() }

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("dbload: driver connection cannot execute statements")
	}
	if _, err := ex.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS=0", nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("set session: %w", err)
	}
	if _, err := ex.ExecContext(ctx, "SET sql_log_bin=0", nil); err != nil {
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1227 { // ER_SPECIFIC_ACCESS_DENIED_ERROR
			conn.Close()
			return nil, fmt.Errorf("set session: %w", err)
		}
	}
	return conn, nil
}

// Exec runs the SQL entry sql, named name in errors, on one connection of the
// pool, statement by statement. It stops at the first error, which names the
// entry and the line of the failing statement.
func (l *Loader) Exec(ctx context.Context, name string, sql []byte) error {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("dbload: %s: connect: %w", name, err)
	}
	defer conn.Close()
	s := &session{conn: conn}
	defer s.close()
	return l.execEntry(ctx, s, name, bytes.NewReader(sql))
}

// execEntry runs the statements of one entry, read from r, on conn, each
// once the guard allowed it. It holds one statement at a time, and of an
// INSERT one row: the rows are copied into a piece of at most InsertPiece
// bytes (or one row), sent as an INSERT with the statement's own prefix.
// The text sent is the entry's own bytes: the prefix as the guard returned
// it (an INSERT's prefix as it was), and each row's Raw. *buf is the piece's
// buffer, kept from entry to entry by a worker (growing a fresh one to 1 MiB
// for every entry copied each byte again; bench/README.md).
//
// INSERTs run with UNIQUE_CHECKS=1 even though every entry's preamble turns
// unique checks off (for loading it by hand): with them off, MariaDB 10.7+
// takes its bulk insert path for a transaction's first insert into an empty
// table, buffering and sorting every row of the transaction, and that cost
// the server 2 to 4 times the CPU of ordinary inserts on the benchmark
// tables, with or without secondary indexes (README, Numbers). The data
// come from one consistent database, so the checks find nothing; if they do,
// the archive is broken and the load should fail.
func (l *Loader) execEntry(ctx context.Context, s *session, name string, r io.Reader) error {
	conn := s.conn
	kind := KindOf(name)
	if l.reset != "" {
		if _, err := conn.ExecContext(ctx, l.reset); err != nil {
			return fmt.Errorf("dbload: %s: reset the session: %w", name, err)
		}
	}
	if err := checkSession(ctx, conn); err != nil {
		return fmt.Errorf("dbload: %s: %w", name, err)
	}
	sc := sqldump.NewScanner(r)
	sc.SetLimit(l.limit)
	unique := false // UNIQUE_CHECKS=1 was sent after the last SET
	s.reset()       // what a failed try left
	for {
		st, err := sc.Next()
		if err == io.EOF {
			if err := l.flush(ctx, s, true); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, s.line, err)
			}
			return nil
		}
		if err != nil {
			return l.scanError(name, err)
		}
		if st.Kind == sqldump.KindTrivia || st.Kind == sqldump.KindDelimiter {
			continue
		}
		if st.Kind == sqldump.KindLockTables || st.Kind == sqldump.KindUnlockTables {
			// Snapshot leaves them out (docs/format.md); run, LOCK
			// TABLES would commit the entry's transaction before its
			// hash is checked, and hold tables the other connections
			// load.
			continue
		}
		line := st.Line
		// The statement as the target should run it; the guard checks
		// what runs.
		text, skip, err := l.adapter.adapt(st, bytes.TrimSuffix(st.Text, []byte(st.Delimiter)))
		if err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
		if skip {
			continue
		}
		checked, err := l.guard.check(kind, st, text)
		if err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
		if st.Kind != sqldump.KindInsert {
			b := bytes.TrimRight(checked, " \t\r\n")
			if len(b) == 0 {
				continue
			}
			if len(b) > l.limit {
				return l.tooLarge(name, line, st.Offset, fmt.Sprintf("a %s statement of %d bytes", st.Kind, len(b)))
			}
			if err := l.flush(ctx, s, true); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, s.line, err)
			}
			if err := l.send(ctx, conn, b); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
			}
			if st.Kind == sqldump.KindSet {
				unique = false
				if err := checkSession(ctx, conn); err != nil {
					return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
				}
			}
			continue
		}
		if !unique {
			if _, err := conn.ExecContext(ctx, "SET UNIQUE_CHECKS=1"); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
			}
			unique = true
		}
		// The guard returns an INSERT's prefix as it was.
		if err := l.insert(ctx, s, sc, name, st, checked); err != nil {
			return err
		}
	}
}

// insert runs the rows of the INSERT st, whose checked prefix is prefix:
// into the session's batch of prepared INSERTs while every value can be a
// parameter (prepared.go), the rest of the statement as text in pieces of
// at most InsertPiece bytes.
func (l *Loader) insert(ctx context.Context, s *session, sc *sqldump.Scanner, name string, st *sqldump.Statement, prefix []byte) error {
	line := st.Line
	target := min(InsertPiece, l.limit)
	piece := s.piece
	defer func() { s.piece = piece }()
	rows := 0 // rows in piece
	prep := !s.noPrepare && !l.text
	if !prep {
		// Rows of the INSERTs before this one, gathered while the server
		// still prepared statements, run first: as text now, they would
		// otherwise overtake them (which changes what REPLACE and INSERT
		// IGNORE leave).
		if err := l.flush(ctx, s, true); err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, s.line, err)
		}
	}
	for {
		row, err := sc.NextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			return l.scanError(name, err)
		}
		if err := checkRow(row); err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
		if len(prefix)+len(row.Raw) > l.limit {
			return l.tooLarge(name, line, row.Offset, fmt.Sprintf("row %d of an INSERT into %s is %d bytes", row.Index+1, st.Table, len(row.Raw)))
		}
		if prep {
			// At most what the row adds to an execute packet: its
			// decoded strings are no longer than their literals, each
			// value adds a type and a length.
			est := len(row.Raw) + 11*len(row.Values) + 1
			n := len(row.Values)
			if n > 0 && n <= maxParams && len(prefix)+est <= l.limit {
				if s.rows > 0 && (n != s.cols || s.key != string(prefix)) {
					if err := l.flush(ctx, s, true); err != nil {
						return fmt.Errorf("dbload: %s line %d: %w", name, s.line, err)
					}
				}
				if s.rows > 0 && (s.size+est > target || s.rows+1 > maxRows(n)) {
					if err := l.flush(ctx, s, false); err != nil {
						return fmt.Errorf("dbload: %s line %d: %w", name, s.line, err)
					}
				}
				if s.rows == 0 {
					if s.key != string(prefix) {
						s.key = string(prefix)
					}
					s.cols, s.line = n, line
				}
				if s.appendArgs(row) {
					s.rows++
					s.size += est
					s.ests = append(s.ests, est)
					if s.rows&(s.rows-1) == 0 && 2*s.size >= target {
						// A power of two of rows that fills half a
						// piece runs now. Gathered on to the piece's
						// size, the batch would run these same rows
						// (the largest power of two in it) and copy
						// the rows past them into the next batch.
						if err := l.flush(ctx, s, false); err != nil {
							return fmt.Errorf("dbload: %s line %d: %w", name, s.line, err)
						}
					}
					continue
				}
			}
			// The rest of the statement goes as text, after the rows
			// before it.
			if err := l.flush(ctx, s, true); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, s.line, err)
			}
			prep = false
		}
		if rows == 0 {
			if cap(piece) < target {
				piece = make([]byte, 0, target) // not grown in steps, copying
			}
			piece = append(piece[:0], prefix...)
		}
		if rows > 0 && len(piece)+len(row.Sep)+len(row.Raw) > target {
			if err := l.send(ctx, s.conn, piece); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
			}
			if cap(piece) > 2*InsertPiece {
				piece = nil // after a large row: give the memory back
			}
			piece, rows = append(piece[:0], prefix...), 0
		}
		if rows > 0 {
			piece = append(piece, row.Sep...)
		}
		piece = append(piece, row.Raw...)
		rows++
	}
	// Only white space and comments may follow the rows, which the
	// pieces never include.
	if err := checkTail(st); err != nil {
		return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
	}
	if rows > 0 {
		if err := l.send(ctx, s.conn, piece); err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
	}
	if cap(piece) > 2*InsertPiece {
		piece = nil
	}
	return nil
}

// flush runs the session's batch of prepared rows. Each INSERT runs a
// power of two of rows, so that a connection prepares few statements
// whatever the size of the rows: with all, the batch runs in as many
// INSERTs as its count has bits; otherwise the largest power of two of
// rows runs and the rest stay in the batch.
func (l *Loader) flush(ctx context.Context, s *session, all bool) error {
	if s.rows == 0 {
		return nil
	}
	done := 0
	for s.rows-done > 0 {
		n := 1 << (bits.Len(uint(s.rows-done)) - 1)
		args := s.args[done*s.cols : (done+n)*s.cols]
		if err := l.execPrepared(ctx, s, stmtKey{s.key, s.cols, n}, args); err != nil {
			s.reset()
			return err
		}
		done += n
		if !all {
			break
		}
	}
	l.carried.Add(int64(s.carry(done)))
	return nil
}

// execPrepared runs the prepared INSERT key with args. When the server
// does not prepare it, the same values go as literals.
func (l *Loader) execPrepared(ctx context.Context, s *session, key stmtKey, args []any) error {
	ran, err := s.exec(ctx, key, args)
	if err == nil && !ran {
		return l.sendArgs(ctx, s, key, args)
	}
	var me *mysql.MySQLError
	if errors.Is(err, mysql.ErrPktTooLarge) || errors.As(err, &me) && me.Number == 1153 { // ER_NET_PACKET_TOO_LARGE
		return fmt.Errorf("%w (%d rows of parameters sent; max_allowed_packet is %d): %w", ErrTooLarge, key.rows, l.packet, err)
	}
	return err
}

// sendArgs sends the rows of args as text INSERTs, each value written as
// the literal the parameter stands for, in pieces of about InsertPiece
// bytes: for an INSERT the server would not prepare, which then reports
// its own error if it has one.
func (l *Loader) sendArgs(ctx context.Context, s *session, key stmtKey, args []any) error {
	b := []byte(key.prefix)
	n := 0
	for r := range key.rows {
		if n > 0 && len(b) > InsertPiece {
			if err := l.send(ctx, s.conn, b); err != nil {
				return err
			}
			b, n = append(b[:0], key.prefix...), 0
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		for c, a := range args[r*key.cols : (r+1)*key.cols] {
			if c > 0 {
				b = append(b, ',')
			}
			switch a := a.(type) {
			case nil:
				b = append(b, "NULL"...)
			case int64:
				b = strconv.AppendInt(b, a, 10)
			case uint64:
				b = strconv.AppendUint(b, a, 10)
			case string:
				b = sqldump.AppendQuoted(b, unsafe.Slice(unsafe.StringData(a), len(a)))
			}
		}
		b = append(b, ')')
		n++
	}
	return l.send(ctx, s.conn, b)
}

// send runs one statement. The query is b itself, not a copy: neither
// database/sql nor the driver keeps a query without arguments once the
// call returns (the driver copies it into its packet buffer), and b is
// not changed while it runs.
func (l *Loader) send(ctx context.Context, conn *sql.Conn, b []byte) error {
	_, err := conn.ExecContext(ctx, unsafe.String(unsafe.SliceData(b), len(b)))
	var me *mysql.MySQLError
	if errors.Is(err, mysql.ErrPktTooLarge) || errors.As(err, &me) && me.Number == 1153 { // ER_NET_PACKET_TOO_LARGE
		return fmt.Errorf("%w (%d bytes sent; max_allowed_packet is %d): %w", ErrTooLarge, len(b), l.packet, err)
	}
	return err
}

// tooLarge is ErrTooLarge for what starts at byte off of the entry.
func (l *Loader) tooLarge(name string, line int, off int64, what string) error {
	return fmt.Errorf("dbload: %s line %d (byte %d): %w: %s; max_allowed_packet is %d", name, line, off, ErrTooLarge, what, l.packet)
}

// scanError wraps an error of the entry's scanner: one for a statement or
// row that outgrew the limit becomes ErrTooLarge.
func (l *Loader) scanError(name string, err error) error {
	var se *sqldump.SyntaxError
	if errors.As(err, &se) && errors.Is(err, sqldump.ErrTooLarge) {
		what := fmt.Sprintf("a statement of more than %d bytes", l.limit)
		if se.Table != "" {
			what = fmt.Sprintf("a row of more than %d bytes in an INSERT into %s", l.limit, se.Table)
		}
		return l.tooLarge(name, se.Line, se.Offset, what)
	}
	return fmt.Errorf("dbload: %s: %w", name, err)
}

// Go queues the data entry sql, named name in errors, for one of the
// workers, which runs it in one transaction (again, if InnoDB picks it as a
// deadlock victim). It blocks while every worker is busy, so that at most Threads
// entries run and one more waits in the caller; an entry held behind its
// table's running one (see below) returns at once while fewer than
// maxHeld entries are held, and blocks for room otherwise. After an error, Go drops
// its entry and returns at once; Wait reports the error.
// Go keeps sql until the entry has run; the caller must not modify it.
// done, if not nil, is called once sql is no longer used: the entry ran,
// failed or was dropped. Go, Wait and Stream are called from one
// goroutine.
func (l *Loader) Go(name string, sql []byte, done func()) {
	if l.jobs == nil {
		l.start()
	}
	// Entries of one table run in parallel, unless one of them ends with
	// archive.OrderedData (its rows may replace or skip the table's other
	// rows): from that one on, an entry of the table that comes while
	// another runs is held, and the worker that finishes the table's last
	// running entry runs the first held one next, so that the row the
	// dump makes win wins. Held entries take no worker: other tables'
	// entries go on in parallel.
	//
	// At most maxHeld entries are held: Go blocks for a slot, so that an
	// archive of many small entries behind a slow one cannot pile them
	// up (the caller's budget counts bytes, and an entry may have none).
	key := tableOf(name)
	marked := bytes.HasSuffix(sql, []byte(archive.OrderedData)) || orderedStatement(sql)
	slot := false // a slot of l.held is ours
	var j job
	for {
		l.mu.Lock()
		c := l.chain(key)
		c.ordered = c.ordered || marked
		j = job{name: name, sql: sql, done: done, c: c}
		if !c.ordered || c.running == 0 {
			c.running++
			l.mu.Unlock()
			break
		}
		if slot {
			c.held = append(c.held, j)
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		select {
		case l.held <- struct{}{}:
			slot = true
		case <-l.bctx.Done():
			j.finish()
			l.fail(fmt.Errorf("dbload: %s: %w", name, context.Cause(l.bctx)))
			return
		}
	}
	if slot {
		<-l.held // the table's entries ran meanwhile: j runs now
	}
	select {
	case l.jobs <- j:
	case <-l.bctx.Done():
		j.finish()
		l.fail(fmt.Errorf("dbload: %s: %w", name, context.Cause(l.bctx)))
		// Nothing can be held behind j yet (Go has one caller), but
		// next keeps the count (Wait would find it off and put it
		// right).
		for next, ok := l.next(j); ok; next, ok = l.next(next) {
			next.finish()
		}
	}
}

// orderedStatement reports whether a line of sql starts with REPLACE or
// INSERT IGNORE, in any case: archives made before snapshot wrote
// archive.OrderedData (2026-12-08) hold such entries without it, and
// snapshot starts every statement on a line of its own. A line of a
// string that starts so only costs time: the entry waits for its table's
// others.
func orderedStatement(sql []byte) bool {
	for i := 0; i < len(sql); {
		line := sql[i:]
		if n := bytes.IndexByte(line, '\n'); n >= 0 {
			line, i = line[:n], i+n+1
		} else {
			i = len(sql)
		}
		if len(line) < 7 {
			continue
		}
		if hasPrefixFold(line, "replace") {
			return true
		}
		if hasPrefixFold(line, "insert") {
			rest := bytes.TrimLeft(line[6:], " \t")
			if len(rest) < len(line)-6 && hasPrefixFold(rest, "ignore") {
				return true
			}
		}
	}
	return false
}

// hasPrefixFold reports whether b starts with the lower-case ASCII word w,
// in any case.
func hasPrefixFold(b []byte, w string) bool {
	if len(b) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if b[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}

// chain returns the chain of the table key; l.mu is held.
func (l *Loader) chain(key string) *chain {
	c := l.chains[key]
	if c == nil {
		c = &chain{}
		l.chains[key] = c
	}
	return c
}

// tailReader passes its reads on and keeps the last bytes read, to see
// whether a streamed entry ends with archive.OrderedData.
type tailReader struct {
	r    io.Reader
	tail []byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	const m = len(archive.OrderedData)
	if n >= m {
		t.tail = append(t.tail[:0], p[n-m:n]...)
	} else {
		t.tail = append(t.tail, p[:n]...)
		if len(t.tail) > m {
			t.tail = t.tail[len(t.tail)-m:]
		}
	}
	return n, err
}

// next is called once job j is done (ran, failed or was dropped): it
// returns the entry of j's table to run next, if j was the table's last
// running entry and another is held.
func (l *Loader) next(j job) (job, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := j.c
	c.running--
	if c.running > 0 || len(c.held) == 0 {
		return job{}, false
	}
	next := c.held[0]
	c.held[0] = job{}
	c.held = c.held[1:]
	c.running++
	<-l.held // its slot
	return next, true
}

// Err returns the first error of an entry queued with Go since the last
// Wait, or nil while none failed: a caller can stop reading entries that
// would only be dropped.
func (l *Loader) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Stream runs the data entry read from r, named name in errors, as it is
// read: for an entry too large to hold in memory. It waits for the entries
// queued with Go first (and returns their error, if any), then runs the
// entry alone, on one connection, in one transaction, so that it cannot
// deadlock with another and need not be read twice. Once the entry has run,
// verify (the archive's check of the entry's hash) decides: COMMIT if it
// returns nil, ROLLBACK otherwise, so that no row of a damaged entry stays.
func (l *Loader) Stream(ctx context.Context, name string, r io.Reader, verify func() error) error {
	if err := l.Wait(); err != nil {
		return err
	}
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("dbload: %s: connect: %w", name, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "START TRANSACTION"); err != nil {
		return fmt.Errorf("dbload: %s: %w", name, err)
	}
	s := &session{conn: conn}
	defer s.close()
	tr := &tailReader{r: r}
	err = l.execEntry(ctx, s, name, tr)
	if err == nil {
		err = verify()
	}
	if err == nil {
		if _, err = conn.ExecContext(ctx, "COMMIT"); err == nil {
			if bytes.Equal(tr.tail, []byte(archive.OrderedData)) {
				// The table's later entries load in order (see Go).
				l.mu.Lock()
				l.chain(tableOf(name)).ordered = true
				l.mu.Unlock()
			}
			return nil
		}
		err = fmt.Errorf("dbload: %s: commit: %w", name, err)
	}
	conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	return err
}

func (l *Loader) start() {
	l.bctx, l.cancel = context.WithCancel(l.ctx)
	l.jobs = make(chan job)
	l.err = nil
	for range l.threads {
		l.wg.Add(1)
		go l.work()
	}
}

func (l *Loader) work() {
	defer l.wg.Done()
	var s *session // kept from entry to entry
	defer func() {
		if s != nil {
			s.close()
			s.conn.Close()
		}
	}()
	for j := range l.jobs {
		for {
			s = l.run(s, j)
			next, ok := l.next(j)
			if !ok {
				break
			}
			j = next // the table's held entry: this worker runs it
		}
	}
}

// run runs job j on session s (opened if nil) unless the batch failed, and
// returns the session to keep.
func (l *Loader) run(s *session, j job) *session {
	defer j.finish()
	if l.bctx.Err() != nil {
		return s // drain: Go gives up on its own once bctx is done
	}
	if l.started != nil {
		l.started(j.name)
	}
	if s == nil {
		c, err := l.db.Conn(l.bctx)
		if err != nil {
			l.fail(fmt.Errorf("dbload: %s: connect: %w", j.name, err))
			return nil
		}
		s = &session{conn: c}
	}
	if err := l.execData(l.bctx, s, j.name, j.sql); err != nil {
		l.fail(err)
	}
	return s
}

// dataRetries is how often a data entry is tried when InnoDB picks it as a
// deadlock victim (parallel inserts into one table can deadlock on gap and
// auto-increment locks) or its lock wait times out.
const dataRetries = 5

// execData runs a data entry inside one transaction, so that a deadlock
// rolls the whole entry back and it can be run again without inserting
// any row twice.
func (l *Loader) execData(ctx context.Context, s *session, name string, text []byte) error {
	conn := s.conn
	var err error
	for try := 1; try <= dataRetries; try++ {
		if _, err = conn.ExecContext(ctx, "START TRANSACTION"); err != nil {
			return fmt.Errorf("dbload: %s: %w", name, err)
		}
		err = l.execEntry(ctx, s, name, bytes.NewReader(text))
		if err == nil {
			if _, err = conn.ExecContext(ctx, "COMMIT"); err == nil {
				return nil
			}
			err = fmt.Errorf("dbload: %s: commit: %w", name, err)
		}
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		if !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(try*try) * 20 * time.Millisecond)
	}
	return fmt.Errorf("%w (after %d tries)", err, dataRetries)
}

// retryable reports deadlocks (1213) and lock wait timeouts (1205).
func retryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

// fail records err if it is the first one and stops the other workers.
func (l *Loader) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
		l.cancel()
	}
}

// Wait waits for every entry queued with Go and returns the first error.
// After Wait, Go starts a new batch.
func (l *Loader) Wait() error {
	if l.jobs == nil {
		return nil
	}
	close(l.jobs)
	l.wg.Wait()
	l.cancel()
	l.jobs = nil
	l.mu.Lock()
	defer l.mu.Unlock()
	// Every entry ran or was dropped, and each chain is back to nothing
	// running and nothing held. A chain that is not would hold the
	// table's next entries back for ever, silently: fail instead.
	for key, c := range l.chains {
		if c.running == 0 && len(c.held) == 0 {
			continue
		}
		if l.err == nil {
			l.err = fmt.Errorf("dbload: internal: %s: %d entries still counted as running and %d held after the batch", key, c.running, len(c.held))
		}
		for _, j := range c.held {
			j.finish()
			select {
			case <-l.held:
			default:
			}
		}
		c.running, c.held = 0, nil
	}
	return l.err
}

// Close waits for the entries queued with Go, as Wait does, and closes the
// pool. It returns the error of Wait, if any.
func (l *Loader) Close() error {
	err := l.Wait()
	if cerr := l.db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("dbload: close: %w", cerr)
	}
	return err
}
