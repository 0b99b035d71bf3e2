package dbdump

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

func TestMain(m *testing.M) {
	// The tests kill connections on purpose; the driver would log it.
	mysql.SetLogger(&mysql.NopLogger{})
	mariadbtest.Main(m)
}

// stmtCopy and rowCopy are what a dump returned, kept for comparison.
type stmtCopy struct {
	st   sqldump.Statement
	rows []rowCopy
}

type rowCopy struct {
	sep, raw []byte
	vals     []sqldump.Value
	decoded  [][]byte
	index    int64
	offset   int64
}

func copyRow(r *sqldump.Row) rowCopy {
	c := rowCopy{sep: bytes.Clone(r.Sep), raw: bytes.Clone(r.Raw), index: r.Index, offset: r.Offset}
	for _, v := range r.Values {
		// What the value is, without what the parser remembers of it
		// to save work later (a literal without escapes): the dumper
		// does not say.
		v = sqldump.Value{Raw: c.raw[v.Start : v.Start+len(v.Raw)], Kind: v.Kind, Introducer: v.Introducer, Start: v.Start, Cond: v.Cond}
		c.vals = append(c.vals, v)
		b, ok := v.AppendBytes(nil)
		if !ok {
			b = nil
		} else if b == nil {
			b = []byte{}
		}
		c.decoded = append(c.decoded, b)
	}
	return c
}

func copyStmt(st *sqldump.Statement) sqldump.Statement {
	c := *st
	c.Lead = bytes.Clone(st.Lead)
	c.Text = bytes.Clone(st.Text)
	c.Tail = bytes.Clone(st.Tail)
	c.Columns = append([]string(nil), st.Columns...)
	return c
}

// stream is what Dumper and sqldump.Scanner have in common.
type stream interface {
	Next() (*sqldump.Statement, error)
	NextRow() (*sqldump.Row, error)
}

// drain reads a whole stream, writing the SQL to w and, if keep, returning
// copies of every statement and row.
func drain(t testing.TB, s stream, w io.Writer, keep bool) []stmtCopy {
	t.Helper()
	var out []stmtCopy
	for {
		st, err := s.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		w.Write(st.Lead)
		w.Write(st.Text)
		var rows []rowCopy
		if st.Kind == sqldump.KindInsert {
			for {
				r, err := s.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("NextRow: %v", err)
				}
				w.Write(r.Sep)
				w.Write(r.Raw)
				if keep {
					rows = append(rows, copyRow(r))
				}
			}
			w.Write(st.Tail)
		}
		if keep {
			out = append(out, stmtCopy{st: copyStmt(st), rows: rows})
		}
	}
}

// dump runs a Dumper with cfg and returns the SQL script. It also checks
// that sqldump.Scanner reads the script back as exactly the statements and
// rows the Dumper returned (Kind, Lead, Text, Tail, Table, Columns,
// Delimiter, Offset, Line, Sep, Raw, every Value and its decoded bytes).
func dump(t testing.TB, cfg Config) ([]byte, Info) {
	t.Helper()
	d, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer d.Close()
	var buf bytes.Buffer
	got := drain(t, d, &buf, true)
	rows, n := d.Progress()
	if n != int64(buf.Len()) {
		t.Errorf("Progress bytes = %d, script is %d bytes", n, buf.Len())
	}
	var want int64
	for _, s := range got {
		want += int64(len(s.rows))
	}
	if rows != want {
		t.Errorf("Progress rows = %d, dump has %d", rows, want)
	}
	info := d.Info()
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	scanned := drain(t, sqldump.NewScanner(bytes.NewReader(buf.Bytes())), io.Discard, true)
	compareStreams(t, got, scanned)
	return buf.Bytes(), info
}

