-- A Magento 2 shop on Magento 2.4's real schema (loaded before this file):
-- two stores, 100 customers with an address, a wish list and a newsletter
-- subscription (and 20 guests subscribed), two products, 300 orders, one
-- every nine hours back from now (2 h off the hour), each placed from a
-- quote, with two items, two addresses, a payment, a status line and a grid
-- row; invoices, shipments with tracking numbers and credit memos for some;
-- abandoned quotes; a review; configuration. Recent orders (the last 30
-- days) are placed by customers 1-40 or by guests; customers 41-100
-- ordered only before.
SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
-- Parents the test does not need (attribute sets, review types) are not
-- planted.
SET FOREIGN_KEY_CHECKS = 0;
INSERT INTO store_website (website_id, code, name, sort_order, default_group_id, is_default) VALUES (0, 'admin', 'Admin', 0, 0, 0), (1, 'base', 'Main Website', 0, 1, 1);
INSERT INTO store_group (group_id, website_id, name, root_category_id, default_store_id, code) VALUES (0, 0, 'Default', 0, 0, 'default'), (1, 1, 'Main Website Store', 2, 1, 'main_website_store');
INSERT INTO store (store_id, code, website_id, group_id, name, sort_order, is_active) VALUES (0, 'admin', 0, 0, 'Admin', 0, 1), (1, 'default', 1, 1, 'Default Store View', 0, 1);
INSERT INTO customer_group (customer_group_id, customer_group_code, tax_class_id) VALUES (0, 'NOT LOGGED IN', 3), (1, 'General', 3);
INSERT INTO core_config_data (scope, scope_id, path, value) VALUES ('default', 0, 'general/store_information/name', 'Shop'), ('default', 0, 'web/secure/base_url', 'https://shop.example/');
INSERT INTO catalog_product_entity (entity_id, attribute_set_id, type_id, sku, created_at, updated_at) VALUES (1, 4, 'simple', 'SKU-1', NOW(), NOW()), (2, 4, 'simple', 'SKU-2', NOW(), NOW());
INSERT INTO sales_order_status (status, label) VALUES ('pending', 'Pending'), ('complete', 'Complete');

INSERT INTO customer_entity (entity_id, website_id, email, group_id, store_id, created_at, updated_at, is_active, firstname, lastname, default_billing, default_shipping)
  SELECT seq, 1, CONCAT('customer', seq, '@mage-customers.net'), 1, 1, '2020-01-01', '2020-01-01', 1, CONCAT('First', seq), CONCAT('Last', seq), seq, seq FROM seq_1_to_100;
INSERT INTO customer_address_entity (entity_id, parent_id, created_at, updated_at, is_active, city, country_id, firstname, lastname, street, telephone, postcode)
  SELECT seq, seq, '2020-01-01', '2020-01-01', 1, 'Lyon', 'FR', CONCAT('First', seq), CONCAT('Last', seq), CONCAT(seq, ' rue Réelle'), '0600000000', '69001' FROM seq_1_to_100;
INSERT INTO wishlist (wishlist_id, customer_id, shared, sharing_code, updated_at) SELECT seq, seq, 0, MD5(seq), '2020-01-01' FROM seq_1_to_100;
INSERT INTO newsletter_subscriber (subscriber_id, store_id, customer_id, subscriber_email, subscriber_status)
  SELECT seq, 1, IF(seq <= 100, seq, 0), CONCAT(IF(seq <= 100, 'customer', 'guest'), seq, '@mage-customers.net'), 1 FROM seq_1_to_120;

-- Orders: entity_id seq, placed seq * 9 + 2 hours ago from quote seq.
CREATE TEMPORARY TABLE o (id INT PRIMARY KEY, customer INT NULL, at DATETIME);
INSERT INTO o SELECT seq, IF(seq % 10 = 0, NULL, IF(NOW() - INTERVAL (seq * 9 + 2) HOUR >= NOW() - INTERVAL 30 DAY, 1 + seq % 40, 1 + seq % 100)),
  NOW() - INTERVAL (seq * 9 + 2) HOUR FROM seq_1_to_300;
INSERT INTO quote (entity_id, store_id, created_at, updated_at, is_active, customer_id, customer_email, customer_is_guest, reserved_order_id)
  SELECT id, 1, at, at, 0, customer, CONCAT('buyer', id, '@mage-customers.net'), customer IS NULL, LPAD(id, 9, '0') FROM o;
-- Abandoned quotes of every customer.
INSERT INTO quote (entity_id, store_id, created_at, updated_at, is_active, customer_id, customer_email, customer_is_guest)
  SELECT 1000 + seq, 1, NOW(), NOW(), 1, seq, CONCAT('customer', seq, '@mage-customers.net'), 0 FROM seq_1_to_100;
INSERT INTO quote_item (item_id, quote_id, created_at, updated_at, product_id, store_id, sku, name, qty, price)
  SELECT q.entity_id * 2 + p.seq, q.entity_id, q.created_at, q.created_at, p.seq, 1, CONCAT('SKU-', p.seq), CONCAT('Product ', p.seq), 1, 10 FROM quote q JOIN seq_0_to_1 p;
