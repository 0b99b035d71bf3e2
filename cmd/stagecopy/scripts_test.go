package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestJSONResults runs snapshot, verify, restore and purge with --json on
// the demo and a real MariaDB: each prints one JSON object whose fields
// agree with each other and with the files (docs/json.md).
func TestJSONResults(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "json")
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	t.Setenv("MYSQL_PWD", "")
	out := filepath.Join(dir, "demo.tar.zst")
	var snap snapshotJSON
	decodeCLI(t, &snap, "snapshot", "--json", "--anonymize", "-r", demoDir+"/rules.yml", "--dump", demoDir+"/demo.sql", "--files", demoDir+"/site", "-o", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if snap.SHA256 != hex.EncodeToString(sum[:]) || snap.Bytes != int64(len(data)) || snap.Tables == 0 || snap.Rows == 0 || !snap.Anonymized ||
		snap.Manifest != out+".manifest.json" || snap.Files == 0 {
		t.Errorf("snapshot --json disagrees with the archive (%d bytes): %+v", len(data), snap)
	}
	var ver verifyJSON
	decodeCLI(t, &ver, "verify", "--json", out)
	if !ver.OK || ver.SnapshotID != snap.SnapshotID || ver.SHA256 != snap.SHA256 || ver.MerkleRoot != snap.MerkleRoot || ver.ManifestMatched != snap.Manifest {
		t.Errorf("verify --json %+v does not match snapshot --json %+v", ver, snap)
	}
	var rest restoreJSON
	decodeCLI(t, &rest, "restore", "--json", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", filepath.Join(dir, "site"),
		"--cms", "wordpress", "--url", "https://staging.example.test", "--support-admin", "helper", "--state-dir", state, out)
	if rest.SnapshotID != snap.SnapshotID || rest.Database != db || rest.Rows != snap.Rows || rest.Files == 0 || rest.SupportAdmin == nil ||
		rest.SupportAdmin.Password == "" || rest.URL != "https://staging.example.test" || !strings.HasPrefix(rest.StagingID, "stg-") {
		t.Errorf("restore --json: %+v (snapshot %+v)", rest, snap)
	}
	keyPath := filepath.Join(dir, "receipt.key")
	if code, _, stderr := runCLI(t, "keygen", "-q", "--out", keyPath); code != 0 {
		t.Fatal(stderr)
	}
	var pj purgeJSON
	decodeCLI(t, &pj, "purge", "--json", "--sign-key", keyPath, "--state-dir", state, rest.StagingID)
	if len(pj.Purged) != 1 || pj.Purged[0].StagingID != rest.StagingID || pj.Purged[0].Status != "erased" || !pj.Purged[0].Closed || len(pj.Purged[0].Actions) == 0 {
		t.Fatalf("purge --json: %+v", pj)
	}
	if _, err := os.Stat(pj.Purged[0].Receipt); err != nil {
		t.Errorf("the receipt purge --json names: %v", err)
	}
	// --json goes with a file archive only.
	if code, _, _ := runCLI(t, "snapshot", "--json", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", "-"); code != exitUsage {
		t.Errorf("snapshot --json -o -: exit %d", code)
	}
}

// decodeCLI runs stagecopy and decodes its standard output, which must be
// exactly one JSON object, into v.
func decodeCLI(t *testing.T, v any, args ...string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s", args[0], code, stderr)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s --json: %v\n%s", args[0], err, stdout)
	}
	if dec.More() {
		t.Fatalf("%s --json: more than one JSON value:\n%s", args[0], stdout)
	}
}

