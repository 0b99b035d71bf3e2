// Package archive reads and writes stagecopy archives: a tar stream compressed
// with zstd, whose first entry is a JSON header (stagecopy.json), whose middle
// entries are the database (db/...) and the site's files (files/...), and whose
// last entry is a JSON manifest (manifest.json) listing every entry's size and
// SHA-256 and a Merkle root over them.
//
// Every entry's SHA-256 also travels in its own tar header (a PAX record), so a
// Reader verifies each entry as soon as it has been read, before the consumer
// acts on the next one, and verifies the manifest at the end.
//
// docs/format.md describes the layout byte by byte.
package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Well-known entry names and limits of the format.
const (
	HeaderName   = "stagecopy.json"
	ManifestName = "manifest.json"
	DBPrefix     = "db/"
	FilesPrefix  = "files/"

	// FormatName and FormatVersion identify the layout in the header and manifest.
	FormatName    = "stagecopy-archive"
	FormatVersion = 1

	// PAXHashKey is the PAX record that carries an entry's SHA-256: the
	// POSIX "comment" keyword, which every tar reader ignores silently, with
	// the value PAXHashPrefix + 64 hex digits.
	PAXHashKey    = "comment"
	PAXHashPrefix = "stagecopy.sha256="

	// OrderedData is the last line of a data entry whose rows may replace,
	// skip or update rows of the same table (REPLACE, INSERT IGNORE,
	// INSERT ... ON DUPLICATE KEY UPDATE, which restore refuses but
	// which a person loading entries by hand may run): restore loads such
	// an entry after the table's earlier entries, and the table's later
	// entries one after another after it, so that the row which wins is
	// the one the dump's order makes win. Entries of tables without it
	// load in parallel.
	OrderedData = "-- stagecopy: load in order (rows here may replace, skip or update rows of this table's other parts)\n"

	// MaxMetaSize bounds the header and manifest entries a Reader accepts.
	MaxMetaSize = 256 << 20
)

// Errors a Reader returns, wrapped with the entry they concern.
var (
	ErrNotArchive     = errors.New("archive: not a stagecopy archive")
	ErrCorrupt        = errors.New("archive: corrupt or tampered")
	ErrInsecurePath   = errors.New("archive: insecure entry path")
	ErrMissingTrailer = errors.New("archive: manifest trailer missing (archive truncated?)")
)

// EntryType is the kind of an archive entry.
type EntryType string

// Entry types.
const (
	TypeFile    EntryType = "file"
	TypeDir     EntryType = "dir"
	TypeSymlink EntryType = "symlink"
)

// Entry describes one archive entry. For a symlink, the hashed content is the
// link target; for a directory it is empty.
type Entry struct {
	Name    string    `json:"name"`
	Type    EntryType `json:"type"`
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	Mode    int64     `json:"mode,omitempty"`
	Link    string    `json:"link,omitempty"`
	ModTime time.Time `json:"-"`
}

// Header is the first entry of every archive.
type Header struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	SnapshotID    string    `json:"snapshot_id"`
	Created       time.Time `json:"created"`
	Expires       time.Time `json:"expires,omitzero"`
	Tool          Tool      `json:"tool"`
	Source        Source    `json:"source"`
	Anonymized    bool      `json:"anonymized"`
	// NotAnonymized is set when the owner said --no-anonymize: the archive
	// holds the source data as it was.
	NotAnonymized bool   `json:"not_anonymized,omitempty"`
	Warning       string `json:"warning,omitempty"`
	RulesDigest   string `json:"rules_digest,omitempty"`
}

// Tool names the program that wrote an archive.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

// Source says where the database and files came from.
type Source struct {
	Kind          string `json:"kind"` // "dump-file" or "server"
	DumpFile      string `json:"dump_file,omitempty"`
	Server        string `json:"server,omitempty"`
	ServerVersion string `json:"server_version,omitempty"`
	// ServerFlavor is "mysql" or "mariadb", from ServerVersion; "" when the
	// source's server is not known (a dump without a header). Restore
	// names it beside what it adapted (docs/servers.md).
	ServerFlavor string `json:"server_flavor,omitempty"`
	// DumpTool is the program that wrote a dump-file source, from the
	// dump's header ("mysqldump 8.0.36", "mariadb-dump 10.11.6-MariaDB",
	// "phpMyAdmin 5.2.1").
	DumpTool string `json:"dump_tool,omitempty"`
	Database string `json:"database,omitempty"`
	Charset  string `json:"charset,omitempty"`
	FilesDir string `json:"files_dir,omitempty"`
}

