<?php
/**
 * Prints the tables and default settings a WordPress multisite install
 * creates, from WordPress's own installer code:
 *
 *   WP_ROOT=/usr/share/wordpress php testdata/cms/gen/wordpress/gen.php \
 *     | gzip -9n > testdata/cms/wordpress-6.1.sql.gz
 *
 * WP_ROOT is a WordPress tree (Debian's wordpress package by default).
 * Nothing of WordPress is copied here: wp-admin/includes/schema.php is read
 * from WP_ROOT at run time, against a stub $wpdb that records the SQL it is
 * given instead of talking to a server.
 *
 * Printed, in order:
 *  - wp_get_db_schema('all') with multisite on: the users and usermeta
 *    tables (multisite flavour), the blog tables of the main site (wp_)
 *    and the network tables (wp_blogs, wp_site, wp_sitemeta, wp_signups,
 *    ...); then wp_get_db_schema('blog', 2): the tables of a second site
 *    of the network (wp_2_). Each statement as WordPress wrote it, with
 *    $charset_collate as a utf8mb4 server gives it.
 *  - populate_options(): the INSERT INTO wp_options that the installer
 *    runs, with WordPress's default values (example.com addresses, "My
 *    Site"), for a single site (multisite off).
 *  - populate_network_meta(): the INSERT INTO wp_sitemeta that
 *    network setup (Tools > Network Setup) runs, with its default values,
 *    for a network made from that site (admin user "admin").
 */

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

$root = getenv('WP_ROOT') ?: '/usr/share/wordpress';
if (!is_file("$root/wp-admin/includes/schema.php")) {
  fwrite(STDERR, "gen.php: no wp-admin/includes/schema.php under WP_ROOT=$root\n");
  exit(1);
}
require "$root/wp-includes/version.php"; // $wp_version, $wp_db_version

define('ABSPATH', "$root/");
define('WPINC', 'wp-includes');
define('WP_DEFAULT_THEME', 'twentytwentythree');
define('MONTH_IN_SECONDS', 30 * 86400);
define('YEAR_IN_SECONDS', 365 * 86400);

$multisite = true;

/** A $wpdb that only builds SQL: table names, charset, prepare, query. */
#[AllowDynamicProperties]
class StubWPDB {
  public $prefix = 'wp_';
  public $base_prefix = 'wp_';
  public $blogid = 1;
  public $siteid = 1;
  public $queries = array();
  public $global_tables = array('users', 'usermeta');
  public $ms_global_tables = array('blogs', 'blogmeta', 'signups', 'site', 'sitemeta', 'registration_log');
  public $tables = array('posts', 'comments', 'links', 'options', 'postmeta', 'terms', 'term_taxonomy', 'term_relationships', 'termmeta', 'commentmeta');

  function __construct() { $this->set_blog_id(1); }

  function set_blog_id($id) {
    $old = $this->blogid;
    $this->blogid = $id;
    $this->prefix = $id > 1 ? $this->base_prefix . $id . '_' : $this->base_prefix;
    foreach ($this->tables as $t) { $this->$t = $this->prefix . $t; }
    foreach (array_merge($this->global_tables, $this->ms_global_tables) as $t) { $this->$t = $this->base_prefix . $t; }
    return $old;
  }
  function get_charset_collate() { return 'DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci'; }
  function esc_sql($s) { return addslashes($s); }
  function prepare($query, ...$args) {
    if (count($args) === 1 && is_array($args[0])) { $args = $args[0]; }
    $query = str_replace("'%s'", '%s', $query);
    $query = preg_replace('/%(?:\d+\$)?d/', '%s', $query);
    $quoted = array_map(function ($a) { return is_int($a) ? (string) $a : "'" . addslashes((string) $a) . "'"; }, $args);
    return vsprintf($query, $quoted);
  }
  function query($q) { $this->queries[] = $q; return true; }
  function get_col($q) { return array(); }
  function get_var($q) { return null; }
  function get_results($q) { return array(); }
  function insert($table, $data) {
    $cols = implode(', ', array_keys($data));
    $vals = implode(', ', array_map(function ($v) { return "'" . addslashes((string) $v) . "'"; }, $data));
    $this->queries[] = "INSERT INTO $table ($cols) VALUES ($vals)";
    return true;
  }
}
$wpdb = new StubWPDB();

