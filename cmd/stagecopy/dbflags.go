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
	"github.com/stagecopy/stagecopy/internal/optionfile"
)

// dbFlags are the connection flags of commands that talk to a server, named
// as mysqldump names them (-h is the host, -P the port). There is no
// --password=SECRET: a password on the command line is visible to every
// user of the machine, and refusePasswordArgs says so.
func dbFlags() []cli.Flag {
	return append(serverFlags(),
		&cli.StringFlag{Name: "database", Aliases: []string{"D"}, Usage: "database `NAME` to read"})
}

// serverFlags are dbFlags without --database, for commands that name their
// database otherwise (restore's --db-name).
func serverFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "host", Aliases: []string{"h"}, Usage: "server `HOST` (localhost means the unix socket, like the mysql client)"},
		&cli.IntFlag{Name: "port", Aliases: []string{"P"}, Usage: "server TCP `PORT` (given alone: TCP to 127.0.0.1)", DefaultText: "3306"},
		&cli.StringFlag{Name: "socket", Aliases: []string{"S"}, Usage: "server unix socket `PATH`"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "account `NAME` (default: the option files, then the OS user, as the mysql clients do)"},
		&cli.StringFlag{Name: "dsn", Usage: "go-sql-driver `DSN` (user@unix(/run/mysqld/mysqld.sock)/db); other flags override its parts; put no password in it"},
		&cli.StringFlag{Name: "defaults-file", Usage: "read only this option `FILE` (my.cnf), not /etc/my.cnf, ~/.my.cnf, ..."},
		&cli.StringFlag{Name: "defaults-extra-file", Usage: "read this option `FILE` after the global ones, before ~/.my.cnf"},
		&cli.BoolFlag{Name: "no-defaults", Usage: "read no option file (my.cnf)"},
		&cli.StringFlag{Name: "login-path", Usage: "MySQL's login path `NAME`: its group in the option files and in ~/.mylogin.cnf (mysql_config_editor)"},
		&cli.StringFlag{Name: "password-file", Usage: "read the password from `FILE` (first line); else the option files, $MYSQL_PWD, or -p to be asked"},
		&cli.BoolFlag{Name: "ask-password", Aliases: []string{"p", "password"}, Usage: "ask for the password on the terminal (not echoed); -pSECRET and --password=SECRET are refused"},
		&cli.StringFlag{Name: "ssl-mode", Usage: "`MODE`: disabled, preferred (default over TCP), required, verify-ca, verify-identity"},
		&cli.StringFlag{Name: "ssl-ca", Usage: "CA certificate `FILE` for --ssl-mode verify-ca/verify-identity"},
	}
}

// usesServer reports whether any flag naming a server or how to reach one
// was given.
func usesServer(c *cli.Context) bool {
	for _, n := range []string{"host", "port", "socket", "user", "database", "dsn", "defaults-file", "defaults-extra-file", "login-path"} {
		if c.IsSet(n) {
			return true
		}
	}
	return false
}

var errPasswordInDSN = errors.New("--dsn holds a password; it would be visible in the process list")

// dbConfig builds the driver configuration from the flags, for a command
// that reads a server as mariadb-dump does.
func dbConfig(c *cli.Context, e *env) (*mysql.Config, error) {
	cfg, err := readServerFlags(c, dbconn.DumpGroups).config(e, c.String("database"))
	if err != nil {
		return nil, err
	}
	if cfg.DBName == "" {
		return nil, usagef("no database named: give --database NAME")
	}
	return cfg, nil
}

// serverFlagValues are the server flags as given, read from the command line
// by readServerFlags. The password is read (or asked for, with -p) only when
// config is called, so that a command that may not connect at all (purge
// --dry-run) parses its flags first.
type serverFlagValues struct {
	target                         targetFlags
	dsn, passwordFile              string
	defaultsFile, extraFile, login string
	noDefaults, askPassword        bool
	groups                         []string
	warned                         map[string]bool // warnings printed, to print each once
}

