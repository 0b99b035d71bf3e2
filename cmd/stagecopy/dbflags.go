package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/urfave/cli/v2"

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
	o := dbconn.Options{Target: flagTarget(c, dbconn.Target{}), Database: database, DSN: c.String("dsn"), DefaultsFile: c.String("defaults-file")}
	if o.DSN != "" {
		if cfg, err := mysql.ParseDSN(o.DSN); err == nil && cfg.Passwd != "" {
			return nil, withHint(errPasswordInDSN, "put the password in a file (--password-file) or in $MYSQL_PWD")
		}
	}
	switch {
	case c.String("password-file") != "":
		b, err := os.ReadFile(c.String("password-file"))
		if err != nil {
			return nil, withHint(err, "check --password-file")
		}
		o.Password, _, _ = strings.Cut(string(b), "\n")
		o.Password = strings.TrimRight(o.Password, "\r")
	case os.Getenv("MYSQL_PWD") != "":
		o.Password = os.Getenv("MYSQL_PWD")
	case c.Bool("ask-password"):
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
// f with echo off (passwords, passphrases).
func readNoEcho(e *env, f *os.File, prompt string) (string, error) {
	// Echo goes off before the prompt shows, so that nothing typed after
	// the prompt is ever echoed.
	restore, err := noEcho(f)
	if err != nil {
		return "", err
	}
	fmt.Fprint(e.stderr, prompt)
	line, rerr := bufio.NewReader(f).ReadString('\n')
	restore()
	fmt.Fprintln(e.stderr)
	if rerr != nil && rerr != io.EOF {
		return "", rerr
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// flagTarget returns t with what the server flags given on the command line
// say instead: --host, --port and --socket together (one names the server),
// --user, --ssl-mode and --ssl-ca each.
func flagTarget(c *cli.Context, t dbconn.Target) dbconn.Target {
	if c.IsSet("host") || c.IsSet("port") || c.IsSet("socket") {
		t.Host, t.Port, t.Socket = c.String("host"), c.Int("port"), c.String("socket")
	}
	for _, s := range []struct {
		flag string
		dst  *string
	}{{"user", &t.User}, {"ssl-mode", &t.SSLMode}, {"ssl-ca", &t.SSLCA}} {
		if c.IsSet(s.flag) {
			*s.dst = c.String(s.flag)
		}
	}
	return t
}
