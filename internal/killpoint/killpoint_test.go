package killpoint

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHelperProcess is the child of TestKill: it reaches "a" three times
// and "b" once, saying so on stdout before each.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("KILLPOINT_CHILD") != "1" {
		t.Skip("child process only")
	}
	for _, p := range []string{"a", "b", "a", "a"} {
		os.Stdout.WriteString(p + "\n")
		Reached(p)
	}
	os.Stdout.WriteString("end\n")
}

func child(t *testing.T, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), append(env, "KILLPOINT_CHILD=1")...)
	out, err := cmd.Output()
	return string(out), err
}

func TestKill(t *testing.T) {
	out, err := child(t, Env+"=a:2")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("want death by SIGKILL, got %v (output %q)", err, out)
	}
	if want := "a\nb\na\n"; out != want {
		t.Fatalf("killed after %q, want after %q", out, want)
	}
}

func TestInert(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	for _, env := range [][]string{nil, {Env + "=c:1"}, {Env + "=a:9", TraceEnv + "=" + trace}} {
		out, err := child(t, env...)
		if err != nil || !strings.Contains(out, "end\n") {
			t.Fatalf("%v: %v, output %q", env, err, out)
		}
	}
	got, err := os.ReadFile(trace)
	if err != nil || string(got) != "a\nb\na\na\n" {
		t.Fatalf("trace %q, %v", got, err)
	}
}
