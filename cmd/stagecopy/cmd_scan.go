package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/go-sql-driver/mysql"
	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/atomicfile"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
	"github.com/stagecopy/stagecopy/scan"
)

// errFound is scan's verdict when it finds personal data.
var errFound = errors.New("personal data found")

// newScanCommand is `stagecopy scan`: its flags, parsed into scanOptions
// for runScan.
func newScanCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "scan",
		Usage:     "look for personal data no rule covers: e-mail, phone, IP and street addresses, card numbers, credentials, names",
		ArgsUsage: "[DUMP]",
		Description: "Reads a mysqldump stream (DUMP, or standard input; gzip and zstd are detected), a live database\n" +
			"(--database and the connection flags) or an archive (--archive), applies the rules when given,\n" +
			"and checks every value of every row: e-mail addresses, phone numbers, public IP addresses, card\n" +
			"numbers, URL credentials and street addresses, anywhere in a value and inside JSON, PHP, base64\n" +
			"and compressed data; and columns and keys whose names say they hold credentials, names, e-mail,\n" +
			"phone or postal addresses, birth dates or national ids. stagecopy's own fakes, by their exact\n" +
			"shape, do not count. It prints each place (table.column, [key] of a key/value table, path in a\n" +
			"document) with what it holds, how many values, and one masked example; never a value. What the\n" +
			"rules keep on purpose is listed as kept. Exit 0: nothing found but kept; 4: something found;\n" +
			"1: an error.\n\n" +
			"With rules it shows what they leave; without, where the personal data is. --suggest-rules FILE\n" +
			"writes rules that cover every finding, to read, check and snapshot with. Names inside free text\n" +
			"are not found (docs/privacy.md).\n\n" +
			"Examples:\n" +
			"  stagecopy scan --preset wordpress -S /run/mysqld/mysqld.sock -u backup -D shop\n" +
			"  stagecopy scan -r rules.yml dump.sql.gz\n" +
			"  stagecopy scan --suggest-rules site-rules.yml dump.sql.gz\n" +
			"  stagecopy scan --archive site.tar.zst",
		Flags: append(append(dbFlags(), keyFlags()...),
			&cli.StringFlag{Name: "rules", Aliases: []string{"r"}, Usage: "apply the anonymization rules in `FILE` first, and report what they leave (-r is rules, not age's recipient)"},
			&cli.StringFlag{Name: "preset", Usage: "apply the built-in rules `NAME` first"},
			&cli.StringFlag{Name: "prefix", Usage: "table `PREFIX` the rules' {prefix} stands for"},
			&cli.StringFlag{Name: "archive", Usage: "scan the database entries of the archive `FILE` (- for standard input)"},
			&cli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
			&cli.StringFlag{Name: "suggest-rules", Usage: "write rules that cover every finding to `FILE` (YAML, to read before use)"},
			&cli.BoolFlag{Name: "force", Usage: "replace an existing --suggest-rules file"},
			quietFlag(), progressFlag(),
		),
		Action: func(c *cli.Context) error {
			opts, err := parseScanFlags(c, e)
			if err != nil {
				return err
			}
			return runScan(c.Context, e, opts)
		},
	}
}

// scanOptions is what scan's flags ask for: one of archive, server or dump.
type scanOptions struct {
	rules       *rules.Rules // applied first when not nil
	archive     string       // --archive FILE, "-" for standard input
	keys        archive.Keys // what opens an encrypted archive
	server      *mysql.Config
	dump        string // the DUMP argument; "" or "-" for standard input
	json, quiet bool
	progress    progressMode
	// suggest is the --suggest-rules file, "" for none; suggestOpts what
	// it extends.
	suggest     string
	suggestOpts scan.SuggestOptions

	force bool
}

// parseScanFlags reads scan's flags and what they name (the rules, the
// keys, the server's password), and refuses what does not go together.
func parseScanFlags(c *cli.Context, e *env) (scanOptions, error) {
	var o scanOptions
	if err := flagsFirst(c); err != nil {
		return o, err
	}
	live, arch := usesServer(c), c.String("archive")
	switch {
	case c.NArg() > 1:
		return o, usagef("scan takes at most one DUMP argument")
	case live && (arch != "" || c.NArg() > 0), arch != "" && c.NArg() > 0:
		return o, usagef("scan one thing: a DUMP, --archive FILE or a live --database")
	}
	r, err := loadRules(c)
	if err != nil {
		return o, err
	}
	if r != nil && arch != "" {
		return o, usagef("an archive is anonymized already (or made with --no-anonymize on purpose): scan it without rules")
	}
	o.rules, o.archive, o.dump = r, arch, c.Args().First()
	o.json, o.quiet = c.Bool("json"), c.Bool("quiet")
	if o.progress, err = progressOf(c); err != nil {
		return o, err
	}
	if o.suggest, o.force = c.String("suggest-rules"), c.Bool("force"); o.suggest != "" {
		if err := o.suggestFor(c, arch); err != nil {
			return o, err
		}
	}
	switch {
	case arch != "":
		if o.keys, err = loadKeys(c, e, arch); err != nil {
			return o, err
		}
	case live:
		if o.server, err = dbConfig(c, e); err != nil {
			return o, err
		}
	}
	return o, nil
}

