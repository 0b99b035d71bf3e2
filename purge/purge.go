// Package purge destroys a staging copy that restore made, and only what
// restore made (its markers are checked first): it measures the database,
// the files and the archive, deletes them, destroys the archive's
// per-snapshot key, checks they are gone, and signs a deletion receipt that
// it appends to the receipt log. A journal lets an interrupted purge finish.
// Run reports progress through a callback and never prints.
package purge

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/atomicfile"
	"github.com/stagecopy/stagecopy/internal/killpoint"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// Errors of Purge that come before anything is deleted.
var (
	// ErrAlreadyPurged means the registry entry is closed: everything was
	// removed and a receipt written earlier.
	ErrAlreadyPurged = errors.New("purge: staging copy already purged")
	// ErrNoSigningKey means no receipt signing key was given: a purge never
	// deletes anything it cannot write a signed receipt for.
	ErrNoSigningKey = errors.New("purge: no receipt signing key")
	// ErrNoManifest means purge cannot name the archive in the receipt:
	// neither the registry, an earlier purge, the sidecar manifest nor the
	// archive itself gives its manifest digest and Merkle root.
	ErrNoManifest = errors.New("purge: cannot tell which archive the receipt is about")
)

// StagingUsersNote goes into every receipt's out-of-scope list: restore
// makes no database accounts for a staging copy, so there are none to drop.
const StagingUsersNote = "database accounts for the staging copy: not applicable, restore creates none (it uses the operator's account)"

// Options configure Run.
type Options struct {
	// Registry holds the staging copies; the receipts, the receipt log and
	// purge journals go into its directory unless told otherwise. Required.
	Registry *registry.Registry
	// Server returns how to connect to an entry's server: its Conn and a
	// password from wherever the caller takes passwords (never the
	// registry). Required. An error is recorded as the server being
	// unreachable.
	Server func(registry.Entry) (*mysql.Config, error)
	// Key signs the receipt and the receipt log. Required: Purge refuses
	// to delete anything without it.
	Key *receipt.PrivateKey
	// KeepArchive leaves the archive file in place (the receipt says so).
	KeepArchive bool
	// Manifest is the archive's sidecar manifest (the bytes the owner
	// keeps). It is only needed when the registry entry lacks the
	// manifest digest (a restore that failed half-way) and neither the
	// sidecar beside the archive nor the archive itself can be read.
	Manifest []byte
	// ReceiptPath is where the receipt goes; "" means
	// <registry dir>/receipts/<receipt id>.dsse.json. With PurgeExpired it
	// must be "".
	ReceiptPath string
	// LogDir is the receipt log; "" means <registry dir>/receipt-log.
	LogDir string
	// LogOrigin names the log in its checkpoints; "" means the signing
	// key's name + "/receipts". It must stay the same for one log.
	LogOrigin string
	// Operator and Host go into the receipt; Tool names this program.
	Operator string
	Host     string
	Tool     receipt.Tool
	// Progress, if set, is told each step as it starts.
	Progress func(step string)
}

// TableCount is one table of the staging database as purge measured it.
type TableCount struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// Result is what Run did.
type Result struct {
	Entry       registry.Entry
	Statement   *receipt.Statement
	Receipt     []byte // the receipt file's bytes
	ReceiptPath string
	ProofPath   string
	Proof       *receipt.Proof
	// Tables are the staging database's tables and exact row counts
	// before the drop (from an earlier, interrupted purge if the database
	// was gone already).
	Tables []TableCount
	// Closed says the registry entry was marked purged: only when the
	// status is erased.
	Closed bool
	// LogError is set when the receipt was written but could not be
	// appended to the receipt log (the receipt is still valid).
	LogError error
}

// Status is the receipt's status.
func (r *Result) Status() receipt.Status { return r.Statement.Predicate.Status }

