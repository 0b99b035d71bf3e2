-- A WooCommerce shop on the WordPress 6.1 schema (loaded before this file):
-- the WooCommerce tables a subset follows, and generated rows. Orders are
-- posts and High-Performance Order Storage rows with the same ids, one
-- every five hours back from now (2 h off the hour, so that no order sits
-- on a day boundary while the test runs).
SET sql_mode = '';
CREATE TABLE wp_woocommerce_order_items (order_item_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, order_item_name TEXT NOT NULL, order_item_type varchar(200) NOT NULL DEFAULT '', order_id BIGINT UNSIGNED NOT NULL, PRIMARY KEY (order_item_id), KEY order_id (order_id)) DEFAULT CHARSET utf8mb4;
CREATE TABLE wp_woocommerce_order_itemmeta (meta_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, order_item_id BIGINT UNSIGNED NOT NULL, meta_key varchar(255) default NULL, meta_value longtext NULL, PRIMARY KEY (meta_id), KEY order_item_id (order_item_id), KEY meta_key (meta_key(32))) DEFAULT CHARSET utf8mb4;
CREATE TABLE wp_wc_orders (id BIGINT UNSIGNED NOT NULL, status varchar(20) NULL, currency varchar(10) NULL, type varchar(20) NULL, tax_amount decimal(26,8) NULL, total_amount decimal(26,8) NULL, customer_id BIGINT UNSIGNED NULL, billing_email varchar(320) NULL, date_created_gmt datetime NULL, date_updated_gmt datetime NULL, parent_order_id BIGINT UNSIGNED NULL, payment_method varchar(100) NULL, payment_method_title text NULL, transaction_id varchar(100) NULL, ip_address varchar(100) NULL, user_agent text NULL, customer_note text NULL, PRIMARY KEY (id), KEY status (status), KEY date_created (date_created_gmt), KEY customer_id_billing_email (customer_id, billing_email(171)), KEY type_status_date (type, status, date_created_gmt), KEY parent_order_id (parent_order_id)) DEFAULT CHARSET utf8mb4;
CREATE TABLE wp_wc_order_addresses (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id BIGINT UNSIGNED NOT NULL, address_type varchar(20) NULL, first_name text NULL, last_name text NULL, company text NULL, address_1 text NULL, address_2 text NULL, city text NULL, state text NULL, postcode text NULL, country text NULL, email varchar(320) NULL, phone varchar(100) NULL, KEY order_id (order_id), UNIQUE KEY address_type_order_id (address_type, order_id)) DEFAULT CHARSET utf8mb4;
CREATE TABLE wp_wc_orders_meta (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id BIGINT UNSIGNED NULL, meta_key varchar(255), meta_value text NULL, KEY meta_key_value (meta_key(100), meta_value(82)), KEY order_id_meta_key_meta_value (order_id, meta_key(100), meta_value(82))) DEFAULT CHARSET utf8mb4;
CREATE TABLE wp_wc_customer_lookup (customer_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, user_id BIGINT UNSIGNED DEFAULT NULL, username varchar(60) DEFAULT '' NOT NULL, first_name varchar(255) NOT NULL, last_name varchar(255) NOT NULL, email varchar(100) NULL default NULL, date_last_active timestamp NULL default null, date_registered timestamp NULL default null, country char(2) DEFAULT '' NOT NULL, postcode varchar(20) DEFAULT '' NOT NULL, city varchar(100) DEFAULT '' NOT NULL, state varchar(100) DEFAULT '' NOT NULL, PRIMARY KEY (customer_id), UNIQUE KEY user_id (user_id), KEY email (email)) DEFAULT CHARSET utf8mb4;
CREATE TABLE wp_wc_tax_rate_classes (tax_rate_class_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, name varchar(200) NOT NULL DEFAULT '', slug varchar(200) NOT NULL DEFAULT '', PRIMARY KEY (tax_rate_class_id), UNIQUE KEY slug (slug(191))) DEFAULT CHARSET utf8mb4;

