package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/staging"
)

// listFixture makes a registry with five copies: active and expiring in
// 3 days, expired 2 hours ago, one still restoring without expiry, one
// purged (its expiry long past) and one whose purge stopped half-way.
func listFixture(t *testing.T, now time.Time) (string, []registry.Entry) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	reg, err := registry.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	es := []registry.Entry{
		{
			ID: "stg-0a1b2c3d4e5f", SnapshotID: "5e9f0c1d2b3a4f5e6d7c8b9a0f1e2d3c", Archive: "/srv/in/shop.tar.zst",
			Database: "shop_staging", FilesDir: "/var/www/shop-staging", URL: "https://staging.example.test",
			CMS: "wordpress", Admin: &staging.Admin{Name: "stagecopy-support", Email: "support@example.com", UserID: 12},
			Created: now.Add(-26 * time.Hour), Expires: now.Add(3*24*time.Hour + time.Hour), Status: registry.StatusActive,
			Conn: registry.Conn{Socket: "/run/mysqld/mysqld.sock", User: "support"},
		},
		{
			ID: "stg-99aa00bb11cc", SnapshotID: "00112233445566778899aabbccddeeff", Archive: "/srv/in/old.tar.zst",
			Database: "old_staging", Created: now.Add(-8 * 24 * time.Hour), Expires: now.Add(-2*time.Hour - 5*time.Minute),
			Status: registry.StatusActive,
		},
		{
			ID: "stg-0a1b99999999", SnapshotID: "ffeeddccbbaa99887766554433221100", Archive: "/srv/in/new.tar.zst",
			Database: "new_staging", Created: now.Add(-3 * time.Minute), Status: registry.StatusRestoring,
		},
		{
			ID: "stg-5555aaaa5555", SnapshotID: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", Database: "gone_staging",
			Created: now.Add(-20 * 24 * time.Hour), Expires: now.Add(-6 * 24 * time.Hour), Status: registry.StatusPurged,
		},
		{
			ID: "stg-6666bbbb6666", SnapshotID: "1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e", Database: "half_staging",
			Created: now.Add(-10 * 24 * time.Hour), Expires: now.Add(4 * 24 * time.Hour), Status: registry.StatusPurging,
		},
	}
	for _, x := range es {
		if err := reg.Add(context.Background(), x); err != nil {
			t.Fatal(err)
		}
	}
	return dir, es
}

func fixClock(t *testing.T, now time.Time) {
	old := listNow
	listNow = func() time.Time { return now }
	t.Cleanup(func() { listNow = old })
}

func TestListTable(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	fixClock(t, now)
	dir, es := listFixture(t, now)
	code, out, stderr := runCLI(t, "list", "--state-dir", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("want header and 5 lines:\n%s", out)
	}
	if !regexp.MustCompile(`^ID +SNAPSHOT +DATABASE +FILES +URL +CREATED +EXPIRES +STATUS$`).MatchString(lines[0]) {
		t.Errorf("header %q", lines[0])
	}
	local := func(tm time.Time) string { return regexp.QuoteMeta(tm.Local().Format("2006-01-02 15:04")) }
	// Oldest first; columns line up under the header.
	// A purged copy, or one being purged, shows that instead of an
	// expiry.
	want := []string{
		`^stg-5555aaaa5555 +0f0f0f0f0f0f +gone_staging +- +- +` + local(es[3].Created) + ` +purged +purged$`,
		`^stg-6666bbbb6666 +1e1e1e1e1e1e +half_staging +- +- +` + local(es[4].Created) + ` +purging: run purge again +purging$`,
		`^stg-99aa00bb11cc +001122334455 +old_staging +- +- +` + local(es[1].Created) + ` +EXPIRED 2h ago +active$`,
		`^stg-0a1b2c3d4e5f +5e9f0c1d2b3a +shop_staging +/var/www/shop-staging +https://staging\.example\.test +` + local(es[0].Created) + ` +in 3d +active$`,
		`^stg-0a1b99999999 +ffeeddccbbaa +new_staging +- +- +` + local(es[2].Created) + ` +- +restoring$`,
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(lines[i+1]) {
			t.Errorf("line %d:\n got %q\nwant %s", i+1, lines[i+1], w)
		}
	}
	col := strings.Index(lines[0], "STATUS")
	for _, l := range lines[1:] {
		if strings.LastIndex(l, " ")+1 != col {
			t.Errorf("STATUS column not aligned:\n%s", out)
		}
	}

	// --expired: only the expired one, not the purged one.
	code, out, _ = runCLI(t, "list", "--expired", "--state-dir", dir)
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "stg-99aa00bb11cc") {
		t.Fatalf("--expired: code %d\n%s", code, out)
	}
	// Once nothing has expired, --expired says so in one line.
	fixClock(t, now.Add(-24*time.Hour))
	code, out, _ = runCLI(t, "list", "--expired", "--state-dir", dir)
	if code != 0 || out != "no expired staging copies (5 in "+dir+"; `stagecopy list` shows them)\n" {
		t.Fatalf("--expired, none: code %d %q", code, out)
	}
}

