//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestPasswordPrompt runs snapshot -p on a real terminal (a pty from
// util-linux's script): the password is asked, read without echo, and the
// server accepts it; it never shows in the output.
func TestPasswordPrompt(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to make a pty")
	}
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, "CREATE TABLE t (a INT PRIMARY KEY); INSERT INTO t VALUES (1);")
	const user, password = "prompted", "Pr0mpt-secret-42"
	srv.Exec(t, "", "CREATE USER IF NOT EXISTS '"+user+"'@'localhost' IDENTIFIED BY '"+password+"'; GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES ON `"+db+"`.* TO '"+user+"'@'localhost'")
	defer srv.Exec(t, "", "DROP USER IF EXISTS '"+user+"'@'localhost'")
	out := filepath.Join(t.TempDir(), "p.tar.zst")
	cmdline := strings.Join([]string{os.Args[0], "snapshot", "--no-anonymize", "-q", "-S", srv.Socket, "-u", user, "-D", db, "-p", "-o", out}, " ")
	cmd := exec.Command(scriptBin, "-qec", cmdline, "/dev/null")
	cmd.Env = append(os.Environ(), "STAGECOPY_TEST_MAIN=1", "MYSQL_PWD=")
	stdin, _ := cmd.StdinPipe()
	var mu sync.Mutex
	var screen bytes.Buffer
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := pr.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	shown := func() string { mu.Lock(); defer mu.Unlock(); return screen.String() }
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(shown(), "Enter password:") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(shown(), "Enter password:") {
		cmd.Process.Kill()
		t.Fatalf("no prompt; the terminal showed %q", shown())
	}
	// Type only once the terminal's echo is off, as a person would: the
	// prompt is printed just before x/term turns echo off, and what is
	// typed in between is echoed by the terminal, not by stagecopy.
	if err := waitEchoOff(cmd.Process.Pid, deadline); err != nil {
		cmd.Process.Kill()
		t.Fatalf("%v; the terminal showed %q", err, shown())
	}
	io.WriteString(stdin, password+"\n")
	err = cmd.Wait()
	pw.Close()
	stdin.Close()
	if err != nil {
		t.Fatalf("snapshot -p: %v; the terminal showed %q", err, shown())
	}
	if strings.Contains(shown(), password) {
		t.Errorf("the password was echoed: %q", shown())
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no archive: %v; the terminal showed %q", err, shown())
	}
}

// waitEchoOff waits until a descendant of process root reads a terminal
// with echo off, reading the terminal's flags through /proc.
func waitEchoOff(root int, deadline time.Time) error {
	for time.Now().Before(deadline) {
		for _, pid := range descendants(root) {
			tty, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/0", pid))
			if err != nil || !strings.HasPrefix(tty, "/dev/pts/") {
				continue
			}
			f, err := os.OpenFile(tty, os.O_RDWR|unix.O_NOCTTY, 0)
			if err != nil {
				continue
			}
			tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
			f.Close()
			if err == nil && tio.Lflag&unix.ECHO == 0 {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("the terminal's echo was never turned off")
}

// descendants lists the processes below root, from /proc.
func descendants(root int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 {
			parent[pid], _ = strconv.Atoi(fields[1])
		}
	}
	var out []int
	for pid := range parent {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == root {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}
