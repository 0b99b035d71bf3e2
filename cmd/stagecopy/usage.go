package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/suggest"
)

// helpWidth is the column help text is wrapped at.
const helpWidth = 80

func init() {
	// Help is --help only: -h is --host, as in every mysql client.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show help"}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version"}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, versionLine()) }
	stringify := cli.FlagStringer
	cli.FlagStringer = func(f cli.Flag) string { return flagHelp(stringify(f)) }
	render := cli.HelpPrinterCustom
	cli.HelpPrinterCustom = func(w io.Writer, templ string, data any, funcs map[string]any) {
		var buf bytes.Buffer
		render(&buf, templ, data, funcs)
		io.WriteString(w, wrapHelp(buf.String(), helpWidth))
	}
}

// setUsage makes every command of app report its usage errors the same way:
// a mistyped flag is one error line with a "did you mean", and one hint line
// pointing at the command's --help (urfave/cli would print the whole help);
// an unknown command or subcommand is a usage error, exit 2.
func setUsage(app *cli.App) {
	app.OnUsageError = flagUsageError
	app.Action = func(c *cli.Context) error {
		if c.NArg() == 0 {
			return cli.ShowAppHelp(c)
		}
		return unknownCommand(c.Args().First(), "", app.Commands)
	}
	var walk func(cmds []*cli.Command, parent string)
	walk = func(cmds []*cli.Command, parent string) {
		for _, cmd := range cmds {
			cmd.OnUsageError = flagUsageError
			cmd.HideHelpCommand = true // help is the top-level help command, and --help
			checkRequired(cmd)
			cmd.Description = reflow(cmd.Description, helpWidth-3) // the template indents it by 3
			path := strings.TrimSpace(parent + " " + cmd.Name)
			if len(cmd.Subcommands) > 0 && cmd.Action == nil {
				subs := cmd.Subcommands
				cmd.Action = func(c *cli.Context) error {
					if c.NArg() == 0 {
						return cli.ShowSubcommandHelp(c)
					}
					return unknownCommand(c.Args().First(), path, subs)
				}
			}
			walk(cmd.Subcommands, path)
		}
	}
	walk(app.Commands, "")
}

// reflow rewraps a command's Description for help that is width columns
// wide: a paragraph (lines not indented) is joined and wrapped again; an
// indented line is kept, or when too long broken with " \\" if it is a
// command line (so that it can still be pasted), else continued under its
// text column (a row of a table).
func reflow(desc string, width int) string {
	var out, para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, wrapWords(strings.Fields(strings.Join(para, " ")), "", "", "", width)...)
			para = nil
		}
	}
	for _, line := range strings.Split(desc, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			out = append(out, "")
		case !strings.HasPrefix(line, " "):
			para = append(para, line)
		default:
			flush()
			if len([]rune(line)) <= width {
				out = append(out, line)
				continue
			}
			indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
			if slices.Contains(strings.Fields(line), "stagecopy") {
				out = append(out, wrapWords(strings.Fields(line), indent, indent+"  ", " \\", width)...)
				continue
			}
			// A row of a table: continued under its text column.
			start := len(indent)
			if k := strings.Index(line[start:], "  "); k > 0 {
				start += k + len(line[start+k:]) - len(strings.TrimLeft(line[start+k:], " "))
			}
			out = append(out, wrapWords(strings.Fields(line[start:]), line[:start], strings.Repeat(" ", start), "", width)...)
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// wrapWords fills lines of at most width columns with words, the first
// line after first, the others after next; every line but the last ends
// with cont. A word longer than the room is left whole.
func wrapWords(words []string, first, next, cont string, width int) []string {
	var lines []string
	cur, n := first, len([]rune(first))
	empty := true
	for _, w := range words {
		wl := len([]rune(w))
		if !empty && n+1+wl+len(cont) > width {
			lines = append(lines, cur+cont)
			cur, n, empty = next, len([]rune(next)), true
		}
		if !empty {
			cur += " "
			n++
		}
		cur += w
		n += wl
		empty = false
	}
	return append(lines, cur)
}

// checkRequired moves the check of cmd's required flags into its action,
// so that a missing one is a usage error of one line and a hint (urfave/cli
// would print the whole help first), and says "(required)" in the help.
func checkRequired(cmd *cli.Command) {
	var names []string
	for _, f := range cmd.Flags {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Required {
			sf.Required = false
			sf.Usage += " (required)"
			names = append(names, sf.Name)
		}
	}
	if len(names) == 0 || cmd.Action == nil {
		return
	}
	action := cmd.Action
	cmd.Action = func(c *cli.Context) error {
		for _, n := range names {
			if !c.IsSet(n) {
				return withHint(usagef("%s: --%s is required", cmd.Name, n),
					fmt.Sprintf("run '%s --help' for its flags", c.Command.HelpName))
			}
		}
		return action(c)
	}
}

// unknownCommand is the usage error for name, not one of cmds (the
// subcommands of parent, or the commands when parent is "").
func unknownCommand(name, parent string, cmds []*cli.Command) error {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Names()...)
		}
	}
	what, help := "command", "stagecopy help"
	if parent != "" {
		what, help = parent+" subcommand", "stagecopy help "+parent
	}
	return withHint(usagef("unknown %s %q%s", what, name, suggest.Hint(name, names)),
		fmt.Sprintf("run '%s' for the list", help))
}

