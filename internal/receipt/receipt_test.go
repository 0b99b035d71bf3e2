package receipt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/archive"
)

// testKey makes a key with GenerateKey and loads it back from its files.
func testKey(t testing.TB, name string) *PrivateKey {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".key")
	if _, err := GenerateKey(path, name); err != nil {
		t.Fatal(err)
	}
	k, err := LoadPrivateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// ownerManifest builds an archive manifest as the archive package writes
// it, so a change of its field names breaks this test.
func testManifest(t testing.TB, snapshotID string) []byte {
	t.Helper()
	entries := []archive.Entry{{Name: "db/t.schema.sql", Type: archive.TypeFile, Size: 3, SHA256: strings.Repeat("ab", 32)}}
	m := archive.Manifest{Format: archive.FormatName, FormatVersion: archive.FormatVersion, SnapshotID: snapshotID,
		EntryCount: 1, Entries: entries, MerkleRoot: archive.MerkleRoot(entries)}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// testStatement is what purge would write for the archive of manifest.
func testStatement(t testing.TB, manifest []byte, receiptID string) *Statement {
	t.Helper()
	var m archive.Manifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(manifest)
	db, dir := "mariadb://localhost/staging_shop", "/srv/staging/shop"
	p := Predicate{
		ReceiptID: receiptID, StagingID: "stg-0001", SnapshotID: m.SnapshotID, ArchiveMerkleRoot: m.MerkleRoot,
		Operator: "alice@support.example", Tool: Tool{Name: "stagecopy", Version: "test"}, Host: "support-1",
		Timeline: Timeline{Started: t0, Finished: t0.Add(3 * time.Second)},
		Actions: []Action{
			{Action: DropDatabase, Target: db, Before: &Measure{Tables: 12, Rows: 3400, Bytes: 1 << 20}, Result: Done},
			{Action: RemoveFiles, Target: dir, Before: &Measure{Files: 40, Bytes: 5 << 20, FilesMerkleRoot: strings.Repeat("cd", 32)}, Result: Done},
		},
		Checks: []Check{
			{Check: "database_exists", Target: db, Result: Absent, CheckedAt: t0.Add(2 * time.Second)},
			{Check: "path_exists", Target: dir, Result: Absent, CheckedAt: t0.Add(2 * time.Second)},
		},
		Methods: []Method{LogicalDeletion},
	}
	return NewStatement([]Subject{{Name: ManifestSubject, Digest: DigestSet{SHA256: hex.EncodeToString(sum[:])}}}, p)
}

func signed(t testing.TB, st *Statement, k *PrivateKey) []byte {
	t.Helper()
	data, err := Sign(st, k)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// signRaw signs arbitrary payload bytes, bypassing Sign's validation, as a
// careless or hostile signer could.
func signRaw(k *PrivateKey, payload []byte) []byte {
	env := Envelope{PayloadType: PayloadType, Payload: b64.EncodeToString(payload),
		Signatures: []Signature{{KeyID: k.Public().KeyID(), Sig: b64.EncodeToString(ed25519.Sign(k.key, PAE(PayloadType, payload)))}}}
	data, _ := json.MarshalIndent(env, "", "  ")
	return append(data, '\n')
}

func mustFail(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want an error containing %q", want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %v does not wrap ErrInvalid", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q, want it to contain %q", err, want)
	}
}

// The example of the DSSE protocol specification.
func TestPAESpecVector(t *testing.T) {
	got := PAE("http://example.com/HelloWorld", []byte("hello world"))
	if want := "DSSEv1 29 http://example.com/HelloWorld 11 hello world"; string(got) != want {
		t.Fatalf("PAE = %q, want %q", got, want)
	}
	if got := PAE("", nil); string(got) != "DSSEv1 0  0 " {
		t.Fatalf("empty PAE = %q", got)
	}
}

func TestSignVerify(t *testing.T) {
	k := testKey(t, "support")
	man := testManifest(t, "snap-1")
	st := testStatement(t, man, "r-1")
	data := signed(t, st, k)
	got, err := VerifyReceipt(data, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Fatalf("verified statement differs:\n%+v\n%+v", got, st)
	}
	if got.Predicate.Status != Erased {
		t.Fatalf("status %q", got.Predicate.Status)
	}
	if err := MatchManifest(got, man); err != nil {
		t.Fatal(err)
	}
}

// Every single-byte change of a receipt file makes it fail: three masks
// per byte (low bit, ASCII case bit, high bit).
func TestFlipEveryByte(t *testing.T) {
	k := testKey(t, "support")
	data := signed(t, testStatement(t, testManifest(t, "snap-1"), "r-1"), k)
	pub := k.Public()
	for i := range data {
		for _, mask := range []byte{0x01, 0x20, 0x80} {
			b := bytes.Clone(data)
			b[i] ^= mask
			if st, err := VerifyReceipt(b, pub); err == nil {
				t.Fatalf("byte %d (%q) ^ %#x accepted: %+v", i, data[i], mask, st.Predicate.Status)
			}
		}
	}
}

func TestOtherKeyFails(t *testing.T) {
	k, other := testKey(t, "support"), testKey(t, "support")
	data := signed(t, testStatement(t, testManifest(t, "snap-1"), "r-1"), k)
	_, err := VerifyReceipt(data, other.Public())
	mustFail(t, err, "another key")

	// The right keyid with another key's signature fails on the signature.
	var env Envelope
	json.Unmarshal(data, &env)
	payload, _ := b64.DecodeString(env.Payload)
	env.Signatures[0].Sig = b64.EncodeToString(ed25519.Sign(other.key, PAE(PayloadType, payload)))
	forged, _ := json.Marshal(env)
	_, err = VerifyReceipt(forged, k.Public())
	mustFail(t, err, "signature: the receipt was altered")
	if !errors.Is(err, ErrSignature) {
		t.Fatal("a bad signature does not wrap ErrSignature")
	}
}

// Correctly signed payloads that a strict reader must refuse.
func TestStrictPayload(t *testing.T) {
	k := testKey(t, "support")
	st := testStatement(t, testManifest(t, "snap-1"), "r-1")
	good, _ := json.Marshal(st)
	if _, err := VerifyReceipt(signRaw(k, good), k.Public()); err != nil {
		t.Fatalf("signRaw of a good payload: %v", err)
	}
	cases := map[string]struct{ payload, want string }{
		"unknown field":    {strings.Replace(string(good), `"receipt_id"`, `"extra":1,"receipt_id"`, 1), "unknown field"},
		"field case":       {strings.Replace(string(good), `"status"`, `"Status"`, 1), "predicate.Status: not in canonical"},
		"duplicate key":    {strings.Replace(string(good), `"status":"erased"`, `"status":"not_erased","status":"erased"`, 1), "duplicate key"},
		"trailing data":    {string(good) + `{}`, "after"},
		"missing field":    {strings.Replace(string(good), `"host":"support-1",`, ``, 1), "predicate.host (missing)"},
		"wrong type":       {strings.Replace(string(good), StatementType, "https://in-toto.io/Statement/v0.1", 1), "_type"},
		"wrong predicate":  {strings.Replace(string(good), PredicateType, "https://example.com/other", 1), "predicateType"},
		"unknown result":   {strings.Replace(string(good), `"result":"done"`, `"result":"gone"`, 1), "unknown action"},
		"optional as null": {strings.Replace(string(good), `"result":"done"`, `"result":"done","error":""`, 1), "canonical"},
		"not json":         {"erased", "invalid character"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if c.payload == string(good) {
				t.Fatal("the case did not change the payload")
			}
			_, err := VerifyReceipt(signRaw(k, []byte(c.payload)), k.Public())
			mustFail(t, err, c.want)
		})
	}

	var env Envelope
	json.Unmarshal(signRaw(k, good), &env)
	env.PayloadType = "application/json"
	data, _ := json.Marshal(env)
	_, err := VerifyReceipt(data, k.Public())
	mustFail(t, err, "payloadType")
	env.PayloadType = PayloadType
	env.Signatures = append(env.Signatures, env.Signatures[0])
	data, _ = json.Marshal(env)
	_, err = VerifyReceipt(data, k.Public())
	mustFail(t, err, "exactly one signature")
}

