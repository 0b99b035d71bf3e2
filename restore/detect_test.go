package restore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/staging"
	"github.com/stagecopy/stagecopy/snapshot"
)

// TestRestoreDetectsCMSFirst: options that need a CMS, for an archive of a
// custom shop (no CMS's tables), fail before anything is made: restore
// reads the archive's schema entries first (no "database" phase, no
// database, no registry entry), and says which options need what. From a
// pipe, which cannot be read twice, the same error comes after the load,
// and nothing is left either. A WordPress archive is still WordPress.
func TestRestoreDetectsCMSFirst(t *testing.T) {
	srv := mariadbtest.Start(t)
	shop := craft(t, archive.Header{},
		file("db/customers.schema.sql", "CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100));\n", 0),
		file("db/customers.0001.sql", "INSERT INTO customers VALUES (1,'a@example.com');\n", 0),
		file("db/orders.schema.sql", "CREATE TABLE `orders` (id INT PRIMARY KEY, customer INT);\n", 0),
		file("db/orders.0001.sql", "INSERT INTO orders VALUES (1,1);\n", 0))
	for name, opts := range map[string]Options{
		"support admin":    {SupportAdmin: "support"},
		"url, no from-url": {URL: "https://staging.example.test"},
		"rewrite config":   {RewriteConfig: true, FilesDir: t.TempDir() + "/site"},
		"cms named":        {CMS: "wordpress"},
		"named and admin":  {CMS: "magento2", SupportAdmin: "support"},
	} {
		t.Run(name, func(t *testing.T) {
			db := mariadbtest.Name(t, "nocms")
			reg := flowtest.Registry(t)
			var phases []string
			opts.Archive, opts.Server, opts.Database, opts.Registry = bytes.NewReader(shop), srv.Config(t, ""), db, reg
			opts.Progress = func(p Progress) {
				if !slices.Contains(phases, p.Phase) {
					phases = append(phases, p.Phase)
				}
			}
			_, err := Run(context.Background(), opts)
			if !errors.Is(err, ErrNeedsCMS) || !errors.Is(err, staging.ErrUnknownCMS) {
				t.Fatalf("got %v, want %v", err, ErrNeedsCMS)
			}
			if !strings.Contains(err.Error(), "2 tables: customers, orders") || !strings.Contains(err.Error(), "nothing was made") {
				t.Errorf("error does not say what the archive holds: %v", err)
			}
			if slices.Contains(phases, "database") {
				t.Errorf("the load began before the error (phases %v)", phases)
			}
			nothingLeft(t, srv, db, opts.FilesDir, reg)
		})
	}
	t.Run("from a pipe", func(t *testing.T) {
		db := mariadbtest.Name(t, "nocms")
		reg := flowtest.Registry(t)
		_, err := Run(context.Background(), Options{Archive: io.MultiReader(bytes.NewReader(shop)), Server: srv.Config(t, ""),
			Database: db, Registry: reg, SupportAdmin: "support"})
		if !errors.Is(err, ErrNeedsCMS) {
			t.Fatalf("got %v, want %v", err, ErrNeedsCMS)
		}
		nothingLeft(t, srv, db, "", reg)
	})
	// Options that need no CMS go on without one, with a warning.
	t.Run("no CMS needed", func(t *testing.T) {
		var warned string
		res, err := Run(context.Background(), Options{Archive: bytes.NewReader(shop), Server: srv.Config(t, ""),
			Database: mariadbtest.Name(t, "nocms"), Registry: flowtest.Registry(t), Warn: func(s string) { warned += s }})
		if err != nil || res.CMS != "" || !strings.Contains(warned, "no CMS recognized") {
			t.Fatalf("%v, cms %q, warnings %q", err, res.CMS, warned)
		}
	})
	t.Run("wordpress", func(t *testing.T) {
		data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql"})
		res, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""),
			Database: mariadbtest.Name(t, "nocms"), Registry: flowtest.Registry(t), SupportAdmin: "support", URL: "https://staging.example.test"})
		if err != nil {
			t.Fatal(err)
		}
		if res.CMS != "wordpress" || res.Entry.Admin == nil {
			t.Errorf("cms %q, admin %+v", res.CMS, res.Entry.Admin)
		}
	})
}

// TestScanAhead: the tables of an archive's schema entries, in order, and
// the SHA-256 of its stored bytes, as the file's.
func TestScanAhead(t *testing.T) {
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: "../testdata/demo/demo.sql"})
	sum, tables, err := scanAhead(context.Background(), bytes.NewReader(data), 0, archive.Keys{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sumFrom(context.Background(), bytes.NewReader(data), 0, nil)
	if sum != want {
		t.Errorf("sum %s, want %s", sum, want)
	}
	if len(tables) < 4 || !slices.Contains(tables, "wp_users") || !slices.Contains(tables, "wp_options") {
		t.Errorf("tables %v", tables)
	}
}
