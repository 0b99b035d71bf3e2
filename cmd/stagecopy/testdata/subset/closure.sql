-- The closure of a WooCommerce subset computed by hand, for the test to
-- compare with what stagecopy took: the root orders and the content posts
-- preset:wordpress always takes, then, until a round adds nothing, each
-- reference of the presets followed up (the row referenced) and, where
-- rows belong to a taken row, down. SRC is the source database; e_* hold
-- the keys taken.
CREATE TABLE e_posts (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_postmeta (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_users (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_usermeta (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_comments (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_commentmeta (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_term_relationships (object_id BIGINT UNSIGNED, term_taxonomy_id BIGINT UNSIGNED, PRIMARY KEY (object_id, term_taxonomy_id));
CREATE TABLE e_woocommerce_order_items (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_woocommerce_order_itemmeta (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_wc_orders (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_wc_order_addresses (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_wc_orders_meta (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE e_wc_customer_lookup (id BIGINT UNSIGNED PRIMARY KEY);
INSERT INTO e_posts SELECT ID FROM SRC.wp_posts WHERE post_type = 'shop_order' AND post_date >= NOW() - INTERVAL 30 DAY;
INSERT IGNORE INTO e_posts SELECT ID FROM SRC.wp_posts WHERE post_type NOT IN ('revision', 'user_request', 'shop_order', 'shop_order_refund', 'shop_order_placehold', 'shop_subscription');
DELIMITER //
CREATE PROCEDURE fix()
BEGIN
  DECLARE before_n, after_n BIGINT DEFAULT -1;
  WHILE before_n < after_n OR before_n = -1 DO
    SET before_n = (SELECT (SELECT COUNT(*) FROM e_posts) + (SELECT COUNT(*) FROM e_postmeta) + (SELECT COUNT(*) FROM e_users) + (SELECT COUNT(*) FROM e_usermeta)
      + (SELECT COUNT(*) FROM e_comments) + (SELECT COUNT(*) FROM e_commentmeta) + (SELECT COUNT(*) FROM e_term_relationships) + (SELECT COUNT(*) FROM e_woocommerce_order_items)
      + (SELECT COUNT(*) FROM e_woocommerce_order_itemmeta) + (SELECT COUNT(*) FROM e_wc_orders) + (SELECT COUNT(*) FROM e_wc_order_addresses) + (SELECT COUNT(*) FROM e_wc_orders_meta)
      + (SELECT COUNT(*) FROM e_wc_customer_lookup));
    -- up: what taken rows reference
    INSERT IGNORE INTO e_users SELECT u.ID FROM SRC.wp_posts p JOIN e_posts e ON e.id = p.ID JOIN SRC.wp_users u ON u.ID = p.post_author;
    INSERT IGNORE INTO e_posts SELECT q.ID FROM SRC.wp_posts p JOIN e_posts e ON e.id = p.ID JOIN SRC.wp_posts q ON q.ID = p.post_parent;
    INSERT IGNORE INTO e_posts SELECT q.ID FROM SRC.wp_postmeta m JOIN e_postmeta e ON e.id = m.meta_id JOIN SRC.wp_posts q ON q.ID = m.post_id;
    INSERT IGNORE INTO e_posts SELECT q.ID FROM SRC.wp_postmeta m JOIN e_postmeta e ON e.id = m.meta_id JOIN SRC.wp_posts q ON q.ID = m.meta_value WHERE m.meta_key = '_thumbnail_id';
    INSERT IGNORE INTO e_users SELECT u.ID FROM SRC.wp_postmeta m JOIN e_postmeta e ON e.id = m.meta_id JOIN SRC.wp_users u ON u.ID = m.meta_value WHERE m.meta_key = '_customer_user';
    INSERT IGNORE INTO e_users SELECT u.ID FROM SRC.wp_usermeta m JOIN e_usermeta e ON e.id = m.umeta_id JOIN SRC.wp_users u ON u.ID = m.user_id;
    INSERT IGNORE INTO e_posts SELECT q.ID FROM SRC.wp_comments c JOIN e_comments e ON e.id = c.comment_ID JOIN SRC.wp_posts q ON q.ID = c.comment_post_ID;
    INSERT IGNORE INTO e_users SELECT u.ID FROM SRC.wp_comments c JOIN e_comments e ON e.id = c.comment_ID JOIN SRC.wp_users u ON u.ID = c.user_id;
    INSERT IGNORE INTO e_comments SELECT d.comment_ID FROM SRC.wp_comments c JOIN e_comments e ON e.id = c.comment_ID JOIN SRC.wp_comments d ON d.comment_ID = c.comment_parent;
    INSERT IGNORE INTO e_comments SELECT c.comment_ID FROM SRC.wp_commentmeta m JOIN e_commentmeta e ON e.id = m.meta_id JOIN SRC.wp_comments c ON c.comment_ID = m.comment_id;
    INSERT IGNORE INTO e_posts SELECT q.ID FROM e_term_relationships r JOIN SRC.wp_posts q ON q.ID = r.object_id;
    INSERT IGNORE INTO e_posts SELECT q.ID FROM SRC.wp_woocommerce_order_items i JOIN e_woocommerce_order_items e ON e.id = i.order_item_id JOIN SRC.wp_posts q ON q.ID = i.order_id;
    INSERT IGNORE INTO e_woocommerce_order_items SELECT i.order_item_id FROM SRC.wp_woocommerce_order_itemmeta m JOIN e_woocommerce_order_itemmeta e ON e.id = m.meta_id JOIN SRC.wp_woocommerce_order_items i ON i.order_item_id = m.order_item_id;
    INSERT IGNORE INTO e_posts SELECT q.ID FROM SRC.wp_woocommerce_order_itemmeta m JOIN e_woocommerce_order_itemmeta e ON e.id = m.meta_id JOIN SRC.wp_posts q ON q.ID = m.meta_value WHERE m.meta_key IN ('_product_id', '_variation_id');
    INSERT IGNORE INTO e_posts SELECT q.ID FROM e_wc_orders o JOIN SRC.wp_posts q ON q.ID = o.id;
    INSERT IGNORE INTO e_users SELECT u.ID FROM SRC.wp_wc_orders o JOIN e_wc_orders e ON e.id = o.id JOIN SRC.wp_users u ON u.ID = o.customer_id;
    INSERT IGNORE INTO e_wc_orders SELECT q.id FROM SRC.wp_wc_orders o JOIN e_wc_orders e ON e.id = o.id JOIN SRC.wp_wc_orders q ON q.id = o.parent_order_id;
    INSERT IGNORE INTO e_wc_orders SELECT o.id FROM SRC.wp_wc_order_addresses a JOIN e_wc_order_addresses e ON e.id = a.id JOIN SRC.wp_wc_orders o ON o.id = a.order_id;
    INSERT IGNORE INTO e_wc_orders SELECT o.id FROM SRC.wp_wc_orders_meta m JOIN e_wc_orders_meta e ON e.id = m.id JOIN SRC.wp_wc_orders o ON o.id = m.order_id;
    INSERT IGNORE INTO e_users SELECT u.ID FROM SRC.wp_wc_customer_lookup l JOIN e_wc_customer_lookup e ON e.id = l.customer_id JOIN SRC.wp_users u ON u.ID = l.user_id;
    -- down: the rows that belong to taken rows
    INSERT IGNORE INTO e_postmeta SELECT m.meta_id FROM SRC.wp_postmeta m JOIN e_posts e ON e.id = m.post_id;
    INSERT IGNORE INTO e_posts SELECT p.ID FROM SRC.wp_posts p JOIN e_posts e ON e.id = p.post_parent WHERE p.post_type IN ('attachment', 'product_variation', 'shop_order_refund');
    INSERT IGNORE INTO e_usermeta SELECT m.umeta_id FROM SRC.wp_usermeta m JOIN e_users e ON e.id = m.user_id;
    INSERT IGNORE INTO e_comments SELECT c.comment_ID FROM SRC.wp_comments c JOIN e_posts e ON e.id = c.comment_post_ID;
    INSERT IGNORE INTO e_commentmeta SELECT m.meta_id FROM SRC.wp_commentmeta m JOIN e_comments e ON e.id = m.comment_id;
    INSERT IGNORE INTO e_term_relationships SELECT r.object_id, r.term_taxonomy_id FROM SRC.wp_term_relationships r JOIN e_posts e ON e.id = r.object_id;
    INSERT IGNORE INTO e_woocommerce_order_items SELECT i.order_item_id FROM SRC.wp_woocommerce_order_items i JOIN e_posts e ON e.id = i.order_id;
    INSERT IGNORE INTO e_woocommerce_order_itemmeta SELECT m.meta_id FROM SRC.wp_woocommerce_order_itemmeta m JOIN e_woocommerce_order_items e ON e.id = m.order_item_id;
    INSERT IGNORE INTO e_wc_orders SELECT o.id FROM SRC.wp_wc_orders o JOIN e_posts e ON e.id = o.id;
    INSERT IGNORE INTO e_wc_orders SELECT o.id FROM SRC.wp_wc_orders o JOIN e_wc_orders e ON e.id = o.parent_order_id WHERE o.type = 'shop_order_refund';
    INSERT IGNORE INTO e_wc_order_addresses SELECT a.id FROM SRC.wp_wc_order_addresses a JOIN e_wc_orders e ON e.id = a.order_id;
    INSERT IGNORE INTO e_wc_orders_meta SELECT m.id FROM SRC.wp_wc_orders_meta m JOIN e_wc_orders e ON e.id = m.order_id;
    INSERT IGNORE INTO e_wc_customer_lookup SELECT l.customer_id FROM SRC.wp_wc_customer_lookup l JOIN e_users e ON e.id = l.user_id;
    SET after_n = (SELECT (SELECT COUNT(*) FROM e_posts) + (SELECT COUNT(*) FROM e_postmeta) + (SELECT COUNT(*) FROM e_users) + (SELECT COUNT(*) FROM e_usermeta)
      + (SELECT COUNT(*) FROM e_comments) + (SELECT COUNT(*) FROM e_commentmeta) + (SELECT COUNT(*) FROM e_term_relationships) + (SELECT COUNT(*) FROM e_woocommerce_order_items)
      + (SELECT COUNT(*) FROM e_woocommerce_order_itemmeta) + (SELECT COUNT(*) FROM e_wc_orders) + (SELECT COUNT(*) FROM e_wc_order_addresses) + (SELECT COUNT(*) FROM e_wc_orders_meta)
      + (SELECT COUNT(*) FROM e_wc_customer_lookup));
  END WHILE;
END//
DELIMITER ;
CALL fix();
