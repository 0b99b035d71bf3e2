// Package mariadbtest runs a throwaway MariaDB server for tests.
//
// A package whose tests need a real server calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { mariadbtest.Main(m) }
//
// and its tests call Start or NewDatabase. The first such call starts one
// mariadbd for the whole test binary, in a fresh temporary directory, with
// networking off and root reachable without a password over a unix socket.
// Packages whose tests never call Start pay nothing. Main stops the server
// and removes its directory after the tests, whether they passed or not; if
// the test binary dies instead (a panic, a -timeout), the kernel kills the
// server on Linux and the next test binary removes the stale directory.
//
// The MariaDB binaries are found in $PATH (and /usr/sbin, /usr/local/sbin for
// mariadbd), or only in the directories listed in $STAGECOPY_MARIADB_BINDIR.
// When they are missing, Start and NewDatabase skip the test, unless
// STAGECOPY_REQUIRE_MYSQL=1, as CI sets it, in which case they fail it. A
// server that is installed but does not start always fails the test, with the
// tail of its error log.
package mariadbtest

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Environment variables read by this package.
const (
	// RequireEnv set to 1 turns a missing MariaDB into a test failure.
	RequireEnv = "STAGECOPY_REQUIRE_MYSQL"
	// BinDirEnv, when set, is a list of directories (separated like $PATH)
	// searched for the MariaDB binaries instead of $PATH.
	BinDirEnv = "STAGECOPY_MARIADB_BINDIR"
)

// installHint is how to get the binaries on Debian, as CI does.
const installHint = "mariadb not installed: apt-get install mariadb-server mariadb-client"

// shared is the server of this test binary.
var shared launcher

// Main runs the tests of m, stops the server if a test started one, and exits
// with the tests' code. Call it from TestMain. An interrupt or SIGTERM also
// stops the server before the binary exits.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main without the exit: it runs the tests, tears the server down,
// and returns the exit code. Use it where another harness owns TestMain
// (testscript.Main takes anything with a Run() int method).
func Run(m interface{ Run() int }) int {
	shared.mu.Lock()
	shared.mainCalled = true
	shared.mu.Unlock()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig, ok := <-sigs
		if !ok {
			return
		}
		if err := shared.shutdown(); err != nil {
			fmt.Fprintf(os.Stderr, "mariadbtest: %v\n", err)
		}
		code := 1
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()

	code := m.Run()
	signal.Stop(sigs)
	if err := shared.shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "mariadbtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Start returns the server of this test binary, starting it on the first
// call. It skips t when MariaDB is not installed (fails it when
// STAGECOPY_REQUIRE_MYSQL=1) and fails t when the server cannot start.
func Start(t testing.TB) *Server {
	t.Helper()
	return shared.get(t)
}

// StartServer starts a server of t's own, with extra mariadbd arguments (for
// example --port=N --bind-address=127.0.0.1 and TLS options; without a
// --port it listens on its unix socket only), and stops it when t ends. It
// skips or fails t as Start does.
func StartServer(t testing.TB, extra ...string) *Server {
	t.Helper()
	Start(t) // the same checks: binaries, Main
	bins, err := lookBinaries()
	if err != nil {
		t.Fatal(err)
	}
	s, err := startServer(bins, extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("mariadbtest: %v", err)
		}
	})
	return s
}

// StartTCPServer is StartServer on a free loopback TCP port, which it
// returns: it asks the kernel for a port, and should another process take
// it before mariadbd binds it, tries again with a new one (up to 5 times).
func StartTCPServer(t testing.TB, extra ...string) (*Server, int) {
	t.Helper()
	Start(t)
	bins, err := lookBinaries()
	if err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		s, err := startServer(bins, append([]string{fmt.Sprintf("--port=%d", port), "--bind-address=127.0.0.1"}, extra...)...)
		if err != nil {
			if try < 4 && strings.Contains(err.Error(), "already in use") {
				continue
			}
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.stop(); err != nil {
				t.Errorf("mariadbtest: %v", err)
			}
		})
		return s, port
	}
}

