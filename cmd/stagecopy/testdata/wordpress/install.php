<?php
// Installs WordPress with its own installer and adds a small shop's worth
// of personal data, with the site URL in every form a site stores it.
define('WP_INSTALLING', true);
require __DIR__ . '/boot.php';
require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$url = getenv('WP_URL');
$r = wp_install('Real Shop', 'owner', 'owner@realshop-customer.net', true, '', 'owner-password-1');
update_option('siteurl', $url);
update_option('home', $url);
global $wpdb;
$users = array();
$verifiers = array();
foreach (array(array('alice', 'alice.smith@realshop-customer.net', 'Alice', 'Smith'), array('bob', 'bob.jones@realshop-customer.net', 'Bob', 'Jones')) as $u) {
	$id = wp_insert_user(array('user_login' => $u[0], 'user_email' => $u[1], 'user_pass' => 'pw-' . $u[0], 'first_name' => $u[2], 'last_name' => $u[3], 'role' => 'customer' === $u[0] ? 'subscriber' : 'editor'));
	if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
	update_user_meta($id, 'billing_phone', '+44 20 7946 0' . $id . '12');
	// What WooCommerce keeps for a customer, as any store that ever ran it
	// has (and keeps after WooCommerce is gone).
	update_user_meta($id, 'billing_first_name', $u[2] . 'billing');
	update_user_meta($id, 'billing_last_name', $u[3] . 'billing');
	update_user_meta($id, 'billing_email', $u[0] . '.billing@realshop-customer.net');
	update_user_meta($id, 'billing_address_1', $id . ' Realbilling Street');
	update_user_meta($id, 'billing_postcode', 'RB' . $id . ' 9ZZ');
	update_user_meta($id, 'billing_city', 'Realbillingtown');
	update_user_meta($id, 'shipping_address_1', $id . ' Realshipping Lane');
	update_user_meta($id, 'shipping_phone', '+44 20 7946 0' . $id . '77');
	update_user_meta($id, 'billing_company', 'Realcompany ' . $id . ' Ltd');
	// A logged-in session: WordPress keeps the token's verifier (a hash
	// that lets anyone holding the cookie's token in).
	$token = WP_Session_Tokens::get_instance($id)->create(time() + 3600);
	$verifiers[] = hash('sha256', $token);
	$users[] = $id;
}
$esc = str_replace('/', '\\/', $url);
$post = wp_insert_post(array(
	'post_title' => 'Hello shoppers',
	'post_status' => 'publish',
	'post_content' => wp_slash('<!-- wp:image {"url":"' . $esc . '/wp-content/uploads/a.jpg"} --><a href="' . $url . '/shop/">Shop</a> <a href="https://example.net/?r=' . rawurlencode($url . '/cart') . '">x</a><!-- /wp:image -->'),
	'post_author' => $users[0],
));
// Block attributes keep JSON-escaped slashes; set the content as stored,
// past WordPress's filters.
$wpdb->update($wpdb->posts, array('post_content' => '<!-- wp:image {"url":"' . $esc . '\/wp-content\/uploads\/a.jpg"} -->' . get_post($post)->post_content), array('ID' => $post));
add_post_meta($post, '_links', array('home' => $url . '/', 'nested' => serialize(array('cart' => $url . '/cart'))));
wp_insert_comment(array('comment_post_ID' => $post, 'comment_author' => 'Carol Customer', 'comment_author_email' => 'carol@realshop-customer.net', 'comment_author_IP' => '81.2.69.160', 'comment_content' => 'Great shop! Call me at +44 20 7946 0999', 'comment_approved' => 1));
wp_insert_comment(array('comment_post_ID' => $post, 'comment_author' => 'Dave Customer', 'comment_author_email' => 'dave@realshop-customer.net', 'comment_author_IP' => '81.2.69.161', 'comment_content' => 'My order went to the wrong door: write to dave.doorstep@gmail.com or call 020 7946 0444', 'comment_approved' => 1));
update_option('widget_text', array(2 => array('title' => 'Visit', 'text' => '<a href="' . $url . '/about/">About</a>'), '_multiwidget' => 1));
update_option('stagecopy_test_nested', array('outer' => serialize(array('inner' => $url . '/deep', 'n' => serialize($url)))));
echo json_encode(array('post' => $post, 'users' => $users, 'verifiers' => $verifiers)), "\n";
