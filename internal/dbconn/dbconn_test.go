package dbconn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