// dbSeq numbers the databases made by NewDatabase in this test binary.
var dbSeq atomic.Int64

// NewDatabase creates an empty database on the shared server, named after the
// test and unique in this test binary, and drops it when t ends. The
// database uses the server's default character set, utf8mb4.
func NewDatabase(t testing.TB) (srv *Server, name string) {
	t.Helper()
	srv = Start(t)
	name = databaseName(t.Name(), dbSeq.Add(1))
	if err := srv.run(nil, "", strings.NewReader("CREATE DATABASE "+sqldump.QuoteIdent(name)), nil); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := srv.run(nil, "", strings.NewReader("DROP DATABASE IF EXISTS "+sqldump.QuoteIdent(name)), nil); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return srv, name
}

// DatabaseName returns a database name unique in this test binary, for a
// database the code under test creates itself, and drops that database (if
// it exists) when t ends.
func DatabaseName(t testing.TB, tag string) (srv *Server, name string) {
	t.Helper()
	srv = Start(t)
	name = databaseName(tag+"_"+t.Name(), dbSeq.Add(1))
	t.Cleanup(func() {
		if err := srv.run(nil, "", strings.NewReader("DROP DATABASE IF EXISTS "+sqldump.QuoteIdent(name)), nil); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return srv, name
}

// Name is DatabaseName's name alone: a database name for the test that
// the server drops at its end.
func Name(t testing.TB, tag string) string {
	t.Helper()
	_, name := DatabaseName(t, tag)
	return name
}

// maxNameLen is MariaDB's limit on a database name.
const maxNameLen = 64

var notNameChar = regexp.MustCompile(`[^a-z0-9]+`)

// databaseName returns t_<test name>_<n>: lower case, runs of other
// characters than letters and digits squeezed to one underscore, the test
// name cut so the whole fits in maxNameLen.
func databaseName(test string, n int64) string {
	s := notNameChar.ReplaceAllString(strings.ToLower(test), "_")
	s = strings.Trim(s, "_")
	suffix := "_" + strconv.FormatInt(n, 10)
	if max := maxNameLen - len("t_") - len(suffix); len(s) > max {
		s = strings.TrimRight(s[:max], "_")
	}
	if s == "" {
		return "t" + suffix
	}
	return "t_" + s + suffix
}

// quoteString quotes a string literal for SQL.
func quoteString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// launcher starts the server once and remembers how that went.
type launcher struct {
	mu         sync.Mutex
	mainCalled bool
	tried      bool
	missing    error // the binaries are not installed
	err        error // the server did not start
	srv        *Server
	lookup     func() (binaries, error) // nil means lookBinaries
}

// get returns the server, starting it on first use, or skips or fails t.
func (l *launcher) get(t testing.TB) *Server {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.mainCalled {
		t.Fatal("mariadbtest: the test binary must call mariadbtest.Main(m) from TestMain, or the server is never stopped")
	}
	if !l.tried {
		l.tried = true
		lookup := l.lookup
		if lookup == nil {
			lookup = lookBinaries
		}
		bins, err := lookup()
		if err != nil {
			l.missing = err
		} else {
			l.srv, l.err = startServer(bins)
		}
	}
	if l.missing != nil {
		msg := installHint + " (" + l.missing.Error() + ")"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatal(msg + "; " + RequireEnv + "=1 makes this a failure")
		}
		t.Skip(msg)
	}
	if l.err != nil {
		t.Fatal(l.err)
	}
	return l.srv
}

// current returns the shared server, nil if none runs.
func (l *launcher) current() *Server {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.srv
}

// shutdown stops the server if one was started. Later calls do nothing.
func (l *launcher) shutdown() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv == nil {
		return nil
	}
	srv := l.srv
	l.srv = nil
	l.err = fmt.Errorf("mariadbtest: server already stopped")
	return srv.stop()
}