// Purge destroys the staging copy idOrPrefix names in the registry and
// writes a signed deletion receipt. It acts only on what restore made for
// this staging id: a database whose _stagecopy_staging table names it, a
// files directory whose .stagecopy-staging.json names it, the archive whose
// SHA-256 the registry recorded, an identity file that starts with
// archive.PerSnapshotLine. It measures each before deleting, deletes, looks again,
// and signs what it found.
//
// Purge returns an error, having deleted nothing, when the entry is
// unknown or closed, when there is no signing key, or when the receipt
// could not name the archive. Once deleting has begun it always writes a
// receipt, whatever went wrong, and returns it with the status the checks
// give; the registry entry is closed (status purged) only when that status
// is erased, and running Purge again finishes the job.
func Run(ctx context.Context, idOrPrefix string, opts Options) (*Result, error) {
	if opts.Registry == nil || opts.Server == nil {
		return nil, errors.New("purge: Registry and Server are required")
	}
	if opts.Key == nil {
		return nil, fmt.Errorf("%w: refusing to delete anything that would not get a signed receipt", ErrNoSigningKey)
	}
	entry, err := opts.Registry.Get(ctx, idOrPrefix)
	if err != nil {
		return nil, err
	}
	// Not while another process restores or purges this copy; a restore
	// that crashed no longer holds it.
	release, err := opts.Registry.Hold(entry.ID)
	if err != nil {
		return nil, err
	}
	defer release()
	if entry, err = opts.Registry.Get(ctx, entry.ID); err != nil {
		return nil, err
	}
	// A purge killed between closing an entry and removing its journal
	// left the journal; one killed while writing left temporary files.
	if err := Tidy(ctx, opts.Registry); err != nil {
		return nil, err
	}
	if entry.Status == registry.StatusPurged {
		return nil, fmt.Errorf("%w: %s (%s)", ErrAlreadyPurged, entry.ID, strings.Join(entry.Notes, "; "))
	}
	p := &purger{opts: opts, entry: entry, dir: opts.Registry.Dir()}
	return p.run(ctx)
}

type purger struct {
	opts    Options
	entry   registry.Entry
	dir     string // registry directory
	journal *purgeJournal

	started time.Time
	admin   *sql.DB // server connection, no default database; nil when unreachable
	dbErr   error   // why admin is nil
	dbState dbState
	files   filesState
	// replaced are the parts restore --force took over, not reclaimed
	replaced []registry.Replaced
	// restoringReplaced are those whose restoring directory of this copy
	// (registry.RestoringDir) was there
	restoringReplaced []string
	archive           partState
	key               partState
	// adminRemovedAlone: the database could not be dropped, the support
	// admin was removed from it through its CMS.
	adminRemovedAlone bool

	actions []receipt.Action
	checks  []receipt.Check
}

func (p *purger) progress(step string) {
	if p.opts.Progress != nil {
		p.opts.Progress(step)
	}
}

