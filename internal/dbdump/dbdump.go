// Package dbdump reads a live MySQL or MariaDB database, consistently, as the
// same stream of statements and rows that [sqldump.Scanner] reads from a dump
// file, so that one filter and one archive writer serve both inputs.
//
// A [Dumper] reads every table inside one consistent snapshot
// (REPEATABLE READ, START TRANSACTION WITH CONSISTENT SNAPSHOT). With more
// than one reader, connection 0 holds FLUSH TABLES WITH READ LOCK while every
// reader opens its snapshot, a few milliseconds, so all readers see the same
// data. An account that may not take that lock (no RELOAD privilege, as on
// managed services), or a lock that does not come within a few seconds, gets
// a single reader instead, and [Info] says which. Tables with a numeric
// single-column primary key are read in primary key ranges by the parallel
// readers; rows are streamed from the server and encoded as they come, so
// memory is bounded by the number of readers, whatever the size of the
// database. The output is the same whatever the number of readers and
// ranges.
//
// The statements are those of mariadb-dump --hex-blob --complete-insert
// --routines --events --triggers: a header, session settings, sequences,
// each table's CREATE TABLE and extended INSERT statements (with an explicit
// column list that leaves out generated columns), then routines, views in
// dependency order, triggers and events, each with the sql_mode and
// collation it was created under and without its DEFINER clause, so that
// any account can load it. Values are written exactly: FLOAT as the shortest
// number that loads back as the same FLOAT (the server's own text loses
// digits), other numbers and YEAR bare, BIT as b'...', binary strings and
// geometry as 0x..., everything else as quoted strings. Writing Lead, Text, the Sep and Raw of
// every row and Tail of each statement in order gives a script that the
// mariadb client loads into an empty database, and that sqldump.Scanner
// reads back as the very same statements and rows.
package dbdump

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"path"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// RowPolicy says what to do with the rows of one table.
type RowPolicy int

const (
	// RowsAll dumps the table's schema and all its rows.
	RowsAll RowPolicy = iota
	// RowsNone dumps the schema only; the rows are never selected.
	RowsNone
	// OmitTable leaves the table out: no schema, no rows, no triggers.
	OmitTable
)

// Config says what to dump and how.
type Config struct {
	// DSN is a github.com/go-sql-driver/mysql data source name. Its
	// database part is replaced by Database; interpolateParams, parseTime
	// and multiStatements are turned off and maxAllowedPacket is read from
	// the server.
	DSN      string
	Database string
	// Threads is the number of parallel readers; <= 0 means
	// runtime.NumCPU(). It is 1 when the account may not take the brief
	// global read lock that parallel readers need to share one snapshot.
	Threads int
	// Tables, when not empty, lists path.Match patterns: only base tables,
	// sequences and views whose name matches one are dumped. A pattern that
	// matches nothing is an error (ErrNoSuchTable). ExcludeTables patterns
	// leave matching tables, sequences and views out. Routines and events
	// are not filtered; triggers go with their table.
	Tables, ExcludeTables []string
	// Rows is asked once per base table; nil means RowsAll for every table.
	Rows func(table string) RowPolicy
	// ChunkBytes is the target size of one INSERT statement in bytes of
	// SQL, like mariadb-dump's net_buffer_length; default 1 MiB. A row
	// larger than that gets a statement of its own.
	ChunkBytes int
	// ChunkRows is the number of rows per primary key range read by one
	// reader. The default aims at about 32 MiB per range from the table's
	// average row length. Only tables with a numeric single-column primary
	// key are split; the output does not depend on it.
	ChunkRows int
	// Subset, when set, reads only the rows of its closure (see Subset).
	// It needs one more connection, which holds the keys taken.
	Subset *Subset
	// planOnly stops Open once the subset is computed (PlanSubset).
	planOnly bool
}

// Info describes the dump, as known once Open returns.
type Info struct {
	ServerVersion string
	Database      string
	// Charset is the database's default character set.
	Charset string
	// Consistency says how the snapshot was taken: "parallel: N readers
	// sharing one snapshot" or "single consistent reader: <why>".
	Consistency string
	// Tables is the number of base tables dumped (schema, maybe rows).
	Tables int
	// RowsEstimate and BytesEstimate are the server's estimates of the
	// rows and data bytes of the tables whose rows are dumped.
	RowsEstimate, BytesEstimate int64
	// Warnings lists things the dump leaves out or cannot guarantee, such
	// as tables in engines without transactions.
	Warnings []string
	// Subset says what a subset took of each table; nil without one.
	Subset *SubsetInfo
}

