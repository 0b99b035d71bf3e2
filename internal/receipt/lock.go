package receipt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// lockDir takes an exclusive lock on path (gofrs/flock: flock on unix,
// LockFileEx on Windows), polling so that ctx can end the wait. The lock
// goes away with the process, so a crash never leaves the log locked.
func lockDir(ctx context.Context, path string) (unlock func(), err error) {
	fl := flock.New(path, flock.SetPermissions(0o644))
	ok, err := fl.TryLockContext(ctx, 50*time.Millisecond)
	if ok {
		return func() { fl.Close() }, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil && (err == nil || errors.Is(err, ctxErr)) {
		return nil, fmt.Errorf("%w: waiting for the lock %s (another purge is writing the log): %w", ErrLog, path, ctxErr)
	}
	return nil, fmt.Errorf("%w: lock %s: %v", ErrLog, path, err)
}
