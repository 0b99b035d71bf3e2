package dbdump

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// chunk is one SELECT: a whole table, or one primary key range of it.
type chunk struct {
	t     *table
	seq   int    // index in Dumper.work
	where string // the range: " WHERE ... ORDER BY ...", or empty
	// keyLo..keyHi are the numbers of the subset keys whose rows the
	// chunk reads, for a table with a key set (where is then made when
	// the chunk is read).
	keyLo, keyHi int64
	ch           chan *batch
	err          error // set before ch is closed, when the read failed
	// queued is the bytes of the batches in ch; the reader waits on
	// drained (the consumer took a batch) while one more would pass
	// queueBytes. maxQueued keeps the most there was, for tests.
	queued    atomic.Int64
	drained   chan struct{}
	maxQueued atomic.Int64
}

// took tells the reader of c that the consumer took b from the queue.
func (c *chunk) took(b *batch) {
	c.queued.Add(-int64(len(b.buf)))
	select {
	case c.drained <- struct{}{}:
	default:
	}
}

// batch holds encoded rows: row i is buf[ends[i-1]:ends[i]] (from 0 for the
// first), "(" values separated by "," ")"; the j-th value of row i starts
// at starts[i*n+j] within the row and has kind kinds[i*n+j], n being the
// number of columns (a string literal with nothing escaped is plainString).
type batch struct {
	buf    []byte
	ends   []int
	starts []uint32
	kinds  []sqldump.ValueKind
}

// plainString is the kind of a string literal whose body is the server's
// bytes, nothing escaped: the row's sqldump.Value says so (PlainString), so
// the anonymizer and the privacy check read it in place without looking
// for escapes again.
const plainString = sqldump.ValueKind(-1)

var batchPool = sync.Pool{New: func() any { return &batch{buf: make([]byte, 0, batchBytes+batchBytes/4)} }}

func getBatch() *batch { return batchPool.Get().(*batch) }

func putBatch(b *batch) {
	if cap(b.buf) > 4*batchBytes {
		return // one huge row: let it go
	}
	b.buf, b.ends, b.starts, b.kinds = b.buf[:0], b.ends[:0], b.starts[:0], b.kinds[:0]
	batchPool.Put(b)
}

// plan splits the tables whose rows are dumped into chunks, in output order.
func (d *Dumper) plan(ctx context.Context, c *sql.Conn) error {
	for _, t := range d.tables {
		if t.sequence || t.policy != RowsAll {
			continue
		}
		if err := d.planTable(ctx, c, t); err != nil {
			return err
		}
		if t.sub {
			d.planSubset(t)
		}
		for _, ch := range t.chunks {
			ch.seq = len(d.work)
			d.work = append(d.work, ch)
		}
	}
	return nil
}

func (d *Dumper) planTable(ctx context.Context, c *sql.Conn, t *table) error {
	var sel strings.Builder
	sel.WriteString("SELECT ")
	for i, col := range t.cols {
		if i > 0 {
			sel.WriteByte(',')
		}
		q := sqldump.QuoteIdent(col.name)
		if col.enc == encFloat {
			// FLOAT prints with 6 digits, which loses precision; as
			// DOUBLE it prints exactly (and is shortened in encode).
			sel.WriteString("CAST(" + q + " AS DOUBLE)")
		} else {
			sel.WriteString(q)
		}
	}
	sel.WriteString(" FROM " + sqldump.QuoteIdent(t.name))
	t.sel = sel.String()
	if t.sub {
		return nil
	}
	newChunk := func(where string) {
		t.chunks = append(t.chunks, &chunk{t: t, where: where, ch: make(chan *batch, batchQueue), drained: make(chan struct{}, 1)})
	}
	per := int64(d.cfg.ChunkRows)
	if per <= 0 {
		per = readChunkBytes / max(t.avgRow, 1)
		per = min(max(per, minChunkRows), maxChunkRows)
	}
	if !t.numPK || t.estRows <= per {
		newChunk("")
		return nil
	}
	pk := sqldump.QuoteIdent(t.pk[0])
	var lo, hi sql.NullString
	if err := c.QueryRowContext(ctx, "SELECT MIN("+pk+"), MAX("+pk+") FROM "+sqldump.QuoteIdent(t.name)).Scan(&lo, &hi); err != nil {
		return classify(err, "read the key range of table "+sqldump.QuoteIdent(t.name), selectPriv)
	}
	var bl, bh big.Int
	if !lo.Valid || !hi.Valid {
		newChunk("")
		return nil
	}
	if _, ok := bl.SetString(lo.String, 10); !ok {
		return fmt.Errorf("dbdump: table %s: unexpected key %q", sqldump.QuoteIdent(t.name), lo.String)
	}
	if _, ok := bh.SetString(hi.String, 10); !ok {
		return fmt.Errorf("dbdump: table %s: unexpected key %q", sqldump.QuoteIdent(t.name), hi.String)
	}
	n := min((t.estRows+per-1)/per, maxChunks)
	span := new(big.Int).Sub(&bh, &bl)
	span.Add(span, big.NewInt(1))
	if span.Cmp(big.NewInt(n)) < 0 {
		n = span.Int64()
	}
	if n <= 1 {
		newChunk("")
		return nil
	}
	// Boundaries lo + span*i/n for i in 1..n-1; the first range has no
	// lower bound and the last no upper bound, so every row is read
	// whatever the key range.
	bounds := make([]string, n-1)
	for i := range bounds {
		b := new(big.Int).Mul(span, big.NewInt(int64(i+1)))
		b.Quo(b, big.NewInt(n))
		b.Add(b, &bl)
		bounds[i] = b.String()
	}
	order := " ORDER BY " + pk
	for i := int64(0); i < n; i++ {
		var where string
		switch {
		case i == 0:
			where = " WHERE " + pk + " < " + bounds[0]
		case i == n-1:
			where = " WHERE " + pk + " >= " + bounds[i-1]
		default:
			where = " WHERE " + pk + " >= " + bounds[i-1] + " AND " + pk + " < " + bounds[i]
		}
		newChunk(where + order)
	}
	return nil
}

