package dbdump

import (
	"bytes"
	"errors"
	"io"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

var (
	tail       = []byte(";")
	errClosed  = errors.New("dbdump: dumper closed")
	firstLead  = "\n\n-- Dumping data for table "
	insertLead = []byte("\n")
)

// Next returns the next statement, or io.EOF after the last one, as
// sqldump.Scanner.Next does. The Statement is only valid until the next
// call to Next. For sqldump.KindInsert, read the rows with NextRow; if Next
// is called before NextRow returned io.EOF, the rest of the statement's rows
// are skipped.
func (d *Dumper) Next() (*sqldump.Statement, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.closed.Load() {
		return nil, d.setErr(errClosed)
	}
	for d.inInsert {
		if _, err := d.NextRow(); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
	}
	for {
		if d.tbl != nil {
			ok, err := d.peekRow()
			if err != nil {
				return nil, d.setErr(err)
			}
			if ok {
				return d.startInsert(), nil
			}
			d.tbl = nil
			continue
		}
		if d.step >= len(d.steps) {
			return nil, io.EOF
		}
		s := d.steps[d.step]
		d.step++
		if s.t != nil {
			d.tbl, d.firstIns, d.chunkIdx = s.t, true, 0
			continue
		}
		st := *s.st // a copy, so a caller changing it changes nothing here
		d.emitStatement(&st)
		return &st, nil
	}
}

// emitStatement sets the position of st and moves past it.
func (d *Dumper) emitStatement(st *sqldump.Statement) {
	st.Offset = d.pos + int64(len(st.Lead))
	st.Line = d.line + bytes.Count(st.Lead, []byte{'\n'})
	d.advance(st.Lead)
	d.advance(st.Text)
}

// advance accounts for b having been emitted. Rows never hold a line break
// (strings are written with \n and \r escapes), so only statements are
// counted.
func (d *Dumper) advance(b []byte) {
	d.pos += int64(len(b))
	d.line += bytes.Count(b, []byte{'\n'})
	d.bytesOut.Add(int64(len(b)))
}

func (d *Dumper) startInsert() *sqldump.Statement {
	t := d.tbl
	lead := insertLead
	if d.firstIns {
		lead = []byte(firstLead + oneLine(sqldump.QuoteIdent(t.name)) + "\n\n")
		d.firstIns = false
	}
	st := &sqldump.Statement{
		Kind:      sqldump.KindInsert,
		Lead:      lead,
		Text:      t.prefix,
		Delimiter: ";",
		Table:     t.name,
		Columns:   t.colNames,
		Verb:      "INSERT",
	}
	d.emitStatement(st)
	d.ins = st
	d.inInsert = true
	d.stmtRows = 0
	d.stmtBytes = len(t.prefix) + len(tail)
	return st
}

// NextRow returns the next row of the current INSERT statement, or io.EOF
// after its last row, when the statement's Tail is set, as
// sqldump.Scanner.NextRow does. The Row is only valid until the next call to
// NextRow or Next.
func (d *Dumper) NextRow() (*sqldump.Row, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.closed.Load() {
		return nil, d.setErr(errClosed)
	}
	if !d.inInsert {
		return nil, io.EOF
	}
	ok, err := d.peekRow()
	if err != nil {
		return nil, d.setErr(err)
	}
	if ok {
		b := d.cur
		from := 0
		if d.curRow > 0 {
			from = b.ends[d.curRow-1]
		}
		raw := b.buf[from:b.ends[d.curRow]]
		sep := 0
		if d.stmtRows > 0 {
			sep = 1
		}
		if d.stmtRows == 0 || d.stmtBytes+sep+len(raw) <= d.cfg.ChunkBytes {
			return d.emitRow(raw, sep), nil
		}
	}
	d.ins.Tail = tail
	d.advance(tail)
	d.inInsert = false
	return nil, io.EOF
}

func (d *Dumper) emitRow(raw []byte, sep int) *sqldump.Row {
	b := d.cur
	n := len(d.tbl.cols)
	base := d.curRow * n
	if cap(d.vals) < n {
		d.vals = make([]sqldump.Value, n)
	}
	vals, starts, kinds := d.vals[:n], b.starts[base:base+n], b.kinds[base:base+n]
	for j := range vals {
		s := int(starts[j])
		e := len(raw) - 1
		if j+1 < n {
			e = int(starts[j+1]) - 1
		}
		if kinds[j] == plainString {
			vals[j] = sqldump.PlainString(raw[s:e], s)
		} else {
			vals[j] = sqldump.Value{Raw: raw[s:e], Kind: kinds[j], Start: s}
		}
	}
	d.vals = vals
	r := &d.row
	r.Sep = tail[:0]
	if sep > 0 {
		r.Sep = comma
	}
	r.Raw = raw
	r.Values = d.vals
	r.Index = int64(d.stmtRows)
	r.Offset = d.pos + int64(sep)
	d.pos += int64(sep + len(raw))
	d.bytesOut.Add(int64(sep + len(raw)))
	d.rowsOut.Add(1)
	d.stmtRows++
	d.stmtBytes += sep + len(raw)
	d.curRow++
	return r
}

var comma = []byte(",")

// peekRow makes sure the current batch has a row left, waiting for the
// readers as needed, and reports false at the end of the table's rows.
func (d *Dumper) peekRow() (bool, error) {
	for {
		if d.cur != nil {
			if d.curRow < len(d.cur.ends) {
				return true, nil
			}
			putBatch(d.cur)
			d.cur = nil
		}
		if d.chunkIdx >= len(d.tbl.chunks) {
			return false, nil
		}
		c := d.tbl.chunks[d.chunkIdx]
		d.setHead(c.seq)
		select {
		case b, ok := <-c.ch:
			if !ok {
				if c.err != nil {
					return false, c.err
				}
				d.chunkIdx++
				continue
			}
			c.took(b)
			d.cur, d.curRow = b, 0
		case <-d.failed:
			return false, d.failErr
		case <-d.ctx.Done():
			return false, d.ctx.Err()
		}
	}
}

func (d *Dumper) setErr(err error) error {
	if d.err == nil {
		d.err = err
	}
	return d.err
}
