package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

// newCompletionCommand is `stagecopy completion bash|zsh|fish`: a shell
// completion script generated from the command definitions.
func newCompletionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "SHELL",
		Description: "Completes commands, subcommands and flags; arguments and flag values complete as file names.\n\n" +
			"Examples:\n" +
			"  stagecopy completion bash > /etc/bash_completion.d/stagecopy\n" +
			"  stagecopy completion zsh > \"${fpath[1]}/_stagecopy\"\n" +
			"  stagecopy completion fish > ~/.config/fish/completions/stagecopy.fish",
		Action: func(c *cli.Context) error {
			shell, err := oneArg(c, "SHELL")
			if err != nil {
				return err
			}
			switch shell {
			case "bash":
				return writeBashCompletion(e.stdout, c.App)
			case "zsh":
				// zsh runs the bash function through its bashcompinit.
				fmt.Fprintln(e.stdout, "#compdef stagecopy")
				fmt.Fprintln(e.stdout, "autoload -U +X bashcompinit && bashcompinit")
				return writeBashCompletion(e.stdout, c.App)
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = io.WriteString(e.stdout, s)
				return err
			}
			return usagef("completion: unknown shell %q (want bash, zsh or fish)", shell)
		},
	}
}

// writeBashCompletion writes a bash completion function with the words of
// every command path: subcommands, or flags after a "-".
func writeBashCompletion(w io.Writer, app *cli.App) error {
	type node struct{ subs, flags []string }
	paths := map[string]node{}
	var walk func(prefix string, cmds []*cli.Command, flags []cli.Flag)
	walk = func(prefix string, cmds []*cli.Command, flags []cli.Flag) {
		var n node
		for _, c := range cmds {
			if !c.Hidden {
				n.subs = append(n.subs, c.Names()...)
			}
		}
		seen := map[string]bool{}
		for _, f := range flags {
			if seen[f.Names()[0]] {
				continue
			}
			seen[f.Names()[0]] = true
			if bf, ok := f.(interface{ IsVisible() bool }); ok && !bf.IsVisible() {
				continue
			}
			for _, name := range f.Names() {
				n.flags = append(n.flags, dashed(name))
			}
		}
		if !seen["help"] {
			n.flags = append(n.flags, "--help")
		}
		paths[prefix] = n
		for _, c := range cmds {
			if !c.Hidden {
				for _, name := range c.Names() {
					walk(prefix+" "+name, c.Subcommands, c.Flags)
				}
			}
		}
	}
	walk("", app.Commands, append(append([]cli.Flag{}, app.Flags...), cli.VersionFlag, cli.HelpFlag))
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# bash completion for stagecopy, made by 'stagecopy completion bash'.\n")
	b.WriteString("_stagecopy() {\n")
	b.WriteString("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" w i subs flags\n")
	b.WriteString("  for ((i = 1; i < COMP_CWORD; i++)); do\n")
	b.WriteString("    w=\"${COMP_WORDS[i]}\"\n")
	b.WriteString("    case \"$path $w\" in\n")
	for _, k := range keys {
		if k != "" {
			fmt.Fprintf(&b, "      %q) path=\"$path $w\" ;;\n", k)
		}
	}
	b.WriteString("    esac\n")
	b.WriteString("  done\n")
	b.WriteString("  case \"$path\" in\n")
	for _, k := range keys {
		n := paths[k]
		fmt.Fprintf(&b, "    %q) subs=%q; flags=%q ;;\n", k, strings.Join(n.subs, " "), strings.Join(n.flags, " "))
	}
	b.WriteString("  esac\n")
	b.WriteString("  if [[ $cur == -* ]]; then\n")
	b.WriteString("    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n")
	b.WriteString("  elif [[ -n $subs ]]; then\n")
	b.WriteString("    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n")
	b.WriteString("  else\n")
	b.WriteString("    COMPREPLY=() # file names (complete -o default)\n")
	b.WriteString("  fi\n")
	b.WriteString("}\n")
	b.WriteString("complete -o default -F _stagecopy stagecopy\n")
	_, err := io.WriteString(w, b.String())
	return err
}
