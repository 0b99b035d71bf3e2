// The parallel copy: Run's way to use more than one core. One goroutine
// reads the dump through the Filter (statements, rules, plans, checks: all
// in input order, as Copy does); the rows of tables with rules go in
// batches to workers, which anonymize them with copies of the table's
// plan; one goroutine writes the pieces out in input order. What a row's
// anonymization shares with the rows before it is done in that order by
// the writer: unique fakes are claimed there (a worker only records which
// fake it picked), report counts are added there, and a row whose fake
// was taken by an earlier row, or a row a worker failed on, is anonymized
// again there with the table's own plan, as the serial Copy would. The
// output and the first error are those of Copy over the Filter.

package anonymize

import (
	"context"
	"io"
	"sync"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// The size of a batch of rows and of a segment of bytes passed through;
// variables so that tests can make them small.
var (
	batchBytes = 64 << 10
	batchRows  = 1024
)

// segment is a piece of the output, in input order: bytes to write as they
// are, a batch of rows being anonymized, or the error that stopped the
// reader.
type segment struct {
	raw   []byte
	batch *batch
	err   error
}

// batch is rows of one INSERT of a table with rules.
type batch struct {
	plan *tablePlan
	tr   *TableReport
	st   sqldump.Statement // Table and Line, for errors
	// The rows as read: arena holds each row's Sep and Raw, vals their
	// Values with Raw pointing into arena.
	arena []byte
	vals  []sqldump.Value
	rows  []batchRow
	// The worker's results: out holds each anonymized row's Sep and Raw.
	// A worker stops at the first row it fails on: res then has fewer
	// entries than rows.
	out    []byte
	res    []rowResult
	claims []claim
	counts []*ColumnReport
	done   chan struct{} // closed when the results are in
}

type batchRow struct {
	sep, raw, end int // arena[sep:raw] is Sep, arena[raw:end] is Raw
	v0, v1        int // vals[v0:v1] are the row's Values
	index, offset int64
}

type rowResult struct {
	end            int // out[previous end:end] is the row
	changed        bool
	claims, counts int // ends of the row's claims and counts
}

var batchPool = sync.Pool{New: func() any { return &batch{done: make(chan struct{})} }}

func newBatch(p *tablePlan, tr *TableReport, st *sqldump.Statement) *batch {
	b := batchPool.Get().(*batch)
	b.plan, b.tr = p, tr
	b.st = sqldump.Statement{Table: st.Table, Line: st.Line}
	b.arena, b.vals, b.rows = b.arena[:0], b.vals[:0], b.rows[:0]
	b.out, b.res, b.claims, b.counts = b.out[:0], b.res[:0], b.claims[:0], b.counts[:0]
	b.done = make(chan struct{})
	return b
}

func (b *batch) add(r *sqldump.Row) {
	br := batchRow{sep: len(b.arena), v0: len(b.vals), index: r.Index, offset: r.Offset}
	b.arena = append(b.arena, r.Sep...)
	br.raw = len(b.arena)
	b.arena = append(b.arena, r.Raw...)
	br.end = len(b.arena)
	b.vals = append(b.vals, r.Values...)
	br.v1 = len(b.vals)
	b.rows = append(b.rows, br)
}

// fix points the values' Raw into arena, once it no longer grows.
func (b *batch) fix() {
	for _, br := range b.rows {
		raw := b.arena[br.raw:br.end]
		for i := br.v0; i < br.v1; i++ {
			v := &b.vals[i]
			v.Raw = raw[v.Start : v.Start+len(v.Raw) : v.Start+len(v.Raw)]
		}
	}
}

// row sets r to row i, with its own copy of the values (apply rewrites
// them).
func (b *batch) row(i int, r *sqldump.Row) {
	br := b.rows[i]
	*r = sqldump.Row{
		Sep:    b.arena[br.sep:br.raw:br.raw],
		Raw:    b.arena[br.raw:br.end:br.end],
		Values: append(r.Values[:0], b.vals[br.v0:br.v1]...),
		Index:  br.index,
		Offset: br.offset,
	}
}

// work anonymizes the batch's rows with q, a deferred copy of its plan,
// up to the first row that fails.
func (b *batch) work(q *tablePlan) {
	defer close(b.done)
	q.claims, q.counts = q.claims[:0], q.counts[:0]
	var r sqldump.Row
	for i := range b.rows {
		b.row(i, &r)
		changed, err := q.apply(nil, &r)
		if err != nil {
			break // the writer does this row again, and reports the error
		}
		b.out = append(b.out, r.Sep...)
		b.out = append(b.out, r.Raw...)
		b.res = append(b.res, rowResult{end: len(b.out), changed: changed, claims: len(q.claims), counts: len(q.counts)})
	}
	b.claims = append(b.claims, q.claims...)
	b.counts = append(b.counts, q.counts...)
}

// copyParallel is Copy over f with workers goroutines anonymizing rows.
func copyParallel(ctx context.Context, w io.Writer, f *Filter, workers int) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	order := make(chan segment, 2*workers+2)
	work := make(chan *batch, 2*workers+2)
	// The buffers of the segments passed through as they are (most of a
	// dump whose large tables have no rules) go back to the reader once
	// written: a new buffer per segment cost an allocation and the
	// copies of growing it, and twice the CPU of the serial run.
	free := make(chan []byte, 2*workers+4)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			plans := map[*tablePlan]*tablePlan{}
			for b := range work {
				q := plans[b.plan]
				if q == nil {
					q = b.plan.clone(true)
					plans[b.plan] = q
				}
				b.work(q)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(order)
		readSegments(ctx, f, order, work, free)
	}()
	n, err := writeSegments(w, order, free)
	if err == nil {
		// The reader stops at ctx's end without always getting its
		// error through: its sends give up on ctx too.
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		for range order { // let the reader stop
		}
	}
	wg.Wait()
	return n, err
}

