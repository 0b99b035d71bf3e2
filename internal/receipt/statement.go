// Package receipt makes and checks deletion receipts: the signed statement
// that `stagecopy purge` writes after destroying a restored staging copy, and
// that the site owner verifies offline with a public key.
//
// A receipt is a DSSE envelope (dsse.go) around an in-toto Statement v1
// (this file) whose predicate lists what was measured, deleted and checked.
// It is signed with Ed25519; the keys use the signed-note key encodings of
// golang.org/x/mod/sumdb/note (key.go), so the same key also signs the head
// of the receipt log (log.go), an RFC 6962 Merkle tree of every receipt
// written, whose checkpoints let an owner who kept an old one notice a log
// rewritten from scratch. verify.go holds the owner's side.
//
// docs/receipts.md describes the format byte by byte, the verification
// procedure and the limits of what a receipt proves.
//
// Library code: no printing, errors wrapped with %w.
package receipt

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Identifiers of the format.
const (
	StatementType = "https://in-toto.io/Statement/v1"
	PredicateType = "https://stagecopy.dev/deletion-receipt/v1"
	PayloadType   = "application/vnd.in-toto+json"

	// ManifestSubject is the subject name of the archive's manifest.json,
	// whose SHA-256 the owner recomputes from the sidecar manifest they kept.
	ManifestSubject = "manifest.json"
)

// ErrInvalid is wrapped by every verification failure: a bad signature, a
// statement that does not parse strictly, a receipt for another snapshot, a
// failed inclusion or consistency proof.
var ErrInvalid = errors.New("receipt: verification failed")

// ErrSignature is wrapped, with ErrInvalid, by the failures that come before
// the signature is known good: an unreadable envelope, another key, a bad
// signature. Anything else wrapping ErrInvalid concerns signed content.
var ErrSignature = errors.New("signature")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

func badSignature(format string, args ...any) error {
	return fmt.Errorf("%w: %w: "+format, append([]any{ErrInvalid, ErrSignature}, args...)...)
}

// Statement is an in-toto Statement v1 whose predicate is a deletion receipt.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// Subject is an artifact the receipt speaks about: the archive's manifest
// (name ManifestSubject) and, when purge saw it, the archive file.
type Subject struct {
	Name   string    `json:"name"`
	Digest DigestSet `json:"digest"`
}

// DigestSet holds an artifact's digests; v1 uses SHA-256 only.
type DigestSet struct {
	SHA256 string `json:"sha256"`
}

// Predicate is the deletion receipt proper.
type Predicate struct {
	ReceiptID  string `json:"receipt_id"`
	StagingID  string `json:"staging_id"`
	SnapshotID string `json:"snapshot_id"`
	// ArchiveMerkleRoot is the merkle_root of the archive's manifest: with
	// SnapshotID, what ties the receipt to the owner's manifest even when
	// the subject digest cannot be recomputed.
	ArchiveMerkleRoot string   `json:"archive_merkle_root"`
	Operator          string   `json:"operator"`
	Tool              Tool     `json:"tool"`
	Host              string   `json:"host"`
	Timeline          Timeline `json:"timeline"`
	Actions           []Action `json:"actions"`
	Checks            []Check  `json:"checks"`
	Status            Status   `json:"status"`
	Exceptions        []string `json:"exceptions"`
	Methods           []Method `json:"methods"`
	OutOfScope        []string `json:"out_of_scope"`
}

// Tool names the program that did the purge.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Timeline says when the purge ran.
type Timeline struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
}

// ActionKind is what an action destroyed.
type ActionKind string

// Action kinds.
const (
	DropDatabase       ActionKind = "drop_database"
	RemoveFiles        ActionKind = "remove_files"
	DeleteArchive      ActionKind = "delete_archive"
	RemoveSupportAdmin ActionKind = "remove_support_admin"
	DestroyKey         ActionKind = "destroy_key"
)

// ActionResult is how an action ended.
type ActionResult string

// Action results.
const (
	Done          ActionResult = "done"
	AlreadyAbsent ActionResult = "already_absent"
	Failed        ActionResult = "failed"
	Skipped       ActionResult = "skipped"
)

// Action is one destructive step of a purge.
type Action struct {
	Action ActionKind `json:"action"`
	// Target names what was acted on: "mariadb://host/db", a directory, a
	// file, "db/user" for a support admin.
	Target string       `json:"target"`
	Before *Measure     `json:"before,omitempty"`
	Result ActionResult `json:"result"`
	Error  string       `json:"error,omitempty"`
}

