package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/countio"
)

func verifyCommand(e *env) *cli.Command {
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
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress bar"},
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
			sum, err := readArchive(e, path, c.Bool("quiet"), "verify", keys, nil)
			if err != nil {
				return err
			}
			mpath, explicit := c.String("manifest"), c.IsSet("manifest")
			if !explicit && path != "-" {
				mpath = path + archive.SidecarSuffix
			}
			checked := ""
			if mpath != "" {
				if err := checkOwnerManifest(mpath, sum.manifest); err != nil {
					if explicit || !errors.Is(err, fs.ErrNotExist) {
						return err
					}
				} else {
					checked = mpath
				}
			}
			m := sum.manifest
			w := e.stdout
			fmt.Fprintf(w, "ok: %s is intact\n", path)
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
			if m.NotAnonymized {
				fmt.Fprintln(w, "  WARNING      NOT ANONYMIZED: made with --no-anonymize; it holds the source's personal data")
			}
			return nil
		},
	}
}

// archiveSummary is what reading a whole archive yields.
type archiveSummary struct {
	header                 archive.Header
	manifest               *archive.Manifest
	sha256                 string
	compressed             int64
	dbEntries, fileEntries int
	decryption             archive.Decryption
}

// readArchive reads and verifies a whole archive, calling each (if not nil)
// for every entry, with a progress bar over the compressed bytes.
func readArchive(e *env, path string, quiet bool, desc string, keys archive.Keys, each func(*archive.Entry, io.Reader) error) (*archiveSummary, error) {
	var in io.Reader = e.stdin
	total := int64(-1)
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, withHint(err, "check the archive path")
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			if st.IsDir() {
				return nil, fmt.Errorf("%s is a directory, not an archive", path)
			}
			total = st.Size()
		}
		in = f
	}
	b := newBar(e, quiet, total, desc)
	defer b.finish()
	cr := &countingReader{Reader: countio.Reader{R: in}, bar: b}
	r, err := archive.Open(cr, keys)
	if err != nil {
		return nil, keyHint(fmt.Errorf("%s: %w", path, err))
	}
	defer r.Close()
	sum := &archiveSummary{header: r.Header(), decryption: r.Decryption()}
	for {
		ent, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch {
		case strings.HasPrefix(ent.Name, archive.DBPrefix):
			sum.dbEntries++
		case strings.HasPrefix(ent.Name, archive.FilesPrefix):
			sum.fileEntries++
		}
		if each != nil {
			if err := each(ent, r); err != nil {
				return nil, err
			}
		}
	}
	// Finish hashes what follows the manifest too, so the SHA-256 is the
	// file's; for an encrypted archive it also authenticates age's last
	// chunk.
	if sum.sha256, err = r.Finish(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sum.manifest = r.Manifest()
	sum.compressed = cr.N
	return sum, nil
}

// describeDecryption says how an archive was decrypted, "" when it was not
// encrypted.
func describeDecryption(d archive.Decryption) string {
	switch {
	case !d.Encrypted:
		return ""
	case d.Passphrase:
		return "age, with a passphrase"
	case d.Identity != nil && d.Identity.PerSnapshot:
		return "age, opened with per-snapshot identity " + d.Identity.Path
	case d.Identity != nil:
		return "age, opened with identity " + d.Identity.Path
	}
	return "age"
}

// expiredNote is " (EXPIRED)" for a time in the past.
func expiredNote(t time.Time) string {
	if !time.Now().Before(t) {
		return " (EXPIRED: restore refuses it without --ignore-expiry)"
	}
	return ""
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

func oneArg(c *cli.Context, name string) (string, error) {
	if err := flagsFirst(c); err != nil {
		return "", err
	}
	if c.NArg() != 1 {
		return "", usagef("%s: want exactly one %s argument, got %d", c.Command.Name, name, c.NArg())
	}
	return c.Args().First(), nil
}

// flagsFirst catches flags written after the arguments, which urfave/cli
// would otherwise take for arguments.
func flagsFirst(c *cli.Context) error {
	for _, a := range c.Args().Slice() {
		if len(a) > 1 && a[0] == '-' {
			return usagef("%s: flag %s comes after the argument %q; flags go before arguments", c.Command.Name, a, c.Args().Get(0))
		}
	}
	return nil
}
