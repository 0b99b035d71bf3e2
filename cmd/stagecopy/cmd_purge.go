package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/go-sql-driver/mysql"
	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbconn"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/purge"
)

// errNotErased is returned when a purge wrote a receipt whose status is not
// erased: the exit status is then 1.
var errNotErased = errors.New("purge: not everything is gone")

// newPurgeCommand is `stagecopy purge`: its flags, parsed into
// purgeOptions for runPurge.
func newPurgeCommand(e *env) *cli.Command {
	flags := append(serverFlags(),
		&cli.StringFlag{Name: "sign-key", Usage: "receipt signing key `FILE` (default: receipt.key in the user's stagecopy config directory, as keygen writes it)"},
		&cli.StringFlag{Name: "receipt", Usage: "write the receipt to `FILE` (default: STATE-DIR/receipts/RECEIPT-ID.dsse.json)"},
		&cli.StringFlag{Name: "operator", Usage: "who runs the purge, as the receipt names them (default: $USER)"},
		&cli.StringFlag{Name: "manifest", Usage: "the archive's sidecar manifest `FILE`, only needed when purge cannot read it from the registry, beside the archive or in it"},
		&cli.BoolFlag{Name: "keep-archive", Usage: "leave the archive file in place (the receipt says so)"},
		&cli.BoolFlag{Name: "expired", Usage: "purge every staging copy past its expiry time, each with its own receipt"},
		&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "show what would be purged, delete nothing"},
		quietFlag(), jsonFlag(),
		stateDirFlag(),
	)
	return &cli.Command{
		Name:      "purge",
		Usage:     "destroy a staging copy that restore made, and sign a deletion receipt",
		ArgsUsage: "STAGING_ID | --expired",
		Description: "Works only from the registry ('stagecopy list'), and only on what restore made for that staging id:\n" +
			"the database whose _stagecopy_staging table names it, the files directory whose .stagecopy-staging.json\n" +
			"names it, the archive whose SHA-256 the registry recorded, the per-snapshot age identity (a file\n" +
			"starting with '# stagecopy per-snapshot age identity'). Anything else is left alone, whatever the flags.\n" +
			"Each part is measured (tables, rows, files, bytes, a Merkle root of the files), deleted, and looked for\n" +
			"again; the receipt, signed with the key keygen made, says what was found, and is appended to the\n" +
			"receipt log in STATE-DIR/receipt-log with an inclusion proof beside it. Without a signing key nothing\n" +
			"is deleted. The connection is the one restore used (from the registry); the password comes from\n" +
			"--password-file, -p, the option files (~/.my.cnf ...) or $MYSQL_PWD, and connection flags override the recorded ones.\n" +
			"When something could not be removed (server down, permission denied) the receipt says so and the\n" +
			"registry keeps the copy as 'purging': run purge again to finish; it is marked 'purged' once all is gone.\n\n" +
			"Examples:\n" +
			"  stagecopy purge stg-0a1b2c3d4e5f\n" +
			"  stagecopy purge --expired --dry-run\n" +
			"  stagecopy purge --expired --password-file ~/.staging-pw\n\n" +
			"Exit codes: 0 erased, 1 anything else (not erased, refused, errors), 2 usage errors.",
		Flags: flags,
		Action: func(c *cli.Context) error {
			opts, err := parsePurgeFlags(c)
			if err != nil {
				return err
			}
			return runPurge(c.Context, e, opts)
		},
	}
}

// purgeOptions is what purge's flags ask for.
type purgeOptions struct {
	registry    *registry.Registry
	id          string // the STAGING_ID argument; "" with --expired
	expired     bool   // every staging copy past its expiry time
	dryRun      bool
	keepArchive bool
	signKey     string // --sign-key FILE; "" for the config directory's
	manifest    string // --manifest FILE
	receipt     string // --receipt FILE
	operator    string
	server      serverFlagValues // over each entry's recorded connection
	quiet, json bool
}

