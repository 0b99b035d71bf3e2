//go:build !unix

package receipt

import (
	"context"
	"fmt"
)

func lockDir(ctx context.Context, path string) (func(), error) {
	return nil, fmt.Errorf("%w: the receipt log needs flock, which this system lacks", ErrLog)
}
