package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/rules"
)

// rulesFlags are shared by snapshot and anonymize.
func rulesFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "rules", Aliases: []string{"r"}, Usage: "anonymization rules `FILE` (YAML; see docs/rules.md); -r is rules here, not age's recipient (that is -e, --encrypt-to)"},
		&cli.StringFlag{Name: "preset", Usage: "built-in rules `NAME`: " + strings.Join(rules.Presets(), ", ") + " (a rules file can also say extends: preset:NAME)"},
		&cli.StringFlag{Name: "prefix", Usage: "table `PREFIX` the rules' {prefix} stands for (wp_, ps_, ...), overriding the rules file and presets"},
		&cli.StringFlag{Name: "secret-file", Usage: "key the fakes with the secret in `FILE` (>= 16 bytes), so separate runs give the same fakes; default: random per run, never stored"},
		&cli.StringFlag{Name: "report", Usage: "write the per-table anonymization report as JSON to `FILE`"},
	}
}

var errNoRules = errors.New("no anonymization rules given")

// loadRules reads --rules or --preset; nil when neither was given.
func loadRules(c *cli.Context) (*rules.Rules, error) {
	opts := rules.Options{CheckTransformer: anonymize.Validate, Prefix: c.String("prefix")}
	file, preset := c.String("rules"), c.String("preset")
	switch {
	case file != "" && preset != "":
		return nil, usagef("give --rules or --preset, not both (a rules file can say extends: preset:%s)", preset)
	case file != "":
		r, err := rules.Load(file, opts)
		if err != nil {
			return nil, withHint(err, "fix the rules file; 'stagecopy rules check "+shellArg(file)+"' shows every problem, docs/rules.md the syntax")
		}
		return r, nil
	case preset != "":
		r, err := rules.LoadPreset(preset, opts)
		if err != nil {
			return nil, withHint(err, "presets: "+strings.Join(rules.Presets(), ", "))
		}
		return r, nil
	}
	return nil, nil
}

func loadSecret(c *cli.Context) ([]byte, error) {
	if p := c.String("secret-file"); p != "" {
		s, err := anonymize.ReadSecret(p)
		if err != nil {
			return nil, withHint(err, "make one with: head -c 32 /dev/urandom | base64 > secret.txt")
		}
		return s, nil
	}
	return nil, nil
}

// printReport writes the anonymization report as a table.
func printReport(w io.Writer, r *anonymize.Report) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tACTION\tROWS\tCHANGED\tCOLUMNS")
	for _, t := range r.Tables {
		var cols []string
		for _, c := range t.Columns {
			cols = append(cols, fmt.Sprintf("%s:%s=%d", c.Column, c.Transformer, c.Changed))
		}
		rows := fmt.Sprint(t.Rows)
		if t.RowsDropped > 0 {
			rows = fmt.Sprintf("%d (%d dropped)", t.Rows, t.RowsDropped)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", t.Table, t.Action, rows, t.RowsChanged, strings.Join(cols, " "))
	}
	tw.Flush()
}
