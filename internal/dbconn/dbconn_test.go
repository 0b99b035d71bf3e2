package dbconn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/optionfile"
)

func TestDefaultsFileAndFlags(t *testing.T) {
	dir := t.TempDir()
	cnf := filepath.Join(dir, "my.cnf")
	os.WriteFile(cnf, []byte("# comment\n[mysqld]\nport=9999\n[client]\nuser = shop\npassword = \"s3cr3t;#x\"\nhost=db.internal\nport=3307\n[mysqldump]\nquick\n"), 0o600)
	cfg, err := Options{DefaultsFile: cnf, Database: "shop"}.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "shop" || cfg.Passwd != "s3cr3t;#x" || cfg.Addr != "db.internal:3307" || cfg.Net != "tcp" || cfg.DBName != "shop" {
		t.Fatalf("got %+v", cfg)
	}
	// Flags win over the file.
	cfg, _ = Options{Target: Target{User: "other", Socket: "/tmp/x.sock"}, DefaultsFile: cnf}.Config()
	if cfg.User != "other" || cfg.Net != "unix" || cfg.Addr != "/tmp/x.sock" {
		t.Fatalf("got %+v", cfg)
	}
	if d := Describe(cfg); strings.Contains(d, "s3cr3t") || d != "other@unix(/tmp/x.sock)/" {
		t.Errorf("Describe = %q", d)
	}
}

