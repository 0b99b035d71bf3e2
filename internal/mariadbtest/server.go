package mariadbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

const (
	// dirPrefix names the server's temporary directory.
	dirPrefix = "stagecopy-mariadb-"
	// maxSocketLen keeps the socket path under the 108-byte sun_path
	// limit of Linux (104 on the BSDs) with room to spare.
	maxSocketLen = 100
	// startTimeout bounds install-db plus the wait for the first connection.
	startTimeout = 60 * time.Second
	// stopTimeout is how long mariadbd gets after SIGTERM before SIGKILL.
	stopTimeout = 30 * time.Second
	// logTailLines is how much of the error log a startup failure shows.
	logTailLines = 30
)

// Server is a running mariadbd that root reaches without a password over the
// unix socket. Use it only through Start or NewDatabase.
type Server struct {
	// Socket is the path of the server's unix socket.
	Socket string

	dir     string
	bins    binaries
	version string
	cmd     *exec.Cmd
	exited  chan struct{} // closed once mariadbd has exited
	waitErr error         // mariadbd's exit status, set before exited is closed
	extra   []string      // more mariadbd arguments (StartServer)
	args    []string      // mariadbd's arguments, for Restart
}

// DSN returns a github.com/go-sql-driver/mysql data source name that connects
// as root over the unix socket to database db (none if db is empty). Each of
// params is a "key=value" pair, such as "multiStatements=true" or
// "charset=utf8mb4"; they are joined with '&' as given, so values must be
// URL-escaped already.
func (s *Server) DSN(db string, params ...string) string {
	dsn := "root@unix(" + s.Socket + ")/" + db
	if len(params) > 0 {
		dsn += "?" + strings.Join(params, "&")
	}
	return dsn
}

