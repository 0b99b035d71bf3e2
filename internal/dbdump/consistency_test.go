package dbdump

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

const (
	accounts = 5000
	balance  = 1000
)

// TestConsistency dumps while writers move money between two tables and
// log each move in two more, one transaction per move: in the dump, the
// money adds up and both logs hold the same moves, with parallel readers
// sharing a snapshot and with the single reader an account without RELOAD
// gets.
func TestConsistency(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `
CREATE TABLE acct_a (id INT PRIMARY KEY, bal BIGINT NOT NULL);
CREATE TABLE acct_b (id INT PRIMARY KEY, bal BIGINT NOT NULL);
INSERT INTO acct_a SELECT seq, 1000 FROM seq_1_to_5000;
INSERT INTO acct_b SELECT seq, 1000 FROM seq_1_to_5000;
CREATE TABLE log_a (id INT AUTO_INCREMENT PRIMARY KEY, k BIGINT NOT NULL);
CREATE TABLE log_b (id INT AUTO_INCREMENT PRIMARY KEY, k BIGINT NOT NULL);
ANALYZE TABLE acct_a, acct_b;
`)
	noReload := createUser(t, srv, "norel_"+db, "n0-Reload", "SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES ON `"+db+"`.*")
	for _, tc := range []struct {
		name, dsn, consistency string
	}{
		{"parallel", srv.DSN(""), "parallel: 4 readers sharing one snapshot"},
		{"fallback", noReload, "single consistent reader: FLUSH TABLES WITH READ LOCK denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, stop := context.WithCancel(t.Context())
			var commits atomic.Int64
			var wg sync.WaitGroup
			wdb, err := sql.Open("mysql", srv.DSN(db))
			if err != nil {
				t.Fatal(err)
			}
			defer wdb.Close()
			var werr atomic.Value
			for w := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(w), 1))
					for ctx.Err() == nil {
						if err := move(ctx, wdb, r); err != nil && ctx.Err() == nil {
							werr.Store(err)
							return
						}
						commits.Add(1)
					}
				}()
			}
			for deadline := time.Now().Add(time.Minute); commits.Load() < 50; time.Sleep(time.Millisecond) {
				if err := werr.Load(); err != nil {
					stop()
					wg.Wait()
					t.Fatalf("writer: %v", err)
				}
				if time.Now().After(deadline) {
					stop()
					wg.Wait()
					t.Fatalf("the writers made %d commits in a minute", commits.Load())
				}
			}
			d, err := Open(t.Context(), Config{DSN: tc.dsn, Database: db, Threads: 4, ChunkRows: 500, ChunkBytes: 8 << 10})
			if err != nil {
				stop()
				wg.Wait()
				t.Fatal(err)
			}
			before := commits.Load()
			if info := d.Info(); !strings.HasPrefix(info.Consistency, tc.consistency) {
				t.Errorf("Consistency = %q, want %q...", info.Consistency, tc.consistency)
			} else if tc.name == "fallback" && (len(info.Warnings) != 1 || !strings.Contains(info.Warnings[0], "mysql.proc")) {
				t.Errorf("Warnings for an account with TRIGGER and EVENT: %q", info.Warnings)
			}
			var sum [2]int64
			var logs [2][]int64
			for {
				st, err := d.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if st.Kind != sqldump.KindInsert {
					continue
				}
				time.Sleep(10 * time.Millisecond) // let the writers write while we read
				side := int(st.Table[len(st.Table)-1] - 'a')
				for {
					row, err := d.NextRow()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					v, _ := row.Values[1].Bytes()
					n, err := strconv.ParseInt(string(v), 10, 64)
					if err != nil {
						t.Fatal(err)
					}
					if strings.HasPrefix(st.Table, "acct_") {
						sum[side] += n
					} else {
						logs[side] = append(logs[side], n)
					}
				}
			}
			d.Close()
			during := commits.Load() - before
			stop()
			wg.Wait()
			if err, ok := werr.Load().(error); ok {
				t.Fatalf("writer: %v", err)
			}
			t.Logf("%d moves committed during the dump; dump has %d of them", during, len(logs[0]))
			if during < 20 {
				t.Errorf("only %d moves during the dump: the test proves nothing", during)
			}
			if total := sum[0] + sum[1]; total != 2*accounts*balance {
				t.Errorf("money: %d + %d = %d, want %d", sum[0], sum[1], total, 2*accounts*balance)
			}
			slices.Sort(logs[0])
			slices.Sort(logs[1])
			if !slices.Equal(logs[0], logs[1]) {
				t.Errorf("logs differ: %d moves in log_a, %d in log_b", len(logs[0]), len(logs[1]))
			}
		})
	}
}

