package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestCreateCommitAbort(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "missing", "x"), false); !errors.Is(err, ErrDir) {
		t.Fatalf("missing dir: %v", err)
	}
	p := filepath.Join(dir, "x")
	f, err := Create(p, false)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half")
	f.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("abort left %v", ents)
	}
	f, _ = Create(p, false)
	f.WriteString("whole")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // no effect after commit
	if b, _ := os.ReadFile(p); string(b) != "whole" {
		t.Fatalf("got %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	if _, err := Create(p, false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwrite: %v", err)
	}
	if err := Write(p, []byte("again"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("dir holds %v", ents)
	}
}

// TestStaleTemporaryFiles: a writer killed with SIGKILL leaves its
// temporary file; the next writer of the same name removes it, when the
// process that made it is gone, and only then, and only its own kind.
func TestStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	// A real writer, killed half-way.
	if os.Getenv("ATOMICFILE_HELPER") != "" {
		f, err := Create(filepath.Join(os.Getenv("ATOMICFILE_HELPER"), "s.tar.zst"), false)
		if err != nil {
			os.Exit(1)
		}
		f.WriteString("half an archive")
		os.Stdout.WriteString("ready\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestStaleTemporaryFiles$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	left, _ := filepath.Glob(filepath.Join(dir, ".s.tar.zst.tmp-*"))
	if len(left) != 1 {
		t.Fatalf("after the kill: %v, want one temporary file", left)
	}
	// Someone else's files, and a live writer's (this process's parent
	// stands for one), stay.
	live := filepath.Join(dir, fmt.Sprintf(".s.tar.zst.tmp-%d-1", os.Getppid()))
	other := filepath.Join(dir, ".s.tar.zst.tmp-notapid")
	for _, p := range []string{live, other} {
		os.WriteFile(p, nil, 0o600)
	}
	f, err := Create(filepath.Join(dir, "s.tar.zst"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := os.Lstat(left[0]); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the killed writer's %s is still there", left[0])
	}
	for _, p := range []string{live, other} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	// TempName's names are the same kind.
	dead := cmd.Process.Pid
	if pid, ok := Stale(TempName("s.tar.zst", dead, "pending"), "s.tar.zst"); !ok || pid != dead {
		t.Errorf("Stale(TempName(dead writer)) = %d, %v", pid, ok)
	}
	if _, ok := Stale(filepath.Base(live), "s.tar.zst"); ok {
		t.Error("a live writer's temporary file is stale")
	}
}