// Defaults.
const (
	defaultChunkBytes = 1 << 20
	// readChunkBytes is the target size of one primary key range. A
	// range's rows can all wait in its queue, so that a reader reads a
	// whole range ahead while the consumer is still on an earlier one:
	// with small queues the readers took turns and the server's
	// parallelism went unused.
	readChunkBytes = 4 << 20
	minChunkRows   = 1000
	maxChunkRows   = 1000000
	// maxChunks bounds the ranges of one table.
	maxChunks = 10000
	// batchBytes is the target size of the encoded rows a reader hands
	// over at once. A range's queue holds at most queueBytes of them
	// (a range larger than its estimate makes its reader wait), or one
	// batch of any size: a row larger than queueBytes. batchQueue, the
	// channel's length, is enough batches to fill queueBytes.
	batchBytes = 128 << 10
	queueBytes = readChunkBytes + 8*batchBytes
	batchQueue = queueBytes/batchBytes + 2
	// maxAhead bounds how many ranges past the consumer's readers may
	// start, whatever --threads: memory in flight is about (window+1) ×
	// queueBytes, plus the batches in hand (one per reader and the
	// consumer's), plus one row when a row is larger than queueBytes.
	maxAhead = 4
	// sessionTimeout keeps the server from dropping a reader that waits
	// for the consumer (net_write_timeout) or a connection idle between
	// queries (wait_timeout): one year, the largest value allowed.
	sessionTimeout = 31536000
)

// lockWaitTimeout bounds, in seconds, the wait for FLUSH TABLES WITH READ
// LOCK. A long-running write makes it wait, and new writes wait behind it:
// rather than stall the site, the dump falls back to a single reader. A
// variable for tests.
var lockWaitTimeout = 5

// Dumper reads a database as a stream of statements. Create one with Open,
// call Next for each statement and, for sqldump.KindInsert, NextRow for each
// row, and Close when done (or to stop early).
//
// Errors are sticky: after Next or NextRow returned an error other than
// io.EOF, every later call returns it.
type Dumper struct {
	cfg      Config
	secret   string
	db       *sql.DB
	conns    []*sql.Conn
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	info     Info
	hostName string

	tables   []*table
	steps    []step
	noEvents bool // the account may not see events
	procs    int  // routines in mysql.proc, when the account may read it

	work     []*chunk
	nextWork atomic.Int64
	// head is the index in work of the range the consumer is on; readers
	// wait on headMoved, replaced each time head moves, to start a range
	// too far ahead.
	headMu    sync.Mutex
	head      int
	headMoved chan struct{}
	maxAhead  int          // see noteAhead
	queries   atomic.Int64 // row SELECTs run, for tests

	// keyConn holds the subset's temporary key tables; readers take
	// their keys from it under keyMu. It is conns[0] with one reader.
	keyConn *sql.Conn
	keyMu   sync.Mutex

	failOnce sync.Once
	failErr  error
	failed   chan struct{}

	// consumer state, used only by Next and NextRow
	err       error
	step      int
	pos       int64
	line      int
	tbl       *table // table whose rows are being read
	firstIns  bool   // no INSERT of tbl emitted yet
	chunkIdx  int
	cur       *batch
	curRow    int
	ins       *sqldump.Statement
	inInsert  bool
	stmtRows  int
	stmtBytes int
	row       sqldump.Row
	vals      []sqldump.Value

	rowsOut  atomic.Int64
	bytesOut atomic.Int64

	closeOnce sync.Once
	closed    atomic.Bool
}

