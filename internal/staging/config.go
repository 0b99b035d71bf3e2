package staging

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// DBCreds are the staging database's connection settings that
// RewriteConfig writes into a restored site's configuration file.
type DBCreds struct {
	Database, User, Password string
	// Host and Port for TCP; Socket for a unix socket (then Host and Port
	// are ignored).
	Host   string
	Port   int
	Socket string
}

// ConfigReport says what RewriteConfig changed. It never holds values of
// passwords.
type ConfigReport struct {
	File     string   // relative to the files directory
	Changed  []string // setting names
	Warnings []string
	// Mode is the file's mode now: at most 0640, since it holds a
	// database password.
	Mode fs.FileMode
}

// ErrNoConfig means the CMS's configuration file is not in the restored
// tree.
var ErrNoConfig = errors.New("staging: configuration file not found")

// phpString quotes s as a single-quoted PHP string literal.
func phpString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// phpLiteral matches a PHP scalar literal: a quoted string, a number, null
// or a boolean.
const phpLiteral = `('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?[0-9]+|null|NULL|true|false)`

// setDefine replaces the value of define('name', ...) in text.
func setDefine(text, name, value string) (string, bool) {
	re := regexp.MustCompile(`(define\(\s*['"]` + regexp.QuoteMeta(name) + `['"]\s*,\s*)` + phpLiteral)
	loc := re.FindStringSubmatchIndex(text)
	if loc == nil {
		return text, false
	}
	return text[:loc[4]] + value + text[loc[5]:], true
}

// setKey replaces the value of the first 'name' => ... at or after from.
func setKey(text string, from int, name, value string) (string, bool) {
	re := regexp.MustCompile(`(['"]` + regexp.QuoteMeta(name) + `['"]\s*=>\s*)` + phpLiteral)
	loc := re.FindStringSubmatchIndex(text[from:])
	if loc == nil {
		return text, false
	}
	a, b := from+loc[4], from+loc[5]
	return text[:a] + value + text[b:], true
}

// anchor returns the index just past the last of the patterns, found one
// after the other, or -1.
func anchor(text string, patterns ...string) int {
	at := 0
	for _, p := range patterns {
		loc := regexp.MustCompile(p).FindStringIndex(text[at:])
		if loc == nil {
			return -1
		}
		at += loc[1]
	}
	return at
}

