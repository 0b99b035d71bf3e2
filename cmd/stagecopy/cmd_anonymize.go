package main

import (
	"context"
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/atomicfile"
)

// newAnonymizeCommand is `stagecopy anonymize`: its flags, parsed into
// anonymizeOptions for runAnonymize.
func newAnonymizeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "anonymize",
		Usage:     "filter a mysqldump stream, replacing personal data with consistent fakes",
		ArgsUsage: "[DUMP]",
		Description: "Reads a mysqldump/mariadb-dump SQL stream (DUMP, or standard input) and writes it to standard\n" +
			"output (or -o FILE) with the values the rules name replaced by fakes. Everything else comes out\n" +
			"byte for byte. It fails closed: a rule naming a missing table or column, a row it cannot\n" +
			"parse in a table with rules, or a value it cannot rewrite stops it with an error and exit 1.\n\n" +
			"Examples:\n" +
			"  mariadb-dump shop | stagecopy anonymize --preset woocommerce | zstd > safe.sql.zst\n" +
			"  stagecopy anonymize -r rules.yml --secret-file secret.txt -o safe.sql dump.sql",
		Flags: append(rulesFlags(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (written to a temporary name, renamed when complete) instead of standard output"},
			&cli.BoolFlag{Name: "force", Usage: "replace an existing --output file"},
			quietFlag(),
			&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"},
			&cli.StringFlag{Name: "memprofile", Hidden: true, Usage: "write a heap profile to `FILE` at the end"},
		),
		Action: func(c *cli.Context) error {
			opts, err := parseAnonymizeFlags(c)
			if err != nil {
				return err
			}
			return runAnonymize(c.Context, e, opts)
		},
	}
}

// anonymizeOptions is what anonymize's flags ask for.
type anonymizeOptions struct {
	anonymize.Options
	dump   string // the DUMP argument; "" or "-" for standard input
	output string // --output FILE; "" or "-" for standard output
	force  bool
	report string // --report FILE
	quiet  bool

	cpuProfile, memProfile string
}

// parseAnonymizeFlags reads anonymize's flags and the rules and secret they
// name.
func parseAnonymizeFlags(c *cli.Context) (anonymizeOptions, error) {
	var o anonymizeOptions
	if err := flagsFirst(c); err != nil {
		return o, err
	}
	if c.NArg() > 1 {
		return o, usagef("anonymize takes at most one DUMP argument")
	}
	r, err := loadRules(c)
	if err != nil {
		return o, err
	}
	if r == nil {
		return o, withHint(errNoRules, "give --rules FILE or --preset NAME; 'stagecopy rules explain --preset wordpress' shows what a preset does")
	}
	secret, err := loadSecret(c)
	if err != nil {
		return o, err
	}
	o.Options = anonymize.Options{Rules: r, Secret: secret}
	o.dump, o.output, o.force = c.Args().First(), c.String("output"), c.Bool("force")
	o.report, o.quiet = c.String("report"), c.Bool("quiet")
	o.cpuProfile, o.memProfile = c.String("cpuprofile"), c.String("memprofile")
	return o, nil
}

// runAnonymize filters the dump into the output (a file is written under a
// temporary name until it is complete) and prints the report.
func runAnonymize(ctx context.Context, e *env, o anonymizeOptions) error {
	dr, err := openDumpArg(e, o.dump)
	if err != nil {
		return err
	}
	defer dr.Close()
	var out io.Writer = e.stdout
	var file *atomicfile.File
	if o.output != "" && o.output != "-" {
		file, err = atomicfile.Create(o.output, o.force)
		if err != nil {
			return err
		}
		defer file.Abort()
		defer onInterrupt(file.Abort)()
		out = file
	}
	stopProfile, err := startProfile(o.cpuProfile, o.memProfile)
	if err != nil {
		return err
	}
	rep, err := anonymize.Run(ctx, out, dr, o.Options)
	stopProfile()
	if err != nil {
		return anonymizeHint(err)
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return err
		}
	}
	if o.report != "" {
		if err := writeJSONFile(o.report, rep); err != nil {
			return err
		}
	}
	if !o.quiet {
		printReport(e.stderr, rep)
	}
	return nil
}

func anonymizeHint(err error) error {
	switch {
	case errors.Is(err, anonymize.ErrRulesMismatch):
		return withHint(err, "fix the table or column names in the rules ('stagecopy rules check --dump DUMP FILE' checks them against a dump)")
	case errors.Is(err, anonymize.ErrUnsafe):
		return withHint(err, "nothing was kept; fix the input or the rule named above")
	}
	return err
}
