package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPasswordFileReadableByOthers: a --password-file others may read is
// used, with a warning that says how to fix it (as ssh warns of a private
// key); a private one draws no warning.
func TestPasswordFileReadableByOthers(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o644, 0o600} {
		pw := filepath.Join(dir, "pw")
		os.WriteFile(pw, []byte("secret\n"), mode)
		os.Chmod(pw, mode)
		_, _, stderr := runCLI(t, "snapshot", "-q", "--no-anonymize", "--socket", filepath.Join(dir, "no.sock"), "-u", "x",
			"--password-file", pw, "-D", "shop", "-o", filepath.Join(dir, "s.tar.zst"))
		warned := strings.Contains(stderr, "stagecopy: warning: --password-file "+pw+" is readable by others (mode 0644): chmod 600 "+pw)
		if warned != (mode == 0o644) {
			t.Errorf("mode %04o: warned %v\n%s", mode, warned, stderr)
		}
		os.Remove(pw)
	}
}