INSERT INTO wp_users (ID, user_login, user_nicename, user_email, display_name, user_registered) SELECT seq, CONCAT('user', seq), CONCAT('user', seq), CONCAT('user', seq, '@shop-customers.net'), CONCAT('Customer ', seq), '2020-01-01' FROM seq_1_to_300;
INSERT INTO wp_usermeta (user_id, meta_key, meta_value) SELECT u.seq, k.k, CONCAT(k.k, ' ', u.seq) FROM seq_1_to_300 u JOIN (SELECT 'first_name' k UNION ALL SELECT 'last_name' UNION ALL SELECT 'billing_city') k;

-- Content: pages, products, their variations and images, revisions, a
-- privacy request, a blog post by a customer.
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type) SELECT seq, seq % 3 + 1, '2023-01-01', CONCAT('Page ', seq), 0, 'page' FROM seq_1_to_20;
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type) SELECT seq, 1, '2023-02-01', CONCAT('Product ', seq), 0, 'product' FROM seq_21_to_70;
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type) SELECT seq, 1, '2023-02-01', CONCAT('Variation ', seq), 21 + (seq - 71) % 50, 'product_variation' FROM seq_71_to_120;
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type) SELECT seq, 2, '2023-02-01', CONCAT('Image ', seq), 21 + (seq - 121) % 50, 'attachment' FROM seq_121_to_170;
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type) SELECT seq, 1, '2023-03-01', 'Revision', (seq - 171) % 20 + 1, 'revision' FROM seq_171_to_220;
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type) VALUES (3200, 0, '2024-01-01', 'someone@private-request.net', 0, 'user_request'), (3300, 250, '2024-01-01', 'A customer writes', 0, 'post');
-- 2000 orders, one every five hours back from now; 100 refunds, made now,
-- of orders old and new.
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type, post_status) SELECT seq, 1, NOW() - INTERVAL ((seq - 1001) * 5 + 2) HOUR, CONCAT('Order ', seq), 0, 'shop_order', 'wc-completed' FROM seq_1001_to_3000;
INSERT INTO wp_posts (ID, post_author, post_date, post_title, post_parent, post_type) SELECT seq, 1, NOW() - INTERVAL 1 HOUR, 'Refund', 1001 + (seq * 37) % 2000, 'shop_order_refund' FROM seq_3001_to_3100;

INSERT INTO wp_postmeta (post_id, meta_key, meta_value) SELECT seq, '_customer_user', IF(seq % 10 = 0, '0', (seq * 7) % 300 + 1) FROM seq_1001_to_3000;
INSERT INTO wp_postmeta (post_id, meta_key, meta_value) SELECT seq, '_billing_email', CONCAT('buyer', seq, '@shop-customers.net') FROM seq_1001_to_3000;
INSERT INTO wp_postmeta (post_id, meta_key, meta_value) SELECT seq, '_order_total', '10.00' FROM seq_1001_to_3100;
INSERT INTO wp_postmeta (post_id, meta_key, meta_value) SELECT seq, '_price', '10.00' FROM seq_21_to_120;
INSERT INTO wp_postmeta (post_id, meta_key, meta_value) SELECT seq, '_thumbnail_id', 121 + (seq * 3) % 50 FROM seq_21_to_70;
INSERT INTO wp_postmeta (post_id, meta_key, meta_value) SELECT seq, '_edit_lock', '1700000000:1' FROM seq_1_to_20;

INSERT INTO wp_woocommerce_order_items (order_item_name, order_item_type, order_id) SELECT 'Product', 'line_item', seq FROM seq_1001_to_3000;
INSERT INTO wp_woocommerce_order_items (order_item_name, order_item_type, order_id) SELECT 'Shipping', 'shipping', seq FROM seq_1001_to_3000 WHERE seq % 2 = 0;
INSERT INTO wp_woocommerce_order_itemmeta (order_item_id, meta_key, meta_value) SELECT order_item_id, '_product_id', 21 + (order_id * 3) % 50 FROM wp_woocommerce_order_items WHERE order_item_type = 'line_item';
INSERT INTO wp_woocommerce_order_itemmeta (order_item_id, meta_key, meta_value) SELECT order_item_id, '_variation_id', IF(order_id % 4 = 0, 71 + order_id % 50, 0) FROM wp_woocommerce_order_items WHERE order_item_type = 'line_item';
INSERT INTO wp_woocommerce_order_itemmeta (order_item_id, meta_key, meta_value) SELECT order_item_id, '_qty', '1' FROM wp_woocommerce_order_items;

