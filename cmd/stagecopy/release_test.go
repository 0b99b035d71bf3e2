package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestReleaseScript runs scripts/release for this machine's platform only
// (TARGETS), and checks what it made: the binary prints the version given
// and a commit, SHA256SUMS verifies, the man page and completions are there.
func TestReleaseScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	for _, tool := range []string{"bash", "git", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip("no " + tool)
		}
	}
	dist := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	cmd := exec.Command("bash", "../../scripts/release", "v9.8.7-test")
	cmd.Env = append(os.Environ(), "DIST="+dist, "TARGETS="+target)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release: %v\n%s", err, out)
	}
	bin := filepath.Join(dist, "stagecopy-v9.8.7-test-"+runtime.GOOS+"-"+runtime.GOARCH)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "stagecopy version v9.8.7-test (commit ") {
		t.Errorf("the release binary says %q", out)
	}
	check := exec.Command("sha256sum", "-c", "SHA256SUMS")
	check.Dir = dist
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, out)
	}
	sums, _ := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	for _, name := range []string{filepath.Base(bin), "stagecopy.1", "stagecopy.bash", "stagecopy.zsh", "stagecopy.fish"} {
		if !strings.Contains(string(sums), "  "+name+"\n") {
			t.Errorf("SHA256SUMS lacks %s:\n%s", name, sums)
		}
	}
}
