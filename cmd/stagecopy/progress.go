package main

import (
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/stagecopy/stagecopy/internal/countio"
)

// progressMode is how a command shows its progress on stderr.
type progressMode int

const (
	progressAuto progressMode = iota // a bar when stderr is a terminal
	progressNone                     // -q, or --progress none
	progressJSON                     // --progress json: one JSON object a line
)

// quietFlag is -q, the same for every command that has it: no progress and
// no summary; warnings and errors still go to stderr.
func quietFlag() cli.Flag {
	return &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress and no summary; warnings and errors still go to stderr"}
}

// progressFlag is --progress, for the commands that run long.
func progressFlag() cli.Flag {
	return &cli.StringFlag{Name: "progress", Value: "auto", Usage: "`MODE`: auto (a bar when stderr is a terminal), none, or json " +
		"(one JSON object a line on stderr, at most one a second; docs/json.md)"}
}

// progressOf reads -q and --progress.
func progressOf(c *cli.Context) (progressMode, error) {
	switch p := c.String("progress"); {
	case p == "json":
		return progressJSON, nil
	case c.Bool("quiet") || p == "none":
		return progressNone, nil
	case p == "auto" || p == "":
		return progressAuto, nil
	default:
		return progressNone, usagef("--progress %q: want auto, none or json", p)
	}
}

// isTerminal reports whether w is a terminal (golang.org/x/term: on
// Windows, NUL is a character device but not a console).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// bar shows the progress of one phase on stderr: a progress bar, or JSON
// lines. It is nil, and every method a no-op, when there is nothing to
// show (-q, or auto with stderr not a terminal).
type bar struct {
	pb   *progressbar.ProgressBar
	max  int64
	unit string // "bytes" or "rows"

	// --progress json
	mu          sync.Mutex
	enc         *json.Encoder
	phase       string
	done        int64
	start, last time.Time
}

// progressLine is one line of --progress json (docs/json.md).
type progressLine struct {
	Phase     string   `json:"phase"`
	Done      int64    `json:"done"`
	Total     int64    `json:"total"` // -1 when unknown
	Unit      string   `json:"unit"`  // bytes or rows
	Percent   *float64 `json:"percent,omitempty"`
	ElapsedMS int64    `json:"elapsed_ms"`
	Finished  bool     `json:"finished,omitempty"`
}

// newBar starts the progress of a phase counting bytes towards total (-1
// when unknown: then it shows bytes and rate without an ETA).
func newBar(e *env, mode progressMode, total int64, desc string) *bar {
	return newProgress(e, mode, total, desc, "bytes")
}

// newProgress is newBar for a unit: "bytes", or "rows" (a count).
func newProgress(e *env, mode progressMode, total int64, desc, unit string) *bar {
	switch {
	case mode == progressJSON:
		now := time.Now()
		return &bar{max: total, unit: unit, enc: json.NewEncoder(e.stderr), phase: desc, start: now}
	case mode == progressNone || !isTerminal(e.stderr):
		return nil
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	}
	if unit == "bytes" {
		opts = append(opts, progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true))
	} else {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionSetItsString(unit))
	}
	return &bar{max: total, unit: unit, pb: progressbar.NewOptions64(total, opts...)}
}

func (b *bar) set(n int64) {
	if b == nil {
		return
	}
	if b.max > 0 && n > b.max {
		// The total was an estimate (a live server's information_schema):
		// raise it rather than run past 100%.
		b.max = n + n/10
		if b.pb != nil {
			b.pb.ChangeMax64(b.max)
		}
	}
	if b.pb != nil {
		b.pb.Set64(n)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = n
	if now := time.Now(); now.Sub(b.last) >= time.Second {
		b.last = now
		b.emit(false)
	}
}

// emit writes one JSON line; b.mu is held.
func (b *bar) emit(finished bool) {
	l := progressLine{Phase: b.phase, Done: b.done, Total: b.max, Unit: b.unit, ElapsedMS: time.Since(b.start).Milliseconds(), Finished: finished}
	if l.Total <= 0 {
		l.Total = -1
	} else {
		p := float64(int64(float64(b.done)*1000/float64(b.max))) / 10
		l.Percent = &p
	}
	b.enc.Encode(l)
}

// describe names what the bar is doing now (a phase of restore).
func (b *bar) describe(s string) {
	if b == nil {
		return
	}
	if b.pb != nil {
		b.pb.Describe(s)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s != b.phase {
		b.phase = s
		b.last = time.Time{} // a new phase shows at once
	}
}

// clear removes the bar from the terminal so a line can be printed.
func (b *bar) clear() {
	if b != nil && b.pb != nil {
		b.pb.Clear()
	}
}

func (b *bar) finish() {
	if b == nil {
		return
	}
	if b.pb != nil {
		b.pb.Finish()
		b.pb.Exit()
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.start.IsZero() {
		b.emit(true)
		b.start = time.Time{}
	}
}

// countingReader reports bytes read to a bar.
type countingReader struct {
	countio.Reader
	bar *bar
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.bar.set(c.N)
	return n, err
}
