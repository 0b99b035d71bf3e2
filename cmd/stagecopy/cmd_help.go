package main

import (
	"github.com/urfave/cli/v2"
)

// newHelpCommand is `stagecopy help [COMMAND [SUBCOMMAND]]`: the list of
// commands, or the --help of the one named. An unknown name is a usage
// error (exit 2), with a suggestion.
func newHelpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "list the commands, or show one command's help (the same as COMMAND --help)",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Action: func(c *cli.Context) error {
			if err := flagsFirst(c); err != nil {
				return err
			}
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			topic := c.Args().Slice()
			if _, err := lookupCommand(c.App.Commands, topic); err != nil {
				return err
			}
			args := append(append([]string{c.App.Name}, topic...), "--help")
			return c.App.RunContext(c.Context, args)
		},
	}
}