// TestQuiet: -q means no progress and no summary, and warnings still on
// stderr, for every command that has it.
func TestQuiet(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "q.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "-q", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", out)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "WARNING: --no-anonymize") {
		t.Errorf("snapshot -q --no-anonymize: exit %d, stdout %q, stderr %q (want the warning only)", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "verify", "-q", out)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "NOT ANONYMIZED") {
		t.Errorf("verify -q: exit %d, stdout %q, stderr %q (want the warning only)", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "keygen", "-q", "--out", filepath.Join(dir, "k"))
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "+") {
		t.Errorf("keygen -q: exit %d, stdout %q (want the public key line alone)", code, stdout)
	}
	code, stdout, _ = runCLI(t, "keygen", "-q", "--age", "--out", filepath.Join(dir, "a"))
	if code != 0 || !strings.HasPrefix(stdout, "age1") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("keygen -q --age: exit %d, stdout %q (want the recipient alone)", code, stdout)
	}
	code, stdout, stderr = runCLI(t, "purge", "-q", "--expired", "--state-dir", filepath.Join(dir, "state"))
	if code != 0 || stdout != "" {
		t.Errorf("purge -q --expired with nothing expired: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	app := newApp(&env{stdin: strings.NewReader("")})
	for _, c := range app.Commands {
		for _, f := range c.Flags {
			if f.Names()[0] == "quiet" && !strings.Contains(flagUsage(f), "warnings and errors still go to stderr") && c.Name != "keygen" && c.Name != "scan" {
				t.Errorf("%s -q says %q", c.Name, flagUsage(f))
			}
		}
	}
}

// TestProgressJSON snapshots a live database with --progress json: every
// line on stderr is a progress object, the database phase counts rows, and
// its percentage is the share of rows done, up to 100 at the end.
func TestProgressJSON(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, demoDir+"/demo.sql")
	t.Setenv("MYSQL_PWD", "")
	out := filepath.Join(t.TempDir(), "p.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--progress", "json", "--json", "--anonymize", "-r", demoDir+"/rules.yml",
		"--socket", srv.Socket, "-u", "root", "-D", db, "--files", demoDir+"/site", "-o", out)
	if code != 0 {
		t.Fatalf("snapshot: exit %d\n%s", code, stderr)
	}
	var snap snapshotJSON
	if err := json.Unmarshal([]byte(stdout), &snap); err != nil {
		t.Fatal(err)
	}
	phases := map[string]progressLine{}
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(line, "stagecopy: ") {
			continue // a message: notes, warnings and errors keep their form
		}
		var p progressLine
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("stderr line %q is not a progress object: %v", line, err)
		}
		if p.Percent != nil && (*p.Percent < 0 || *p.Percent > 100 || p.Total <= 0 ||
			int64(*p.Percent*10) != p.Done*1000/p.Total) {
			t.Errorf("percent %v does not agree with %d/%d %s", *p.Percent, p.Done, p.Total, p.Unit)
		}
		phases[p.Phase] = p
	}
	dbp, ok := phases["database"]
	if !ok || dbp.Unit != "rows" || !dbp.Finished || dbp.Done != snap.Rows {
		t.Errorf("last database progress %+v; the archive has %d rows", dbp, snap.Rows)
	}
	if fp, ok := phases["files"]; !ok || fp.Unit != "bytes" || !fp.Finished {
		t.Errorf("files progress: %+v", fp)
	}
}

func flagUsage(f cli.Flag) string {
	if d, ok := f.(cli.DocGenerationFlag); ok {
		return d.GetUsage()
	}
	return ""
}

// TestAgeHabits: -j is snapshot's --threads as it is restore's, and the
// help of -r says it is the rules here, not age's recipient.
func TestAgeHabits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "j.tar.zst")
	if code, _, stderr := runCLI(t, "snapshot", "-j", "2", "-q", "--no-anonymize", "--dump", demoDir+"/demo.sql", "-o", out); code != 0 {
		t.Errorf("snapshot -j 2: exit %d\n%s", code, stderr)
	}
	for _, verb := range []string{"snapshot", "anonymize", "scan"} {
		_, help, _ := runCLI(t, "help", verb)
		if !strings.Contains(strings.Join(strings.Fields(help), " "), "-r is rules") {
			t.Errorf("%s --help does not say what -r means here:\n%s", verb, help)
		}
	}
}
