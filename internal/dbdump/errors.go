package dbdump

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/go-sql-driver/mysql"
)

// Errors a caller can test with errors.Is. Each is wrapped with what was
// being done and, where there is one, what the user can do about it.
var (
	// ErrAccessDenied means the server refused the account: wrong user
	// name or password, or an account that may not connect from here.
	ErrAccessDenied = errors.New("dbdump: access denied")
	// ErrUnknownDatabase means the database does not exist on the server.
	ErrUnknownDatabase = errors.New("dbdump: unknown database")
	// ErrPrivilege means the account lacks a privilege the dump needs;
	// the message names it and says what can be done without it.
	ErrPrivilege = errors.New("dbdump: missing privilege")
	// ErrServerGone means the server could not be reached or closed the
	// connection.
	ErrServerGone = errors.New("dbdump: server unreachable")
	// ErrNoSuchTable means a Config.Tables pattern matched nothing.
	ErrNoSuchTable = errors.New("dbdump: no such table")
)

// MySQL and MariaDB error numbers this package tells apart.
const (
	erDBAccessDenied       = 1044 // access denied for user to database
	erAccessDenied         = 1045 // access denied for user (using password)
	erBadDB                = 1049 // unknown database
	erServerShutdown       = 1053
	erTableAccessDenied    = 1142 // SELECT command denied to user for table
	erColumnAccessDenied   = 1143
	erLockWaitTimeout      = 1205
	erSpecificAccessDenied = 1227 // you need (at least one of) the X privilege(s)
	erProcAccessDenied     = 1370
	erAccessDeniedNoPass   = 1698 // unix_socket and similar plugins
	erMustChangePassword   = 1820
	erPasswordExpired      = 1862
	erUnknownSystemVar     = 1193
	erConnectionKilled     = 1927
	erServerGone           = 2006 // client-side numbers, for completeness
	erServerLost           = 2013
	erAccountLocked        = 3118
	erAccountLockedMaria   = 4151
)

// classify wraps err in the sentinel that describes it. what says what was
// being done ("read table `t`"); priv, when not empty, names the privilege
// that operation needs and what to do without it, for permission errors.
func classify(err error, what, priv string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case erAccessDenied, erAccessDeniedNoPass, erPasswordExpired, erMustChangePassword, erAccountLocked, erAccountLockedMaria:
			return fmt.Errorf("%w: %s: the server refused the user name or password (check the user, password and host of the connection): %w", ErrAccessDenied, what, err)
		case erBadDB:
			return fmt.Errorf("%w: %s: %w", ErrUnknownDatabase, what, err)
		case erDBAccessDenied, erTableAccessDenied, erColumnAccessDenied, erSpecificAccessDenied, erProcAccessDenied:
			if priv == "" {
				priv = "the account lacks a privilege this needs"
			}
			return fmt.Errorf("%w: %s: %s: %w", ErrPrivilege, what, priv, err)
		case erServerShutdown, erConnectionKilled, erServerGone, erServerLost:
			return fmt.Errorf("%w: %s: %w", ErrServerGone, what, err)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	if gone(err) {
		return fmt.Errorf("%w: %s: is the server running and the address right? %w", ErrServerGone, what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// gone reports whether err means the connection failed or was lost.
func gone(err error) bool {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, mysql.ErrInvalidConn), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ENOENT),
		errors.As(err, &oe), errors.As(err, &ne):
		return true
	}
	return false
}

// isDenied reports whether err is a permission error from the server.
func isDenied(err error) bool {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return false
	}
	switch me.Number {
	case erDBAccessDenied, erTableAccessDenied, erColumnAccessDenied, erSpecificAccessDenied, erProcAccessDenied:
		return true
	}
	return false
}

// isUnknownVariable reports whether err says a system variable does not
// exist (one of the other server's).
func isUnknownVariable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == erUnknownSystemVar
}

// isLockTimeout reports whether err is a lock wait timeout.
func isLockTimeout(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == erLockWaitTimeout
}

// RedactDSN returns dsn, a go-sql-driver/mysql data source name, with its
// password replaced by "xxxxx", for messages and logs. A DSN it cannot parse
// has everything between the first ':' and the last '@' before the
// database part replaced, which covers any password it may hold.
func RedactDSN(dsn string) string {
	if cfg, err := mysql.ParseDSN(dsn); err == nil {
		if cfg.Passwd == "" {
			return dsn
		}
		cfg.Passwd = "xxxxx"
		return cfg.FormatDSN()
	}
	// user:password@net(addr)/db?params: the password ends at the last '@'
	// before the last '/' (the driver's own rule); without '/', at the last
	// '@'.
	head := dsn
	if i := strings.LastIndexByte(dsn, '/'); i >= 0 {
		head = dsn[:i]
	}
	at := strings.LastIndexByte(head, '@')
	if at < 0 {
		return dsn
	}
	colon := strings.IndexByte(dsn[:at], ':')
	if colon < 0 {
		return dsn
	}
	return dsn[:colon+1] + "xxxxx" + dsn[at:]
}

// redacted hides a password in the text of an error that may, through a
// driver or server message, quote it. Errors still unwrap to the original.
type redacted struct {
	err    error
	secret string
}

func (r *redacted) Error() string { return strings.ReplaceAll(r.err.Error(), r.secret, "xxxxx") }
func (r *redacted) Unwrap() error { return r.err }

// hide wraps err so that its text never shows secret.
func hide(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &redacted{err: err, secret: secret}
}

// Classify is classify for other packages that talk to a server (restore,
// purge), so that their errors carry the same sentinels and hints.
func Classify(err error, what, priv string) error { return classify(err, what, priv) }
