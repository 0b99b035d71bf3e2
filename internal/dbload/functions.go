package dbload

// allowedFunctions are the functions an entry may call where the server
// evaluates what an archive wrote while restore loads it, or for every row
// written later: DEFAULT and ON UPDATE expressions, generated columns, CHECK
// constraints, partitioning expressions and functional index parts (CREATE
// and ALTER TABLE), the values of session SETs, and expressions in INSERT
// rows. They are the built-in functions that MySQL 5.7 and 8 and MariaDB
// 10.x/11.x dumps (SHOW CREATE TABLE, mysqldump, mariadb-dump, phpMyAdmin,
// Adminer) write there, under both the names a user writes and the ones
// the server prints back (ucase, octet_length, st_geometryfromtext,
// current_timestamp()): each computes a value from its arguments and the
// clock, and none of them waits, takes a lock, reads a file, another table
// or the server's state, or runs code. Any other call is refused: SLEEP,
// BENCHMARK, GET_LOCK, LOAD_FILE, MASTER_POS_WAIT, user-defined (UDF) and
// stored functions, and information functions (USER, DATABASE, VERSION,
// CONNECTION_ID), which a dump never needs. Session SETs may call fewer
// (setFunctions).
//
// The bodies of views, triggers, routines and events are not held to this
// list: they never run while restore loads (events are created disabled),
// they may call the site's own stored functions, and the words of
// refusedWords are refused in them too.
var allowedFunctions = setOf(
	// Sequences (MariaDB 10.3+): DEFAULT nextval(s), DO SETVAL.
	"NEXTVAL", "LASTVAL", "SETVAL",

	// Date and time.
	"CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP", "SYSDATE",
	"CURDATE", "CURRENT_DATE", "CURTIME", "CURRENT_TIME",
	"UTC_TIMESTAMP", "UTC_DATE", "UTC_TIME", "UNIX_TIMESTAMP", "FROM_UNIXTIME",
	"DATE", "TIME", "TIMESTAMP", "YEAR", "MONTH", "DAY", "DAYOFMONTH", "DAYOFWEEK",
	"DAYOFYEAR", "WEEKDAY", "WEEK", "WEEKOFYEAR", "YEARWEEK", "QUARTER", "HOUR",
	"MINUTE", "SECOND", "MICROSECOND", "MONTHNAME", "DAYNAME", "EXTRACT",
	"DATE_FORMAT", "TIME_FORMAT", "STR_TO_DATE", "GET_FORMAT", "DATE_ADD",
	"DATE_SUB", "ADDDATE", "SUBDATE", "ADDTIME", "SUBTIME", "DATEDIFF", "TIMEDIFF",
	"TIMESTAMPDIFF", "TIMESTAMPADD", "TO_DAYS", "FROM_DAYS", "TO_SECONDS",
	"TIME_TO_SEC", "SEC_TO_TIME", "MAKEDATE", "MAKETIME", "LAST_DAY",
	"PERIOD_ADD", "PERIOD_DIFF", "CONVERT_TZ", "TO_CHAR",

	// Strings.
	"CONCAT", "CONCAT_WS", "SUBSTRING", "SUBSTR", "MID", "LEFT", "RIGHT",
	"SUBSTRING_INDEX", "LENGTH", "LENGTHB", "CHAR_LENGTH", "CHARACTER_LENGTH",
	"OCTET_LENGTH", "BIT_LENGTH", "LOWER", "LCASE", "UPPER", "UCASE", "TRIM",
	"LTRIM", "RTRIM", "TRIM_ORACLE", "REPLACE", "REVERSE", "REPEAT", "SPACE",
	"LPAD", "RPAD", "INSTR", "LOCATE", "POSITION", "FIELD", "FIND_IN_SET", "ELT",
	"MAKE_SET", "EXPORT_SET", "FORMAT", "HEX", "UNHEX", "BIN", "OCT", "CONV",
	"ASCII", "ORD", "CHAR", "CHR", "QUOTE", "INSERT", "SOUNDEX", "STRCMP",
	"TO_BASE64", "FROM_BASE64", "WEIGHT_STRING", "REGEXP_REPLACE",
	"REGEXP_SUBSTR", "REGEXP_INSTR", "REGEXP_LIKE", "NATURAL_SORT_KEY",
	"SFORMAT", "CHARSET", "COLLATION", "COERCIBILITY",

	// Control flow, comparison and conversion.
	"IF", "IFNULL", "NULLIF", "NVL", "NVL2", "COALESCE", "ISNULL", "GREATEST",
	"LEAST", "INTERVAL", "CAST", "CONVERT", "BINARY",

	// Numbers.
	"ABS", "CEIL", "CEILING", "FLOOR", "ROUND", "TRUNCATE", "MOD", "POW", "POWER",
	"SQRT", "EXP", "LN", "LOG", "LOG2", "LOG10", "SIGN", "PI", "RAND", "SIN", "COS",
	"TAN", "ASIN", "ACOS", "ATAN", "ATAN2", "COT", "DEGREES", "RADIANS",
	"BIT_COUNT", "CRC32", "CRC32C",

	// Hashes, compression, identifiers, addresses.
	"MD5", "SHA", "SHA1", "SHA2", "COMPRESS", "UNCOMPRESS", "UNCOMPRESSED_LENGTH",
	"UUID", "UUID_SHORT", "SYS_GUID", "UUID_V4", "UUID_V7", "UUID_TO_BIN",
	"BIN_TO_UUID", "IS_UUID", "INET_ATON", "INET_NTOA", "INET6_ATON",
	"INET6_NTOA", "IS_IPV4", "IS_IPV6", "IS_IPV4_COMPAT", "IS_IPV4_MAPPED",

	// JSON (generated columns over documents, MariaDB's CHECK (json_valid(c))).
	"JSON_VALID", "JSON_EXTRACT", "JSON_UNQUOTE", "JSON_VALUE", "JSON_QUERY",
	"JSON_OBJECT", "JSON_ARRAY", "JSON_QUOTE", "JSON_CONTAINS",
	"JSON_CONTAINS_PATH", "JSON_EXISTS", "JSON_KEYS", "JSON_LENGTH",
	"JSON_DEPTH", "JSON_TYPE", "JSON_SEARCH", "JSON_SET", "JSON_INSERT",
	"JSON_REPLACE", "JSON_REMOVE", "JSON_MERGE", "JSON_MERGE_PATCH",
	"JSON_MERGE_PRESERVE", "JSON_ARRAY_APPEND", "JSON_ARRAY_INSERT",
	"JSON_COMPACT", "JSON_DETAILED", "JSON_PRETTY", "JSON_LOOSE",
	"JSON_NORMALIZE", "JSON_EQUALS", "JSON_OVERLAPS", "JSON_SCHEMA_VALID",
	"JSON_STORAGE_SIZE", "JSON_ARRAY_INTERSECT", "JSON_OBJECT_FILTER_KEYS",
	"JSON_OBJECT_TO_ARRAY", "JSON_KEY_VALUE",

	// MariaDB dynamic columns.
	"COLUMN_CREATE", "COLUMN_ADD", "COLUMN_DELETE", "COLUMN_GET",
	"COLUMN_EXISTS", "COLUMN_LIST", "COLUMN_CHECK", "COLUMN_JSON",

	// Geometry: values of spatial columns, written as WKT or WKB.
	"ST_GEOMFROMTEXT", "ST_GEOMETRYFROMTEXT", "ST_GEOMFROMWKB",
	"ST_GEOMETRYFROMWKB", "ST_POINTFROMTEXT", "ST_POINTFROMWKB",
	"ST_LINEFROMTEXT", "ST_LINESTRINGFROMTEXT", "ST_LINEFROMWKB",
	"ST_LINESTRINGFROMWKB", "ST_POLYFROMTEXT", "ST_POLYGONFROMTEXT",
	"ST_POLYFROMWKB", "ST_POLYGONFROMWKB", "ST_MPOINTFROMTEXT",
	"ST_MULTIPOINTFROMTEXT", "ST_MPOINTFROMWKB", "ST_MULTIPOINTFROMWKB",
	"ST_MLINEFROMTEXT", "ST_MULTILINESTRINGFROMTEXT", "ST_MLINEFROMWKB",
	"ST_MULTILINESTRINGFROMWKB", "ST_MPOLYFROMTEXT", "ST_MULTIPOLYGONFROMTEXT",
	"ST_MPOLYFROMWKB", "ST_MULTIPOLYGONFROMWKB", "ST_GEOMCOLLFROMTEXT",
	"ST_GEOMETRYCOLLECTIONFROMTEXT", "ST_GEOMCOLLFROMWKB",
	"ST_GEOMETRYCOLLECTIONFROMWKB", "ST_GEOMFROMGEOJSON",
	"GEOMFROMTEXT", "GEOMETRYFROMTEXT", "GEOMFROMWKB", "GEOMETRYFROMWKB",
	"POINTFROMTEXT", "POINTFROMWKB", "LINEFROMTEXT", "LINESTRINGFROMTEXT",
	"POLYFROMTEXT", "POLYGONFROMTEXT", "MPOINTFROMTEXT", "MLINEFROMTEXT",
	"MPOLYFROMTEXT", "GEOMCOLLFROMTEXT", "GEOMETRYCOLLECTIONFROMTEXT",
	"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING",
	"MULTIPOLYGON", "GEOMETRYCOLLECTION",
	"ST_ASTEXT", "ST_ASWKT", "ST_ASBINARY", "ST_ASWKB", "ST_ASGEOJSON",
	"ASTEXT", "ASWKT", "ASBINARY", "ASWKB", "ST_SRID", "SRID", "ST_X", "ST_Y",
	"X", "Y", "ST_LATITUDE", "ST_LONGITUDE", "ST_SWAPXY", "ST_GEOMETRYTYPE",
	"ST_ISVALID", "ST_ISEMPTY", "ST_AREA", "ST_LENGTH", "ST_CENTROID",
	"ST_ENVELOPE", "ST_BUFFER", "ST_DISTANCE", "ST_DISTANCE_SPHERE",
	"ST_CONTAINS", "ST_WITHIN", "ST_INTERSECTS", "ST_NUMPOINTS", "ST_POINTN",
	"ST_STARTPOINT", "ST_ENDPOINT", "ST_DIMENSION", "ST_GEOHASH",

	// Vectors (MariaDB 11.7).
	"VEC_FROMTEXT", "VEC_TOTEXT", "VEC_DISTANCE", "VEC_DISTANCE_EUCLIDEAN",
	"VEC_DISTANCE_COSINE",
)

