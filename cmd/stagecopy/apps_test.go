package main

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/scan"
)

// The real applications of the apps tests: Debian's packages, which no
// preset knows. .ci/run installs them.
const (
	roundcubeRoot  = "/usr/share/roundcube"
	roundcubeSQL   = roundcubeRoot + "/SQL/mysql.initial.sql" // roundcube-core's own schema
	roundcubeDefs  = "/etc/roundcube/defaults.inc.php"
	mediawikiRoot  = "/usr/share/mediawiki"
	mediawikiSetup = mediawikiRoot + "/maintenance/install.php"
)

// needApp returns php, skipping t when php or one of files is missing,
// except under STAGECOPY_REQUIRE_PHP=1 or STAGECOPY_REQUIRE_MYSQL=1 (as CI
// sets them, having installed the packages), where it fails t.
func needApp(t *testing.T, pkgs string, files ...string) string {
	t.Helper()
	php, err := exec.LookPath("php")
	for _, f := range files {
		if err == nil {
			_, err = os.Stat(f)
		}
	}
	if err == nil {
		err = exec.Command(php, "-r", `exit(extension_loaded("mysqli") ? 0 : 1);`).Run()
	}
	if err != nil {
		if os.Getenv("STAGECOPY_REQUIRE_PHP") == "1" || os.Getenv("STAGECOPY_REQUIRE_MYSQL") == "1" {
			t.Fatalf("php and Debian's %s are required here (apt-get install %s php-cli php-mysql): %v", pkgs, pkgs, err)
		}
		t.Skipf("no php or %s: %v", pkgs, err)
	}
	return php
}

