package staging

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// configFixtures are configuration files as each CMS's installer writes
// them (shortened), with the values the test expects afterwards as PHP
// expressions that read them back.
var configFixtures = []struct {
	cms, file, text string
	creds           DBCreds
	url             string
	// read is PHP that prints the settings after including the file.
	read, want string
}{
	{"wordpress", "wp-config.php", `<?php
define( 'DB_NAME', 'shop' );
define( 'DB_USER', "shop_user" );
define( 'DB_PASSWORD', 'x\'y' );
define( 'DB_HOST', 'db.internal' );
define( 'AUTH_KEY', 'keep-me' );
$table_prefix = 'wp_';
define( 'WP_HOME', 'https://shop.example.org' );
define( 'WP_SITEURL', 'https://shop.example.org' );
`, DBCreds{Database: "staging_1", User: "support", Password: `p'a\ss`, Socket: "/run/mysqld/mysqld.sock"}, "https://staging.test/",
		`include $argv[1]; echo DB_NAME, '|', DB_USER, '|', DB_PASSWORD, '|', DB_HOST, '|', AUTH_KEY, '|', WP_HOME, '|', WP_SITEURL;`,
		`staging_1|support|p'a\ss|localhost:/run/mysqld/mysqld.sock|keep-me|https://staging.test|https://staging.test`},
	{"prestashop", "app/config/parameters.php", `<?php return array (
  'parameters' =>
  array (
    'database_host' => '127.0.0.1',
    'database_port' => '',
    'database_name' => 'prestashop',
    'database_user' => 'root',
    'database_password' => 'secret',
    'database_prefix' => 'ps_',
    'cookie_key' => 'keep',
  ),
);
`, DBCreds{Database: "staging_2", User: "support", Password: "pw", Host: "10.0.0.5", Port: 3307}, "",
		`$p = (include $argv[1])['parameters']; echo implode('|', array($p['database_host'], $p['database_port'], $p['database_name'], $p['database_user'], $p['database_password'], $p['database_prefix'], $p['cookie_key']));`,
		`10.0.0.5|3307|staging_2|support|pw|ps_|keep`},
	{"magento2", "app/etc/env.php", `<?php
return [
    'backend' => ['frontName' => 'admin'],
    'session' => ['save' => 'redis', 'redis' => ['host' => 'redis.internal', 'password' => 'r']],
    'db' => [
        'table_prefix' => '',
        'connection' => [
            'default' => [
                'host' => 'db.internal',
                'dbname' => 'magento',
                'username' => 'magento',
                'password' => 'secret',
                'model' => 'mysql4',
                'active' => '1'
            ]
        ]
    ],
];
`, DBCreds{Database: "staging_3", User: "support", Password: "pw", Socket: "/tmp/my.sock"}, "",
		`$c = include $argv[1]; $d = $c['db']['connection']['default']; echo implode('|', array($d['host'], $d['dbname'], $d['username'], $d['password'], $c['session']['redis']['host'], $c['session']['redis']['password']));`,
		`/tmp/my.sock|staging_3|support|pw|redis.internal|r`},
	{"drupal", "sites/default/settings.php", `<?php
$settings['hash_salt'] = 'keep';
$databases['default']['default'] = array (
  'database' => 'drupal',
  'username' => 'drupal',
  'password' => 'secret',
  'prefix' => '',
  'host' => 'localhost',
  'port' => '3306',
  'driver' => 'mysql',
);
`, DBCreds{Database: "staging_4", User: "support", Password: "pw", Host: "db2", Port: 3310}, "",
		`include $argv[1]; $d = $databases['default']['default']; echo implode('|', array($d['database'], $d['username'], $d['password'], $d['host'], $d['port'], $settings['hash_salt']));`,
		`staging_4|support|pw|db2|3310|keep`},
}

func TestRewriteConfig(t *testing.T) {
	php, phpErr := exec.LookPath("php")
	for _, f := range configFixtures {
		t.Run(f.cms, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, filepath.FromSlash(f.file))
			os.MkdirAll(filepath.Dir(p), 0o755)
			// As an archive restores it: world-readable, under umask 000.
			if err := os.WriteFile(p, []byte(f.text), 0o666); err != nil {
				t.Fatal(err)
			}
			os.Chmod(p, 0o666)
			old := syscall.Umask(0)
			rep, err := RewriteConfig(dir, f.cms, f.creds, f.url)
			syscall.Umask(old)
			if err != nil {
				t.Fatal(err)
			}
			if rep.File != f.file || len(rep.Changed) < 4 {
				t.Errorf("report %+v", rep)
			}
			if strings.Contains(strings.Join(rep.Changed, " "), f.creds.Password) {
				t.Error("the report names the password")
			}
			// It holds the password now: nobody else may read it.
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o640 || rep.Mode != 0o640 {
				t.Errorf("mode after rewrite: %v (report %v) %v, want 0640", fi.Mode(), rep.Mode, err)
			}
			if entries, _ := os.ReadDir(filepath.Dir(p)); len(entries) != 1 {
				t.Errorf("files beside the config: %v", entries)
			}
			if phpErr != nil {
				if os.Getenv("STAGECOPY_REQUIRE_MYSQL") == "1" {
					t.Fatal("php is required in CI")
				}
				t.Skip("no php: values not read back")
			}
			out, err := exec.Command(php, "-r", "error_reporting(E_ALL & ~E_WARNING); "+f.read, p).CombinedOutput()
			if err != nil || string(out) != f.want {
				t.Errorf("PHP reads back %q (%v), want %q", out, err, f.want)
			}
		})
	}
}

func TestRewriteConfigErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := RewriteConfig(dir, "wordpress", DBCreds{}, ""); !errors.Is(err, ErrNoConfig) {
		t.Errorf("missing wp-config.php: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "wp-config.php"), []byte("<?php require '/etc/wordpress/config.php';\n"), 0o644)
	if _, err := RewriteConfig(dir, "wordpress", DBCreds{}, ""); err == nil || !strings.Contains(err.Error(), "DB_NAME") {
		t.Errorf("wp-config.php without settings: %v", err)
	}
	// A symlinked config pointing out of the tree is not followed.
	out := filepath.Join(t.TempDir(), "outside.php")
	os.WriteFile(out, []byte("<?php define('DB_NAME', 'x');"), 0o644)
	d2 := t.TempDir()
	os.Symlink(out, filepath.Join(d2, "wp-config.php"))
	if _, err := RewriteConfig(d2, "wordpress", DBCreds{}, ""); !errors.Is(err, ErrNoConfig) {
		t.Errorf("symlinked config: %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "<?php define('DB_NAME', 'x');" {
		t.Error("a file outside the tree changed")
	}
}
