package sqldump

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"testing/iotest"
)

// scanAllTiny is scanAll with one-byte reads into a scanner with a tiny
// buffer, so that statements and rows straddle buffer boundaries everywhere.
func scanAllTiny(input []byte) (out []byte, desc string, err error) {
	return scanWith(newScanner(iotest.OneByteReader(bytes.NewReader(input)), 7, 1))
}

// FuzzScanner checks that the scanner never panics, that whatever it
// accepts round-trips byte for byte, and that the result does not depend on
// how the input is split by the reader.
func FuzzScanner(f *testing.F) {
	files, _ := os.ReadDir("testdata")
	for _, e := range files {
		if b, err := os.ReadFile("testdata/" + e.Name()); err == nil && !e.IsDir() && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", ";", "--", "-- ", "#", "/*", "/*!", "/*M!", "*/", "'", "`", "\"",
		"DELIMITER ;;\nSELECT 1;;\n", "delimiter", "INSERT INTO t VALUES (1),(2);",
		"INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a=1", "/*!40000 INSERT INTO t VALUES (1) */;",
		"INSERT INTO t VALUES ('a\\'b', _binary 'x', 0x41, X'41', b'1', 0b1, NULL, -1.5e3, f(1,(2)))",
		"DELIMITER $$\nINSERT INTO t VALUES (1)$$\n", "\xef\xbb\xbfSELECT 1",
		"INSERT INTO `address` VALUES (1,'47 MySakila Drive',NULL,'',/*!50705 0x0000000001010000003E0A325D63345CC0761FDB8D99D94840,*/'2014-09-25 22:30:27'),(2,'x',NULL,'',/*!50705 0x01,*/'y');",
		"INSERT INTO t VALUES (1,/*!50705 0x0101000000 */,'x'),(1 /*!50705 , 'b' */),( /*M!100100 1, 2, */ 3),(/*! 'a' */);",
		"INSERT INTO t (a, /*!50705 b, */ c) VALUES (1, /*!50705 f('x'), */ 'y' /*M!100000 , 2 */);",
		"INSERT INTO t /*!99999 .x */ VALUES ('a' /*!50000 , */ 'b', /*!50000 'a*/ */);",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		out, desc, err := scanAll(bytes.NewReader(input))
		if err == nil && !bytes.Equal(out, input) {
			t.Fatalf("round trip differs at byte %d:\n in: %q\nout: %q", firstDiff(out, input), input, out)
		}
		out2, desc2, err2 := scanAllTiny(input)
		if fmt.Sprint(err) != fmt.Sprint(err2) || desc != desc2 {
			t.Fatalf("one-byte reads with a tiny buffer differ:\nerr %v\n    %v\n%s", err, err2, lineDiff(desc, desc2))
		}
		if err == nil && !bytes.Equal(out2, input) {
			t.Fatalf("round trip with tiny buffer differs at byte %d", firstDiff(out2, input))
		}
	})
}

// FuzzRows is FuzzScanner for the rows of one INSERT, with short inputs that
// mutate quickly: versioned comments among values, whose readings
// checkRow checks against the scanner itself.
func FuzzRows(f *testing.F) {
	for _, s := range []string{
		"(1,'47 MySakila Drive',NULL,'',/*!50705 0x0000000001010000003E0A325D63345CC0761FDB8D99D94840,*/'2014-09-25 22:30:27')",
		"(1,/*!50705 0x0101000000 */,'x'),(1 /*!50705 , 'b' */)",
		"( /*M!100100 1, 2, */ 3),(/*! 'a' */),(/*!50705 */)",
		"(1, /*!50705 f('x'), */ 'y' /*M!100000 , 2 */)",
		"('a' /*!50000 , */ 'b', /*!50000 'a*/ */)",
		"(1 /* c */, /* d */ 'x' /* e */, 1 + /* f */ 2 -- g\n, 3 # h\n)",
		"(_binary 'x', N'y', X'41', b'1', 0b1, -1.5e3, NULL, f(1,(2)))",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, row []byte) {
		input := append([]byte("INSERT INTO `t` VALUES "), row...)
		out, desc, err := scanAll(bytes.NewReader(input))
		if err == nil && !bytes.Equal(out, input) {
			t.Fatalf("round trip differs at byte %d:\n in: %q\nout: %q", firstDiff(out, input), input, out)
		}
		_, desc2, err2 := scanAllTiny(input)
		if fmt.Sprint(err) != fmt.Sprint(err2) || desc != desc2 {
			t.Fatalf("one-byte reads with a tiny buffer differ:\nerr %v\n    %v\n%s", err, err2, lineDiff(desc, desc2))
		}
	})
}