// readSegments reads f and sends the output's pieces to order, and the
// batches also to work, until the end of the dump, an error (sent as the
// last segment) or ctx's end.
func readSegments(ctx context.Context, f *Filter, order chan<- segment, work chan<- *batch, free <-chan []byte) {
	var raw []byte
	// room makes raw a reused buffer when it is none.
	room := func() {
		if raw == nil {
			select {
			case raw = <-free:
			default:
				raw = make([]byte, 0, 2*batchBytes)
			}
		}
	}
	send := func(s segment) bool {
		if s.batch != nil {
			s.batch.fix()
			select {
			case work <- s.batch:
			case <-ctx.Done():
				return false
			}
		}
		select {
		case order <- s:
			return true
		case <-ctx.Done():
			return false
		}
	}
	flush := func() bool {
		if len(raw) == 0 {
			return true
		}
		s := segment{raw: raw}
		raw = nil
		return send(s)
	}
	fail := func(err error) {
		if flush() {
			send(segment{err: err})
		}
	}
	for n := 0; ; n++ {
		if n%256 == 0 && ctx.Err() != nil {
			fail(ctx.Err())
			return
		}
		st, err := f.Next()
		if err == io.EOF {
			flush()
			return
		}
		if err != nil {
			fail(err)
			return
		}
		room()
		raw = append(raw, st.Lead...)
		raw = append(raw, st.Text...)
		if st.Kind != sqldump.KindInsert {
			if len(raw) >= batchBytes && !flush() {
				return
			}
			continue
		}
		var b *batch
		for k := 1; ; k++ {
			if k%8192 == 0 && ctx.Err() != nil {
				fail(ctx.Err())
				return
			}
			r, err := f.nextRow()
			if err == io.EOF {
				break
			}
			if err != nil {
				if b != nil && !(flush() && send(segment{batch: b})) {
					return
				}
				fail(err)
				return
			}
			if f.cur == nil {
				room()
				raw = append(raw, r.Sep...)
				raw = append(raw, r.Raw...)
				if len(raw) >= batchBytes && !flush() {
					return
				}
				continue
			}
			if b == nil {
				b = newBatch(f.cur, f.curTR, f.curStmt)
			}
			b.add(r)
			if len(b.arena) >= batchBytes || len(b.rows) >= batchRows {
				if !flush() || !send(segment{batch: b}) {
					return
				}
				b = nil
			}
		}
		if b != nil && !(flush() && send(segment{batch: b})) {
			return
		}
		room()
		raw = append(raw, st.Tail...)
	}
}

// writeSegments writes the segments in order, finishing each batch: it
// claims the unique fakes and adds the report counts of its rows in row
// order, and anonymizes again, with the plan itself, a row whose fake an
// earlier row took or that its worker failed on.
func writeSegments(w io.Writer, order <-chan segment, free chan<- []byte) (int64, error) {
	cw := &countWriter{w: w}
	var r sqldump.Row
	for s := range order {
		if s.err != nil {
			return cw.n, s.err
		}
		if s.batch == nil {
			cw.Write(s.raw)
			if cap(s.raw) <= 4*batchBytes { // not a huge statement's
				select {
				case free <- s.raw[:0]:
				default:
				}
			}
			if cw.err != nil {
				return cw.n, cw.err
			}
			continue
		}
		b := s.batch
		<-b.done
		from, claims, counts := 0, 0, 0
		i := 0
		for ; i < len(b.res); i++ {
			res := b.res[i]
			ok := true
			for _, c := range b.claims[claims:res.claims] {
				if !c.set.try(c.in, c.out) {
					ok = false
					break
				}
			}
			if ok {
				cw.Write(b.out[from:res.end])
				for _, c := range b.counts[counts:res.counts] {
					c.Changed++
				}
				if res.changed {
					b.tr.RowsChanged++
				}
			} else if err := b.again(i, &r, cw); err != nil {
				return cw.n, err
			}
			from, claims, counts = res.end, res.claims, res.counts
		}
		// A worker stops at the row it fails on; that row may yet pass
		// here, when a fake taken earlier changes what follows.
		for ; i < len(b.rows); i++ {
			if err := b.again(i, &r, cw); err != nil {
				return cw.n, err
			}
		}
		if cw.err != nil {
			return cw.n, cw.err
		}
		batchPool.Put(b)
	}
	return cw.n, nil
}

// again anonymizes row i with the batch's plan itself, claiming unique
// fakes and counting in the report, and writes it: what Filter.NextRow
// does.
func (b *batch) again(i int, r *sqldump.Row, cw *countWriter) error {
	b.row(i, r)
	changed, err := b.plan.apply(nil, r)
	if err != nil {
		return rowError(&b.st, r, err)
	}
	if changed {
		b.tr.RowsChanged++
	}
	cw.Write(r.Sep)
	cw.Write(r.Raw)
	return nil
}
