<?php
// With WordPress loaded on a restored subset copy, reports what WordPress
// itself reads of the shop, as JSON: the site, each order of argv[1] (the
// JSON orders.php printed) through get_post and get_post_meta, its notes,
// items and HPOS row, and its customer through get_userdata.
require __DIR__ . '/boot.php';
require ABSPATH . 'wp-settings.php';
global $wpdb;
$made = json_decode($argv[1], true);
$out = array(
	'siteurl' => get_option('siteurl'),
	'home' => get_option('home'),
	'home_url' => home_url('/shop/'),
	'blogname' => get_option('blogname'),
	'admin_email' => get_option('admin_email'),
	'bad_serialized' => array(),
	'orders' => array(),
	'users' => array(),
);
foreach (array($wpdb->options => 'option_value', $wpdb->postmeta => 'meta_value', $wpdb->usermeta => 'meta_value') as $table => $col) {
	foreach ($wpdb->get_col("SELECT $col FROM $table") as $v) {
		if (is_serialized($v) && false === @unserialize($v) && $v !== 'b:0;') {
			$out['bad_serialized'][] = substr($v, 0, 200);
		}
	}
}
$hello = get_posts(array('numberposts' => 1, 'title' => 'Hello shoppers'));
$out['hello_comments'] = $hello ? count(get_comments(array('post_id' => $hello[0]->ID))) : null;
$product = get_post($made['product']);
$out['product'] = $product ? array('title' => $product->post_title, 'price' => get_post_meta($product->ID, '_price', true)) : null;
foreach (array_merge($made['recent'], $made['old']) as $id) {
	$p = get_post($id);
	if (!$p) {
		$out['orders'][$id] = null;
		continue;
	}
	$customer = (int) get_post_meta($id, '_customer_user', true);
	$notes = get_comments(array('post_id' => $id, 'type' => 'order_note'));
	$out['orders'][$id] = array(
		'type' => $p->post_type,
		'status' => $p->post_status,
		'date' => $p->post_date,
		'customer' => $customer,
		'billing_email' => get_post_meta($id, '_billing_email', true),
		'total' => get_post_meta($id, '_order_total', true),
		'notes' => count($notes),
		'items' => array_map('intval', $wpdb->get_col($wpdb->prepare("SELECT m.meta_value FROM {$wpdb->prefix}woocommerce_order_items i JOIN {$wpdb->prefix}woocommerce_order_itemmeta m USING (order_item_id) WHERE i.order_id = %d AND m.meta_key = '_product_id'", $id))),
		'hpos_customer' => $wpdb->get_var($wpdb->prepare("SELECT customer_id FROM {$wpdb->prefix}wc_orders WHERE id = %d", $id)),
		'hpos_addresses' => (int) $wpdb->get_var($wpdb->prepare("SELECT COUNT(*) FROM {$wpdb->prefix}wc_order_addresses WHERE order_id = %d", $id)),
	);
}
foreach (array_unique(array_values($made['customer'])) as $uid) {
	if (!$uid) {
		continue;
	}
	$u = get_userdata($uid);
	$out['users'][$uid] = $u ? array('login' => $u->user_login, 'email' => $u->user_email, 'roles' => $u->roles, 'address' => get_user_meta($uid, 'billing_address_1', true)) : null;
}
$out['orders'] = (object) $out['orders'];
$out['users'] = (object) $out['users'];
echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
