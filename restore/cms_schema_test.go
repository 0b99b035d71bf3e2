package restore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
	"github.com/stagecopy/stagecopy/snapshot"
)

// The real schemas of the CMSs the presets name, as their installers create
// them, generated from the projects' own sources (testdata/cms/README.md).
var cmsSchemas = []struct {
	file, preset string
	// extra plants personal data in columns and keys the preset does not
	// name by itself but must cover (what reviews found it left).
	extra []plant
	// bad is a query that finds, in the restored copy, rows whose fakes the
	// server did not store as written; it must find none.
	bad string
}{
	{file: "wordpress-6.1.sql.gz", preset: "wordpress"},
	{file: "wordpress-6.1.sql.gz", preset: "woocommerce"},
	{file: "magento-2.4.sql.gz", preset: "magento2", extra: magentoExtra},
	{file: "drupal-10.sql.gz", preset: "drupal", extra: drupalExtra},
	{file: "prestashop-1.7.sql.gz", preset: "prestashop", extra: prestashopExtra, bad: "SELECT ip_address FROM ps_connections WHERE NOT (INET_NTOA(ip_address) LIKE '192.0.2.%' OR INET_NTOA(ip_address) LIKE '198.51.100.%' OR INET_NTOA(ip_address) LIKE '203.0.113.%')"},
	{file: "prestashop-8.sql.gz", preset: "prestashop", extra: prestashopExtra, bad: "SELECT ip_address FROM ps_connections WHERE NOT (INET_NTOA(ip_address) LIKE '192.0.2.%' OR INET_NTOA(ip_address) LIKE '198.51.100.%' OR INET_NTOA(ip_address) LIKE '203.0.113.%')"},
	{file: "prestashop-9.sql.gz", preset: "prestashop", extra: append(slices.Clone(prestashopExtra), prestashop9Extra...), bad: "SELECT ip_address FROM ps_connections WHERE NOT (INET_NTOA(ip_address) LIKE '192.0.2.%' OR INET_NTOA(ip_address) LIKE '198.51.100.%' OR INET_NTOA(ip_address) LIKE '203.0.113.%')"},
}

// magentoExtra is what a review found the magento2 preset left (issue 11):
// payment details, custom options, custom attributes, reviews, gift
// messages, logs, integrations and admin role names.
var magentoExtra = []plant{
	{table: "quote_payment", column: "additional_information", value: `{"method_title":"PayPal Express Checkout","paypal_payer_email":"payer.quote@gmail.com","paypal_payer_id":"QPAYERPLANT01","paypal_payer_status":"verified","paypal_payer_name":"Quotepayer Plantname"}`,
		find: []string{"payer.quote@gmail.com", "QPAYERPLANT01", "Quotepayer"}},
	{table: "sales_order_payment", column: "additional_information", value: `{"method_title":"PayPal","paypal_payer_email":"payer.order@gmail.com","paypal_payer_id":"OPAYERPLANT02","payer":{"first_name":"Orderpayer","phone":"+44 20 7946 0123"}}`,
		find: []string{"payer.order@gmail.com", "OPAYERPLANT02", "Orderpayer", "7946 0123"}},
	{table: "sales_payment_transaction", column: "additional_information", value: `{"raw_details_info":{"payer_email":"payer.txn@gmail.com","payer_name":"Txnpayer Plantname","address_street":"12 Txnstreet Road"}}`,
		find: []string{"payer.txn@gmail.com", "Txnpayer", "Txnstreet"}},
	{table: "sales_order_item", column: "product_options", value: `{"info_buyRequest":{"qty":1,"options":{"7":"Engraved for Engravee Plantname"}},"options":[{"label":"Engraving","value":"Engraved for Engravee Plantname","print_value":"Engraved for Engravee Plantname","option_value":"Engraved for Engravee Plantname"}],"giftcard_recipient_email":"gift.to@gmail.com","giftcard_sender_name":"Giftsender Plantname","giftcard_message":"Happy birthday Giftee"}`,
		find: []string{"Engravee", "gift.to@gmail.com", "Giftsender", "Giftee"}},
	{table: "customer_entity_varchar", column: "value", value: "+44 20 7946 0888"},
	{table: "customer_entity_text", column: "value", value: "Customer note: Plantnote Doe, call 07700 900123"},
	{table: "customer_entity_datetime", column: "value", value: "1980-05-17 00:00:00", find: []string{"1980-05-17"}},
	{table: "customer_address_entity_varchar", column: "value", value: "+44 20 7946 0777"},
	{table: "customer_address_entity_text", column: "value", value: "Gate code 4411 for Plantgate"},
	{table: "review_detail", column: "title", value: "Plantreviewer loved it"},
	{table: "review_detail", column: "detail", value: "I, Plantreviewer of Leeds, say so"},
	{table: "gift_message", column: "sender", value: "Plantsender Smith"},
	{table: "gift_message", column: "recipient", value: "Plantrecipient Smith"},
	{table: "gift_message", column: "message", value: "Love from Plantsender"},
	{table: "captcha_log", column: "value", value: "plantlogin@gmail.com"},
	{table: "oauth_token_request_log", column: "user_name", value: "plantapiuser"},
	{table: "oauth_consumer", column: "key", value: "plantconsumerkey0001"},
	{table: "oauth_consumer", column: "secret", value: "plantconsumersecret01"},
	{table: "integration", column: "email", value: "integrator.plant@gmail.com"},
	{table: "authorization_role", column: "role_type", value: "U", fixed: true},
	{table: "authorization_role", column: "role_name", value: "plantadmin"},
	{table: "sales_order", column: "x_forwarded_for", value: "81.2.69.201, 81.2.69.202", find: []string{"81.2.69.201", "81.2.69.202"}},
}

