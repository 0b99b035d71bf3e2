package rules

import (
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// FileRules are the rules for the site's file tree.
//
// Globs use path.Match syntax on slash-separated paths relative to the site
// root. A glob without a slash matches the base name of a file or directory
// at any depth ("*.log", "cache"); a glob with a slash matches from the root
// ("wp-content/cache", "var/*", "/log"). A glob that matches a directory
// covers everything under it.
type FileRules struct {
	// Exclude lists globs of files and directories left out of the copy.
	Exclude []string
	// MaxSize is the largest file copied, in bytes; 0 means no limit.
	MaxSize int64
	// Scrub lists the secret-scrubbing rules for configuration files.
	Scrub []*ScrubRule
}

// DefaultReplace is the text that replaces a scrubbed secret when a scrub
// rule does not say otherwise.
const DefaultReplace = "REDACTED-BY-STAGECOPY"

// ScrubRule removes secrets from the files matching Path. Each pattern is a
// Go regular expression; if it has a group named "secret" only that group's
// text is replaced, otherwise the whole match is.
type ScrubRule struct {
	Path string
	// Preset is the name of the built-in pattern list used, if any; its
	// patterns are already in Patterns, before the rule's own.
	Preset   string
	Patterns []*regexp.Regexp
	// Replace is the replacement text (DefaultReplace unless given).
	Replace string
	Pos     Pos
}

func (s *ScrubRule) key() string {
	var b strings.Builder
	b.WriteString(s.Path + "\x00" + s.Replace)
	for _, p := range s.Patterns {
		b.WriteString("\x00" + p.String())
	}
	return b.String()
}

// Apply returns data with every secret the rule's patterns find replaced.
func (s *ScrubRule) Apply(data []byte) []byte {
	for _, re := range s.Patterns {
		g := re.SubexpIndex("secret")
		data = re.ReplaceAllFunc(data, func(m []byte) []byte {
			if g < 0 {
				return []byte(s.Replace)
			}
			loc := re.FindSubmatchIndex(m)
			if loc == nil || loc[2*g] < 0 {
				return m
			}
			out := make([]byte, 0, len(m))
			out = append(out, m[:loc[2*g]]...)
			out = append(out, s.Replace...)
			return append(out, m[loc[2*g+1]:]...)
		})
	}
	return data
}

// Excluded reports whether the file or directory at rel (slash-separated,
// relative to the site root) is excluded.
func (f *FileRules) Excluded(rel string) bool {
	for _, g := range f.Exclude {
		if fileGlobMatch(g, rel) {
			return true
		}
	}
	return false
}

// Scrubbers returns the scrub rules that apply to the file at rel.
func (f *FileRules) Scrubbers(rel string) []*ScrubRule {
	var out []*ScrubRule
	for _, s := range f.Scrub {
		if fileGlobMatch(s.Path, rel) {
			out = append(out, s)
		}
	}
	return out
}

func fileGlobMatch(glob, rel string) bool {
	rel = strings.Trim(path.Clean("/"+rel), "/")
	anchored := strings.Contains(glob, "/")
	glob = strings.TrimPrefix(glob, "/")
	parts := strings.Split(rel, "/")
	if !anchored {
		for _, p := range parts {
			if ok, _ := path.Match(glob, p); ok {
				return true
			}
		}
		return false
	}
	for i := range parts {
		if ok, _ := path.Match(glob, strings.Join(parts[:i+1], "/")); ok {
			return true
		}
	}
	return false
}

func checkFileGlob(g string) error {
	_, err := path.Match(strings.TrimPrefix(g, "/"), "")
	return err
}

var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseSize parses a size such as "10MB", "1.5 GiB" or "4096". KB, MB, GB and
// TB are powers of 1000; KiB, MiB, GiB, TiB (and K, M, G, T) powers of 1024.
// Units are not case-sensitive.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	if num == "" {
		return 0, fmt.Errorf("size %q does not start with a number", s)
	}
	mult, ok := sizeUnits[unit]
	if !ok {
		return 0, fmt.Errorf("size %q has unknown unit %q (want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, t[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: bad number", s)
	}
	v *= mult
	if v >= math.MaxInt64 {
		return 0, errors.New("size too large")
	}
	return int64(v), nil
}

// scrubPresets are the built-in secret patterns for well-known configuration
// files. Each pattern marks the secret with a group named "secret".
var scrubPresets = map[string][]string{
	// wp-config.php: database credentials, the authentication keys and
	// salts, and plugin secrets defined as constants.
	"wp-config": {
		`define\(\s*['"](?:DB_PASSWORD|DB_USER|(?:AUTH|SECURE_AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT)|WP_CACHE_KEY_SALT|[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|API_KEY|TOKEN|LICENSE_KEY))['"]\s*,\s*['"](?P<secret>[^'"]*)['"]`,
	},
	// PrestaShop 1.7/8 app/config/parameters.php (and 1.6 settings.inc.php).
	"prestashop": {
		`['"](?:database_password|database_user|mailer_password|secret|cookie_key|cookie_iv|new_cookie_key|api_public_key|api_private_key)['"]\s*=>\s*['"](?P<secret>[^'"]*)['"]`,
		`define\(\s*['"](?:_DB_PASSWD_|_DB_USER_|_COOKIE_KEY_|_COOKIE_IV_|_RIJNDAEL_KEY_|_RIJNDAEL_IV_)['"]\s*,\s*['"](?P<secret>[^'"]*)['"]`,
	},
	// Magento 2 app/etc/env.php: the crypt key, database and service
	// passwords.
	"magento-env": {
		`['"](?:key|password|username|secret|api_key|token)['"]\s*=>\s*['"](?P<secret>[^'"]*)['"]`,
	},
	// Drupal 8+ sites/*/settings.php: database passwords and the hash salt.
	"drupal-settings": {
		`['"](?:password|username)['"]\s*=>\s*['"](?P<secret>[^'"]*)['"]`,
		`\$settings\[\s*['"]hash_salt['"]\s*\]\s*=\s*['"](?P<secret>[^'"]*)['"]`,
	},
	// .env files: any variable whose name says it holds a secret.
	"dotenv": {
		`(?m)^[ \t]*(?:export[ \t]+)?[A-Za-z0-9_]*(?:PASSWORD|PASSWD|PASS|SECRET|KEY|TOKEN|SALT)[A-Za-z0-9_]*[ \t]*=[ \t]*(?P<secret>.*)$`,
	},
}

// ScrubPresets returns the names of the built-in scrub pattern lists.
func ScrubPresets() []string {
	out := make([]string, 0, len(scrubPresets))
	for k := range scrubPresets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
