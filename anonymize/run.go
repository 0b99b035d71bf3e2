package anonymize

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
)

// MinSecret is the shortest secret accepted from a secret file.
const MinSecret = 16

// ErrNoRules is returned when there is nothing to anonymize with.
var ErrNoRules = errors.New("anonymize: no rules given")

// Options configure Run.
type Options struct {
	Rules *rules.Rules
	// Secret keys the fakes; nil means a random secret for this run only,
	// never written anywhere.
	Secret []byte
	// Workers is how many goroutines anonymize rows: 0 means GOMAXPROCS,
	// 1 anonymizes them as they are read. The output is the same for any
	// number.
	Workers int
}

// NewSecret returns a random 32-byte secret.
func NewSecret() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

// ReadSecret reads a secret file: its bytes, at least MinSecret of them,
// with surrounding whitespace removed (so "openssl rand -hex 32 > f" works).
func ReadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret file: %w", err)
	}
	b = bytes.Trim(b, asciiSpace)
	if len(b) < MinSecret {
		return nil, fmt.Errorf("secret file %s: %d bytes, need at least %d", path, len(b), MinSecret)
	}
	return b, nil
}

// Run reads a dump from r, applies the rules, and writes the anonymized dump
// to w. On error the bytes already written to w must be discarded.
func Run(ctx context.Context, w io.Writer, r io.Reader, opts Options) (*Report, error) {
	if opts.Rules == nil {
		return nil, ErrNoRules
	}
	secret := opts.Secret
	if secret == nil {
		secret = NewSecret()
	}
	f := NewFilter(sqldump.NewScanner(r), opts.Rules, NewKeyer(secret))
	bw := bufio.NewWriterSize(w, 1<<20)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var err error
	if workers > 1 {
		_, err = copyParallel(ctx, bw, f, workers)
	} else {
		_, err = Copy(ctx, bw, f)
	}
	if err == nil {
		err = bw.Flush()
	}
	return f.Report(), err
}
