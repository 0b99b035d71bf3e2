// Command stagecopy makes safe, anonymized copies of MySQL/MariaDB-backed
// websites, turns them into staging sites, and destroys them with a signed
// receipt. This package only parses flags, prints, and maps errors to exit
// codes; the work is done by the packages it calls.
//
// Each command is in cmd_VERB.go: newVerbCommand builds its flags, its
// action only parses them into what runVerb takes (a verbOptions struct
// where there are several), and runVerb does the work, calling the
// packages, and prints; a command with subcommands has a run function for
// each. What several commands share is in a file named for it:
//
//	dbflags.go        the server flags, the password, the driver configuration
//	keyflags.go       what opens an encrypted archive, and snapshot's recipients
//	rulesflags.go     --rules, --preset, --secret-file and the anonymization report
//	registryflags.go  --state-dir, the registry it names, and its errors' hints
//	args.go           argument checks (one argument, flags before arguments)
//	archiveread.go    the ARCHIVE argument, and reading a whole archive
//	dumparg.go        the DUMP argument, decompressed
//	expiry.go         lifetimes (--expires) and expiry notes
//	output.go         JSON output and the report file, "-" for nothing
//	progress.go       progress bars, and whether a stream is a terminal
//	profile.go        the hidden CPU and heap profile flags
//	errors.go         errors with hints, and the one switch from errors to exit codes
//	usage.go          usage errors (unknown flags and commands), help as --help only, wrapped at 80 columns
//	main.go           the app, signals and the interrupt grace
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/restore"
)

// softMemoryLimit keeps the Go heap near this size by collecting garbage
// sooner; it is a soft limit (a 64 MiB row still works) and GOMEMLIMIT
// overrides it. Without it, the heap of a snapshot grows to twice what is
// live before the collector runs.
const softMemoryLimit = 96 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// env carries the standard streams so commands can be tested in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func newApp(e *env) *cli.App {
	v, _ := toolVersion()
	app := &cli.App{
		Name:  "stagecopy",
		Usage: "safe, anonymized copies of websites for people who must not see their customers",
		Description: "The site owner runs `stagecopy snapshot` to stream the MySQL/MariaDB database and the site's\n" +
			"files into one verified archive; support checks it with `verify` and looks inside with `inspect`.",
		Version:         v,
		Reader:          e.stdin,
		Writer:          e.stdout,
		ErrWriter:       e.stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // errors are printed by run, once
		Commands: []*cli.Command{
			newSnapshotCommand(e),
			newAnonymizeCommand(e),
			newRulesCommand(e),
			newVerifyCommand(e),
			newInspectCommand(e),
			newRestoreCommand(e),
			newListCommand(e),
			newPurgeCommand(e),
			newKeygenCommand(e),
			newReceiptCommand(e),
			newScanCommand(e),
			newHelpCommand(),
			newVersionCommand(e),
			newCompletionCommand(e),
			newManCommand(e),
		},
	}
	setUsage(app)
	return app
}

// run is main without os.Exit: it runs the app with SIGINT/SIGTERM turned
// into context cancellation and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	app := newApp(e)
	if err := refusePasswordArgs(app, args); err != nil {
		return report(stderr, err)
	}
	done := make(chan struct{})
	defer close(done)
	msg := interruptedMessage(args)
	go exitIfStuck(ctx, stop, done, stderr, msg)
	err := usageHint(app, args, app.RunContext(ctx, args))
	if err != nil && ctx.Err() != nil {
		if errors.Is(err, restore.ErrLeftBehind) {
			report(stderr, err)
		} else {
			fmt.Fprintln(stderr, msg)
		}
		return exitInterrupted
	}
	return report(stderr, err)
}

// cleanups are run when an interrupted command does not return in time
// (blocked reading a pipe, say): they remove half-written output.
var cleanups struct {
	sync.Mutex
	fns map[int]func()
	n   int
}

// onInterrupt registers fn to run if the process must exit while stuck; the
// returned func unregisters it.
func onInterrupt(fn func()) (remove func()) {
	cleanups.Lock()
	defer cleanups.Unlock()
	if cleanups.fns == nil {
		cleanups.fns = map[int]func(){}
	}
	cleanups.n++
	id := cleanups.n
	cleanups.fns[id] = fn
	return func() {
		cleanups.Lock()
		delete(cleanups.fns, id)
		cleanups.Unlock()
	}
}

// interruptGrace is how long a cancelled command may take to stop by itself;
// a command whose cleanup takes longer (restore drops a database) raises it
// with setInterruptGrace before it starts work.
var interruptGrace atomic.Int64

func init() { interruptGrace.Store(int64(3 * time.Second)) }

func setInterruptGrace(d time.Duration) { interruptGrace.Store(int64(d)) }

// exitIfStuck waits for cancellation; if the command has not returned
// interruptGrace later, it runs the cleanups and exits 130. After the first
// signal, stop gives signals their default effect back: a second Ctrl-C
// ends the process at once.
func exitIfStuck(ctx context.Context, stop func(), done <-chan struct{}, stderr io.Writer, msg string) {
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	stop()
	select {
	case <-done:
	case <-time.After(time.Duration(interruptGrace.Load())):
		cleanups.Lock()
		for _, fn := range cleanups.fns {
			fn()
		}
		cleanups.Unlock()
		fmt.Fprintln(stderr, msg)
		os.Exit(exitInterrupted)
	}
}

// interruptedMessage says what an interrupted command leaves, by the
// command named in args (the first argument that is not a flag).
func interruptedMessage(args []string) string {
	verb := ""
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			verb = a
			break
		}
	}
	switch verb {
	case "snapshot", "anonymize", "keygen":
		return "stagecopy: interrupted; nothing was left behind under the final output name"
	case "restore":
		return "stagecopy: interrupted; what this restore had made (database, files, registry entry) was removed"
	case "purge":
		return "stagecopy: interrupted; run the same purge again to finish: its journal keeps what was already done"
	}
	return "stagecopy: interrupted"
}
