package rules

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// presetSchemas pairs each preset with the real schemas of its app
// (testdata/cms/README.md). woocommerce is checked on WordPress's tables
// only: no WooCommerce schema is at hand here.
var presetSchemas = []struct {
	preset string
	files  []string
}{
	{"wordpress", []string{"wordpress-6.1.sql.gz"}},
	{"woocommerce", []string{"wordpress-6.1.sql.gz"}},
	{"magento2", []string{"magento-2.4.sql.gz"}},
	{"drupal", []string{"drupal-10.sql.gz"}},
	{"prestashop", []string{"prestashop-1.7.sql.gz", "prestashop-8.sql.gz", "prestashop-9.sql.gz"}},
}

// mustCover reports whether a column's type can hold free text or
// documents, so that a preset must say what it does with it: the text,
// blob and JSON families, and char/varchar of 128 characters or more
// (shorter ones hold codes, slugs and identifiers; the scan still looks at
// them).
func mustCover(c sqldump.Column) bool {
	switch c.Type {
	case "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob", "json", "long", "long varchar":
		return true
	case "char", "varchar":
		return c.Length >= coverMinVarchar
	}
	return false
}

const coverMinVarchar = 256

// TestPresetsCoverRealSchemas fails for every text, blob or JSON column of
// an app's own tables that the app's preset neither rules nor keeps, and
// for every default setting the app installs (rows of its key/value tables
// in the schema file) whose key it neither rules nor keeps.
func TestPresetsCoverRealSchemas(t *testing.T) {
	for _, ps := range presetSchemas {
		t.Run(ps.preset, func(t *testing.T) {
			r, err := LoadPreset(ps.preset, Options{CheckTransformer: strict})
			if err != nil {
				t.Fatal(err)
			}
			missing := map[string][]string{} // what -> files
			checked := 0
			for _, f := range ps.files {
				s := readCMSSchema(t, f)
				n, miss, err := uncovered(r, s)
				if err != nil {
					t.Errorf("%s: %v", f, err)
				}
				checked += n
				for _, m := range miss {
					missing[m] = append(missing[m], f)
				}
			}
			ids := make([]string, 0, len(missing))
			for id := range missing {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				t.Errorf("preset:%s neither rules nor keeps %s, in %s", ps.preset, id, strings.Join(missing[id], ", "))
			}
			if len(ids) > 0 {
				t.Logf("%d of %d columns and keys uncovered", len(ids), checked)
			}
			if checked < 20 {
				t.Errorf("only %d columns and keys checked", checked)
			}
		})
	}
}

// The check names what a preset stops covering: a column, a table, a key.
func TestPresetsCoverRealSchemasCatchesGaps(t *testing.T) {
	s := readCMSSchema(t, "wordpress-6.1.sql.gz")
	r, err := LoadPreset("wordpress", Options{})
	if err != nil {
		t.Fatal(err)
	}
	posts := r.ForTable("wp_posts")
	posts.Columns = slices.DeleteFunc(posts.Columns, func(c *ColumnRule) bool { return c.Column == "post_content" })
	for _, tr := range r.Tables {
		if tr.Pattern == "wp_links" {
			tr.Action = ActionTransform
			tr.Columns = []*ColumnRule{{Column: "link_url", Spec: &Spec{Name: "url"}}}
		}
	}
	opts := r.ForTable("wp_options").EAV
	opts.Keys = slices.DeleteFunc(opts.Keys, func(k *KeyRule) bool { return k.Key == "blogname" })
	opts.once = sync.Once{}
	_, miss, err := uncovered(r, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"wp_links.link_notes (mediumtext)",
		`wp_options.option_value where option_name = "blogname"`,
		"wp_posts.post_content (longtext)",
	}
	if !slices.Equal(miss, want) {
		t.Errorf("uncovered:\n%s\nwant:\n%s", strings.Join(miss, "\n"), strings.Join(want, "\n"))
	}
}

// uncovered returns how many columns and keys of s the check looked at,
// and those r neither rules nor keeps, sorted.
func uncovered(r *Rules, s cmsSchema) (checked int, missing []string, err error) {
	for _, tb := range s.tables {
		tr := r.ForTable(tb.Name)
		for _, c := range tb.Columns {
			if !mustCover(c) {
				continue
			}
			checked++
			if tr != nil && tr.Action == ActionTransform && tr.EAV != nil && strings.EqualFold(c.Name, tr.EAV.ValueColumn) {
				continue // covered key by key, below
			}
			if r.Coverage(tb.Name, c.Name, "") == Uncovered {
				missing = append(missing, fmt.Sprintf("%s.%s (%s)", tb.Name, c.Name, c.TypeText))
			}
		}
	}
	for _, row := range s.rows {
		tr := r.ForTable(row.table)
		if tr == nil || tr.EAV == nil || !strings.EqualFold(row.keyColumn, tr.EAV.KeyColumn) {
			err = fmt.Errorf("%s has rows keyed by %s, but no eav rule with that key column", row.table, row.keyColumn)
			continue
		}
		checked++
		if r.Coverage(row.table, tr.EAV.ValueColumn, row.key) == Uncovered {
			missing = append(missing, fmt.Sprintf("%s.%s where %s = %q", row.table, tr.EAV.ValueColumn, row.keyColumn, row.key))
		}
	}
	sort.Strings(missing)
	return checked, missing, err
}

// cmsSchema is what a schema file of testdata/cms holds: its tables, and
// the keys of the rows its INSERTs put into key/value tables.
type cmsSchema struct {
	tables []*sqldump.Table
	rows   []cmsRow
}

type cmsRow struct{ table, keyColumn, key string }

// eavKeyColumns names the key column of the key/value tables whose rows a
// schema file inserts (an app's default settings).
var eavKeyColumns = []string{"option_name", "meta_key", "name"}

func readCMSSchema(t *testing.T, file string) cmsSchema {
	t.Helper()
	f, err := os.Open("../testdata/cms/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var s cmsSchema
	sc := sqldump.NewScanner(zr)
	for {
		st, err := sc.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		switch st.Kind {
		case sqldump.KindCreateTable:
			tb, err := st.CreateTable()
			if err != nil {
				t.Fatalf("%s: line %d: %v", file, st.Line, err)
			}
			s.tables = append(s.tables, tb)
		case sqldump.KindInsert:
			key := -1
			for i, c := range st.Columns {
				if slices.Contains(eavKeyColumns, strings.ToLower(c)) {
					key = i
				}
			}
			if key < 0 {
				t.Fatalf("%s: line %d: an INSERT into %s without a column list naming its key column", file, st.Line, st.Table)
			}
			for {
				row, err := sc.NextRow()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				k, _ := row.Values[key].Bytes()
				s.rows = append(s.rows, cmsRow{table: st.Table, keyColumn: st.Columns[key], key: string(k)})
			}
		}
	}
	if len(s.tables) == 0 {
		t.Fatalf("%s: no tables", file)
	}
	return s
}
