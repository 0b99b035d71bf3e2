// Package dbconn turns what a mysqldump user types (host, port, socket,
// user, TLS options) and the option files the mysql clients read (my.cnf,
// see package optionfile) into a go-sql-driver/mysql connection
// configuration. Passwords come from a file, the terminal, an option file
// or the environment, never from argv, and never appear in what Describe
// returns.
package dbconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/optionfile"
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

// Options are the connection settings, in mysqldump's terms. The Target
// fields, Password and DSN are what the command line gave; the option files
// (my.cnf) fill in what it left out, and the OS user is the last resort for
// the user, as with the mysql clients.
type Options struct {
	Target
	// Password is the password the command line gave (--password-file, or
	// asked for with -p); empty means none.
	Password string
	Database string
	// DSN, when set, is a go-sql-driver DSN the other fields override; its
	// parts override the option files.
	DSN string

	// The option files, as the clients' --defaults-file (only that file),
	// --defaults-extra-file, --no-defaults and --login-path choose them.
	DefaultsFile, DefaultsExtraFile string
	NoDefaults                      bool
	LoginPath                       string
	// Groups are the option file groups read: DumpGroups for what reads a
	// server as mariadb-dump does, ClientGroups for what writes to it as
	// the mariadb client does. Nil reads the groups common to both.
	Groups []string
	// EnvPassword is $MYSQL_PWD: used only when neither the command line
	// nor an option file gives a password, as the clients use it.
	EnvPassword string
	// AskPassword is called for a bare "password" line in an option file
	// (the clients then ask for it); nil makes that line an error.
	AskPassword func() (string, error)
	// Warn, if set, is told of what the user should fix: option files
	// skipped because anyone may write them, and passwords in files others
	// may read.
	Warn func(string)
}

// The groups the MariaDB programs read (mariadb-dump --help and mariadb
// --help list them).
var (
	commonGroups = []string{"client", "client-server", "client-mariadb"}
	// DumpGroups are mariadb-dump's (and mysqldump's) groups.
	DumpGroups = append([]string{"mysqldump", "mariadb-dump"}, commonGroups...)
	// ClientGroups are the mariadb (and mysql) client's groups.
	ClientGroups = append([]string{"mysql", "mariadb-client"}, commonGroups...)
)

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