// parsePurgeFlags reads purge's flags and opens the registry; the signing
// key and the password are read only when there is something to purge.
func parsePurgeFlags(c *cli.Context) (purgeOptions, error) {
	var o purgeOptions
	if err := flagsFirst(c); err != nil {
		return o, err
	}
	expired := c.Bool("expired")
	switch {
	case expired && c.NArg() != 0:
		return o, usagef("purge --expired takes no staging id, got %q", c.Args().First())
	case !expired && c.NArg() != 1:
		return o, usagef("purge: give one STAGING_ID (see 'stagecopy list'), or --expired")
	case expired && c.String("receipt") != "":
		return o, usagef("--receipt names one file: it cannot be used with --expired (each copy gets its own receipt)")
	case c.Bool("json") && c.Bool("dry-run"):
		return o, usagef("--json prints what purge did; --dry-run prints its plan as text only")
	}
	reg, err := openRegistry(c)
	if err != nil {
		return o, err
	}
	return purgeOptions{
		registry: reg, id: c.Args().First(), expired: expired,
		dryRun: c.Bool("dry-run"), keepArchive: c.Bool("keep-archive"),
		signKey: c.String("sign-key"), manifest: c.String("manifest"), receipt: c.String("receipt"),
		operator: c.String("operator"), server: readServerFlags(c, dbconn.ClientGroups),
		quiet: c.Bool("quiet"), json: c.Bool("json"),
	}, nil
}