// drupalExtra: banned visitors' addresses, a field added to user accounts,
// and queued jobs.
var drupalExtra = []plant{
	{table: "ban_ip", column: "ip", value: "81.2.69.160"},
	{table: "user__field_test_field", column: "field_test_field_description", value: "Photo of Plantpicture Doe at home"},
	{table: "queue", column: "data", value: `a:1:{s:4:"mail";s:20:"queued.jane@gmail.com";}`, find: []string{"queued.jane@gmail.com"}},
}

// prestashopExtra is what a review found the prestashop preset left
// (issue 13): the order's internal note, vouchers made for one customer,
// address titles, settings holding secrets and staff data, and an IP kept
// as a number.
var prestashopExtra = []plant{
	{table: "ps_orders", column: "note", value: "Call Plantnote Martin on +44 7700 900456 before delivery"},
	{table: "ps_cart_rule", column: "description", value: "Sorry voucher for Plantvoucher Dupont"},
	{table: "ps_cart_rule", column: "code", value: "DUPONTPLANT10"},
	{table: "ps_cart_rule_lang", column: "name", value: "Gift for Plantvoucher Dupont"},
	{table: "ps_address", column: "alias", value: "Plantalias office"},
	{table: "ps_configuration", keyColumn: "name", key: "PS_SAV_IMAP_PWD", column: "value", value: "plantimapsecret42"},
	{table: "ps_configuration", keyColumn: "name", key: "PS_SAV_IMAP_USER", column: "value", value: "imap.plant@gmail.com"},
	{table: "ps_configuration", keyColumn: "name", key: "PS_MAIL_DKIM_KEY", column: "value", value: "-----BEGIN RSA PRIVATE KEY-----PLANTDKIM"},
	{table: "ps_configuration", keyColumn: "name", key: "PS_LOGS_EMAIL_RECEIVERS", column: "value", value: "logs.plant@gmail.com"},
	{table: "ps_configuration", keyColumn: "name", key: "PS_MAINTENANCE_IP", column: "value", value: "81.2.69.142,81.2.69.143"},
	// INET_ATON('81.2.69.200'): the server cut the text fake to 198.
	{table: "ps_connections", column: "ip_address", value: "1359103432"},
}

