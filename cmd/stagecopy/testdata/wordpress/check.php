<?php
// With WordPress loaded on the restored staging copy, reports what
// WordPress itself sees, as JSON. argv[1] and argv[2]: the support
// admin's login and password.
require __DIR__ . '/boot.php';
require ABSPATH . 'wp-settings.php';
global $wpdb;
$out = array(
	'siteurl' => get_option('siteurl'),
	'home' => get_option('home'),
	'blog_public' => $wpdb->get_var("SELECT option_value FROM {$wpdb->options} WHERE option_name = 'blog_public'"),
	'staging_plugin' => defined('STAGECOPY_STAGING_ID') ? STAGECOPY_STAGING_ID : null,
	'cron_disabled' => defined('DISABLE_WP_CRON') && DISABLE_WP_CRON,
	'bad_serialized' => array(),
);
// Every serialized value in the tables WordPress keeps them in must
// unserialize.
foreach (array($wpdb->options => 'option_value', $wpdb->postmeta => 'meta_value', $wpdb->usermeta => 'meta_value') as $table => $col) {
	foreach ($wpdb->get_col("SELECT $col FROM $table") as $v) {
		if (is_serialized($v) && false === @unserialize($v) && $v !== 'b:0;') {
			$out['bad_serialized'][] = substr($v, 0, 200);
		}
	}
}
$widget = get_option('widget_text');
$out['widget'] = is_array($widget) ? $widget[2]['text'] : null;
$nested = get_option('stagecopy_test_nested');
$inner = is_array($nested) ? unserialize($nested['outer']) : false;
$out['nested'] = is_array($inner) ? array($inner['inner'], unserialize($inner['n'])) : null;
$posts = get_posts(array('numberposts' => 1, 'title' => 'Hello shoppers'));
$out['post_content'] = $posts ? $posts[0]->post_content : null;
$out['post_links'] = $posts ? get_post_meta($posts[0]->ID, '_links', true) : null;
$user = wp_authenticate($argv[1], $argv[2]);
$out['login'] = is_wp_error($user) ? $user->get_error_message() : $user->user_login;
$out['is_admin'] = !is_wp_error($user) && user_can($user, 'manage_options');
$bad = wp_authenticate($argv[1], $argv[2] . 'x');
$out['wrong_password_refused'] = is_wp_error($bad);
// The mail a password reset would send goes nowhere.
$out['mail_function_file'] = (new ReflectionFunction('wp_mail'))->getFileName();
echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
