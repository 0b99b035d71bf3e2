package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

const demoDir = "../../testdata/demo"

func TestMain(m *testing.M) {
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
