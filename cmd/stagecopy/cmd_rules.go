package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/decompress"
	"github.com/stagecopy/stagecopy/rules"
)

// newRulesCommand is `stagecopy rules`, with the subcommands check
// (runRulesCheck) and explain (runRulesExplain).
func newRulesCommand(e *env) *cli.Command {
	dumpFlag := &cli.StringFlag{Name: "dump", Usage: "check against the tables and columns of this SQL dump `FILE`"}
	return &cli.Command{
		Name:  "rules",
		Usage: "check and explain anonymization rules",
		Subcommands: []*cli.Command{
			{
				Name:      "check",
				Usage:     "validate a rules file (every error with file:line:column); with --dump, against a dump's schema",
				ArgsUsage: "FILE",
				Flags:     []cli.Flag{dumpFlag},
				Action: func(c *cli.Context) error {
					path, err := oneArg(c, "FILE")
					if err != nil {
						return err
					}
					return runRulesCheck(c.Context, e, path, c.String("dump"))
				},
			},
			{
				Name:      "explain",
				Usage:     "print what the rules will do to each table and column",
				ArgsUsage: "[FILE]",
				Flags:     []cli.Flag{dumpFlag, &cli.StringFlag{Name: "preset", Usage: "explain the built-in preset `NAME`"}},
				Action: func(c *cli.Context) error {
					opts := rulesExplainOptions{dump: c.String("dump")}
					switch {
					case c.NArg() == 1 && !c.IsSet("preset"):
						opts.file = c.Args().First()
					case c.NArg() == 0 && c.IsSet("preset"):
						opts.preset, opts.isPreset = c.String("preset"), true
					default:
						return usagef("rules explain: give a rules FILE or --preset NAME (presets: %s)", strings.Join(rules.Presets(), ", "))
					}
					return runRulesExplain(c.Context, e, opts)
				},
			},
		},
	}
}

// runRulesCheck loads the rules file at path, checks it against the schema
// of the dump when one is named, and says it is valid.
func runRulesCheck(ctx context.Context, e *env, path, dump string) error {
	r, err := rules.Load(path, rules.Options{CheckTransformer: anonymize.Validate})
	if err != nil {
		return withHint(err, "docs/rules.md describes the syntax; 'stagecopy rules explain --preset wordpress' shows what valid rules do")
	}
	if dump != "" {
		warnings, err := checkAgainstDump(ctx, r, dump)
		for _, w := range warnings {
			fmt.Fprintf(e.stderr, "stagecopy: warning: %s\n", w)
		}
		if err != nil {
			return withHint(err, "rename the rules to the tables and columns the dump has")
		}
	}
	fmt.Fprintf(e.stdout, "ok: %s: %d table rules, digest %s\n", path, len(r.Tables), r.Digest())
	return nil
}

// rulesExplainOptions is what rules explain's flags ask for: a rules file
// or a preset, and a dump whose tables to go through.
type rulesExplainOptions struct {
	file     string
	preset   string
	isPreset bool
	dump     string
}

// runRulesExplain prints what the rules do, table by table (the dump's
// tables when one is named).
func runRulesExplain(ctx context.Context, e *env, o rulesExplainOptions) error {
	var r *rules.Rules
	var err error
	opts := rules.Options{CheckTransformer: anonymize.Validate}
	if o.isPreset {
		r, err = rules.LoadPreset(o.preset, opts)
	} else {
		r, err = rules.Load(o.file, opts)
	}
	if err != nil {
		return err
	}
	var schema *anonymize.Schema
	if o.dump != "" {
		if schema, err = readSchema(ctx, o.dump); err != nil {
			return err
		}
	}
	explain(e.stdout, r, schema)
	return nil
}

// readSchema reads the tables and columns of the dump at path.
func readSchema(ctx context.Context, path string) (*anonymize.Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, withHint(err, "check the --dump path")
	}
	defer f.Close()
	in, err := decompress.New(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer in.Close()
	return anonymize.ReadSchema(ctx, in)
}

// checkAgainstDump checks r against the schema of the dump at path.
func checkAgainstDump(ctx context.Context, r *rules.Rules, path string) ([]string, error) {
	s, err := readSchema(ctx, path)
	if err != nil {
		return nil, err
	}
	return r.CheckSchema(s)
}

// explain prints each rule; with a schema, each table of the dump and the
// rule that applies to it.
func explain(w io.Writer, r *rules.Rules, s *anonymize.Schema) {
	if s == nil {
		for _, t := range r.Tables {
			explainTable(w, t.Pattern, t)
		}
		return
	}
	for _, name := range s.Tables() {
		explainTable(w, name, r.ForTable(name))
	}
}

func explainTable(w io.Writer, name string, t *rules.TableRule) {
	if t == nil {
		fmt.Fprintf(w, "%s: no rule, copied as is\n", name)
		return
	}
	fmt.Fprintf(w, "%s: %s (%s)\n", name, t.Action, t.Pos)
	for _, c := range t.Where {
		fmt.Fprintf(w, "    only rows where %s\n", describeCondition(c))
	}
	for _, c := range t.Columns {
		if c.Keep {
			fmt.Fprintf(w, "  %s: kept unchanged, on purpose\n", c.Column)
			continue
		}
		explainSpec(w, "  "+c.Column, c.Spec, c.PHP, c.JSON, c.Where)
	}
	if t.EAV != nil {
		fmt.Fprintf(w, "  rows are key/value pairs: %s by %s\n", t.EAV.ValueColumn, t.EAV.KeyColumn)
		keys := append([]*rules.KeyRule(nil), t.EAV.Keys...)
		sort.SliceStable(keys, func(i, j int) bool { return keys[i].Key < keys[j].Key })
		for _, k := range keys {
			if k.Keep {
				fmt.Fprintf(w, "    %s=%s: kept unchanged, on purpose\n", t.EAV.KeyColumn, k.Key)
				continue
			}
			explainSpec(w, fmt.Sprintf("    %s=%s", t.EAV.KeyColumn, k.Key), k.Spec, k.PHP, k.JSON, nil)
		}
	}
}

func explainSpec(w io.Writer, label string, spec *rules.Spec, php, json []*rules.PathRule, where []rules.Condition) {
	cond := ""
	for _, c := range where {
		cond += " where " + describeCondition(c)
	}
	if spec != nil {
		fmt.Fprintf(w, "%s: %s%s\n", label, anonymize.Describe(spec.Name, spec.Options), cond)
	}
	for _, p := range php {
		fmt.Fprintf(w, "%s: in PHP-serialized data at %s: %s%s\n", label, p.Path, anonymize.Describe(p.Spec.Name, p.Spec.Options), cond)
	}
	for _, p := range json {
		fmt.Fprintf(w, "%s: in JSON at %s: %s%s\n", label, p.Path, anonymize.Describe(p.Spec.Name, p.Spec.Options), cond)
	}
}

func describeCondition(c rules.Condition) string {
	not := ""
	if c.Not {
		not = "not "
	}
	switch {
	case c.Regex != nil:
		return fmt.Sprintf("%s %smatches /%s/", c.Column, not, c.Regex)
	case c.Null != nil:
		return fmt.Sprintf("%s %sis null=%v", c.Column, not, *c.Null)
	case len(c.Equals) == 1:
		return fmt.Sprintf("%s %s= %q", c.Column, not, c.Equals[0])
	}
	return fmt.Sprintf("%s %sin %q", c.Column, not, c.Equals)
}