// Measure is what a target held just before it was destroyed.
type Measure struct {
	Tables          int64  `json:"tables,omitempty"`
	Rows            int64  `json:"rows,omitempty"`
	Files           int64  `json:"files,omitempty"`
	Dirs            int64  `json:"dirs,omitempty"`
	Bytes           int64  `json:"bytes,omitempty"`
	FilesMerkleRoot string `json:"files_merkle_root,omitempty"`
	SHA256          string `json:"sha256,omitempty"`
}

// CheckResult is what an absence check found.
type CheckResult string

// Check results.
const (
	Absent     CheckResult = "absent"
	Present    CheckResult = "present"
	CheckError CheckResult = "error"
)

// Check is one look, after the actions, at whether a target is gone.
type Check struct {
	// Check names the look taken ("database_exists", "path_exists",
	// "user_exists", ...); Target is the same string as the action's.
	Check     string      `json:"check"`
	Target    string      `json:"target"`
	Result    CheckResult `json:"result"`
	Detail    string      `json:"detail,omitempty"`
	CheckedAt time.Time   `json:"checked_at"`
}

// Status is the receipt's conclusion, derived by DeriveStatus.
type Status string

// Statuses.
const (
	Erased               Status = "erased"
	ErasedWithExceptions Status = "erased_with_exceptions"
	NotErased            Status = "not_erased"
)

// Method is how data was destroyed.
type Method string

// Methods.
const (
	// LogicalDeletion is DROP DATABASE and unlink: the storage is freed,
	// not overwritten.
	LogicalDeletion Method = "logical_deletion"
	// CryptographicErase is destroying the only key of an encrypted
	// archive, which makes every copy of it unreadable.
	CryptographicErase Method = "cryptographic_erase"
)

// OutOfScope is what no receipt covers, in every receipt so that nobody
// reads more into it than stagecopy can know.
var OutOfScope = []string{
	"backups of the staging server or database taken by anyone",
	"database binary logs, relay logs and replicas",
	"freed disk blocks, filesystem journals, snapshots and SSD remapping",
	"copies made outside stagecopy (downloads, exports, screenshots, caches)",
	"copies of the archive not encrypted to the destroyed key",
}

