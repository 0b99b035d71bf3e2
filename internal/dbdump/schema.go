package dbdump

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// encoding says how a column's values are written.
type encoding uint8

const (
	encString encoding = iota // '...' with sqldump.AppendQuoted
	encNumber                 // as the server prints it
	encFloat                  // FLOAT, read as DOUBLE and written shortest
	encBit                    // b'...'
	encHex                    // 0x... (binary strings, blobs, geometry)
)

// encodingOf maps an information_schema DATA_TYPE to its encoding.
func encodingOf(dataType string) encoding {
	switch strings.ToLower(dataType) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint",
		"decimal", "numeric", "double", "real", "double precision",
		"year": // YEAR 0 must stay a number: the string '0000' loads as 2000
		return encNumber
	case "float":
		return encFloat
	case "bit":
		return encBit
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
		"geometry", "point", "linestring", "polygon", "multipoint",
		"multilinestring", "multipolygon", "geometrycollection", "geomcollection",
		"vector":
		return encHex
	}
	return encString
}

type column struct {
	name     string
	dataType string
	enc      encoding
}

// table is a base table or a sequence to dump.
type table struct {
	name     string
	sequence bool
	engine   string
	estRows  int64
	avgRow   int64
	dataLen  int64
	policy   RowPolicy
	cols     []column // the columns an INSERT can set, in table order
	allCols  []string // every column information_schema shows
	pk       []string
	numPK    bool // single-column integer primary key
	create   string
	prefix   []byte   // "INSERT INTO `t` (`a`,`b`) VALUES "
	sel      string   // "SELECT `a`,`b` FROM `t`"
	colNames []string // names of cols
	chunks   []*chunk

	// subset state (Config.Subset)
	whole bool  // copied whole
	root  bool  // a root of the subset
	sub   bool  // has a key set: its rows are the keys taken
	idx   int   // number of its temporary key tables
	taken int64 // keys taken
}

// quoteString quotes s as a SQL string literal. Sessions run with sql_mode
// ”, so backslash escapes are in force.
func quoteString(s string) string {
	return string(sqldump.AppendQuoted(nil, []byte(s)))
}