// setFunctions are the functions a session SET may call: the few that
// dumps use there (SET collation_connection = IFNULL(@saved, ...)), each a
// built-in of every MySQL and MariaDB, which a stored function of the same
// name cannot shadow. (An allowed function a server does not have, such as
// UUID_V7 on MariaDB 10.11, is a call of a stored function of that name:
// where tables use functions the server refuses stored functions, and rows
// are loaded before the objects entry creates any; a SET may come after
// it.)
var setFunctions = setOf("IFNULL", "COALESCE", "IF", "NULLIF", "CONCAT", "CONCAT_WS", "REPLACE", "CAST", "CONVERT")

// operatorWords stand before '(' in an expression without calling a
// function; they are reserved words, never the name of a stored function.
var operatorWords = setOf("AND", "OR", "NOT", "XOR", "LIKE", "RLIKE", "REGEXP", "IS",
	"BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "DIV", "IN")

// clauseWords and typeWords stand before '(' in CREATE and ALTER TABLE
// without calling a function: clauses that take a list or an expression,
// and column types that take a length (some of them, CHAR, DATE, TIME,
// BINARY, are also functions, and allowed as such). Some are not reserved
// words, and in a SELECT or SET would call a stored function of that name
// (hash(1)); in a table's DEFAULT, generated column, CHECK or partitioning
// the servers refuse stored functions. A type may also follow AS in a
// CAST anywhere.
var (
	clauseWords = setOf("KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL", "CHECK", "DEFAULT",
		"AS", "COLUMNS", "HASH", "RANGE", "LIST", "PARTITION", "SUBPARTITION", "THAN", "VALUES",
		"ADD", "COLUMN", "INTO", "SYSTEM_TIME", "BTREE", "RTREE", "ROW", "OF")
	typeWords = setOf("VARCHAR", "VARBINARY", "DECIMAL", "DEC", "NUMERIC", "FIXED", "FLOAT",
		"DOUBLE", "REAL", "PRECISION", "INT", "INTEGER", "TINYINT", "SMALLINT", "MEDIUMINT",
		"BIGINT", "INT1", "INT2", "INT3", "INT4", "INT8", "MIDDLEINT", "BIT", "DATETIME", "ENUM",
		"SET", "TEXT", "BLOB", "NCHAR", "NVARCHAR", "CHARACTER", "VARYING", "VARCHARACTER",
		"VARCHAR2", "NUMBER", "RAW", "VECTOR", "SIGNED", "UNSIGNED")
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
