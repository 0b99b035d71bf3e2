package main

import (
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestUsageErrors runs the calls a new user gets wrong: each is a usage
// error (exit 2) of one error line and one hint line, with nothing on
// standard output (no page of help), and the help calls work.
func TestUsageErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.tar.zst")
	for _, tc := range []struct {
		args     []string
		code     int
		stderr   []string // each must be in stderr
		stdout   string   // must be in stdout ("" for empty stdout)
		hintHelp string   // the --help the hint names
	}{
		{args: []string{"help"}, stdout: "COMMANDS:"},
		{args: []string{"help", "snapshot"}, stdout: "stagecopy snapshot [command options]"},
		{args: []string{"help", "rules", "check"}, stdout: "stagecopy rules check [command options] FILE"},
		{args: []string{"rules"}, stdout: "explain"},
		{args: []string{"version"}, stdout: "stagecopy version "},
		{args: []string{"--version"}, stdout: "stagecopy version "},
		{args: []string{"help", "nosuch"}, code: exitUsage, stderr: []string{`unknown command "nosuch"`}, hintHelp: "stagecopy help"},
		{args: []string{"help", "rules", "chekc"}, code: exitUsage, stderr: []string{`unknown rules subcommand "chekc" (did you mean "check"?)`}, hintHelp: "stagecopy help rules"},
		{args: []string{"snapshto"}, code: exitUsage, stderr: []string{`unknown command "snapshto" (did you mean "snapshot"?)`}, hintHelp: "stagecopy help"},
		{args: []string{"receipt", "verfy"}, code: exitUsage, stderr: []string{`(did you mean "verify"?)`}, hintHelp: "stagecopy help receipt"},
		{args: []string{"snapshot", "--outptu", out}, code: exitUsage, stderr: []string{"snapshot: unknown flag --outptu (did you mean --output?)"}, hintHelp: "stagecopy snapshot --help"},
		{args: []string{"rules", "check", "--dupm", "x.sql", "r.yml"}, code: exitUsage, stderr: []string{"(did you mean --dump?)"}, hintHelp: "stagecopy rules check --help"},
		{args: []string{"verify", "-h", "x"}, code: exitUsage, stderr: []string{"unknown flag -h (help is --help"}, hintHelp: "stagecopy verify --help"},
		{args: []string{"snapshot", "--dump", "x.sql"}, code: exitUsage, stderr: []string{"snapshot: --output is required"}, hintHelp: "stagecopy snapshot --help"},
		{args: []string{"snapshot", "--threads", "abc", "-o", out}, code: exitUsage, stderr: []string{`invalid value "abc" for flag -threads`}, hintHelp: "stagecopy snapshot --help"},
		{args: []string{"snapshot", "--preset", "wordpres", "--dump", filepath.Join(demoDir, "demo.sql"), "-o", out}, code: exitUsage, stderr: []string{`unknown preset "wordpres" (did you mean "wordpress"?)`}},
		{args: []string{"purge"}, code: exitUsage, stderr: []string{"give one STAGING_ID"}, hintHelp: "stagecopy purge --help"},
		{args: []string{"version", "x"}, code: exitUsage, stderr: []string{"version takes no arguments"}, hintHelp: "stagecopy version --help"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tc.stdout == "" && stdout != "" {
				t.Errorf("stdout not empty:\n%s", stdout)
			}
			if tc.stdout != "" && !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			if tc.code == exitUsage {
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if len(lines) != 2 || !strings.HasPrefix(lines[0], "stagecopy: error: ") || !strings.HasPrefix(lines[1], "stagecopy: hint: ") {
					t.Errorf("want one error line and one hint line, got:\n%s", stderr)
				}
				if tc.hintHelp != "" && !strings.Contains(hintOf(stderr), "'"+tc.hintHelp+"'") {
					t.Errorf("hint %q does not name '%s'", hintOf(stderr), tc.hintHelp)
				}
			}
		})
	}
}

// TestHelpWidth renders the help of every command and subcommand: no line
// is wider than 80 columns unless it is one word that cannot be broken.
func TestHelpWidth(t *testing.T) {
	app := newApp(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	var paths [][]string
	var walk func(prefix []string, cmds []*cli.Command)
	walk = func(prefix []string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := append(append([]string{}, prefix...), c.Name)
			paths = append(paths, p)
			walk(p, c.Subcommands)
		}
	}
	walk(nil, app.Commands)
	paths = append(paths, nil) // the list of commands
	for _, p := range paths {
		code, stdout, stderr := runCLI(t, append([]string{"help"}, p...)...)
		if code != 0 || stdout == "" {
			t.Errorf("help %s: exit %d, stderr %s", strings.Join(p, " "), code, stderr)
			continue
		}
		for _, line := range strings.Split(stdout, "\n") {
			if len([]rune(line)) > helpWidth && len(strings.Fields(line)) > 1 {
				t.Errorf("help %s: line of %d columns:\n%s", strings.Join(p, " "), len([]rune(line)), line)
			}
		}
	}
	if len(paths) < 15 {
		t.Fatalf("only %d commands walked", len(paths))
	}
}

func TestWrapHelp(t *testing.T) {
	in := "   name    " + strings.Repeat("word ", 20) + "\n" + "   short\n"
	got := wrapHelp(in, 40)
	for _, line := range strings.Split(got, "\n") {
		if len(line) > 40 {
			t.Errorf("line over 40: %q", line)
		}
	}
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(lines[0], "   name    word") || !strings.HasPrefix(lines[1], "           word") {
		t.Errorf("continuation not under the text column:\n%s", got)
	}
	if strings.Count(got, "word") != 20 || !strings.Contains(got, "   short\n") {
		t.Errorf("words lost or short line changed:\n%s", got)
	}
	ex := reflow("Text\n  stagecopy snapshot --anonymize --preset wordpress --dump site.sql -o site.tar.zst", 40)
	if !strings.Contains(ex, " \\\n    ") {
		t.Errorf("a long example is not continued with a backslash:\n%s", ex)
	}
}

func TestVersionOf(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	info := func(main string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/stagecopy/stagecopy", Version: main}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	for _, tc := range []struct {
		name         string
		ldV, ldC     string
		info         *debug.BuildInfo
		wantV, wantC string
	}{
		{"ldflags win", "v1.2.0", "abc", info("v0.9.0", "vcs.revision", rev), "v1.2.0", "abc"},
		{"go install @version", "", "", info("v1.1.0"), "v1.1.0", ""},
		{"go build in a checkout", "", "", info("v0.0.0-20261207063946-0123456789ab+dirty", "vcs.revision", rev, "vcs.modified", "true"), "v0.0.0-20261207063946-0123456789ab+dirty", rev + "-dirty"},
		{"revision only", "", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "false"), "devel-0123456789ab", rev},
		{"revision, modified", "", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "devel-0123456789ab-dirty", rev + "-dirty"},
		{"nothing", "", "", info("(devel)"), noVersion, ""},
		{"no build info", "", "", nil, noVersion, ""},
	} {
		v, c := versionOf(tc.ldV, tc.ldC, tc.info)
		if v != tc.wantV || c != tc.wantC {
			t.Errorf("%s: got %q, %q; want %q, %q", tc.name, v, c, tc.wantV, tc.wantC)
		}
	}
}