// Config returns the driver configuration of DSN(db): what the library
// flows (restore, purge) take to connect.
func (s *Server) Config(t testing.TB, db string) *mysql.Config {
	t.Helper()
	cfg, err := mysql.ParseDSN(s.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// DatabaseExists reports whether the server has a database called name.
func (s *Server) DatabaseExists(t testing.TB, name string) bool {
	t.Helper()
	return s.Query(t, "", "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+strings.ReplaceAll(name, "'", "''")+"'") != ""
}

// ClientArgs returns the leading arguments that make the mariadb and
// mariadb-dump programs connect to the server as root: no option files read,
// the socket, the user and the utf8mb4 character set. --no-defaults is first,
// as those programs require.
func (s *Server) ClientArgs() []string {
	return []string{
		"--no-defaults",
		"--socket=" + s.Socket,
		"--user=root",
		"--default-character-set=utf8mb4",
	}
}

// Bin returns the absolute path of one of the MariaDB programs in use:
// "mariadb", "mariadb-dump", "mariadbd" or "mariadb-install-db".
// It panics on any other name.
func (s *Server) Bin(name string) string {
	switch name {
	case "mariadb":
		return s.bins.client
	case "mariadb-dump":
		return s.bins.dump
	case "mariadbd":
		return s.bins.server
	case "mariadb-install-db":
		return s.bins.installDB
	}
	panic("mariadbtest: Bin: unknown program " + strconv.Quote(name))
}

// Command returns a command that runs the program name ("mariadb" or
// "mariadb-dump") with ClientArgs followed by args. It is killed when ctx is
// done.
func (s *Server) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, s.Bin(name), append(s.ClientArgs(), args...)...)
}

// Version returns the server's version, as SELECT VERSION() gives it, such as
// "10.11.19-MariaDB-0+deb12u1".
func (s *Server) Version() string { return s.version }

// Exec runs sql, one or more statements separated by ';', with the mariadb
// program in database db (none if db is empty). It stops at the first
// failing statement and fails t with the program's error message.
func (s *Server) Exec(t testing.TB, db, sql string) {
	t.Helper()
	if err := s.run(t.Context(), db, strings.NewReader(sql), io.Discard); err != nil {
		t.Fatal(err)
	}
}

// LoadFile runs the SQL statements in the file at path, such as a
// mariadb-dump output, in database db, like Exec. The file is streamed to the
// client, not read into memory.
func (s *Server) LoadFile(t testing.TB, db, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := s.run(t.Context(), db, f, io.Discard); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
}

// Query runs sql in database db and returns what the mariadb program prints
// in batch mode: one line per row, columns separated by tabs, no column
// names, values unescaped (NULL prints as NULL), without the last newline.
func (s *Server) Query(t testing.TB, db, sql string) string {
	t.Helper()
	out, err := s.query(t.Context(), db, sql)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Dump runs mariadb-dump on database db and returns its output. args are
// options, placed before db, such as "--skip-dump-date" or "--no-data".
func (s *Server) Dump(t testing.TB, db string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := s.Command(t.Context(), "mariadb-dump", slices.Concat(args, []string{"--", db})...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mariadb-dump %s: %v: %s", db, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes()
}

// Checksums returns the CHECKSUM TABLE ... EXTENDED value of every base table
// (not views) in database db, by table name. Two tables with the same
// definition and the same rows have the same checksum, in any database.
func (s *Server) Checksums(t testing.TB, db string) map[string]string {
	t.Helper()
	list := s.Query(t, "", "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "+
		quoteString(db)+" AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")
	sums := make(map[string]string)
	if list == "" {
		return sums
	}
	tables := strings.Split(list, "\n")
	quoted := make([]string, len(tables))
	for i, name := range tables {
		quoted[i] = sqldump.QuoteIdent(db) + "." + sqldump.QuoteIdent(name)
	}
	out := s.Query(t, "", "CHECKSUM TABLE "+strings.Join(quoted, ", ")+" EXTENDED")
	rows := strings.Split(out, "\n")
	if len(rows) != len(tables) {
		t.Fatalf("checksum tables of %s: %d rows for %d tables:\n%s", db, len(rows), len(tables), out)
	}
	for i, row := range rows {
		// Each row is "db.table<TAB>checksum", in the order asked for.
		j := strings.LastIndexByte(row, '\t')
		if j < 0 {
			t.Fatalf("checksum table %s.%s: unexpected output %q", db, tables[i], row)
		}
		sums[tables[i]] = row[j+1:]
	}
	return sums
}

// run feeds stdin to the mariadb program connected to database db.
func (s *Server) run(ctx context.Context, db string, stdin io.Reader, stdout io.Writer, extra ...string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	args := append([]string{"--batch"}, extra...)
	if db != "" {
		args = append(args, "--database="+db)
	}
	var stderr bytes.Buffer
	cmd := s.Command(ctx, "mariadb", args...)
	cmd.Stdin = stdin
	cmd.Stdout = stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("mariadb: %w: %s", err, msg)
		}
		return fmt.Errorf("mariadb: %w", err)
	}
	return nil
}

// query runs sql and returns the batch output without its last newline.
func (s *Server) query(ctx context.Context, db, sql string) (string, error) {
	var out bytes.Buffer
	if err := s.run(ctx, db, strings.NewReader(sql), &out, "--skip-column-names", "--raw"); err != nil {
		return "", err
	}
	return strings.TrimSuffix(out.String(), "\n"), nil
}

// startServer initialises a data directory and starts mariadbd on it.
func startServer(bins binaries, extra ...string) (*Server, error) {
	roots := tempRoots()
	for _, root := range roots {
		removeStale(root)
	}
	dir, err := makeDir(roots)
	if err != nil {
		return nil, err
	}
	s := &Server{Socket: filepath.Join(dir, "mysql.sock"), dir: dir, bins: bins, extra: extra}
	if err := s.start(); err != nil {
		if s.cmd != nil {
			s.kill()
		}
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mariadbtest: start mariadb: %w", err)
	}
	return s, nil
}

// innodbArgs are given to both mariadb-install-db (which passes them on to
// the bootstrapping mariadbd) and mariadbd, so the files it creates already
// have the size mariadbd wants. A small redo log keeps the directory small.
var innodbArgs = []string{
	"--innodb-buffer-pool-size=64M",
	"--innodb-log-file-size=16M",
}

// serverArgs trade durability for speed, which a throwaway server can.
// The --loose- ones only tune, so a version without them just warns.
var serverArgs = []string{
	"--skip-networking",
	"--skip-name-resolve",
	"--character-set-server=utf8mb4",
	"--collation-server=utf8mb4_general_ci",
	"--max-allowed-packet=64M",
	"--innodb-flush-log-at-trx-commit=0",
	"--loose-innodb-doublewrite=0",
	"--loose-innodb-buffer-pool-load-at-startup=0",
	"--loose-innodb-buffer-pool-dump-at-shutdown=0",
}

func (s *Server) start() error {
	deadline := time.Now().Add(startTimeout)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	data := filepath.Join(s.dir, "data")
	tmp := filepath.Join(s.dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return err
	}
	// Both programs refuse to run as root unless told to run as root.
	var user []string
	if os.Geteuid() == 0 {
		user = []string{"--user=root"}
	}

	// --no-defaults must come first for both programs.
	// The bootstrapping mariadbd gets its own tmpdir too: in a shared /tmp,
	// concurrent bootstraps (several test binaries at once) removed each
	// other's temporary tables and failed with "Unknown table
	// 'mysql.tmp_user_sys'".
	args := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db", "--tmpdir=" + tmp}
	args = append(append(args, user...), innodbArgs...)
	install := exec.CommandContext(ctx, s.bins.installDB, args...)
	install.Dir = s.dir
	if out, err := install.CombinedOutput(); err != nil {
		return fmt.Errorf("mariadb-install-db: %w\n%s", err, tail(out, logTailLines))
	}

	args = []string{
		"--no-defaults",
		"--datadir=" + data,
		"--socket=" + s.Socket,
		"--pid-file=" + filepath.Join(s.dir, "mariadbd.pid"),
		"--log-error=" + filepath.Join(s.dir, "error.log"),
		"--tmpdir=" + tmp,
	}
	args = append(append(args, user...), innodbArgs...)
	for _, a := range serverArgs {
		if a == "--skip-networking" && hasPrefix(s.extra, "--port=") {
			continue // this server also listens on TCP
		}
		args = append(args, a)
	}
	args = append(args, s.extra...)
	s.args = args
	if err := s.launch(args); err != nil {
		return err
	}

	var lastErr error
	for {
		if c, err := net.DialTimeout("unix", s.Socket, time.Second); err != nil {
			lastErr = err
		} else {
			c.Close()
			v, err := s.query(ctx, "", "SELECT VERSION()")
			if err == nil {
				s.version = v
				return nil
			}
			lastErr = err
		}
		select {
		case <-s.exited:
			return fmt.Errorf("mariadbd exited during startup (%v)\n%s", s.waitErr, s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("mariadbd did not accept connections on %s within %v: %v\n%s",
				s.Socket, startTimeout, lastErr, s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// launch starts mariadbd with args, its output going to mariadbd.out (where
// it writes what it says before opening its error log).
func (s *Server) launch(args []string) error {
	out, err := os.Create(filepath.Join(s.dir, "mariadbd.out"))
	if err != nil {
		return err
	}
	cmd := exec.Command(s.bins.server, args...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = procAttr()
	s.exited = make(chan struct{})
	started := make(chan error, 1)
	go func() {
		// On Linux the kernel kills the server when the thread that
		// started it ends (Pdeathsig), so that thread must live as long
		// as the server: keep this goroutine on it until the server exits.
		// If the test binary dies, the thread goes and the server with it.
		runtime.LockOSThread()
		err := cmd.Start()
		started <- err
		if err != nil {
			return // ends the locked thread, which started nothing
		}
		s.waitErr = cmd.Wait()
		out.Close()
		close(s.exited)
	}()
	if err := <-started; err != nil {
		out.Close()
		return fmt.Errorf("mariadbd: %w", err)
	}
	s.cmd = cmd
	return nil
}

// stop shuts the server down with SIGTERM, kills it if it is still running
// after stopTimeout, and removes its directory.
func (s *Server) stop() error {
	var errs []error
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		errs = append(errs, fmt.Errorf("stop mariadbd: %w", err))
	}
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		s.kill()
		errs = append(errs, fmt.Errorf("mariadbd did not stop within %v of SIGTERM and was killed\n%s", stopTimeout, s.logTail()))
	}
	if err := os.RemoveAll(s.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove server directory: %w", err))
	}
	return errors.Join(errs...)
}

// kill ends mariadbd at once and waits for it.
func (s *Server) kill() {
	s.cmd.Process.Kill()
	<-s.exited
}

// logTail returns the end of what mariadbd wrote to its error log and to its
// standard output and error.
func (s *Server) logTail() string {
	var b strings.Builder
	for _, name := range []string{"mariadbd.out", "error.log"} {
		data, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil || len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		fmt.Fprintf(&b, "--- %s:\n%s\n", name, tail(data, logTailLines))
	}
	if b.Len() == 0 {
		return "(mariadbd wrote no log)"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// tail returns the last n lines of data.
func tail(data []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// tempRoots are where the server's directory may go: os.TempDir(), and /tmp
// in case that path is too long for a socket.
func tempRoots() []string {
	roots := []string{os.TempDir()}
	if roots[0] != "/tmp" {
		roots = append(roots, "/tmp")
	}
	return roots
}

// makeDir creates the server's directory in the first of roots that leaves
// the socket path short enough.
func makeDir(roots []string) (string, error) {
	var errs []error
	for _, root := range roots {
		if len(filepath.Join(root, dirPrefix+"0123456789", "mysql.sock")) >= maxSocketLen {
			errs = append(errs, fmt.Errorf("%s: path too long for a unix socket", root))
			continue
		}
		dir, err := os.MkdirTemp(root, dirPrefix)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pid := strconv.Itoa(os.Getpid()) + "\n"
		if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(pid), 0o600); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		return dir, nil
	}
	return "", fmt.Errorf("no directory for the server (set TMPDIR to a short path): %w", errors.Join(errs...))
}

// removeStale removes the directories that servers of test binaries which
// died without cleaning up left in root: those whose test binary and server
// are both gone.
func removeStale(root string) {
	dirs, _ := filepath.Glob(filepath.Join(root, dirPrefix+"*"))
	for _, dir := range dirs {
		owner, err := readPid(filepath.Join(dir, "owner.pid"))
		if err != nil || alive(owner) {
			continue
		}
		if server, err := readPid(filepath.Join(dir, "mariadbd.pid")); err == nil && alive(server) {
			continue
		}
		os.RemoveAll(dir)
	}
}

func readPid(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}

// alive reports whether process pid exists and is not a zombie: a server
// whose test binary died is a zombie until init reaps it, which some
// container inits never do.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// The state follows the command name, which is in parentheses.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && len(stat) > i+2 {
			return stat[i+2] != 'Z' && stat[i+2] != 'X'
		}
		return true
	} else if errors.Is(err, os.ErrNotExist) && runtime.GOOS == "linux" {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

func hasPrefix(args []string, prefix string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, prefix) {
			return true
		}
	}
	return false
}
