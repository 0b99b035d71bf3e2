package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
)

// ageKeygen runs keygen --age and returns the file and the recipient line.
func ageKeygen(t *testing.T, args ...string) (string, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "id.key")
	code, out, stderr := runCLI(t, append(append([]string{"keygen", "--age"}, args...), "--out", p)...)
	if code != 0 {
		t.Fatalf("keygen --age: %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return p, lines[len(lines)-1]
}

func TestKeygenAge(t *testing.T) {
	p, rec := ageKeygen(t)
	data, _ := os.ReadFile(p)
	if !strings.HasPrefix(string(data), archive.PerSnapshotLine+"\n# created: ") || !strings.Contains(string(data), "# public key: "+rec+"\nAGE-SECRET-KEY-1") {
		t.Fatalf("identity file:\n%s", data)
	}
	if !strings.HasPrefix(rec, "age1") {
		t.Fatalf("recipient %q", rec)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	code, out, stderr := runCLI(t, "keygen", "--age", "--out", p)
	if after, _ := os.ReadFile(p); code != exitError || !bytes.Equal(after, data) || !strings.Contains(stderr, "never replaced") {
		t.Fatalf("second keygen over it: %d %s %s", code, out, stderr)
	}
	if strings.Contains(out, "AGE-SECRET-KEY") {
		t.Fatal("keygen printed the secret key")
	}
	lt, _ := ageKeygen(t, "--long-term")
	if data, _ := os.ReadFile(lt); strings.Contains(string(data), archive.PerSnapshotLine) {
		t.Errorf("long-term identity marked per-snapshot:\n%s", data)
	}
	for _, args := range [][]string{{"--age", "--long-term", "--per-snapshot"}, {"--long-term"}, {"--age", "--name", "x"}} {
		if code, _, _ := runCLI(t, append([]string{"keygen", "--out", filepath.Join(t.TempDir(), "k")}, args...)...); code != exitUsage {
			t.Errorf("keygen %v: code %d", args, code)
		}
	}
	// The default place is the config directory, named by the recipient.
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	code, out, stderr = runCLI(t, "keygen", "--age")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := filepath.Join(dir, "stagecopy", "age", lines[len(lines)-1][:16]+".key")
	if _, err := os.Stat(want); code != 0 || err != nil || !strings.Contains(out, want) {
		t.Fatalf("default path: %d %s %s (%v)", code, out, stderr, err)
	}
	if names := dirNames(t, filepath.Dir(want)); len(names) != 1 {
		t.Errorf("left in the directory: %v", names)
	}
}

// TestEncryptedCLI: snapshot --encrypt-to, then verify and inspect with
// no key, a wrong key, the key, and damaged copies, by exit code.
func TestEncryptedCLI(t *testing.T) {
	id, rec := ageKeygen(t)
	wrong, _ := ageKeygen(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "site.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "--preset", "wordpress", "--dump", demoDir+"/demo.sql", "--files", demoDir+"/site",
		"--encrypt-to", rec, "--expires", "14d", "-o", out) // no -q: the summary is checked
	if code != 0 {
		t.Fatalf("snapshot: %d %s", code, stderr)
	}
	enc := out + ".age"
	data, err := os.ReadFile(enc)
	if err != nil || !bytes.HasPrefix(data, []byte(archive.AgeMagic+"\n")) {
		t.Fatalf("%s: %v", enc, err)
	}
	if names := dirNames(t, dir); strings.Join(names, " ") != "site.tar.zst.age site.tar.zst.age.manifest.json" {
		t.Errorf("output directory holds %v", names)
	}
	sum := sha256.Sum256(data)
	if !strings.Contains(stdout, "sha256 "+hex.EncodeToString(sum[:])) || !strings.Contains(stdout, "encrypted age") || !strings.Contains(stdout, "expires") {
		t.Errorf("summary does not quote the encrypted file's sha256:\n%s", stdout)
	}
	snapID := regexp.MustCompile(`snapshot (\S+) written to`).FindStringSubmatch(stdout)[1]

	code, _, stderr = runCLI(t, "verify", enc)
	if code != exitUsage || !strings.Contains(stderr, "hint: give --identity FILE") {
		t.Errorf("verify without a key: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "verify", "-i", wrong, enc)
	if code != exitError || !strings.Contains(stderr, "nothing given decrypts it") || !strings.Contains(stderr, "hint:") {
		t.Errorf("verify with a wrong key: %d %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "verify", "-i", wrong, "-i", id, enc)
	if code != 0 || !strings.Contains(stdout, "matches      "+enc+".manifest.json") || !strings.Contains(stdout, snapID) ||
		!strings.Contains(stdout, "sha256       "+hex.EncodeToString(sum[:])) || !strings.Contains(stdout, "per-snapshot identity "+id) {
		t.Errorf("verify: %d %s %s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "inspect", "-i", id, enc)
	if code != 0 || !strings.Contains(stdout, "expires      ") || !strings.Contains(stdout, "encrypted    age") {
		t.Errorf("inspect: %d %s %s", code, stdout, stderr)
	}
	// The sidecar stays plain and carries the expiry too.
	side, _ := os.ReadFile(enc + ".manifest.json")
	if !bytes.HasPrefix(side, []byte("{")) || !bytes.Contains(side, []byte(`"expires"`)) {
		t.Errorf("sidecar:\n%.200s", side)
	}
	// Damage: exit 3 with the corrupt hint.
	flipped := bytes.Clone(data)
	flipped[len(flipped)/2] ^= 1
	for name, bad := range map[string][]byte{"flipped": flipped, "truncated": data[:len(data)-30]} {
		p := filepath.Join(t.TempDir(), name+".tar.zst.age")
		os.WriteFile(p, bad, 0o600)
		code, _, stderr := runCLI(t, "verify", "-i", id, p)
		if code != exitCorrupt || !strings.Contains(stderr, "hint: the archive is damaged") {
			t.Errorf("%s: %d %s", name, code, stderr)
		}
	}
	// A recipient file works, a secret key file is refused as one.
	recFile := filepath.Join(t.TempDir(), "support.txt")
	os.WriteFile(recFile, []byte("# support\n"+rec+"\n"), 0o644)
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--files", demoDir+"/site", "--encrypt-to", recFile, "-o", filepath.Join(t.TempDir(), "f.tar.zst.age"), "-q"); code != 0 {
		t.Errorf("recipients file: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "snapshot", "--no-anonymize", "--files", demoDir+"/site", "--encrypt-to", id, "-o", filepath.Join(t.TempDir(), "f.tar.zst"), "-q")
	if code != exitUsage || strings.Contains(stderr, "AGE-SECRET-KEY-1") || !strings.Contains(stderr, "secret key") {
		t.Errorf("identity as recipient: %d %s", code, stderr)
	}
}

func TestPassphraseCLI(t *testing.T) {
	dir := t.TempDir()
	pass, other := filepath.Join(dir, "pass"), filepath.Join(dir, "other")
	os.WriteFile(pass, []byte("correct horse battery\n"), 0o600)
	os.WriteFile(other, []byte("wrong\n"), 0o600)
	out := filepath.Join(dir, "a.tar.zst.age")
	code, _, stderr := runCLI(t, "snapshot", "--preset", "wordpress", "--dump", demoDir+"/demo.sql", "--passphrase-file", pass, "-o", out, "-q")
	if code != 0 {
		t.Fatalf("snapshot: %d %s", code, stderr)
	}
	if code, stdout, stderr := runCLI(t, "verify", "--passphrase-file", pass, out); code != 0 || !strings.Contains(stdout, "with a passphrase") {
		t.Errorf("verify: %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "verify", "--passphrase-file", other, out); code != exitError || !strings.Contains(stderr, "wrong passphrase") {
		t.Errorf("wrong passphrase: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "verify", out); code != exitUsage || !strings.Contains(stderr, "passphrase-encrypted") {
		t.Errorf("no passphrase: %d %s", code, stderr)
	}
	// --passphrase asks on a terminal; tests have none.
	code, _, stderr = runCLI(t, "snapshot", "--no-anonymize", "--files", demoDir+"/site", "--passphrase", "-o", filepath.Join(dir, "b.tar.zst"), "-q")
	if code != exitUsage || !strings.Contains(hintOf(stderr), "--passphrase-file") || !strings.Contains(hintOf(stderr), "--encrypt-to") {
		t.Errorf("--passphrase without a terminal: %d %s", code, stderr)
	}
	// Standard input /dev/null, as under cron or ssh -n: a character
	// device, but not a terminal, so nothing is asked; exit 2, and the
	// hint names both ways to give a key.
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	for _, verb := range []string{"verify", "inspect"} {
		var so, se strings.Builder
		code := run([]string{"stagecopy", verb, out}, devnull, &so, &se)
		h := hintOf(se.String())
		if code != exitUsage || !strings.Contains(h, "--passphrase-file") || !strings.Contains(h, "--identity") {
			t.Errorf("%s with stdin %s: exit %d, stderr:\n%s", verb, os.DevNull, code, se.String())
		}
	}
	code, _, _ = runCLI(t, "snapshot", "--no-anonymize", "--files", demoDir+"/site", "--passphrase-file", pass, "--encrypt-to", "age1x", "-o", filepath.Join(dir, "c.tar.zst"), "-q")
	if code != exitUsage {
		t.Errorf("passphrase with a recipient: %d", code)
	}
	if names := dirNames(t, dir); len(names) != 4 {
		t.Errorf("refused snapshots left files: %v", names)
	}
}

// TestNoPlaintextOnDisk watches the output directory while snapshot runs
// and reads each file of the archive (the temporary one, then the final
// one) as it grows, every byte of it: each starts with the age header, and
// none holds any of the site's bytes. The site is incompressible, so a
// plain archive stores it as it is: the same search finds every sample in
// one, which shows the check can fail. Only the sidecar manifest is plain.
func TestNoPlaintextOnDisk(t *testing.T) {
	_, rec := ageKeygen(t)
	site := t.TempDir()
	// Enough incompressible bytes that the snapshot takes a while and its
	// temporary file is seen growing; from each, samples to search for.
	var samples [][]byte
	for i := range 8 {
		b := make([]byte, 1<<20)
		rand.Read(b)
		os.WriteFile(filepath.Join(site, "blob"+string(rune('a'+i))), b, 0o644)
		for _, off := range []int{0, 300 << 10, 1<<20 - 64} {
			samples = append(samples, b[off:off+64])
		}
	}
	// plaintext counts the samples data holds. Either half of a sample
	// counts: zstd puts a block header (every 128 KiB) between the bytes
	// it stores as they are, which may cut a sample, but only once, so
	// one half stays whole.
	plaintext := func(data []byte) int {
		n := 0
		for _, s := range samples {
			if bytes.Contains(data, s[:32]) || bytes.Contains(data, s[32:]) {
				n++
			}
		}
		return n
	}

	dir := t.TempDir()
	done := make(chan struct{})
	// seen is every file's bytes as read so far; reads resume where the
	// last one stopped, so each byte is read once, as it reaches the disk.
	seen := map[string][]byte{}
	reads := map[string]int{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			// One more look after snapshot returned, at the final file.
			var last bool
			select {
			case <-done:
				last = true
			default:
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if strings.Contains(e.Name(), archive.SidecarSuffix) {
					continue
				}
				f, err := os.Open(filepath.Join(dir, e.Name()))
				if err != nil {
					continue
				}
				f.Seek(int64(len(seen[e.Name()])), io.SeekStart)
				more, _ := io.ReadAll(f)
				f.Close()
				if len(more) > 0 {
					seen[e.Name()] = append(seen[e.Name()], more...)
					reads[e.Name()]++
				}
			}
			if last {
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	out := filepath.Join(dir, "s.tar.zst")
	code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--files", site, "--encrypt-to", rec, "--level", "fastest", "-o", out, "-q")
	close(done)
	wg.Wait()
	if code != 0 {
		t.Fatalf("snapshot: %d %s", code, stderr)
	}
	final, err := os.ReadFile(out + archive.EncryptedSuffix)
	if err != nil {
		t.Fatal(err)
	}
	tmp := 0
	for name, data := range seen {
		if strings.Contains(name, ".tmp-") {
			tmp++
		}
		if !bytes.HasPrefix(data, []byte(archive.AgeMagic)) {
			t.Errorf("%s begins %q, not with the age header", name, data[:min(len(data), len(archive.AgeMagic))])
		}
		if n := plaintext(data); n > 0 {
			t.Errorf("%s holds %d of %d samples of the site's bytes", name, n, len(samples))
		}
	}
	if !bytes.Equal(seen[filepath.Base(out)+archive.EncryptedSuffix], final) {
		t.Errorf("the watcher did not read the whole archive (%d of %d bytes)", len(seen[filepath.Base(out)+archive.EncryptedSuffix]), len(final))
	}
	if tmp == 0 {
		t.Fatalf("the temporary file was never seen (saw %v): the test watched nothing", reads)
	}
	t.Logf("reads of each file: %v", reads)

	// The control: the same search finds the site in a plain archive.
	plain := filepath.Join(t.TempDir(), "plain.tar.zst")
	if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--files", site, "--level", "fastest", "-o", plain, "-q"); code != 0 {
		t.Fatalf("plain snapshot: %d %s", code, stderr)
	}
	data, _ := os.ReadFile(plain)
	if n := plaintext(data); n != len(samples) {
		t.Fatalf("a plain archive holds %d of %d samples: the search cannot tell plaintext", n, len(samples))
	}
}

// TestRestoreEncryptedCLI restores an encrypted archive into real MariaDB
// with a per-snapshot identity (recorded) and a long-term one (not), and
// checks expiry handling.
func TestRestoreEncryptedCLI(t *testing.T) {
	srv, _ := mariadbtest.NewDatabase(t)
	state := filepath.Join(t.TempDir(), "state")
	for _, kind := range []string{"per-snapshot", "long-term"} {
		t.Run(kind, func(t *testing.T) {
			id, rec := ageKeygen(t, "--"+kind)
			enc := filepath.Join(t.TempDir(), "site.tar.zst.age")
			if code, _, stderr := runCLI(t, "snapshot", "--preset", "wordpress", "--dump", demoDir+"/demo.sql", "--files", demoDir+"/site",
				"--encrypt-to", rec, "-o", enc, "-q"); code != 0 {
				t.Fatalf("snapshot: %d %s", code, stderr)
			}
			_, db := mariadbtest.DatabaseName(t, "enc")
			files := filepath.Join(t.TempDir(), "site")
			code, stdout, stderr := runCLI(t, "restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--files-dir", files,
				"--state-dir", state, "-i", id, enc) // no -q: the summary is checked
			if code != 0 {
				t.Fatalf("restore: %d %s", code, stderr)
			}
			if n := srv.Query(t, db, "SELECT COUNT(*) FROM wp_users"); n == "0" || n == "" {
				t.Errorf("wp_users has %q rows", n)
			}
			if _, err := os.Stat(filepath.Join(files, "index.php")); err != nil {
				t.Error(err)
			}
			reg, err := registry.Open(state)
			if err != nil {
				t.Fatal(err)
			}
			id0 := regexp.MustCompile(`\b(stg-[0-9a-f]{12})\b`).FindStringSubmatch(stdout)[1]
			e, err := reg.Get(context.Background(), id0)
			if err != nil {
				t.Fatalf("%s: %v\n%s", id0, err, stdout)
			}
			data, _ := os.ReadFile(enc)
			sum := sha256.Sum256(data)
			if e.ArchiveSHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("registry sha256 %s, file's %x", e.ArchiveSHA256, sum)
			}
			switch kind {
			case "per-snapshot":
				if e.IdentityFile != id || !strings.Contains(stdout, id+" is recorded: purge destroys it") {
					t.Errorf("identity not recorded: %q\n%s", e.IdentityFile, stdout)
				}
			default:
				if e.IdentityFile != "" || strings.Contains(stdout, "purge destroys") {
					t.Errorf("long-term identity recorded: %q\n%s", e.IdentityFile, stdout)
				}
			}
		})
	}
	t.Run("refusals", func(t *testing.T) {
		id, rec := ageKeygen(t)
		enc := filepath.Join(t.TempDir(), "site.tar.zst.age")
		if code, _, stderr := runCLI(t, "snapshot", "--no-anonymize", "--dump", demoDir+"/demo.sql", "--encrypt-to", rec, "-o", enc, "-q"); code != 0 {
			t.Fatalf("snapshot: %d %s", code, stderr)
		}
		data, _ := os.ReadFile(enc)
		flipped := bytes.Clone(data)
		flipped[len(flipped)-50] ^= 4
		bad := filepath.Join(t.TempDir(), "bad.tar.zst.age")
		os.WriteFile(bad, flipped, 0o600)
		wrong, _ := ageKeygen(t)
		st := filepath.Join(t.TempDir(), "state")
		for _, c := range []struct {
			name string
			code int
			args []string
		}{
			{"no key", exitUsage, []string{enc}},
			{"wrong key", exitError, []string{"-i", wrong, enc}},
			{"flipped byte", exitCorrupt, []string{"-i", id, bad}},
		} {
			_, db := mariadbtest.DatabaseName(t, "refused")
			code, _, stderr := runCLI(t, append([]string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--state-dir", st, "-q"}, c.args...)...)
			if code != c.code || !strings.Contains(stderr, "hint:") {
				t.Errorf("%s: code %d, want %d: %s", c.name, code, c.code, stderr)
			}
			if srv.Query(t, "", "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+db+"'") != "" {
				t.Errorf("%s: database left behind", c.name)
			}
		}
		reg, err := registry.Open(st)
		if err != nil {
			t.Fatal(err)
		}
		if l, err := reg.List(context.Background()); err != nil || len(l) != 0 {
			t.Errorf("registry after refusals: %+v %v", l, err)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		// An archive that expired an hour ago, as snapshot would write it.
		var buf bytes.Buffer
		w, err := archive.NewWriter(&buf, archive.Header{SnapshotID: "00112233445566778899aabbccddeeff", Expires: time.Now().Add(-time.Hour).UTC().Truncate(time.Second)}, archive.WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		w.Add("db/t.schema.sql", []byte("CREATE TABLE t (a INT);\n"))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "old.tar.zst")
		os.WriteFile(p, buf.Bytes(), 0o600)
		st := filepath.Join(t.TempDir(), "state")
		_, db := mariadbtest.DatabaseName(t, "expired")
		args := []string{"restore", "--socket", srv.Socket, "-u", "root", "--db-name", db, "--state-dir", st} // the summary is checked
		code, _, stderr := runCLI(t, append(args, p)...)
		if code != exitError || !strings.Contains(stderr, "has expired") || !strings.Contains(stderr, "hint:") || !strings.Contains(stderr, "--ignore-expiry") {
			t.Errorf("expired: %d %s", code, stderr)
		}
		if code, stdout, _ := runCLI(t, "inspect", p); code != 0 || !strings.Contains(stdout, "EXPIRED") {
			t.Errorf("inspect of an expired archive: %d %s", code, stdout)
		}
		code, stdout, stderr := runCLI(t, append(args, "--ignore-expiry", p)...)
		if code != 0 || !strings.Contains(stdout, "EXPIRED") || !strings.Contains(stdout, "--ignore-expiry") {
			t.Fatalf("--ignore-expiry: %d %s %s", code, stdout, stderr)
		}
		reg, _ := registry.Open(st)
		l, _ := reg.List(context.Background())
		if len(l) != 1 || len(l[0].Notes) != 1 || !strings.Contains(l[0].Notes[0], "--ignore-expiry") {
			t.Errorf("registry: %+v", l)
		}
	})
}