// Manifest is the last entry of every archive, and the sidecar file the owner
// keeps. Entries and MerkleRoot are filled in by Writer.Close.
type Manifest struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	SnapshotID    string `json:"snapshot_id"`
	// Expires repeats the header's expiry, so the owner's sidecar says it too.
	Expires       time.Time   `json:"expires,omitzero"`
	NotAnonymized bool        `json:"not_anonymized,omitempty"`
	Warning       string      `json:"warning,omitempty"`
	RulesDigest   string      `json:"rules_digest,omitempty"`
	Tables        []TableStat `json:"tables"`
	Files         FileStats   `json:"files"`
	Report        any         `json:"anonymization,omitempty"`
	// Privacy is the check of every row written after the rules: what
	// still looks like personal data (snapshot.Result.Privacy).
	Privacy any `json:"privacy,omitempty"`
	// Subset is the definition of a subset snapshot and what it took of
	// each table (dbdump.SubsetInfo); absent when every row was copied.
	Subset     any     `json:"subset,omitempty"`
	EntryCount int     `json:"entry_count"`
	TotalBytes int64   `json:"total_bytes"`
	Entries    []Entry `json:"entries"`
	MerkleRoot string  `json:"merkle_root"`
}

// TableStat is one table's line in the manifest.
type TableStat struct {
	Name        string   `json:"name"`
	Rows        int64    `json:"rows"`
	Bytes       int64    `json:"bytes"`
	SchemaEntry string   `json:"schema_entry,omitempty"`
	DataEntries []string `json:"data_entries,omitempty"`
}

// FileStats summarizes the files/ part of an archive.
type FileStats struct {
	Count    int64    `json:"count"`
	Dirs     int64    `json:"dirs"`
	Symlinks int64    `json:"symlinks"`
	Bytes    int64    `json:"bytes"`
	Skipped  []string `json:"skipped,omitempty"`
	// Scrubbed lists the files whose secrets the rules replaced.
	Scrubbed []string `json:"scrubbed,omitempty"`
}

// CheckName reports whether name is an acceptable entry name: a clean relative
// slash path, no "..", no absolute path, no backslash or NUL, under db/ or
// files/ unless it is the header or manifest.
func CheckName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %q: %s", ErrInsecurePath, name, why) }
	switch {
	case name == "":
		return bad("empty name")
	case strings.HasPrefix(name, "/"):
		return bad("absolute path")
	case strings.ContainsAny(name, "\\\x00"):
		return bad("backslash or NUL in name")
	}
	for _, part := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		switch part {
		case "..":
			return bad("parent directory reference")
		case "", ".":
			return bad("not a clean path")
		}
	}
	if name == HeaderName || name == ManifestName {
		return nil
	}
	if !strings.HasPrefix(name, DBPrefix) && !strings.HasPrefix(name, FilesPrefix) {
		return bad("outside db/ and files/")
	}
	if name == DBPrefix || name == FilesPrefix {
		return bad("bare prefix")
	}
	return nil
}

// MerkleRoot is the RFC 6962 Merkle tree hash over the entries' leaf hashes,
// in archive order (see LeafHash), hex encoded. It is the empty-tree hash,
// SHA-256 of nothing, when there are no entries.
func MerkleRoot(entries []Entry) string {
	leaves := make([][32]byte, len(entries))
	for i, e := range entries {
		leaves[i] = LeafHash(e)
	}
	root := treeHash(leaves)
	return hex.EncodeToString(root[:])
}

// LeafHash is SHA-256(0x00 || type || 0x00 || name || 0x00 || decimal size ||
// 0x00 || raw SHA-256 of the content), the RFC 6962 leaf hash of an entry.
func LeafHash(e Entry) [32]byte {
	sum, _ := hex.DecodeString(e.SHA256)
	h := sha256.New()
	h.Write([]byte{0})
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", e.Type, e.Name, e.Size)
	h.Write(sum)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

func treeHash(leaves [][32]byte) [32]byte {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := treeHash(leaves[:k]), treeHash(leaves[k:])
	var buf [65]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[33:], r[:])
	return sha256.Sum256(buf[:])
}
