// Package dbconn turns what a mysqldump user types (host, port, socket,
// user, a my.cnf defaults file, TLS options) into a go-sql-driver/mysql
// connection configuration. Passwords come from a file, the environment or a
// defaults file, never from argv, and never appear in what Describe
// returns.
package dbconn

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Target says where a server is and who connects to it, without a
// password: what the registry keeps of a staging copy's connection, so that
// purge reconnects the way restore connected (it asks for the password the
// same way, too).
type Target struct {
	Host   string `json:"host,omitempty"`
	Port   int    `json:"port,omitempty"`
	Socket string `json:"socket,omitempty"`
	User   string `json:"user,omitempty"`
	// SSLMode is disabled, preferred, required, verify-ca or
	// verify-identity (MySQL's --ssl-mode); empty means preferred for TCP
	// and disabled for a unix socket.
	SSLMode string `json:"ssl_mode,omitempty"`
	SSLCA   string `json:"ssl_ca,omitempty"` // CA certificate file for verify-ca / verify-identity
}

// Options are the connection settings, in mysqldump's terms.
type Options struct {
	Target
	Password string
	Database string
	// DSN, when set, is a go-sql-driver DSN the other fields override.
	DSN string
	// DefaultsFile is a my.cnf whose [client] (and [mysqldump],
	// [mariadb-client]) sections give defaults for the fields not set.
	DefaultsFile string
}

// Address returns where a driver configuration connects: a unix socket, or
// a TCP host and port.
func Address(cfg *mysql.Config) (host string, port int, socket string) {
	if cfg.Net == "unix" {
		return "", 0, cfg.Addr
	}
	h, p, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return cfg.Addr, 0, ""
	}
	port, _ = strconv.Atoi(p)
	return h, port, ""
}

// ErrOptions is wrapped by errors in the options themselves.
var ErrOptions = errors.New("connection options")

// ReadDefaultsFile reads the [client], [mysqldump], [mariadb-client] and
// [client-mariadb] sections of a my.cnf file. Later sections override
// earlier ones; "!include" lines are not followed.
func ReadDefaultsFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: defaults file: %v", ErrOptions, err)
	}
	defer f.Close()
	out := map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' || s[0] == ';' || s[0] == '!' {
			continue
		}
		if s[0] == '[' {
			if !strings.HasSuffix(s, "]") {
				return nil, fmt.Errorf("%w: %s:%d: bad section header %q", ErrOptions, path, line, s)
			}
			section = strings.ToLower(strings.TrimSpace(s[1 : len(s)-1]))
			continue
		}
		switch section {
		case "client", "mysqldump", "mariadb-client", "client-mariadb", "mariadb-dump":
		default:
			continue
		}
		key, val, _ := strings.Cut(s, "=")
		key = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(key)), "_", "-")
		val = strings.TrimSpace(val)
		if len(val) >= 2 && (val[0] == '"' && val[len(val)-1] == '"' || val[0] == '\'' && val[len(val)-1] == '\'') {
			val = val[1 : len(val)-1]
		}
		out[key] = val
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: defaults file %s: %v", ErrOptions, path, err)
	}
	return out, nil
}