-- Order notes, product reviews by customers and replies to them, a
-- comment on a page.
INSERT INTO wp_comments (comment_post_ID, comment_author, comment_content, comment_type, user_id, comment_date) SELECT seq, 'WooCommerce', 'Order status changed', 'order_note', 0, NOW() FROM seq_1001_to_3000 WHERE seq % 3 = 0;
INSERT INTO wp_comments (comment_post_ID, comment_author, comment_author_email, comment_content, comment_type, user_id) SELECT 21 + seq % 50, CONCAT('Customer ', (seq * 11) % 300 + 1), 'reviewer@shop-customers.net', 'Great', 'review', (seq * 11) % 300 + 1 FROM seq_1_to_120;
INSERT INTO wp_comments (comment_post_ID, comment_author, comment_content, comment_type, comment_parent, user_id) SELECT comment_post_ID, 'Shop', 'Thanks', 'comment', comment_ID, 1 FROM wp_comments WHERE comment_type = 'review' AND comment_ID % 4 = 0;
INSERT INTO wp_comments (comment_post_ID, comment_author, comment_content, comment_type, user_id) VALUES (5, 'Customer 77', 'Nice page', 'comment', 77);
INSERT INTO wp_commentmeta (comment_id, meta_key, meta_value) SELECT comment_ID, 'rating', '5' FROM wp_comments WHERE comment_type = 'review';

INSERT INTO wp_terms (term_id, name, slug) VALUES (1, 'Uncategorized', 'uncategorized'), (2, 'Shirts', 'shirts'), (3, 'simple', 'simple');
INSERT INTO wp_term_taxonomy (term_taxonomy_id, term_id, taxonomy, description) VALUES (1, 1, 'category', ''), (2, 2, 'product_cat', ''), (3, 3, 'product_type', '');
INSERT INTO wp_term_relationships (object_id, term_taxonomy_id) SELECT seq, 2 FROM seq_21_to_70;
INSERT INTO wp_term_relationships (object_id, term_taxonomy_id) SELECT seq, 3 FROM seq_21_to_70;
INSERT INTO wp_term_relationships (object_id, term_taxonomy_id) VALUES (3300, 1);

-- HPOS, synchronised with the posts.
INSERT INTO wp_wc_orders (id, status, currency, type, total_amount, customer_id, billing_email, date_created_gmt, parent_order_id, ip_address)
  SELECT p.ID, 'wc-completed', 'EUR', p.post_type, 10, IF(p.ID % 10 = 0, 0, (p.ID * 7) % 300 + 1), CONCAT('buyer', p.ID, '@shop-customers.net'), p.post_date, p.post_parent, '81.2.69.160'
  FROM wp_posts p WHERE p.post_type IN ('shop_order', 'shop_order_refund');
INSERT INTO wp_wc_order_addresses (order_id, address_type, first_name, email) SELECT id, t.t, 'Buyer', billing_email FROM wp_wc_orders JOIN (SELECT 'billing' t UNION ALL SELECT 'shipping') t WHERE type = 'shop_order';
INSERT INTO wp_wc_orders_meta (order_id, meta_key, meta_value) SELECT id, '_order_stock_reduced', 'yes' FROM wp_wc_orders;
INSERT INTO wp_wc_customer_lookup (user_id, username, first_name, last_name, email) SELECT seq, CONCAT('user', seq), 'First', 'Last', CONCAT('user', seq, '@shop-customers.net') FROM seq_1_to_300 WHERE seq % 2 = 0;
INSERT INTO wp_wc_tax_rate_classes (name, slug) VALUES ('Reduced rate', 'reduced-rate'), ('Zero rate', 'zero-rate');
ANALYZE TABLE wp_posts, wp_postmeta, wp_users, wp_usermeta, wp_comments, wp_woocommerce_order_items, wp_woocommerce_order_itemmeta, wp_wc_orders;
