package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
)

// newInspectCommand is `stagecopy inspect`: its flags, parsed into
// inspectOptions for runInspect.
func newInspectCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show what an archive holds: header, tables with rows and bytes, files, manifest",
		ArgsUsage: "ARCHIVE",
		Description: "Reads (and so verifies) the whole archive, then prints its header, one line per table\n" +
			"(rows, SQL bytes, entries), the file tree's totals and the manifest's Merkle root.\n" +
			"--json prints {\"header\": ..., \"manifest\": ..., \"sha256\": ..., \"encrypted\": ...} for machines.\n" +
			"An encrypted archive needs --identity FILE or --passphrase-file FILE, as for verify.",
		Flags: append(keyFlags(),
			&cli.BoolFlag{Name: "json", Usage: "machine-readable output"},
			quietFlag(), progressFlag(),
		),
		Action: func(c *cli.Context) error {
			path, err := oneArg(c, "ARCHIVE")
			if err != nil {
				return err
			}
			keys, err := loadKeys(c, e, path)
			if err != nil {
				return err
			}
			progress, err := progressOf(c)
			if err != nil {
				return err
			}
			if c.Bool("json") && !c.IsSet("progress") {
				progress = progressNone
			}
			return runInspect(c.Context, e, inspectOptions{path: path, keys: keys, json: c.Bool("json"), progress: progress})
		},
	}
}

// inspectOptions is what inspect's flags ask for.
type inspectOptions struct {
	path     string // the ARCHIVE argument, "-" for standard input
	keys     archive.Keys
	json     bool
	progress progressMode
}

// runInspect reads the whole archive and prints what it holds.
func runInspect(ctx context.Context, e *env, o inspectOptions) error {
	sum, err := readArchive(ctx, e, o.path, o.progress, "inspect", o.keys, nil)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(e.stdout, map[string]any{"header": sum.header, "manifest": sum.manifest, "sha256": sum.sha256, "compressed_bytes": sum.compressed, "encrypted": sum.decryption.Encrypted})
	}
	printInspect(e, o.path, sum)
	return nil
}

func printInspect(e *env, path string, sum *archiveSummary) {
	h, m := sum.header, sum.manifest
	w := e.stdout
	fmt.Fprintf(w, "archive      %s\n", path)
	fmt.Fprintf(w, "snapshot     %s\n", h.SnapshotID)
	fmt.Fprintf(w, "created      %s\n", h.Created.Format(time.RFC3339))
	if !h.Expires.IsZero() {
		fmt.Fprintf(w, "expires      %s%s\n", h.Expires.Format(time.RFC3339), expiredNote(h.Expires))
	}
	if enc := describeDecryption(sum.decryption); enc != "" {
		fmt.Fprintf(w, "encrypted    %s\n", enc)
	}
	fmt.Fprintf(w, "tool         %s %s\n", h.Tool.Name, h.Tool.Version)
	src := h.Source.Kind
	if h.Source.DumpFile != "" {
		src += " " + h.Source.DumpFile
	}
	if h.Source.Database != "" {
		src += " (database " + h.Source.Database + ")"
	}
	fmt.Fprintf(w, "source       %s\n", src)
	if h.Source.FilesDir != "" {
		fmt.Fprintf(w, "files from   %s\n", h.Source.FilesDir)
	}
	if h.Source.ServerVersion != "" {
		fmt.Fprintf(w, "server       %s\n", h.Source.ServerVersion)
	}
	switch {
	case h.NotAnonymized:
		fmt.Fprintf(w, "anonymized   NO: made with --no-anonymize; it holds the source's personal data as it was\n")
	case h.Anonymized:
		fmt.Fprintf(w, "anonymized   yes (rules %s)\n", h.RulesDigest)
	}
	var rows, bytes int64
	for _, t := range m.Tables {
		rows += t.Rows
		bytes += t.Bytes
	}
	fmt.Fprintf(w, "\ntables       %d (%d rows, %d bytes of SQL)\n", len(m.Tables), rows, bytes)
	if len(m.Tables) > 0 {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  TABLE\tROWS\tBYTES\tDATA ENTRIES")
		for _, t := range m.Tables {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\n", t.Name, t.Rows, t.Bytes, len(t.DataEntries))
		}
		tw.Flush()
	}
	printPrivacy(w, m.Privacy)
	f := m.Files
	fmt.Fprintf(w, "\nfiles        %d files, %d directories, %d symlinks, %d bytes\n", f.Count, f.Dirs, f.Symlinks, f.Bytes)
	for _, s := range f.Skipped {
		fmt.Fprintf(w, "  skipped    %s\n", s)
	}
	fmt.Fprintf(w, "\nentries      %d, %d bytes uncompressed, %d compressed\n", m.EntryCount, m.TotalBytes, sum.compressed)
	fmt.Fprintf(w, "merkle root  %s\n", m.MerkleRoot)
	fmt.Fprintf(w, "sha256       %s\n", sum.sha256)
}

// printPrivacy prints the manifest's record of the check of every row
// written: what still looked like personal data after the rules.
func printPrivacy(w io.Writer, privacy any) {
	if privacy == nil {
		return
	}
	rep, ok := privacyRecord(privacy)
	if !ok {
		fmt.Fprintf(w, "\nprivacy      (unreadable record)\n")
		return
	}
	fmt.Fprintf(w, "\nprivacy      %s\n", rep.Summary())
	if len(rep.Findings) > 0 {
		printFindings(w, "  ", rep.Findings)
	}
}
