package main

import "github.com/urfave/cli/v2"

// oneArg is the one argument the command takes, named name in the usage
// error when there is not exactly one.
func oneArg(c *cli.Context, name string) (string, error) {
	if err := flagsFirst(c); err != nil {
		return "", err
	}
	if c.NArg() != 1 {
		return "", usagef("%s: want exactly one %s argument, got %d", c.Command.Name, name, c.NArg())
	}
	return c.Args().First(), nil
}

// flagsFirst catches flags written after the arguments, which urfave/cli
// would otherwise take for arguments.
func flagsFirst(c *cli.Context) error {
	for _, a := range c.Args().Slice() {
		if len(a) > 1 && a[0] == '-' {
			return usagef("%s: flag %s comes after the argument %q; flags go before arguments", c.Command.Name, a, c.Args().Get(0))
		}
	}
	return nil
}
