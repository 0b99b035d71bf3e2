package rules

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// FuzzParse: Parse never panics, every error carries the file name, and a
// file that parses gives the same digest when parsed again.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/valid/*.yml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, p := range Presets() {
		data, _ := presetFS.ReadFile("presets/" + p + ".yml")
		f.Add(data)
	}
	f.Add([]byte("version: 1\ntables: {a: &x {columns: {b: *x}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("f.yml", data, Options{CheckTransformer: knownNames})
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.yml") && !strings.HasPrefix(line, "preset:") && !strings.HasPrefix(line, "load rules") {
					t.Fatalf("error without position: %q", line)
				}
			}
			return
		}
		r2, err := Parse("f.yml", data, Options{CheckTransformer: knownNames})
		if err != nil {
			t.Fatalf("second parse failed: %v", err)
		}
		if r.Digest() != r2.Digest() {
			t.Fatal("digest not stable")
		}
		for _, tr := range r.Tables {
			r.ForTable(tr.Pattern)
			if tr.EAV != nil {
				tr.EAV.ForKey("x")
			}
			for _, c := range tr.Columns {
				if c.Keep && (c.Spec != nil || c.Where != nil || c.PHP != nil || c.JSON != nil) {
					t.Fatalf("keep rule for %s.%s has more", tr.Pattern, c.Column)
				}
				if got := r.Coverage(tr.Pattern, c.Column, ""); tr == r.ForTable(tr.Pattern) && tr.Action == ActionTransform && (got == Kept) != c.Keep {
					t.Fatalf("Coverage(%s, %s) = %v for keep %v", tr.Pattern, c.Column, got, c.Keep)
				}
			}
		}
	})
}

// Rules are shared by the goroutines that anonymize tables in parallel.
func TestConcurrentUse(t *testing.T) {
	r, err := LoadPreset("woocommerce", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				tr := r.ForTable("wp_usermeta")
				if k := tr.EAV.ForKey("_application_passwords"); k == nil || ForPath(k.PHP, []string{"0", "last_ip"}) == nil {
					t.Error("_application_passwords last_ip path not found")
					return
				}
				_ = r.Digest()
			}
		}()
	}
	wg.Wait()
}

// Aliases that refer to themselves are errors, not endless loops.
func TestRecursiveAliases(t *testing.T) {
	for _, s := range []string{
		"version: 1\ntables: {a: &x {columns: {b: *x}}}\n",
		"version: 1\ntables:\n  a: &x\n    columns:\n      <<: *x\n",
		"version: 1\ntables:\n  a: &x\n    <<: *x\n",
		"version: 1\ntables:\n  a: &x\n    columns: {b: {fixed: *x}}\n",
		"version: 1\ntables:\n  a: &x\n    where: {c: {not: *x}}\n    columns: {b: email}\n",
		"version: 1\nfiles: &x {scrub: [*x]}\n",
	} {
		if _, err := Parse("a.yml", []byte(s), Options{}); err == nil {
			t.Errorf("no error for %q", s)
		}
	}
}
