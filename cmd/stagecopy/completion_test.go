package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBashCompletion sources 'stagecopy completion bash' in a real bash and
// completes partial command lines.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	code, script, stderr := runCLI(t, "completion", "bash")
	if code != 0 {
		t.Fatalf("completion bash: %d %s", code, stderr)
	}
	path := filepath.Join(t.TempDir(), "stagecopy.bash")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		words []string // the last one is being completed
		want  string   // COMPREPLY, space-separated
	}{
		{[]string{"sna"}, "snapshot"},
		{[]string{"r"}, "rules restore receipt"},
		{[]string{"rules", "ch"}, "check"},
		{[]string{"rules", "check", "--du"}, "--dump"},
		{[]string{"snapshot", "--outp"}, "--output"},
		{[]string{"snapshot", "-o", "out.tar.zst", "--no-an"}, "--no-anonymize"},
		{[]string{"receipt", "verify", "--pub"}, "--pubkey"},
		{[]string{"verify", "site"}, ""}, // an argument: file names (complete -o default)
		{[]string{"--ver"}, "--version"},
	} {
		words := append([]string{"stagecopy"}, tc.words...)
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		prog := "source " + path + "; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) +
			"; _stagecopy; echo \"${COMPREPLY[*]}\""
		out, err := exec.Command(bash, "--norc", "--noprofile", "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.words, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("complete %q: got %q, want %q", strings.Join(tc.words, " "), got, tc.want)
		}
	}
}

// TestCompletionScripts checks what no shell here runs: zsh's script is
// the bash function under bashcompinit, fish's names every command; and an
// unknown shell is a usage error.
func TestCompletionScripts(t *testing.T) {
	_, bash, _ := runCLI(t, "completion", "bash")
	code, zsh, _ := runCLI(t, "completion", "zsh")
	if code != 0 || !strings.HasPrefix(zsh, "#compdef stagecopy\n") || !strings.Contains(zsh, "bashcompinit") || !strings.HasSuffix(zsh, bash) {
		t.Errorf("zsh completion:\n%s", zsh)
	}
	code, fish, _ := runCLI(t, "completion", "fish")
	if code != 0 {
		t.Fatalf("completion fish: exit %d", code)
	}
	for _, cmd := range []string{"snapshot", "restore", "purge", "keygen"} {
		if !strings.Contains(fish, "complete -c stagecopy") || !regexp.MustCompile(`(?m)^complete .*-c stagecopy .*-a '`+cmd+`'`).MatchString(fish) {
			t.Errorf("fish completion lacks the command %s", cmd)
		}
	}
	if code, _, _ := runCLI(t, "completion", "powershell"); code != exitUsage {
		t.Errorf("completion powershell: exit %d, want %d", code, exitUsage)
	}
}

// TestManPage renders 'stagecopy man' with groff, warnings on: no warning,
// and every command and every snapshot flag is in the page.
func TestManPage(t *testing.T) {
	code, page, stderr := runCLI(t, "man")
	if code != 0 || !strings.Contains(page, ".TH stagecopy 1") {
		t.Fatalf("man: exit %d\n%s", code, stderr)
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("no groff to render the page")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww")
	cmd.Stdin = strings.NewReader(page)
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil || errb.Len() > 0 {
		t.Fatalf("groff: %v\n%s", err, errb.String())
	}
	text := regexp.MustCompile(".\x08").ReplaceAllString(string(out), "") // overstrike bold
	app := newApp(&env{stdin: strings.NewReader("")})
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		if !regexp.MustCompile(`(?m)^` + c.Name + `\b`).MatchString(text) {
			t.Errorf("the man page has no section for %s", c.Name)
		}
		if c.Name != "snapshot" {
			continue
		}
		for _, f := range c.Flags {
			if v, ok := f.(interface{ IsVisible() bool }); ok && !v.IsVisible() {
				continue // the hidden profiling flags
			}
			if !strings.Contains(text, dashed(f.Names()[0])) {
				t.Errorf("the man page lacks snapshot %s", dashed(f.Names()[0]))
			}
		}
	}
}
