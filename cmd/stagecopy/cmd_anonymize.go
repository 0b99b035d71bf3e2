package main

import (
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/atomicfile"
)

func anonymizeCommand(e *env) *cli.Command {
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
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no report on stderr"},
		),
		Action: func(c *cli.Context) error {
			if err := flagsFirst(c); err != nil {
				return err
			}
			if c.NArg() > 1 {
				return usagef("anonymize takes at most one DUMP argument")
			}
			r, err := loadRules(c)
			if err != nil {
				return err
			}
			if r == nil {
				return withHint(errNoRules, "give --rules FILE or --preset NAME; 'stagecopy rules explain --preset wordpress' shows what a preset does")
			}
			secret, err := loadSecret(c)
			if err != nil {
				return err
			}
			dr, err := openDumpArg(e, c.Args().First())
			if err != nil {
				return err
			}
			defer dr.Close()
			var out io.Writer = e.stdout
			var file *atomicfile.File
			if p := c.String("output"); p != "" && p != "-" {
				file, err = atomicfile.Create(p, c.Bool("force"))
				if err != nil {
					return err
				}
				defer file.Abort()
				defer onInterrupt(file.Abort)()
				out = file
			}
			rep, err := anonymize.Run(c.Context, out, dr, anonymize.Options{Rules: r, Secret: secret})
			if err != nil {
				return anonymizeHint(err)
			}
			if file != nil {
				if err := file.Commit(); err != nil {
					return err
				}
			}
			if p := c.String("report"); p != "" {
				if err := writeJSONFile(p, rep); err != nil {
					return err
				}
			}
			if !c.Bool("quiet") {
				printReport(e.stderr, rep)
			}
			return nil
		},
	}
}

func anonymizeHint(err error) error {
	switch {
	case errors.Is(err, anonymize.ErrRulesMismatch):
		return withHint(err, "fix the table or column names in the rules ('stagecopy rules check FILE --dump DUMP' checks them against a dump)")
	case errors.Is(err, anonymize.ErrUnsafe):
		return withHint(err, "nothing was kept; fix the input or the rule named above")
	}
	return err
}
