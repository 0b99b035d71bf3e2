package staging

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

func TestMain(m *testing.M) { mariadbtest.Main(m) }

// loadCMS creates a database, loads testdata/<fixture>.sql into it with
// PREFIX_ replaced by prefix, and returns a connection to it.
func loadCMS(t *testing.T, fixture, prefix string) (*mariadbtest.Server, string, *sql.DB) {
	t.Helper()
	srv, name := mariadbtest.NewDatabase(t)
	b, err := os.ReadFile("testdata/" + fixture + ".sql")
	if err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, name, strings.ReplaceAll(string(b), "PREFIX_", prefix))
	db, err := sql.Open("mysql", srv.DSN(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return srv, name, db
}

// detect runs Detect and checks the CMS and prefix it finds.
func detect(t *testing.T, db *sql.DB, name, prefix string) CMS {
	t.Helper()
	c, err := Detect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != name || c.Prefix() != prefix {
		t.Fatalf("Detect = %s with prefix %q, want %s with prefix %q", c.Name(), c.Prefix(), name, prefix)
	}
	return c
}

// phpEval runs code with php-cli and returns its output. It skips t when
// php is not installed.
func phpEval(t *testing.T, code string, args ...string) string {
	t.Helper()
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php not installed: apt-get install php-cli")
	}
	out, err := exec.Command(php, append([]string{"-r", code, "--"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("php: %v: %s", err, out)
	}
	return string(out)
}

// phpPasswordVerify checks hash with PHP's own password_verify, which is
// what PrestaShop and Drupal 10.1+ call.
func phpPasswordVerify(t *testing.T, hash, password string) bool {
	t.Helper()
	return phpEval(t, `echo password_verify($argv[1], $argv[2]) ? "yes" : "no";`, password, hash) == "yes"
}

func wantLines(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got: %q\nwant: %q", what, got, want)
	}
}

func hasLine(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}
