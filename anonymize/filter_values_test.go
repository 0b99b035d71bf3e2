package anonymize

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// TestFilterRowValuesMatchRaw checks that a row out of the Filter has
// Values that are what its Raw says: the snapshot's privacy check reads
// Values, the archive gets Raw, and they must not disagree.
func TestFilterRowValuesMatchRaw(t *testing.T) {
	dump := usersDump + "CREATE TABLE `hexy` (`id` int, `mail` varbinary(100), `ip` bigint, `note` text);\n" +
		"INSERT INTO `hexy` VALUES (1,_binary 0x6A616E65406578616D706C652D637573746F6D65722E6E6574,3232235777,'keep me'),(2,0x,NULL,'x'),(3,_binary 'a@b.example-customer.net',16909060,N'ok');\n" +
		"CREATE TABLE `vers` (`id` int, /*!50705 `mail` varchar(100), `note` text, */ `name` varchar(50));\n" +
		"INSERT INTO `vers` VALUES (1, /*!50705 'ann@real.example-customer.net', 'x*y', */ 'Ann'),(2,/*!50705 NULL,'',*/'Bob');\n"
	r := mustRules(t, usersRules+"  hexy:\n    columns:\n      mail: email\n      ip: ip\n  vers:\n    columns:\n      mail: email\n      note: {fixed: {value: 'a*/b'}}\n")
	f := NewFilter(sqldump.NewScanner(strings.NewReader(dump)), r, NewKeyer(testSecret))
	rows := 0
	for {
		st, err := f.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.Kind != sqldump.KindInsert {
			continue
		}
		for {
			row, err := f.NextRow()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			rows++
			again := sqldump.NewScanner(strings.NewReader("INSERT INTO t VALUES " + string(row.Raw) + ";\n"))
			if _, err := again.Next(); err != nil {
				t.Fatal(err)
			}
			want, err := again.NextRow()
			if err != nil {
				t.Fatalf("%s: %q: %v", st.Table, row.Raw, err)
			}
			if len(want.Values) != len(row.Values) {
				t.Fatalf("%s: %d values, Raw has %d", st.Table, len(row.Values), len(want.Values))
			}
			for i, v := range row.Values {
				w := want.Values[i]
				if v.Kind != w.Kind || v.Introducer != w.Introducer || v.Start != w.Start || !bytes.Equal(v.Raw, w.Raw) || v.Cond != w.Cond {
					t.Errorf("%s row %q value %d: %v %q %q at %d in %q, Raw says %v %q %q at %d in %q", st.Table, row.Raw, i, v.Kind, v.Introducer, v.Raw, v.Start, v.Cond, w.Kind, w.Introducer, w.Raw, w.Start, w.Cond)
				}
			}
		}
	}
	if rows < 10 {
		t.Fatalf("only %d rows", rows)
	}
}

// TestFilterFaked checks which values Faked reports as stagecopy's own
// fakes, which the snapshot's privacy check then does not look into: only
// a fake transformer that replaced the whole value in this row, never
// keep, fixed, redact, template, a rule on paths inside the value, or a
// rule whose where left the row alone.
func TestFilterFaked(t *testing.T) {
	dump := "CREATE TABLE `p` (`id` int, `mail` varchar(100), `kept` text, `note` text, `fix` text, `tpl` text, `doc` text, `vip` varchar(100), `free` text);\n" +
		"INSERT INTO `p` (`id`,`mail`,`kept`,`note`,`fix`,`tpl`,`doc`,`vip`,`free`) VALUES (1,'jane@gmail.com','x','call jane@gmail.com','y','z','{\"e\":\"jane@gmail.com\"}','bob@gmail.com','t'),(2,'ann@gmail.com','x','n','y','z','{\"e\":\"ann@gmail.com\"}','carl@gmail.com','t');\n"
	r := mustRules(t, "version: 1\ntables:\n  p:\n    columns:\n      mail: email\n      kept: keep\n      note: redact\n      fix: {fixed: {value: 'a'}}\n      tpl: {template: {template: '{mail}'}}\n      doc: {json: {e: email}}\n      vip: {transform: email, where: {id: 2}}\n")
	f := NewFilter(sqldump.NewScanner(strings.NewReader(dump)), r, NewKeyer(testSecret))
	var got []string
	for {
		st, err := f.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for st.Kind == sqldump.KindInsert {
			row, err := f.NextRow()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			var faked []string
			for i := range row.Values {
				if f.Faked(i) {
					faked = append(faked, st.Columns[i])
				}
			}
			got = append(got, strings.Join(faked, ","))
		}
	}
	if want := []string{"mail", "mail,vip"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("faked columns per row = %q, want %q", got, want)
	}
}