// Open connects to the server, opens the snapshot, reads the schema and
// starts the readers. The readers stop when ctx is done or Close is called.
func Open(ctx context.Context, cfg Config) (d *Dumper, err error) {
	if cfg.Database == "" {
		return nil, errors.New("dbdump: no database given")
	}
	for _, p := range append(append([]string(nil), cfg.Tables...), cfg.ExcludeTables...) {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("dbdump: table pattern %q: %w", p, err)
		}
	}
	if cfg.ChunkBytes <= 0 {
		cfg.ChunkBytes = defaultChunkBytes
	}
	if cfg.Threads <= 0 {
		cfg.Threads = runtime.NumCPU()
	}
	mc, err := mysql.ParseDSN(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("dbdump: connection string %s: %w", RedactDSN(cfg.DSN), err)
	}
	secret := mc.Passwd
	defer func() { err = hide(err, secret) }()
	mc.DBName = cfg.Database
	mc.InterpolateParams = false
	mc.ParseTime = false
	mc.MultiStatements = false
	mc.MaxAllowedPacket = 0
	mc.Logger = &mysql.NopLogger{}
	if mc.DialFunc == nil {
		mc.DialFunc = dialBuffered
	}
	host := "localhost"
	if mc.Net != "unix" {
		if h, _, err := net.SplitHostPort(mc.Addr); err == nil && h != "" {
			host = h
		} else if mc.Addr != "" {
			host = mc.Addr
		}
	}
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, fmt.Errorf("dbdump: connection string %s: %w", RedactDSN(cfg.DSN), err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(cfg.Threads + 1)
	db.SetMaxIdleConns(cfg.Threads + 1)

	rctx, cancel := context.WithCancel(ctx)
	d = &Dumper{cfg: cfg, secret: secret, db: db, ctx: rctx, cancel: cancel, failed: make(chan struct{}), headMoved: make(chan struct{}), hostName: host, line: 1}
	d.info.Database = cfg.Database
	defer func() {
		if err != nil {
			d.Close()
			d = nil
		}
	}()
	if err := d.snapshot(ctx); err != nil {
		return d, err
	}
	conn0 := d.conns[0]
	if err := d.loadSchema(ctx, conn0); err != nil {
		return d, err
	}
	if cfg.Subset != nil {
		if err := d.computeSubset(ctx, d.keyConn); err != nil {
			return d, err
		}
		if cfg.planOnly {
			return d, nil
		}
	}
	if err := d.plan(ctx, conn0); err != nil {
		return d, err
	}
	if err := d.buildSteps(ctx, conn0); err != nil {
		return d, err
	}
	for _, c := range d.conns {
		d.wg.Add(1)
		go d.reader(rctx, c)
	}
	return d, nil
}

// snapshot opens the reader connections and their shared snapshot.
func (d *Dumper) snapshot(ctx context.Context) error {
	what := "connect to database " + sqldump.QuoteIdent(d.cfg.Database)
	conn0, err := d.conn(ctx, what)
	if err != nil {
		return err
	}
	d.conns = append(d.conns, conn0)
	if err := conn0.QueryRowContext(ctx, "SELECT VERSION()").Scan(&d.info.ServerVersion); err != nil {
		return classify(err, what, "")
	}
	threads := d.cfg.Threads
	if threads == 1 {
		d.info.Consistency = "single consistent reader: one reader requested"
		return d.begin(ctx, conn0, d.cfg.Subset == nil)
	}
	for len(d.conns) < threads {
		c, err := d.conn(ctx, what)
		if err != nil {
			return err
		}
		d.conns = append(d.conns, c)
	}
	// Every reader must open its snapshot while no transaction can
	// commit: FLUSH TABLES WITH READ LOCK holds commits (and writes) for
	// the few milliseconds that takes.
	if _, err := conn0.ExecContext(ctx, fmt.Sprintf("SET SESSION lock_wait_timeout = %d", lockWaitTimeout)); err != nil {
		return classify(err, what, "")
	}
	_, err = conn0.ExecContext(ctx, "FLUSH TABLES WITH READ LOCK")
	if err != nil && (isDenied(err) || isLockTimeout(err)) {
		why := "FLUSH TABLES WITH READ LOCK denied (the account lacks the RELOAD privilege; grant RELOAD for parallel readers)"
		if isLockTimeout(err) {
			why = fmt.Sprintf("FLUSH TABLES WITH READ LOCK waited more than %d s (a long query or a lock held elsewhere)", lockWaitTimeout)
		}
		d.info.Consistency = "single consistent reader: " + why
		for _, c := range d.conns[1:] {
			c.Close()
		}
		d.conns = d.conns[:1]
		if _, err := conn0.ExecContext(ctx, "SET SESSION lock_wait_timeout = DEFAULT"); err != nil {
			return classify(err, what, "")
		}
		return d.begin(ctx, conn0, d.cfg.Subset == nil)
	}
	if err != nil {
		return classify(err, "take the global read lock", "")
	}
	for _, c := range d.conns {
		if err := d.begin(ctx, c, true); err != nil {
			return err
		}
	}
	if d.cfg.Subset != nil {
		// The keys' connection opens its snapshot under the same lock;
		// not READ ONLY, which forbids even temporary tables.
		kc, err := d.conn(ctx, what)
		if err != nil {
			return err
		}
		if err := d.begin(ctx, kc, false); err != nil {
			kc.Close()
			return err
		}
		d.keyConn = kc
	}
	if _, err := conn0.ExecContext(ctx, "UNLOCK TABLES"); err != nil {
		return classify(err, "release the global read lock", "")
	}
	if _, err := conn0.ExecContext(ctx, "SET SESSION lock_wait_timeout = DEFAULT"); err != nil {
		return classify(err, what, "")
	}
	d.info.Consistency = fmt.Sprintf("parallel: %d readers sharing one snapshot", len(d.conns))
	return nil
}

