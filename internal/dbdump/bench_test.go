package dbdump

import (
	"bufio"
	"io"
	"os/exec"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// wordpressSchema is WordPress's wp_posts and wp_postmeta, filled with
// 40,000 posts of about 1.5 KB and 160,000 meta rows.
const wordpressSchema = `
CREATE TABLE wp_posts (
  ID bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  post_author bigint(20) unsigned NOT NULL DEFAULT 0,
  post_date datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  post_date_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  post_content longtext NOT NULL,
  post_title text NOT NULL,
  post_excerpt text NOT NULL,
  post_status varchar(20) NOT NULL DEFAULT 'publish',
  comment_status varchar(20) NOT NULL DEFAULT 'open',
  ping_status varchar(20) NOT NULL DEFAULT 'open',
  post_password varchar(255) NOT NULL DEFAULT '',
  post_name varchar(200) NOT NULL DEFAULT '',
  to_ping text NOT NULL,
  pinged text NOT NULL,
  post_modified datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  post_modified_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  post_content_filtered longtext NOT NULL,
  post_parent bigint(20) unsigned NOT NULL DEFAULT 0,
  guid varchar(255) NOT NULL DEFAULT '',
  menu_order int(11) NOT NULL DEFAULT 0,
  post_type varchar(20) NOT NULL DEFAULT 'post',
  post_mime_type varchar(100) NOT NULL DEFAULT '',
  comment_count bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (ID),
  KEY post_name (post_name(191)),
  KEY type_status_date (post_type,post_status,post_date,ID),
  KEY post_parent (post_parent),
  KEY post_author (post_author)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE wp_postmeta (
  meta_id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  post_id bigint(20) unsigned NOT NULL DEFAULT 0,
  meta_key varchar(255) DEFAULT NULL,
  meta_value longtext DEFAULT NULL,
  PRIMARY KEY (meta_id),
  KEY post_id (post_id),
  KEY meta_key (meta_key(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO wp_posts (ID, post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt,
  post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, guid)
SELECT seq, 1 + seq % 7, '2024-01-01' + INTERVAL seq MINUTE, '2024-01-01' + INTERVAL seq MINUTE,
  CONCAT('<!-- wp:paragraph --><p>', REPEAT(CONCAT('Lorem ipsum dolor sit amet ', seq, ', consectetur adipiscing élit. '), 24), '</p><!-- /wp:paragraph -->'),
  CONCAT('Post number ', seq), '', CONCAT('post-number-', seq), '', '',
  '2024-02-01' + INTERVAL seq MINUTE, '2024-02-01' + INTERVAL seq MINUTE, '',
  CONCAT('https://example.com/?p=', seq)
FROM seq_1_to_40000;
INSERT INTO wp_postmeta (meta_id, post_id, meta_key, meta_value)
SELECT seq, 1 + seq % 40000, ELT(1 + seq % 4, '_edit_lock', '_thumbnail_id', '_wp_page_template', '_customer_data'),
  CONCAT('a:2:{s:5:"email";s:17:"user', seq % 1000, '@example.com";s:2:"id";i:', seq, ';}')
FROM seq_1_to_160000;
ANALYZE TABLE wp_posts, wp_postmeta;
`

// BenchmarkDump compares Dumper with mariadb-dump on 200,000 WordPress
// rows, both writing their SQL to nowhere (and, when the zstd program is
// installed, through zstd -3):
//
//	go test -run '^$' -bench Dump -benchtime 3x ./internal/dbdump/
func BenchmarkDump(b *testing.B) {
	srv, db := mariadbtest.NewDatabase(b)
	srv.Exec(b, db, wordpressSchema)
	zstd, _ := exec.LookPath("zstd")

	stagecopy := func(threads int, w io.Writer) int64 {
		d, err := Open(b.Context(), Config{DSN: srv.DSN(""), Database: db, Threads: threads})
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		drain(b, d, w, false)
		rows, n := d.Progress()
		if rows != 200000 {
			b.Fatalf("%d rows", rows)
		}
		return n
	}
	for _, threads := range []int{1, runtime.NumCPU()} {
		b.Run("stagecopy/threads="+strconv.Itoa(threads), func(b *testing.B) {
			var n int64
			for b.Loop() {
				n = stagecopy(threads, io.Discard)
			}
			b.SetBytes(n)
			b.ReportMetric(float64(200000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		if zstd != "" {
			b.Run("stagecopy|zstd/threads="+strconv.Itoa(threads), func(b *testing.B) {
				var n int64
				for b.Loop() {
					cmd := exec.CommandContext(b.Context(), zstd, "-3", "-q", "-c")
					cmd.Stdout = io.Discard
					in, err := cmd.StdinPipe()
					if err != nil {
						b.Fatal(err)
					}
					if err := cmd.Start(); err != nil {
						b.Fatal(err)
					}
					w := bufio.NewWriterSize(in, 256<<10)
					n = stagecopy(threads, w)
					if err := w.Flush(); err != nil {
						b.Fatal(err)
					}
					in.Close()
					if err := cmd.Wait(); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(n)
			})
		}
	}
	args := []string{"--single-transaction", "--hex-blob", "--skip-dump-date", db}
	b.Run("mariadb-dump", func(b *testing.B) {
		var n int64
		for b.Loop() {
			cmd := srv.Command(b.Context(), "mariadb-dump", args...)
			c := &counter{}
			cmd.Stdout = c
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			n = c.n
		}
		b.SetBytes(n)
		b.ReportMetric(float64(200000*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	if zstd != "" {
		b.Run("mariadb-dump|zstd", func(b *testing.B) {
			for b.Loop() {
				dumpCmd := srv.Command(b.Context(), "mariadb-dump", args...)
				zstdCmd := exec.CommandContext(b.Context(), zstd, "-3", "-q", "-c")
				pipe, err := dumpCmd.StdoutPipe()
				if err != nil {
					b.Fatal(err)
				}
				zstdCmd.Stdin = pipe
				zstdCmd.Stdout = io.Discard
				if err := zstdCmd.Start(); err != nil {
					b.Fatal(err)
				}
				if err := dumpCmd.Run(); err != nil {
					b.Fatal(err)
				}
				if err := zstdCmd.Wait(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// TestMemoryBounded dumps 200,000 WordPress rows (about 90 MB of SQL) and
// checks that the heap stays small: rows stream, they are not collected.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("90 MB dump in -short mode")
	}
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, wordpressSchema)
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	d, err := Open(t.Context(), Config{DSN: srv.DSN(""), Database: db, Threads: 4, ChunkRows: 20000})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	drain(t, d, io.Discard, false)
	rows, n := d.Progress()
	close(stop)
	<-done
	t.Logf("%d rows, %d MB of SQL in %v; peak heap %.1f MiB", rows, n>>20, time.Since(start).Round(time.Millisecond), float64(peak.Load())/(1<<20))
	if rows != 200000 || n < 80<<20 {
		t.Fatalf("dumped %d rows, %d bytes", rows, n)
	}
	if peak.Load() > 48<<20 {
		t.Errorf("peak heap %d MiB while dumping", peak.Load()>>20)
	}
}
