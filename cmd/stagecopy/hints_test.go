package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// hintQuoted matches a command line quoted in a message: 'stagecopy ...' or
// `stagecopy ...`.
var hintQuoted = []*regexp.Regexp{
	regexp.MustCompile(`'(stagecopy [^'\n]*)'`),
	regexp.MustCompile("`(stagecopy [^`\n]*)`"),
}

// hintExpr is a Go expression spliced into a message ("...'stagecopy rules
// check "+shellArg(file)+"' ..."); it stands for one argument.
var hintExpr = regexp.MustCompile(`"\s*\+[^+]*\+\s*"`)

// collectHints returns every stagecopy command line quoted in the module's
// Go source outside tests and comments: the hints, notes and help texts the
// program prints, each with where it is.
func collectHints(t *testing.T) map[string]string {
	t.Helper()
	hints := map[string]string{}
	err := filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "../.." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			line = hintExpr.ReplaceAllString(line, "%s")
			for _, re := range hintQuoted {
				for _, m := range re.FindAllStringSubmatch(line, -1) {
					hints[m[1]] = path + ":" + strconv.Itoa(n)
				}
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return hints
}

// hasRequired reports whether one of flags is required (setUsage moved
// the check into the action and wrote "(required)" in the usage).
func hasRequired(flags []cli.Flag) bool {
	for _, f := range flags {
		if sf, ok := f.(*cli.StringFlag); ok && strings.HasSuffix(sf.Usage, "(required)") {
			return true
		}
	}
	return false
}

// TestHintsRun runs every command line the program prints as advice, on the
// demo fixture, and expects no usage error (exit 2): a hint that names a
// flag that does not exist, puts a flag after an argument, or leaves out
// what the command requires fails here. Placeholders (FILE, DUMP, ARCHIVE,
// %s...) are filled by the flag before them or the command's argument. A
// bare 'stagecopy VERB' that names a command in prose ("the receipt
// 'stagecopy purge' wrote") must name a real command, and may be a usage
// error only when that command needs arguments or flags.
func TestHintsRun(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"} {
		t.Setenv(v, filepath.Join(dir, strings.ToLower(v)))
	}
	t.Setenv("STAGECOPY_STATE_DIR", filepath.Join(dir, "state"))
	t.Setenv("MYSQL_PWD", "")
	arch := demoArchive(t, dir)
	rulesFile, dump := demoDir+"/rules.yml", demoDir+"/demo.sql"
	code, pub, stderr := runCLI(t, "keygen", "--out", filepath.Join(dir, "op.key"))
	if code != 0 {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	pubLine := strings.TrimSpace(strings.Split(strings.TrimSpace(pub), "\n")[len(strings.Split(strings.TrimSpace(pub), "\n"))-1])
	code, recip, stderr := runCLI(t, "keygen", "--age", "--out", filepath.Join(dir, "age.key"))
	if code != 0 {
		t.Fatalf("keygen --age: %d %s", code, stderr)
	}
	recipient := ""
	for _, f := range strings.Fields(recip) {
		if strings.HasPrefix(f, "age1") {
			recipient = f
		}
	}
	n := 0
	byFlag := map[string]func() string{
		"-r": func() string { return rulesFile }, "--rules": func() string { return rulesFile },
		"--dump":   func() string { return dump },
		"--pubkey": func() string { return pubLine }, "-k": func() string { return pubLine },
		"--encrypt-to": func() string { return recipient }, "-e": func() string { return recipient },
		"--preset": func() string { return "wordpress" },
		"-o": func() string {
			n++
			return filepath.Join(dir, "out"+strconv.Itoa(n)+".tar.zst")
		},
		"--sign-key":      func() string { return filepath.Join(dir, "op.key") },
		"--suggest-rules": func() string { n++; return filepath.Join(dir, "suggested"+strconv.Itoa(n)+".yml") },
	}
	byCommand := map[string]string{
		"rules check": rulesFile, "rules explain": rulesFile, "scan": dump, "anonymize": dump,
		"purge": "stg-0123456789ab", "receipt verify": filepath.Join(dir, "none.receipt.json"),
		"receipt show": filepath.Join(dir, "none.receipt.json"), "inspect": arch, "verify": arch,
		// restore a missing archive: the flags are parsed, nothing is loaded
		// into whatever server the machine runs.
		"restore": filepath.Join(dir, "missing.tar.zst"),
	}
	placeholder := regexp.MustCompile(`^(%s|%\[\d\]s|%d|[A-Z][A-Z_]*|age1\.\.\.)$`)
	app := newApp(&env{stdin: strings.NewReader(""), stdout: nil, stderr: nil})
	hints := collectHints(t)
	ran := 0
	var lines, wheres []string
	for line, where := range hints {
		if rest, ok := strings.CutPrefix(line, "stagecopy COMMAND "); ok {
			// The general hint: true of every command.
			for _, c := range app.Commands {
				lines, wheres = append(lines, "stagecopy "+c.Name+" "+rest), append(wheres, where)
			}
			continue
		}
		lines, wheres = append(lines, line), append(wheres, where)
	}
	for i, line := range lines {
		where := wheres[i]
		words := strings.Fields(line)[1:]
		// The command path, then its flags and arguments.
		cmdLen := 0
		cmds := app.Commands
		for cmdLen < len(words) {
			found := false
			for _, c := range cmds {
				if c.HasName(words[cmdLen]) {
					cmds, found = c.Subcommands, true
					break
				}
			}
			if !found {
				break
			}
			cmdLen++
		}
		cmd, err := lookupCommand(app.Commands, words[:cmdLen])
		if cmdLen == 0 || err != nil {
			t.Errorf("%s: %q names no command", where, line)
			continue
		}
		path := strings.Join(words[:cmdLen], " ")
		args := append([]string{}, words[:cmdLen]...)
		for i, w := range words[cmdLen:] {
			w = strings.Trim(w, `"`)
			if placeholder.MatchString(w) {
				prev := ""
				if i > 0 {
					prev = words[cmdLen+i-1]
				}
				if f, ok := byFlag[prev]; ok {
					w = f()
				} else if v, ok := byCommand[path]; ok {
					w = v
				} else {
					t.Errorf("%s: %q: no fixture for %s after %q", where, line, w, prev)
				}
			}
			args = append(args, w)
		}
		code, _, stderr := cliIn(t, "", args...)
		ran++
		if code == exitUsage {
			needs := len(words) == cmdLen && (strings.Trim(cmd.ArgsUsage, "[] .") != "" && !strings.HasPrefix(cmd.ArgsUsage, "[") || hasRequired(cmd.Flags))
			if !needs {
				t.Errorf("%s: the hint %q is a usage error:\n%s", where, line, stderr)
			}
		}
	}
	if ran < 20 {
		t.Fatalf("only %d hints found and run", ran)
	}
	t.Logf("%d hints run", ran)
}

// TestDemoRulesComment runs the command the demo rules file shows in its
// comment (written for the repository root).
func TestDemoRulesComment(t *testing.T) {
	data, err := os.ReadFile(demoDir + "/rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		cmdline, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(line, "#")), "stagecopy ")
		if !ok {
			continue
		}
		n++
		args := strings.Fields(strings.ReplaceAll(cmdline, "testdata/", "../../testdata/"))
		if code, stdout, stderr := runCLI(t, args...); code != 0 || stdout == "" {
			t.Errorf("%q: exit %d\n%s", line, code, stderr)
		}
	}
	if n == 0 {
		t.Fatal("no command in the comment of testdata/demo/rules.yml")
	}
}
