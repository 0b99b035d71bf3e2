-- A PrestaShop shop on PrestaShop 8's real schema (loaded before this
-- file): customers, their addresses, guests and carts, 800 orders, one
-- every nine hours back from now (2 h off the hour), with what belongs to
-- them; abandoned carts; the shop's own addresses, vouchers and specific
-- prices (general ones and one customer's), visitor logs.
SET sql_mode = '';
INSERT INTO ps_customer (id_customer, id_shop, id_shop_group, id_default_group, firstname, lastname, email, passwd, date_add, date_upd, active)
  SELECT seq, 1, 1, 3, CONCAT('First', seq), CONCAT('Last', seq), CONCAT('customer', seq, '@ps-customers.net'), 'x', '2020-01-01', '2020-01-01', 1 FROM seq_1_to_200;
INSERT INTO ps_customer_group (id_customer, id_group) SELECT seq, 3 FROM seq_1_to_200;
INSERT INTO ps_address (id_address, id_country, id_customer, alias, lastname, firstname, address1, city, date_add, date_upd)
  SELECT seq, 8, seq, 'Home', CONCAT('Last', seq), CONCAT('First', seq), CONCAT(seq, ' rue Réelle'), 'Lyon', '2020-01-01', '2020-01-01' FROM seq_1_to_200;
INSERT INTO ps_address (id_address, id_country, id_customer, id_manufacturer, alias, lastname, firstname, address1, city, date_add, date_upd)
  SELECT seq, 8, 0, seq - 1000, 'Factory', 'Maker', 'Brand', '1 avenue Usine', 'Paris', '2020-01-01', '2020-01-01' FROM seq_1001_to_1005;
INSERT INTO ps_guest (id_guest, id_customer) SELECT seq, seq FROM seq_1_to_200;
INSERT INTO ps_guest (id_guest, id_customer) SELECT seq, 0 FROM seq_201_to_260;
-- 1000 carts: carts 1..800 became orders, 801..1000 were abandoned.
INSERT INTO ps_cart (id_cart, id_shop, id_shop_group, id_customer, id_address_delivery, id_address_invoice, id_guest, id_currency, id_lang, secure_key, date_add, date_upd)
  SELECT seq, 1, 1, (seq * 7) % 200 + 1, (seq * 7) % 200 + 1, (seq * 7) % 200 + 1, (seq * 7) % 200 + 1, 1, 1, MD5(seq), NOW(), NOW() FROM seq_1_to_1000;
INSERT INTO ps_cart_product (id_cart, id_product, id_address_delivery, id_shop, id_product_attribute, id_customization, quantity, date_add)
  SELECT c.seq, p.seq, (c.seq * 7) % 200 + 1, 1, 0, 0, 1, NOW() FROM seq_1_to_1000 c JOIN seq_1_to_2 p;
INSERT INTO ps_customization (id_customization, id_cart, id_product, id_product_attribute, id_address_delivery, quantity, in_cart)
  SELECT seq / 50, seq, 1, 0, (seq * 7) % 200 + 1, 1, 1 FROM seq_50_to_1000_step_50;
INSERT INTO ps_customized_data (id_customization, type, `index`, value) SELECT seq / 50, 1, 1, 'Engraved for a customer' FROM seq_50_to_1000_step_50;
INSERT INTO ps_orders (id_order, reference, id_shop, id_shop_group, id_carrier, id_lang, id_customer, id_cart, id_currency, id_address_delivery, id_address_invoice, current_state, payment, module, secure_key, total_paid, invoice_date, delivery_date, date_add, date_upd)
  SELECT seq, CONCAT('REF', LPAD(seq, 6, '0')), 1, 1, 1, 1, (seq * 7) % 200 + 1, seq, 1, (seq * 7) % 200 + 1, (seq * 7) % 200 + 1, 5, 'Bank wire', 'ps_wirepayment', MD5(seq), 25,
    NOW() - INTERVAL ((800 - seq) * 9 + 2) HOUR, NOW() - INTERVAL ((800 - seq) * 9 + 2) HOUR, NOW() - INTERVAL ((800 - seq) * 9 + 2) HOUR, NOW() FROM seq_1_to_800;
INSERT INTO ps_order_detail (id_order_detail, id_order, id_shop, product_id, product_attribute_id, product_name, product_quantity, product_price)
  SELECT o.seq * 2 - 2 + p.seq, o.seq, 1, p.seq, 0, CONCAT('Product ', p.seq), 1, 12.5 FROM seq_1_to_800 o JOIN seq_1_to_2 p;
INSERT INTO ps_order_detail_tax (id_order_detail, id_tax, unit_amount, total_amount) SELECT id_order_detail, 1, 2.5, 2.5 FROM ps_order_detail;
INSERT INTO ps_order_history (id_employee, id_order, id_order_state, date_add) SELECT 0, o.seq, s.seq, NOW() FROM seq_1_to_800 o JOIN seq_1_to_2 s;
INSERT INTO ps_order_carrier (id_order, id_carrier, id_order_invoice, weight, tracking_number, date_add) SELECT seq, 1, seq, 1, CONCAT('TRACK', seq), NOW() FROM seq_1_to_800;
INSERT INTO ps_order_invoice (id_order_invoice, id_order, number, total_paid_tax_incl, date_add) SELECT seq, seq, seq, 25, NOW() FROM seq_1_to_800;
INSERT INTO ps_order_payment (id_order_payment, order_reference, id_currency, amount, payment_method, transaction_id, card_number, card_holder, date_add)
  SELECT seq, CONCAT('REF', LPAD(seq, 6, '0')), 1, 25, 'Bank wire', CONCAT('TX', seq), '4111', CONCAT('First', seq, ' Last'), NOW() FROM seq_1_to_800;
INSERT INTO ps_order_invoice_payment (id_order_invoice, id_order_payment, id_order) SELECT seq, seq, seq FROM seq_1_to_800;
-- Vouchers: two for everyone, one made for customer 150; used by every tenth order.
INSERT INTO ps_cart_rule (id_cart_rule, id_customer, date_from, date_to, code, active, date_add, date_upd) VALUES
  (1, 0, '2020-01-01', '2030-01-01', 'WELCOME', 1, NOW(), NOW()), (2, 0, '2020-01-01', '2030-01-01', 'SUMMER', 1, NOW(), NOW()), (3, 150, '2020-01-01', '2030-01-01', 'LAST150', 1, NOW(), NOW());
INSERT INTO ps_cart_rule_lang (id_cart_rule, id_lang, name) SELECT seq, 1, CONCAT('Voucher ', seq) FROM seq_1_to_3;
INSERT INTO ps_cart_cart_rule (id_cart, id_cart_rule) SELECT seq, 1 FROM seq_10_to_1000_step_10;
INSERT INTO ps_order_cart_rule (id_order, id_cart_rule, id_order_invoice, name, value) SELECT seq, 1, seq, 'WELCOME', 5 FROM seq_10_to_800_step_10;
-- Prices: one for everyone, one for customer 160, one for an abandoned cart.
INSERT INTO ps_specific_price (id_specific_price, id_specific_price_rule, id_cart, id_product, id_shop, id_shop_group, id_currency, id_country, id_group, id_customer, id_product_attribute, price, from_quantity, reduction, reduction_tax, reduction_type, `from`, `to`)
  VALUES (1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0.1, 1, 'percentage', '2020-01-01', '2030-01-01'), (2, 0, 0, 1, 0, 0, 0, 0, 0, 160, 0, -1, 1, 0.2, 1, 'percentage', '2020-01-01', '2030-01-01'),
  (3, 0, 990, 2, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0.3, 1, 'percentage', '2020-01-01', '2030-01-01');
-- Returns, credit slips, order messages, customer service threads.
INSERT INTO ps_order_return (id_order_return, id_customer, id_order, state, question, date_add, date_upd) SELECT seq / 20, (seq * 7) % 200 + 1, seq, 1, 'Too small', NOW(), NOW() FROM seq_20_to_800_step_20;
INSERT INTO ps_order_return_detail (id_order_return, id_order_detail, id_customization, product_quantity) SELECT seq / 20, seq * 2 - 1, 0, 1 FROM seq_20_to_800_step_20;
INSERT INTO ps_order_slip (id_order_slip, id_customer, id_order, partial, amount, date_add, date_upd) SELECT seq / 25, (seq * 7) % 200 + 1, seq, 0, 12.5, NOW(), NOW() FROM seq_25_to_800_step_25;
INSERT INTO ps_order_slip_detail (id_order_slip, id_order_detail, product_quantity) SELECT seq / 25, seq * 2, 1 FROM seq_25_to_800_step_25;
INSERT INTO ps_message (id_message, id_cart, id_customer, id_employee, id_order, message, private, date_add) SELECT seq / 5, seq, (seq * 7) % 200 + 1, 0, seq, 'Please leave it with the neighbour', 0, NOW() FROM seq_5_to_800_step_5;
INSERT INTO ps_message_readed (id_message, id_employee, date_add) SELECT seq / 5, 1, NOW() FROM seq_5_to_800_step_5;
INSERT INTO ps_customer_thread (id_customer_thread, id_shop, id_lang, id_contact, id_customer, id_order, id_product, status, email, token, date_add, date_upd)
  SELECT seq / 7, 1, 1, 1, (seq * 7) % 200 + 1, seq, 0, 'open', CONCAT('customer', (seq * 7) % 200 + 1, '@ps-customers.net'), MD5(seq), NOW(), NOW() FROM seq_7_to_800_step_7;
INSERT INTO ps_customer_message (id_customer_thread, id_employee, message, ip_address, date_add) SELECT t.seq / 7, m.seq - 1, 'Where is my parcel?', '81.2.69.160', NOW() FROM seq_7_to_800_step_7 t JOIN seq_1_to_2 m;
-- What the shop is: a carrier, a product, settings; what no order reaches:
-- visitor logs.
INSERT INTO ps_carrier (id_carrier, id_reference, name, active, deleted) VALUES (1, 1, 'Colissimo', 1, 0);
INSERT INTO ps_product (id_product, reference, price, active, date_add, date_upd) VALUES (1, 'SHIRT', 12.5, 1, NOW(), NOW()), (2, 'HAT', 9, 1, NOW(), NOW());
INSERT INTO ps_configuration (name, value, date_add, date_upd) VALUES ('PS_SHOP_NAME', 'Real Shop', NOW(), NOW()), ('PS_SHOP_EMAIL', 'shop@ps-shop.test', NOW(), NOW());
INSERT INTO ps_connections (id_connections, id_shop_group, id_shop, id_guest, id_page, ip_address, date_add) SELECT seq, 1, 1, seq % 260 + 1, 1, 1357984000 + seq, NOW() FROM seq_1_to_300;
ANALYZE TABLE ps_orders, ps_customer, ps_address, ps_cart, ps_cart_product, ps_order_detail, ps_order_history;
