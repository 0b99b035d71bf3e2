package restore

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// heldLimit is the largest database entry read whole into memory and run
// once the reader has checked its hash; heldBudget bounds the bytes of such
// entries in memory at once (being read, waiting, or being loaded by the
// workers), whatever --threads. A data entry larger than heldLimit is
// loaded as it is read, in one transaction committed only once its hash
// checked out (dbload.Loader.Stream); a larger schema or objects entry is
// refused. Snapshot cuts data into entries of 8 MiB (--chunk-size), so
// heldLimit is rarely reached. Variables for tests.
var (
	heldLimit  int64 = 32 << 20
	heldBudget int64 = 64 << 20
)

// load reads every entry, verifying each before it is used: a database
// entry is read whole, and only run once the reader has checked its hash
// (a larger data entry is loaded as it is read, and only committed once the
// reader has checked its hash).
func (r *restorer) load(ctx context.Context, server *mysql.Config, name string, result *Result) error {
	loader, err := dbload.Open(ctx, dbload.Config{DSN: server.FormatDSN(), Database: name, Threads: r.opts.Threads, Protected: []string{registry.MarkerTable},
		Target: r.opts.Target, DropUnsupported: r.opts.DropUnsupported})
	if err != nil {
		return err
	}
	result.Target = loader.Target()
	defer func() {
		result.Adaptations = loader.Adaptations()
		r.entry.Adaptations = nil
		for _, a := range result.Adaptations {
			r.entry.Adaptations = append(r.entry.Adaptations, a.String())
		}
	}()
	r.loaderClose = loader.Close
	defer func() {
		if r.loaderClose != nil {
			r.loaderClose()
			r.loaderClose = nil
		}
	}()
	budget := newBudget(heldBudget)
	objects := "" // the objects entry, once read
	var pending *archive.Entry
	var pendingSQL []byte
	var pendingTaken int64 // of the budget, for pendingSQL
	dataRunning := false
	cur, err := r.ar.Next()
	for ; err == nil; cur, err = r.ar.Next() {
		// cur's predecessor has been verified by Next: act on it.
		if pending != nil {
			if err := r.runSQL(ctx, loader, budget, pending.Name, pendingSQL, pendingTaken, &dataRunning); err != nil {
				return err
			}
			pending, pendingSQL = nil, nil
		}
		if err := loader.Err(); err != nil {
			return err // a data entry failed: the rest would be dropped
		}
		switch {
		case strings.HasPrefix(cur.Name, archive.DBPrefix):
			if cur.Type != archive.TypeFile {
				return fmt.Errorf("%w: %s is a %s", archive.ErrCorrupt, cur.Name, cur.Type)
			}
			// Views, triggers, routines and events come last (snapshot
			// writes them so): no statement of the load may run after a
			// routine of the archive exists, which it could call.
			if objects != "" {
				return fmt.Errorf("restore: %s comes after %s: %w: an archive's views, triggers, routines and events come after all its tables and rows", cur.Name, objects, dbload.ErrRefused)
			}
			if dbload.KindOf(cur.Name) == dbload.EntryObjects {
				objects = cur.Name
			}
			r.progress("database", cur.Name)
			// The size is the archive's word, not yet verified: hold
			// only what fits the budget, and grow the buffer as the
			// bytes actually come.
			if cur.Size > heldLimit {
				if dbload.KindOf(cur.Name) != dbload.EntryData {
					return fmt.Errorf("%w: %s claims %d bytes, at most %d are accepted for a schema or objects entry", ErrEntryTooLarge, cur.Name, cur.Size, heldLimit)
				}
				dataRunning = false
				if err := loader.Stream(ctx, cur.Name, r.ar, r.ar.Verify); err != nil {
					return err
				}
				continue
			}
			kept, taken, err := budget.take(ctx, cur.Size)
			if err != nil {
				return err
			}
			buf, err := readEntry(r.ar, cur.Size, kept)
			if err != nil {
				return err
			}
			pending, pendingSQL, pendingTaken = cur, buf, taken
		case strings.HasPrefix(cur.Name, archive.FilesPrefix):
			if r.root == nil {
				if cur.Type == archive.TypeFile && result.Files == 0 {
					r.warnf("the archive holds site files; no --files-dir was given, so they are not restored")
				}
				result.Files++
				continue
			}
			r.progress("files", cur.Name)
			if err := r.writeFile(cur); err != nil {
				return err
			}
		}
	}
	if err != io.EOF {
		return err
	}
	if pending != nil {
		if err := r.runSQL(ctx, loader, budget, pending.Name, pendingSQL, pendingTaken, &dataRunning); err != nil {
			return err
		}
	}
	if err := loader.Wait(); err != nil {
		return err
	}
	r.loaderClose = nil
	if err := loader.Close(); err != nil {
		return err
	}
	return r.disableEvents(ctx, name)
}

