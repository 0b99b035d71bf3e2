package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/receipt"
)

func TestKeygen(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k")
	code, out, stderr := runCLI(t, "keygen", "--out", key, "--name", "ops.example")
	if code != 0 {
		t.Fatalf("%d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	pub, err := receipt.ParsePublicKey(lines[len(lines)-1])
	if err != nil || pub.Name != "ops.example" || !strings.Contains(out, key+" (mode 0600") {
		t.Fatalf("output %q: %v", out, err)
	}
	if data, _ := os.ReadFile(key + ".pub"); strings.TrimSpace(string(data)) != pub.String() {
		t.Fatalf(".pub file %q", data)
	}
	if st, _ := os.Stat(key); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	if strings.Contains(out, "PRIVATE") {
		t.Fatal("keygen printed the private key")
	}
	before, _ := os.ReadFile(key)
	code, _, stderr = runCLI(t, "keygen", "--out", key)
	if after, _ := os.ReadFile(key); code != exitError || string(before) != string(after) || !strings.Contains(stderr, "never replaced") {
		t.Fatalf("second keygen: %d %s", code, stderr)
	}
	if code, _, _ = runCLI(t, "keygen", "--out", filepath.Join(dir, "k2"), "--name", "a b"); code != exitError {
		t.Fatalf("bad name: %d", code)
	}
	// The default location is the user's config directory.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("HOME", dir)
	if code, out, _ = runCLI(t, "keygen"); code != 0 || !strings.Contains(out, filepath.Join(dir, "cfg", "stagecopy", "receipt.key")) {
		t.Fatalf("default path: %d %s", code, out)
	}
}
