package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/countio"
	"github.com/stagecopy/stagecopy/internal/dbconn"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/rules"
	"github.com/stagecopy/stagecopy/snapshot"
)

// newSnapshotCommand is `stagecopy snapshot`: its flags, parsed into
// snapshotOptions for runSnapshot.
func newSnapshotCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "snapshot",
		Usage: "stream a live database or a dump, and the site's files, into one verified archive",
		Description: "Reads a live MySQL/MariaDB database (--database with the connection flags of mysqldump) or a\n" +
			"mysqldump/mariadb-dump SQL file (--dump: plain, .gz or .zst), and the site's directory, and writes\n" +
			"one archive (tar + zstd): each table's schema and data as separate SQL entries, then the files,\n" +
			"then a manifest with every entry's SHA-256 and a Merkle root. A copy of the manifest is written\n" +
			"beside the archive (ARCHIVE.manifest.json): keep it, deletion receipts are checked against it.\n" +
			"With -o - there is no file to put it beside: --manifest FILE writes it there (else a warning\n" +
			"says how to take it out of the archive later).\n\n" +
			"With --anonymize and rules (--rules FILE or --preset NAME) personal data is replaced by consistent\n" +
			"fakes before it reaches the archive; the per-table report is printed and stored in the manifest.\n" +
			"Without rules snapshot refuses to run, unless you say --no-anonymize: the archive then holds\n" +
			"every customer's data as it is in the source, and says so everywhere.\n\n" +
			"A live database is read inside one consistent snapshot (START TRANSACTION WITH CONSISTENT\n" +
			"SNAPSHOT), by --threads readers sharing it when the account may take a brief global read lock\n" +
			"(RELOAD privilege), else by one reader; rows are anonymized before they leave the process.\n" +
			"Connection settings not given as flags come from the option files mariadb-dump reads (/etc/my.cnf,\n" +
			"/etc/mysql/my.cnf, ~/.my.cnf; groups [client], [client-server], [client-mariadb], [mysqldump],\n" +
			"[mariadb-dump]); the user defaults to the OS user. The password comes from --password-file, -p\n" +
			"(asked), the option files or $MYSQL_PWD, never from argv.\n\n" +
			"With --encrypt-to RECIPIENT (the age1... line of 'stagecopy keygen --age') or --passphrase the\n" +
			"archive is an age file, ARCHIVE.tar.zst.age (.age is added to -o when missing), encrypted as it\n" +
			"streams: no plaintext byte of it is ever written. The sidecar manifest stays plain (it has no rows,\n" +
			"but it lists the site's file names: keep it, do not send it). --expires 14d writes an expiry into\n" +
			"the archive that restore enforces.\n\n" +
			"--subset 'TABLE: CONDITION' copies only the rows of TABLE matching CONDITION (SQL) and the rows they\n" +
			"need, to a fixed point: every row a taken row references (declared foreign keys, and the references\n" +
			"the rules' subset section and presets list, such as wp_postmeta.post_id -> wp_posts.ID), and the rows\n" +
			"that belong to a taken row (its meta, items, comments). Tables the rules copy whole are whole; tables\n" +
			"reached by nothing keep their schema and lose their rows, and the summary names them. Computed inside\n" +
			"the snapshot's consistent read; live databases only. What a subset would take, without an archive:\n" +
			"'stagecopy rules explain --preset NAME --dry-run -D NAME --subset SUBSET' (and the connection flags).\n\n" +
			"Examples:\n" +
			"  MYSQL_PWD=... stagecopy snapshot --anonymize --preset wordpress -u shop -D shop --files /var/www/site -o site.tar.zst\n" +
			"  stagecopy snapshot --anonymize --preset wordpress --dump site.sql.gz --files /var/www/site -o site.tar.zst\n" +
			"  mariadb-dump shop | stagecopy snapshot --anonymize -r rules.yml --dump - -o - --manifest shop.manifest.json > shop.tar.zst\n" +
			"  stagecopy snapshot --preset wordpress -D shop --files /var/www/site --encrypt-to age1... --expires 14d -o site.tar.zst\n" +
			"  stagecopy snapshot --preset woocommerce -D shop --subset \"wp_posts: post_type = 'shop_order' AND post_date >= NOW() - INTERVAL 30 DAY\" -o recent-orders.tar.zst",
		Flags: append(append(append(rulesFlags(), dbFlags()...), encryptionFlags()...),
			&cli.StringFlag{Name: "expires", Usage: "the archive may be restored only within `DURATION` (14d, 36h) of now; restore refuses it after"},
			&cli.IntFlag{Name: "threads", Aliases: []string{"j"}, Usage: "`N` parallel readers of a live database (-j as restore's and make's)", DefaultText: "the number of cores"},
			&cli.StringSliceFlag{Name: "tables", Usage: "only tables matching `GLOB` (repeatable; live database)"},
			&cli.StringSliceFlag{Name: "exclude-tables", Usage: "leave out tables matching `GLOB` (repeatable; live database)"},
			subsetFlag(),
			&cli.StringFlag{Name: "dump", Usage: "SQL dump `FILE` (.sql, .sql.gz, .sql.zst; - for standard input)"},
			&cli.StringFlag{Name: "files", Usage: "site root `DIR` to copy (regular files, directories, symlinks as links)"},
			&cli.StringSliceFlag{Name: "exclude", Usage: "leave out files matching `GLOB` (repeatable): '*.log' any depth, 'wp-content/cache' from the root, '**' any directories"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "archive `PATH` (.tar.zst), or - for standard output", Required: true},
			&cli.StringFlag{Name: "manifest", Usage: "with -o -: write the owner's manifest to `FILE` (with -o PATH it is PATH.manifest.json)"},
			&cli.BoolFlag{Name: "anonymize", Usage: "replace personal data using --rules or --preset (the default whenever rules are given)"},
			&cli.BoolFlag{Name: "no-anonymize", Usage: "copy the data as it is, personal data included (recorded in the archive)"},
			&cli.BoolFlag{Name: "strict", Usage: "write no archive (exit 4) when the check of every row written finds personal data no rule covers or keeps"},
			&cli.StringFlag{Name: "level", Value: "default", Usage: "zstd `LEVEL`: fastest, default, better or best"},
			&cli.IntFlag{Name: "chunk-size", Value: snapshot.DefaultChunkSize >> 20, Usage: fmt.Sprintf("cut table data into entries of about `MiB` of SQL (and of about %d rows)", snapshot.DefaultChunkRows)},
			&cli.BoolFlag{Name: "force", Usage: "replace an existing archive at --output"},
			quietFlag(), progressFlag(), jsonFlag(),
			&cli.BoolFlag{Name: "verbose", Usage: "a line per table on stderr as it is done (rows, SQL bytes)"},
			// For performance work: go tool pprof stagecopy FILE.
			&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"},
		),
		Action: func(c *cli.Context) error {
			opts, err := parseSnapshotFlags(c, e)
			if err != nil {
				return err
			}
			return runSnapshot(c.Context, e, opts)
		},
	}
}

