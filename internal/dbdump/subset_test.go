package dbdump

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// subsetSchema has declared foreign keys (RESTRICT and CASCADE), a
// self-reference and a cycle through nullable references
// (orders -> items -> products -> items), a composite primary key, a
// polymorphic key/value table whose references are virtual, a table copied
// whole and tables reached by nothing.
const subsetSchema = `
CREATE TABLE customers (id INT PRIMARY KEY, referrer_id INT NULL, name VARCHAR(40),
  FOREIGN KEY (referrer_id) REFERENCES customers (id));
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, created DATE NOT NULL,
  FOREIGN KEY (customer_id) REFERENCES customers (id));
CREATE TABLE products (id BIGINT UNSIGNED PRIMARY KEY, best_item_id INT NULL, title VARCHAR(40));
CREATE TABLE items (id INT PRIMARY KEY, order_id INT NOT NULL, product_id BIGINT UNSIGNED NOT NULL,
  FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  FOREIGN KEY (product_id) REFERENCES products (id));
ALTER TABLE products ADD FOREIGN KEY (best_item_id) REFERENCES items (id);
CREATE TABLE order_tags (order_id INT NOT NULL, tag VARCHAR(20) NOT NULL, PRIMARY KEY (order_id, tag),
  FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE);
CREATE TABLE meta (id INT PRIMARY KEY, kind VARCHAR(20) NOT NULL, obj_id VARCHAR(20), v VARCHAR(40));
CREATE TABLE settings (name VARCHAR(40) PRIMARY KEY, val VARCHAR(40));
CREATE TABLE logs (id INT PRIMARY KEY, msg VARCHAR(40));
CREATE TABLE nokey (a INT, b INT);
SET FOREIGN_KEY_CHECKS = 0;
INSERT INTO customers SELECT seq, IF(seq % 3 = 0, NULL, (seq * 7) % 200 + 1), CONCAT('c', seq) FROM seq_1_to_200;
INSERT INTO orders SELECT seq, (seq * 13) % 200 + 1, '2024-01-01' + INTERVAL (seq % 120) DAY FROM seq_1_to_1000;
INSERT INTO products SELECT seq, IF(seq % 4 = 0, (seq * 37) % 3000 + 1, NULL), CONCAT('p', seq) FROM seq_1_to_300;
INSERT INTO items SELECT seq, (seq * 7) % 1000 + 1, (seq * 11) % 300 + 1 FROM seq_1_to_3000;
INSERT INTO order_tags SELECT seq, 'gift' FROM seq_1_to_1000 WHERE seq % 5 = 0;
INSERT INTO order_tags SELECT seq, 'rush' FROM seq_1_to_1000 WHERE seq % 7 = 0;
INSERT INTO meta SELECT seq, IF(seq % 2 = 0, 'order', 'customer'), IF(seq % 2 = 0, (seq * 3) % 1000 + 1, (seq * 3) % 200 + 1), CONCAT('v', seq) FROM seq_1_to_4000;
INSERT INTO meta VALUES (5001, 'order', NULL, 'no object'), (5002, 'order', 'abc', 'not a number');
INSERT INTO settings VALUES ('site', 'x'), ('theme', 'y');
INSERT INTO logs SELECT seq, 'log' FROM seq_1_to_50;
INSERT INTO nokey VALUES (1, 2);
SET FOREIGN_KEY_CHECKS = 1;
ANALYZE TABLE customers, orders, products, items, order_tags, meta, settings, logs;
`

// subsetRefs are the references the schema does not declare.
var subsetRefs = []Reference{
	{From: "meta", FromCols: []string{"obj_id"}, To: "orders", ToCols: []string{"id"}, Where: "kind = 'order'", Dependents: true},
	{From: "meta", FromCols: []string{"obj_id"}, To: "customers", ToCols: []string{"id"}, Where: "kind = 'customer'", Dependents: true},
}