// A signer cannot claim "erased" over a check that found the data present.
func TestStatusMustFollowChecks(t *testing.T) {
	k := testKey(t, "support")
	st := testStatement(t, testManifest(t, "snap-1"), "r-1")
	st.Predicate.Checks[0].Result = Present
	if _, err := Sign(st, k); err == nil {
		t.Fatal("Sign accepted a status its checks contradict")
	}
	payload, _ := json.Marshal(st)
	_, err := VerifyReceipt(signRaw(k, payload), k.Public())
	mustFail(t, err, `status says "erased"`)
}

func TestMatchManifest(t *testing.T) {
	k := testKey(t, "support")
	man1, man2 := testManifest(t, "snap-1"), testManifest(t, "snap-2")
	st, err := VerifyReceipt(signed(t, testStatement(t, man1, "r-1"), k), k.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := MatchManifest(st, man1); err != nil {
		t.Fatal(err)
	}
	mustFail(t, MatchManifest(st, man2), "snapshot snap-1, the manifest for snapshot snap-2")

	// Same snapshot id, another archive (another Merkle root).
	var m archive.Manifest
	json.Unmarshal(man1, &m)
	m.Entries[0].Size++
	m.MerkleRoot = archive.MerkleRoot(m.Entries)
	other, _ := json.MarshalIndent(m, "", "  ")
	mustFail(t, MatchManifest(st, other), "Merkle root")

	// Same id and root, bytes edited.
	mustFail(t, MatchManifest(st, append(bytes.Clone(man1), '\n')), "different bytes")
	mustFail(t, MatchManifest(st, []byte(`{"format":"x"}`)), "no snapshot_id")
}

func TestDeriveStatus(t *testing.T) {
	db, dir, arc, adm := "db", "dir", "archive", "admin"
	act := func(k ActionKind, target string, r ActionResult) Action {
		a := Action{Action: k, Target: target, Result: r}
		if r == Failed {
			a.Error = "boom"
		}
		return a
	}
	chk := func(target string, r CheckResult) Check {
		return Check{Check: "exists", Target: target, Result: r, CheckedAt: t0}
	}
	core := []Action{act(DropDatabase, db, Done), act(RemoveFiles, dir, AlreadyAbsent)}
	coreChecks := []Check{chk(db, Absent), chk(dir, Absent)}
	cases := []struct {
		name       string
		actions    []Action
		checks     []Check
		want       Status
		exceptions int
	}{
		{"all absent", core, coreChecks, Erased, 0},
		{"nothing checked", core, nil, NotErased, 2},
		{"no actions, no checks", nil, nil, NotErased, 1},
		{"database present", core, []Check{chk(db, Present), chk(dir, Absent)}, NotErased, 1},
		{"check error on files", core, []Check{chk(db, Absent), chk(dir, CheckError)}, NotErased, 1},
		{"files unchecked", core, []Check{chk(db, Absent)}, NotErased, 1},
		{"drop failed but gone", []Action{act(DropDatabase, db, Failed), core[1]}, coreChecks, ErasedWithExceptions, 1},
		{"archive delete failed", append(core[:2:2], act(DeleteArchive, arc, Failed)), append(coreChecks[:2:2], chk(arc, Present)), ErasedWithExceptions, 2},
		{"admin removal unchecked", append(core[:2:2], act(RemoveSupportAdmin, adm, Done)), coreChecks, ErasedWithExceptions, 1},
		{"skipped needs no check", append(core[:2:2], act(DestroyKey, "key", Skipped)), coreChecks, Erased, 0},
		{"only an archive, absent", []Action{act(DeleteArchive, arc, Done)}, []Check{chk(arc, Absent)}, Erased, 0},
		{"only an archive, present", []Action{act(DeleteArchive, arc, Done)}, []Check{chk(arc, Present)}, NotErased, 1},
		{"one absent check among present ones", core, []Check{chk(db, Absent), chk(db, Present), chk(dir, Absent)}, NotErased, 1},
	}
	for _, c := range cases {
		got, exc := DeriveStatus(c.actions, c.checks)
		if got != c.want || len(exc) != c.exceptions {
			t.Errorf("%s: %s with %d exceptions %q, want %s with %d", c.name, got, len(exc), exc, c.want, c.exceptions)
		}
		if got == Erased {
			for _, ch := range c.checks {
				if ch.Result != Absent {
					t.Errorf("%s: erased with a check %s", c.name, ch.Result)
				}
			}
		}
	}
}

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "receipt.key")
	pub, err := GenerateKey(path, "support-1")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v", st.Mode().Perm())
	}
	if _, err := GenerateKey(path, "support-1"); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second GenerateKey: %v, want ErrExist", err)
	}
	os.Remove(path)
	if _, err := GenerateKey(path, "support-1"); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("GenerateKey over an existing .pub: %v, want ErrExist", err)
	}
	os.Remove(path + PublicKeySuffix)
	if _, err := GenerateKey(path, "bad name"); !errors.Is(err, ErrKey) {
		t.Fatalf("name with a space: %v", err)
	}

	// The .pub file and the line are the same key; LoadPublicKey takes both.
	pub, err = GenerateKey(path, "support-1")
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := LoadPublicKey(path + PublicKeySuffix)
	if err != nil {
		t.Fatal(err)
	}
	fromLine, err := LoadPublicKey(pub.String())
	if err != nil || fromFile.String() != pub.String() || fromLine.KeyID() != pub.KeyID() {
		t.Fatalf("public keys differ: %v %v %v (%v)", pub, fromFile, fromLine, err)
	}
	if !strings.HasPrefix(pub.String(), "support-1+") || len(pub.KeyID()) != 64 {
		t.Fatalf("public key %q keyid %q", pub, pub.KeyID())
	}
	k, err := LoadPrivateKey(path)
	if err != nil || k.Public().String() != pub.String() {
		t.Fatalf("private key does not match: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadPrivateKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key: %v", err)
	}
	if _, err := LoadPublicKey("no-such-file"); !errors.Is(err, ErrKey) {
		t.Fatalf("bad public key: %v", err)
	}
	if _, err := ParsePrivateKey(pub.String()); !errors.Is(err, ErrKey) {
		t.Fatalf("public key as private: %v", err)
	}
	// A key line with a wrong hash is refused (note checks it too).
	bad := strings.Replace(pub.String(), "+", "+0", 1)
	if _, err := ParsePublicKey(bad); !errors.Is(err, ErrKey) {
		t.Fatalf("bad hash accepted: %v", err)
	}
}

func FuzzVerifyReceipt(f *testing.F) {
	k := testKey(f, "support")
	st := testStatement(f, testManifest(f, "snap-1"), "r-1")
	data := signed(f, st, k)
	f.Add(data)
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := VerifyReceipt(in, k.Public())
		if err != nil {
			return
		}
		// Only the signer's statement can verify.
		if !reflect.DeepEqual(got, st) {
			t.Fatalf("accepted a statement that was never signed: %+v", got)
		}
	})
}