// readServerFlags reads the server flags of c; groups are the option file
// groups read (dbconn.DumpGroups or dbconn.ClientGroups).
func readServerFlags(c *cli.Context, groups []string) serverFlagValues {
	return serverFlagValues{
		target:       readTargetFlags(c),
		dsn:          c.String("dsn"),
		defaultsFile: c.String("defaults-file"),
		extraFile:    c.String("defaults-extra-file"),
		noDefaults:   c.Bool("no-defaults"),
		login:        c.String("login-path"),
		passwordFile: c.String("password-file"),
		askPassword:  c.Bool("ask-password"),
		groups:       groups,
		warned:       map[string]bool{},
	}
}

// options are the connection options of the flags that do not depend on
// the server: the option files, $MYSQL_PWD, and how to ask and warn.
func (s serverFlagValues) options(e *env) dbconn.Options {
	return dbconn.Options{
		DSN:          s.dsn,
		DefaultsFile: s.defaultsFile, DefaultsExtraFile: s.extraFile, NoDefaults: s.noDefaults, LoginPath: s.login,
		Groups:      s.groups,
		EnvPassword: os.Getenv("MYSQL_PWD"),
		AskPassword: func() (string, error) { return askPassword(e) },
		Warn: func(msg string) {
			if !s.warned[msg] {
				s.warned[msg] = true
				fmt.Fprintf(e.stderr, "stagecopy: warning: %s\n", msg)
			}
		},
	}
}

// config builds the driver configuration, with database as the database.
// The password is the first of: --password-file, -p (asked), the option
// files, $MYSQL_PWD.
func (s serverFlagValues) config(e *env, database string) (*mysql.Config, error) {
	o := s.options(e)
	o.Target, o.Database = s.target.over(dbconn.Target{}), database
	if o.DSN != "" {
		if cfg, err := mysql.ParseDSN(o.DSN); err == nil && cfg.Passwd != "" {
			return nil, withHint(errPasswordInDSN, "put the password in a file (--password-file), an option file (~/.my.cnf) or $MYSQL_PWD")
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
	case s.askPassword:
		pw, err := askPassword(e)
		if err != nil {
			return nil, err
		}
		o.Password = pw
	}
	cfg, err := o.Config()
	switch {
	case errors.Is(err, optionfile.ErrNotFound) || errors.Is(err, optionfile.ErrSyntax):
		return nil, withHint(err, "option files are read as mariadb-dump reads them; --no-defaults reads none, --defaults-file FILE only FILE")
	case err != nil:
		return nil, withHint(err, "connection flags are named as mysqldump names them; see --help")
	}
	return cfg, nil
}

// refusePasswordArgs refuses a password given on the command line, as
// -pSECRET or --password=SECRET: the mysql clients take them, but every
// user of the machine can read them in the process list. It looks only at
// the arguments of a command with a -p flag, before any "--", and never
// repeats the password.
func refusePasswordArgs(app *cli.App, args []string) error {
	var cmd *cli.Command
	i := 1
	for ; i < len(args) && cmd == nil; i++ {
		if !strings.HasPrefix(args[i], "-") {
			cmd = app.Command(args[i])
			if cmd == nil {
				return nil
			}
		}
	}
	if cmd == nil {
		return nil
	}
	flags := map[string]cli.Flag{}
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			flags[n] = f
		}
	}
	if _, ok := flags["ask-password"]; !ok {
		return nil
	}
	hint := "give -p alone to be asked for it, or put it in $MYSQL_PWD, a --password-file FILE (chmod 600), or an option file (password = ... under [client] in ~/.my.cnf)"
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if (name == "password" || name == "p") && hasValue {
			shown := "-p=..."
			if name == "password" {
				shown = "--password=..."
			}
			return withHint(&usageError{msg: shown + " is refused: a password on the command line is visible to every user of this machine"}, hint)
		}
		f, known := flags[name]
		if !known && !strings.HasPrefix(a, "--") && strings.HasPrefix(name, "p") && len(name) > 1 {
			return withHint(&usageError{msg: "-p followed by a password is refused: a password on the command line is visible to every user of this machine"}, hint)
		}
		if _, isBool := f.(*cli.BoolFlag); known && !isBool && !hasValue {
			i++ // the flag's value, whatever it looks like
		}
	}
	return nil
}

// askPassword reads a line from the terminal without echo.
func askPassword(e *env) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return "", withHint(errors.New("-p needs a terminal to ask for the password"), "use --password-file FILE, $MYSQL_PWD or an option file (~/.my.cnf) in scripts")
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
