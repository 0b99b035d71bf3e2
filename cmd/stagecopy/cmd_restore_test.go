package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/staging"
	"github.com/stagecopy/stagecopy/snapshot"
)

// TestRestoreInterrupted sends SIGINT to a real stagecopy restore while it
// waits for more of its archive on stdin (a download piped in): it must
// exit 130 and leave no database, no files directory and no registry
// entry, or say what it left.
func TestRestoreInterrupted(t *testing.T) {
	srv := mariadbtest.Start(t)
	var archive bytes.Buffer
	if _, err := snapshot.Create(context.Background(), &archive, snapshot.Options{
		DumpPath: "../../testdata/demo/demo.sql", FilesDir: "../../testdata/demo/site", NoAnonymize: true, ChunkSize: 512,
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, db := mariadbtest.DatabaseName(t, "intr")
	files, state := filepath.Join(dir, "site"), filepath.Join(dir, "state")
	cmd := exec.Command(os.Args[0], "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db,
		"--files-dir", files, "--state-dir", state, "--cms", "none", "-q", "-")
	cmd.Env = append(os.Environ(), "STAGECOPY_TEST_MAIN=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdin.Write(archive.Bytes()[:archive.Len()*2/3])
	deadline := time.Now().Add(10 * time.Second)
	for srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+db+"'") != "1" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	stdin.Close()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit %d (%v), want 130; stderr %s", code, err, stderr.String())
	}
	t.Logf("stderr: %s", stderr.String())
	if n := srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+db+"'"); n != "0" {
		t.Error("database left behind")
	}
	if _, err := os.Lstat(files); err == nil {
		t.Error("files directory left behind")
	}
	reg, err := staging.OpenRegistry(state)
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := reg.List(context.Background()); len(l) != 0 {
		t.Errorf("registry keeps %+v", l)
	}
}