const selectPriv = "the account needs the SELECT privilege on the table (or exclude, skip or truncate it so its rows are not read)"

// reader reads chunks in output order until there are none left.
func (d *Dumper) reader(ctx context.Context, c *sql.Conn) {
	defer d.wg.Done()
	for {
		i := int(d.nextWork.Add(1)) - 1
		if i >= len(d.work) {
			break
		}
		ch := d.work[i]
		if !d.waitHead(ctx, i) {
			return
		}
		d.noteAhead(i)
		if err := d.readChunk(ctx, c, ch); err != nil {
			ch.err = hide(err, d.secret)
			close(ch.ch)
			d.fail(ch.err)
			return
		}
		close(ch.ch)
	}
	// End the snapshot now rather than at Close: an open read view
	// holds back the purge of old row versions on a busy server.
	c.ExecContext(ctx, "COMMIT")
}

// waitHead waits until range i is at most Threads ranges after the one the
// consumer is on. It reports false when the dump stops first.
func (d *Dumper) waitHead(ctx context.Context, i int) bool {
	for {
		d.headMu.Lock()
		ahead, moved := i-d.head, d.headMoved
		d.headMu.Unlock()
		if ahead <= d.window() {
			return true
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return false
		case <-d.failed:
			return false
		}
	}
}

// window is how many ranges past the consumer's readers may start: the
// threads, at most maxAhead.
func (d *Dumper) window() int { return min(d.cfg.Threads, maxAhead) }

// noteAhead keeps, for tests, the largest distance between a range when its
// reader started it and the range the consumer was on.
func (d *Dumper) noteAhead(i int) {
	d.headMu.Lock()
	d.maxAhead = max(d.maxAhead, i-d.head)
	d.headMu.Unlock()
}

// setHead records that the consumer is on range seq and wakes the readers
// waiting for it.
func (d *Dumper) setHead(seq int) {
	d.headMu.Lock()
	if seq > d.head {
		d.head = seq
		close(d.headMoved)
		d.headMoved = make(chan struct{})
	}
	d.headMu.Unlock()
}

// readChunk streams the rows of one chunk into batches. It reads through
// the driver's own rows rather than database/sql's: Scan converted every
// integer back to text through reflection and took a lock per row, about
// 3% of an anonymizing snapshot's CPU time.
func (d *Dumper) readChunk(ctx context.Context, c *sql.Conn, ch *chunk) error {
	t := ch.t
	what := "read table " + sqldump.QuoteIdent(t.name)
	d.queries.Add(1)
	where := ch.where
	if t.sub {
		w, err := d.subsetWhere(ctx, ch)
		if err != nil {
			return err
		}
		where = w
	}
	var rerr error // an error of the rows, not of the connection
	err := c.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("dbdump: driver connection %T cannot run queries", dc)
		}
		rows, err := q.QueryContext(ctx, t.sel+where, nil)
		if err != nil {
			return classify(err, what, selectPriv)
		}
		defer rows.Close()
		rerr = d.readRows(ctx, ch, rows, what)
		return nil
	})
	if err != nil {
		return err
	}
	return rerr
}

// readRows encodes rows into batches and sends them to the chunk's queue.
func (d *Dumper) readRows(ctx context.Context, ch *chunk, rows driver.Rows, what string) error {
	t := ch.t
	vals := make([]driver.Value, len(t.cols))
	b := getBatch()
	send := func() error {
		// Wait for room: the queue holds at most queueBytes, or one
		// batch of any size (a row larger than that).
		n := int64(len(b.buf))
		for {
			q := ch.queued.Load()
			if q == 0 || q+n <= queueBytes {
				break
			}
			select {
			case <-ch.drained:
			case <-ctx.Done():
				putBatch(b)
				return ctx.Err()
			}
		}
		if q := ch.queued.Add(n); q > ch.maxQueued.Load() {
			ch.maxQueued.Store(q)
		}
		select {
		case ch.ch <- b:
			return nil
		case <-ctx.Done():
			putBatch(b)
			return ctx.Err()
		}
	}
	for {
		err := rows.Next(vals)
		if err == io.EOF {
			break
		}
		if err != nil {
			putBatch(b)
			return classify(err, what, selectPriv)
		}
		if err := encodeRow(b, t.cols, vals); err != nil {
			putBatch(b)
			return fmt.Errorf("%s: %w", what, err)
		}
		if len(b.buf) >= batchBytes {
			if err := send(); err != nil {
				return err
			}
			b = getBatch()
		}
	}
	if len(b.ends) == 0 {
		putBatch(b)
		return nil
	}
	return send()
}

