// Package dbload loads the SQL entries of a stagecopy archive (db/...) into a
// database on a MySQL or MariaDB server, with data chunks loaded in parallel.
//
// A Loader runs one entry at a time on one connection, statement by statement,
// the way the mariadb client would: it honours DELIMITER commands and never
// sends more than one statement per query, so the driver runs without
// multiStatements. Schema entries and db/-objects.sql are run in order with
// [Loader.Exec]; data chunks are queued with [Loader.Go] and run by a fixed
// number of workers, each keeping its own connection, until [Loader.Wait].
package dbload

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

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
}

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
	threads int
	ctx     context.Context // of Open; workers run under it

	// The current batch of Go calls, started by the first Go after Open
	// or Wait.
	jobs   chan job
	wg     sync.WaitGroup
	cancel context.CancelFunc
	bctx   context.Context
	mu     sync.Mutex
	err    error // first error of the batch

	// started, if set, is called by a worker when it takes an entry (tests).
	started func(name string)
}

type job struct {
	name string
	sql  []byte
}

// Open opens a pool of connections to cfg.Database and checks that the
// server answers. Every connection of the pool starts with
// FOREIGN_KEY_CHECKS=0 and, when the user may set it, sql_log_bin=0;
// INSERTs run with UNIQUE_CHECKS=1 (see execEntry). The context is also the one the workers of Go run under.
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
	g, err := newGuard(ctx, db, cfg.Database)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, p := range cfg.Protected {
		g.protected = append(g.protected, strings.ToLower(p))
	}
	return &Loader{db: db, guard: g, threads: threads, ctx: ctx}, nil
}

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
	return execEntry(ctx, conn, l.guard, name, sql)
}

// execEntry runs the statements of one entry on conn, each once g allowed
// it. An INSERT is sent as the slice of text it came from (Statement.Offset
// through its last row) rather than copied together row by row: its rows
// are read to check them and to find where it ends.
//
// INSERTs run with UNIQUE_CHECKS=1 even though every entry's preamble turns
// unique checks off (for loading it by hand): with them off, MariaDB 10.7+
// takes its bulk insert path for a transaction's first insert into an empty
// table, buffering and sorting every row of the transaction, and that cost
// the server 2 to 4 times the CPU of ordinary inserts on the benchmark
// tables, with or without secondary indexes (README, Numbers). The data
// come from one consistent database, so the checks find nothing; if they do,
// the archive is broken and the load should fail.
func execEntry(ctx context.Context, conn *sql.Conn, g *guard, name string, text []byte) error {
	kind := KindOf(name)
	if err := checkSession(ctx, conn); err != nil {
		return fmt.Errorf("dbload: %s: %w", name, err)
	}
	sc := sqldump.NewScanner(bytes.NewReader(text))
	unique := false // UNIQUE_CHECKS=1 was sent after the last SET
	for {
		st, err := sc.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("dbload: %s: %w", name, err)
		}
		if st.Kind == sqldump.KindTrivia || st.Kind == sqldump.KindDelimiter {
			continue
		}
		line := st.Line
		kindOf := st.Kind
		checked, err := g.check(kind, st, bytes.TrimSuffix(st.Text, []byte(st.Delimiter)))
		if err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
		b := checked
		if st.Kind == sqldump.KindInsert {
			start, end := st.Offset, st.Offset+int64(len(st.Text))
			for {
				row, err := sc.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					return fmt.Errorf("dbload: %s: %w", name, err)
				}
				if err := checkRow(row); err != nil {
					return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
				}
				end = row.Offset + int64(len(row.Raw))
			}
			if err := checkTail(st); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
			}
			// The tail holds only whitespace and comments: the statement
			// ends with its last row. The guard returns an INSERT's
			// prefix as it was; the check keeps it that way.
			if start < 0 || end > int64(len(text)) || start > end || !bytes.HasPrefix(text[start:end], checked) {
				return fmt.Errorf("dbload: %s line %d: statement at bytes %d-%d does not match the entry (%d bytes)", name, line, start, end, len(text))
			}
			b = text[start:end]
		}
		b = bytes.TrimRight(b, " \t\r\n")
		if len(b) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
		if kindOf == sqldump.KindInsert && !unique {
			if _, err := conn.ExecContext(ctx, "SET UNIQUE_CHECKS=1"); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
			}
			unique = true
		}
		if _, err := conn.ExecContext(ctx, string(b)); err != nil {
			return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
		}
		if kindOf == sqldump.KindSet {
			unique = false
			if err := checkSession(ctx, conn); err != nil {
				return fmt.Errorf("dbload: %s line %d: %w", name, line, err)
			}
		}
	}
}

// Go queues the data entry sql, named name in errors, for one of the
// workers, which runs it in one transaction (again, if InnoDB picks it as a
// deadlock victim). It blocks while every worker is busy, so that at most Threads
// entries run and one more waits in the caller. After an error, Go drops
// its entry and returns at once; Wait reports the error.
// Go keeps sql until the entry has run; the caller must not modify it.
func (l *Loader) Go(name string, sql []byte) {
	if l.jobs == nil {
		l.start()
	}
	select {
	case l.jobs <- job{name: name, sql: sql}:
	case <-l.bctx.Done():
		l.fail(fmt.Errorf("dbload: %s: %w", name, context.Cause(l.bctx)))
	}
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
	var conn *sql.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for j := range l.jobs {
		if l.bctx.Err() != nil {
			continue // drain: Go gives up on its own once bctx is done
		}
		if l.started != nil {
			l.started(j.name)
		}
		if conn == nil {
			c, err := l.db.Conn(l.bctx)
			if err != nil {
				l.fail(fmt.Errorf("dbload: %s: connect: %w", j.name, err))
				continue
			}
			conn = c
		}
		if err := l.execData(l.bctx, conn, j.name, j.sql); err != nil {
			l.fail(err)
		}
	}
}

// dataRetries is how often a data entry is tried when InnoDB picks it as a
// deadlock victim (parallel inserts into one table can deadlock on gap and
// auto-increment locks) or its lock wait times out.
const dataRetries = 5

// execData runs a data entry inside one transaction, so that a deadlock
// rolls the whole entry back and it can be run again without inserting
// any row twice.
func (l *Loader) execData(ctx context.Context, conn *sql.Conn, name string, text []byte) error {
	var err error
	for try := 1; try <= dataRetries; try++ {
		if _, err = conn.ExecContext(ctx, "START TRANSACTION"); err != nil {
			return fmt.Errorf("dbload: %s: %w", name, err)
		}
		err = execEntry(ctx, conn, l.guard, name, text)
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
