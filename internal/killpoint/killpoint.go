// Package killpoint is for tests only: it lets the crash tests kill a
// stagecopy process at a named point of its work (after a temporary file is
// made, before a rename, in the middle of a load...) and then check what it
// left behind. It is compiled into every build and does nothing unless the
// environment variable STAGECOPY_TEST_KILLPOINT is set; nobody sets it but
// the tests (cmd/stagecopy/crash_test.go).
//
//	STAGECOPY_TEST_KILLPOINT=NAME:N   SIGKILL this process the N-th time (from 1) it reaches NAME
//	STAGECOPY_TEST_KILLPOINTS=FILE    append the name of every point reached to FILE, one a line
//
// A point is one call, Reached("NAME"), placed where a crash would leave a
// state worth checking. The names are listed in docs/reliability.md.
package killpoint

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The environment variables; see the package comment.
const (
	Env      = "STAGECOPY_TEST_KILLPOINT"
	TraceEnv = "STAGECOPY_TEST_KILLPOINTS"
)

var (
	once   sync.Once
	target string // the point to kill at; "" when none
	at     int64  // at its at-th visit
	visits atomic.Int64
	trace  *os.File
	mu     sync.Mutex // trace lines whole
)

func setup() {
	if v := os.Getenv(Env); v != "" {
		name, n, _ := strings.Cut(v, ":")
		target, at = name, 1
		if k, err := strconv.ParseInt(n, 10, 64); err == nil && k > 0 {
			at = k
		}
	}
	if p := os.Getenv(TraceEnv); p != "" {
		trace, _ = os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	}
}

// Reached marks the point name. Without the environment variables it
// returns at once; with them it records the visit, or kills the process.
func Reached(name string) {
	once.Do(setup)
	if trace != nil {
		mu.Lock()
		trace.WriteString(name + "\n")
		mu.Unlock()
	}
	if target == "" || name != target || visits.Add(1) != at {
		return
	}
	// SIGKILL on unix, TerminateProcess on Windows: no cleanup runs.
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	select {} // the kill is on its way; nothing more may happen
}