// encodeRow appends one row to b as a tuple of SQL literals. The driver
// gives integer columns as int64 or uint64 and DOUBLE columns as float64
// (text it parsed); they are written back the way database/sql's
// conversion to text wrote them; everything else comes as the server's
// bytes.
func encodeRow(b *batch, cols []column, vals []driver.Value) error {
	start := len(b.buf)
	buf := append(b.buf, '(')
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		b.starts = append(b.starts, uint32(len(buf)-start))
		kind := sqldump.ValueString
		switch v := v.(type) {
		case nil:
			buf = append(buf, "NULL"...)
			kind = sqldump.ValueNull
		case int64:
			buf = strconv.AppendInt(buf, v, 10)
			kind = sqldump.ValueNumber
		case uint64:
			buf = strconv.AppendUint(buf, v, 10)
			kind = sqldump.ValueNumber
		case float64:
			if cols[i].enc == encFloat {
				buf = appendFloat32(buf, v)
			} else {
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
			kind = sqldump.ValueNumber
		case []byte:
			var err error
			if buf, kind, err = appendBytes(buf, cols[i], v); err != nil {
				b.buf = buf
				return err
			}
		default:
			b.buf = buf
			return fmt.Errorf("column %s: unexpected value of type %T from the driver", sqldump.QuoteIdent(cols[i].name), v)
		}
		b.kinds = append(b.kinds, kind)
	}
	buf = append(buf, ')')
	b.buf = buf
	b.ends = append(b.ends, len(buf))
	return nil
}

// appendBytes appends a value the driver gave as the server's text. A
// string literal with nothing escaped has kind plainString.
func appendBytes(buf []byte, col column, raw []byte) ([]byte, sqldump.ValueKind, error) {
	switch col.enc {
	case encNumber:
		if !isNumber(raw) {
			return buf, 0, fmt.Errorf("column %s: unexpected number %.40q", sqldump.QuoteIdent(col.name), raw)
		}
		return append(buf, raw...), sqldump.ValueNumber, nil
	case encFloat:
		if !isNumber(raw) {
			return buf, 0, fmt.Errorf("column %s: unexpected number %.40q", sqldump.QuoteIdent(col.name), raw)
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return buf, 0, fmt.Errorf("column %s: unexpected number %.40q", sqldump.QuoteIdent(col.name), raw)
		}
		return appendFloat32(buf, f), sqldump.ValueNumber, nil
	case encBit:
		return appendBits(buf, raw), sqldump.ValueBit, nil
	case encHex:
		if len(raw) == 0 {
			return sqldump.AppendHex(buf, raw), sqldump.ValueString, nil
		}
		return sqldump.AppendHex(buf, raw), sqldump.ValueHex, nil
	}
	buf, plain := sqldump.AppendQuotedPlain(buf, raw)
	if plain {
		return buf, plainString, nil
	}
	return buf, sqldump.ValueString, nil
}

// isNumber reports whether b is a number as the server prints one and
// sqldump reads one: [-+]digits[.digits][e[-+]digits].
func isNumber(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		i++
	}
	digits := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			i++
		}
		e := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == e {
			return false
		}
	}
	return i == len(b)
}

// appendFloat32 appends a FLOAT value, read as the DOUBLE f it exactly is,
// as the shortest decimal that loads back as the same FLOAT (the server
// parses it as a DOUBLE and rounds that to FLOAT; when that double rounding
// would pick a different FLOAT, the exact DOUBLE is kept).
func appendFloat32(dst []byte, f float64) []byte {
	f32 := float32(f)
	if float64(f32) == f {
		n := len(dst)
		dst = strconv.AppendFloat(dst, float64(f32), 'g', -1, 32)
		if g, err := strconv.ParseFloat(string(dst[n:]), 64); err == nil && float32(g) == f32 {
			return dst
		}
		dst = dst[:n]
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// appendBits appends a BIT value (big-endian bytes) as b'...' without
// leading zeros.
func appendBits(dst, raw []byte) []byte {
	dst = append(dst, 'b', '\'')
	started := false
	for _, c := range raw {
		for k := 7; k >= 0; k-- {
			bit := c >> k & 1
			if bit == 1 {
				started = true
			}
			if started {
				dst = append(dst, '0'+bit)
			}
		}
	}
	if !started {
		dst = append(dst, '0')
	}
	return append(dst, '\'')
}
