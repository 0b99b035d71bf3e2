package sqldump_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// Rewrite the email column of every users row, copying everything else
// byte for byte.
func ExampleScanner() {
	dump := `-- dump
CREATE TABLE users (id int, email varchar(100));
INSERT INTO users VALUES (1,'alice@example.com'),(2,NULL);
`
	var out bytes.Buffer
	sc := sqldump.NewScanner(strings.NewReader(dump))
	email := -1
	for {
		st, err := sc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		out.Write(st.Lead)
		out.Write(st.Text)
		if st.Kind == sqldump.KindCreateTable && st.Table == "users" {
			t, err := st.CreateTable()
			if err != nil {
				log.Fatal(err)
			}
			_, email, _ = t.Column("email")
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
				log.Fatal(err)
			}
			out.Write(row.Sep)
			if st.Table != "users" || email < 0 || row.Values[email].Kind == sqldump.ValueNull {
				out.Write(row.Raw)
				continue
			}
			out.WriteByte('(')
			for i, v := range row.Values {
				if i > 0 {
					out.WriteByte(',')
				}
				if i == email {
					out.Write(sqldump.AppendQuoted(nil, []byte(fmt.Sprintf("user%d@example.invalid", row.Index))))
				} else {
					out.Write(v.Raw)
				}
			}
			out.WriteByte(')')
		}
		out.Write(st.Tail)
	}
	os.Stdout.Write(out.Bytes())
	// Output:
	// -- dump
	// CREATE TABLE users (id int, email varchar(100));
	// INSERT INTO users VALUES (1,'user0@example.invalid'),(2,NULL);
}
