package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/dbconn"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/rules"
	"github.com/stagecopy/stagecopy/snapshot"
)

// dryRunOptions is rules explain --dry-run: the live database and the
// --subset root, if given.
type dryRunOptions struct {
	server dbdump.Config
	name   string            // the server, described
	root   *rules.SubsetRoot // --subset
}

func parseDryRun(c *cli.Context, e *env, o *rulesExplainOptions) error {
	if o.dump != "" {
		return usagef("rules explain --dry-run: %v", snapshot.ErrSubsetDump)
	}
	if !usesServer(c) {
		return usagef("rules explain --dry-run needs a live database: give --database NAME (and the connection flags snapshot takes)")
	}
	cfg, err := dbConfig(c, e)
	if err != nil {
		return err
	}
	d := &dryRunOptions{server: dbdump.Config{DSN: cfg.FormatDSN(), Database: cfg.DBName}, name: dbconn.Describe(cfg)}
	if f := c.String("subset"); f != "" {
		root, err := rules.ParseSubsetFlag(f)
		if err != nil {
			return usagef("%v", err)
		}
		d.root = &root
	}
	o.dryRun = d
	return nil
}

// runDryRun computes the subset on the live database and prints what it
// would take.
func runDryRun(ctx context.Context, e *env, r *rules.Rules, o *dryRunOptions) error {
	s := r.Subset
	if o.root != nil {
		s.Roots = []rules.SubsetRoot{*o.root}
	}
	if !s.Active() {
		return usagef("rules explain --dry-run: the rules have no subset root; give --subset 'TABLE: CONDITION'")
	}
	info, err := snapshot.PlanSubset(ctx, o.server, r, &s)
	if err != nil {
		return snapshotHint(err)
	}
	w := e.stdout
	fmt.Fprintf(w, "subset of database %s on %s (dry run: no row read, nothing written)\n", o.server.Database, o.name)
	fmt.Fprintln(w, "roots:")
	for _, root := range info.Roots {
		fmt.Fprintf(w, "  %s: %s\n", root.Table, root.Where)
	}
	fmt.Fprintf(w, "references followed (%d; dependents: taking the row referenced takes the rows referring to it):\n", len(info.References))
	for _, ref := range info.References {
		fmt.Fprintf(w, "  %s\n", ref)
	}
	fmt.Fprintf(w, "closure: %d rounds to its fixed point\n", info.Rounds)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tTAKEN AS\tROWS TAKEN\tROWS PRESENT (estimate)")
	var out []string
	var rows int64
	for _, t := range info.Tables {
		taken := fmt.Sprint(t.Taken)
		switch t.How {
		case "empty":
			out = append(out, t.Table)
			taken = "0"
		case "whole":
			taken = "~" + taken
		}
		rows += t.Taken
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", t.Table, t.How, taken, t.Present)
	}
	tw.Flush()
	fmt.Fprintf(w, "total: about %d rows\n", rows)
	if len(out) > 0 {
		fmt.Fprintf(w, "left out: %d tables reached by nothing (schema only): %s\n", len(out), strings.Join(out, ", "))
	}
	return nil
}

// explainSubset prints the rules' subset section, if they have one.
func explainSubset(w io.Writer, s *rules.Subset) {
	if len(s.Roots)+len(s.Always)+len(s.Whole)+len(s.References) == 0 {
		return
	}
	fmt.Fprintln(w, "\nsubset (snapshot --subset, or the roots below; see docs/rules.md):")
	if len(s.Roots) == 0 {
		fmt.Fprintln(w, "  roots: none, so no subset unless --subset gives one")
	}
	for _, r := range s.Roots {
		fmt.Fprintf(w, "  root %s: %s (%s)\n", r.Table, r.Where, r.Pos)
	}
	for _, r := range s.Always {
		fmt.Fprintf(w, "  always %s: %s (%s)\n", r.Table, r.Where, r.Pos)
	}
	for _, x := range s.Whole {
		fmt.Fprintf(w, "  whole %s\n", x.Pattern)
	}
	for _, r := range s.References {
		fmt.Fprintf(w, "  reference %s\n", r)
	}
}