// expectedClosure computes the same closure by hand in tables exp_*: the
// roots, then, until nothing changes, each reference followed up (the row
// referenced) and, for cascades and the meta rows, down (the rows that
// belong to a taken row).
const expectedClosure = `
CREATE TABLE exp_customers (id INT PRIMARY KEY);
CREATE TABLE exp_orders (id INT PRIMARY KEY);
CREATE TABLE exp_products (id BIGINT UNSIGNED PRIMARY KEY);
CREATE TABLE exp_items (id INT PRIMARY KEY);
CREATE TABLE exp_order_tags (order_id INT, tag VARCHAR(20), PRIMARY KEY (order_id, tag));
CREATE TABLE exp_meta (id INT PRIMARY KEY);
INSERT INTO exp_orders SELECT id FROM orders WHERE created >= '2024-04-01';
DELIMITER //
CREATE PROCEDURE fix()
BEGIN
  DECLARE before_n, after_n BIGINT DEFAULT -1;
  WHILE before_n < after_n OR before_n = -1 DO
    SET before_n = (SELECT (SELECT COUNT(*) FROM exp_customers) + (SELECT COUNT(*) FROM exp_orders) + (SELECT COUNT(*) FROM exp_products)
      + (SELECT COUNT(*) FROM exp_items) + (SELECT COUNT(*) FROM exp_order_tags) + (SELECT COUNT(*) FROM exp_meta));
    -- up
    INSERT IGNORE INTO exp_customers SELECT o.customer_id FROM orders o JOIN exp_orders e ON e.id = o.id;
    INSERT IGNORE INTO exp_customers SELECT c.referrer_id FROM customers c JOIN exp_customers e ON e.id = c.id WHERE c.referrer_id IS NOT NULL;
    INSERT IGNORE INTO exp_orders SELECT i.order_id FROM items i JOIN exp_items e ON e.id = i.id;
    INSERT IGNORE INTO exp_products SELECT i.product_id FROM items i JOIN exp_items e ON e.id = i.id;
    INSERT IGNORE INTO exp_items SELECT p.best_item_id FROM products p JOIN exp_products e ON e.id = p.id WHERE p.best_item_id IS NOT NULL;
    INSERT IGNORE INTO exp_orders SELECT t.order_id FROM order_tags t JOIN exp_order_tags e ON e.order_id = t.order_id AND e.tag = t.tag;
    INSERT IGNORE INTO exp_orders SELECT o.id FROM meta m JOIN exp_meta e ON e.id = m.id JOIN orders o ON o.id = m.obj_id WHERE m.kind = 'order';
    INSERT IGNORE INTO exp_customers SELECT c.id FROM meta m JOIN exp_meta e ON e.id = m.id JOIN customers c ON c.id = m.obj_id WHERE m.kind = 'customer';
    -- down
    INSERT IGNORE INTO exp_items SELECT i.id FROM items i JOIN exp_orders e ON e.id = i.order_id;
    INSERT IGNORE INTO exp_order_tags SELECT t.order_id, t.tag FROM order_tags t JOIN exp_orders e ON e.id = t.order_id;
    INSERT IGNORE INTO exp_meta SELECT m.id FROM meta m JOIN exp_orders e ON m.obj_id = e.id WHERE m.kind = 'order';
    INSERT IGNORE INTO exp_meta SELECT m.id FROM meta m JOIN exp_customers e ON m.obj_id = e.id WHERE m.kind = 'customer';
    SET after_n = (SELECT (SELECT COUNT(*) FROM exp_customers) + (SELECT COUNT(*) FROM exp_orders) + (SELECT COUNT(*) FROM exp_products)
      + (SELECT COUNT(*) FROM exp_items) + (SELECT COUNT(*) FROM exp_order_tags) + (SELECT COUNT(*) FROM exp_meta));
  END WHILE;
END//
DELIMITER ;
CALL fix();
`