// conn opens one connection and sets up its session.
func (d *Dumper) conn(ctx context.Context, what string) (*sql.Conn, error) {
	c, err := d.db.Conn(ctx)
	if err != nil {
		return nil, classify(err, what, fmt.Sprintf("the account has no privilege on database %s (grant it SELECT, SHOW VIEW, TRIGGER and EVENT there)", sqldump.QuoteIdent(d.cfg.Database)))
	}
	for _, q := range []string{
		// sql_mode '': no ANSI_QUOTES in SHOW CREATE output, no
		// NO_BACKSLASH_ESCAPES for the quoting of names in queries, no
		// PAD_CHAR_TO_FULL_LENGTH.
		fmt.Sprintf("SET NAMES utf8mb4, sql_mode = '', time_zone = '+00:00', sql_quote_show_create = 1, net_write_timeout = %d, wait_timeout = %d", sessionTimeout, sessionTimeout),
		// MariaDB's limit on statement time, which a long SELECT
		// can reach; MySQL has no such variable (error 1193).
		"SET SESSION max_statement_time = 0",
		"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil && !isUnknownVariable(err) {
			c.Close()
			return nil, classify(err, "set up the session", "")
		}
	}
	return c, nil
}

// begin opens the consistent snapshot of one connection; the transaction
// is READ ONLY unless the connection must write temporary tables.
func (d *Dumper) begin(ctx context.Context, c *sql.Conn, readOnly bool) error {
	q := "START TRANSACTION WITH CONSISTENT SNAPSHOT"
	if readOnly {
		q += ", READ ONLY"
	} else {
		d.keyConn = c
	}
	if _, err := c.ExecContext(ctx, q); err != nil {
		return classify(err, "start the snapshot transaction", "")
	}
	return nil
}

// Info describes the dump.
func (d *Dumper) Info() Info {
	i := d.info
	i.Warnings = append([]string(nil), d.info.Warnings...)
	return i
}

// Progress returns the rows and bytes of SQL emitted so far. It may be called
// from any goroutine.
func (d *Dumper) Progress() (rows, bytes int64) {
	return d.rowsOut.Load(), d.bytesOut.Load()
}

// Close stops the readers and closes the connections, which ends the
// snapshot. It may be called at any time, more than once, also from another
// goroutine than the one calling Next; Next and NextRow return an error
// afterwards.
func (d *Dumper) Close() error {
	var err error
	d.closeOnce.Do(func() {
		d.cancel()
		d.wg.Wait()
		for _, c := range d.conns {
			c.Close()
		}
		if d.keyConn != nil && (len(d.conns) == 0 || d.keyConn != d.conns[0]) {
			d.keyConn.Close()
		}
		err = d.db.Close()
		d.closed.Store(true)
	})
	return err
}

// fail records the first reader error and wakes the consumer.
func (d *Dumper) fail(err error) {
	d.failOnce.Do(func() {
		d.failErr = err
		close(d.failed)
	})
}

// selected reports whether the filters keep a table, sequence or view.
func (d *Dumper) selected(name string) bool {
	if len(d.cfg.Tables) > 0 && !matchAny(d.cfg.Tables, name) {
		return false
	}
	return !matchAny(d.cfg.ExcludeTables, name)
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// readBuffer is the read buffer of a reader's connection. The driver reads
// the socket 4 KiB at a time; rows stream at hundreds of MB/s, and a
// system call per 4 KiB was 3% of a snapshot's CPU time.
const readBuffer = 64 << 10

// dialBuffered connects as the driver would and buffers the reads.
func dialBuffered(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer // TCP keep-alives are on by default
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &bufferedConn{Conn: c, r: bufio.NewReaderSize(c, readBuffer)}, nil
}

// bufferedConn is a net.Conn whose reads go through a buffer; deadlines,
// writes and Close go to the connection.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
