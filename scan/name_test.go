package scan

import (
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

var updateByName = flag.Bool("update-byname", false, "rewrite testdata/byname.golden")

// TestByName: names that hold personal data, and names that look like
// they might but do not (flags, references, settings, templates, the
// shop's own data), from WordPress, WooCommerce, PrestaShop, Magento and
// Drupal and from the issue.
func TestByName(t *testing.T) {
	for _, tc := range []struct{ table, name, want string }{
		// The examples.
		{"", "billing_email", "email"},
		{"", "customerPhone", "phone"},
		{"", "user_pass", "credential"},
		{"", "remember_token", "credential"},
		{"user", "user_newpassword", "credential"}, // MediaWiki
		{"oauth_clients", "clientsecret", "credential"},
		{"", "accesstoken", "credential"},
		{"contacts", "homephone", "phone"},
		{"", "passwordless", ""}, // not a compound of a kind word at its end
		{"", "api_key", "credential"},
		{"", "apiKey", "credential"},
		{"", "dob", "birthdate"},
		{"", "postcode", "address"},
		{"", "first_name", "name"},
		{"", "lastname", "name"},
		{"", "iban", "national_id"},
		{"", "vat_number", "national_id"},
		{"", "ip_address", "ip"},
		{"", "session_id", "credential"},
		{"", "salt", "credential"},
		{"wp_posts", "post_password", "credential"},
		// WordPress and WooCommerce columns and meta keys.
		{"wp_users", "user_login", "name"},
		{"wp_users", "user_email", "email"},
		{"wp_users", "user_activation_key", "credential"},
		{"wp_users", "display_name", "name"},
		{"wp_users", "user_nicename", "name"},
		{"wp_comments", "comment_author", "name"},
		{"wp_comments", "comment_author_IP", "ip"},
		{"wp_comments", "comment_author_email", "email"},
		{"wp_usermeta", "billing_first_name", "name"},
		{"wp_usermeta", "billing_address_1", "address"},
		{"wp_usermeta", "shipping_postcode", "address"},
		{"wp_usermeta", "billing_phone", "phone"},
		{"wp_usermeta", "session_tokens", "credential"},
		{"wp_usermeta", "nickname", "name"},
		{"wp_postmeta", "_billing_address_index", "address"},
		{"wp_postmeta", "_customer_ip_address", "ip"},
		{"wp_postmeta", "_billing_email", "email"},
		{"wp_options", "admin_email", "email"},
		{"wp_options", "mailserver_pass", "credential"},
		{"wp_options", "auth_key", "credential"},
		{"wp_options", "logged_in_key", "credential"},
		{"wp_options", "nonce_salt", "credential"},
		{"wp_options", "secure_auth_key", "credential"},
		// PrestaShop, Magento, Drupal.
		{"ps_customer", "passwd", "credential"},
		{"ps_customer", "secure_key", "credential"},
		{"ps_customer", "reset_password_token", "credential"},
		{"ps_customer", "birthday", "birthdate"},
		{"ps_customer", "ip_registration_newsletter", "ip"},
		{"ps_customer", "siret", "national_id"},
		{"ps_address", "dni", "national_id"},
		{"ps_address", "address1", "address"},
		{"ps_address", "phone_mobile", "phone"},
		{"ps_connections", "ip_address", "ip"},
		{"ps_order_payment", "card_number", "card"},
		{"ps_order_payment", "card_holder", "name"},
		{"customer_entity", "taxvat", "national_id"},
		{"customer_entity", "rp_token", "credential"},
		{"customer_entity", "password_hash", "credential"},
		{"customer_address_entity", "vat_id", "national_id"},
		{"customer_address_entity", "telephone", "phone"},
		{"customer_address_entity", "street", "address"},
		{"sales_order", "remote_ip", "ip"},
		{"sales_order", "x_forwarded_for", "ip"},
		{"sales_order", "customer_dob", "birthdate"},
		{"sales_order_payment", "cc_owner", "name"},
		{"sales_order_grid", "billing_address", "address"},
		{"sales_order_grid", "customer_name", "name"},
		{"rating_option_vote", "remote_ip_long", "ip"},
		{"oauth_consumer", "key", "credential"},
		{"oauth_token", "verifier", "credential"},
		{"persistent_session", "key", "credential"},
		{"vault_payment_token", "gateway_token", "credential"},
		{"users_field_data", "name", "name"},
		{"users_field_data", "mail", "email"},
		{"users_field_data", "init", "email"},
		{"users_field_data", "pass", "credential"},
		{"comment_field_data", "name", "name"},
		{"comment_field_data", "hostname", "ip"},
		{"sessions", "sid", "credential"},
		{"sessions", "session", "credential"},
		{"gift_message", "sender", "name"},
		// Other spellings.
		{"", "EmailAddress", "email"},
		{"", "e-mail", "email"},
		{"", "IPAddress", "ip"},
		{"", "date_of_birth", "birthdate"},
		{"", "zip_code", "address"},
		{"", "house_number", "address"},
		{"", "mobile", "phone"},
		{"", "fax", "phone"},
		{"", "cc_number", "card"},
		{"", "privateKey", "credential"},
		{"", "otp_secret", "credential"},
		{"", "client_secret", "credential"},
		{"", "passport_number", "national_id"},
		{"", "national_id", "national_id"},
		{"", "ssn", "national_id"},
		{"", "email_verification_token", "credential"},

		// Not personal: words inside other words.
		{"", "zip_archive_path", ""},
		{"", "tip", ""},
		{"", "description", ""},
		{"", "shipping_method", ""},
		{"", "ship_date", ""},
		{"", "hotel", ""},
		{"", "author", ""},
		{"wp_posts", "post_author", ""},
		{"", "passenger_count", ""},
		// References.
		{"", "tax_class_id", ""},
		{"sales_order_tax", "tax_id", ""},
		{"", "email_template_id", ""},
		{"", "customer_address_id", ""},
		{"ps_address", "id_customer", ""},
		{"ps_customer_session", "id_customer_session", ""},
		{"", "payment_token_id", ""},
		{"", "userID", ""},
		// Flags and settings.
		{"", "is_email_verified", ""},
		{"", "has_phone", ""},
		{"", "send_email", ""},
		{"", "email_sent", ""},
		{"", "password_reset_required", ""},
		{"", "need_zip_code", ""},
		{"quote_address", "save_in_address_book", ""},
		{"", "vat_is_valid", ""},
		{"", "zip_is_range", ""},
		// Templates, formats, types, dates about the data.
		{"", "mail_template", ""},
		{"", "template_sender_email", ""},
		{"", "address_format", ""},
		{"", "address_type", ""},
		{"", "phone_type", ""},
		{"", "token_expires_at", ""},
		{"", "access_token_expires_at", ""},
		{"", "rp_token_created_at", ""},
		{"ps_customer", "reset_password_validity", ""},
		{"ps_customer", "last_passwd_gen", ""},
		{"", "password_length", ""},
		{"", "session_expires", ""},
		{"", "session_name", ""},
		{"customer_entity", "session_cutoff", ""},
		{"", "hash_config", ""},
		{"", "email_subject", ""},
		{"", "phone_code", ""},
		{"", "calling_code", ""},
		{"ps_country", "call_prefix", ""},
		{"ps_shop", "mobile_theme", ""},
		{"", "zipcode_from", ""},
		{"", "zip_to", ""},
		{"", "place_of_birth", ""},
		{"", "ip_country", ""},
		{"", "secret_question", ""},
		{"wp_options", "admin_email_lifespan", ""},
		{"wp_options", "woocommerce_email_from_address", ""},
		// The shop's own data.
		{"ps_order_invoice", "shop_address", ""},
		{"ps_store", "phone", ""},
		{"ps_store", "email", ""},
		{"inventory_source", "postcode", ""},
		{"tax_calculation_rate", "tax_postcode", ""},
		{"shipping_tablerate", "dest_zip", ""},
		{"ps_memcached_servers", "ip", ""},
		{"newsletter_queue", "newsletter_sender_email", ""},
		{"wp_options", "woocommerce_store_address", ""},
		// Names of things, not people; keys and hashes of things.
		{"ps_product_lang", "name", ""},
		{"ps_category_lang", "name", ""},
		{"ps_configuration", "name", ""},
		{"users_data", "name", ""},
		{"customer_group", "name", ""},
		{"", "name", ""},
		{"", "product_name", ""},
		{"", "file_name", ""},
		{"ps_api_client", "client_name", ""},
		{"", "meta_key", ""},
		{"ps_translation", "key", ""},
		{"media_gallery_asset", "hash", ""},
		{"", "image_hash", ""},
		{"", "template_hash", ""},
		{"search_index", "sid", ""},
		{"users_field_data", "login", ""},
		{"report_event_types", "customer_login", ""},
		{"", "last_login", ""},
		{"", "city", ""},
		{"", "country", ""},
		{"", "company", ""},
		{"", "user_agent", ""},
		{"", "user_url", ""},
		{"", "mac_address", ""},
		{"", "", ""},
		{"", "_", ""},
	} {
		k, ok := ByName(tc.table, tc.name)
		if string(k) != tc.want || ok != (tc.want != "") {
			t.Errorf("ByName(%q, %q) = %q, %v; want %q", tc.table, tc.name, k, ok, tc.want)
		}
	}
}

func TestPeopleTable(t *testing.T) {
	for table, want := range map[string]bool{
		"wp_users": true, "ps_customer": true, "customer_entity": true, "customer_address_entity": true,
		"users_field_data": true, "admin_user": true, "ps_employee": true, "ps_address": true,
		"newsletter_subscriber": true, "adobe_user_profile": true, "customer_grid_flat": true, "Members": true,
		"customer_group": false, "users_data": false, "user_role": false, "ps_product": false,
		"wp_usermeta": false, "wp_posts": false, "ps_customer_thread": false, "": false,
	} {
		if PeopleTable(table) != want {
			t.Errorf("PeopleTable(%q) = %v", table, !want)
		}
	}
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string]string{
		"comment_author_IP":    "comment author ip",
		"customerPhone":        "customer phone",
		"IPAddress":            "ip address",
		"address1":             "address",
		"billing_address_2":    "billing address",
		"e-mail":               "e mail",
		"community-events.loc": "community events loc",
		"userID":               "user id",
		"Straße":               "straße",
		"":                     "",
	} {
		if got := strings.Join(splitName(nil, in), " "); got != want {
			t.Errorf("splitName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestByNameOnRealSchemas classifies every column of the real schemas in
// testdata/cms (Magento 2.4, Drupal 10, PrestaShop 1.7, 8, 9) and
// WordPress's (testdata/demo), and compares with testdata/byname.golden:
// a change in what is classified shows there (go test ./scan -run
// TestByNameOnRealSchemas -update-byname rewrites it).
func TestByNameOnRealSchemas(t *testing.T) {
	files, _ := filepath.Glob("../testdata/cms/*.sql.gz")
	files = append(files, "../testdata/demo/demo.sql")
	seen := map[string]bool{}
	var got []string
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(name, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				t.Fatal(err)
			}
		}
		src := sqldump.NewScanner(r)
		for {
			st, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if st.Kind != sqldump.KindCreateTable {
				continue
			}
			tb, err := sqldump.ParseCreateTable(st.Text)
			if err != nil {
				continue
			}
			for _, c := range tb.Columns {
				if k, ok := ByName(tb.Name, c.Name); ok && !seen[tb.Name+"."+c.Name] {
					seen[tb.Name+"."+c.Name] = true
					got = append(got, fmt.Sprintf("%s.%s %s", tb.Name, c.Name, k))
				}
			}
		}
		f.Close()
	}
	slices.Sort(got)
	text := strings.Join(got, "\n") + "\n"
	golden := "testdata/byname.golden"
	if *updateByName {
		if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != text {
		t.Errorf("classified columns differ from %s (rewrite it with -update-byname after checking):\n%s", golden, diffLines(string(want), text))
	}
	if len(got) < 150 {
		t.Errorf("only %d columns classified", len(got))
	}
}

// diffLines lists the lines only in a (-) and only in b (+).
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