// snapshotOptions is what snapshot's flags ask for.
type snapshotOptions struct {
	// Options go to snapshot.Create; runSnapshot adds the callbacks.
	snapshot.Options
	output         string // the archive's path (.age added when encrypting), or "-"
	manifest       string // with output "-", where the owner's manifest goes ("" for nowhere)
	force          bool   // replace an existing archive
	quiet, verbose bool
	json           bool
	progress       progressMode
	strict         bool   // no archive when personal data is left after the rules
	report         string // --report FILE
	cpuProfile     string
}

// parseSnapshotFlags reads snapshot's flags and what they name (rules,
// secret, recipients, the server's password), and refuses what does not go
// together.
func parseSnapshotFlags(c *cli.Context, e *env) (snapshotOptions, error) {
	var o snapshotOptions
	if c.NArg() > 0 {
		return o, usagef("snapshot takes no arguments (got %q); use --dump and --files", c.Args().First())
	}
	r, err := loadRules(c)
	if err != nil {
		return o, err
	}
	noAnon := c.Bool("no-anonymize")
	switch {
	case noAnon && (r != nil || c.Bool("anonymize")):
		return o, usagef("--no-anonymize contradicts --anonymize/--rules/--preset")
	case r == nil && !noAnon:
		return o, withHint(snapshot.ErrNotAnonymized,
			"give --rules FILE or --preset NAME (presets: "+strings.Join(rules.Presets(), ", ")+"); --no-anonymize only if the archive may hold the customers' real data")
	}
	secret, err := loadSecret(c)
	if err != nil {
		return o, err
	}
	level, err := archive.ParseLevel(c.String("level"))
	if err != nil {
		return o, usagef("--level: %v", err)
	}
	if c.Int("chunk-size") < 1 {
		return o, usagef("--chunk-size must be at least 1 MiB")
	}
	dump, files := c.String("dump"), c.String("files")
	live := usesServer(c)
	switch {
	case dump != "" && live:
		return o, usagef("give --dump FILE or a database to connect to (--database and friends), not both")
	case dump == "" && !live && files == "":
		return o, usagef("give --database NAME (a live server), --dump FILE, and/or --files DIR")
	}
	subset, err := subsetOf(c, r)
	if err != nil {
		return o, err
	}
	if subset != nil && !live {
		from := "--subset"
		if c.String("subset") == "" {
			from = "the rules' subset: roots"
		}
		return o, usagef("%s needs a live database (--database): a dump file cannot be followed from row to row without loading it; load the dump into a database first, or snapshot it whole", from)
	}
	expires, err := parseLifetime(c.String("expires"))
	if err != nil {
		return o, usagef("--expires: %v", err)
	}
	recipients, err := loadRecipients(c, e)
	if err != nil {
		return o, err
	}
	o.output = c.String("output")
	if len(recipients) > 0 && o.output != "-" && !strings.HasSuffix(o.output, archive.EncryptedSuffix) {
		o.output += archive.EncryptedSuffix
	}
	v, cm := toolVersion()
	o.Options = snapshot.Options{
		DumpPath:    dump,
		FilesDir:    files,
		Excludes:    c.StringSlice("exclude"),
		NoAnonymize: noAnon,
		Rules:       r,
		Subset:      subset,
		Secret:      secret,
		ChunkSize:   c.Int("chunk-size") << 20,
		Archive:     archive.WriterOptions{Level: level},
		Tool:        archive.Tool{Name: "stagecopy", Version: v, Commit: cm},
		Recipients:  recipients,
		Expires:     expires,
	}
	if dump == "-" {
		o.Dump = e.stdin
		o.DumpPath = "-"
	}
	if live {
		cfg, err := dbConfig(c, e)
		if err != nil {
			return o, err
		}
		o.Server = &dbdump.Config{
			DSN: cfg.FormatDSN(), Database: cfg.DBName, Threads: c.Int("threads"),
			Tables: c.StringSlice("tables"), ExcludeTables: c.StringSlice("exclude-tables"),
		}
		o.ServerName = dbconn.Describe(cfg)
	}
	o.force, o.quiet, o.verbose, o.strict = c.Bool("force"), c.Bool("quiet"), c.Bool("verbose"), c.Bool("strict")
	o.json = c.Bool("json")
	switch o.manifest = c.String("manifest"); {
	case o.manifest == "":
	case o.output != "-":
		return o, usagef("--manifest is for -o -: with -o %s the manifest goes beside the archive, as %s%s", o.output, o.output, archive.SidecarSuffix)
	case o.manifest == "-":
		return o, usagef("--manifest -: standard output holds the archive; give a FILE")
	}
	if o.json && o.output == "-" {
		return o, usagef("--json prints the result on standard output, where -o - writes the archive: give -o FILE")
	}
	if o.progress, err = progressOf(c); err != nil {
		return o, err
	}
	o.report, o.cpuProfile = c.String("report"), c.String("cpuprofile")
	return o, nil
}

