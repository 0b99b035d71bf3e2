package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// Set by scripts/release with -ldflags "-X main.version=... -X main.commit=...";
// without them the version comes from the build info (versionOf).
var (
	version = ""
	commit  = ""
)

// noVersion is the version of a build that carries none: no -ldflags, no
// module version (go install ...@VERSION sets one) and no VCS revision
// (go build in a git checkout records one, unless -buildvcs=false).
const noVersion = "devel"

// toolVersion returns the version and the commit of this binary, as the
// archive header, the receipts and `stagecopy version` give them.
func toolVersion() (string, string) {
	info, _ := debug.ReadBuildInfo()
	return versionOf(version, commit, info)
}

// versionOf picks the version and commit: the -ldflags values first, then
// the module version (a tag, or Go's pseudo-version, with +dirty when the
// work tree had changes), then the VCS revision ("devel-REV", "-dirty" when
// modified); the commit is the VCS revision, "-dirty" when modified.
func versionOf(ldVersion, ldCommit string, info *debug.BuildInfo) (string, string) {
	v, c := ldVersion, ldCommit
	if info == nil {
		if v == "" {
			v = noVersion
		}
		return v, c
	}
	rev, modified := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if c == "" && rev != "" {
		c = rev
		if modified {
			c += "-dirty"
		}
	}
	if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" && rev != "" {
		v = "devel-" + rev[:min(12, len(rev))]
		if modified {
			v += "-dirty"
		}
	}
	if v == "" {
		v = noVersion
	}
	return v, c
}

// versionLine is what --version and `stagecopy version` print.
func versionLine() string {
	v, c := toolVersion()
	s := "stagecopy version " + v
	if c != "" {
		s += " (commit " + c + ")"
	}
	if v == noVersion {
		s += " (this build carries no version and no VCS revision; scripts/release stamps one)"
	}
	return s
}

// newVersionCommand is `stagecopy version`, the same as --version, with the
// Go version and platform.
func newVersionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the commit it was built from, and the platform",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("version takes no arguments (got %q)", c.Args().First())
			}
			fmt.Fprintln(e.stdout, versionLine())
			fmt.Fprintf(e.stdout, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
