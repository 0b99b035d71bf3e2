package sqldump

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchDump builds a typical mysqldump file: extended INSERTs of about
// 1 MiB each, rows of ~200 bytes with numbers, strings with a few escapes,
// NULLs, dates and small hex blobs.
func benchDump(size int) []byte {
	var b bytes.Buffer
	b.WriteString("-- MySQL dump\n/*!40101 SET NAMES utf8mb4 */;\n")
	b.WriteString("CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `email` varchar(255) NOT NULL,\n  `name` varchar(100) DEFAULT NULL,\n  `bio` text,\n  `created` datetime NOT NULL,\n  `balance` decimal(10,2) NOT NULL,\n  `token` varbinary(16) DEFAULT NULL,\n  `ref` int DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
	b.WriteString("LOCK TABLES `users` WRITE;\n")
	id := 0
	for b.Len() < size {
		b.WriteString("INSERT INTO `users` VALUES ")
		for stmt := 0; stmt < 1<<20; {
			if stmt > 0 {
				b.WriteByte(',')
			}
			id++
			n := b.Len()
			fmt.Fprintf(&b, "(%d,'user%d@example.com','User O\\'Name %d','Some bio text for user %d,\\nwith a second line and \\\"quotes\\\".','2024-01-%02d 12:34:56',%d.%02d,0x%032X,", id, id, id, id, id%28+1, id*7, id%100, id)
			if id%3 == 0 {
				b.WriteString("NULL)")
			} else {
				fmt.Fprintf(&b, "%d)", id/3)
			}
			stmt += b.Len() - n
		}
		b.WriteString(";\n")
	}
	b.WriteString("UNLOCK TABLES;\n")
	return b.Bytes()
}

// BenchmarkScanner measures pass-through: every statement and row is read
// and written back out, as a splitter does.
//
//	go test -run '^$' -bench Scanner -benchmem ./internal/sqldump/
func BenchmarkScanner(b *testing.B) {
	input := benchDump(64 << 20)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		sc := NewScanner(bytes.NewReader(input))
		for {
			st, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			w.Write(st.Lead)
			w.Write(st.Text)
			if st.Kind != KindInsert {
				continue
			}
			for {
				row, err := sc.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				w.Write(row.Sep)
				w.Write(row.Raw)
			}
			w.Write(st.Tail)
		}
		w.Flush()
	}
}

// BenchmarkScannerDecode also decodes every value, as an anonymizer that
// looks at each value does.
func BenchmarkScannerDecode(b *testing.B) {
	input := benchDump(64 << 20)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		sc := NewScanner(bytes.NewReader(input))
		for {
			st, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if st.Kind != KindInsert {
				continue
			}
			for {
				row, err := sc.NextRow()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				for _, v := range row.Values {
					buf, _ = v.AppendBytes(buf[:0])
				}
			}
		}
	}
}

// BenchmarkScannerOneRowPerStatement reads a dump made with
// --skip-extended-insert --complete-insert: one short statement per row.
func BenchmarkScannerOneRowPerStatement(b *testing.B) {
	var in bytes.Buffer
	for i := 0; in.Len() < 16<<20; i++ {
		fmt.Fprintf(&in, "INSERT INTO `users` (`id`, `email`, `name`, `created`) VALUES (%d,'user%d@example.com','Name %d','2024-01-01 00:00:00');\n", i, i, i)
	}
	input := in.Bytes()
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		sc := NewScanner(bytes.NewReader(input))
		for {
			st, err := sc.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			for st.Kind == KindInsert {
				if _, err := sc.NextRow(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