func (p *purger) run(ctx context.Context) (*Result, error) {
	p.started = time.Now().UTC()
	e := p.entry
	j, err := loadJournal(p.dir, e.ID)
	if err != nil {
		return nil, err
	}
	p.journal = j
	if err := p.identifyArchive(ctx); err != nil {
		return nil, err
	}

	// Everything the receipt needs is checked before anything goes: the
	// receipt path is free, the log is ours.
	receiptID, err := newReceiptID()
	if err != nil {
		return nil, err
	}
	receiptPath := p.opts.ReceiptPath
	if receiptPath == "" {
		receiptPath = filepath.Join(p.dir, "receipts", receiptID+".dsse.json")
	}
	if receiptPath, err = filepath.Abs(receiptPath); err != nil {
		return nil, fmt.Errorf("purge: receipt path: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(receiptPath), 0o700); err != nil {
		return nil, fmt.Errorf("purge: receipt directory: %w", err)
	}
	if _, err := os.Lstat(receiptPath); err == nil {
		return nil, fmt.Errorf("purge: receipt %s exists already; give another --receipt path", receiptPath)
	}
	logDir := p.opts.LogDir
	if logDir == "" {
		logDir = filepath.Join(p.dir, "receipt-log")
	}
	origin := p.opts.LogOrigin
	if origin == "" {
		origin = p.opts.Key.Name + "/receipts"
	}
	if cp, err := receipt.ReadCheckpoint(logDir, p.opts.Key.Public()); err == nil {
		if cp.Origin != origin {
			return nil, fmt.Errorf("purge: receipt log %s has origin %q, not %q: use the key and origin it was started with", logDir, cp.Origin, origin)
		}
	} else if _, serr := os.Stat(filepath.Join(logDir, "checkpoint")); serr == nil {
		return nil, fmt.Errorf("purge: receipt log %s: %w (is it signed with another key?)", logDir, err)
	}

	if err := p.opts.Registry.Update(ctx, e.ID, func(x *registry.Entry) error {
		x.Status = registry.StatusPurging
		return nil
	}); err != nil {
		return nil, err
	}
	killpoint.Reached("purge-started")

	// From here on, a receipt is written whatever happens; an interrupt
	// stops the deleting, not the looking and the signing.
	p.connect(ctx)
	if p.admin != nil {
		defer p.admin.Close()
	}
	p.reclaim(ctx)
	p.progress("measure")
	if err := p.measure(ctx); err != nil {
		return nil, err
	}
	killpoint.Reached("purge-measured")
	p.progress("delete")
	p.deleteDatabase(ctx)
	killpoint.Reached("purge-database-done")
	p.deleteFiles(ctx)
	p.deleteReplaced()
	killpoint.Reached("purge-files-done")
	p.deleteArchive(ctx)
	killpoint.Reached("purge-archive-done")
	p.destroyKey(ctx)
	killpoint.Reached("purge-key-done")
	if err := p.journal.save(p.dir); err != nil {
		// The deletions are done; the journal only helps a re-run.
		p.journal.saveErr = err
	}

	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	p.progress("check")
	p.check(wctx)
	p.progress("receipt")
	return p.finish(wctx, receiptID, receiptPath, logDir, origin)
}

// identifyArchive finds the manifest digest and Merkle root the receipt
// names: from the registry and an earlier purge, else another registry
// entry restored from the same archive file (its SHA-256, which restore
// records first), else the sidecar manifest beside the archive, else the
// archive's own trailer (decrypted with the recorded identity file), else
// the manifest the caller gave.
func (p *purger) identifyArchive(ctx context.Context) error {
	e, j := p.entry, p.journal
	if j.ManifestSHA256 != "" && j.ArchiveMerkleRoot != "" {
		return nil
	}
	if j.ManifestSHA256 == "" {
		j.ManifestSHA256 = e.ManifestSHA256
	}
	if j.ArchiveMerkleRoot == "" && j.ManifestSHA256 != "" && e.ArchiveMerkleRoot != "" {
		// Restore recorded both: no need for the archive or a manifest.
		j.ArchiveMerkleRoot = e.ArchiveMerkleRoot
		return nil
	}
	if j.ManifestSHA256 == "" && e.ArchiveSHA256 != "" {
		// A restore killed before it read the manifest; another one, of
		// the same archive file, read it.
		all, err := p.opts.Registry.List(ctx)
		if err != nil {
			return err
		}
		for _, x := range all {
			if x.ID != e.ID && x.ArchiveSHA256 == e.ArchiveSHA256 && x.SnapshotID == e.SnapshotID && x.ManifestSHA256 != "" && x.ArchiveMerkleRoot != "" {
				j.ManifestSHA256, j.ArchiveMerkleRoot = x.ManifestSHA256, x.ArchiveMerkleRoot
				return nil
			}
		}
	}
	try := func(manifest []byte, from string) error {
		m, err := parseManifest(manifest)
		if err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
		if m.SnapshotID != e.SnapshotID {
			return fmt.Errorf("%s is for snapshot %s, the staging copy for %s", from, m.SnapshotID, e.SnapshotID)
		}
		sum := sha256.Sum256(manifest)
		digest := hex.EncodeToString(sum[:])
		if j.ManifestSHA256 != "" && digest != j.ManifestSHA256 {
			return fmt.Errorf("%s has SHA-256 %s, the registry recorded %s", from, digest, j.ManifestSHA256)
		}
		j.ManifestSHA256, j.ArchiveMerkleRoot = digest, m.MerkleRoot
		return nil
	}
	var tried []string
	if e.Archive != "" && e.Archive != "-" {
		if data, err := os.ReadFile(e.Archive + ".manifest.json"); err == nil {
			if err := try(data, e.Archive+".manifest.json"); err == nil {
				return nil
			} else {
				tried = append(tried, err.Error())
			}
		}
		data, err := archiveManifest(ctx, e.Archive, e.ArchiveSHA256, e.IdentityFile)
		if err == nil {
			if err = try(data, "the manifest of "+e.Archive); err == nil {
				return nil
			}
		}
		tried = append(tried, err.Error())
	}
	if p.opts.Manifest != nil {
		if err := try(p.opts.Manifest, "the manifest given"); err == nil {
			return nil
		} else {
			tried = append(tried, err.Error())
		}
	}
	msg := "the registry entry has no manifest digest (the restore did not finish)"
	if e.ManifestSHA256 != "" {
		msg = "the registry entry has no archive Merkle root"
	}
	if len(tried) > 0 {
		msg += "; " + strings.Join(tried, "; ")
	}
	return fmt.Errorf("%w %s: %s; give the archive's .manifest.json with --manifest (nothing was deleted)", ErrNoManifest, e.ID, msg)
}

// connect opens the server connection; a failure is recorded, not returned.
func (p *purger) connect(ctx context.Context) {
	cfg, err := p.opts.Server(p.entry)
	if err != nil {
		p.dbErr = err
		return
	}
	c := *cfg
	c.DBName = ""
	c.MultiStatements = false
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	conn, err := mysql.NewConnector(&c)
	if err != nil {
		p.dbErr = err
		return
	}
	db := sql.OpenDB(conn)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		p.dbErr = fmt.Errorf("connect to %s: %w", p.entry.Server, err)
		return
	}
	db.SetMaxOpenConns(2)
	p.admin = db
}

