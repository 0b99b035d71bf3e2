package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/stagecopy/stagecopy/internal/countio"
)

// bar is a byte progress bar on stderr. It is nil, and every method a no-op,
// when stderr is not a terminal or --quiet was given.
type bar struct {
	pb  *progressbar.ProgressBar
	max int64
}

// isTerminal reports whether w is a terminal (golang.org/x/term: on
// Windows, NUL is a character device but not a console).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newBar starts a bar counting bytes towards total (-1 when unknown: then it
// shows bytes and rate without an ETA).
func newBar(e *env, quiet bool, total int64, desc string) *bar {
	if quiet || !isTerminal(e.stderr) {
		return nil
	}
	return &bar{max: total, pb: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	)}
}

func (b *bar) set(n int64) {
	if b == nil {
		return
	}
	if b.max > 0 && n > b.max {
		// The total was an estimate (a live server's information_schema):
		// raise it rather than run past 100%.
		b.max = n + n/10
		b.pb.ChangeMax64(b.max)
	}
	b.pb.Set64(n)
}

func (b *bar) describe(s string) {
	if b != nil {
		b.pb.Describe(s)
	}
}

// clear removes the bar from the terminal so a line can be printed.
func (b *bar) clear() {
	if b != nil {
		b.pb.Clear()
	}
}

func (b *bar) finish() {
	if b != nil {
		b.pb.Finish()
		b.pb.Exit()
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
