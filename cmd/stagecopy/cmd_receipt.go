package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/stagecopy/stagecopy/internal/receipt"
)

// newReceiptCommand is `stagecopy receipt`, with the subcommands verify
// (runReceiptVerify) and show (runReceiptShow).
func newReceiptCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "receipt",
		Usage: "verify and show deletion receipts written by purge",
		Subcommands: []*cli.Command{
			{
				Name:      "verify",
				Usage:     "check a deletion receipt offline: signature, statement, owner's manifest, receipt log",
				ArgsUsage: "RECEIPT",
				Description: "Checks, in this order, stopping at the first failure; each is listed as ok, FAILED or not run\n" +
					"(not asked for, or after a failure), and the first line names those not run: without\n" +
					"--manifest it says the receipt was NOT checked to be about your archive:\n" +
					"  signature    the DSSE envelope is signed by --pubkey (a key line, or the file holding it)\n" +
					"  statement    the signed statement parses strictly and its status follows from its checks\n" +
					"  status       it says erased (erased_with_exceptions passes only with --allow-exceptions)\n" +
					"  manifest     with --manifest: it is about the archive your kept .manifest.json describes\n" +
					"  inclusion    with --proof, or RECEIPT.proof.json beside it: it is in the signed receipt log\n" +
					"  consistency  with --checkpoint OLD (a checkpoint or proof file you kept earlier) and/or --log DIR\n" +
					"               (a copy of the operator's log directory): the log was only ever appended to\n\n" +
					"Exit codes: 0 every requested check passed, 3 a check failed, 1 other errors.\n" +
					"A receipt is the operator's signed statement, not physical proof: see docs/receipts.md.\n\n" +
					"Examples:\n" +
					"  stagecopy receipt verify --pubkey 'stagecopy@support+1a2b3c4d+AW...' --manifest site.tar.zst.manifest.json receipt.json\n" +
					"  stagecopy receipt verify --pubkey support.pub --checkpoint old-receipt.json.proof.json --log receipts/ receipt.json",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "pubkey", Aliases: []string{"k"}, Required: true, Usage: "the operator's public key: the `KEY` line, or a FILE holding it"},
					&cli.StringFlag{Name: "manifest", Aliases: []string{"m"}, Usage: "your kept archive manifest `FILE` (ARCHIVE.manifest.json) the receipt must be about"},
					&cli.StringFlag{Name: "proof", Usage: "inclusion proof `FILE` (default: RECEIPT.proof.json if present)"},
					&cli.StringFlag{Name: "checkpoint", Usage: "an older checkpoint, or the proof `FILE` of an older receipt, the log must extend"},
					&cli.StringFlag{Name: "log", Usage: "the operator's receipt log `DIR`, or a copy of it (for consistency proofs)"},
					&cli.BoolFlag{Name: "allow-exceptions", Usage: "accept status erased_with_exceptions (the database and files are gone, something else was not)"},
					&cli.BoolFlag{Name: "json", Usage: "print the result as JSON"},
				},
				Action: func(c *cli.Context) error {
					path, err := oneArg(c, "RECEIPT")
					if err != nil {
						return err
					}
					opts := receiptVerifyOptions{
						path: path, pubkey: c.String("pubkey"), manifest: c.String("manifest"),
						proof: c.String("proof"), proofGiven: c.IsSet("proof"),
						checkpoint: c.String("checkpoint"), checkpointGiven: c.IsSet("checkpoint"), log: c.String("log"),
						allowExceptions: c.Bool("allow-exceptions"), json: c.Bool("json"),
					}
					if !opts.proofGiven && path != "-" {
						opts.proof = path + receipt.ProofSuffix
					}
					return runReceiptVerify(e, opts)
				},
			},
			{
				Name:      "show",
				Usage:     "print a receipt's contents without checking them",
				ArgsUsage: "RECEIPT",
				Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print the statement as JSON"}},
				Action: func(c *cli.Context) error {
					path, err := oneArg(c, "RECEIPT")
					if err != nil {
						return err
					}
					return runReceiptShow(e, path, c.Bool("json"))
				},
			},
		},
	}
}

