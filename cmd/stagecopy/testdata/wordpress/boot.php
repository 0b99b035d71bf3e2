<?php
// Loads Debian's WordPress (/usr/share/wordpress) against the test server.
// Environment: WP_SOCKET, WP_DB, WP_CONTENT (a wp-content dir), WP_URL.
error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
define('DB_NAME', getenv('WP_DB'));
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:' . getenv('WP_SOCKET'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('ABSPATH', getenv('WP_ROOT') . '/');
define('WP_CONTENT_DIR', getenv('WP_CONTENT'));
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
foreach (array('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT') as $k) {
	define($k, 'stagecopy-test-' . $k);
}
$table_prefix = 'wp_';
$u = parse_url(getenv('WP_URL'));
$_SERVER['HTTP_HOST'] = $u['host'];
$_SERVER['SERVER_NAME'] = $u['host'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