// move moves a random amount between a random account of each table and
// logs it in both logs, in one transaction.
func move(ctx context.Context, db *sql.DB, r *rand.Rand) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	amount := r.IntN(100) - 50
	k := r.Int64()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE acct_a SET bal = bal - ? WHERE id = ?", []any{amount, 1 + r.IntN(accounts)}},
		{"UPDATE acct_b SET bal = bal + ? WHERE id = ?", []any{amount, 1 + r.IntN(accounts)}},
		{"INSERT INTO log_a (k) VALUES (?)", []any{k}},
		{"INSERT INTO log_b (k) VALUES (?)", []any{k}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// TestErrors checks the errors a user can do something about.
func TestErrors(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `CREATE TABLE open (id INT PRIMARY KEY); INSERT INTO open VALUES (1);
CREATE TABLE secret (id INT PRIMARY KEY, card VARCHAR(20)); INSERT INTO secret VALUES (1, '4111111111111111');`)
	const password = "S3cret-Passw0rd"
	good := createUser(t, srv, "reader_"+db, password, "SELECT ON `"+db+"`.`open`", "INSERT ON `"+db+"`.`secret`")
	nothing := createUser(t, srv, "nothing_"+db, password)

	run := func(cfg Config) error {
		d, err := Open(t.Context(), cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		for {
			st, err := d.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			for st.Kind == sqldump.KindInsert {
				if _, err := d.NextRow(); err == io.EOF {
					break
				} else if err != nil {
					return err
				}
			}
		}
	}
	check := func(name string, err, want error, wantText ...string) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: got %v, want %v", name, err, want)
			return
		}
		t.Logf("%s: %v", name, err)
		for _, s := range wantText {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not say %q", name, err, s)
			}
		}
		if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "Wr0ng-Pass") {
			t.Errorf("%s: the password is in the error: %v", name, err)
		}
	}

	wrong := strings.Replace(good, password, "Wr0ng-Pass", 1)
	check("wrong password", run(Config{DSN: wrong, Database: db}), ErrAccessDenied)
	check("unknown database", run(Config{DSN: srv.DSN(""), Database: "no_such_db"}), ErrUnknownDatabase)
	check("no privilege on the database", run(Config{DSN: nothing, Database: db}), ErrPrivilege, "no privilege on database")
	check("no SELECT on a table", run(Config{DSN: good, Database: db, Threads: 2}), ErrPrivilege, "SELECT", "`secret`", "exclude")
	check("server gone", run(Config{DSN: "root:" + password + "@unix(/nonexistent/mysqld.sock)/", Database: db}), ErrServerGone)

	// Without SELECT on secret, its schema can still be dumped: RowsNone
	// never selects its rows.
	script, info := dump(t, Config{DSN: good, Database: db, Threads: 2, Rows: func(table string) RowPolicy {
		if table == "secret" {
			return RowsNone
		}
		return RowsAll
	}})
	if got := strings.Join(statements(t, script), " "); !strings.Contains(got, "create-table:open insert:open create-table:secret trivia:") || strings.Contains(got, "insert:secret") {
		t.Errorf("statements: %s", got)
	}
	if !strings.HasPrefix(info.Consistency, "single consistent reader: FLUSH TABLES WITH READ LOCK denied") {
		t.Errorf("Consistency = %q", info.Consistency)
	}
	if w := strings.Join(info.Warnings, "\n"); !strings.Contains(w, "EVENT privilege") || !strings.Contains(w, "TRIGGER privilege") || !strings.Contains(w, "mysql.proc") {
		t.Errorf("Warnings do not say what the account cannot see: %q", info.Warnings)
	}

	// A connection killed in the middle of a dump.
	gone := createUser(t, srv, "gone_"+db, password, "SELECT ON `"+db+"`.*")
	srv.Exec(t, db, "CREATE TABLE many (id INT PRIMARY KEY, v TEXT); INSERT INTO many SELECT seq, REPEAT('x', 100) FROM seq_1_to_200000")
	d, err := Open(t.Context(), Config{DSN: gone, Database: db, Threads: 1, ChunkBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, err := d.Next()
	for err == nil && st.Table != "many" {
		st, err = d.Next()
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range strings.Fields(srv.Query(t, "", "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'gone_"+db+"'")) {
		srv.Exec(t, "", "KILL "+id)
	}
	for err == nil {
		if st, err = d.Next(); err == io.EOF {
			t.Fatal("the dump of a killed connection ended well")
		}
		for err == nil && st.Kind == sqldump.KindInsert {
			if _, err = d.NextRow(); err == io.EOF {
				err = nil
				break
			}
		}
	}
	check("connection killed", err, ErrServerGone)
}

// TestLockTimeout falls back to one reader when a long write keeps FLUSH
// TABLES WITH READ LOCK waiting.
func TestLockTimeout(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE slow (id INT PRIMARY KEY, v INT); INSERT INTO slow VALUES (1, 1)")
	old := lockWaitTimeout
	lockWaitTimeout = 1
	defer func() { lockWaitTimeout = old }()
	wdb, err := sql.Open("mysql", srv.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	defer wdb.Close()
	conn, err := wdb.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var id string
	if err := conn.QueryRowContext(t.Context(), "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn.ExecContext(context.Background(), "UPDATE slow SET v = v + SLEEP(30)")
	}()
	defer func() {
		srv.Exec(t, "", "KILL "+id)
		<-done
		conn.Close()
	}()
	for srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = "+id+" AND INFO LIKE 'UPDATE%'") != "1" {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	script, info := dump(t, Config{DSN: srv.DSN(""), Database: db, Threads: 2})
	t.Logf("%v: %s", time.Since(start), info.Consistency)
	if !strings.HasPrefix(info.Consistency, "single consistent reader: FLUSH TABLES WITH READ LOCK waited more than 1 s") {
		t.Errorf("Consistency = %q", info.Consistency)
	}
	if !strings.Contains(string(script), "INSERT INTO `slow` (`id`,`v`) VALUES (1,1);") {
		t.Errorf("the row being updated is not dumped as it was before")
	}
}
