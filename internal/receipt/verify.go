package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"golang.org/x/mod/sumdb/tlog"
)

// ownerManifest is the part of an archive manifest (internal/archive's
// Manifest, the sidecar the owner keeps) that a receipt is matched with.
type ownerManifest struct {
	Format     string `json:"format"`
	SnapshotID string `json:"snapshot_id"`
	MerkleRoot string `json:"merkle_root"`
}

// MatchManifest checks that a verified statement speaks about the archive
// the owner's manifest describes: the SHA-256 of the manifest bytes is the
// statement's manifest subject, and the manifest's snapshot id and Merkle
// root are the predicate's. All three must match.
func MatchManifest(st *Statement, manifest []byte) error {
	var m ownerManifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		return invalidf("owner manifest: %v", err)
	}
	if m.SnapshotID == "" || m.MerkleRoot == "" {
		return invalidf("owner manifest: no snapshot_id or merkle_root: is it an archive's .manifest.json?")
	}
	p := &st.Predicate
	if m.SnapshotID != p.SnapshotID {
		return invalidf("the receipt is for snapshot %s, the manifest for snapshot %s", p.SnapshotID, m.SnapshotID)
	}
	if m.MerkleRoot != p.ArchiveMerkleRoot {
		return invalidf("the receipt names archive Merkle root %.16s…, the manifest %.16s…", p.ArchiveMerkleRoot, m.MerkleRoot)
	}
	sum := sha256.Sum256(manifest)
	want := hex.EncodeToString(sum[:])
	for _, s := range st.Subject {
		if s.Name == ManifestSubject {
			if s.Digest.SHA256 != want {
				return invalidf("the receipt's manifest digest %.16s… is not this manifest's SHA-256 %.16s… (same snapshot, different bytes: was the manifest edited?)", s.Digest.SHA256, want)
			}
			return nil
		}
	}
	return invalidf("the receipt has no %s subject", ManifestSubject)
}

// VerifyInclusion checks a proof file against the receipt file's exact bytes:
// the checkpoint is signed by pub, the proof's size and root are the
// checkpoint's, and the RFC 6962 inclusion proof leads from the receipt's
// leaf hash to that root. It returns the checkpoint.
func VerifyInclusion(proofFile, receipt []byte, pub *PublicKey) (*Checkpoint, error) {
	p, err := ParseProof(proofFile)
	if err != nil {
		return nil, err
	}
	cp, err := OpenCheckpoint([]byte(p.Checkpoint), pub)
	if err != nil {
		return nil, err
	}
	if p.TreeSize != cp.Size || p.Root != b64.EncodeToString(cp.Root[:]) {
		return nil, invalidf("proof file: tree size or root differ from its signed checkpoint")
	}
	if p.Index < 0 || p.Index >= cp.Size {
		return nil, invalidf("proof file: index %d outside a log of %d receipts", p.Index, cp.Size)
	}
	hashes, err := decodeHashes(p.Inclusion)
	if err != nil {
		return nil, invalidf("proof file: %v", err)
	}
	if err := tlog.CheckRecord(hashes, cp.Size, cp.Root, p.Index, tlog.RecordHash(receipt)); err != nil {
		return nil, invalidf("this receipt is not entry %d of log %q at size %d: %v", p.Index, cp.Origin, cp.Size, err)
	}
	return cp, nil
}

// VerifyConsistency checks that two checkpoints of one log agree: the
// larger tree extends the smaller one (proof is the RFC 6962 consistency
// proof between them, see ProveConsistency), or, at equal sizes, the roots
// are equal. The arguments may come in either order. A log rewritten from
// scratch, or with any receipt removed or replaced, fails.
func VerifyConsistency(a, b *Checkpoint, proof tlog.TreeProof) error {
	if a.Origin != b.Origin {
		return invalidf("checkpoints of different logs (%q and %q)", a.Origin, b.Origin)
	}
	if a.Size > b.Size {
		a, b = b, a
	}
	if a.Size == 0 {
		return nil // the empty tree is a prefix of every tree
	}
	if a.Size == b.Size {
		if a.Root != b.Root {
			return invalidf("two different logs of %d receipts signed under one origin %q: the log was rewritten", a.Size, a.Origin)
		}
		return nil
	}
	if err := tlog.CheckTree(proof, b.Size, b.Root, a.Size, a.Root); err != nil {
		return invalidf("the log at size %d does not extend the log at size %d (%v): it was rewritten or receipts were removed", b.Size, a.Size, err)
	}
	return nil
}
