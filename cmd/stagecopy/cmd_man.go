package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

// newManCommand is the hidden `stagecopy man`: the manual page, in roff,
// generated from the command definitions (scripts/release installs it as
// stagecopy.1).
func newManCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the manual page (roff), made from the command definitions",
		Hidden: true,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("man takes no arguments")
			}
			s, err := c.App.ToManWithSection(1)
			if err != nil {
				return err
			}
			_, err = io.WriteString(e.stdout, s)
			return err
		},
	}
}
