package main

import (
	"fmt"
	"strings"
	"time"
)

// Shop dates: orders are spread evenly over ten years, oldest first, so that
// the last 1% of them are the orders from shopLast1Percent on.
var (
	shopStart = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	shopSpan  = 3650 * 24 * time.Hour
)

// shopLast1Percent is the date from which the last 1% of a -shop dump's
// orders were placed (the last 36.5 of its 3650 days).
const shopLast1Percent = "2025-11-25 12:00:00"

const (
	shopProducts  = 2000
	shopPages     = 20
	metaPerOrder  = 6
	itemsPerOrder = 2
)

// shop writes a WooCommerce shop with WordPress's own indexes: customers and
// their meta, a catalogue of products and pages, and ten years of orders
// (shop_order posts, their meta, items, item meta, a note each, refunds of
// one order in fifty) filling the rest of size.
func (g *gen) shop(size int64) {
	g.printf("%s", header)
	g.printf("%s", shopSchema)
	users := max(size/20000, 10)
	g.people(users)
	catalogue := int64(shopProducts + shopPages)
	// An order takes about 1 KB of SQL with its meta, items and note.
	orders := max((size-g.n-catalogue*1500)/1000, 100)
	refunds := orders / 50
	g.table("wp_posts", catalogue+orders+refunds, func(i int64) {
		switch {
		case i <= shopPages:
			g.post(i, "2016-01-01 09:00:00", g.text(200), "Page "+g.text(2), "publish", 0, "page")
		case i <= catalogue:
			g.post(i, "2016-01-02 09:00:00", g.text(200), "Product "+g.text(3), "publish", 0, "product")
		case i <= catalogue+orders:
			d := shopDate(i-catalogue-1, orders)
			g.post(i, d, "", "Order &ndash; "+d, "wc-completed", 0, "shop_order")
		default:
			parent := catalogue + 1 + g.r.Int64N(orders)
			g.post(i, shopDate(parent-catalogue-1, orders), "", "Refund", "wc-completed", parent, "shop_order_refund")
		}
	})
	g.table("wp_postmeta", catalogue*2+orders*metaPerOrder, func(i int64) {
		if i <= catalogue*2 {
			p := (i-1)/2 + 1
			if i%2 == 1 {
				g.printf("(%d,%d,'_price','%d.00')", i, p, 5+p%95)
			} else {
				g.printf("(%d,%d,'_sku','SKU-%06d')", i, p, p)
			}
			return
		}
		o := (i - catalogue*2 - 1) / metaPerOrder
		post := catalogue + 1 + o
		var k, v string
		switch (i - catalogue*2 - 1) % metaPerOrder {
		case 0:
			k = "_customer_user"
			if g.r.IntN(10) > 0 {
				v = fmt.Sprint(1 + g.r.Int64N(users))
			} else {
				v = "0"
			}
		case 1:
			first, last := g.pick(firsts), g.pick(lasts)
			k, v = "_billing_email", strings.ToLower(first+"."+last)+fmt.Sprint(o)+"@example-customer.net"
		case 2:
			k, v = "_billing_first_name", g.pick(firsts)
		case 3:
			k, v = "_billing_address_1", fmt.Sprintf("%d rue %s", 1+g.r.IntN(200), g.pick(lasts))
		case 4:
			k, v = "_order_total", fmt.Sprintf("%d.%02d", 5+g.r.IntN(300), g.r.IntN(100))
		case 5:
			k, v = "_payment_method", "stripe"
		}
		g.printf("(%d,%d,'%s','%s')", i, post, k, esc(v))
	})
	g.table("wp_comments", orders, func(i int64) {
		g.printf("(%d,%d,'WooCommerce','woocommerce@shop.example.test','','','%s','%s','Order status changed from Processing to Completed. %s',0,'1','WooCommerce','order_note',0,0)",
			i, catalogue+i, shopDate(i-1, orders), shopDate(i-1, orders), esc(g.text(6)))
	})
	g.table("wp_woocommerce_order_items", orders*itemsPerOrder, func(i int64) {
		g.printf("(%d,'Product %s','line_item',%d)", i, esc(g.text(2)), catalogue+1+(i-1)/itemsPerOrder)
	})
	g.table("wp_woocommerce_order_itemmeta", orders*itemsPerOrder*2, func(i int64) {
		item := (i-1)/2 + 1
		if i%2 == 1 {
			g.printf("(%d,%d,'_product_id','%d')", i, item, shopPages+1+g.r.Int64N(shopProducts))
		} else {
			g.printf("(%d,%d,'_qty','%d')", i, item, 1+g.r.IntN(3))
		}
	})
}

func shopDate(o, orders int64) string {
	return shopStart.Add(time.Duration(float64(shopSpan) * float64(o) / float64(orders))).Format("2006-01-02 15:04:05")
}

func (g *gen) post(id int64, date, content, title, status string, parent int64, typ string) {
	g.printf("(%d,1,'%s','%s','%s','%s','','%s','closed','closed','','post-%d','','','%s','%s','',%d,'http://shop.example.test/?p=%d',0,'%s','',0)",
		id, date, date, esc(content), esc(title), status, id, date, date, parent, id, typ)
}