// runPurge finds the staging copies to purge in the registry, and prints
// what --dry-run would do, or purges each and prints its receipt.
func runPurge(ctx context.Context, e *env, o purgeOptions) error {
	// What killed purges left, even when nothing is to be purged now.
	if !o.dryRun {
		if err := purge.Tidy(ctx, o.registry); err != nil {
			return registryError(err)
		}
	}
	var entries []registry.Entry
	if o.expired {
		all, err := o.registry.List(ctx)
		if err != nil {
			return registryError(err)
		}
		now := listNow()
		for _, x := range all {
			if x.Expired(now) && x.Status != registry.StatusPurged {
				entries = append(entries, x)
			}
		}
		if len(entries) == 0 {
			switch {
			case o.json:
				return printJSON(e.stdout, purgeJSON{Purged: []purgedJSON{}})
			case !o.quiet:
				fmt.Fprintf(e.stdout, "no expired staging copies to purge in %s\n", o.registry.Dir())
			}
			return nil
		}
	} else {
		x, err := o.registry.Get(ctx, o.id)
		if err != nil {
			return registryError(err)
		}
		if x.Status == registry.StatusPurged {
			return withHint(fmt.Errorf("%w: %s", purge.ErrAlreadyPurged, x.ID), "its receipt is named in the registry notes: 'stagecopy list --json'")
		}
		entries = []registry.Entry{x}
	}
	if o.dryRun {
		printPurgePlan(e, entries, o.keepArchive)
		return nil
	}
	popts, err := preparePurge(e, o)
	if err != nil {
		return err
	}
	failed := 0
	out := purgeJSON{Purged: []purgedJSON{}}
	if o.json {
		// What was done is printed even when a later copy fails.
		defer func() { printJSON(e.stdout, out) }()
	}
	for i, x := range entries {
		if i > 0 && !o.quiet && !o.json {
			fmt.Fprintln(e.stdout)
		}
		res, err := purge.Run(ctx, x.ID, popts)
		if err != nil {
			if !o.expired {
				return purgeHint(err)
			}
			failed++
			report(e.stderr, purgeHint(fmt.Errorf("%s: %w", x.ID, err)))
			continue
		}
		if res.LogError != nil {
			fmt.Fprintf(e.stderr, "stagecopy: warning: the receipt was not added to the receipt log: %v\n", res.LogError)
		}
		switch {
		case o.json:
			out.Purged = append(out.Purged, purgedJSONOf(res))
		case !o.quiet:
			printPurgeSummary(e, res, popts.Key)
		}
		if res.Status() != receipt.Erased {
			failed++
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if failed > 0 {
		if !o.expired {
			return withHint(fmt.Errorf("%w: %s (see the receipt above)", errNotErased, entries[0].ID),
				"fix what the exceptions name and run 'stagecopy purge "+entries[0].ID+"' again; it finishes the job and writes a new receipt")
		}
		return withHint(fmt.Errorf("%w: %d of %d expired staging copies", errNotErased, failed, len(entries)),
			"fix what the exceptions name and run 'stagecopy purge --expired' again")
	}
	return nil
}

// preparePurge loads the signing key (before anything else: no key, no
// purge) and the manifest, reads the password, and builds the connection
// function.
func preparePurge(e *env, o purgeOptions) (purge.Options, error) {
	keyPath := o.signKey
	if keyPath == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return purge.Options{}, withHint(fmt.Errorf("%w: %v", purge.ErrNoSigningKey, err), "give --sign-key FILE")
		}
		keyPath = filepath.Join(dir, "stagecopy", "receipt.key")
	}
	key, err := receipt.LoadPrivateKey(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return purge.Options{}, withHint(fmt.Errorf("%w: %s does not exist; nothing was deleted", purge.ErrNoSigningKey, keyPath),
			"run 'stagecopy keygen' once (or give --sign-key FILE): a purge always ends in a signed receipt")
	}
	if err != nil {
		return purge.Options{}, withHint(err, "check --sign-key; nothing was deleted")
	}
	var manifest []byte
	if o.manifest != "" {
		if manifest, err = os.ReadFile(o.manifest); err != nil {
			return purge.Options{}, withHint(err, "check --manifest")
		}
	}
	// The password and the flags' overrides, read once for every entry
	// (-p asks once).
	base, err := o.server.config(e, "")
	if err != nil {
		return purge.Options{}, err
	}
	operator := o.operator
	if operator == "" {
		operator = os.Getenv("USER")
	}
	if operator == "" {
		operator = "unknown"
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	v, _ := toolVersion()
	return purge.Options{
		Registry: o.registry, Key: key, KeepArchive: o.keepArchive, Manifest: manifest,
		ReceiptPath: o.receipt, Operator: operator, Host: host,
		Tool: receipt.Tool{Name: "stagecopy", Version: v},
		Server: func(x registry.Entry) (*mysql.Config, error) {
			c := o.server.options(e)
			c.Target, c.Password = o.server.target.over(x.Conn), base.Passwd
			return c.Config()
		},
	}, nil
}

func purgeHint(err error) error {
	switch {
	case errors.Is(err, purge.ErrNoManifest):
		return withHint(err, "the owner's NAME.tar.zst.manifest.json is what the receipt is checked against: ask for a copy and give it with --manifest")
	case errors.Is(err, purge.ErrAlreadyPurged):
		return withHint(err, "its receipt is named in the registry notes: 'stagecopy list --json'")
	case errors.Is(err, purge.ErrNoSigningKey):
		return withHint(err, "run 'stagecopy keygen' once (or give --sign-key FILE)")
	case errors.Is(err, registry.ErrBusy):
		return withHint(err, "a restore of this copy, a purge of it, or a restore --force replacing it is still running (the pid above): wait for it (a restore stopped with Ctrl-C undoes what it made), then purge again; nothing was deleted")
	case errors.Is(err, receipt.ErrLog):
		return withHint(err, "the receipt log is checked before anything is deleted; repair it or give the key it was signed with")
	}
	return registryError(err)
}

// printPurgePlan is --dry-run: what each purge would act on.
func printPurgePlan(e *env, es []registry.Entry, keepArchive bool) {
	w := e.stdout
	for _, x := range es {
		fmt.Fprintf(w, "would purge %s (%s, snapshot %.12s):\n", x.ID, x.Status, x.SnapshotID)
		if x.Database != "" {
			fmt.Fprintf(w, "  drop database    %s on %s (only if its %s table names %s)\n", x.Database, x.Server, registry.MarkerTable, x.ID)
		}
		for _, r := range x.Replaced {
			what := "database " + r.Database
			if r.FilesDir != "" {
				what = "files " + r.FilesDir
			}
			fmt.Fprintf(w, "  replaced         %s, by %s (restore --force): checked, not touched\n", what, r.By)
		}
		if x.Admin != nil && x.Database != "" {
			fmt.Fprintf(w, "  support admin    %s (with the database)\n", x.Admin.Name)
		}
		if x.FilesDir != "" {
			fmt.Fprintf(w, "  remove files     %s (only if its %s names %s)\n", x.FilesDir, registry.MarkerFile, x.ID)
		}
		switch {
		case x.Archive == "" || x.Archive == "-":
		case keepArchive:
			fmt.Fprintf(w, "  keep archive     %s\n", x.Archive)
		default:
			fmt.Fprintf(w, "  delete archive   %s (only if its SHA-256 is %.16s…)\n", x.Archive, x.ArchiveSHA256)
		}
		if x.IdentityFile != "" {
			fmt.Fprintf(w, "  destroy key      %s (only if it starts with %q)\n", x.IdentityFile, archive.PerSnapshotLine)
		}
	}
	fmt.Fprintf(w, "dry run: nothing was deleted\n")
}

func printPurgeSummary(e *env, res *purge.Result, key *receipt.PrivateKey) {
	w := e.stdout
	p := res.Statement.Predicate
	fmt.Fprintf(w, "purge of staging copy %s (snapshot %.12s): %s\n", p.StagingID, p.SnapshotID, p.Status)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, a := range p.Actions {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Action, a.Target, a.Result, measureText(a.Before))
	}
	tw.Flush()
	var absent, other int
	for _, ch := range p.Checks {
		if ch.Result == receipt.Absent {
			absent++
		} else {
			other++
		}
	}
	fmt.Fprintf(w, "  checks: %d absent, %d not absent\n", absent, other)
	for _, x := range p.Exceptions {
		fmt.Fprintf(w, "  exception: %s\n", x)
	}
	fmt.Fprintf(w, "receipt  %s\n", res.ReceiptPath)
	if res.ProofPath != "" {
		fmt.Fprintf(w, "proof    %s (entry %d of %d in the receipt log)\n", res.ProofPath, res.Proof.Index, res.Proof.TreeSize)
	}
	switch {
	case res.Closed:
		fmt.Fprintf(w, "registry entry %s closed (status purged)\n", p.StagingID)
	default:
		fmt.Fprintf(w, "registry entry %s kept (status purging): run 'stagecopy purge %s' again to finish\n", p.StagingID, p.StagingID)
	}
	fmt.Fprintf(w, "send the receipt and its proof to the owner, who checks them with:\n")
	fmt.Fprintf(w, "  stagecopy receipt verify --pubkey '%s' --manifest OWNER_MANIFEST %s\n", key.Public(), filepath.Base(res.ReceiptPath))
}

