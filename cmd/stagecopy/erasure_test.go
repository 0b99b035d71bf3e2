package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestCryptoErasure is issue 6's whole loop with an encrypted archive: the
// owner encrypts to a per-snapshot identity and keeps a copy of the
// archive; support restores and purges; afterwards the owner's copy can no
// longer be decrypted by anyone who held support's files, and the owner
// verifies the receipt offline against the sidecar manifest.
func TestCryptoErasure(t *testing.T) {
	srv := mariadbtest.Start(t)
	_, db := mariadbtest.DatabaseName(t, "erase")
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))

	// Support: a receipt key and a per-snapshot age identity.
	signKey := filepath.Join(dir, "receipt.key")
	code, keyOut, stderr := runCLI(t, "keygen", "--out", signKey, "--name", "support@test")
	if code != 0 {
		t.Fatal(stderr)
	}
	pub := regexp.MustCompile(`(?m)^(support@test\+[0-9a-f]{8}\+\S+)$`).FindString(keyOut)
	if pub == "" {
		t.Fatalf("no public key line in\n%s", keyOut)
	}
	identity, recipient := ageKeygen(t, "--per-snapshot")
	secret, _ := os.ReadFile(identity)

	// Owner: snapshot encrypted to it; the owner keeps a copy and the
	// sidecar manifest.
	owner := filepath.Join(dir, "owner")
	os.MkdirAll(owner, 0o755)
	ownerCopy := filepath.Join(owner, "site.tar.zst.age")
	if code, _, stderr := runCLI(t, "snapshot", "--preset", "wordpress", "--dump", demoDir+"/demo.sql", "--files", demoDir+"/site",
		"--encrypt-to", recipient, "-o", ownerCopy, "-q"); code != 0 {
		t.Fatalf("snapshot: %s", stderr)
	}
	supportCopy := filepath.Join(dir, "support-site.tar.zst.age")
	data, _ := os.ReadFile(ownerCopy)
	os.WriteFile(supportCopy, data, 0o600)

	code, stdout, stderr := runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", filepath.Join(dir, "site"),
		"--state-dir", state, "-i", identity, "-q", supportCopy)
	if code != 0 {
		t.Fatalf("restore: %s", stderr)
	}
	id := regexp.MustCompile(`\b(stg-[0-9a-f]{12})\b`).FindStringSubmatch(stdout)[1]
	// Before purge the identity opens the owner's copy.
	if code, _, stderr := runCLI(t, "verify", "-i", identity, "-q", ownerCopy); code != 0 {
		t.Fatalf("verify before purge: %s", stderr)
	}

	code, stdout, stderr = runCLI(t, "purge", "--state-dir", state, "--sign-key", signKey, id)
	if code != 0 {
		t.Fatalf("purge: %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(identity); !os.IsNotExist(err) {
		t.Fatalf("identity file still there: %v", err)
	}
	if _, err := os.Stat(supportCopy); !os.IsNotExist(err) {
		t.Errorf("support's archive copy still there: %v", err)
	}
	// No copy of the secret key is left in support's state directory.
	key := strings.TrimSpace(string(secret[strings.Index(string(secret), "AGE-SECRET-KEY-"):]))
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), key) {
				t.Errorf("%s holds the destroyed identity's secret key", p)
			}
		}
		return nil
	})
	// The owner's copy is now unreadable: the only identity is gone, and
	// any other key is refused.
	other, _ := ageKeygen(t)
	if code, _, stderr := runCLI(t, "verify", "-i", other, "-q", ownerCopy); code == 0 || !strings.Contains(stderr, "identit") {
		t.Errorf("owner's copy opened with another key: %d %s", code, stderr)
	}

	// The owner verifies the receipt offline with the public key line and
	// the sidecar manifest.
	rec := regexp.MustCompile(`(?m)(\S+\.dsse\.json)`).FindString(stdout)
	if rec == "" {
		t.Fatalf("no receipt path in\n%s", stdout)
	}
	code, vout, stderr := runCLI(t, "receipt", "verify", "--pubkey", pub, "--manifest", ownerCopy+".manifest.json", rec)
	if code != 0 {
		t.Fatalf("receipt verify: %d\n%s\n%s", code, vout, stderr)
	}
	if !strings.Contains(vout, "cryptographic_erase") && !strings.Contains(vout, "destroy_key") {
		t.Errorf("receipt does not mention the destroyed key:\n%s", vout)
	}
}
