package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

func TestMain(m *testing.M) { mariadbtest.Main(m) }

// TestLoads generates a small dump and loads it into a real MariaDB.
func TestLoads(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	g := &gen{w: w, r: rand.New(rand.NewPCG(1, 2)), rowsPer: 50}
	g.run(2 << 20)
	w.Flush()
	if buf.Len() < 1<<20 || buf.Len() > 4<<20 {
		t.Fatalf("asked for 2 MiB, got %d bytes", buf.Len())
	}
	p := filepath.Join(t.TempDir(), "d.sql")
	os.WriteFile(p, buf.Bytes(), 0o600)
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, p)
	for _, table := range []string{"wp_users", "wp_usermeta", "wp_posts", "wp_comments"} {
		if n := strings.TrimSpace(srv.Query(t, db, "SELECT COUNT(*) FROM "+table)); n == "0" || n == "" {
			t.Errorf("%s has %q rows", table, n)
		}
	}
}

// TestUsersLoads generates a small dump of the users shape, checks its row
// size, and loads it into a real MariaDB.
func TestUsersLoads(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	g := &gen{w: w, r: rand.New(rand.NewPCG(1, 2)), rowsPer: 700}
	g.users(1 << 20)
	w.Flush()
	if buf.Len() < 900<<10 || buf.Len() > 1200<<10 {
		t.Fatalf("asked for 1 MiB, got %d bytes", buf.Len())
	}
	rows := bytes.Count(buf.Bytes(), []byte("example-customer.net'"))
	if per := buf.Len() / rows; per < 130 || per > 170 {
		t.Errorf("%d bytes per row, want about 150", per)
	}
	p := filepath.Join(t.TempDir(), "d.sql")
	os.WriteFile(p, buf.Bytes(), 0o600)
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, p)
	if n := strings.TrimSpace(srv.Query(t, db, "SELECT COUNT(*) FROM users")); n != strconv.Itoa(rows) {
		t.Errorf("users has %q rows, the dump %d", n, rows)
	}
}

// TestShop generates a small shop and loads it into a real MariaDB: about
// 1% of its orders are from shopLast1Percent on, and every reference a
// WooCommerce subset follows lands on a row.
func TestShop(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	g := &gen{w: w, r: rand.New(rand.NewPCG(1, 2)), rowsPer: 200}
	g.shop(24 << 20)
	w.Flush()
	if buf.Len() < 20<<20 || buf.Len() > 28<<20 {
		t.Fatalf("asked for 24 MiB, got %d bytes", buf.Len())
	}
	p := filepath.Join(t.TempDir(), "d.sql")
	os.WriteFile(p, buf.Bytes(), 0o600)
	srv, db := mariadbtest.NewDatabase(t)
	srv.LoadFile(t, db, p)
	var orders, recent float64
	fmt.Sscan(srv.Query(t, db, "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order'"), &orders)
	fmt.Sscan(srv.Query(t, db, "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order' AND post_date >= '"+shopLast1Percent+"'"), &recent)
	if orders < 10000 || recent/orders < 0.009 || recent/orders > 0.011 {
		t.Errorf("%.0f orders, %.0f of them from %s on: want about 1%%", orders, recent, shopLast1Percent)
	}
	for _, q := range []string{
		"SELECT COUNT(*) FROM wp_postmeta m LEFT JOIN wp_posts p ON p.ID = m.post_id WHERE p.ID IS NULL",
		"SELECT COUNT(*) FROM wp_postmeta m LEFT JOIN wp_users u ON u.ID = m.meta_value WHERE m.meta_key = '_customer_user' AND m.meta_value <> '0' AND u.ID IS NULL",
		"SELECT COUNT(*) FROM wp_comments c LEFT JOIN wp_posts p ON p.ID = c.comment_post_ID WHERE p.ID IS NULL",
		"SELECT COUNT(*) FROM wp_posts r LEFT JOIN wp_posts p ON p.ID = r.post_parent WHERE r.post_parent <> 0 AND p.ID IS NULL",
		"SELECT COUNT(*) FROM wp_woocommerce_order_items i LEFT JOIN wp_posts p ON p.ID = i.order_id WHERE p.post_type <> 'shop_order' OR p.ID IS NULL",
		"SELECT COUNT(*) FROM wp_woocommerce_order_itemmeta m LEFT JOIN wp_woocommerce_order_items i USING (order_item_id) WHERE i.order_item_id IS NULL",
		"SELECT COUNT(*) FROM wp_woocommerce_order_itemmeta m LEFT JOIN wp_posts p ON p.ID = m.meta_value WHERE m.meta_key = '_product_id' AND (p.ID IS NULL OR p.post_type <> 'product')",
	} {
		if n := srv.Query(t, db, q); n != "0" {
			t.Errorf("%s: %s", q, n)
		}
	}
	for _, q := range []string{"SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order_refund'", "SELECT COUNT(DISTINCT meta_value) FROM wp_postmeta WHERE meta_key = '_customer_user'"} {
		if n := srv.Query(t, db, q); n == "0" {
			t.Errorf("%s: none", q)
		}
	}
}