// suggestFor checks that --suggest-rules goes with what is scanned, and
// sets what the suggested file extends: the rules the scan applies.
func (o *scanOptions) suggestFor(c *cli.Context, arch string) error {
	switch {
	case arch != "":
		return usagef("--suggest-rules writes rules for a database or a dump, not for an archive (anonymized already)")
	case o.suggest == "-":
		return usagef("--suggest-rules takes a FILE name (the report goes to standard output)")
	}
	if p := c.String("preset"); p != "" {
		o.suggestOpts.Extends = append(o.suggestOpts.Extends, "preset:"+p)
	}
	if r := c.String("rules"); r != "" {
		o.suggestOpts.Extends = append(o.suggestOpts.Extends, relativeTo(r, o.suggest))
	}
	o.suggestOpts.Prefix = c.String("prefix")
	if o.rules != nil {
		o.suggestOpts.Rules = scan.FromRules(o.rules)
	}
	switch {
	case usesServer(c):
		o.suggestOpts.Source = "database " + c.String("database")
	case o.dump != "" && o.dump != "-":
		o.suggestOpts.Source = filepath.Base(o.dump)
	}
	return nil
}

// relativeTo returns path as an extends entry of a rules file written to
// out: relative to out's directory, the way rules files name the files
// they extend.
func relativeTo(path, out string) string {
	ap, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	ad, err := filepath.Abs(filepath.Dir(out))
	if err != nil {
		return ap
	}
	rel, err := filepath.Rel(ad, ap)
	if err != nil {
		return ap
	}
	return filepath.ToSlash(rel)
}

// runScan scans the archive, database or dump, prints the report, writes
// the suggested rules when asked, and returns errFound when it found
// personal data.
func runScan(ctx context.Context, e *env, o scanOptions) error {
	s := scan.New()
	var keptBefore any // an archive's privacy record: what its rules kept
	if o.rules != nil {
		s.SetRules(scan.FromRules(o.rules))
	}
	var tables *scan.Tables
	var file *atomicfile.File
	if o.suggest != "" {
		// Refuse an existing file before the scan, not after it.
		var err error
		if file, err = atomicfile.Create(o.suggest, o.force); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return withHint(err, "give another name, or --force to replace it")
			}
			return err
		}
		defer file.Abort()
		defer onInterrupt(file.Abort)()
		tables = scan.NewTables()
	}
	watch := func(src sqldump.Stream) sqldump.Stream {
		if tables == nil {
			return src
		}
		return tables.Watch(src)
	}
	switch {
	case o.archive != "":
		// The values are what the rules wrote, and the rules are not at
		// hand: names would list every column a rule rewrote.
		s.ValuesOnly()
		sum, err := readArchive(ctx, e, o.archive, o.progress, "scan", o.keys, func(ent *archive.Entry, rd io.Reader) error {
			if !strings.HasPrefix(ent.Name, archive.DBPrefix) || !strings.HasSuffix(ent.Name, ".sql") {
				return nil
			}
			if err := s.Scan(ctx, sqldump.NewScanner(rd)); err != nil {
				return fmt.Errorf("%s: %w", ent.Name, err)
			}
			return nil
		})
		if err != nil {
			return scanHint(err)
		}
		keptBefore = sum.manifest.Privacy
	case o.server != nil:
		d, err := dbdump.Open(ctx, dbdump.Config{DSN: o.server.FormatDSN(), Database: o.server.DBName})
		if err != nil {
			return snapshotHint(err)
		}
		defer d.Close()
		if err := scanThrough(ctx, s, watch(d), o.rules); err != nil {
			return scanHint(err)
		}
	default:
		dr, err := openDumpArg(e, o.dump)
		if err != nil {
			return err
		}
		defer dr.Close()
		if err := scanThrough(ctx, s, watch(sqldump.NewScanner(dr)), o.rules); err != nil {
			return scanHint(err)
		}
	}
	rep := s.Report()
	if keptBefore != nil {
		markKept(rep, keptBefore)
	}
	if o.json {
		if err := printJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		printScan(e.stdout, rep, o.rules != nil)
	}
	if file != nil {
		if err := scan.Suggest(file, rep, tables, o.suggestOpts); err != nil {
			return err
		}
		if err := file.Commit(); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "stagecopy: wrote suggested rules for %d columns to %s\n", countColumns(rep.Leaks()), o.suggest)
	}
	if leaks := rep.Leaks(); len(leaks) > 0 {
		if o.suggest != "" {
			return withHint(fmt.Errorf("%w: %d findings in %d columns", errFound, len(leaks), countColumns(leaks)),
				fmt.Sprintf("read %[1]s, check it with 'stagecopy rules check %[1]s', then snapshot with it: "+
					"'stagecopy snapshot --anonymize --strict -r %[1]s --dump DUMP -o ARCHIVE' (the database flags in place of --dump for a live one)",
					shellArg(o.suggest)))
		}
		hint := "add rules for these columns and keys, or keep: what is not personal (docs/rules.md); check them with 'stagecopy scan -r FILE', then snapshot"
		if o.rules == nil && o.archive == "" {
			hint = "these columns need rules (docs/rules.md; or a preset: --preset wordpress, ...); scan again with -r FILE to see what the rules leave"
		}
		return withHint(fmt.Errorf("%w: %d findings in %d columns", errFound, len(leaks), countColumns(leaks)), hint)
	}
	return nil
}