// finish derives the status, signs and writes the receipt, appends it to
// the log and updates the registry.
func (p *purger) finish(ctx context.Context, receiptID, receiptPath, logDir, origin string) (*Result, error) {
	e, j := p.entry, p.journal
	methods := []receipt.Method{receipt.LogicalDeletion}
	if j.KeyDestroyed {
		methods = append(methods, receipt.CryptographicErase)
	}
	subjects := []receipt.Subject{{Name: receipt.ManifestSubject, Digest: receipt.DigestSet{SHA256: j.ManifestSHA256}}}
	if e.ArchiveSHA256 != "" && e.Archive != "" {
		subjects = append(subjects, receipt.Subject{Name: filepath.Base(e.Archive), Digest: receipt.DigestSet{SHA256: e.ArchiveSHA256}})
	}
	outOfScope := append(slices.Clone(receipt.OutOfScope), StagingUsersNote)
	st := receipt.NewStatement(subjects, receipt.Predicate{
		ReceiptID: receiptID, StagingID: e.ID, SnapshotID: e.SnapshotID, ArchiveMerkleRoot: j.ArchiveMerkleRoot,
		Operator: p.opts.Operator, Tool: p.opts.Tool, Host: p.opts.Host,
		Timeline: receipt.Timeline{Started: p.started, Finished: time.Now().UTC()},
		Actions:  p.actions, Checks: p.checks, Methods: methods, OutOfScope: outOfScope,
	})
	data, err := receipt.Sign(st, p.opts.Key)
	if err != nil {
		return nil, fmt.Errorf("purge %s: %w (what was deleted is recorded in %s)", e.ID, err, j.path(p.dir))
	}
	// The receipt goes into the log before it appears under its name: a
	// purge killed in between leaves no receipt that the log does not
	// hold (only a leaf for a receipt nobody has; the entry stays
	// purging, and the next run writes another).
	f, err := atomicfile.Create(receiptPath, false)
	if err == nil {
		if _, err = f.Write(data); err == nil {
			err = f.Chmod(0o644)
		}
		if err != nil {
			f.Abort()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("purge %s: write receipt: %w", e.ID, err)
	}
	res := &Result{Statement: st, Receipt: data, ReceiptPath: receiptPath, Tables: j.Tables}
	log := &receipt.Log{Dir: logDir, Origin: origin, Key: p.opts.Key}
	proof, err := log.Append(ctx, data)
	if err != nil {
		// The receipt is still valid; the command warns.
		res.LogError = err
	}
	killpoint.Reached("purge-logged")
	if err := f.Commit(); err != nil {
		return nil, fmt.Errorf("purge %s: write receipt: %w", e.ID, err)
	}
	killpoint.Reached("purge-receipt-written")
	if proof != nil {
		if err := receipt.WriteProof(receiptPath, proof); err != nil {
			res.LogError = err
		} else {
			res.Proof, res.ProofPath = proof, receiptPath+receipt.ProofSuffix
		}
	}

	status := st.Predicate.Status
	note := fmt.Sprintf("purge %s: %s, receipt %s", st.Predicate.Timeline.Finished.Format(time.RFC3339), status, receiptPath)
	err = p.opts.Registry.Update(ctx, e.ID, func(x *registry.Entry) error {
		x.Notes = append(x.Notes, note)
		if status == receipt.Erased {
			x.Status = registry.StatusPurged
		}
		res.Entry = *x
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("purge %s: the receipt is written (%s), but the registry could not be updated: %w", e.ID, receiptPath, err)
	}
	if status == receipt.Erased {
		killpoint.Reached("purge-closed")
		res.Closed = true
		j.remove(p.dir)
	}
	return res, nil
}

// newReceiptID returns "rcpt-" and 16 random hex digits.
func newReceiptID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("purge: receipt id: %w", err)
	}
	return "rcpt-" + hex.EncodeToString(b[:]), nil
}

// dbTarget names a staging database of e in the receipt: no user, no
// password, no socket path.
func dbTarget(e registry.Entry, database string) string {
	host := e.Conn.Host
	if host == "" {
		host = "localhost"
	}
	if e.Conn.Port != 0 {
		host += ":" + strconv.Itoa(e.Conn.Port)
	}
	return "mariadb://" + host + "/" + database
}

func (p *purger) addCheck(check, target string, result receipt.CheckResult, detail string) {
	p.checks = append(p.checks, receipt.Check{Check: check, Target: target, Result: result, Detail: detail, CheckedAt: time.Now().UTC()})
}

// errText is an error as a receipt shows it: one line.
func errText(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