func compareStreams(t testing.TB, got, scanned []stmtCopy) {
	t.Helper()
	if len(got) != len(scanned) {
		t.Fatalf("dumper returned %d statements, scanner reads %d back", len(got), len(scanned))
	}
	norm := func(b []byte) []byte {
		if len(b) == 0 {
			return nil
		}
		return b
	}
	for i := range got {
		g, s := got[i].st, scanned[i].st
		for _, p := range []*sqldump.Statement{&g, &s} {
			p.Lead, p.Text, p.Tail = norm(p.Lead), norm(p.Text), norm(p.Tail)
			if len(p.Columns) == 0 {
				p.Columns = nil
			}
		}
		if !reflect.DeepEqual(g, s) {
			t.Fatalf("statement %d:\ndumper:  %+v\nscanner: %+v", i, g, s)
		}
		if len(got[i].rows) != len(scanned[i].rows) {
			t.Fatalf("statement %d (%s): dumper %d rows, scanner %d", i, g.Table, len(got[i].rows), len(scanned[i].rows))
		}
		for j := range got[i].rows {
			gr, sr := got[i].rows[j], scanned[i].rows[j]
			gr.sep, sr.sep = norm(gr.sep), norm(sr.sep)
			if !reflect.DeepEqual(gr, sr) {
				t.Fatalf("statement %d (%s) row %d:\ndumper:  %+v\nscanner: %+v", i, g.Table, j, gr, sr)
			}
		}
	}
}

// statements returns the statements of a script as kind:table strings.
func statements(t testing.TB, script []byte) []string {
	t.Helper()
	var out []string
	for _, s := range drain(t, sqldump.NewScanner(bytes.NewReader(script)), io.Discard, true) {
		out = append(out, fmt.Sprintf("%s:%s", s.st.Kind, s.st.Table))
	}
	return out
}

// createUser creates an account with a password, dropped when t ends.
func createUser(t testing.TB, srv *mariadbtest.Server, name, password string, grants ...string) string {
	t.Helper()
	user := quoteStr(name) + "@'localhost'"
	srv.Exec(t, "", "DROP USER IF EXISTS "+user+"; CREATE USER "+user+" IDENTIFIED BY "+quoteStr(password))
	t.Cleanup(func() { rootExec(t, srv, "DROP USER IF EXISTS "+user) })
	for _, g := range grants {
		srv.Exec(t, "", "GRANT "+g+" TO "+user)
	}
	return name + ":" + password + "@unix(" + srv.Socket + ")/"
}

// rootExec runs one statement as root without the test's context, which is
// done by the time cleanups run.
func rootExec(t testing.TB, srv *mariadbtest.Server, query string) {
	t.Helper()
	db, err := sql.Open("mysql", srv.DSN(""))
	if err != nil {
		t.Error(err)
		return
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), query); err != nil {
		t.Errorf("%s: %v", query, err)
	}
}

func quoteStr(s string) string { return quoteString(s) }

func TestRedactDSN(t *testing.T) {
	for _, tc := range []struct{ in, secret string }{
		{"user:s3cret@tcp(db:3306)/wp?tls=true", "s3cret"},
		{"user:p@ss/w@rd@unix(/run/mysqld.sock)/wp", "p@ss/w@rd"},
		{"user:s3cret@tcp(db:3306)", "s3cret"}, // unparsable: no slash
		{"user:s3cret@@tcp(db", "s3cret"},
	} {
		got := RedactDSN(tc.in)
		if strings.Contains(got, tc.secret) {
			t.Errorf("RedactDSN(%q) = %q still holds the password", tc.in, got)
		}
		if !strings.Contains(got, "xxxxx") {
			t.Errorf("RedactDSN(%q) = %q: no placeholder", tc.in, got)
		}
	}
	if got := RedactDSN("root@unix(/tmp/s)/db"); got != "root@unix(/tmp/s)/db" {
		t.Errorf("RedactDSN without password = %q", got)
	}
}

func TestStripDefiner(t *testing.T) {
	for in, want := range map[string]string{
		"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1":   "CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1",
		"CREATE DEFINER=`a``b`@`%` TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 'DEFINER=`x`@`y`'": "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 'DEFINER=`x`@`y`'",
		"CREATE DEFINER=`role1` PROCEDURE `p`()\nBEGIN END":                                                 "CREATE PROCEDURE `p`()\nBEGIN END",
		"CREATE DEFINER=CURRENT_USER EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1":                           "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1",
		"CREATE FUNCTION f() RETURNS int RETURN 1":                                                          "CREATE FUNCTION f() RETURNS int RETURN 1",
	} {
		if got := stripDefiner(in); got != want {
			t.Errorf("stripDefiner(%q)\n= %q\nwant %q", in, got, want)
		}
	}
}

