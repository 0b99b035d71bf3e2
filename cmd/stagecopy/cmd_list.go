package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/registry"
)

// listNow is the clock list measures expiry against; tests set it.
var listNow = time.Now

// newListCommand is `stagecopy list`: its flags, parsed into listOptions
// for runList.
func newListCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "show the restored staging copies recorded in the registry",
		Description: "Lists what `stagecopy restore` recorded and `stagecopy purge` works from, oldest first:\n" +
			"ID (purge takes it, or any unique prefix), snapshot, database, files directory, URL, when it was\n" +
			"made, when it expires (a copy expires with its archive, unless restored with --outlive-archive;\n" +
			"a copy purged or being purged shows that there instead), and its status. --expired lists the\n" +
			"copies 'stagecopy purge --expired' would remove. --json prints the registry entries as they are stored.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the entries as a JSON array"},
			&cli.BoolFlag{Name: "expired", Usage: "only copies past their expiry time and not purged yet (what purge --expired removes)"},
			stateDirFlag(),
		},
		Action: func(c *cli.Context) error {
			if err := flagsFirst(c); err != nil {
				return err
			}
			if c.NArg() != 0 {
				return usagef("list: takes no arguments, got %q", c.Args().First())
			}
			reg, err := openRegistry(c)
			if err != nil {
				return err
			}
			return runList(c.Context, e, listOptions{registry: reg, json: c.Bool("json"), expired: c.Bool("expired")})
		},
	}
}

// listOptions is what list's flags ask for.
type listOptions struct {
	registry      *registry.Registry
	json, expired bool
}

// runList prints the registry's entries (only the expired ones with
// expired), as a table or as JSON.
func runList(ctx context.Context, e *env, o listOptions) error {
	all, err := o.registry.List(ctx)
	if err != nil {
		return registryError(err)
	}
	now := listNow()
	es := all
	if o.expired {
		es = nil
		for _, x := range all {
			if x.Expired(now) && x.Status != registry.StatusPurged {
				es = append(es, x)
			}
		}
	}
	if o.json {
		if es == nil {
			es = []registry.Entry{} // "[]", not "null", for scripts
		}
		return printJSON(e.stdout, es)
	}
	switch {
	case len(all) == 0:
		fmt.Fprintf(e.stdout, "no staging copies in %s; `stagecopy restore ARCHIVE` makes one\n", o.registry.Dir())
		return nil
	case len(es) == 0:
		fmt.Fprintf(e.stdout, "no expired staging copies (%d in %s; `stagecopy list` shows them)\n", len(all), o.registry.Dir())
		return nil
	}
	printList(e, es, now)
	return nil
}

// printList prints entries as a table, one line each, the way `docker ps`
// does.
func printList(e *env, es []registry.Entry, now time.Time) {
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tSNAPSHOT\tDATABASE\tFILES\tURL\tCREATED\tEXPIRES\tSTATUS")
	for _, x := range es {
		snap := x.SnapshotID
		if len(snap) > 12 {
			snap = snap[:12]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, dash(snap), dash(x.Database), dash(x.FilesDir), dash(x.URL),
			x.Created.Local().Format("2006-01-02 15:04"), expiresText(x, now), x.Status)
	}
	tw.Flush()
}

// expiresText is "in 3d", "EXPIRED 2h ago", or "-" when the copy has no
// expiry time; a copy that is purged, or being purged, has its state
// instead: an expiry means nothing for a copy that is gone, and a purge
// that stopped half-way needs running again whatever the expiry.
func expiresText(x registry.Entry, now time.Time) string {
	switch {
	case x.Status == registry.StatusPurged:
		return "purged"
	case x.Status == registry.StatusPurging:
		return "purging: run purge again"
	case x.Expires.IsZero():
		return "-"
	case x.Expired(now):
		return "EXPIRED " + roughDuration(now.Sub(x.Expires)) + " ago"
	default:
		return "in " + roughDuration(x.Expires.Sub(now))
	}
}

// roughDuration gives d in its largest whole unit: "3d", "5h", "12m", "<1m".
func roughDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	default:
		return "<1m"
	}
}