INSERT INTO quote_address (address_id, quote_id, created_at, updated_at, customer_id, customer_address_id, address_type, email, firstname, lastname, street, city, postcode, country_id, telephone)
  SELECT entity_id, entity_id, created_at, created_at, customer_id, customer_id, 'billing', customer_email, 'A', 'B', '1 street', 'Lyon', '69001', 'FR', '0600000000' FROM quote;
INSERT INTO sales_order (entity_id, state, status, store_id, customer_id, quote_id, increment_id, customer_email, customer_firstname, customer_lastname, customer_is_guest, grand_total, created_at, updated_at)
  SELECT id, 'complete', 'complete', 1, customer, id, LPAD(id, 9, '0'), CONCAT('buyer', id, '@mage-customers.net'), 'First', 'Last', customer IS NULL, 20, at, at FROM o;
INSERT INTO sales_order_item (item_id, order_id, quote_item_id, store_id, created_at, updated_at, product_id, product_type, sku, name, qty_ordered, price)
  SELECT o.id * 2 + p.seq, o.id, o.id * 2 + p.seq, 1, at, at, p.seq, 'simple', CONCAT('SKU-', p.seq), CONCAT('Product ', p.seq), 1, 10 FROM o JOIN seq_0_to_1 p;
INSERT INTO sales_order_address (entity_id, parent_id, customer_address_id, quote_address_id, customer_id, address_type, email, firstname, lastname, street, city, postcode, country_id, telephone)
  SELECT o.id * 2 + t.seq, o.id, customer, o.id, customer, IF(t.seq = 0, 'billing', 'shipping'), 'x@mage-customers.net', 'A', 'B', '1 street', 'Lyon', '69001', 'FR', '0600000000' FROM o JOIN seq_0_to_1 t;
INSERT INTO sales_order_payment (entity_id, parent_id, method, amount_ordered) SELECT id, id, 'checkmo', 20 FROM o;
INSERT INTO sales_order_status_history (entity_id, parent_id, is_customer_notified, is_visible_on_front, comment, status, created_at, entity_name)
  SELECT id, id, 1, 0, 'Placed', 'pending', at, 'order' FROM o;
INSERT INTO sales_order_grid (entity_id, status, store_id, customer_id, increment_id, grand_total, created_at, updated_at, customer_email, customer_name, billing_name, shipping_name)
  SELECT id, 'complete', 1, customer, LPAD(id, 9, '0'), 20, at, at, CONCAT('buyer', id, '@mage-customers.net'), 'First Last', 'First Last', 'First Last' FROM o;
INSERT INTO sales_invoice (entity_id, store_id, order_id, increment_id, grand_total, created_at, updated_at) SELECT id, 1, id, LPAD(id, 9, '0'), 20, at, at FROM o WHERE id % 2 = 0;
INSERT INTO sales_invoice_grid (entity_id, increment_id, store_id, order_id, order_increment_id, order_created_at, customer_name, customer_email, grand_total, created_at, updated_at)
  SELECT id, LPAD(id, 9, '0'), 1, id, LPAD(id, 9, '0'), at, 'First Last', 'x@mage-customers.net', 20, at, at FROM o WHERE id % 2 = 0;
INSERT INTO sales_shipment (entity_id, store_id, order_id, customer_id, increment_id, created_at, updated_at) SELECT id, 1, id, customer, LPAD(id, 9, '0'), at, at FROM o WHERE id % 3 = 0;
INSERT INTO sales_shipment_track (entity_id, parent_id, order_id, track_number, carrier_code, created_at, updated_at) SELECT id, id, id, CONCAT('TRACK', id), 'ups', at, at FROM o WHERE id % 3 = 0;
INSERT INTO sales_shipment_grid (entity_id, increment_id, store_id, order_increment_id, order_id, order_created_at, customer_name, created_at, updated_at)
  SELECT id, LPAD(id, 9, '0'), 1, LPAD(id, 9, '0'), id, at, 'First Last', at, at FROM o WHERE id % 3 = 0;
INSERT INTO sales_creditmemo (entity_id, store_id, order_id, increment_id, created_at, updated_at) SELECT id, 1, id, LPAD(id, 9, '0'), at, at FROM o WHERE id % 5 = 0;
INSERT INTO sales_creditmemo_grid (entity_id, increment_id, created_at, updated_at, order_id, order_increment_id, order_created_at, store_id)
  SELECT id, LPAD(id, 9, '0'), at, at, id, LPAD(id, 9, '0'), at, 1 FROM o WHERE id % 5 = 0;
-- A review by customer 99, who ordered only long ago.
INSERT INTO review (review_id, created_at, entity_id, entity_pk_value, status_id) VALUES (1, NOW(), 1, 1, 1);
INSERT INTO review_detail (detail_id, review_id, store_id, title, detail, nickname, customer_id) VALUES (1, 1, 1, 'Good', 'Very good', 'Nick', 99);
DROP TEMPORARY TABLE o;