// prestashop9Extra: tables PrestaShop 9 adds.
var prestashop9Extra = []plant{
	{table: "ps_admin_filter", column: "filter", value: `{"filters":{"email":"searched.plant@gmail.com"}}`, find: []string{"searched.plant@gmail.com"}},
	{table: "ps_api_client", column: "client_secret", value: "plantclientsecret0001"},
}

// plant is one personal value put into a table: a column's value, or, for
// a key/value table, the value column of a row whose key column is key.
type plant struct {
	table, column  string
	keyColumn, key string
	value          string
	// find lists the personal values inside value to look for, when value
	// is a document; by default value itself is looked for.
	find []string
	// fixed values select the rows a rule's where applies to; they are
	// not personal and not looked for in the archive.
	fixed bool
	// row tells apart the rows planted in one table for the same key.
	row int
	// kept values are in columns and keys a keep rule names: they must
	// be in the archive as they were.
	kept bool
}

// TestPresetsOnRealSchemas loads each CMS's real schema, plants a synthetic
// person in every column, key and truncated table its preset names (and in
// the extra places listed above), snapshots the live database with the
// preset, greps every entry of the archive for every planted value (raw and
// hex), and restores the archive.
func TestPresetsOnRealSchemas(t *testing.T) {
	for _, c := range cmsSchemas {
		t.Run(strings.TrimSuffix(c.file, ".sql.gz")+"/"+c.preset, func(t *testing.T) {
			// Without the rows some schema files insert (an app's default
			// settings): planted keys would collide with them.
			schema := withoutRows(t, flowtest.ReadGzip(t, "../testdata/cms/"+c.file))
			srv, src := mariadbtest.NewDatabase(t)
			srv.Exec(t, src, schema)
			r, err := rules.LoadPreset(c.preset, rules.Options{})
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("mysql", srv.DSN(src))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			cols := schemaColumns(t, db, src)
			plants := plantPreset(t, r, cols)
			plants = append(plants, c.extra...)
			plants = insertPlants(t, db, cols, plants)

			secret := []byte("0123456789abcdef0123456789abcdef")
			var buf bytes.Buffer
			res, err := snapshot.Create(context.Background(), &buf, snapshot.Options{
				Rules: r, Secret: secret,
				Server: &dbdump.Config{DSN: srv.DSN(src), Database: src, Threads: 2}, ServerName: "test",
			})
			if err != nil {
				t.Fatal(err)
			}
			text := flowtest.Text(t, buf.Bytes())
			checked, kept := 0, 0
			for _, p := range plants {
				find := p.find
				if find == nil && len(p.value) >= 8 && !p.fixed {
					find = []string{p.value}
				}
				where := p.table + "." + p.column
				if p.key != "" {
					where = fmt.Sprintf("%s[%s]", p.table, p.key)
				}
				for _, v := range find {
					in := strings.Contains(text, v) || strings.Contains(text, strings.ToUpper(hex.EncodeToString([]byte(v)))) ||
						strings.Contains(text, hex.EncodeToString([]byte(v)))
					switch {
					case p.kept:
						kept++
						if !in {
							t.Errorf("%s: kept %q is not in the archive", where, v)
						}
					case in:
						t.Errorf("%s: planted %q is in the archive", where, v)
					default:
						checked++
					}
				}
			}
			t.Logf("%d tables, %d planted values checked, %d kept values found, %d tables in the archive", len(cols), checked, kept, len(res.Manifest.Tables))
			if checked < 20 {
				t.Errorf("only %d planted values checked", checked)
			}

			// The live snapshot restores, and so does a snapshot of the same
			// database's dump with the same rules and secret, to the same
			// checksums.
			restore := func(tag string, data []byte) (string, map[string]string) {
				name := mariadbtest.Name(t, tag)
				if _, err := Run(context.Background(), Options{
					Archive: bytes.NewReader(data), ArchivePath: tag + ".tar.zst", Server: srv.Config(t, ""),
					Database: name, Threads: 2, Registry: flowtest.Registry(t), CMS: "none",
				}); err != nil {
					t.Fatalf("restore %s: %v", tag, err)
				}
				sums := srv.Checksums(t, name)
				delete(sums, registry.MarkerTable)
				return name, sums
			}
			name, liveSums := restore("live", buf.Bytes())
			if c.bad != "" {
				if rows := srv.Query(t, name, c.bad); rows != "" {
					t.Errorf("%s: found %q", c.bad, rows)
				}
			}
			want := tableNames(t, db, src)
			got := tableNames(t, db, name)
			got = slices.DeleteFunc(got, func(s string) bool { return s == registry.MarkerTable })
			if !slices.Equal(want, got) {
				t.Errorf("restored tables differ: %d in the source, %d restored", len(want), len(got))
			}
			dumpFile := t.TempDir() + "/dump.sql"
			if err := os.WriteFile(dumpFile, srv.Dump(t, src), 0o600); err != nil {
				t.Fatal(err)
			}
			var fromDump bytes.Buffer
			if _, err := snapshot.Create(context.Background(), &fromDump, snapshot.Options{Rules: r, Secret: secret, DumpPath: dumpFile}); err != nil {
				t.Fatal(err)
			}
			_, dumpSums := restore("dump", fromDump.Bytes())
			if len(liveSums) < len(cols) {
				t.Errorf("%d checksums for %d tables", len(liveSums), len(cols))
			}
			if !maps.Equal(liveSums, dumpSums) {
				for tb, sum := range liveSums {
					if dumpSums[tb] != sum {
						t.Errorf("table %s: live snapshot restores to checksum %s, the dump's to %s", tb, sum, dumpSums[tb])
					}
				}
			}
		})
	}
}

