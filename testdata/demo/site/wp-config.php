<?php
/**
 * Demo site configuration for stagecopy's tests. Every secret below is fake.
 */

// ** Database settings ** //
define( 'DB_NAME', 'demo_wp' );
define( 'DB_USER', 'demo_wp_user' );
define( 'DB_PASSWORD', 'FAKE-db-password-not-a-secret' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts: fake, for tests only.
 */
define( 'AUTH_KEY',         'FAKE-auth-key-0001-not-a-secret-demo-example-test' );
define( 'SECURE_AUTH_KEY',  'FAKE-secure-auth-key-0002-not-a-secret-demo-example' );
define( 'LOGGED_IN_KEY',    'FAKE-logged-in-key-0003-not-a-secret-demo-example' );
define( 'NONCE_KEY',        'FAKE-nonce-key-0004-not-a-secret-demo-example-test' );
define( 'AUTH_SALT',        'FAKE-auth-salt-0005-not-a-secret-demo-example-test' );
define( 'SECURE_AUTH_SALT', 'FAKE-secure-auth-salt-0006-not-a-secret-demo-exam' );
define( 'LOGGED_IN_SALT',   'FAKE-logged-in-salt-0007-not-a-secret-demo-example' );
define( 'NONCE_SALT',       'FAKE-nonce-salt-0008-not-a-secret-demo-example-tes' );
/**#@-*/

$table_prefix = 'wp_';

define( 'WP_HOME', 'http://demo.example.test' );
define( 'WP_SITEURL', 'http://demo.example.test' );
define( 'WP_DEBUG', false );

/* That's all, stop editing! Happy publishing. */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
