package restore

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// load reads every entry, verifying each before it is used: a database
// entry is read whole, and only run once the reader has checked its hash.
func (r *restorer) load(ctx context.Context, server *mysql.Config, name string, result *Result) error {
	loader, err := dbload.Open(ctx, dbload.Config{DSN: server.FormatDSN(), Database: name, Threads: r.opts.Threads, Protected: []string{registry.MarkerTable}})
	if err != nil {
		return err
	}
	r.loaderClose = loader.Close
	defer func() {
		if r.loaderClose != nil {
			r.loaderClose()
			r.loaderClose = nil
		}
	}()
	var pending *archive.Entry
	var pendingSQL []byte
	dataRunning := false
	cur, err := r.ar.Next()
	for ; err == nil; cur, err = r.ar.Next() {
		// cur's predecessor has been verified by Next: act on it.
		if pending != nil {
			if err := r.runSQL(ctx, loader, pending.Name, pendingSQL, &dataRunning); err != nil {
				return err
			}
			pending, pendingSQL = nil, nil
		}
		switch {
		case strings.HasPrefix(cur.Name, archive.DBPrefix):
			if cur.Type != archive.TypeFile {
				return fmt.Errorf("%w: %s is a %s", archive.ErrCorrupt, cur.Name, cur.Type)
			}
			r.progress("database", cur.Name)
			// The size is the archive's word, not yet verified: refuse
			// what could not be held, and grow the buffer as the bytes
			// actually come.
			if cur.Size > MaxSQLEntry {
				return fmt.Errorf("%w: %s claims %d bytes, at most %d are accepted", ErrEntryTooLarge, cur.Name, cur.Size, MaxSQLEntry)
			}
			buf, err := readEntry(r.ar, cur.Size)
			if err != nil {
				return err
			}
			pending, pendingSQL = cur, buf
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
		if err := r.runSQL(ctx, loader, pending.Name, pendingSQL, &dataRunning); err != nil {
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

// readEntry reads the current entry, which says it holds size bytes. The
// buffer starts at no more than 16 MiB and doubles, up to size, only as the
// bytes come; an honest entry is read into a buffer of exactly its size
// (io.Copy into a bytes.Buffer would grow it to twice that to look for the
// end, and copy it).
func readEntry(r io.Reader, size int64) ([]byte, error) {
	buf := make([]byte, 0, min(size, 16<<20))
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(size-int64(len(buf)), int64(len(buf)))))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
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
// events) once every chunk is in.
func (r *restorer) runSQL(ctx context.Context, loader *dbload.Loader, name string, text []byte, dataRunning *bool) error {
	base := strings.TrimPrefix(name, archive.DBPrefix)
	switch {
	case strings.HasSuffix(base, ".schema.sql"):
		r.noteCreated(text)
		return loader.Exec(ctx, name, text)
	case strings.HasPrefix(base, "-"):
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
		loader.Go(name, text)
		return nil
	}
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