// shopSchema is WordPress 6.1's and WooCommerce's schema of the tables the
// shop fills, with their indexes.
const shopSchema = "CREATE TABLE `wp_users` (\n  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `user_login` varchar(60) NOT NULL DEFAULT '',\n  `user_pass` varchar(255) NOT NULL DEFAULT '',\n  `user_nicename` varchar(50) NOT NULL DEFAULT '',\n  `user_email` varchar(100) NOT NULL DEFAULT '',\n  `user_url` varchar(100) NOT NULL DEFAULT '',\n  `user_registered` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `user_activation_key` varchar(255) NOT NULL DEFAULT '',\n  `user_status` int(11) NOT NULL DEFAULT 0,\n  `display_name` varchar(250) NOT NULL DEFAULT '',\n  PRIMARY KEY (`ID`),\n  KEY `user_login_key` (`user_login`),\n  KEY `user_nicename` (`user_nicename`),\n  KEY `user_email` (`user_email`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_usermeta` (\n  `umeta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `meta_key` varchar(255) DEFAULT NULL,\n  `meta_value` longtext DEFAULT NULL,\n  PRIMARY KEY (`umeta_id`),\n  KEY `user_id` (`user_id`),\n  KEY `meta_key` (`meta_key`(191))\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_posts` (\n  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `post_author` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `post_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_content` longtext NOT NULL,\n  `post_title` text NOT NULL,\n  `post_excerpt` text NOT NULL,\n  `post_status` varchar(20) NOT NULL DEFAULT 'publish',\n  `comment_status` varchar(20) NOT NULL DEFAULT 'open',\n  `ping_status` varchar(20) NOT NULL DEFAULT 'open',\n  `post_password` varchar(255) NOT NULL DEFAULT '',\n  `post_name` varchar(200) NOT NULL DEFAULT '',\n  `to_ping` text NOT NULL,\n  `pinged` text NOT NULL,\n  `post_modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_modified_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_content_filtered` longtext NOT NULL,\n  `post_parent` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `guid` varchar(255) NOT NULL DEFAULT '',\n  `menu_order` int(11) NOT NULL DEFAULT 0,\n  `post_type` varchar(20) NOT NULL DEFAULT 'post',\n  `post_mime_type` varchar(100) NOT NULL DEFAULT '',\n  `comment_count` bigint(20) NOT NULL DEFAULT 0,\n  PRIMARY KEY (`ID`),\n  KEY `post_name` (`post_name`(191)),\n  KEY `type_status_date` (`post_type`,`post_status`,`post_date`,`ID`),\n  KEY `post_parent` (`post_parent`),\n  KEY `post_author` (`post_author`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_postmeta` (\n  `meta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `post_id` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `meta_key` varchar(255) DEFAULT NULL,\n  `meta_value` longtext DEFAULT NULL,\n  PRIMARY KEY (`meta_id`),\n  KEY `post_id` (`post_id`),\n  KEY `meta_key` (`meta_key`(191))\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_comments` (\n  `comment_ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `comment_post_ID` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `comment_author` tinytext NOT NULL,\n  `comment_author_email` varchar(100) NOT NULL DEFAULT '',\n  `comment_author_url` varchar(200) NOT NULL DEFAULT '',\n  `comment_author_IP` varchar(100) NOT NULL DEFAULT '',\n  `comment_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `comment_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `comment_content` text NOT NULL,\n  `comment_karma` int(11) NOT NULL DEFAULT 0,\n  `comment_approved` varchar(20) NOT NULL DEFAULT '1',\n  `comment_agent` varchar(255) NOT NULL DEFAULT '',\n  `comment_type` varchar(20) NOT NULL DEFAULT 'comment',\n  `comment_parent` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,\n  PRIMARY KEY (`comment_ID`),\n  KEY `comment_post_ID` (`comment_post_ID`),\n  KEY `comment_approved_date_gmt` (`comment_approved`,`comment_date_gmt`),\n  KEY `comment_date_gmt` (`comment_date_gmt`),\n  KEY `comment_parent` (`comment_parent`),\n  KEY `comment_author_email` (`comment_author_email`(10))\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_woocommerce_order_items` (\n  `order_item_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `order_item_name` text NOT NULL,\n  `order_item_type` varchar(200) NOT NULL DEFAULT '',\n  `order_id` bigint(20) unsigned NOT NULL,\n  PRIMARY KEY (`order_item_id`),\n  KEY `order_id` (`order_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_woocommerce_order_itemmeta` (\n  `meta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `order_item_id` bigint(20) unsigned NOT NULL,\n  `meta_key` varchar(255) DEFAULT NULL,\n  `meta_value` longtext DEFAULT NULL,\n  PRIMARY KEY (`meta_id`),\n  KEY `order_item_id` (`order_item_id`),\n  KEY `meta_key` (`meta_key`(32))\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n"
