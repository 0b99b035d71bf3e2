package mariadbtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// childEnv makes TestChild run, in a test binary started by
// TestServerStopsWithTestBinary, and end as its value says.
const childEnv = "MARIADBTEST_CHILD"

func TestChild(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("run by TestServerStopsWithTestBinary")
	}
	srv := Start(t)
	fmt.Printf("child pid=%d dir=%s\n", srv.cmd.Process.Pid, srv.dir)
	switch mode {
	case "fail":
		t.Fatal("failing on purpose")
	case "panic":
		panic("panicking on purpose")
	}
}

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER from <linux/prctl.h>.
const prSetChildSubreaper = 36

// TestServerStopsWithTestBinary runs this test binary again with a test that
// starts the server and then passes, fails or panics, and checks that the
// server is gone afterwards, and its directory too, if only at the next start.
func TestServerStopsWithTestBinary(t *testing.T) {
	Start(t) // skip or fail as the others do

	// Adopt the server orphaned by a panicking child, so that its zombie
	// can be reaped here rather than by an init that may take its time.
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		t.Fatalf("prctl(PR_SET_CHILD_SUBREAPER): %v", errno)
	}
	t.Cleanup(func() { syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0) })

	child := regexp.MustCompile(`child pid=(\d+) dir=(\S+)`)
	for _, mode := range []string{"pass", "fail", "panic"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+mode)
			out, err := cmd.CombinedOutput()
			if (err == nil) != (mode == "pass") {
				t.Errorf("child test binary: %v\n%s", err, out)
			}
			m := child.FindSubmatch(out)
			if m == nil {
				t.Fatalf("child did not start a server:\n%s", out)
			}
			pid, _ := strconv.Atoi(string(m[1]))
			dir := string(m[2])

			deadline := time.Now().Add(10 * time.Second)
			for alive(pid) {
				if time.Now().After(deadline) {
					t.Errorf("mariadbd %d still running 10s after its test binary ended; killing it", pid)
					syscall.Kill(pid, syscall.SIGKILL)
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			var ws syscall.WaitStatus
			if got, err := syscall.Wait4(pid, &ws, 0, nil); err == nil && got == pid && mode == "panic" &&
				!(ws.Signaled() && ws.Signal() == syscall.SIGKILL) {
				t.Errorf("orphaned mariadbd ended with %v, want killed by SIGKILL", ws)
			}

			if mode == "panic" {
				if _, err := os.Stat(dir); err != nil {
					t.Errorf("after a panic: %v; want the directory left for removeStale", err)
				}
				removeStale(filepath.Dir(dir))
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("server directory %s left behind: %v", dir, err)
				os.RemoveAll(dir)
			}
		})
	}
}
