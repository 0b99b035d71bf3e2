package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/stagecopy/stagecopy/internal/dbconn"
)

// dbFlags are the connection flags of commands that talk to a server, named
// as mysqldump names them. There is no --password flag: a password on the
// command line is visible to every user of the machine.
func dbFlags() []cli.Flag {
	return append(serverFlags(),
		&cli.StringFlag{Name: "database", Aliases: []string{"D"}, Usage: "database `NAME` to read"})
}

// serverFlags are dbFlags without --database, for commands that name their
// database otherwise (restore's --db-name).
func serverFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "host", Aliases: []string{"H"}, Usage: "server `HOST` (localhost means the unix socket, like the mysql client)"},
		&cli.IntFlag{Name: "port", Aliases: []string{"P"}, Usage: "server TCP `PORT`", DefaultText: "3306"},
		&cli.StringFlag{Name: "socket", Aliases: []string{"S"}, Usage: "server unix socket `PATH`"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "account `NAME` (default: the defaults file, then $USER)"},
		&cli.StringFlag{Name: "dsn", Usage: "go-sql-driver `DSN` (user@unix(/run/mysqld/mysqld.sock)/db); other flags override its parts; put no password in it"},
		&cli.StringFlag{Name: "defaults-file", Usage: "my.cnf `FILE` whose [client] section gives host, user, password, ..."},
		&cli.StringFlag{Name: "password-file", Usage: "read the password from `FILE` (first line); else $MYSQL_PWD, the defaults file, or -p to be asked"},
		&cli.BoolFlag{Name: "ask-password", Aliases: []string{"p"}, Usage: "ask for the password on the terminal (not echoed)"},
		&cli.StringFlag{Name: "ssl-mode", Usage: "`MODE`: disabled, preferred (default over TCP), required, verify-ca, verify-identity"},
		&cli.StringFlag{Name: "ssl-ca", Usage: "CA certificate `FILE` for --ssl-mode verify-ca/verify-identity"},
	}
}

// usesServer reports whether any connection flag was given.
func usesServer(c *cli.Context) bool {
	for _, n := range []string{"host", "port", "socket", "user", "database", "dsn", "defaults-file"} {
		if c.IsSet(n) {
			return true
		}
	}
	return false
}

var errPasswordInDSN = errors.New("--dsn holds a password; it would be visible in the process list")

// dbConfig builds the driver configuration from the flags.
func dbConfig(c *cli.Context, e *env) (*mysql.Config, error) {
	cfg, err := serverConfig(c, e, c.String("database"))
	if err != nil {
		return nil, err
	}
	if cfg.DBName == "" {
		return nil, usagef("no database named: give --database NAME")
	}
	return cfg, nil
}

// serverConfig builds the driver configuration from the server flags, with
// database as the database (a --dsn or defaults file may name one too).
func serverConfig(c *cli.Context, e *env, database string) (*mysql.Config, error) {
	return readServerFlags(c).config(e, database)
}

// serverFlagValues are the server flags as given, read from the command line
// by readServerFlags. The password is read (or asked for, with -p) only when
// config is called, so that a command that may not connect at all (purge
// --dry-run) parses its flags first.
type serverFlagValues struct {
	target                          targetFlags
	dsn, defaultsFile, passwordFile string
	askPassword                     bool
}

func readServerFlags(c *cli.Context) serverFlagValues {
	return serverFlagValues{
		target:       readTargetFlags(c),
		dsn:          c.String("dsn"),
		defaultsFile: c.String("defaults-file"),
		passwordFile: c.String("password-file"),
		askPassword:  c.Bool("ask-password"),
	}
}

// config builds the driver configuration, with database as the database,
// reading the password from --password-file, $MYSQL_PWD or the terminal.
func (s serverFlagValues) config(e *env, database string) (*mysql.Config, error) {
	o := dbconn.Options{Target: s.target.over(dbconn.Target{}), Database: database, DSN: s.dsn, DefaultsFile: s.defaultsFile}
	if o.DSN != "" {
		if cfg, err := mysql.ParseDSN(o.DSN); err == nil && cfg.Passwd != "" {
			return nil, withHint(errPasswordInDSN, "put the password in a file (--password-file) or in $MYSQL_PWD")
		}
	}
	switch {
	case s.passwordFile != "":
		b, err := os.ReadFile(s.passwordFile)
		if err != nil {
			return nil, withHint(err, "check --password-file")
		}
		if fi, err := os.Stat(s.passwordFile); err == nil && fi.Mode().Perm()&0o077 != 0 {
			// As ssh says of a private key anyone may read.
			fmt.Fprintf(e.stderr, "stagecopy: warning: --password-file %s is readable by others (mode %04o): chmod 600 %s\n", s.passwordFile, fi.Mode().Perm(), s.passwordFile)
		}
		o.Password, _, _ = strings.Cut(string(b), "\n")
		o.Password = strings.TrimRight(o.Password, "\r")
	case os.Getenv("MYSQL_PWD") != "":
		o.Password = os.Getenv("MYSQL_PWD")
	case s.askPassword:
		pw, err := askPassword(e)
		if err != nil {
			return nil, err
		}
		o.Password = pw
	}
	cfg, err := o.Config()
	if err != nil {
		return nil, withHint(err, "connection flags are named as mysqldump names them; see --help")
	}
	return cfg, nil
}

// askPassword reads a line from the terminal without echo.
func askPassword(e *env) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return "", withHint(errors.New("-p needs a terminal to ask for the password"), "use --password-file FILE or $MYSQL_PWD in scripts")
	}
	return readNoEcho(e, f, "Enter password: ")
}

// readNoEcho prints prompt on stderr and reads one line from the terminal
// f with echo off (passwords, passphrases), by golang.org/x/term on every
// system.
func readNoEcho(e *env, f *os.File, prompt string) (string, error) {
	fmt.Fprint(e.stderr, prompt)
	line, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("read from the terminal: %w", err)
	}
	return string(line), nil
}

// targetFlags are the server flags that say where a server is and who
// connects, as given on the command line: --host, --port and --socket
// together (one names the server), --user, --ssl-mode and --ssl-ca each. A
// nil field was not given.
type targetFlags struct {
	addr                 *dbconn.Target // Host, Port and Socket only
	user, sslMode, sslCA *string
}

func readTargetFlags(c *cli.Context) targetFlags {
	var f targetFlags
	if c.IsSet("host") || c.IsSet("port") || c.IsSet("socket") {
		f.addr = &dbconn.Target{Host: c.String("host"), Port: c.Int("port"), Socket: c.String("socket")}
	}
	given := func(name string) *string {
		if !c.IsSet(name) {
			return nil
		}
		v := c.String(name)
		return &v
	}
	f.user, f.sslMode, f.sslCA = given("user"), given("ssl-mode"), given("ssl-ca")
	return f
}

// over returns t with what the flags given say instead: restore records
// them over nothing, purge puts them over what the registry recorded.
func (f targetFlags) over(t dbconn.Target) dbconn.Target {
	if f.addr != nil {
		t.Host, t.Port, t.Socket = f.addr.Host, f.addr.Port, f.addr.Socket
	}
	for _, s := range []struct{ given, dst *string }{{f.user, &t.User}, {f.sslMode, &t.SSLMode}, {f.sslCA, &t.SSLCA}} {
		if s.given != nil {
			*s.dst = *s.given
		}
	}
	return t
}
