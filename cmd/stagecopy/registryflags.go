package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/registry"
)

// stateDirFlag is --state-dir, shared by the commands that use the registry
// (list, restore, purge).
func stateDirFlag() cli.Flag {
	def, err := registry.DefaultDir()
	if err != nil {
		def = "$XDG_STATE_HOME/stagecopy or ~/.local/state/stagecopy"
	}
	return &cli.StringFlag{
		Name:        "state-dir",
		EnvVars:     []string{"STAGECOPY_STATE_DIR"},
		Usage:       "`DIR` holding the registry of staging copies (registry.json)",
		DefaultText: def,
	}
}

// openRegistry opens the registry --state-dir names (or the default), with
// hints for what can go wrong.
func openRegistry(c *cli.Context) (*registry.Registry, error) {
	dir := c.String("state-dir")
	if dir == "" {
		var err error
		if dir, err = registry.DefaultDir(); err != nil {
			return nil, withHint(err, "give --state-dir DIR or set STAGECOPY_STATE_DIR")
		}
	}
	r, err := registry.Open(dir)
	if err != nil {
		return nil, registryError(err)
	}
	return r, nil
}

// registryError adds the hint for a registry error; restore and purge pass
// the errors of Registry methods through it too.
func registryError(err error) error {
	switch {
	case errors.Is(err, registry.ErrCorrupt):
		return withHint(err, "fix registry.json at the place named (or restore it from a backup); "+
			"until then no command will change it, so nothing it records is lost")
	case errors.Is(err, registry.ErrVersion):
		return withHint(err, "use the stagecopy version that wrote this registry, or a newer one")
	case errors.Is(err, registry.ErrLocked):
		return withHint(err, "another restore or purge is changing the registry; wait for it to finish and run this again")
	case errors.Is(err, registry.ErrNotFound), errors.Is(err, registry.ErrAmbiguous):
		return withHint(err, "`stagecopy list` shows the staging copies and their IDs")
	}
	return err
}