// withoutRows returns the statements of a dump but its INSERTs.
func withoutRows(t *testing.T, dump string) string {
	t.Helper()
	var b strings.Builder
	sc := sqldump.NewScanner(strings.NewReader(dump))
	for {
		st, err := sc.Next()
		if errors.Is(err, io.EOF) {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.Kind != sqldump.KindInsert {
			b.Write(st.Lead)
			b.Write(st.Text)
			continue
		}
		for {
			if _, err := sc.NextRow(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
	}
}

type schemaColumn struct {
	name, dataType, columnType, extra string
	nullable, hasDefault              bool
	maxLen                            int64
}

// schemaColumns returns the columns of every base table, by table.
func schemaColumns(t *testing.T, db *sql.DB, schema string) map[string][]schemaColumn {
	t.Helper()
	rows, err := db.Query(`SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.EXTRA, c.IS_NULLABLE = 'YES',
		c.COLUMN_DEFAULT IS NOT NULL, COALESCE(c.CHARACTER_MAXIMUM_LENGTH, 0)
		FROM information_schema.COLUMNS c JOIN information_schema.TABLES t USING (TABLE_SCHEMA, TABLE_NAME)
		WHERE c.TABLE_SCHEMA = ? AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]schemaColumn{}
	for rows.Next() {
		var table string
		var c schemaColumn
		if err := rows.Scan(&table, &c.name, &c.dataType, &c.columnType, &c.extra, &c.nullable, &c.hasDefault, &c.maxLen); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func tableNames(t *testing.T, db *sql.DB, schema string) []string {
	t.Helper()
	rows, err := db.Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func isText(c schemaColumn) bool {
	switch c.dataType {
	case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "json":
		return true
	}
	return false
}

func isDate(c schemaColumn) bool {
	return c.dataType == "date" || c.dataType == "datetime" || c.dataType == "timestamp"
}

// plantValue returns a distinctive value of the kind a transformer stands
// for, n making it unique.
func plantValue(kind string, n int) string {
	switch kind {
	case "email":
		return fmt.Sprintf("plant%03d.jane@gmail.com", n)
	case "first_name", "last_name", "full_name", "username", "name":
		return fmt.Sprintf("Plantname%03d", n)
	case "phone":
		return fmt.Sprintf("+44 20 7946 %04d", n)
	case "ip":
		return fmt.Sprintf("81.2.%d.%d", 60+n/200, n%200+10)
	case "street":
		return fmt.Sprintf("%d Plantstreet Road", n)
	case "city":
		return fmt.Sprintf("Plantcity%03d", n)
	case "zip":
		return fmt.Sprintf("PL%05d", n)
	case "company":
		return fmt.Sprintf("Plantcorp%03d Ltd", n)
	case "url":
		return fmt.Sprintf("https://plant%03d.co.uk/", n)
	case "lorem":
		return fmt.Sprintf("Plant note %03d: call Jane", n)
	}
	return fmt.Sprintf("plantsecret%03d", n)
}

// plantPreset plants a value in every column and literal key the rules
// name (a plain kept value in those they keep), and in every text column
// of the tables they truncate, for the tables the schema has.
func plantPreset(t *testing.T, r *rules.Rules, cols map[string][]schemaColumn) []plant {
	t.Helper()
	var out []plant
	n := 0
	tables := make([]string, 0, len(cols))
	for tb := range cols {
		tables = append(tables, tb)
	}
	sort.Strings(tables)
	for _, tb := range tables {
		tr := r.ForTable(tb)
		if tr == nil {
			continue
		}
		switch tr.Action {
		case rules.ActionTruncate, rules.ActionSkip:
			for _, c := range cols[tb] {
				if isText(c) {
					n++
					out = append(out, plant{table: tb, column: c.name, value: plantValue("secret", n)})
				}
			}
			continue
		case rules.ActionKeep:
			continue
		}
		// Rules whose where want different values of a column (post_type
		// user_request, shop_order) get rows of their own.
		var rows []map[string]string // row -> column -> fixed value
		for _, cr := range tr.Columns {
			if cr.Keep {
				n++
				out = append(out, plant{table: tb, column: cr.Column, value: keptValue(n), find: []string{keptValue(n)[1:13]}, kept: true})
				continue
			}
			want := map[string]string{}
			for _, cond := range append(slices.Clone(tr.Where), cr.Where...) {
				if len(cond.Equals) > 0 && !cond.Not {
					want[cond.Column] = cond.Equals[0]
				}
			}
			row := 0
			for ; row < len(rows); row++ {
				fits := true
				for c, v := range want {
					if have, ok := rows[row][c]; ok && have != v {
						fits = false
					}
				}
				if fits {
					break
				}
			}
			if row == len(rows) {
				rows = append(rows, map[string]string{})
			}
			for c, v := range want {
				rows[row][c] = v
				out = append(out, plant{table: tb, column: c, value: v, fixed: true, row: row})
			}
			n++
			out = append(out, plant{table: tb, column: cr.Column, value: ruleValue(cr.Spec, cr.JSON, cr.PHP, n), row: row})
		}
		if tr.EAV != nil {
			for _, kr := range tr.EAV.Keys {
				if strings.ContainsAny(kr.Key, "*?[") {
					continue
				}
				if kr.Keep {
					n++
					out = append(out, plant{table: tb, column: tr.EAV.ValueColumn, keyColumn: tr.EAV.KeyColumn, key: kr.Key, value: keptValue(n), find: []string{keptValue(n)[1:13]}, kept: true})
					continue
				}
				n++
				out = append(out, plant{table: tb, column: tr.EAV.ValueColumn, keyColumn: tr.EAV.KeyColumn, key: kr.Key, value: ruleValue(kr.Spec, kr.JSON, kr.PHP, n)})
			}
		}
	}
	return out
}

// keptValue returns a plain value for a column a rule keeps, quoted so
// that it is also a JSON document.
func keptValue(n int) string { return fmt.Sprintf(`"keptvalue%03d"`, n) }

// ruleValue returns a planted value for a rule: a JSON or PHP document
// holding values at the rule's literal paths, or a plain value.
func ruleValue(spec *rules.Spec, jsonPaths, phpPaths []*rules.PathRule, n int) string {
	if spec != nil || (len(jsonPaths) == 0 && len(phpPaths) == 0) {
		name := "secret"
		if spec != nil {
			name = spec.Name
		}
		return plantValue(name, n)
	}
	var parts []string
	paths := jsonPaths
	if len(paths) == 0 {
		paths = phpPaths
	}
	for _, p := range paths {
		if strings.ContainsAny(p.Path, "*?[.") {
			continue
		}
		parts = append(parts, p.Path, plantValue(p.Spec.Name, n))
	}
	if len(jsonPaths) > 0 {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < len(parts); i += 2 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%q", parts[i], parts[i+1])
		}
		b.WriteString("}")
		return b.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "a:%d:{", len(parts)/2)
	for i := 0; i < len(parts); i += 2 {
		fmt.Fprintf(&b, "s:%d:%q;s:%d:%q;", len(parts[i]), parts[i], len(parts[i+1]), parts[i+1])
	}
	b.WriteString("}")
	return b.String()
}

// insertPlants inserts one row per table holding its planted column values
// (and one row per planted key, and per row number), filling the other NOT NULL columns without
// a default with plain values of their type. Foreign keys are not checked.
// It returns the plants as inserted: cut to their column's length, and
// without those in columns that cannot hold them (numbers: issue 13).
func insertPlants(t *testing.T, db *sql.DB, cols map[string][]schemaColumn, plants []plant) []plant {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "SET FOREIGN_KEY_CHECKS=0"); err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]plant{} // table\x00key\x00row -> column -> plant
	var order []string
	for _, p := range plants {
		if _, ok := cols[p.table]; !ok {
			t.Errorf("planted in %s, which the schema does not have", p.table)
			continue
		}
		id := fmt.Sprintf("%s\x00%s\x00%d", p.table, p.key, p.row)
		if rows[id] == nil {
			rows[id] = map[string]plant{}
			order = append(order, id)
		}
		rows[id][p.column] = p
		if p.key != "" {
			rows[id][p.keyColumn] = plant{table: p.table, column: p.keyColumn, value: p.key, fixed: true}
		}
	}
	var inserted []plant
	seq := 0
	for _, id := range order {
		table, _, _ := strings.Cut(id, "\x00")
		var names []string
		var args []any
		for _, c := range cols[table] {
			seq++
			p, planted := rows[id][c.name]
			if planted && p.kept && (!isText(c) || c.maxLen > 0 && int64(len(p.value)) > c.maxLen) {
				planted = false // a kept value the column cannot hold whole
			}
			switch {
			case planted && p.fixed:
				args = append(args, p.value)
			case planted && (isText(c) || isDate(c) && len(p.value) >= 10 && p.value[4] == '-' && p.value[7] == '-' ||
				strings.Contains(c.dataType, "int") && strings.Trim(p.value, "0123456789") == ""):
				if c.maxLen > 0 && int64(len(p.value)) > c.maxLen {
					p.value = p.value[:c.maxLen]
				}
				args = append(args, p.value)
				inserted = append(inserted, p)
			case !planted && (c.nullable || c.hasDefault || strings.Contains(c.extra, "auto_increment") || strings.Contains(c.extra, "GENERATED")):
				continue
			default:
				args = append(args, filler(c, seq))
			}
			names = append(names, "`"+c.name+"`")
		}
		q := fmt.Sprintf("INSERT INTO `%s` (%s) VALUES (%s)", table, strings.Join(names, ","), strings.TrimSuffix(strings.Repeat("?,", len(names)), ","))
		if _, err := conn.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("plant in %s: %v", table, err)
		}
	}
	return inserted
}

// filler returns a plain value of a column's type.
func filler(c schemaColumn, n int) any {
	switch c.dataType {
	case "tinyint", "smallint", "mediumint", "int", "bigint", "year":
		if c.dataType == "year" {
			return 2020
		}
		return n % 100
	case "decimal", "float", "double":
		return 0
	case "date":
		return "2020-01-02"
	case "datetime", "timestamp":
		return "2020-01-02 03:04:05"
	case "time":
		return "01:02:03"
	case "enum", "set":
		s := strings.TrimPrefix(strings.TrimPrefix(c.columnType, "enum("), "set(")
		s = s[1:]
		return s[:strings.IndexByte(s, '\'')]
	}
	v := fmt.Sprintf(`"f%d"`, n)
	if c.maxLen > 0 && int64(len(v)) > c.maxLen {
		v = v[len(v)-int(c.maxLen):]
	}
	return v
}
