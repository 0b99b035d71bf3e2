package main

import (
	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/rules"
)

// subsetFlag is --subset, shared by snapshot and rules explain.
func subsetFlag() cli.Flag {
	return &cli.StringFlag{Name: "subset", Usage: "copy only the rows of `'TABLE: CONDITION'` and the rows they need (what they reference, their meta, items, comments); replaces the rules file's subset roots, keeps its references (live database; docs/rules.md)"}
}

// subsetOf returns the subset asked for: the rules' subset section, with
// --subset's root in place of its roots; nil when there is no root.
func subsetOf(c *cli.Context, r *rules.Rules) (*rules.Subset, error) {
	var s rules.Subset
	if r != nil {
		s = r.Subset
	}
	if f := c.String("subset"); f != "" {
		root, err := rules.ParseSubsetFlag(f)
		if err != nil {
			return nil, usagef("%v", err)
		}
		s.Roots = []rules.SubsetRoot{root}
	}
	if !s.Active() {
		return nil, nil
	}
	return &s, nil
}
