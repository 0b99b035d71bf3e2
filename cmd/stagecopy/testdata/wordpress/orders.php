<?php
// Adds a WooCommerce shop's orders to a site install.php made, through
// WordPress's own API where it has one (the WooCommerce tables, created
// beforehand from testdata/subset/woo.sql, are written with $wpdb, as
// WooCommerce does): customers, a product, orders as shop_order posts with
// their meta, items, notes and HPOS rows, half of them older than 60 days,
// half from the last days. Prints the ids it made as JSON.
require __DIR__ . '/boot.php';
require ABSPATH . 'wp-settings.php';
global $wpdb;
$customers = array();
for ($i = 1; $i <= 12; $i++) {
	$id = wp_insert_user(array('user_login' => "buyer$i", 'user_email' => "buyer$i@realshop-customer.net", 'user_pass' => "pw-buyer$i", 'first_name' => "Buyer$i", 'last_name' => 'Realbuyer', 'role' => 'subscriber'));
	if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
	update_user_meta($id, 'billing_address_1', "$i Realorder Road");
	update_user_meta($id, 'billing_phone', '+44 20 7946 05' . sprintf('%02d', $i));
	$wpdb->insert("{$wpdb->prefix}wc_customer_lookup", array('user_id' => $id, 'username' => "buyer$i", 'first_name' => "Buyer$i", 'last_name' => 'Realbuyer', 'email' => "buyer$i@realshop-customer.net"));
	$customers[] = $id;
}
$product = wp_insert_post(array('post_title' => 'Blue shirt', 'post_type' => 'product', 'post_status' => 'publish', 'post_author' => 1));
add_post_meta($product, '_price', '19.00');
$orders = array('recent' => array(), 'old' => array(), 'customer' => array(), 'product' => $product);
for ($i = 0; $i < 24; $i++) {
	// Orders 0..11: the last 12 hours x 5; orders 12..23: 60 days and more
	// back. Customers 0..5 buy recently (customer 1 long ago too),
	// customers 6..11 only long ago; every fourth order is a guest's.
	$recent = $i < 12;
	$customer = 0 === $i % 4 ? 0 : $customers[$recent ? $i % 6 : (13 === $i ? 1 : 6 + $i % 6)];
	$date = gmdate('Y-m-d H:i:s', time() - ($recent ? $i * 5 * 3600 + 600 : (60 + $i) * 86400));
	$order = wp_insert_post(array('post_title' => "Order $i", 'post_type' => 'shop_order', 'post_status' => 'wc-completed', 'post_date' => $date, 'post_date_gmt' => $date, 'post_author' => 1, 'post_password' => "wc_order_$i"));
	if (is_wp_error($order) || !$order) { fwrite(STDERR, "order $i not made\n"); exit(1); }
	add_post_meta($order, '_customer_user', $customer);
	add_post_meta($order, '_billing_email', $customer ? get_userdata($customer)->user_email : "guest$i@realshop-customer.net");
	add_post_meta($order, '_billing_address_1', "$i Realorder Road");
	add_post_meta($order, '_order_total', '19.00');
	wp_insert_comment(array('comment_post_ID' => $order, 'comment_author' => 'WooCommerce', 'comment_content' => "Order $i status changed from Pending to Completed.", 'comment_type' => 'order_note', 'comment_approved' => 1));
	$wpdb->insert("{$wpdb->prefix}woocommerce_order_items", array('order_item_name' => 'Blue shirt', 'order_item_type' => 'line_item', 'order_id' => $order));
	$item = $wpdb->insert_id;
	$wpdb->insert("{$wpdb->prefix}woocommerce_order_itemmeta", array('order_item_id' => $item, 'meta_key' => '_product_id', 'meta_value' => $product));
	$wpdb->insert("{$wpdb->prefix}woocommerce_order_itemmeta", array('order_item_id' => $item, 'meta_key' => '_qty', 'meta_value' => '1'));
	$wpdb->insert("{$wpdb->prefix}wc_orders", array('id' => $order, 'status' => 'wc-completed', 'currency' => 'EUR', 'type' => 'shop_order', 'total_amount' => 19, 'customer_id' => $customer, 'billing_email' => get_post_meta($order, '_billing_email', true), 'date_created_gmt' => $date, 'parent_order_id' => 0, 'ip_address' => '81.2.69.170'));
	$wpdb->insert("{$wpdb->prefix}wc_order_addresses", array('order_id' => $order, 'address_type' => 'billing', 'first_name' => 'Realbuyer', 'address_1' => "$i Realorder Road", 'email' => get_post_meta($order, '_billing_email', true)));
	$wpdb->insert("{$wpdb->prefix}wc_orders_meta", array('order_id' => $order, 'meta_key' => '_order_stock_reduced', 'meta_value' => 'yes'));
	$orders[$recent ? 'recent' : 'old'][] = $order;
	$orders['customer'][$order] = $customer;
}
echo json_encode($orders), "\n";