/** The few WordPress functions the installer code calls, minimal. */
class WP_Theme {
  static function get_core_default_theme() { return false; }
  function exists() { return true; }
  function get_stylesheet() { return WP_DEFAULT_THEME; }
  function get_template() { return WP_DEFAULT_THEME; }
}
function wp_get_theme($s = '') { return new WP_Theme(); }
function is_multisite() { global $multisite; return $multisite; }
function __($s, $d = 'default') { return $s; }
function _x($s, $c, $d = 'default') { return $s; }
function do_action(...$a) {}
function apply_filters($tag, $value, ...$a) { return $value; }
function wp_guess_url() { return 'http://example.com'; }
function wp_parse_args($args, $defaults = array()) { return array_merge($defaults, (array) $args); }
function sanitize_option($o, $v) { return $v; }
function maybe_serialize($v) { return (is_array($v) || is_object($v)) ? serialize($v) : $v; }
function __get_option($o) { return 'http://example.com'; }
function update_option($o, $v) {}
function delete_option($o) {}
function delete_expired_transients($f = false) {}
function get_option($o, $d = false) { return array('admin_email' => 'you@example.com', 'siteurl' => 'http://example.com', 'blogname' => 'My Site', 'template' => WP_DEFAULT_THEME, 'stylesheet' => WP_DEFAULT_THEME)[$o] ?? $d; }
function get_site_option($o, $d = false) { return $d; }
function get_locale() { return 'en_US'; }
function wp_get_current_user() { return (object) array('ID' => 1, 'user_login' => 'admin'); }
function get_users($a = array()) { return array(); }
function get_user_by($f, $v) { return (object) array('ID' => 1, 'user_login' => 'admin', 'user_email' => 'you@example.com'); }
function wp_get_audio_extensions() { return array('mp3', 'ogg', 'flac', 'm4a', 'wav'); }
function wp_get_video_extensions() { return array('mp4', 'm4v', 'webm', 'ogv', 'flv'); }
function wp_cache_delete(...$a) {}
function clean_network_cache(...$a) {}
function is_site_meta_supported() { return true; }

require "$root/wp-admin/includes/schema.php";

$out = "-- The tables and default settings of a WordPress $wp_version (db version $wp_db_version) multisite\n";
$out .= "-- network, from wp-admin/includes/schema.php (testdata/cms/gen/wordpress/gen.php).\n";
$statements = wp_get_db_schema('all') . "\n" . wp_get_db_schema('blog', 2);
$n = 0;
foreach (preg_split('/;\s*(?=CREATE TABLE|$)/', trim($statements)) as $st) {
  $st = trim($st);
  if ($st === '') { continue; }
  $out .= $st . ";\n";
  $n++;
}

$multisite = false;
$wpdb->set_blog_id(1);
$wpdb->queries = array();
populate_options();
populate_network_meta(1, array('admin_email' => 'you@example.com', 'subdomain_install' => 0));
$inserts = 0;
foreach ($wpdb->queries as $q) {
  if (strpos($q, 'INSERT INTO') === 0) {
    $out .= $q . ";\n";
    $inserts++;
  }
}
// The time the admin e-mail was last confirmed: fixed, for a stable file.
$out = preg_replace("/'admin_email_lifespan', '\\d+'/", "'admin_email_lifespan', '1700000000'", $out);
echo $out;
fwrite(STDERR, "gen.php: WordPress $wp_version: $n tables, $inserts INSERT statements\n");