var (
	actionKinds = []ActionKind{DropDatabase, RemoveFiles, DeleteArchive, RemoveSupportAdmin, DestroyKey}
	results     = []ActionResult{Done, AlreadyAbsent, Failed, Skipped}
	checkResult = []CheckResult{Absent, Present, CheckError}
	statuses    = []Status{Erased, ErasedWithExceptions, NotErased}
	methods     = []Method{LogicalDeletion, CryptographicErase}
	hex64       = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// DeriveStatus computes the status and the exceptions from the actions and
// checks. It is "erased" only when no action failed, every check is
// "absent" and every action that was not skipped has a check on its target.
// It is "erased_with_exceptions" when that fails only outside the database
// and the site files: every drop_database and remove_files target (at least
// one) is checked absent. Otherwise it is "not_erased".
func DeriveStatus(actions []Action, checks []Check) (Status, []string) {
	exceptions := []string{}
	byTarget := map[string][]Check{}
	for _, c := range checks {
		byTarget[c.Target] = append(byTarget[c.Target], c)
		if c.Result != Absent {
			msg := fmt.Sprintf("check %s %s: %s", c.Check, c.Target, c.Result)
			if c.Detail != "" {
				msg += " (" + c.Detail + ")"
			}
			exceptions = append(exceptions, msg)
		}
	}
	coreOK, core := true, 0
	for _, a := range actions {
		if a.Result == Failed {
			exceptions = append(exceptions, fmt.Sprintf("%s %s failed: %s", a.Action, a.Target, a.Error))
		}
		cs := byTarget[a.Target]
		if len(cs) == 0 && a.Result != Skipped {
			exceptions = append(exceptions, fmt.Sprintf("%s %s: no absence check", a.Action, a.Target))
		}
		if a.Action != DropDatabase && a.Action != RemoveFiles {
			continue
		}
		core++
		if len(cs) == 0 {
			coreOK = false
		}
		for _, c := range cs {
			if c.Result != Absent {
				coreOK = false
			}
		}
	}
	switch {
	case len(checks) == 0:
		if len(exceptions) == 0 {
			exceptions = append(exceptions, "nothing was checked")
		}
		return NotErased, exceptions
	case len(exceptions) == 0:
		return Erased, exceptions
	case core > 0 && coreOK:
		return ErasedWithExceptions, exceptions
	}
	return NotErased, exceptions
}

// NewStatement builds a statement around p, filling in the fixed fields:
// statement and predicate types, Status and Exceptions from DeriveStatus,
// and OutOfScope when p has none.
func NewStatement(subjects []Subject, p Predicate) *Statement {
	p.Status, p.Exceptions = DeriveStatus(p.Actions, p.Checks)
	if p.OutOfScope == nil {
		p.OutOfScope = slices.Clone(OutOfScope)
	}
	return &Statement{Type: StatementType, Subject: subjects, PredicateType: PredicateType, Predicate: p}
}

// Validate checks what strict parsing cannot: required fields present,
// values from their lists, digests well formed, and a status and
// exceptions that are exactly what DeriveStatus says.
func (s *Statement) Validate() error {
	bad := func(format string, args ...any) error { return invalidf("statement: "+format, args...) }
	if s.Type != StatementType {
		return bad("_type is %q, want %q", s.Type, StatementType)
	}
	if s.PredicateType != PredicateType {
		return bad("predicateType is %q, want %q", s.PredicateType, PredicateType)
	}
	if len(s.Subject) == 0 {
		return bad("no subject")
	}
	manifest := 0
	for i, sub := range s.Subject {
		if sub.Name == "" || !hex64.MatchString(sub.Digest.SHA256) {
			return bad("subject %d: want a name and a lowercase hex SHA-256", i)
		}
		if sub.Name == ManifestSubject {
			manifest++
		}
	}
	if manifest != 1 {
		return bad("want exactly one subject named %q, found %d", ManifestSubject, manifest)
	}
	p := &s.Predicate
	for name, v := range map[string]string{
		"receipt_id": p.ReceiptID, "staging_id": p.StagingID, "snapshot_id": p.SnapshotID,
		"operator": p.Operator, "tool.name": p.Tool.Name, "tool.version": p.Tool.Version, "host": p.Host,
	} {
		if v == "" {
			return bad("predicate.%s is missing", name)
		}
	}
	if !hex64.MatchString(p.ArchiveMerkleRoot) {
		return bad("predicate.archive_merkle_root is not 64 lowercase hex digits")
	}
	if p.Timeline.Started.IsZero() || p.Timeline.Finished.Before(p.Timeline.Started) {
		return bad("predicate.timeline: started missing or finished before started")
	}
	if len(p.Actions) == 0 {
		return bad("predicate.actions is empty")
	}
	for i, a := range p.Actions {
		if !slices.Contains(actionKinds, a.Action) || !slices.Contains(results, a.Result) || a.Target == "" {
			return bad("predicate.actions[%d]: unknown action %q or result %q, or no target", i, a.Action, a.Result)
		}
		if (a.Result == Failed) != (a.Error != "") {
			return bad("predicate.actions[%d]: an error goes with result failed, and only with it", i)
		}
		if a.Before != nil && a.Before.FilesMerkleRoot != "" && !hex64.MatchString(a.Before.FilesMerkleRoot) {
			return bad("predicate.actions[%d].before.files_merkle_root is not 64 lowercase hex digits", i)
		}
		if a.Before != nil && a.Before.SHA256 != "" && !hex64.MatchString(a.Before.SHA256) {
			return bad("predicate.actions[%d].before.sha256 is not 64 lowercase hex digits", i)
		}
	}
	for i, c := range p.Checks {
		if c.Check == "" || c.Target == "" || !slices.Contains(checkResult, c.Result) || c.CheckedAt.IsZero() {
			return bad("predicate.checks[%d]: want check, target, result (absent, present, error) and checked_at", i)
		}
	}
	if !slices.Contains(statuses, p.Status) {
		return bad("predicate.status %q is not one of %v", p.Status, statuses)
	}
	status, exceptions := DeriveStatus(p.Actions, p.Checks)
	if p.Status != status {
		return bad("predicate.status says %q but its actions and checks say %q", p.Status, status)
	}
	if !slices.Equal(p.Exceptions, exceptions) {
		return bad("predicate.exceptions do not list exactly the failed actions and checks")
	}
	if len(p.Methods) == 0 {
		return bad("predicate.methods is empty")
	}
	for _, m := range p.Methods {
		if !slices.Contains(methods, m) {
			return bad("predicate.methods: unknown method %q", m)
		}
	}
	for _, o := range OutOfScope {
		if !slices.Contains(p.OutOfScope, o) {
			return bad("predicate.out_of_scope lacks %q", o)
		}
	}
	return nil
}
