package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/stagecopy/stagecopy/restore"
	"github.com/stagecopy/stagecopy/rules"
)

// Exit codes, documented in README.md.
const (
	exitOK          = 0
	exitError       = 1   // the command failed; the message says why
	exitUsage       = 2   // bad flags or arguments
	exitCorrupt     = 3   // an archive or a receipt failed verification (damaged, tampered, not matching)
	exitFound       = 4   // scan found personal data
	exitInterrupted = 130 // SIGINT/SIGTERM
)

// hintError attaches a hint line to an error.
type hintError struct {
	err  error
	hint string
}

func (h *hintError) Error() string { return h.err.Error() }
func (h *hintError) Unwrap() error { return h.err }

func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hintError{err: err, hint: hint}
}

// usageError marks errors in how the command was called.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// report prints err as "stagecopy: error:" and "stagecopy: hint:" lines and
// returns the exit code for it. This is the one place errors become codes.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code, hint := exitError, ""
	var he *hintError
	var ue *usageError
	switch {
	case errors.As(err, &he):
		hint = he.hint
	}
	switch {
	case errors.Is(err, context.Canceled):
		code = exitInterrupted
	case errors.As(err, &ue) || isCLIUsage(err), errors.Is(err, archive.ErrNoIdentity), errors.Is(err, archive.ErrRecipient),
		errors.Is(err, restore.ErrNeedsCMS),
		errors.Is(err, rules.ErrUnknownPreset):
		code = exitUsage
		if hint == "" {
			hint = "run 'stagecopy COMMAND --help' for a command's flags and arguments, 'stagecopy help' for the commands"
		}
	case errors.Is(err, archive.ErrCorrupt), errors.Is(err, archive.ErrMissingTrailer), errors.Is(err, archive.ErrInsecurePath):
		code = exitCorrupt
		if hint == "" {
			hint = "the archive is damaged, truncated or was altered; fetch it again and compare its SHA-256 with the one the owner quoted"
		}
	case errors.Is(err, errFound):
		code = exitFound
	case errors.Is(err, receipt.ErrInvalid):
		code = exitCorrupt
		if hint == "" {
			hint = "the receipt does not check out: do not treat the data as deleted; ask the operator for the original receipt and proof files"
		}
	case errors.Is(err, archive.ErrNotArchive):
		if hint == "" {
			hint = "stagecopy reads archives made by 'stagecopy snapshot' (.tar.zst, or .tar.zst.age when encrypted)"
		}
	case errors.Is(err, archive.ErrOutputDir):
		if hint == "" {
			hint = "create the directory first, or choose another path with -o"
		}
	case errors.Is(err, fs.ErrExist):
		if hint == "" {
			hint = "choose another output name, or add --force to replace it"
		}
	}
	// One "stagecopy: error:" line per line of the message (a rules file
	// with several mistakes reports each on its own line).
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(stderr, "stagecopy: error: %s\n", strings.TrimLeft(line, " "))
	}
	if hint != "" {
		fmt.Fprintf(stderr, "stagecopy: hint: %s\n", hint)
	}
	return code
}

// isCLIUsage recognizes urfave/cli's own flag and argument errors.
func isCLIUsage(err error) bool {
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		return false
	}
	msg := err.Error()
	for _, s := range []string{"flag provided but not defined", "Required flag", "Required flags", "invalid value", "flag needs an argument", "No help topic"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
