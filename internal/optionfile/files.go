package optionfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Sources say which option files to read, as the clients' --no-defaults,
// --defaults-file, --defaults-extra-file and --login-path do.
type Sources struct {
	NoDefaults   bool   // read no option file (but the login path file, if LoginPath is set)
	DefaultsFile string // read only this file, which must exist
	ExtraFile    string // read this file, which must exist, after the global ones and before ~/.my.cnf
	// LoginPath names a group read too, in every file, and the login path
	// file (MySQL's .mylogin.cnf) is read last. The group must be found.
	LoginPath string
	// Getenv reads HOME, MARIADB_HOME, MYSQL_HOME and
	// MYSQL_TEST_LOGIN_FILE; nil means os.Getenv.
	Getenv func(string) string
}

// ErrNotFound is wrapped when a file or login path that was named is not
// there.
var ErrNotFound = errors.New("option file not found")

// globalFiles are read first, in this order, when they exist: where MariaDB
// built for Debian and most Linux packages looks (mariadb-dump --help says
// so). Tests change it.
var globalFiles = []string{"/etc/my.cnf", "/etc/mysql/my.cnf"}

// File is one place an option file is looked for.
type File struct {
	Path     string
	Required bool // named by the user: an error if missing
	Login    bool // the obfuscated login path file
}

// Files returns the files s reads, in order: /etc/my.cnf, /etc/mysql/my.cnf,
// $MARIADB_HOME/my.cnf (or $MYSQL_HOME/my.cnf), the extra file, ~/.my.cnf,
// then the login path file when a login path is named. With a defaults file
// it is the only one (and the login path file); with NoDefaults only the
// login path file is left.
func (s Sources) Files() []File {
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var fs []File
	switch {
	case s.NoDefaults:
	case s.DefaultsFile != "":
		fs = append(fs, File{Path: s.DefaultsFile, Required: true})
	default:
		for _, p := range globalFiles {
			fs = append(fs, File{Path: p})
		}
		home := getenv("MARIADB_HOME")
		if home == "" {
			home = getenv("MYSQL_HOME")
		}
		if home != "" {
			fs = append(fs, File{Path: filepath.Join(home, "my.cnf")})
		}
		if s.ExtraFile != "" {
			fs = append(fs, File{Path: s.ExtraFile, Required: true})
		}
		if h := getenv("HOME"); h != "" {
			fs = append(fs, File{Path: filepath.Join(h, ".my.cnf")})
		}
	}
	if s.LoginPath != "" {
		p := getenv("MYSQL_TEST_LOGIN_FILE")
		if p == "" {
			if runtime.GOOS == "windows" {
				p = filepath.Join(getenv("APPDATA"), "MySQL", ".mylogin.cnf")
			} else if h := getenv("HOME"); h != "" {
				p = filepath.Join(h, ".mylogin.cnf")
			}
		}
		if p != "" {
			fs = append(fs, File{Path: p, Required: true, Login: true})
		}
	}
	return fs
}

// Read returns the options of groups (and of the login path's group) in
// the files s names, in the order the clients read them: a later option
// overrides an earlier one of the same Key. warn, if not nil, is told of
// files skipped with a warning.
func (s Sources) Read(groups []string, warn func(string)) ([]Option, error) {
	if s.NoDefaults && (s.DefaultsFile != "" || s.ExtraFile != "") {
		return nil, fmt.Errorf("%w: --no-defaults reads no option file, and --defaults-file or --defaults-extra-file names one", ErrSyntax)
	}
	if s.DefaultsFile != "" && s.ExtraFile != "" {
		return nil, fmt.Errorf("%w: --defaults-file is the only option file read: --defaults-extra-file would be ignored", ErrSyntax)
	}
	if s.LoginPath != "" {
		groups = append(append([]string(nil), groups...), s.LoginPath)
	}
	r := NewReader(groups...)
	r.Warn = warn
	var all []Option
	for _, f := range s.Files() {
		var (
			opts []Option
			err  error
		)
		if f.Login {
			opts, err = r.readLoginFile(f.Path)
		} else {
			opts, err = r.ReadFile(f.Path)
		}
		if errors.Is(err, fs.ErrNotExist) {
			if f.Required {
				return nil, fmt.Errorf("%w: %s", ErrNotFound, f.Path)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		all = append(all, opts...)
	}
	if s.LoginPath != "" {
		found := false
		lp := strings.ToLower(s.LoginPath)
		for _, o := range all {
			found = found || o.Group == lp
		}
		if !found {
			return nil, fmt.Errorf("%w: login path %q: no [%s] group in the option files read", ErrNotFound, s.LoginPath, s.LoginPath)
		}
	}
	return all, nil
}

// Last returns the value of the last option in opts whose Key is key.
func Last(opts []Option, key string) (Option, bool) {
	for i := len(opts) - 1; i >= 0; i-- {
		if opts[i].Key() == key {
			return opts[i], true
		}
	}
	return Option{}, false
}