// scanThrough scans src, or with rules what anonymize would write: the
// filter's output, read back.
func scanThrough(ctx context.Context, s *scan.Scanner, src sqldump.Stream, r *rules.Rules) error {
	if r == nil {
		return s.Scan(ctx, src)
	}
	// The fakes are not reported, only what the rules leave: a random
	// secret will do.
	f := anonymize.NewFilter(src, r, anonymize.NewKeyer(anonymize.NewSecret()))
	pr, pw := io.Pipe()
	copied := make(chan error, 1)
	go func() {
		// Buffered: the copy writes row by row, and each write to a pipe
		// waits for the reader.
		bw := bufio.NewWriterSize(pw, 256<<10)
		_, err := anonymize.Copy(ctx, bw, f)
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
		copied <- err
	}()
	err := s.Scan(ctx, sqldump.NewScanner(pr))
	pr.CloseWithError(errors.New("scan stopped"))
	// The source is closed after this returns: wait for the copy to stop
	// reading it.
	if cerr := <-copied; err == nil && cerr != nil {
		err = cerr
	}
	return err
}

func countColumns(fs []scan.Finding) int {
	seen := map[string]bool{}
	for _, f := range fs {
		seen[f.Table+"\x00"+f.Column] = true
	}
	return len(seen)
}

func printScan(w io.Writer, rep *scan.Report, ruled bool) {
	what := "values"
	if ruled {
		what = "values after the rules"
	}
	fmt.Fprintf(w, "scanned %d tables, %d rows, %d string %s\n", rep.Tables, rep.Rows, rep.Values, what)
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "found no personal data")
		return
	}
	printFindings(w, "", rep.Findings)
}

// printFindings prints findings as a table, each line after indent: where,
// kind, found by value or by name (kept or not), values, masked example.
func printFindings(w io.Writer, indent string, fs []scan.Finding) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, indent+"WHERE\tKIND\tFOUND BY\tVALUES\tEXAMPLE")
	for _, f := range fs {
		how := "value"
		if f.ByName {
			how = "name"
		}
		if f.Kept {
			how += " (kept)"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%d\t%s\n", indent, f.Where(), f.Kind, how, f.Values, f.Example)
	}
	tw.Flush()
}

// scanHint adds a hint to err, and keeps the data out of it: scan prints
// no value, so a parse error says where, not what it found there, and
// quoted text with a digit or an '@' in other errors is left out.
func scanHint(err error) error {
	var se *sqldump.SyntaxError
	if errors.As(err, &se) {
		where := fmt.Sprintf("line %d (byte %d)", se.Line, se.Offset)
		if se.Table != "" {
			where += ", table " + se.Table
		}
		return withHint(fmt.Errorf("the dump does not parse at %s", where), "scan does not print the text there, as it may be personal data; look at that line yourself: sed -n '"+strconv.Itoa(se.Line)+"p' DUMP")
	}
	err = &redacted{err: err, msg: quotedData.ReplaceAllStringFunc(err.Error(), func(q string) string {
		if strings.ContainsAny(q, "@0123456789") {
			return "(a value)"
		}
		return q
	})}
	if errors.Is(err, anonymize.ErrRulesMismatch) || errors.Is(err, anonymize.ErrUnsafe) {
		return anonymizeHint(err)
	}
	return snapshotHint(err)
}

// quotedData matches quoted text in an error message.
var quotedData = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)

// redacted is an error with another message, same chain.
type redacted struct {
	err error
	msg string
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

// markKept marks the findings of an archive's scan that the snapshot's
// check found in what its rules keep on purpose, as its manifest records
// (scan has no rules for an archive).
func markKept(rep *scan.Report, record any) {
	prev, ok := privacyRecord(record)
	if !ok {
		return
	}
	kept := map[string]bool{}
	for _, f := range prev.Findings {
		if f.Kept {
			kept[f.Where()+" "+string(f.Kind)] = true
		}
	}
	for i, f := range rep.Findings {
		if kept[f.Where()+" "+string(f.Kind)] {
			rep.Findings[i].Kept = true
		}
	}
}

// privacyRecord reads a manifest's privacy record (decoded from JSON as
// any) as the scan.Report it was written from.
func privacyRecord(record any) (scan.Report, bool) {
	var rep scan.Report
	b, err := json.Marshal(record)
	return rep, record != nil && err == nil && json.Unmarshal(b, &rep) == nil
}
