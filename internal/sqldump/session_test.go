package sqldump

import (
	"strings"
	"testing"
)

// TestSessionCheck: the SET statements of mysqldump and mariadb-dump pass;
// those that change how strings read, or set sql_mode or the client
// character set from what cannot be known, are refused.
func TestSessionCheck(t *testing.T) {
	var s SessionCheck
	for _, in := range []string{
		"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
		"/*!40101 SET NAMES utf8mb4 */;",
		"/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;",
		"/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;",
		"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
		"/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;",
		"/*!40101 SET @saved_cs_client     = @@character_set_client */;",
		"/*!40101 SET character_set_client = utf8mb4 */;",
		"/*!40101 SET character_set_client = @saved_cs_client */;",
		"/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;",
		"/*!50003 SET sql_mode              = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES' */ ;",
		"/*!50003 SET sql_mode              = @saved_sql_mode */ ;",
		"SET @@SESSION.SQL_LOG_BIN= 0;",
		"SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5';",
		"/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;",
		"/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;",
		"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;",
		"SET sql_mode = DEFAULT;",
	} {
		if err := s.Check([]byte(in), ";"); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
	for _, in := range []string{
		"SET sql_mode='NO_BACKSLASH_ESCAPES';",
		"/*!40101 SET sql_mode='ansi_quotes,STRICT_ALL_TABLES' */;",
		"/*!40101 SET NAMES gbk */;",
		"SET CHARACTER SET 'sjis';",
		"SET character_set_client = big5;",
		"SET @@session.character_set_client = cp932;",
		"SET sql_mode = CONCAT('NO_BACKSLASH', '_ESCAPES');",
		"SET sql_mode = 2097152;",
		"SET sql_mode = @m;",
		"SET @@sql_mode = @unknown;",
		"SET SESSION sql_mode = 4|2097152;",
	} {
		if err := s.Check([]byte(in), ";"); err == nil {
			t.Errorf("%s: passed", in)
		}
	}
	if err := s.Check([]byte("SET @m = CONCAT('NO_BACK', 'SLASH_ESCAPES');"), ";"); err != nil {
		t.Errorf("assigning a user variable: %v", err)
	}
	if err := s.Check([]byte("SET sql_mode = @m;"), ";"); err == nil {
		t.Error("sql_mode from a variable set to an expression: passed")
	}
	// A saved variable overwritten by a SELECT is no longer trusted.
	s.Check([]byte("SET @OLD_SQL_MODE=@@SQL_MODE;"), ";")
	s.Other([]byte("SELECT @OLD_SQL_MODE := 'x'"))
	if err := s.Check([]byte("SET SQL_MODE=@OLD_SQL_MODE;"), ";"); err == nil || !strings.Contains(err.Error(), "did not save") {
		t.Errorf("restore of an overwritten variable: %v", err)
	}
}
