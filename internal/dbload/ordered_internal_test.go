package dbload

import "testing"

// TestOrderedStatement: entries of archives made before the ordered mark
// are recognized by a line that starts with REPLACE or INSERT IGNORE.
func TestOrderedStatement(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{"-- stagecopy: data of table `t`, part 2\n/*!40101 SET NAMES utf8mb4 */;\nREPLACE INTO `t` VALUES (1);\n", true},
		{"-- x\nINSERT  IGNORE INTO `t` VALUES (1);\n", true}, // mysqldump --insert-ignore
		{"insert ignore into t values (1);", true},
		{"-- x\nReplace into t values (1);", true},
		{"-- x\nINSERT\tIGNORE INTO t VALUES (1);", true},
		{"-- x\nINSERT INTO `t` VALUES (1,'REPLACE'),(2,'x\nignore');\n", false},
		{"-- x\nINSERT INTO `t` VALUES (1);\nINSERT INTO `t` VALUES (2);\n", false},
		{"-- x\nINSERTIGNORE INTO t VALUES (1);", false},
		{"-- x\n  REPLACE INTO t VALUES (1);", false}, // snapshot starts statements at a line start
		{"REPLAC", false},
		{"", false},
	} {
		if got := orderedStatement([]byte(c.sql)); got != c.want {
			t.Errorf("orderedStatement(%q) = %v, want %v", c.sql, got, c.want)
		}
	}
}