// Config builds the driver configuration. Each setting comes from the first
// of: the command line (the Target fields, Password), the DSN, the option
// files (the last one read wins), and last the defaults of the clients: the
// OS user, $MYSQL_PWD, the default unix socket.
//
// Where the server is follows the MariaDB clients: a --socket given wins;
// a host other than localhost means TCP (and the option files' socket is
// not used); no host, or localhost, means the unix socket, unless a port was
// given on the command line, which means TCP to 127.0.0.1.
func (o Options) Config() (*mysql.Config, error) {
	cfg := mysql.NewConfig()
	if o.DSN != "" {
		c, err := mysql.ParseDSN(o.DSN)
		if err != nil {
			return nil, fmt.Errorf("%w: --dsn: %v", ErrOptions, err)
		}
		cfg = c
	}
	f, err := o.readFiles()
	if err != nil {
		return nil, err
	}
	switch {
	case o.Socket != "":
		cfg.Net, cfg.Addr = "unix", o.Socket
	case o.DSN != "" && o.Host == "" && o.Port == 0:
		// The DSN says where.
	default:
		host := o.Host
		if host == "" {
			host = f.host
		}
		switch {
		case (host == "" || host == "localhost") && o.Port != 0:
			cfg.Net, cfg.Addr = "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port))
		case host == "" || host == "localhost":
			// Like the mysql client: localhost means the unix socket.
			sock := f.socket
			if sock == "" {
				sock = defaultSocket()
			}
			cfg.Net, cfg.Addr = "unix", sock
		default:
			port := o.Port
			if port == 0 {
				port = f.port
			}
			if port == 0 {
				port = 3306
			}
			cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(host, strconv.Itoa(port))
		}
	}
	switch {
	case o.User != "":
		cfg.User = o.User
	case cfg.User != "": // from the DSN
	case f.user != "":
		cfg.User = f.user
	default:
		cfg.User = osUser()
	}
	switch {
	case o.Password != "":
		cfg.Passwd = o.Password
	case cfg.Passwd != "": // from the DSN
	case f.ask:
		if o.AskPassword == nil {
			return nil, fmt.Errorf("%w: %s: \"password\" without a value asks for it, and there is no terminal to ask on", ErrOptions, f.passwordAt)
		}
		pw, err := o.AskPassword()
		if err != nil {
			return nil, err
		}
		cfg.Passwd = pw
	case f.hasPassword:
		cfg.Passwd = f.password
	default:
		cfg.Passwd = o.EnvPassword
	}
	if o.Database != "" {
		cfg.DBName = o.Database
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	// TLS settings of the option files apply to TCP connections only: a
	// unix socket is a secure transport to the mysql clients, and a
	// [client] ssl-mode=REQUIRED must not break it.
	if o.SSLMode == "" && cfg.TLSConfig == "" && cfg.TLS == nil && cfg.Net == "tcp" {
		o.SSLMode = f.sslMode
	}
	if o.SSLCA == "" && cfg.Net == "tcp" {
		o.SSLCA = f.sslCA
	}
	if err := o.tls(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// osUser is the account the mysql clients log in as when none is named: root
// for root, else the name of the effective user, else $USER or $LOGNAME.
func osUser() string {
	switch uid := os.Geteuid(); {
	case uid == 0:
		return "root"
	case uid > 0:
		if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.Username != "" {
			return u.Username
		}
	}
	for _, k := range []string{"USER", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	if u, err := user.Current(); err == nil {
		// Windows says DOMAIN\name.
		return u.Username[strings.LastIndexByte(u.Username, '\\')+1:]
	}
	return ""
}

// fileSettings are the connection settings the option files give.
type fileSettings struct {
	host, socket, user, sslMode, sslCA string
	port                               int
	password                           string
	hasPassword, ask                   bool
	passwordAt                         string // file:line of the password
}

// readFiles reads the option files o names and picks the settings stagecopy
// honours: host, port, socket, user, password, ssl-mode, ssl-ca, and the
// MariaDB spellings ssl, skip-ssl and ssl-verify-server-cert. Others
// (default-character-set: stagecopy always talks utf8mb4) are ignored.
func (o Options) readFiles() (fileSettings, error) {
	var f fileSettings
	groups := o.Groups
	if groups == nil {
		groups = commonGroups
	}
	src := optionfile.Sources{NoDefaults: o.NoDefaults, DefaultsFile: o.DefaultsFile, ExtraFile: o.DefaultsExtraFile, LoginPath: o.LoginPath}
	opts, err := src.Read(groups, o.Warn)
	if err != nil {
		return f, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	str := func(dst *string, key string) {
		if v, ok := optionfile.Last(opts, key); ok {
			*dst = v.Value
		}
	}
	str(&f.host, "host")
	str(&f.socket, "socket")
	str(&f.user, "user")
	str(&f.sslMode, "ssl-mode")
	str(&f.sslCA, "ssl-ca")
	if v, ok := optionfile.Last(opts, "port"); ok {
		p, err := strconv.Atoi(v.Value)
		if err != nil || p <= 0 || p > 65535 {
			return f, fmt.Errorf("%w: %s: port %q is not a TCP port", ErrOptions, v.Where(), v.Value)
		}
		f.port = p
	}
	if v, ok := optionfile.Last(opts, "password"); ok {
		f.passwordAt = v.Where()
		f.password, f.hasPassword, f.ask = v.Value, v.HasValue, !v.HasValue
	}
	if f.sslMode == "" {
		verify, _, err := lastBool(opts, "ssl-verify-server-cert")
		if err != nil {
			return f, err
		}
		ssl, set, err := lastBool(opts, "ssl")
		if err != nil {
			return f, err
		}
		switch {
		case verify:
			f.sslMode = "verify-identity"
		case set && ssl:
			f.sslMode = "required"
		case set:
			f.sslMode = "disabled"
		}
	}
	// A password in a file others may read, as ssh warns of a private key.
	warned := map[string]bool{}
	for _, v := range opts {
		if v.Key() != "password" || !v.HasValue || warned[v.File] || o.Warn == nil {
			continue
		}
		if fi, err := os.Stat(v.File); err == nil && fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
			warned[v.File] = true
			o.Warn(fmt.Sprintf("option file %s holds a password and is readable by others (mode %04o): chmod 600 %s", v.File, fi.Mode().Perm(), v.File))
		}
	}
	return f, nil
}

// lastBool reads a boolean option as the clients do: "name", "name=1",
// "enable-name" are true; "name=0", "skip-name", "disable-name" false; the
// last one written wins.
func lastBool(opts []optionfile.Option, name string) (val, set bool, err error) {
	for i := len(opts) - 1; i >= 0; i-- {
		switch opts[i].Key() {
		case name:
			if !opts[i].HasValue {
				return true, true, nil
			}
			switch strings.ToLower(opts[i].Value) {
			case "1", "on", "true":
				return true, true, nil
			case "0", "off", "false":
				return false, true, nil
			}
			return false, false, fmt.Errorf("%w: %s: %s=%q is not a boolean (1 or 0)", ErrOptions, opts[i].Where(), name, opts[i].Value)
		case "enable-" + name:
			return true, true, nil
		case "skip-" + name, "disable-" + name:
			return false, true, nil
		}
	}
	return false, false, nil
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