// loadSchema lists the tables to dump with their columns, primary keys and
// CREATE statements.
func (d *Dumper) loadSchema(ctx context.Context, c *sql.Conn) error {
	db := quoteString(d.cfg.Database)
	what := "read the list of tables"
	if err := c.QueryRowContext(ctx, "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "+db).Scan(&d.info.Charset); err != nil && err != sql.ErrNoRows {
		return classify(err, what, "")
	}
	rows, err := c.QueryContext(ctx, "SELECT TABLE_NAME, TABLE_TYPE, IFNULL(ENGINE, ''), IFNULL(TABLE_ROWS, 0), IFNULL(AVG_ROW_LENGTH, 0), IFNULL(DATA_LENGTH, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "+db)
	if err != nil {
		return classify(err, what, "")
	}
	var all []string // every name a Tables pattern may match
	byName := map[string]*table{}
	for rows.Next() {
		t := &table{}
		var typ string
		if err := rows.Scan(&t.name, &typ, &t.engine, &t.estRows, &t.avgRow, &t.dataLen); err != nil {
			rows.Close()
			return classify(err, what, "")
		}
		switch typ {
		case "BASE TABLE", "SYSTEM VERSIONED":
		case "SEQUENCE":
			t.sequence = true
		case "VIEW":
			all = append(all, t.name)
			continue
		default:
			continue
		}
		all = append(all, t.name)
		if !d.selected(t.name) {
			continue
		}
		if !t.sequence && d.cfg.Rows != nil {
			t.policy = d.cfg.Rows(t.name)
		}
		if t.policy == OmitTable {
			continue
		}
		d.tables = append(d.tables, t)
		byName[t.name] = t
	}
	if err := rows.Err(); err != nil {
		return classify(err, what, "")
	}
	rows.Close()
	for _, p := range d.cfg.Tables {
		if !slices.ContainsFunc(all, func(n string) bool { return matchAny([]string{p}, n) }) {
			return fmt.Errorf("%w: %q matches no table or view in database %s", ErrNoSuchTable, p, sqldump.QuoteIdent(d.cfg.Database))
		}
	}
	slices.SortFunc(d.tables, func(a, b *table) int { return strings.Compare(a.name, b.name) })

	what = "read the columns of the tables"
	rows, err = c.QueryContext(ctx, "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "+db+" ORDER BY TABLE_NAME, ORDINAL_POSITION")
	if err != nil {
		return classify(err, what, "")
	}
	for rows.Next() {
		var tn, name, typ, extra string
		if err := rows.Scan(&tn, &name, &typ, &extra); err != nil {
			rows.Close()
			return classify(err, what, "")
		}
		t := byName[tn]
		if t == nil {
			continue
		}
		t.allCols = append(t.allCols, name)
		if generated(extra) {
			continue
		}
		t.cols = append(t.cols, column{name: name, dataType: typ, enc: encodingOf(typ)})
	}
	if err := rows.Err(); err != nil {
		return classify(err, what, "")
	}
	rows.Close()

	what = "read the primary keys"
	rows, err = c.QueryContext(ctx, "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = "+db+" AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX")
	if err != nil {
		return classify(err, what, "")
	}
	for rows.Next() {
		var tn, name string
		if err := rows.Scan(&tn, &name); err != nil {
			rows.Close()
			return classify(err, what, "")
		}
		if t := byName[tn]; t != nil {
			t.pk = append(t.pk, name)
		}
	}
	if err := rows.Err(); err != nil {
		return classify(err, what, "")
	}
	rows.Close()

	for _, t := range d.tables {
		if t.sequence {
			continue
		}
		d.info.Tables++
		if err := d.showCreateTable(ctx, c, t); err != nil {
			return err
		}
		if len(t.pk) == 1 {
			for _, col := range t.cols {
				if strings.EqualFold(col.name, t.pk[0]) {
					switch strings.ToLower(col.dataType) {
					case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
						t.numPK = true
					}
				}
			}
		}
		var b []byte
		b = append(b, "INSERT INTO "...)
		b = append(b, sqldump.QuoteIdent(t.name)...)
		b = append(b, " ("...)
		for i, col := range t.cols {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, sqldump.QuoteIdent(col.name)...)
			t.colNames = append(t.colNames, col.name)
		}
		b = append(b, ") VALUES "...)
		t.prefix = b
		if t.policy == RowsAll && len(t.cols) == 0 {
			d.info.Warnings = append(d.info.Warnings, fmt.Sprintf("table %s has only generated columns; its rows are not dumped", sqldump.QuoteIdent(t.name)))
			t.policy = RowsNone
		}
		if t.policy == RowsAll {
			d.info.RowsEstimate += t.estRows
			d.info.BytesEstimate += t.dataLen
			switch strings.ToLower(t.engine) {
			case "innodb", "":
			default:
				d.info.Warnings = append(d.info.Warnings, fmt.Sprintf("table %s uses the %s engine, which has no transactions: its rows are read as they are at that moment, outside the snapshot", sqldump.QuoteIdent(t.name), t.engine))
			}
		}
	}
	return nil
}

// generated reports whether an information_schema EXTRA value marks a column
// whose values cannot be inserted. MySQL 8's DEFAULT_GENERATED is a default,
// not a generated column.
func generated(extra string) bool {
	e := strings.ToUpper(extra)
	return strings.Contains(e, "VIRTUAL GENERATED") || strings.Contains(e, "STORED GENERATED") ||
		strings.Contains(e, "PERSISTENT GENERATED") || strings.Contains(e, "ROW START") || strings.Contains(e, "ROW END")
}

// showCreateTable reads the CREATE TABLE statement of t and checks that the
// columns information_schema showed are all the table has: an account with
// privileges on only some columns sees only those, and a dump of them would
// lose the others without a word.
func (d *Dumper) showCreateTable(ctx context.Context, c *sql.Conn, t *table) error {
	what := "read the definition of table " + sqldump.QuoteIdent(t.name)
	var name, create string
	if err := c.QueryRowContext(ctx, "SHOW CREATE TABLE "+sqldump.QuoteIdent(t.name)).Scan(&name, &create); err != nil {
		return classify(err, what, "the account needs a privilege on the table, such as SELECT (or exclude the table)")
	}
	t.create = strings.TrimRight(create, " \t\r\n;") + ";"
	if parsed, err := sqldump.ParseCreateTable([]byte(t.create)); err == nil {
		var missing []string
		for _, col := range parsed.Columns {
			if !slices.ContainsFunc(t.allCols, func(n string) bool { return strings.EqualFold(n, col.Name) }) {
				missing = append(missing, sqldump.QuoteIdent(col.Name))
			}
		}
		if len(missing) > 0 && t.policy == RowsAll {
			return fmt.Errorf("%w: %s: the account cannot see column(s) %s: grant SELECT on the whole table, or truncate or exclude it", ErrPrivilege, what, strings.Join(missing, ", "))
		}
	}
	return nil
}