func TestBadOptions(t *testing.T) {
	for name, o := range map[string]Options{
		"missing defaults":  {DefaultsFile: "/nonexistent/my.cnf"},
		"bad ssl mode":      {Target: Target{Host: "h", SSLMode: "sometimes"}},
		"verify without ca": {Target: Target{Host: "h", SSLMode: "verify-identity"}},
		"bad dsn":           {DSN: "no slash here"},
	} {
		if _, err := o.Config(); !errors.Is(err, ErrOptions) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestTLSModes(t *testing.T) {
	cfg, _ := Options{Target: Target{Host: "db", Port: 3306}}.Config()
	if cfg.TLSConfig != "preferred" {
		t.Errorf("TCP default TLS %q", cfg.TLSConfig)
	}
	cfg, _ = Options{Target: Target{Socket: "/s"}}.Config()
	if cfg.TLSConfig != "" || cfg.TLS != nil {
		t.Errorf("socket has TLS")
	}
	cfg, _ = Options{Target: Target{Host: "db", SSLMode: "required"}}.Config()
	if !strings.HasPrefix(cfg.TLSConfig, "stagecopy-required-") || !strings.Contains(cfg.FormatDSN(), "tls=stagecopy-required-") {
		t.Errorf("required: TLS config %q not carried by the DSN %s", cfg.TLSConfig, cfg.FormatDSN())
	}
}

// home points $HOME at a new directory holding .my.cnf with text, and keeps
// the other variables the option file search reads out of the way.
func home(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("MYSQL_HOME", "")
	t.Setenv("MARIADB_HOME", "")
	t.Setenv("MYSQL_TEST_LOGIN_FILE", "")
	p := filepath.Join(dir, ".my.cnf")
	if err := os.WriteFile(p, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOptionFilesPrecedence: ~/.my.cnf is read without being named; the
// program's groups are read; the command line beats the DSN, which beats
// the option files, which beat $MYSQL_PWD and the OS user.
func TestOptionFilesPrecedence(t *testing.T) {
	home(t, `[client]
user = fileuser
password = "file pw"
host = db.example
port = 3307
socket = /file.sock
default-character-set = latin1
[mysqldump]
user = dumpuser
[mysql]
user = clientuser
`, 0o600)
	extra := filepath.Join(t.TempDir(), "extra.cnf")
	os.WriteFile(extra, []byte("[client]\nuser = extrauser\nport = 3308\n"), 0o600)
	for _, c := range []struct {
		name                string
		o                   Options
		user, pw, net, addr string
	}{
		{"dump groups", Options{Groups: DumpGroups}, "dumpuser", "file pw", "tcp", "db.example:3307"},
		{"client groups", Options{Groups: ClientGroups}, "clientuser", "file pw", "tcp", "db.example:3307"},
		{"common groups", Options{}, "fileuser", "file pw", "tcp", "db.example:3307"},
		{"flags win", Options{Target: Target{User: "flaguser"}, Password: "flag pw", Groups: DumpGroups}, "flaguser", "flag pw", "tcp", "db.example:3307"},
		{"--host localhost: the file's socket", Options{Target: Target{Host: "localhost"}}, "fileuser", "file pw", "unix", "/file.sock"},
		{"--port: the file's host", Options{Target: Target{Port: 4000}}, "fileuser", "file pw", "tcp", "db.example:4000"},
		{"--socket", Options{Target: Target{Socket: "/flag.sock"}}, "fileuser", "file pw", "unix", "/flag.sock"},
		{"--host: the file's port, not its socket", Options{Target: Target{Host: "other.example"}}, "fileuser", "file pw", "tcp", "other.example:3307"},
		{"dsn over files", Options{DSN: "dsnuser@tcp(dsn.example:1)/"}, "dsnuser", "file pw", "tcp", "dsn.example:1"},
		{"files over MYSQL_PWD", Options{EnvPassword: "env pw"}, "fileuser", "file pw", "tcp", "db.example:3307"},
		{"extra file before ~/.my.cnf", Options{DefaultsExtraFile: extra}, "fileuser", "file pw", "tcp", "db.example:3307"},
		// A port in a file, with no host, does not mean TCP (only a --port does).
		{"--defaults-file: only it", Options{DefaultsFile: extra}, "extrauser", "", "unix", defaultSocket()},
		{"--no-defaults", Options{NoDefaults: true, EnvPassword: "env pw"}, osUser(), "env pw", "unix", defaultSocket()},
	} {
		cfg, err := c.o.Config()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if cfg.User != c.user || cfg.Passwd != c.pw || cfg.Net != c.net || cfg.Addr != c.addr {
			t.Errorf("%s: %s:%q@%s(%s), want %s:%q@%s(%s)", c.name, cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, c.user, c.pw, c.net, c.addr)
		}
	}
}

// TestOSUser: with no user named anywhere, the login is the effective OS
// user's, as the mysql clients do (root for root), not $USER and never ”.
func TestOSUser(t *testing.T) {
	t.Setenv("USER", "someone-else")
	t.Setenv("LOGNAME", "")
	want := "root"
	if uid := os.Geteuid(); uid != 0 {
		u, err := user.LookupId(strconv.Itoa(uid))
		if err != nil {
			t.Skip(err)
		}
		want = u.Username
	}
	cfg, err := Options{NoDefaults: true}.Config()
	if err != nil || cfg.User != want {
		t.Fatalf("user %q, %v; want %q", cfg.User, err, want)
	}
	t.Setenv("USER", "")
	if cfg, _ := (Options{NoDefaults: true}).Config(); cfg.User == "" {
		t.Fatal("no user without $USER")
	}
}

func TestOptionFilePassword(t *testing.T) {
	p := home(t, "[client]\nuser = u\npassword\n", 0o600)
	if _, err := (Options{}).Config(); !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), p+":3") {
		t.Errorf("bare password, nothing to ask with: %v", err)
	}
	asked := 0
	cfg, err := Options{AskPassword: func() (string, error) { asked++; return "typed", nil }}.Config()
	if err != nil || cfg.Passwd != "typed" || asked != 1 {
		t.Errorf("bare password: %q, %v, asked %d", cfg.Passwd, err, asked)
	}
	// -p on the command line was asked already: no second question.
	cfg, _ = Options{Password: "flag", AskPassword: func() (string, error) { asked++; return "", nil }}.Config()
	if cfg.Passwd != "flag" || asked != 1 {
		t.Errorf("asked again")
	}

	// A password others may read draws a warning; a private file none.
	for _, mode := range []os.FileMode{0o640, 0o600} {
		p := home(t, "[client]\npassword = secret\n", mode)
		var warnings []string
		cfg, err := Options{Warn: func(s string) { warnings = append(warnings, s) }}.Config()
		if err != nil || cfg.Passwd != "secret" {
			t.Fatalf("%v", err)
		}
		want := []string{"option file " + p + " holds a password and is readable by others (mode 0640): chmod 600 " + p}
		if mode == 0o600 {
			want = nil
		}
		if strings.Join(warnings, "\n") != strings.Join(want, "\n") || strings.Contains(strings.Join(warnings, ""), "secret") {
			t.Errorf("mode %04o: warnings %q", mode, warnings)
		}
	}
	// A file anyone may write is not read at all.
	p = home(t, "[client]\nhost = evil.example\nuser = evil\n", 0o666)
	var warnings []string
	cfg, err = Options{Warn: func(s string) { warnings = append(warnings, s) }}.Config()
	if err != nil || cfg.User == "evil" || strings.Contains(cfg.Addr, "evil") || len(warnings) != 1 || !strings.Contains(warnings[0], p) {
		t.Errorf("world-writable file used: %s@%s, %v, %q", cfg.User, cfg.Addr, err, warnings)
	}
}

func TestOptionFileTLSAndPort(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, selfSigned(t), 0o600)
	for _, c := range []struct {
		text, want string
		o          Options
	}{
		{"[client]\nhost = db\nssl-verify-server-cert\nssl_ca = " + ca + "\n", "stagecopy-verify-identity-", Options{}},
		{"[client]\nhost = db\nssl-mode = REQUIRED\n", "stagecopy-required-", Options{}},
		{"[client]\nhost = db\nssl\n", "stagecopy-required-", Options{}},
		{"[client]\nhost = db\nssl\nskip-ssl\n", "", Options{}},
		{"[client]\nhost = db\n", "preferred", Options{}},
		{"[client]\nhost = db\nssl-mode = REQUIRED\n", "", Options{Target: Target{SSLMode: "disabled"}}},
		// A unix socket: the option files' TLS settings do not apply.
		{"[client]\nssl-mode = REQUIRED\nsocket = /s\n", "", Options{}},
	} {
		home(t, c.text, 0o600)
		cfg, err := c.o.Config()
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if got := cfg.TLSConfig; !strings.HasPrefix(got, c.want) || c.want == "" && got != "" {
			t.Errorf("%q: TLS %q, want %q", c.text, got, c.want)
		}
	}
	for _, text := range []string{"[client]\nport = 33o6\n", "[client]\nhost = db\nssl = maybe\n", "[client]\n!includedir /nonexistent.d\n"} {
		p := home(t, text, 0o600)
		if _, err := (Options{}).Config(); !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: %v", text, err)
		}
	}
}

// TestLoginPath: --login-path reads its group from MySQL's obfuscated
// login path file, over ~/.my.cnf.
func TestLoginPath(t *testing.T) {
	home(t, "[client]\nuser = fileuser\nhost = db.example\n", 0o600)
	login := filepath.Join(t.TempDir(), "login.cnf")
	t.Setenv("MYSQL_TEST_LOGIN_FILE", login)
	enc, _ := optionfile.EncodeLoginFile([]byte("[prod]\nuser = \"produser\"\npassword = \"prod pw\"\nport = 3310\n"), [20]byte{7})
	os.WriteFile(login, enc, 0o600)
	cfg, err := Options{LoginPath: "prod"}.Config()
	if err != nil || cfg.User != "produser" || cfg.Passwd != "prod pw" || cfg.Addr != "db.example:3310" {
		t.Fatalf("%+v, %v", cfg, err)
	}
	if _, err := (Options{LoginPath: "staging"}).Config(); !errors.Is(err, ErrOptions) || !errors.Is(err, optionfile.ErrNotFound) {
		t.Errorf("unknown login path: %v", err)
	}
}

// selfSigned returns a new self-signed CA certificate in PEM.
func selfSigned(t *testing.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