// appFriend is someone in a person's address book.
type appFriend struct {
	First    string `json:"first"`
	Last     string `json:"last"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Landline string `json:"landline"`
	Street   string `json:"street"`
	City     string `json:"city"`
	Zip      string `json:"zip"`
	Birthday string `json:"birthday"`
}

// appPerson is a synthetic person the apps tests plant: real-looking
// (free mail providers' domains, UK numbers from Ofcom's drama ranges,
// public IPs), so that detectors take them for real, and invented.
type appPerson struct {
	Username    string    `json:"username"`
	First       string    `json:"first"`
	Last        string    `json:"last"`
	Email       string    `json:"email"`
	Email2      string    `json:"email2"`
	MailHost    string    `json:"mail_host"`
	Company     string    `json:"company"`
	Phone       string    `json:"phone"`
	Street      string    `json:"street"`
	City        string    `json:"city"`
	Zip         string    `json:"zip"`
	IP          string    `json:"ip"`
	Password    string    `json:"password"`
	BotPassword string    `json:"bot_password"`
	EmailToken  string    `json:"email_token"`
	SessionID   string    `json:"session_id"`
	Friend      appFriend `json:"friend"`
}

var appPeople = []appPerson{{
	Username: "Jfict", First: "Jolanda", Last: "Fictitious", Email: "jolanda.fictitious@gmail.com", Email2: "j.fictitious@outlook.com",
	MailHost: "imap.gmail.com", Company: "Harbourside Bakery Ltd", Phone: "+44 20 7946 0958", Street: "14 Elmwood Avenue", City: "Bristol", Zip: "BS8 1TH",
	IP: "81.2.69.142", Password: "Jolanda-pass-4417", BotPassword: "q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2", EmailToken: "b3c9e1a77f0d4e2a", SessionID: "k2j3h4g5f6d7s8a9q0w1e2r3t4",
	Friend: appFriend{First: "Mireille", Last: "Placeholder", Email: "mireille.placeholder@yahoo.co.uk", Phone: "+44 161 496 0753", Landline: "0161 496 0321",
		Street: "27 Wexford Road", City: "Manchester", Zip: "M14 6PL", Birthday: "1984-07-19"},
}, {
	Username: "Bmadeup", First: "Barnaby", Last: "Madeupson", Email: "barnaby.madeupson@outlook.com", Email2: "b.madeupson@gmx.de",
	MailHost: "imap.outlook.com", Company: "Northgate Joinery", Phone: "+44 113 496 0274", Street: "9 Quarry Hill Lane", City: "Leeds", Zip: "LS2 7EW",
	IP: "81.2.69.160", Password: "Barnaby-pass-0274", BotPassword: "z1x2c3v4b5n6m7a8s9d0f1g2h3j4k5l6", EmailToken: "5d1f0e9c2b7a3e6d", SessionID: "p0o9i8u7y6t5r4e3w2q1a2s3d4",
	Friend: appFriend{First: "Ottilie", Last: "Notreal", Email: "ottilie.notreal@hotmail.com", Phone: "+44 117 496 0812", Landline: "0117 496 0390",
		Street: "3 Cotham Grove", City: "Bristol", Zip: "BS6 6AL", Birthday: "1979-11-02"},
}}

// planted is a value the test put into an application's database, by kind.
type planted struct {
	kind  string
	value string
}

// plantedValues lists what of the people must not reach an archive: every
// address, number, name, street, postcode, IP and birthday (towns are
// left out: the city transformer's fakes are towns too), and the parts
// of phone numbers a search index keeps ("7946 0958").
func plantedValues(people []appPerson) []planted {
	var ps []planted
	add := func(kind string, vs ...string) {
		for _, v := range vs {
			ps = append(ps, planted{kind, v})
		}
	}
	for _, p := range people {
		f := p.Friend
		add("email", p.Email, p.Email2, f.Email)
		add("phone", p.Phone, f.Phone, f.Landline, lastGroups(p.Phone), lastGroups(f.Phone), lastGroups(f.Landline))
		add("name", p.First+" "+p.Last, p.Last, p.First, f.First+" "+f.Last, f.Last, f.First)
		add("address", p.Street, p.Zip, f.Street, f.Zip)
		add("ip", p.IP)
		add("birthdate", f.Birthday)
	}
	return ps
}

// lastGroups is the last two groups of digits of a phone number.
func lastGroups(phone string) string {
	g := strings.Fields(phone)
	return strings.Join(g[len(g)-2:], " ")
}

// want is a finding scan must report: kind in table.column (and key, in
// a key/value table).
type want struct {
	table, column, key string
	kind               scan.Kind
}

// TestAppRoundcube: Roundcube webmail (roundcube-core 1.6), made from the
// package's own SQL/mysql.initial.sql and filled by Roundcube's own
// classes (testdata/apps/roundcube/plant.php): identities with
// signatures, contacts as vCards, collected addresses, canned responses,
// base64 session rows, base64 serialized cache rows.
func TestAppRoundcube(t *testing.T) {
	php := needApp(t, "roundcube-core roundcube-mysql", roundcubeSQL, roundcubeDefs)
	srv, db := mariadbtest.NewDatabase(t)
	dir := t.TempDir()
	start := time.Now()
	srv.LoadFile(t, db, roundcubeSQL)

	conf := filepath.Join(dir, "config")
	os.Mkdir(conf, 0o755)
	if err := os.Symlink(roundcubeDefs, filepath.Join(conf, "defaults.inc.php")); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("<?php\n$config = [];\n$config['db_dsnw'] = 'mysql://root:@unix(%s)/%s';\n$config['des_key'] = 'rcmail-!24ByteDESkey*Str';\n$config['log_driver'] = 'stdout';\n$config['plugins'] = [];\n", srv.Socket, db)
	writeFile(t, filepath.Join(conf, "config.inc.php"), cfg)
	people := writePeople(t, dir)
	cmd := exec.Command(php, filepath.Join("testdata", "apps", "roundcube", "plant.php"))
	cmd.Env = append(os.Environ(), "ROUNDCUBE_CONFIG_DIR="+conf, "PEOPLE="+people)
	runApp(t, cmd)
	t.Logf("Roundcube made and filled in %v", time.Since(start).Round(time.Millisecond))

	var wants []want
	for _, w := range []struct {
		table, column string
		kinds         []scan.Kind
	}{
		{"users", "username", []scan.Kind{scan.Email}},
		{"identities", "name", []scan.Kind{scan.Name}},
		{"identities", "email", []scan.Kind{scan.Email}},
		{"identities", "reply-to", []scan.Kind{scan.Email}},
		{"identities", "bcc", []scan.Kind{scan.Email}},
		{"identities", "signature", []scan.Kind{scan.Phone, scan.Address}},
		{"contacts", "name", []scan.Kind{scan.Name}},
		{"contacts", "email", []scan.Kind{scan.Email}},
		{"contacts", "firstname", []scan.Kind{scan.Name}},
		{"contacts", "surname", []scan.Kind{scan.Name}},
		{"contacts", "vcard", []scan.Kind{scan.Email, scan.Phone, scan.Address}},
		{"contacts", "words", []scan.Kind{scan.Email}},
		{"collected_addresses", "name", []scan.Kind{scan.Name}},
		{"collected_addresses", "email", []scan.Kind{scan.Email}},
		{"responses", "data", []scan.Kind{scan.Email, scan.Phone}},
		{"session", "ip", []scan.Kind{scan.IP}},
		{"session", "vars", []scan.Kind{scan.Email, scan.Address}}, // base64
		{"cache", "data", []scan.Kind{scan.Email, scan.Phone}},     // base64
	} {
		for _, k := range w.kinds {
			wants = append(wants, want{table: w.table, column: w.column, kind: k})
		}
	}
	values := plantedValues(appPeople)
	for _, p := range appPeople {
		values = append(values, planted{"credential", p.SessionID}) // a live session's id
	}
	checkApp(t, srv, db, dir, wants, values)
}

// TestAppMediaWiki: MediaWiki 1.39 (Debian's mediawiki), made by its own
// installer and filled by MediaWiki's own code
// (testdata/apps/mediawiki/plant.php): users with real names, e-mail
// addresses, password hashes, remember-me tokens and pending e-mail
// confirmation tokens, bot passwords, a signature in user_properties,
// pages with contact details stored gzip-compressed
// ($wgCompressRevisions), the edits' IPs in recentchanges, the search
// index, and a profile in the database object cache (serialized, raw
// deflate).
func TestAppMediaWiki(t *testing.T) {
	php := needApp(t, "mediawiki", mediawikiSetup)
	srv, db := mariadbtest.NewDatabase(t)
	dir := t.TempDir()
	start := time.Now()
	conf := filepath.Join(dir, "conf")
	os.Mkdir(conf, 0o755)
	// The installer's admin, with its own password hash and token.
	runApp(t, exec.Command(php, mediawikiSetup, "--dbtype", "mysql", "--dbserver", "localhost:"+srv.Socket, "--dbname", db,
		"--dbuser", "root", "--dbpass", "", "--installdbuser", "root", "--installdbpass", "",
		"--confpath", conf, "--server", "https://wiki.fictitious-bakery.test", "--scriptpath", "",
		"--pass", "Wiki-admin-pass-2024", "Volunteers Wiki", "WikiAdmin"))
	settings := filepath.Join(conf, "LocalSettings.php")
	ls, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, settings, string(ls)+"\n$wgCompressRevisions = true;\n")
	people := writePeople(t, dir)
	cmd := exec.Command(php, filepath.Join("testdata", "apps", "mediawiki", "plant.php"), "--conf", settings, people)
	cmd.Env = append(os.Environ(), "MW_INSTALL_PATH="+mediawikiRoot)
	runApp(t, cmd)
	t.Logf("MediaWiki installed and filled in %v", time.Since(start).Round(time.Millisecond))

	wants := []want{
		{"user", "user_email", "", scan.Email},
		{"user", "user_real_name", "", scan.Name},
		{"user_properties", "up_value", "nickname", scan.Phone},
		{"text", "old_text", "", scan.Email}, // gzip: raw deflate
		{"text", "old_text", "", scan.Phone},
		{"text", "old_text", "", scan.Address},
		{"recentchanges", "rc_ip", "", scan.IP},
		{"objectcache", "value", "", scan.Email}, // serialized, raw deflate
		{"objectcache", "value", "", scan.Phone},
		{"objectcache", "value", "", scan.IP},
	}
	// Every credential column, by its name.
	for _, c := range []string{"user.user_password", "user.user_newpassword", "user.user_token", "user.user_email_token", "bot_passwords.bp_password", "bot_passwords.bp_token"} {
		tc := strings.SplitN(c, ".", 2)
		wants = append(wants, want{table: tc[0], column: tc[1], kind: scan.Credential})
	}
	values := plantedValues(appPeople)
	// The credentials as MediaWiki wrote them: hashes and tokens.
	creds := srv.Query(t, db, "SELECT CONCAT_WS('\\n', user_password, NULLIF(user_newpassword, ''), HEX(user_token), user_email_token) FROM user WHERE user_password <> '' "+
		"UNION ALL SELECT CONCAT_WS('\\n', bp_password, HEX(bp_token)) FROM bot_passwords")
	n := 0
	for _, line := range strings.Split(strings.ReplaceAll(creds, `\n`, "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" && line != "NULL" {
			if regexp.MustCompile(`^[0-9A-F]+$`).MatchString(line) {
				b, _ := hex.DecodeString(line)
				line = string(b)
			}
			if strings.Trim(line, "\x00") == "" {
				continue // an empty BINARY(32), padded
			}
			values = append(values, planted{"credential", line})
			n++
		}
	}
	if n < 9 {
		t.Fatalf("found %d credentials in the wiki, want at least 9:\n%s", n, creds)
	}
	checkApp(t, srv, db, dir, wants, values)
}

// checkApp is the promise for an application no preset knows, in
// one round: scan reports every planted kind where it was planted and
// every credential column; scan --suggest-rules writes rules that rules
// check accepts against the database's dump; a strict anonymized snapshot
// with them succeeds; and the archive holds none of the planted values,
// raw, hex-encoded, base64-encoded, nor inside any base64, zlib, gzip or
// raw deflate value.
func checkApp(t *testing.T, srv *mariadbtest.Server, db, dir string, wants []want, values []planted) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "scan", "--json", "-q", "--socket", srv.Socket, "-u", "root", "-D", db)
	if code != exitFound {
		t.Fatalf("scan: exit %d\n%s", code, stderr)
	}
	var rep scan.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("scan --json: %v\n%s", err, stdout)
	}
	for _, w := range wants {
		found := false
		for _, f := range rep.Findings {
			if f.Table == w.table && f.Column == w.column && f.Kind == w.kind && (w.key == "" || f.Key == w.key) {
				found = true
				break
			}
		}
		if !found {
			where := w.table + "." + w.column
			if w.key != "" {
				where += "[" + w.key + "]"
			}
			t.Errorf("scan does not report %s in %s", w.kind, where)
		}
	}
	for _, v := range values {
		if strings.Contains(stdout, v.value) {
			t.Errorf("the scan report shows %q (%s)", v.value, v.kind)
		}
	}

	rulesPath := filepath.Join(dir, "rules.yml")
	code, _, stderr = runCLI(t, "scan", "-q", "--suggest-rules", rulesPath, "--socket", srv.Socket, "-u", "root", "-D", db)
	if code != exitFound {
		t.Fatalf("scan --suggest-rules: exit %d\n%s", code, stderr)
	}
	yml, err := os.ReadFile(rulesPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("suggested rules:\n%s", yml)
	for _, v := range values {
		if strings.Contains(string(yml), v.value) {
			t.Errorf("the suggested rules show %q (%s)", v.value, v.kind)
		}
	}
	dumpPath := filepath.Join(dir, "dump.sql")
	writeFile(t, dumpPath, string(srv.Dump(t, db)))
	if code, stdout, stderr := runCLI(t, "rules", "check", "--dump", dumpPath, rulesPath); code != 0 {
		t.Fatalf("rules check: exit %d\n%s%s", code, stdout, stderr)
	}
	archivePath := filepath.Join(dir, "app.tar.zst")
	code, stdout, stderr = runCLI(t, "snapshot", "--anonymize", "-r", rulesPath, "--strict", "--socket", srv.Socket, "-u", "root", "-D", db, "-o", archivePath, "-q")
	if code != 0 {
		t.Fatalf("snapshot --strict with the suggested rules: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(archivePath)
	if err != nil {
		t.Fatal(err)
	}
	left := archiveHolds(t, data, values)
	for _, l := range left {
		t.Errorf("the archive still holds %s", l)
	}
}

// archiveHolds returns what of values the archive holds, and how: as
// text in any letter case, as the hex of a 0x... literal, as base64 (at
// any of the three alignments), or inside a value that decodes (base64,
// zlib, gzip, raw deflate, nested).
func archiveHolds(t *testing.T, data []byte, values []planted) []string {
	t.Helper()
	text := flowtest.Text(t, data)
	lower, upper := strings.ToLower(text), strings.ToUpper(text)
	decoded := decodedValues(t, data)
	var left []string
	for _, v := range values {
		s := v.value
		switch {
		case strings.Contains(lower, strings.ToLower(s)):
			left = append(left, fmt.Sprintf("%q (%s)", s, v.kind))
		case strings.Contains(upper, strings.ToUpper(hex.EncodeToString([]byte(s)))):
			left = append(left, fmt.Sprintf("%q (%s), hex-encoded", s, v.kind))
		default:
			for _, b := range base64Forms(s) {
				if strings.Contains(text, b) {
					left = append(left, fmt.Sprintf("%q (%s), base64-encoded", s, v.kind))
					break
				}
			}
			for _, d := range decoded {
				if bytes.Contains(bytes.ToLower(d), []byte(strings.ToLower(s))) {
					left = append(left, fmt.Sprintf("%q (%s), in a compressed or encoded value", s, v.kind))
					break
				}
			}
		}
	}
	return left
}

// base64Forms are the base64 texts that hold s whatever its offset in the
// encoded bytes: the characters that depend on s alone.
func base64Forms(s string) []string {
	var forms []string
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte{0}, pad), s...))
		start := (pad*8 + 5) / 6 // characters touched by the padding
		end := (pad + len(s)) * 8 / 6
		if end > start+4 {
			forms = append(forms, enc[start:end])
		}
	}
	return forms
}

// decodedValues returns every value of the archive's database entries that
// decodes, decoded: base64, zlib, gzip or raw deflate, repeatedly.
func decodedValues(t *testing.T, data []byte) [][]byte {
	t.Helper()
	r, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out [][]byte
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.Name, archive.DBPrefix) || !strings.HasSuffix(e.Name, ".sql") {
			continue
		}
		sc := sqldump.NewScanner(r)
		for {
			st, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
			if st.Kind != sqldump.KindInsert {
				continue
			}
			for {
				row, err := sc.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", e.Name, err)
				}
				for _, v := range row.Values {
					if v.Kind != sqldump.ValueString && v.Kind != sqldump.ValueHex {
						continue
					}
					b, ok := v.AppendBytes(nil)
					for depth := 0; ok && depth < 4; depth++ {
						if b, ok = decode(b); ok {
							out = append(out, b)
						}
					}
				}
			}
		}
	}
}

var base64Text = regexp.MustCompile(`^[A-Za-z0-9+/]{8,}={0,2}$`)

// decode undoes one layer of base64, zlib, gzip or raw deflate.
func decode(b []byte) ([]byte, bool) {
	if base64Text.Match(b) {
		if d, err := base64.StdEncoding.DecodeString(string(b)); err == nil {
			return d, true
		}
	}
	if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
		if d, err := io.ReadAll(io.LimitReader(zr, 16<<20)); err == nil {
			return d, true
		}
	}
	if gr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
		if d, err := io.ReadAll(io.LimitReader(gr, 16<<20)); err == nil {
			return d, true
		}
	}
	if len(b) > 4 {
		if d, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(b)), 16<<20)); err == nil && len(d) > 0 {
			return d, true
		}
	}
	return nil, false
}

func writePeople(t *testing.T, dir string) string {
	t.Helper()
	b, err := json.Marshal(appPeople)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "people.json")
	writeFile(t, p, string(b))
	return p
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// runApp runs one of the application's PHP programs, and fails t with its
// output when it fails.
func runApp(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
}