// Config builds the driver configuration: the DSN (if any) first, then the
// defaults file for fields the options leave empty, then the options.
func (o Options) Config() (*mysql.Config, error) {
	cfg := mysql.NewConfig()
	if o.DSN != "" {
		c, err := mysql.ParseDSN(o.DSN)
		if err != nil {
			return nil, fmt.Errorf("%w: --dsn: %v", ErrOptions, err)
		}
		cfg = c
	}
	if o.DefaultsFile != "" {
		d, err := ReadDefaultsFile(o.DefaultsFile)
		if err != nil {
			return nil, err
		}
		fill := func(dst *string, key string) {
			if *dst == "" {
				*dst = d[key]
			}
		}
		fill(&o.Host, "host")
		fill(&o.Socket, "socket")
		fill(&o.User, "user")
		fill(&o.Password, "password")
		fill(&o.Database, "database")
		fill(&o.SSLMode, "ssl-mode")
		fill(&o.SSLCA, "ssl-ca")
		if o.Port == 0 && d["port"] != "" {
			p, err := strconv.Atoi(d["port"])
			if err != nil {
				return nil, fmt.Errorf("%w: defaults file %s: port %q", ErrOptions, o.DefaultsFile, d["port"])
			}
			o.Port = p
		}
	}
	switch {
	case o.Socket != "":
		cfg.Net, cfg.Addr = "unix", o.Socket
	case o.Host == "localhost" && o.Port == 0:
		// Like the mysql client: localhost means the default unix socket.
		cfg.Net, cfg.Addr = "unix", defaultSocket()
	case o.Host != "" || o.Port != 0:
		host := o.Host
		if host == "" || host == "localhost" && o.Port != 0 {
			host = "127.0.0.1"
		}
		port := o.Port
		if port == 0 {
			port = 3306
		}
		cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(host, strconv.Itoa(port))
	case o.DSN == "":
		// Like the mysql client: localhost means the default unix socket.
		cfg.Net, cfg.Addr = "unix", defaultSocket()
	}
	if o.User != "" {
		cfg.User = o.User
	}
	if cfg.User == "" {
		if u := os.Getenv("USER"); u != "" {
			cfg.User = u
		}
	}
	if o.Password != "" {
		cfg.Passwd = o.Password
	}
	if o.Database != "" {
		cfg.DBName = o.Database
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if err := o.tls(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

func defaultSocket() string {
	for _, p := range []string{"/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/tmp/mysql.sock"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/run/mysqld/mysqld.sock"
}

func (o Options) tls(cfg *mysql.Config) error {
	mode := strings.ToLower(strings.ReplaceAll(o.SSLMode, "_", "-"))
	if mode == "" {
		if cfg.Net == "unix" || cfg.TLSConfig != "" || cfg.TLS != nil {
			return nil
		}
		mode = "preferred"
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	switch mode {
	case "disabled":
		cfg.TLS, cfg.TLSConfig = nil, ""
	case "preferred":
		cfg.TLSConfig = "preferred"
	case "required":
		return register(cfg, mode, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
	case "verify-ca", "verify-identity":
		if o.SSLCA == "" {
			return fmt.Errorf("%w: --ssl-mode %s needs --ssl-ca FILE", ErrOptions, mode)
		}
		pem, err := os.ReadFile(o.SSLCA)
		if err != nil {
			return fmt.Errorf("%w: --ssl-ca: %v", ErrOptions, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%w: --ssl-ca %s holds no PEM certificate", ErrOptions, o.SSLCA)
		}
		t := &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}
		if mode == "verify-ca" {
			// Check the chain but not the name, like MySQL's VERIFY_CA.
			t.InsecureSkipVerify = true
			t.VerifyPeerCertificate = verifyChain(pool)
		}
		return register(cfg, mode, t)
	default:
		return fmt.Errorf("%w: --ssl-mode %q (want disabled, preferred, required, verify-ca or verify-identity)", ErrOptions, o.SSLMode)
	}
	return nil
}

// register names a TLS configuration for the driver, so that it survives
// the configuration being written out as a DSN string (which cannot hold a
// *tls.Config) and read back.
func register(cfg *mysql.Config, mode string, t *tls.Config) error {
	tlsSeq++
	name := fmt.Sprintf("stagecopy-%s-%d", mode, tlsSeq)
	if err := mysql.RegisterTLSConfig(name, t); err != nil {
		return fmt.Errorf("%w: TLS: %v", ErrOptions, err)
	}
	cfg.TLS, cfg.TLSConfig = nil, name
	return nil
}

var tlsSeq int

func verifyChain(pool *x509.CertPool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("server sent no certificate")
		}
		certs := make([]*x509.Certificate, len(raw))
		for i, r := range raw {
			c, err := x509.ParseCertificate(r)
			if err != nil {
				return err
			}
			certs[i] = c
		}
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter})
		return err
	}
}

// Describe names the connection for people: user@host:port/db or
// user@unix(/path)/db. It never includes the password.
func Describe(cfg *mysql.Config) string {
	addr := cfg.Addr
	if cfg.Net == "unix" {
		addr = "unix(" + cfg.Addr + ")"
	}
	return cfg.User + "@" + addr + "/" + cfg.DBName
}