// runReceiptShow prints the statement of the receipt at path, unchecked.
func runReceiptShow(e *env, path string, asJSON bool) error {
	data, err := readInput(e, path)
	if err != nil {
		return err
	}
	_, st, err := receipt.ParseUnverified(data)
	if err != nil {
		return withHint(fmt.Errorf("%s: %w", path, err), "a receipt is the JSON file 'stagecopy purge' wrote")
	}
	if asJSON {
		return printJSON(e.stdout, st)
	}
	fmt.Fprintf(e.stdout, "%s: UNVERIFIED receipt (check it with 'stagecopy receipt verify --pubkey KEY %s')\n", path, path)
	printStatement(e.stdout, st)
	return nil
}

// receiptVerifyOptions is what receipt verify's flags ask for.
type receiptVerifyOptions struct {
	path     string // the RECEIPT argument, "-" for standard input
	pubkey   string // the operator's key line, or the file holding it
	manifest string // the owner's manifest the receipt must be about
	// proof is the inclusion proof: --proof, or the file beside the
	// receipt, which may be missing unless proofGiven.
	proof           string
	proofGiven      bool
	checkpoint      string // an older checkpoint the log must extend
	checkpointGiven bool
	log             string // the operator's receipt log directory
	allowExceptions bool
	json            bool
}

