package mariadbtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// binaries are the absolute paths of the MariaDB programs the server needs.
type binaries struct {
	installDB string // mariadb-install-db
	server    string // mariadbd
	client    string // mariadb
	dump      string // mariadb-dump
}

// sbinDirs hold mariadbd on Debian and in source builds; they are often
// missing from a non-root $PATH.
var sbinDirs = []string{"/usr/sbin", "/usr/local/sbin"}

// lookBinaries finds the programs in $STAGECOPY_MARIADB_BINDIR if it is set,
// else in $PATH, looking for mariadbd in sbinDirs too.
func lookBinaries() (binaries, error) {
	var dirs []string
	if v := os.Getenv(BinDirEnv); v != "" {
		dirs = filepath.SplitList(v)
	}
	where := "$PATH"
	if dirs != nil {
		where = "$" + BinDirEnv + "=" + os.Getenv(BinDirEnv)
	}
	find := func(name string, extra []string) (string, bool) {
		if dirs != nil {
			return lookIn(dirs, name)
		}
		if p, err := exec.LookPath(name); err == nil {
			if p, err := filepath.Abs(p); err == nil {
				return p, true
			}
		}
		return lookIn(extra, name)
	}
	var b binaries
	var missing []string
	for _, f := range []struct {
		dst   *string
		name  string
		extra []string
	}{
		{&b.installDB, "mariadb-install-db", nil},
		{&b.server, "mariadbd", sbinDirs},
		{&b.client, "mariadb", nil},
		{&b.dump, "mariadb-dump", nil},
	} {
		p, ok := find(f.name, f.extra)
		if !ok {
			missing = append(missing, f.name)
			continue
		}
		*f.dst = p
	}
	if missing != nil {
		return binaries{}, fmt.Errorf("%s not found in %s", strings.Join(missing, ", "), where)
	}
	return b, nil
}

// lookIn returns the first executable file called name in dirs.
func lookIn(dirs []string, name string) (string, bool) {
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p, err := filepath.Abs(filepath.Join(d, name))
		if err != nil {
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}
