package restore

import (
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

func TestMain(m *testing.M) { mariadbtest.Main(m) }