// RewriteConfig points the configuration file of the CMS named cms (as
// CMS.Name gives it) in filesDir at the staging database, and, when url is
// set, at the staging URL where the file overrides the database's
// (WordPress WP_HOME/WP_SITEURL). The file is replaced atomically and keeps
// its mode.
func RewriteConfig(filesDir, cms string, c DBCreds, url string) (ConfigReport, error) {
	var rep ConfigReport
	var candidates []string
	switch cms {
	case "wordpress":
		candidates = []string{"wp-config.php"}
	case "prestashop":
		candidates = []string{"app/config/parameters.php", "config/settings.inc.php"}
	case "magento2":
		candidates = []string{"app/etc/env.php"}
	case "drupal":
		candidates = []string{"sites/default/settings.php"}
	default:
		return rep, fmt.Errorf("staging: no configuration file known for CMS %q", cms)
	}
	root, err := os.OpenRoot(filesDir)
	if err != nil {
		return rep, err
	}
	defer root.Close()
	var data []byte
	var info fs.FileInfo
	for _, cand := range candidates {
		fi, err := root.Lstat(cand)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if data, err = root.ReadFile(cand); err != nil {
			return rep, err
		}
		rep.File, info = cand, fi
		break
	}
	if rep.File == "" {
		return rep, fmt.Errorf("%w: none of %s in %s", ErrNoConfig, strings.Join(candidates, ", "), filesDir)
	}
	text := string(data)
	set := func(ok bool, what string) error {
		if !ok {
			return fmt.Errorf("staging: %s: no %s setting found to rewrite; edit it by hand", rep.File, what)
		}
		rep.Changed = append(rep.Changed, what)
		return nil
	}
	var ok bool
	switch rep.File {
	case "wp-config.php":
		host := c.Host
		if c.Socket != "" {
			host = "localhost:" + c.Socket
		} else if c.Port != 0 {
			host = c.Host + ":" + strconv.Itoa(c.Port)
		}
		for _, kv := range [][2]string{{"DB_NAME", c.Database}, {"DB_USER", c.User}, {"DB_PASSWORD", c.Password}, {"DB_HOST", host}} {
			text, ok = setDefine(text, kv[0], phpString(kv[1]))
			if err := set(ok, kv[0]); err != nil {
				return rep, err
			}
		}
		if url != "" {
			for _, name := range []string{"WP_HOME", "WP_SITEURL"} {
				if text, ok = setDefine(text, name, phpString(strings.TrimRight(url, "/"))); ok {
					rep.Changed = append(rep.Changed, name)
				}
			}
		}
	case "config/settings.inc.php": // PrestaShop 1.6
		server := c.Host
		if c.Socket != "" {
			server = "localhost:" + c.Socket
		} else if c.Port != 0 {
			server += ":" + strconv.Itoa(c.Port)
		}
		for _, kv := range [][2]string{{"_DB_SERVER_", server}, {"_DB_NAME_", c.Database}, {"_DB_USER_", c.User}, {"_DB_PASSWD_", c.Password}} {
			text, ok = setDefine(text, kv[0], phpString(kv[1]))
			if err := set(ok, kv[0]); err != nil {
				return rep, err
			}
		}
	case "app/config/parameters.php": // PrestaShop 1.7 and 8
		host, port := c.Host, ""
		if c.Socket != "" {
			host = "localhost"
			rep.Warnings = append(rep.Warnings, "PrestaShop's parameters.php has no socket setting: database_host is localhost; set the server's socket in php.ini (pdo_mysql.default_socket) if it is not the default")
		} else if c.Port != 0 {
			port = strconv.Itoa(c.Port)
		}
		for _, kv := range [][2]string{{"database_host", host}, {"database_port", port}, {"database_name", c.Database}, {"database_user", c.User}, {"database_password", c.Password}} {
			text, ok = setKey(text, 0, kv[0], phpString(kv[1]))
			if err := set(ok, kv[0]); err != nil {
				return rep, err
			}
		}
	case "app/etc/env.php": // Magento 2: db.connection.default
		at := anchor(text, `['"]db['"]\s*=>`, `['"]connection['"]\s*=>`, `['"]default['"]\s*=>`)
		if at < 0 {
			return rep, fmt.Errorf("staging: %s: no 'db' => 'connection' => 'default' section; edit it by hand", rep.File)
		}
		// Magento reads a host with a slash as a unix socket.
		host := c.Socket
		if host == "" {
			host = c.Host
			if c.Port != 0 {
				host += ":" + strconv.Itoa(c.Port)
			}
		}
		for _, kv := range [][2]string{{"host", host}, {"dbname", c.Database}, {"username", c.User}, {"password", c.Password}} {
			text, ok = setKey(text, at, kv[0], phpString(kv[1]))
			if err := set(ok, "db.connection.default."+kv[0]); err != nil {
				return rep, err
			}
		}
	case "sites/default/settings.php": // Drupal 8 to 10
		at := anchor(text, `(?m)^\s*\$databases\s*\[\s*['"]default['"]\s*\]\s*\[\s*['"]default['"]\s*\]\s*=`)
		if at < 0 {
			return rep, fmt.Errorf("staging: %s: no $databases['default']['default'] = ... assignment; edit it by hand", rep.File)
		}
		host, port := c.Host, strconv.Itoa(c.Port)
		if c.Socket != "" {
			host, port = "localhost", "3306"
			rep.Warnings = append(rep.Warnings, "Drupal: add 'unix_socket' => '"+c.Socket+"' to $databases['default']['default'] in "+rep.File+" (host is localhost)")
		} else if c.Port == 0 {
			port = "3306"
		}
		for _, kv := range [][2]string{{"database", c.Database}, {"username", c.User}, {"password", c.Password}, {"host", host}, {"port", port}} {
			text, ok = setKey(text, at, kv[0], phpString(kv[1]))
			if err := set(ok, "$databases.default.default."+kv[0]); err != nil {
				return rep, err
			}
		}
	}
	// The file now holds the restoring account's password: no access for
	// others and read-only for the group (the web server's, usually),
	// whatever the umask and the file's mode in the archive.
	rep.Mode = info.Mode().Perm() &^ 0o037
	if err := writeVia(root, rep.File, []byte(text), rep.Mode); err != nil {
		return rep, err
	}
	return rep, nil
}

// writeVia replaces the regular file rel under root with data, mode perm
// exactly (not masked by the umask), through a temporary file renamed into
// place.
func writeVia(root *os.Root, rel string, data []byte, perm fs.FileMode) error {
	tmp := rel + ".stagecopy-tmp"
	root.Remove(tmp)
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Chmod(perm); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		root.Remove(tmp)
	}
	return err
}

// editFile applies edit to the regular file rel under dir (never through a
// symlink) and replaces it atomically, keeping its mode, when edit changed
// it. A missing file is not an error: changed is false.
func editFile(dir, rel string, edit func(string) string) (changed bool, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return false, err
	}
	defer root.Close()
	fi, err := root.Lstat(rel)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.Mode().IsRegular()) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	data, err := root.ReadFile(rel)
	if err != nil {
		return false, err
	}
	text := edit(string(data))
	if text == string(data) {
		return false, nil
	}
	if err := writeVia(root, rel, []byte(text), fi.Mode().Perm()); err != nil {
		return false, err
	}
	return true, nil
}