func TestListJSON(t *testing.T) {
	now := time.Now()
	fixClock(t, now)
	dir, _ := listFixture(t, now)
	t.Setenv("STAGECOPY_STATE_DIR", dir) // the environment names the registry too
	code, out, _ := runCLI(t, "list", "--json")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	var got []registry.Entry
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	reg, _ := registry.Open(dir)
	stored, _ := reg.List(context.Background())
	gj, _ := json.Marshal(got)
	sj, _ := json.Marshal(stored)
	if string(gj) != string(sj) {
		t.Fatalf("--json differs from the registry:\n got %s\nwant %s", gj, sj)
	}
	if !strings.HasPrefix(out, "[\n  {\n    \"id\": \"stg-5555aaaa5555\",") || !strings.Contains(out, `"support_admin": {`) {
		t.Errorf("not the indented entries array, oldest first:\n%s", out)
	}
	// Stable: the same bytes every time.
	if _, again, _ := runCLI(t, "list", "--json"); again != out {
		t.Error("--json output changed between runs")
	}

	code, out, _ = runCLI(t, "list", "--json", "--expired")
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || len(got) != 1 || got[0].ID != "stg-99aa00bb11cc" {
		t.Fatalf("--json --expired: code %d %v\n%s", code, err, out)
	}
}

func TestListEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "state")
	code, out, stderr := runCLI(t, "list", "--state-dir", dir)
	if code != 0 || stderr != "" || out != "no staging copies in "+dir+"; `stagecopy restore ARCHIVE` makes one\n" {
		t.Fatalf("code %d out %q stderr %q", code, out, stderr)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("state dir: %v %v", st, err)
	}
	code, out, _ = runCLI(t, "list", "--json", "--state-dir", dir)
	if code != 0 || out != "[]\n" {
		t.Fatalf("--json: code %d %q", code, out)
	}
	code, _, _ = runCLI(t, "list", "--state-dir", dir, "extra")
	if code != exitUsage {
		t.Fatalf("argument: code %d", code)
	}
}

func TestListBadRegistry(t *testing.T) {
	for name, tc := range map[string]struct{ content, err, hint string }{
		"corrupt": {
			content: "{\"format\":\"stagecopy-registry\",\"format_version\":1,\n\"entries\":[}\n",
			err:     "registry.json:2:12 (byte offset 62): invalid character '}'",
			hint:    "fix registry.json at the place named",
		},
		"newer": {
			content: `{"format":"stagecopy-registry","format_version":9,"entries":[]}`,
			err:     "format_version 9, this stagecopy knows up to 3",
			hint:    "use the stagecopy version that wrote this registry",
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "registry.json")
			os.WriteFile(p, []byte(tc.content), 0o600)
			for _, args := range [][]string{{"list"}, {"list", "--json"}} {
				code, out, stderr := runCLI(t, append(args, "--state-dir", dir)...)
				if code != exitError || out != "" ||
					!strings.Contains(stderr, "stagecopy: error: registry: file ") || !strings.Contains(stderr, tc.err) ||
					!strings.Contains(stderr, "stagecopy: hint: "+tc.hint) {
					t.Fatalf("%v: code %d out %q\nstderr %s", args, code, out, stderr)
				}
			}
			if b, _ := os.ReadFile(p); string(b) != tc.content {
				t.Fatal("registry file changed")
			}
		})
	}
}

func TestRoughDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "<1m", 59 * time.Second: "<1m", time.Minute: "1m", 59*time.Minute + 59*time.Second: "59m",
		time.Hour: "1h", 23*time.Hour + 59*time.Minute: "23h", 24 * time.Hour: "1d", 30 * 24 * time.Hour: "30d",
	} {
		if got := roughDuration(d); got != want {
			t.Errorf("roughDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
