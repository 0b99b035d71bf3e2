package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestREADMECommandLines checks every stagecopy command line in README.md's
// code blocks against the command definitions: the command exists, every
// flag exists, and flags come before the arguments (the CLI refuses flags
// after them). Documentation that drifts from the flags fails here.
func TestREADMECommandLines(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	n := 0
	inCode := false
	var joined string
	for i, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if !inCode {
			continue
		}
		line = strings.TrimSpace(line)
		if joined != "" {
			line = joined + " " + line
			joined = ""
		}
		if c, ok := strings.CutSuffix(line, `\`); ok {
			joined = strings.TrimSpace(c)
			continue
		}
		if !strings.HasPrefix(line, "stagecopy ") {
			continue
		}
		if k := strings.Index(line, "  #"); k >= 0 {
			line = line[:k]
		}
		n++
		if err := checkCommandLine(app, shellFields(line)[1:]); err != "" {
			t.Errorf("README.md:%d: %s\n\t%s", i+1, err, line)
		}
	}
	if n < 20 {
		t.Fatalf("only %d stagecopy command lines found in README.md", n)
	}
}

// shellFields splits a command line into words as a shell would for the
// simple quoting examples use: '...' and "..." keep their spaces.
func shellFields(line string) []string {
	var out []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func checkCommandLine(app *cli.App, args []string) string {
	cmds := app.Commands
	var cmd *cli.Command
	for len(args) > 0 {
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(args[0]) {
				next = c
			}
		}
		if next == nil {
			break
		}
		cmd, cmds, args = next, next.Subcommands, args[1:]
	}
	if cmd == nil {
		return "unknown command"
	}
	flags := map[string]cli.Flag{}
	for _, f := range cmd.Flags {
		for _, name := range f.Names() {
			flags[name] = f
		}
	}
	positional := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "<" || a == "|" || a == ">" {
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			positional = true
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f, ok := flags[name]
		if !ok {
			return "command " + cmd.Name + " has no flag " + a
		}
		if positional {
			return "flag " + a + " after an argument"
		}
		if _, isBool := f.(*cli.BoolFlag); !isBool && !hasValue {
			i++ // its value
		}
	}
	return ""
}

// TestHelpExamples does the same for the examples in every command's --help.
func TestHelpExamples(t *testing.T) {
	app := newApp(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	var walk func(cmds []*cli.Command)
	n := 0
	walk = func(cmds []*cli.Command) {
		for _, c := range cmds {
			joined := ""
			for _, line := range strings.Split(c.Description, "\n") {
				line = strings.TrimSpace(line)
				if joined != "" {
					line, joined = joined+" "+line, ""
				}
				if j, ok := strings.CutSuffix(line, `\`); ok {
					joined = strings.TrimSpace(j)
					continue
				}
				if !strings.HasPrefix(line, "stagecopy ") {
					continue
				}
				if k := strings.Index(line, "  #"); k >= 0 {
					line = line[:k]
				}
				n++
				if err := checkCommandLine(app, shellFields(line)[1:]); err != "" {
					t.Errorf("%s --help: %s\n\t%s", c.Name, err, line)
				}
			}
			walk(c.Subcommands)
		}
	}
	walk(app.Commands)
	if n < 3 {
		t.Fatalf("only %d examples found in --help texts", n)
	}
}