// purgeJSON is purge --json (docs/json.md): one element per staging copy
// purged, in order, also when a later one failed.
type purgeJSON struct {
	Purged []purgedJSON `json:"purged"`
}

type purgedJSON struct {
	StagingID  string           `json:"staging_id"`
	SnapshotID string           `json:"snapshot_id"`
	Status     string           `json:"status"` // erased, erased_with_exceptions, not_erased
	Receipt    string           `json:"receipt"`
	Proof      string           `json:"proof"` // "" when the receipt log could not take it
	Closed     bool             `json:"closed"`
	Exceptions []string         `json:"exceptions"`
	Actions    []receipt.Action `json:"actions"`
	Checks     []receipt.Check  `json:"checks"`
}

func purgedJSONOf(res *purge.Result) purgedJSON {
	p := res.Statement.Predicate
	return purgedJSON{
		StagingID: p.StagingID, SnapshotID: p.SnapshotID, Status: string(p.Status),
		Receipt: res.ReceiptPath, Proof: res.ProofPath, Closed: res.Closed,
		Exceptions: append([]string{}, p.Exceptions...), Actions: p.Actions, Checks: p.Checks,
	}
}

// measureText is "12 tables, 345 rows" or "7 files, 3685 bytes".
func measureText(m *receipt.Measure) string {
	if m == nil {
		return ""
	}
	var parts []string
	add := func(n int64, unit string) {
		if n != 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, unit))
		}
	}
	add(m.Tables, "tables")
	add(m.Rows, "rows")
	add(m.Files, "files")
	add(m.Dirs, "dirs")
	add(m.Bytes, "bytes")
	if m.FilesMerkleRoot != "" {
		parts = append(parts, "root "+m.FilesMerkleRoot[:16]+"…")
	}
	if m.SHA256 != "" {
		parts = append(parts, "sha256 "+m.SHA256[:16]+"…")
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
