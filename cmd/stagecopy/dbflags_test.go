package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// TestPasswordFileReadableByOthers: a --password-file others may read is
// used, with a warning that says how to fix it (as ssh warns of a private
// key); a private one draws no warning.
func TestPasswordFileReadableByOthers(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o644, 0o600} {
		pw := filepath.Join(dir, "pw")
		os.WriteFile(pw, []byte("secret\n"), mode)
		os.Chmod(pw, mode)
		_, _, stderr := runCLI(t, "snapshot", "-q", "--no-anonymize", "--socket", filepath.Join(dir, "no.sock"), "-u", "x",
			"--password-file", pw, "-D", "shop", "-o", filepath.Join(dir, "s.tar.zst"))
		warned := strings.Contains(stderr, "stagecopy: warning: --password-file "+pw+" is readable by others (mode 0644): chmod 600 "+pw)
		if warned != (mode == 0o644) {
			t.Errorf("mode %04o: warned %v\n%s", mode, warned, stderr)
		}
		os.Remove(pw)
	}
}

// myCnfHome points $HOME at a new directory whose .my.cnf is text, with
// the other places option files are looked for out of the way (the global
// /etc files are read as they are).
func myCnfHome(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{"HOME": dir, "MYSQL_HOME": "", "MARIADB_HOME": "", "MYSQL_TEST_LOGIN_FILE": "", "MYSQL_PWD": ""} {
		t.Setenv(k, v)
	}
	if err := os.WriteFile(filepath.Join(dir, ".my.cnf"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOptionFilesLiveServer connects to a real server with nothing but
// ~/.my.cnf: snapshot reads mariadb-dump's groups ([mysqldump] over
// [client], not [mysql]), restore and purge the mariadb client's
// ([mariadb-client] over [client], not [mariadb-dump]).
func TestOptionFilesLiveServer(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, demoDir+"/demo.sql")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	dir := t.TempDir()
	archive := filepath.Join(dir, "live.tar.zst")

	myCnfHome(t, "[client]\nuser = nobody_here\nsocket = "+srv.Socket+"\n[mysqldump]\nuser = root\n[mysql]\nuser = nobody_mysql\n")
	code, stdout, stderr := runCLI(t, "snapshot", "-q", "--anonymize", "-r", demoDir+"/rules.yml", "-D", db, "-o", archive)
	if code != 0 {
		t.Fatalf("snapshot with ~/.my.cnf: %d\n%s\n%s", code, stdout, stderr)
	}

	myCnfHome(t, "[client]\nuser = nobody_here\nsocket = "+srv.Socket+"\n[mariadb-client]\nuser = root\n[mariadb-dump]\nuser = nobody_dump\n")
	_, target := mariadbtest.DatabaseName(t, "cnf")
	state := filepath.Join(dir, "state")
	code, stdout, stderr = runCLI(t, "restore", "-q", "--cms", "none", "--db-name", target, "--state-dir", state, archive)
	if code != 0 {
		t.Fatalf("restore with ~/.my.cnf: %d\n%s\n%s", code, stdout, stderr)
	}
	if !srv.DatabaseExists(t, target) {
		t.Fatal("restore made no database")
	}
	// restore -q prints the staging id alone.
	m := regexp.MustCompile(`^(stg-[0-9a-f]{12})\n$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no staging id in\n%s", stdout)
	}
	key := filepath.Join(dir, "receipt.key")
	if code, _, stderr := runCLI(t, "keygen", "--out", key, "--name", "support@test"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr = runCLI(t, "purge", "--sign-key", key, "--state-dir", state, m[1])
	if code != 0 || srv.DatabaseExists(t, target) {
		t.Fatalf("purge with ~/.my.cnf: %d\n%s\n%s", code, stdout, stderr)
	}

	// --no-defaults reads none of it: the login falls back to the OS user
	// on the default socket, and --defaults-file reads only the file named.
	code, _, stderr = runCLI(t, "snapshot", "-q", "--anonymize", "-r", demoDir+"/rules.yml", "-D", db, "--no-defaults", "--socket", filepath.Join(dir, "none.sock"), "-o", filepath.Join(dir, "x.tar.zst"))
	if code == 0 || !strings.Contains(stderr, "none.sock") {
		t.Errorf("--no-defaults: %d %s", code, stderr)
	}
	only := filepath.Join(dir, "only.cnf")
	os.WriteFile(only, []byte("[client]\nuser = root\nsocket = "+srv.Socket+"\n"), 0o600)
	myCnfHome(t, "[client]\nuser = nobody_here\n")
	if code, _, stderr := runCLI(t, "snapshot", "-q", "--anonymize", "-r", demoDir+"/rules.yml", "-D", db, "--defaults-file", only, "-o", filepath.Join(dir, "y.tar.zst")); code != 0 {
		t.Errorf("--defaults-file: %d %s", code, stderr)
	}
}

// TestOSUserLogin: with no user named anywhere, root's shell logs in as
// root, as mariadb-dump does, not as ”@'localhost' ($USER is often unset
// in a root shell: docker exec, cron).
func TestOSUserLogin(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the test server has an account for root only")
	}
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, demoDir+"/demo.sql")
	t.Setenv("USER", "")
	t.Setenv("LOGNAME", "")
	out := filepath.Join(t.TempDir(), "x.tar.zst")
	code, stdout, stderr := runCLI(t, "snapshot", "-q", "--anonymize", "-r", demoDir+"/rules.yml", "--no-defaults", "--socket", srv.Socket, "-D", db, "-o", out)
	if code != 0 {
		t.Fatalf("%d\n%s\n%s", code, stdout, stderr)
	}
}

// TestPasswordOnCommandLineRefused: -pSECRET, --password=SECRET and
// -p=SECRET are usage errors that never repeat the password and say where
// it goes instead; -p alone, and flags that only start with p, are not
// refused.
func TestPasswordOnCommandLineRefused(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"snapshot", "-D", "shop", "-pS3cr3t"},
		{"snapshot", "--password=S3cr3t", "-D", "shop"},
		{"snapshot", "-password=S3cr3t", "-D", "shop"},
		{"restore", "-p=S3cr3t", "x.tar.zst"},
		{"purge", "-pS3cr3t", "stg-000000000000"},
		{"scan", "-u", "root", "-pS3cr3t", "-D", "shop"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || strings.Contains(stdout+stderr, "S3cr3t") || !strings.Contains(stderr, "visible to every user") ||
			!strings.Contains(stderr, "hint: give -p alone to be asked for it, or put it in $MYSQL_PWD, a --password-file FILE") {
			t.Errorf("%v: code %d\n%s%s", args, code, stdout, stderr)
		}
	}
	for _, args := range [][]string{
		{"snapshot", "-D", "shop", "-p", "--no-defaults", "--socket", filepath.Join(dir, "no.sock"), "-o", filepath.Join(dir, "a.tar.zst")},
		{"snapshot", "-preset", "wordpress", "--dump", filepath.Join(dir, "none.sql"), "-o", filepath.Join(dir, "b.tar.zst")},
		{"snapshot", "--preset", "wordpress", "--files", "-pdir", "--dump", filepath.Join(dir, "none.sql"), "-o", filepath.Join(dir, "c.tar.zst")},
		{"verify", "--", "-pfile"},
	} {
		if _, _, stderr := runCLI(t, args...); strings.Contains(stderr, "visible to every user") {
			t.Errorf("%v refused as a password:\n%s", args, stderr)
		}
	}
}

// TestHostAndPortShortFlags: -h is the host and -P the port, as in the
// mysql clients; help is --help.
func TestHostAndPortShortFlags(t *testing.T) {
	dir := t.TempDir()
	// Port 1 of the loopback: nothing listens, and the error names it.
	code, _, stderr := runCLI(t, "snapshot", "-q", "--no-anonymize", "--no-defaults", "-h", "127.0.0.1", "-P", "1", "-u", "x", "-D", "shop", "-o", filepath.Join(dir, "x.tar.zst"))
	if code == 0 || !strings.Contains(stderr, "127.0.0.1:1") || strings.Contains(stderr, "help topic") {
		t.Errorf("-h 127.0.0.1 -P 1: code %d\n%s", code, stderr)
	}
	code, stdout, _ := runCLI(t, "snapshot", "--help")
	if code != 0 || !strings.Contains(stdout, "--host HOST, -h HOST") || !strings.Contains(stdout, "--port PORT, -P PORT") {
		t.Errorf("snapshot --help: %d\n%s", code, stdout)
	}
}

// TestOptionFilePasswordReadableByOthers: a password in an option file
// others may read is used, with a warning that says how to fix it.
func TestOptionFilePasswordReadableByOthers(t *testing.T) {
	home := myCnfHome(t, "[client]\npassword = S3cr3t\n")
	cnf := filepath.Join(home, ".my.cnf")
	os.Chmod(cnf, 0o644)
	_, _, stderr := runCLI(t, "snapshot", "-q", "--no-anonymize", "--socket", filepath.Join(home, "no.sock"), "-u", "x",
		"-D", "shop", "-o", filepath.Join(home, "s.tar.zst"))
	want := "stagecopy: warning: option file " + cnf + " holds a password and is readable by others (mode 0644): chmod 600 " + cnf
	if strings.Count(stderr, want) != 1 || strings.Contains(stderr, "S3cr3t") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
