package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
)

// newVerifyCommand is `stagecopy verify`: its flags, parsed into
// verifyOptions for runVerify.
func newVerifyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check an archive's integrity: every entry's SHA-256, the manifest trailer and its Merkle root",
		ArgsUsage: "ARCHIVE",
		Description: "Reads the whole archive (use - for standard input) and exits 0 only when every entry's hash,\n" +
			"the manifest trailer and the Merkle root match. When the owner's sidecar manifest\n" +
			"(ARCHIVE.manifest.json) lies beside the archive, or --manifest names one, the archive must match it too.\n\n" +
			"An encrypted archive (.tar.zst.age) is recognized by its first line and needs --identity FILE\n" +
			"or --passphrase-file FILE (a passphrase is asked on a terminal); age authenticates every 64 KiB,\n" +
			"so a flipped or missing byte of the ciphertext is found too.\n\n" +
			"Exit codes: 0 intact, 3 damaged or tampered, 2 no identity given, 1 other errors (wrong key).",
		Flags: append(keyFlags(),
			&cli.StringFlag{Name: "manifest", Usage: "owner's manifest `FILE` the archive must match (default: ARCHIVE.manifest.json if present)"},
			jsonFlag(),
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
			opts := verifyOptions{
				path: path, keys: keys, quiet: c.Bool("quiet"), json: c.Bool("json"), progress: progress,
				manifest: c.String("manifest"), manifestGiven: c.IsSet("manifest"),
			}
			if !opts.manifestGiven && path != "-" {
				opts.manifest = path + archive.SidecarSuffix
			}
			return runVerify(c.Context, e, opts)
		},
	}
}

// verifyOptions is what verify's flags ask for.
type verifyOptions struct {
	path string // the ARCHIVE argument, "-" for standard input
	keys archive.Keys
	// manifest is the owner's manifest the archive must match: --manifest,
	// or the sidecar beside the archive, which may be missing unless
	// manifestGiven.
	manifest      string
	manifestGiven bool
	quiet, json   bool
	progress      progressMode
}

// runVerify reads the whole archive, compares it with the owner's manifest,
// and prints what it checked.
func runVerify(ctx context.Context, e *env, o verifyOptions) error {
	sum, err := readArchive(ctx, e, o.path, o.progress, "verify", o.keys, nil)
	if err != nil {
		return err
	}
	checked := ""
	if o.manifest != "" {
		if err := checkOwnerManifest(o.manifest, sum.manifest); err != nil {
			if o.manifestGiven || !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		} else {
			checked = o.manifest
		}
	}
	m := sum.manifest
	if m.NotAnonymized {
		fmt.Fprintln(e.stderr, "stagecopy: warning: NOT ANONYMIZED: made with --no-anonymize; the archive holds the source's personal data")
	}
	if o.json {
		j := verifyJSON{
			OK: true, Archive: o.path, SnapshotID: m.SnapshotID, Entries: m.EntryCount,
			DatabaseEntries: sum.dbEntries, FileEntries: sum.fileEntries,
			UncompressedBytes: m.TotalBytes, Bytes: sum.compressed, MerkleRoot: m.MerkleRoot, SHA256: sum.sha256,
			Encrypted: describeDecryption(sum.decryption), ManifestMatched: checked, Anonymized: !m.NotAnonymized,
		}
		if !sum.header.Expires.IsZero() {
			x := sum.header.Expires.UTC()
			j.Expires, j.Expired = &x, time.Now().After(x)
		}
		return printJSON(e.stdout, j)
	}
	if o.quiet {
		return nil
	}
	w := e.stdout
	fmt.Fprintf(w, "ok: %s is intact\n", o.path)
	fmt.Fprintf(w, "  snapshot     %s\n", m.SnapshotID)
	fmt.Fprintf(w, "  entries      %d (%d database, %d files)\n", m.EntryCount, sum.dbEntries, sum.fileEntries)
	fmt.Fprintf(w, "  bytes        %d uncompressed, %d compressed\n", m.TotalBytes, sum.compressed)
	fmt.Fprintf(w, "  merkle root  %s\n", m.MerkleRoot)
	fmt.Fprintf(w, "  sha256       %s\n", sum.sha256)
	if enc := describeDecryption(sum.decryption); enc != "" {
		fmt.Fprintf(w, "  encrypted    %s\n", enc)
	}
	if !sum.header.Expires.IsZero() {
		fmt.Fprintf(w, "  expires      %s%s\n", sum.header.Expires.Local().Format(time.RFC3339), expiredNote(sum.header.Expires))
	}
	if checked != "" {
		fmt.Fprintf(w, "  matches      %s\n", checked)
	}
	return nil
}

// verifyJSON is verify --json (docs/json.md): printed only when the archive
// is intact; a failure prints nothing on standard output, and the exit code
// and stderr say why.
type verifyJSON struct {
	OK                bool       `json:"ok"`
	Archive           string     `json:"archive"`
	SnapshotID        string     `json:"snapshot_id"`
	Entries           int        `json:"entries"`
	DatabaseEntries   int        `json:"database_entries"`
	FileEntries       int        `json:"file_entries"`
	UncompressedBytes int64      `json:"uncompressed_bytes"`
	Bytes             int64      `json:"bytes"`
	MerkleRoot        string     `json:"merkle_root"`
	SHA256            string     `json:"sha256"`
	Encrypted         string     `json:"encrypted"` // how it was opened, "" when plain
	Expires           *time.Time `json:"expires"`
	Expired           bool       `json:"expired"`
	ManifestMatched   string     `json:"manifest_matched"` // the owner's manifest it matched, "" when none was checked
	Anonymized        bool       `json:"anonymized"`
}

// checkOwnerManifest compares the owner's manifest file with the archive's.
func checkOwnerManifest(path string, m *archive.Manifest) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var owner archive.Manifest
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&owner); err != nil {
		return fmt.Errorf("owner manifest %s: %w", path, err)
	}
	if owner.SnapshotID != m.SnapshotID || owner.MerkleRoot != m.MerkleRoot {
		return withHint(fmt.Errorf("%w: archive does not match the owner's manifest %s (snapshot %s root %.16s, manifest says snapshot %s root %.16s)",
			archive.ErrCorrupt, path, m.SnapshotID, m.MerkleRoot, owner.SnapshotID, owner.MerkleRoot),
			"this archive is not the one the manifest describes; ask the owner which snapshot they sent")
	}
	return nil
}
