SET NAMES utf8mb4;
-- crlf dump
CREATE TABLE t (
  a int,
  b text
);
INSERT INTO t VALUES
(1,'line
break'),
(2,NULL);
/* trailing */
INSERT INTO t VALUES (3,'no newline')