// receiptCheck is one line of the verification report.
type receiptCheck struct {
	Check string `json:"check"`
	// Run says the check was made; OK that it passed.
	Run    bool   `json:"run"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Skipped is !Run (kept for scripts that read it): not asked for
	// (no --manifest, no proof file), or not reached after a failure:
	// not a failure, not a pass either.
	Skipped bool `json:"skipped,omitempty"`
}

// receiptCheckNames are verify's checks, in the order they run; the report
// lists each, run or not.
var receiptCheckNames = []string{"signature", "statement", "status", "manifest", "inclusion", "consistency"}

type receiptReport struct {
	Receipt string `json:"receipt"`
	Valid   bool   `json:"valid"`
	Key     string `json:"key,omitempty"`
	// NotRun names the checks that were not made (in Checks with run
	// false): a valid receipt checked without --manifest is not known to
	// be about the owner's archive.
	NotRun    []string            `json:"not_run"`
	Checks    []receiptCheck      `json:"checks"`
	Statement *receipt.Statement  `json:"statement,omitempty"`
	Log       *receiptLogPosition `json:"log,omitempty"`
}

type receiptLogPosition struct {
	Origin   string `json:"origin"`
	Index    int64  `json:"index"`
	TreeSize int64  `json:"tree_size"`
}

// runReceiptVerify checks the receipt and prints the report, as JSON or
// text.
func runReceiptVerify(e *env, o receiptVerifyOptions) error {
	rep := &receiptReport{Receipt: o.path, Checks: []receiptCheck{}, NotRun: []string{}}
	err := runReceiptChecks(e, o, rep)
	rep.Valid = err == nil
	ran := len(rep.Checks) > 0
	addNotRun(rep, err)
	if o.json {
		if jerr := printJSON(e.stdout, rep); jerr != nil && err == nil {
			err = jerr
		}
	} else if ran {
		printReceiptReport(e.stdout, rep)
	}
	return err
}

// runReceiptChecks fills rep check by check and returns the first failure.
// Each check only runs when the ones before it passed: nothing unsigned is
// looked at, and nothing is matched against a statement that failed.
func runReceiptChecks(e *env, o receiptVerifyOptions, rep *receiptReport) error {
	fail := func(name string, err error) error {
		detail := strings.TrimPrefix(err.Error(), receipt.ErrInvalid.Error()+": ")
		rep.Checks = append(rep.Checks, receiptCheck{Check: name, Run: true, Detail: detail})
		return err
	}
	pass := func(name, detail string) {
		rep.Checks = append(rep.Checks, receiptCheck{Check: name, Run: true, OK: true, Detail: detail})
	}
	pub, err := receipt.LoadPublicKey(o.pubkey)
	if err != nil {
		return withHint(err, "--pubkey takes the line 'stagecopy keygen' printed (NAME+HASH+BASE64) or the .pub file holding it")
	}
	rep.Key = pub.String()
	data, err := readInput(e, o.path)
	if err != nil {
		return err
	}

	st, err := receipt.VerifyReceipt(data, pub)
	if err != nil {
		if errors.Is(err, receipt.ErrSignature) {
			return withHint(fail("signature", err), "this receipt was not signed by this key, or was altered after signing; ask the operator for the original file and check you have their right public key")
		}
		pass("signature", fmt.Sprintf("signed by %s (keyid %.16s…)", pub.Name, pub.KeyID()))
		return withHint(fail("statement", err), "the signed content is not a valid deletion receipt; the operator's tool wrote something this version cannot vouch for")
	}
	rep.Statement = st
	pass("signature", fmt.Sprintf("signed by %s (keyid %.16s…)", pub.Name, pub.KeyID()))
	pass("statement", receipt.PredicateType)

	switch s := st.Predicate.Status; {
	case s == receipt.Erased, s == receipt.ErasedWithExceptions && o.allowExceptions:
		pass("status", string(s))
	default:
		return withHint(fail("status", fmt.Errorf("%w: the receipt is validly signed but says %s: %s", receipt.ErrInvalid, s, strings.Join(st.Predicate.Exceptions, "; "))),
			"the operator reports that not everything was destroyed; ask them to finish the purge (add --allow-exceptions to accept erased_with_exceptions)")
	}

	if m := o.manifest; m != "" {
		man, err := os.ReadFile(m)
		if err != nil {
			return withHint(err, "--manifest is the ARCHIVE.manifest.json snapshot wrote beside the archive")
		}
		if err := receipt.MatchManifest(st, man); err != nil {
			return withHint(fail("manifest", err), "this receipt is about another archive than the one this manifest describes")
		}
		pass("manifest", fmt.Sprintf("matches %s (snapshot %s)", m, st.Predicate.SnapshotID))
	}

	var proofCP *receipt.Checkpoint
	if proofPath := o.proof; proofPath != "" {
		pf, err := os.ReadFile(proofPath)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !o.proofGiven:
		case err != nil:
			return withHint(err, "--proof is the .proof.json file purge wrote beside the receipt")
		default:
			proofCP, err = receipt.VerifyInclusion(pf, data, pub)
			if err != nil {
				return withHint(fail("inclusion", err), "the proof does not show this receipt in a log signed by this key")
			}
			p, _ := receipt.ParseProof(pf)
			rep.Log = &receiptLogPosition{Origin: proofCP.Origin, Index: p.Index, TreeSize: proofCP.Size}
			pass("inclusion", fmt.Sprintf("entry %d of %d in log %q (%s)", p.Index, proofCP.Size, proofCP.Origin, proofPath))
		}
	}

	switch {
	case proofCP != nil:
	case o.log != "":
		// No proof file (a purge killed at its checkpoint, say): the
		// log itself must hold the receipt.
		i, cp, err := receipt.FindInLog(o.log, data, pub)
		if err != nil {
			return withHint(fail("inclusion", err), "the receipt log does not vouch for this receipt: ask the operator for its proof file, or for a copy of the log made after the purge")
		}
		rep.Log = &receiptLogPosition{Origin: cp.Origin, Index: i, TreeSize: cp.Size}
		pass("inclusion", fmt.Sprintf("entry %d of %d in log %q (%s)", i, cp.Size, cp.Origin, o.log))
	}

	return checkConsistency(o, pub, proofCP, pass, fail)
}

// checkConsistency compares every pair of the checkpoints at hand (the one
// kept by the owner, the proof's, the log directory's current one), with
// consistency proofs computed from the log directory when given.
func checkConsistency(o receiptVerifyOptions, pub *receipt.PublicKey, proofCP *receipt.Checkpoint, pass func(string, string), fail func(string, error) error) error {
	type named struct {
		name string
		cp   *receipt.Checkpoint
	}
	var cps []named
	if old := o.checkpoint; old != "" {
		data, err := os.ReadFile(old)
		if err != nil {
			return withHint(err, "--checkpoint is a checkpoint or .proof.json file you kept from an earlier receipt")
		}
		cp, err := receipt.CheckpointFromFile(data, pub)
		if err != nil {
			return withHint(fail("consistency", fmt.Errorf("%s: %w", old, err)), "the old checkpoint is not signed by this key")
		}
		cps = append(cps, named{old, cp})
	}
	if proofCP != nil {
		cps = append(cps, named{"the proof's checkpoint", proofCP})
	}
	dir := o.log
	if dir != "" {
		cp, err := receipt.ReadCheckpoint(dir, pub)
		if err != nil {
			return withHint(fail("consistency", err), "--log is the operator's receipt log directory, or a copy of its files hashes and checkpoint")
		}
		cps = append(cps, named{dir + " (current)", cp})
	}
	if o.checkpointGiven && len(cps) < 2 {
		return usagef("receipt verify: --checkpoint needs a newer checkpoint to compare with: a proof file (--proof) or the log (--log DIR)")
	}
	for i := range cps {
		for j := i + 1; j < len(cps); j++ {
			a, b := cps[i].cp, cps[j].cp
			if a.Size > b.Size {
				a, b = b, a
			}
			var proof tlog.TreeProof
			if a.Size != b.Size && a.Size > 0 {
				if dir == "" {
					return withHint(usagef("receipt verify: checkpoints of %d and %d receipts: a consistency proof needs --log DIR", a.Size, b.Size),
						"ask the operator for a copy of the log directory (it holds only hashes, no receipt contents)")
				}
				p, err := receipt.ProveConsistency(dir, a.Size, b.Size)
				if err != nil {
					return withHint(fail("consistency", err), "the log copy is older or damaged; ask the operator for a current copy")
				}
				proof = p
			}
			if err := receipt.VerifyConsistency(a, b, proof); err != nil {
				return withHint(fail("consistency", fmt.Errorf("%s vs %s: %w", cps[i].name, cps[j].name, err)),
					"the operator's log does not extend a checkpoint it signed earlier: receipts were removed or the log was rebuilt; do not rely on it")
			}
			pass("consistency", fmt.Sprintf("%s (%d receipts) and %s (%d) agree", cps[i].name, cps[i].cp.Size, cps[j].name, cps[j].cp.Size))
		}
	}
	return nil
}

// addNotRun completes rep.Checks with a line for every check that did not
// run, in its place, saying why, and lists them in rep.NotRun. err is what
// the checks returned: after a failed check the rest were not reached;
// after another error (a manifest file that cannot be read) they stopped.
func addNotRun(rep *receiptReport, err error) {
	failedCheck := slices.ContainsFunc(rep.Checks, func(c receiptCheck) bool { return c.Run && !c.OK })
	var out []receiptCheck
	rep.NotRun = []string{}
	for _, name := range receiptCheckNames {
		ran := false
		for _, c := range rep.Checks {
			if c.Check == name {
				out, ran = append(out, c), true
			}
		}
		if ran {
			continue
		}
		var why string
		switch {
		case failedCheck:
			why = "an earlier check failed"
		case err != nil:
			why = "stopped by the error above"
		case name == "manifest":
			why = "which snapshot and archive this receipt is about was not checked: give --manifest ARCHIVE.manifest.json, the file snapshot wrote beside the archive"
		case name == "inclusion":
			why = "no proof file: give --proof FILE, or --log DIR to look the receipt up in the log"
		case name == "consistency":
			why = "nothing to compare: give --checkpoint OLD (a proof file kept from an earlier receipt) and/or --log DIR to check that the log was only appended to"
		}
		out = append(out, receiptCheck{Check: name, Skipped: true, Detail: why})
		rep.NotRun = append(rep.NotRun, name)
	}
	rep.Checks = out
}

func readInput(e *env, path string) ([]byte, error) {
	const max = 16 << 20 // receipts are a few KiB
	var r io.Reader = e.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, withHint(err, "check the receipt path")
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if len(data) > max {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a receipt", path, max>>20)
	}
	return data, nil
}

// printReceiptReport prints the report as text: a first line that says
// what was not checked (a receipt checked without --manifest may be about
// another archive), then one line per check: ok, FAILED or not run.
func printReceiptReport(w io.Writer, rep *receiptReport) {
	notRun := strings.Join(rep.NotRun, ", ")
	switch {
	case !rep.Valid:
		fmt.Fprintf(w, "FAILED: %s is not a valid deletion receipt (not run: %s)\n", rep.Receipt, notRun)
	case slices.Contains(rep.NotRun, "manifest"):
		fmt.Fprintf(w, "ok, PARTLY CHECKED: %s is signed and says %s, but without --manifest it was NOT checked which snapshot it is about: it may be about another archive (not run: %s)\n",
			rep.Receipt, rep.Statement.Predicate.Status, notRun)
	case len(rep.NotRun) > 0:
		fmt.Fprintf(w, "ok: %s is a valid deletion receipt for the archive your manifest describes (not run: %s)\n", rep.Receipt, notRun)
	default:
		fmt.Fprintf(w, "ok: %s is a valid deletion receipt for the archive your manifest describes: every check ran and passed\n", rep.Receipt)
	}
	for _, c := range rep.Checks {
		mark := "ok"
		switch {
		case !c.Run:
			mark = "not run"
		case !c.OK:
			mark = "FAILED"
		}
		fmt.Fprintf(w, "  %-12s %-7s %s\n", c.Check, mark, c.Detail)
	}
	if rep.Valid && rep.Statement != nil {
		printStatement(w, rep.Statement)
	}
}

func printStatement(w io.Writer, st *receipt.Statement) {
	p := &st.Predicate
	fmt.Fprintf(w, "  status       %s\n", p.Status)
	for _, x := range p.Exceptions {
		fmt.Fprintf(w, "  exception    %s\n", x)
	}
	fmt.Fprintf(w, "  snapshot     %s (archive Merkle root %s)\n", p.SnapshotID, p.ArchiveMerkleRoot)
	fmt.Fprintf(w, "  staging      %s\n", p.StagingID)
	fmt.Fprintf(w, "  receipt id   %s\n", p.ReceiptID)
	fmt.Fprintf(w, "  operator     %s on %s with %s %s\n", p.Operator, p.Host, p.Tool.Name, p.Tool.Version)
	fmt.Fprintf(w, "  time         %s to %s\n", p.Timeline.Started.Format(time.RFC3339), p.Timeline.Finished.Format(time.RFC3339))
	for _, s := range st.Subject {
		fmt.Fprintf(w, "  subject      %s sha256:%s\n", s.Name, s.Digest.SHA256)
	}
	for _, a := range p.Actions {
		line := fmt.Sprintf("%s %s: %s", a.Action, a.Target, a.Result)
		if m := a.Before; m != nil {
			var parts []string
			for _, f := range []struct {
				n    int64
				unit string
			}{{m.Tables, "tables"}, {m.Rows, "rows"}, {m.Files, "files"}, {m.Dirs, "dirs"}, {m.Bytes, "bytes"}} {
				if f.n != 0 {
					parts = append(parts, fmt.Sprintf("%d %s", f.n, f.unit))
				}
			}
			if len(parts) > 0 {
				line += " (held " + strings.Join(parts, ", ") + ")"
			}
		}
		if a.Error != "" {
			line += ": " + a.Error
		}
		fmt.Fprintf(w, "  action       %s\n", line)
	}
	for _, c := range p.Checks {
		line := fmt.Sprintf("%s %s: %s at %s", c.Check, c.Target, c.Result, c.CheckedAt.Format(time.RFC3339))
		if c.Detail != "" {
			line += " (" + c.Detail + ")"
		}
		fmt.Fprintf(w, "  check        %s\n", line)
	}
	ms := make([]string, len(p.Methods))
	for i, m := range p.Methods {
		ms[i] = string(m)
	}
	fmt.Fprintf(w, "  methods      %s\n", strings.Join(ms, ", "))
	for _, o := range p.OutOfScope {
		fmt.Fprintf(w, "  not covered  %s\n", o)
	}
}