// TestSubsetClosure dumps a subset and loads it: the rows of each table are
// exactly those of the closure computed by hand, no reference dangles, the
// whole table is whole and the tables reached by nothing are empty; with
// one reader and with parallel readers over small ranges.
func TestSubsetClosure(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, subsetSchema)
	_, exp := mariadbtest.DatabaseName(t, "exp")
	srv.Exec(t, "", "CREATE DATABASE "+exp)
	for _, tb := range []string{"customers", "orders", "products", "items", "order_tags", "meta"} {
		srv.Exec(t, exp, fmt.Sprintf("CREATE TABLE %s LIKE `%s`.%s; INSERT INTO %s SELECT * FROM `%s`.%s;", tb, db, tb, tb, db, tb))
	}
	srv.Exec(t, exp, "SET FOREIGN_KEY_CHECKS = 0;\n"+expectedClosure)
	want := map[string]string{}
	for _, tb := range []string{"customers", "orders", "products", "items", "meta"} {
		want[tb] = srv.Query(t, exp, "SELECT IFNULL(GROUP_CONCAT(id ORDER BY id), '') FROM exp_"+tb)
	}
	want["order_tags"] = srv.Query(t, exp, "SELECT IFNULL(GROUP_CONCAT(order_id, tag ORDER BY order_id, tag), '') FROM exp_order_tags")
	if n := strings.Count(want["orders"], ","); n < 100 || n > 900 {
		t.Fatalf("the expected closure has %d orders: the test data does not test much", n+1)
	}

	sub := &Subset{
		Roots: []SubsetRoot{{Table: "orders", Where: "created >= '2024-04-01'"}},
		Whole: []string{"sett*"},
		Refs:  subsetRefs,
	}
	for _, tc := range []struct {
		name            string
		threads, chunks int
		page, result    int // subsetPage and subsetResult (and INSERTs of 120 bytes), 0 to keep them
	}{{"single", 1, 0, 0, 0}, {"parallel", 4, 50, 0, 0}, {"small pages", 2, 0, 7, 13}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.page > 0 {
				// Every query's result and every round's keys
				// span many pages: the bounded-memory paths.
				p, r, b := subsetPage, subsetResult, subsetInsertBytes
				subsetPage, subsetResult, subsetInsertBytes = tc.page, tc.result, 120
				t.Cleanup(func() { subsetPage, subsetResult, subsetInsertBytes = p, r, b })
			}
			script, info := dump(t, Config{DSN: srv.DSN(""), Database: db, Threads: tc.threads, ChunkRows: tc.chunks, Subset: sub})
			_, out := mariadbtest.DatabaseName(t, "out")
			srv.Exec(t, "", "CREATE DATABASE "+out)
			srv.Exec(t, out, string(script))
			for tb, w := range want {
				q := "SELECT IFNULL(GROUP_CONCAT(id ORDER BY id), '') FROM " + tb
				if tb == "order_tags" {
					q = "SELECT IFNULL(GROUP_CONCAT(order_id, tag ORDER BY order_id, tag), '') FROM order_tags"
				}
				if got := srv.Query(t, out, q); got != w {
					t.Errorf("%s: got rows %.200s\nwant %.200s", tb, got, w)
				}
			}
			for _, q := range []string{
				"SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL",
				"SELECT COUNT(*) FROM customers o LEFT JOIN customers c ON c.id = o.referrer_id WHERE o.referrer_id IS NOT NULL AND c.id IS NULL",
				"SELECT COUNT(*) FROM items i LEFT JOIN orders o ON o.id = i.order_id WHERE o.id IS NULL",
				"SELECT COUNT(*) FROM items i LEFT JOIN products p ON p.id = i.product_id WHERE p.id IS NULL",
				"SELECT COUNT(*) FROM products p LEFT JOIN items i ON i.id = p.best_item_id WHERE p.best_item_id IS NOT NULL AND i.id IS NULL",
				"SELECT COUNT(*) FROM order_tags t LEFT JOIN orders o ON o.id = t.order_id WHERE o.id IS NULL",
				"SELECT COUNT(*) FROM meta m LEFT JOIN orders o ON o.id = m.obj_id WHERE m.kind = 'order' AND m.obj_id IS NOT NULL AND o.id IS NULL",
				"SELECT COUNT(*) FROM meta m LEFT JOIN customers c ON c.id = m.obj_id WHERE m.kind = 'customer' AND c.id IS NULL",
				"SELECT COUNT(*) FROM logs",
				"SELECT COUNT(*) FROM nokey",
				"SELECT 2 - COUNT(*) FROM settings",
			} {
				if got := srv.Query(t, out, q); got != "0" {
					t.Errorf("%s: %s, want 0", q, got)
				}
			}
			if info.Subset == nil {
				t.Fatal("Info.Subset is nil")
			}
			how := map[string]string{}
			for _, st := range info.Subset.Tables {
				how[st.Table] = st.How
				if w, ok := want[st.Table]; ok && st.Taken != int64(strings.Count(w, ",")+1) {
					t.Errorf("%s: Taken = %d, want %d", st.Table, st.Taken, strings.Count(w, ",")+1)
				}
			}
			for tb, h := range map[string]string{"orders": "root", "items": "reached", "settings": "whole", "logs": "empty", "nokey": "empty"} {
				if how[tb] != h {
					t.Errorf("%s: How = %q, want %q", tb, how[tb], h)
				}
			}
		})
	}
}

// TestSubsetErrors: a reference to a missing column, a root condition the
// server refuses and a reached table without a primary key are ErrSubset.
func TestSubsetErrors(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, subsetSchema+"CREATE TABLE notes (order_id INT, body TEXT);")
	for _, sub := range []*Subset{
		{Roots: []SubsetRoot{{Table: "orders", Where: "nosuchcolumn > 1"}}},
		{Roots: []SubsetRoot{{Table: "nosuch", Where: "1"}}},
		{Roots: []SubsetRoot{{Table: "orders", Where: "1"}}, Refs: []Reference{{From: "items", FromCols: []string{"nope"}, To: "orders", ToCols: []string{"id"}}}},
		{Roots: []SubsetRoot{{Table: "orders", Where: "1"}}, Refs: []Reference{{From: "notes", FromCols: []string{"order_id"}, To: "orders", ToCols: []string{"id"}, Dependents: true}}},
	} {
		_, err := Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Threads: 2, Subset: sub})
		if !errors.Is(err, ErrSubset) {
			t.Errorf("%+v: err = %v, want ErrSubset", sub, err)
		} else {
			t.Log(err)
		}
	}
}
