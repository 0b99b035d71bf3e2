package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

const demoDir = "../../testdata/demo"

func TestMain(m *testing.M) {
	// Runs the real binary as a child of this fresh, small process and
	// reports the child's peak RSS (see runMeasured).
	if f := os.Getenv("STAGECOPY_TEST_RUSAGE"); f != "" {
		os.Exit(spawnMeasured(f))
	}
	// Lets tests run the real binary as a subprocess (for signals).
	if os.Getenv("STAGECOPY_TEST_MAIN") == "1" {
		main()
		return
	}
	testscript.Main(withServer{m}, map[string]func(){"stagecopy": main})
}

// withServer runs the tests with a throwaway MariaDB for those that ask.
type withServer struct{ m *testing.M }

func (w withServer) Run() int { return mariadbtest.Run(w.m) }

// TestScripts runs the CLI scripts in testdata/script with the real command.
func TestScripts(t *testing.T) {
	demo, err := filepath.Abs(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("DEMO", demo)
			return nil
		},
	})
}

// cli runs stagecopy in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return cliIn(t, "", args...)
}

func cliIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"stagecopy"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// waitFor polls cond until it holds, and fails t if it does not within 20
// seconds; what says what it waits for.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pipeDrained reports whether the process at the other end of the pipe w
// has read all that was written to it.
func pipeDrained(w *os.File) bool {
	var n int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, w.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
	return errno == 0 && n == 0
}

// startMain starts stagecopy with args as a process of its own (for
// signals), its standard input a pipe, and kills it if it is still running
// when t ends.
func startMain(t *testing.T, args ...string) (cmd *exec.Cmd, stdin *os.File, stderr *bytes.Buffer) {
	t.Helper()
	cmd = exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STAGECOPY_TEST_MAIN=1")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr = new(bytes.Buffer)
	cmd.Stdin, cmd.Stderr = pr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	t.Cleanup(func() {
		pw.Close()
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, pw, stderr
}

// waitExit waits for cmd to end and returns its exit code; if it has not
// ended within d, it kills it and fails t.
func waitExit(t *testing.T, cmd *exec.Cmd, d time.Duration) int {
	t.Helper()
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
		return cmd.ProcessState.ExitCode()
	case <-time.After(d):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("%s did not end within %v", cmd.Args[1], d)
		return -1
	}
}

// hintOf is the text of the "stagecopy: hint:" line in stderr, "" when
// there is none.
func hintOf(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if h, ok := strings.CutPrefix(line, "stagecopy: hint: "); ok {
			return h
		}
	}
	return ""
}

// dirNames lists a directory's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "stagecopy version ") {
		t.Fatalf("code %d, out %q", code, out)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	code, _, stderr := runCLI(t, "verify", "--no-such-flag", "x")
	if code != exitUsage || !strings.Contains(stderr, "stagecopy: error:") || !strings.Contains(stderr, "stagecopy: hint:") {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	code, _, _ = runCLI(t, "verify")
	if code != exitUsage {
		t.Fatalf("verify without archive: code %d", code)
	}
}