// runSnapshot writes the archive (under a temporary name until it is
// complete, or to standard output) with progress bars, then prints the
// anonymization report and the summary.
func runSnapshot(ctx context.Context, e *env, o snapshotOptions) error {
	if o.NoAnonymize {
		fmt.Fprintln(e.stderr, "stagecopy: WARNING: --no-anonymize: the archive will hold the source's personal data as it is")
	}
	var w io.Writer
	var file *archive.Output
	var manifest *archive.ManifestFile // -o - --manifest FILE
	if o.output == "-" {
		if isTerminal(e.stdout) {
			return withHint(errors.New("refusing to write an archive to a terminal"), "redirect standard output to a file, or use -o FILE")
		}
		w = e.stdout
		if o.manifest != "" {
			var err error
			// Before the archive: a manifest that cannot be written
			// fails now, not after the archive went out.
			if manifest, err = archive.CreateManifest(o.manifest, o.force); err != nil {
				return withHint(err, "--manifest takes a new file in an existing directory (--force replaces one)")
			}
			defer manifest.Abort()
			defer onInterrupt(manifest.Abort)()
		}
	} else {
		var err error
		file, err = archive.Create(o.output, o.force)
		if err != nil {
			return err
		}
		defer file.Abort()
		defer onInterrupt(file.Abort)()
		w = file
	}
	h := sha256.New()
	counter := &countio.Writer{W: io.MultiWriter(w, h)}
	start := time.Now()

	var cur *bar
	phase := ""
	o.Progress = func(p snapshot.Progress) {
		if p.Phase != phase {
			cur.finish()
			phase = p.Phase
			unit, total := progressUnit(p)
			cur = newProgress(e, o.progress, total, p.Phase, unit)
		}
		if unit, _ := progressUnit(p); unit == "rows" {
			cur.set(p.Rows)
			return
		}
		if p.Phase == "database" {
			cur.describe(fmt.Sprintf("database %d rows", p.Rows))
		}
		cur.set(p.Done)
	}
	if o.verbose {
		o.TableDone = func(t archive.TableStat) {
			cur.clear()
			fmt.Fprintf(e.stderr, "stagecopy: table %s: %d rows, %d bytes of SQL in %d entries (%s)\n", t.Name, t.Rows, t.Bytes, len(t.DataEntries), time.Since(start).Round(time.Millisecond))
		}
	}
	o.Warn = func(s string) { // even with -q
		fmt.Fprintf(e.stderr, "stagecopy: warning: %s\n", s)
	}
	stopProfile, err := startProfile(o.cpuProfile, "")
	if err != nil {
		return err
	}
	defer stopProfile()
	res, err := snapshot.Create(ctx, counter, o.Options)
	cur.finish()
	if err != nil {
		return snapshotHint(err)
	}
	leaks := res.Privacy.Leaks()
	if o.strict && len(leaks) > 0 {
		printLeftover(e, res, false)
		what := "no archive was written"
		if file == nil {
			what = "the archive went to standard output already: do not send it"
		}
		return withHint(fmt.Errorf("%w: %d findings after the rules; --strict: %s", errFound, len(leaks), what),
			"add rules for these columns and keys, or mark what is not personal as keep (docs/rules.md); 'stagecopy scan' with the same rules lists every one")
	}
	where, manifestPath := "standard output", ""
	switch {
	case file != nil:
		if err := file.Commit(res.ManifestJSON); err != nil {
			return err
		}
		where, _ = filepath.Abs(o.output)
		manifestPath = file.SidecarPath()
	case manifest != nil:
		if err := manifest.Commit(res.ManifestJSON); err != nil {
			return err
		}
		manifestPath = manifest.Path()
	default:
		// Even with -q: a receipt cannot be checked without it.
		how := "take it out of the archive with 'tar --zstd -xOf ARCHIVE manifest.json > ARCHIVE" + archive.SidecarSuffix + "' (the same bytes)"
		if res.Encrypted {
			how = "an encrypted archive's manifest comes out again only with its key: 'age -d -i KEY ARCHIVE | tar --zstd -xO manifest.json'"
		}
		fmt.Fprintf(e.stderr, "stagecopy: warning: the archive went to standard output, so no manifest file was written for you to keep "+
			"(deletion receipts are checked against it): give --manifest FILE with -o -, or %s\n", how)
	}
	// With the archive on standard output, the report goes to stderr.
	to := e.stdout
	if file == nil {
		to = e.stderr
	}
	if res.Report != nil && !o.quiet && !o.json { // --report FILE keeps it as JSON
		printReport(to, res.Report)
		fmt.Fprintln(to)
	}
	if o.report != "" && res.Report != nil {
		if err := writeJSONFile(o.report, res.Report); err != nil {
			return err
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	switch {
	case o.json:
		if err := printJSON(e.stdout, snapshotJSONOf(where, manifestPath, res, counter.N, sum, time.Since(start))); err != nil {
			return err
		}
	case !o.quiet:
		printSnapshotSummary(to, where, manifestPath, res, counter.N, sum, time.Since(start))
	}
	printLeftover(e, res, o.quiet)
	return nil
}

func snapshotHint(err error) error {
	switch {
	case errors.Is(err, dbdump.ErrAccessDenied):
		return withHint(err, "check --user and the password (--password-file, -p, an option file such as ~/.my.cnf, or $MYSQL_PWD); a server that requires TLS also refuses plain connections (--ssl-mode)")
	case strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:"):
		return withHint(err, "the server's certificate does not verify against --ssl-ca; check --ssl-ca and --host, or use --ssl-mode required to encrypt without verifying")
	case errors.Is(err, dbdump.ErrUnknownDatabase):
		return withHint(err, "check --database; 'SHOW DATABASES' lists the ones this account sees")
	case errors.Is(err, dbdump.ErrPrivilege):
		return withHint(err, "grant the privilege named above to the account, or dump with an account that has it")
	case errors.Is(err, dbdump.ErrServerGone):
		return withHint(err, "is the server running and reachable? check --host/--port or --socket")
	case errors.Is(err, dbdump.ErrNoSuchTable):
		return withHint(err, "--tables patterns must match tables of the database")
	case errors.Is(err, snapshot.ErrSubset):
		return withHint(err, "check the subset's roots and references against the database (docs/rules.md, subset); 'stagecopy rules explain --preset NAME --dry-run -D NAME --subset SUBSET' (or a rules FILE), with this snapshot's connection flags, shows what a subset would take")
	case errors.Is(err, snapshot.ErrNotSQL):
		return withHint(err, "--dump takes a SQL file made by mysqldump, mariadb-dump or phpMyAdmin (plain, .gz or .zst)")
	case errors.Is(err, snapshot.ErrFilesDir):
		return withHint(err, "--files takes the site's root directory, e.g. /var/www/html")
	case errors.Is(err, anonymize.ErrRulesMismatch), errors.Is(err, anonymize.ErrUnsafe):
		return anonymizeHint(err)
	case errors.Is(err, snapshot.ErrExclude):
		return withHint(err, "patterns use * ? [a-z] and ** for any directories; quote them so the shell does not expand them")
	case errors.Is(err, fs.ErrNotExist):
		return withHint(err, "check the paths given to --dump and --files")
	case errors.Is(err, snapshot.ErrMultiDB):
		return withHint(err, "dump one database: mariadb-dump DBNAME > site.sql")
	}
	return err
}

// progressUnit is what the progress of a snapshot phase counts: the rows of
// a live database when the server estimated them, so that the percentage
// and the row count agree; else the input bytes.
func progressUnit(p snapshot.Progress) (unit string, total int64) {
	if p.Phase == "database" && p.RowsTotal > 0 {
		return "rows", p.RowsTotal
	}
	return "bytes", p.Total
}

// snapshotJSON is snapshot --json (docs/json.md).
type snapshotJSON struct {
	SnapshotID        string     `json:"snapshot_id"`
	Archive           string     `json:"archive"`  // absolute path, or "-"
	Manifest          string     `json:"manifest"` // the owner's sidecar manifest
	Bytes             int64      `json:"bytes"`
	UncompressedBytes int64      `json:"uncompressed_bytes"`
	SHA256            string     `json:"sha256"`
	MerkleRoot        string     `json:"merkle_root"`
	Tables            int        `json:"tables"`
	Rows              int64      `json:"rows"`
	Files             int64      `json:"files"`
	Encrypted         bool       `json:"encrypted"`
	Expires           *time.Time `json:"expires"`
	Anonymized        bool       `json:"anonymized"`
	RulesDigest       string     `json:"rules_digest,omitempty"`
	FindingsLeft      int        `json:"findings_left"`
	FindingsKept      int        `json:"findings_kept"`
	Seconds           float64    `json:"seconds"`
	// Subset is the manifest's subset record, for a subset snapshot.
	Subset *dbdump.SubsetInfo `json:"subset,omitempty"`
}

func snapshotJSONOf(where, manifest string, res *snapshot.Result, size int64, sum string, took time.Duration) snapshotJSON {
	m := res.Manifest
	j := snapshotJSON{
		SnapshotID: res.Header.SnapshotID, Archive: where, Bytes: size, UncompressedBytes: m.TotalBytes,
		SHA256: sum, MerkleRoot: m.MerkleRoot, Tables: len(m.Tables), Files: int64(m.Files.Count),
		Encrypted: res.Encrypted, Anonymized: res.Header.Anonymized, Seconds: took.Seconds(), Manifest: manifest,
	}
	for _, t := range m.Tables {
		j.Rows += t.Rows
	}
	if !res.Header.Expires.IsZero() {
		x := res.Header.Expires.UTC()
		j.Expires = &x
	}
	if res.Header.Anonymized {
		j.RulesDigest = res.Header.RulesDigest
	}
	if res.Server != nil {
		j.Subset = res.Server.Subset
	}
	if p := res.Privacy; p != nil {
		j.FindingsLeft = len(p.Leaks())
		j.FindingsKept = len(p.Findings) - j.FindingsLeft
	}
	return j
}

func printSnapshotSummary(w io.Writer, where, manifest string, res *snapshot.Result, size int64, sum string, took time.Duration) {
	m := res.Manifest
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(w, "snapshot %s written to %s\n", res.Header.SnapshotID, where)
	if res.Server != nil {
		fmt.Fprintf(w, "  source    %s (%s), %s\n", res.Header.Source.Server, res.Server.ServerVersion, res.Server.Consistency)
	}
	fmt.Fprintf(w, "  tables    %d (%d rows)\n", len(m.Tables), rows)
	if res.Server != nil && res.Server.Subset != nil {
		printSubsetSummary(w, res.Server.Subset)
	}
	fmt.Fprintf(w, "  files     %d files, %d directories, %d symlinks, %d bytes\n", m.Files.Count, m.Files.Dirs, m.Files.Symlinks, m.Files.Bytes)
	ratio := 0.0
	if size > 0 {
		ratio = float64(m.TotalBytes) / float64(size)
	}
	fmt.Fprintf(w, "  archive   %d bytes (%d uncompressed, ratio %.1f), sha256 %s\n", size, m.TotalBytes, ratio, sum)
	if res.Encrypted {
		fmt.Fprintf(w, "  encrypted age (the sha256 is the encrypted file's: quote it with the snapshot id)\n")
	}
	if !res.Header.Expires.IsZero() {
		fmt.Fprintf(w, "  expires   %s (restore refuses the archive after)\n", res.Header.Expires.Local().Format(time.RFC3339))
	}
	fmt.Fprintf(w, "  time      %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(w, "  root      %s\n", m.MerkleRoot)
	if manifest != "" {
		fmt.Fprintf(w, "  manifest  %s (keep it: deletion receipts are checked against it)\n", manifest)
	}
	if res.Header.Anonymized {
		fmt.Fprintf(w, "  rules     %s\n", res.Header.RulesDigest)
	}
	if p := res.Privacy; p != nil {
		fmt.Fprintf(w, "  privacy   %s\n", p.Summary())
	}
	if res.Header.NotAnonymized {
		fmt.Fprintf(w, "  WARNING   NOT ANONYMIZED: this archive holds the source's personal data\n")
	}
}

// printLeftover prints, even with -q, what the check of every row written
// found after the rules that they neither cover nor keep: the archive may
// hold personal data. Findings the rules keep get one line, not with -q.
func printLeftover(e *env, res *snapshot.Result, quiet bool) {
	if res.Privacy == nil {
		return
	}
	kept := 0
	for _, f := range res.Privacy.Findings {
		if f.Kept {
			kept++
			continue
		}
		how := "what looks like " + f.Kind.Plural()
		if f.ByName {
			how = f.Kind.Plural() + ", by its name"
		}
		fmt.Fprintf(e.stderr, "stagecopy: WARNING: after the rules, %s still holds %s (%d values, e.g. %s); add a rule for it, or keep: if it is not personal\n",
			f.Where(), how, f.Values, f.Example)
	}
	if kept > 0 && !quiet {
		fmt.Fprintf(e.stderr, "stagecopy: %d findings are in what the rules keep on purpose ('stagecopy inspect ARCHIVE' lists them)\n", kept)
	}
}

// printSubsetSummary says what a subset took and which tables it left
// without rows.
func printSubsetSummary(w io.Writer, s *dbdump.SubsetInfo) {
	var rows int64
	var taken, whole int
	var out []string
	for _, t := range s.Tables {
		switch t.How {
		case "empty":
			out = append(out, t.Table)
			continue
		case "whole":
			whole++
		}
		taken++
		rows += t.Taken
	}
	var roots []string
	for _, r := range s.Roots {
		roots = append(roots, r.Table+": "+r.Where)
	}
	fmt.Fprintf(w, "  subset    %d rows from %d tables (%d copied whole), %d references followed in %d rounds; roots: %s\n",
		rows, taken, whole, len(s.References), s.Rounds, strings.Join(roots, "; "))
	if len(out) > 0 {
		fmt.Fprintf(w, "  left out  %d tables reached by nothing, schema only: %s\n", len(out), strings.Join(out, ", "))
	}
}