func TestOrderViews(t *testing.T) {
	defs := map[string]string{
		"a_top":  "select `db`.`m_mid`.`x` AS `x` from `db`.`m_mid`",
		"m_mid":  "select `db`.`z_base`.`x` AS `x` from `db`.`z_base` where 'db.a_top' <> '`db`.`a_top`'",
		"z_base": "select `db`.`t`.`x` AS `x` from `db`.`t`",
		"b_free": "select 1 AS `x`",
	}
	got := orderViews("db", []string{"a_top", "b_free", "m_mid", "z_base"}, defs)
	want := []string{"b_free", "z_base", "m_mid", "a_top"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("orderViews = %v, want %v", got, want)
	}
}

func TestEncodeValues(t *testing.T) {
	for _, tc := range []struct {
		val  driver.Value
		enc  encoding
		want string
		kind sqldump.ValueKind
	}{
		{[]byte("-12.50"), encNumber, "-12.50", sqldump.ValueNumber},
		{int64(-42), encNumber, "-42", sqldump.ValueNumber},
		{uint64(18446744073709551615), encNumber, "18446744073709551615", sqldump.ValueNumber},
		{float64(1e100), encNumber, "1e+100", sqldump.ValueNumber},
		{float64(0.1), encNumber, "0.1", sqldump.ValueNumber},
		{float64(1.2345677614212036), encFloat, "1.2345678", sqldump.ValueNumber},
		{float64(0.10000000149011612), encFloat, "0.1", sqldump.ValueNumber},
		{float64(3.4028234663852886e38), encFloat, "3.4028235e+38", sqldump.ValueNumber},
		{float64(0.1), encFloat, "0.1", sqldump.ValueNumber}, // not a FLOAT: kept as the DOUBLE
		{[]byte("1.2345677614212036"), encFloat, "1.2345678", sqldump.ValueNumber},
		{[]byte{0x15}, encBit, "b'10101'", sqldump.ValueBit},
		{[]byte{0, 0}, encBit, "b'0'", sqldump.ValueBit},
		{[]byte{0x80, 0, 0, 0, 0, 0, 0, 1}, encBit, "b'1" + strings.Repeat("0", 62) + "1'", sqldump.ValueBit},
		{[]byte{}, encHex, "''", sqldump.ValueString},
		{[]byte{0, 0xff}, encHex, "0x00FF", sqldump.ValueHex},
		{[]byte("it's\n"), encString, `'it\'s\n'`, sqldump.ValueString},
		{[]byte(`a "b"`), encString, `'a \"b\"'`, sqldump.ValueString},
		{[]byte("Ann Lee, 12 Main St"), encString, "'Ann Lee, 12 Main St'", plainString},
		{[]byte{}, encString, "''", plainString},
		{nil, encString, "NULL", sqldump.ValueNull},
	} {
		b := &batch{}
		if err := encodeRow(b, []column{{name: "c", enc: tc.enc}}, []driver.Value{tc.val}); err != nil {
			t.Fatalf("encode %#v: %v", tc.val, err)
		}
		if got := string(b.buf[1 : len(b.buf)-1]); got != tc.want || b.kinds[0] != tc.kind {
			t.Errorf("encode %#v as %d = %s (kind %d), want %s (kind %d)", tc.val, tc.enc, got, b.kinds[0], tc.want, tc.kind)
		}
	}
	for _, v := range []driver.Value{[]byte("1);DROP"), true, "text"} {
		if err := encodeRow(&batch{}, []column{{name: "c", enc: encNumber}}, []driver.Value{v}); err == nil {
			t.Errorf("%#v was accepted as a number", v)
		}
	}
}

func TestErrorsWrap(t *testing.T) {
	err := classify(io.ErrUnexpectedEOF, "read table `t`", "")
	if !errors.Is(err, ErrServerGone) {
		t.Errorf("unexpected EOF: %v is not ErrServerGone", err)
	}
	err = classify(context.Canceled, "read", "")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrServerGone) {
		t.Errorf("canceled: %v", err)
	}
}