// readEntry reads the current entry, which says it holds size bytes, into
// buf if it is not nil (a kept buffer of at least size bytes' capacity).
// A new buffer starts at no more than 16 MiB and doubles, up to size, only
// as the bytes come; an honest entry is read into a buffer of exactly its
// size (io.Copy into a bytes.Buffer would grow it to twice that to look for
// the end, and copy it).
func readEntry(r io.Reader, size int64, buf []byte) ([]byte, error) {
	if buf == nil {
		buf = make([]byte, 0, min(size, 16<<20))
	}
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(size-int64(len(buf)), int64(len(buf)))))
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), size)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// runSQL runs one verified database entry: schema entries in order, data
// chunks in parallel, the objects entry (views, routines, triggers,
// events) once every chunk is in. The entry's bytes go back to budget once
// it has run (taken: what budget.take took for it).
func (r *restorer) runSQL(ctx context.Context, loader *dbload.Loader, budget *budget, name string, text []byte, taken int64, dataRunning *bool) error {
	switch dbload.KindOf(name) {
	case dbload.EntrySchema:
		defer budget.give(taken, text)
		r.noteCreated(text)
		return loader.Exec(ctx, name, text)
	case dbload.EntryObjects:
		defer budget.give(taken, text)
		r.noteCreated(text)
		if *dataRunning {
			if err := loader.Wait(); err != nil {
				return err
			}
			*dataRunning = false
		}
		return loader.Exec(ctx, name, text)
	default:
		*dataRunning = true
		loader.Go(name, text, func() { budget.give(taken, text) })
		return nil
	}
}

// budget counts the bytes of database entries held in memory, and keeps
// the buffers of entries that have run for the next ones: a fresh buffer of
// 8 MiB for every entry cost the zeroing of each byte, the page faults and
// the scavenger's work (bench/README.md). A kept buffer's capacity counts
// as held, so that the entries being read, waiting or run and the kept
// buffers together stay within the budget; take drops kept buffers when it
// needs their room.
type budget struct {
	mu    sync.Mutex
	free  int64         // bytes neither held by an entry nor kept
	kept  [][]byte      // buffers of entries that have run, empty
	freed chan struct{} // closed when bytes are given back
}

func newBudget(n int64) *budget {
	return &budget{free: n, freed: make(chan struct{})}
}

// take waits until n bytes are free and takes them. n must not be larger
// than the whole budget. It returns a kept buffer of at least n bytes'
// capacity, or nil, and the bytes taken, to give back with the buffer: n,
// or the capacity of the buffer returned.
func (b *budget) take(ctx context.Context, n int64) ([]byte, int64, error) {
	for {
		b.mu.Lock()
		best := -1 // the smallest kept buffer that holds n
		for i, k := range b.kept {
			if int64(cap(k)) >= n && (best < 0 || cap(k) < cap(b.kept[best])) {
				best = i
			}
		}
		if best >= 0 {
			buf := b.kept[best]
			b.kept = slices.Delete(b.kept, best, best+1)
			b.mu.Unlock()
			return buf, int64(cap(buf)), nil
		}
		for b.free < n && len(b.kept) > 0 { // too small: their room is worth more
			b.free += int64(cap(b.kept[len(b.kept)-1]))
			b.kept = b.kept[:len(b.kept)-1]
		}
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return nil, n, nil
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
	}
}

// give gives back n bytes taken earlier, with the entry's buffer, which
// is kept for the next entries if it fits within them.
func (b *budget) give(n int64, buf []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := int64(cap(buf)); c > 0 && c <= n {
		b.kept = append(b.kept, buf[:0])
		n -= c
	}
	b.free += n
	close(b.freed)
	b.freed = make(chan struct{})
}

// disableEvents turns off every event of the restored database: a staging
// copy must not run the site's scheduled jobs.
func (r *restorer) disableEvents(ctx context.Context, name string) error {
	rows, err := r.admin.QueryContext(ctx, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND STATUS = 'ENABLED'", name)
	if err != nil {
		return fmt.Errorf("restore: list events: %w", err)
	}
	var events []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return err
		}
		events = append(events, e)
	}
	rows.Close()
	for _, e := range events {
		if _, err := r.admin.ExecContext(ctx, "ALTER EVENT "+sqldump.QuoteIdent(name)+"."+sqldump.QuoteIdent(e)+" DISABLE"); err != nil {
			return fmt.Errorf("restore: disable event %s: %w", e, err)
		}
	}
	if len(events) > 0 {
		r.warnf("%d scheduled event(s) disabled: %s", len(events), strings.Join(events, ", "))
	}
	return nil
}
