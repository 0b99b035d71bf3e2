package optionfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// format prints options as my_print_defaults does: one "--name=value" or
// "--name" per line.
func format(opts []Option) string {
	var b strings.Builder
	for _, o := range opts {
		if o.HasValue {
			fmt.Fprintf(&b, "--%s=%s\n", o.Name, o.Value)
		} else {
			fmt.Fprintf(&b, "--%s\n", o.Name)
		}
	}
	return b.String()
}

// fixture writes a set of option files exercising the syntax, and returns
// the main one. Included paths are absolute, under dir.
func fixture(t *testing.T, dir string) string {
	write(t, dir+"/inc.cnf", "[client]\ninc = from-include\n[mysql]\nincm=1\n")
	write(t, dir+"/conf.d/20-b.cnf", "[client]\nd = b\n")
	write(t, dir+"/conf.d/10-a.cnf", "[client]\nd = a\n")
	write(t, dir+"/conf.d/30-c.txt", "[client]\nd = not-a-cnf\n")
	write(t, dir+"/conf.d/40-d.ini", "[client]\nd = not-a-cnf-on-unix\n")
	return write(t, dir+"/my.cnf", strings.Join([]string{
		"# a comment",
		"; another",
		"",
		"[mysqld]",
		"user = mysql",
		"port = 9999",
		"[client]",
		"user = bob   ",
		`password = "pa ss#word"   # a comment after a quoted value`,
		"host=db#a comment right after the value",
		"  port\t= 3307",
		"socket='/tmp/x y.sock'",
		`esc = a\tb\nc\sd\\e\"f\qg\'h`,
		"ssl_ca = /etc/ca.pem",
		"loose-ssl-mode = VERIFY_CA",
		"quick",
		`q1 = "unterminated`,
		`q2 = 'mixed"`,
		`q3 = "a"b"`,
		`q4 = ""`,
		`q5 = "`,
		`q6 = "in \"quotes\" # not a comment"`,
		`trail = a\`,
		"empty =",
		"k==x",
		"my key = v",
		"=orphan value",
		"[CLIENT-Server] # comment after a header",
		"cs = case-insensitive group",
		" [ client ] ",
		"sp = a group name that starts with a space is not [client]",
		"!include " + dir + "/inc.cnf",
		"!include " + dir + "/missing.cnf",
		"!INCLUDE " + dir + "/inc.cnf",
		"!includes " + dir + "/inc.cnf",
		"[mysqldump]",
		"max_allowed_packet\t= 16M",
		"!includedir " + dir + "/conf.d/",
		"[client]\r",
		"crlf = yes\r",
	}, "\n")+"\n")
}

func TestParseSyntax(t *testing.T) {
	dir := t.TempDir()
	main := fixture(t, dir)
	opts, err := NewReader("client", "client-server", "mysqldump").ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"--user=bob",
		"--password=pa ss#word",
		"--host=db",
		"--port=3307",
		"--socket=/tmp/x y.sock",
		"--esc=a\tb\nc d\\e\"f\\qg'h",
		"--ssl_ca=/etc/ca.pem",
		"--loose-ssl-mode=VERIFY_CA",
		"--quick",
		`--q1="unterminated`,
		`--q2='mixed"`,
		`--q3=a"b`,
		"--q4=",
		`--q5="`,
		`--q6=in "quotes" # not a comment`,
		`--trail=a\`,
		"--empty=",
		"--k==x",
		"--my key=v",
		"--cs=case-insensitive group",
		"--inc=from-include",
		"--max_allowed_packet=16M",
		"--d=a",
		"--d=b",
		"--crlf=yes",
	}, "\n") + "\n"
	if got := format(opts); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Keys: '_' is '-', loose- is dropped; the last one wins.
	for key, want := range map[string]string{"ssl-ca": "/etc/ca.pem", "ssl-mode": "VERIFY_CA", "d": "b", "max-allowed-packet": "16M"} {
		if o, ok := Last(opts, key); !ok || o.Value != want {
			t.Errorf("Last(%q) = %+v, %v; want %q", key, o, ok, want)
		}
	}
	if o, _ := Last(opts, "password"); o.File != main || o.Line != 9 || o.Where() != main+":9" {
		t.Errorf("password at %s", o.Where())
	}
	if o, _ := Last(opts, "inc"); o.File != dir+"/inc.cnf" || o.Line != 2 {
		t.Errorf("included option at %s", o.Where())
	}
}

// TestParseMatchesMariaDB reads the same files with MariaDB's
// my_print_defaults and with this package: the options must be the same, in
// the same order.
func TestParseMatchesMariaDB(t *testing.T) {
	bin, err := exec.LookPath("my_print_defaults")
	if err != nil {
		if os.Getenv("STAGECOPY_REQUIRE_MYSQL") == "1" {
			t.Fatal("my_print_defaults not found")
		}
		t.Skip("my_print_defaults not found")
	}
	dir := t.TempDir()
	main := fixture(t, dir)
	for _, groups := range [][]string{
		{"client", "client-server", "client-mariadb", "mysqldump", "mariadb-dump"},
		{"client", "client-server", "client-mariadb", "mysql", "mariadb-client"},
		{"mysqld"},
	} {
		out, err := exec.Command(bin, append([]string{"--defaults-file=" + main}, groups...)...).Output()
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		opts, err := NewReader(groups...).ReadFile(main)
		if err != nil {
			t.Fatal(err)
		}
		// my_print_defaults passes "--=orphan value" on; nothing reads it.
		want := strings.ReplaceAll(string(out), "--=orphan value\n", "")
		if got := format(opts); got != want {
			t.Errorf("groups %v:\nthis package:\n%s\nmy_print_defaults:\n%s", groups, got, want)
		}
	}
	// Both refuse the same mistakes.
	for name, text := range badFiles {
		p := write(t, filepath.Join(dir, "bad", name+".cnf"), text)
		err := exec.Command(bin, "--defaults-file="+p, "client").Run()
		_, ours := NewReader("client").ReadFile(p)
		if (err == nil) != (ours == nil) {
			t.Errorf("%s: my_print_defaults says %v, this package %v", name, err, ours)
		}
	}
}

var badFiles = map[string]string{
	"option before group": "user = x\n[client]\n",
	"unclosed group":      "[client\nuser = x\n",
	"include no path":     "[client]\n!include   \n",
	"includedir missing":  "[client]\n!includedir /nonexistent/stagecopy.d\n",
	"include no group":    "[client]\n!include INCLUDED\n",
}

func TestParseErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir+"/nogroup.cnf", "user = x\n")
	for name, text := range badFiles {
		text = strings.ReplaceAll(text, "INCLUDED", dir+"/nogroup.cnf")
		p := write(t, filepath.Join(dir, name+".cnf"), text)
		_, err := NewReader("client").ReadFile(p)
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), ".cnf:") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The value of a line before any group is not shown: it may be a
	// password.
	p := write(t, dir+"/pw.cnf", "password = hunter2\n")
	if _, err := NewReader("client").ReadFile(p); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the value: %v", err)
	}
	if _, err := NewReader("client").ReadFile(dir + "/none.cnf"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestIncludeLoopStops(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir+"/loop.cnf", "[client]\nr = 1\n!include "+dir+"/loop.cnf\n")
	var warnings []string
	r := NewReader("client")
	r.Warn = func(s string) { warnings = append(warnings, s) }
	opts, err := r.ReadFile(p)
	// MariaDB reads the file 11 times and warns once.
	if err != nil || len(opts) != maxDepth+1 || len(warnings) != 1 || !strings.Contains(warnings[0], "loop.cnf:3") {
		t.Errorf("%d options, %v, warnings %q", len(opts), err, warnings)
	}
}

func TestWorldWritableIgnored(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir+"/ww.cnf", "[client]\nhost = evil.example\n")
	if err := os.Chmod(p, 0o666); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	r := NewReader("client")
	r.Warn = func(s string) { warnings = append(warnings, s) }
	opts, err := r.ReadFile(p)
	if err != nil || len(opts) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "world-writable option file "+p+" is ignored") {
		t.Errorf("%v, %v, %q", opts, err, warnings)
	}
}

// TestFilesOrder: the files and their order, compared with what
// mariadb-dump --help says it reads when it is installed.
func TestFilesOrder(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "MYSQL_HOME": "/srv/mysqlhome"}
	getenv := func(k string) string { return env[k] }
	paths := func(s Sources) string {
		var ps []string
		for _, f := range s.Files() {
			p := f.Path
			if f.Required {
				p += "!"
			}
			ps = append(ps, p)
		}
		return strings.Join(ps, " ")
	}
	for _, c := range []struct {
		s    Sources
		want string
	}{
		{Sources{}, "/etc/my.cnf /etc/mysql/my.cnf /srv/mysqlhome/my.cnf /home/u/.my.cnf"},
		{Sources{ExtraFile: "/x.cnf"}, "/etc/my.cnf /etc/mysql/my.cnf /srv/mysqlhome/my.cnf /x.cnf! /home/u/.my.cnf"},
		{Sources{DefaultsFile: "/only.cnf"}, "/only.cnf!"},
		{Sources{NoDefaults: true}, ""},
		{Sources{LoginPath: "prod"}, "/etc/my.cnf /etc/mysql/my.cnf /srv/mysqlhome/my.cnf /home/u/.my.cnf /home/u/.mylogin.cnf!"},
		{Sources{NoDefaults: true, LoginPath: "prod"}, "/home/u/.mylogin.cnf!"},
	} {
		c.s.Getenv = getenv
		if got := paths(c.s); got != c.want {
			t.Errorf("%+v: %s, want %s", c.s, got, c.want)
		}
	}
	env["MARIADB_HOME"] = "/srv/mariadbhome"
	env["MYSQL_TEST_LOGIN_FILE"] = "/tmp/login.cnf"
	if got := paths(Sources{LoginPath: "p", Getenv: getenv}); got != "/etc/my.cnf /etc/mysql/my.cnf /srv/mariadbhome/my.cnf /home/u/.my.cnf /tmp/login.cnf!" {
		t.Errorf("MARIADB_HOME over MYSQL_HOME, MYSQL_TEST_LOGIN_FILE: %s", got)
	}

	bin, err := exec.LookPath("mariadb-dump")
	if err != nil {
		return
	}
	cmd := exec.Command(bin, "--help")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MARIADB_HOME=") && !strings.HasPrefix(kv, "MYSQL_HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "MYSQL_HOME=/srv/mysqlhome")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(out), "Default options are read from the following files in the given order:\n")
	theirs, _, _ := strings.Cut(after, "\n")
	ours := strings.ReplaceAll(paths(Sources{Getenv: func(k string) string { return map[string]string{"HOME": "/home/u", "MYSQL_HOME": "/srv/mysqlhome"}[k] }}), "/home/u/", "~/")
	if strings.TrimSpace(theirs) != ours {
		t.Errorf("mariadb-dump reads %q, this package %q", theirs, ours)
	}
}

// TestReadPrecedence: later files override earlier ones; --defaults-file
// and the extra file must exist; the login path group is read in every file
// and the login path file last.
func TestReadPrecedence(t *testing.T) {
	dir := t.TempDir()
	old := globalFiles
	globalFiles = []string{dir + "/etc/my.cnf", dir + "/etc/mysql/my.cnf"}
	t.Cleanup(func() { globalFiles = old })
	write(t, dir+"/etc/my.cnf", "[client]\nuser = etc\nhost = etc-host\n[prod]\nport = 1\n")
	write(t, dir+"/etc/mysql/my.cnf", "[client-server]\nsocket = /etc.sock\n[mysql]\nuser = etc-mysql\n")
	write(t, dir+"/home/.my.cnf", "[client]\nuser = home\n[mysqldump]\nhost = home-dump-host\n")
	write(t, dir+"/extra.cnf", "[client]\nuser = extra\nsocket = /extra.sock\n")
	env := map[string]string{"HOME": dir + "/home"}
	getenv := func(k string) string { return env[k] }
	dump := []string{"client", "client-server", "client-mariadb", "mysqldump", "mariadb-dump"}
	load := []string{"client", "client-server", "client-mariadb", "mysql", "mariadb-client"}
	get := func(s Sources, groups []string, key string) string {
		t.Helper()
		s.Getenv = getenv
		opts, err := s.Read(groups, nil)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := Last(opts, key)
		return o.Value
	}
	for _, c := range []struct {
		s           Sources
		groups      []string
		key, wanted string
	}{
		{Sources{}, dump, "user", "home"},
		{Sources{}, dump, "host", "home-dump-host"},
		{Sources{}, load, "host", "etc-host"},
		{Sources{}, load, "user", "home"},
		{Sources{}, dump, "socket", "/etc.sock"},
		{Sources{ExtraFile: dir + "/extra.cnf"}, dump, "socket", "/extra.sock"},
		{Sources{ExtraFile: dir + "/extra.cnf"}, dump, "user", "home"},
		{Sources{DefaultsFile: dir + "/extra.cnf"}, dump, "user", "extra"},
		{Sources{DefaultsFile: dir + "/extra.cnf"}, dump, "host", ""},
		{Sources{NoDefaults: true}, dump, "user", ""},
		{Sources{}, dump, "port", ""},
	} {
		if got := get(c.s, c.groups, c.key); got != c.wanted {
			t.Errorf("%+v %v %s = %q, want %q", c.s, c.groups[3], c.key, got, c.wanted)
		}
	}
	for name, s := range map[string]Sources{
		"missing defaults file": {DefaultsFile: dir + "/none.cnf"},
		"missing extra file":    {ExtraFile: dir + "/none.cnf"},
		"missing login file":    {LoginPath: "prod"},
	} {
		s.Getenv = getenv
		if _, err := s.Read(dump, nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, s := range map[string]Sources{
		"no-defaults and defaults-file":   {NoDefaults: true, DefaultsFile: dir + "/extra.cnf"},
		"defaults-file and an extra file": {DefaultsFile: dir + "/extra.cnf", ExtraFile: dir + "/extra.cnf"},
	} {
		if _, err := s.Read(dump, nil); !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: %v", name, err)
		}
	}

	// The login path: [prod] of every file, then the login file, last.
	login, err := EncodeLoginFile([]byte("[client]\nuser = login-client\n[prod]\nuser = login-prod\npassword = \"p#w\"\n[other]\nuser = login-other\n"), [20]byte{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/home/.mylogin.cnf", login, 0o600); err != nil {
		t.Fatal(err)
	}
	s := Sources{LoginPath: "prod"}
	if got := get(s, dump, "user"); got != "login-prod" {
		t.Errorf("login path user %q", got)
	}
	if got := get(s, dump, "port"); got != "1" {
		t.Errorf("[prod] of /etc/my.cnf not read: port %q", got)
	}
	if got := get(s, dump, "password"); got != "p#w" {
		t.Errorf("login path password %q", got)
	}
	s.LoginPath = "nosuch"
	s.Getenv = getenv
	if _, err := s.Read(dump, nil); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Errorf("unknown login path: %v", err)
	}
	os.WriteFile(dir+"/home/.mylogin.cnf", []byte("[client]\nuser = plain text\n"), 0o600)
	s.LoginPath = "prod"
	if _, err := s.Read(dump, nil); !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), ".mylogin.cnf") {
		t.Errorf("a login file in plain text: %v", err)
	}
}

// TestLoginFileRoundTrip: what EncodeLoginFile writes, DecodeLoginFile
// reads back, line by line, whatever the line lengths (a line of 16 bytes
// gets a whole block of padding).
func TestLoginFileRoundTrip(t *testing.T) {
	text := []byte("[client]\n" + strings.Repeat("x", 15) + "\n" + "password = \"0123456789\"\n\n[a]\n")
	enc, err := EncodeLoginFile(text, [20]byte{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(enc, []byte("0123456789")) {
		t.Error("the password is in clear in the login file")
	}
	dec, err := DecodeLoginFile(enc)
	if err != nil || !bytes.Equal(dec, text) {
		t.Fatalf("%q, %v", dec, err)
	}
	for _, bad := range [][]byte{enc[:10], enc[:len(enc)-1], append(enc[:len(enc):len(enc)], 1, 0, 0, 0)} {
		if _, err := DecodeLoginFile(bad); err == nil {
			t.Errorf("%d bytes of damaged file read", len(bad))
		}
	}
}

// FuzzParse: any text parses or fails without panicking, every option it
// gives names a line of the text; and a value written quoted with its
// escapes comes back as it was.
func FuzzParse(f *testing.F) {
	f.Add([]byte("[client]\nuser = x\n"), "p\"a#s\\s\tw\n")
	f.Add([]byte("[client]\n!include /nonexistent\nq=\"a\\\"b\"\n"), "")
	f.Add([]byte("x=1\n"), "'")
	f.Fuzz(func(t *testing.T, data []byte, value string) {
		opts, err := NewReader("client").Parse("fuzz", data)
		if err == nil {
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, o := range opts {
				if o.Line < 1 || o.Line > lines || o.Name == "" {
					t.Fatalf("option %+v", o)
				}
			}
		}
		if strings.ContainsAny(value, "\x00") {
			return
		}
		text := "[client]\npassword = \"" + escape(value) + "\" # comment\n"
		opts, err = NewReader("client").Parse("fuzz", []byte(text))
		if err != nil || len(opts) != 1 || opts[0].Value != value {
			t.Fatalf("%q: %+v, %v", text, opts, err)
		}
	})
}

// escape writes v for a double-quoted option value.
func escape(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "'", `\'`, "\n", `\n`, "\t", `\t`, "\r", `\r`, "\b", `\b`)
	return r.Replace(v)
}
