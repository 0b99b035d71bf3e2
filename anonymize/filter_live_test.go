package anonymize

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/rules"
)

// TestFilterLive runs the Filter of dump files over a live database read by
// dbdump: one engine, two inputs.
func TestFilterLive(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `
CREATE TABLE wp_users (ID BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, user_login VARCHAR(60), user_email VARCHAR(100), note BLOB);
INSERT INTO wp_users (user_login, user_email, note) SELECT CONCAT('user', seq), CONCAT('real.person', seq, '@gmail.com'), 0x00FF FROM seq_1_to_3000;
CREATE TABLE wp_options (option_id INT PRIMARY KEY, option_name VARCHAR(64), option_value LONGTEXT);
INSERT INTO wp_options VALUES (1, 'siteurl', 'https://shop.example'), (2, 'admin_email', 'owner@gmail.com');
ANALYZE TABLE wp_users;
`)
	r, err := rules.Parse("rules.yml", []byte(`version: 1
tables:
  wp_users:
    columns:
      user_email: email
  wp_options: keep
`), rules.Options{CheckTransformer: Validate})
	if err != nil {
		t.Fatal(err)
	}
	d, err := dbdump.Open(t.Context(), dbdump.Config{DSN: srv.DSN(""), Database: db, Threads: 2, ChunkRows: 1000, ChunkBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out bytes.Buffer
	if _, err := Copy(t.Context(), &out, NewFilter(d, r, NewKeyer([]byte("0123456789abcdef0123456789abcdef")))); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("real.person")) {
		t.Error("a real email address went through the filter")
	}
	_, dst := mariadbtest.NewDatabase(t)
	srv.Exec(t, dst, out.String())
	if got := srv.Query(t, dst, "SELECT COUNT(*), COUNT(DISTINCT user_email), SUM(user_email LIKE '%@gmail.com'), SUM(HEX(note) = '00FF') FROM wp_users"); got != "3000\t3000\t0\t3000" {
		t.Errorf("anonymized users: %q", got)
	}
	if got := srv.Query(t, dst, "SELECT option_value FROM wp_options ORDER BY option_id"); !strings.Contains(got, "owner@gmail.com") {
		t.Errorf("kept table changed: %q", got)
	}
}

// TestFilterLiveSameForAnyThreads checks that the anonymized dump does not
// depend on the number of dbdump readers: fakes of a unique column are handed out
// in dump order (a collision gives the later row another fake), and the
// keyer's memo serves values that repeat across rows.
func TestFilterLiveSameForAnyThreads(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, db, `
CREATE TABLE wp_users (ID BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, user_login VARCHAR(60), user_email VARCHAR(100), display_name VARCHAR(250), UNIQUE KEY (user_login));
INSERT INTO wp_users (user_login, user_email, display_name)
  SELECT CONCAT('user', seq), CONCAT('p', seq % 50, '@gmail.com'), ELT(1 + seq % 3, 'Ann Lee', 'Bob Ray', 'Cy Moe') FROM seq_1_to_6000;
CREATE TABLE wp_comments (comment_ID BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, comment_author TINYTEXT, comment_agent VARCHAR(255), comment_content TEXT);
INSERT INTO wp_comments (comment_author, comment_agent, comment_content)
  SELECT ELT(1 + seq % 4, 'Ann Lee', 'Bob Ray', 'Cy Moe', 'Di Fox'), 'Mozilla/5.0', CONCAT('call me at 555-', seq) FROM seq_1_to_4000;
ANALYZE TABLE wp_users, wp_comments;
`)
	r, err := rules.Parse("rules.yml", []byte(`version: 1
tables:
  wp_users:
    columns:
      user_login: username
      user_email: email
      display_name: full_name
  wp_comments:
    columns:
      comment_author: full_name
      comment_agent: user_agent
      comment_content: lorem
`), rules.Options{CheckTransformer: Validate})
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for threads := 1; threads <= 4; threads++ {
		d, err := dbdump.Open(t.Context(), dbdump.Config{DSN: srv.DSN(""), Database: db, Threads: threads, ChunkRows: 700, ChunkBytes: 16 << 10})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		f := NewFilter(d, r, NewKeyer([]byte("0123456789abcdef0123456789abcdef")))
		_, err = Copy(t.Context(), &out, f)
		d.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(out.Bytes(), []byte("@gmail.com")) || bytes.Contains(out.Bytes(), []byte("Bob Ray")) {
			t.Fatalf("%d threads: real values went through the filter", threads)
		}
		if threads == 1 {
			first = out.Bytes()
			continue
		}
		if !bytes.Equal(out.Bytes(), first) {
			t.Errorf("%d threads: anonymized dump differs from the one read by 1 thread", threads)
		}
	}
}