// usageHint gives a usage error that has no hint of its own the hint to
// the --help of the command args named.
func usageHint(app *cli.App, args []string, err error) error {
	var ue *usageError
	var he *hintError
	if !errors.As(err, &ue) || errors.As(err, &he) {
		return err
	}
	path := []string{app.Name}
	cmds := app.Commands
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(a) {
				next = c
			}
		}
		if next == nil {
			break
		}
		path, cmds = append(path, next.Name), next.Subcommands
	}
	if len(path) == 1 {
		return withHint(err, "run 'stagecopy help' for the commands")
	}
	return withHint(err, fmt.Sprintf("run '%s --help' for its flags and arguments", strings.Join(path, " ")))
}

// lookupCommand finds the command that path names in cmds, or returns the
// usage error for its first unknown word.
func lookupCommand(cmds []*cli.Command, path []string) (*cli.Command, error) {
	var cmd *cli.Command
	parent := ""
	for _, name := range path {
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(name) {
				next = c
			}
		}
		if next == nil {
			return nil, unknownCommand(name, parent, cmds)
		}
		cmd, cmds, parent = next, next.Subcommands, strings.TrimSpace(parent+" "+next.Name)
	}
	return cmd, nil
}

// flagUsageError is the OnUsageError of every command: the flag parser's
// error, a suggestion for a misspelled flag, and where the flags are listed.
func flagUsageError(c *cli.Context, err error, _ bool) error {
	where := "stagecopy"
	var flags []cli.Flag
	if c.Command != nil {
		flags = c.Command.Flags
		if c.Command.HelpName != "" {
			where = c.Command.HelpName
		}
	}
	if len(flags) == 0 && c.App != nil && (c.Command == nil || c.Command.Name == "") {
		flags = c.App.Flags
	}
	prefix := strings.TrimSpace(strings.TrimPrefix(where, "stagecopy"))
	if prefix != "" {
		prefix += ": "
	}
	hint := fmt.Sprintf("run '%s --help' for its flags", where)
	msg := err.Error()
	if errors.Is(err, flag.ErrHelp) {
		msg = "flag provided but not defined: -h" // the flag package's answer to an undefined -h
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		return withHint(usagef("%sunknown flag %s%s", prefix, dashed(name), flagSuggestion(name, flags)), hint)
	}
	return withHint(usagef("%s%s", prefix, msg), hint)
}

// flagSuggestion is " (did you mean --x?)" for the flag of flags nearest to
// name, or "".
func flagSuggestion(name string, flags []cli.Flag) string {
	var names []string
	for _, f := range flags {
		names = append(names, f.Names()...)
	}
	if name == "h" {
		return " (help is --help; -h is --host where a command connects to a server)"
	}
	if c := suggest.Closest(name, names); c != "" {
		return fmt.Sprintf(" (did you mean %s?)", dashed(c))
	}
	return ""
}

// dashed writes a flag name as it is typed: -o, --output.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagHelp turns urfave/cli's "NAMES\tUSAGE" line of a flag into the names
// on one line and the usage under them (the template indents it), so that
// one long flag name does not push every usage past 80 columns; a
// repeatable flag is "--exclude GLOB ...", not "--exclude GLOB [ --exclude
// GLOB ]"; a switch does not say "(default: false)".
func flagHelp(s string) string {
	names, usage, ok := strings.Cut(s, "\t")
	if !ok {
		return s
	}
	if first, rest, ok := strings.Cut(names, " [ "); ok && rest == first+" ]" {
		names = first + " ..."
	}
	return names + "\n" + strings.TrimSuffix(usage, " (default: false)")
}

// wrapHelp wraps the lines of help text longer than width at spaces. A
// continuation is indented to the text column of the line (after the gap
// that follows a command name), or the line's own indent. A word longer
// than the room is left whole.
func wrapHelp(text string, width int) string {
	var out strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		body := strings.TrimRight(line, "\n")
		nl := line[len(body):]
		if len([]rune(body)) <= width {
			out.WriteString(line)
			continue
		}
		indent := len(body) - len(strings.TrimLeft(body, " "))
		start, hang := indent, indent
		if k := strings.Index(body[indent:], "  "); k > 0 {
			rest := body[indent+k:]
			if col := indent + k + len(rest) - len(strings.TrimLeft(rest, " ")); col < width/2+10 {
				start, hang = col, col
			}
		}
		lines := wrapWords(strings.Fields(body[start:]), body[:start], strings.Repeat(" ", hang), "", width)
		out.WriteString(strings.Join(lines, "\n") + nl)
	}
	return out.String()
}
