# hash comment; with semicolon
--x is not a comment, so this is a statement;
-- a real comment 'with quote
/* block comment ; with ' quote */ SELECT 1 /* inline; */ ;
;
SELECT 'a;b', "c;d", `e;f`, 'it''s', "say ""hi""", 'back\\', `tick``s` FROM dual;
SELECT 1 -- trailing comment; not the end
, 2 # hash; not the end
;
/*!40101 SET @x = 'a;b' */;
/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;
/*!*/;
SET @a = 1/*!50000 ;*/
;
delimiter //
CREATE TRIGGER `db`.`trg` AFTER UPDATE ON `db`.`items` FOR EACH ROW
BEGIN
  INSERT INTO log VALUES (NEW.id); -- not a dump insert; inside trigger
END//
Delimiter 'XX'
SELECT 'XX' XX
DELIMITER ;
INSERT INTO t VALUES (1);
INSERT t VALUES (2),(3);
insert into db.t2 (`a`, b, `c``d`) value (4, 'x', NULL);
REPLACE INTO `t` VALUES (5);
INSERT IGNORE INTO `t` VALUES (6);
INSERT LOW_PRIORITY IGNORE INTO t VALUES (7);
INSERT /*!40000 IGNORE */ INTO t VALUES (8);
INSERT INTO t () VALUES ();
INSERT INTO t VALUES ( 1 , 'a' ) , ( 2 , 'b' )  ;
INSERT INTO t VALUES (/* c1 */ 1 /* c2 */, -- c3
  'x' # c4
  ) /* after */ , /* before */ (2, 'y');
INSERT INTO t VALUES ('esc \0 \' \" \b \n \r \t \Z \\ \% \_ \q end', "dq ""x"" 'y'", '');
INSERT INTO t VALUES (_binary 'x\0y', _utf8mb4'héllo', _latin1 X'E9', _binary 0x00FF, N'national', n'n2', _BINARY'up');
INSERT INTO t VALUES (0x, 0x0, 0xABC, 0xabcdef, X'', X'4142', x'6a6b', b'', B'1', b'100000001', 0b101, 0b11111111, X'414', 0X41);
INSERT INTO t VALUES (0, -1, +2, 3.5, -.5, .25, 1e10, -1.5E-3, 2e+3, 12abc, 1.2.3, 00012);
INSERT INTO t VALUES (NULL, null, NuLl, NULLIF(1,1), DEFAULT, TRUE, false, CURRENT_TIMESTAMP, now(), @var);
INSERT INTO t VALUES (ST_GeomFromText('POINT(1 1)'), CONCAT('a', ')', "(", `x`), (1+2)*3, 'a' 'b', _utf8mb4'x' COLLATE utf8mb4_bin, - 1, 'a'/*c*/);
INSERT INTO t (a,b) VALUES (1,2) ON DUPLICATE KEY UPDATE a=VALUES(a), b='x;y';
INSERT INTO t (a,b) VALUES (1,2),(3,4) AS new ON DUPLICATE KEY UPDATE b = new.b;
INSERT INTO t VALUES (9) RETURNING id;
/*!40000 INSERT INTO t VALUES (10),(11) */;
INSERT INTO t PARTITION (p0, p1) (a) VALUES (12);
START TRANSACTION;
BEGIN;
BEGIN NOT ATOMIC SELECT 1; END;
COMMIT;
ROLLBACK;
TRUNCATE TABLE `trunc_me`;
TRUNCATE other;
LOCK TABLES `a` WRITE, `b` READ;
UNLOCK TABLES;
ALTER TABLE `t` ADD COLUMN x int;
ALTER IGNORE TABLE db.t3 ENGINE=InnoDB;
DROP TABLE IF EXISTS `x`, `y`;
DROP TEMPORARY TABLE tmp;
DROP DATABASE IF EXISTS `old_db`;
DROP VIEW IF EXISTS v1;
DROP TRIGGER IF EXISTS trg;
DROP EVENT e1;
CREATE DATABASE IF NOT EXISTS `new_db`;
CREATE SCHEMA s2;
USE new_db;
CREATE OR REPLACE TABLE t4 (a int);
CREATE TEMPORARY TABLE IF NOT EXISTS `tmp2` (a int);
CREATE OR REPLACE DEFINER=`u`@`%` SQL SECURITY INVOKER VIEW `v2` AS SELECT 1;
CREATE DEFINER='u'@'h' EVENT ev ON SCHEDULE AT NOW() DO SELECT 1;
CREATE AGGREGATE FUNCTION agg (x INT) RETURNS INT BEGIN RETURN 1; END;
CREATE INDEX idx ON t (a);
ALTER DATABASE `db1` CHARACTER SET utf8mb4;
-- last statement has no delimiter
SELECT 'end'
/* final trivia */
