package staging

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/phpserial"
)

const (
	oldSite = "https://shop.example.org/sub"
	newSite = "https://staging.test"
)

func mustRewriter(t testing.TB, old, new string) *URLRewriter {
	t.Helper()
	r, err := NewURLRewriter(old, new)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRewritePlainForms(t *testing.T) {
	r := mustRewriter(t, oldSite+"/", newSite)
	for _, tc := range []struct{ in, want string }{
		// 1. plain, both schemes, to the new scheme.
		{`https://shop.example.org/sub`, `https://staging.test`},
		{`http://shop.example.org/sub`, `https://staging.test`},
		{`<a href="https://shop.example.org/sub/shop/?p=1">`, `<a href="https://staging.test/shop/?p=1">`},
		{`https://shop.example.org/sub?x https://shop.example.org/sub#y`, `https://staging.test?x https://staging.test#y`},
		{`see https://shop.example.org/sub.`, `see https://staging.test.`},
		{`(https://shop.example.org/sub)`, `(https://staging.test)`},
		{`"https://shop.example.org/sub/wp-content/a.jpg"`, `"https://staging.test/wp-content/a.jpg"`},
		// Host case does not matter; scheme and path case do.
		{`https://SHOP.Example.ORG/sub/x`, `https://staging.test/x`},
		{`https://shop.example.org/SUB/x`, `https://shop.example.org/SUB/x`},
		// 2. JSON-escaped.
		{`{"url":"https:\/\/shop.example.org\/sub\/page"}`, `{"url":"https:\/\/staging.test\/page"}`},
		{`{"url":"http:\/\/shop.example.org\/sub"}`, `{"url":"https:\/\/staging.test"}`},
		// 3. URL-encoded, either hex case, kept.
		{`?u=https%3A%2F%2Fshop.example.org%2Fsub%2Fp`, `?u=https%3A%2F%2Fstaging.test%2Fp`},
		{`?u=https%3a%2f%2fshop.example.org%2fsub&x`, `?u=https%3a%2f%2fstaging.test&x`},
		{`?u=http%3A%2F%2Fshop.example.org%2Fsub`, `?u=https%3A%2F%2Fstaging.test`},
		// 4. scheme-less, plain and JSON-escaped.
		{`src="//shop.example.org/sub/a.js"`, `src="//staging.test/a.js"`},
		{`"\/\/shop.example.org\/sub\/a.js"`, `"\/\/staging.test\/a.js"`},
		{`%2F%2Fshop.example.org%2Fsub`, `%2F%2Fstaging.test`},
		// Boundaries: other hosts, ports, user names, longer paths.
		{`https://shop.example.org.evil.test/sub`, `https://shop.example.org.evil.test/sub`},
		{`https://shop.example.organic/sub`, `https://shop.example.organic/sub`},
		{`https://myshop.example.org/sub`, `https://myshop.example.org/sub`},
		{`https://shop.example.org:8443/sub`, `https://shop.example.org:8443/sub`},
		{`https://shop.example.org@evil.test/sub`, `https://shop.example.org@evil.test/sub`},
		{`https://shop.example.org/subway`, `https://shop.example.org/subway`},
		{`https://shop.example.org/sub.html`, `https://shop.example.org/sub.html`},
		{`https://shop.example.org/sub-2`, `https://shop.example.org/sub-2`},
		{`https://shop.example.org/sub%20x`, `https://shop.example.org/sub%20x`},
		{`https://shop.example.org/other`, `https://shop.example.org/other`},
		{`https://shop.example.org`, `https://shop.example.org`},
		{`https%3A%2F%2Fshop.example.org%2Fsubway`, `https%3A%2F%2Fshop.example.org%2Fsubway`},
		{`https%3A%2F%2Fshop.example.org%3A8443%2Fsub`, `https%3A%2F%2Fshop.example.org%3A8443%2Fsub`},
		{`https:\/\/shop.example.org\/subway`, `https:\/\/shop.example.org\/subway`},
		// The bare host is not a URL.
		{`mail me at info@shop.example.org`, `mail me at info@shop.example.org`},
		{`shop.example.org/sub`, `shop.example.org/sub`},
		// Adjacent and repeated occurrences.
		{`https://shop.example.org/sub https://shop.example.org/sub`, `https://staging.test https://staging.test`},
		{`https://shop.example.org/sub/https://shop.example.org/sub`, `https://staging.test/https://staging.test`},
		{``, ``},
	} {
		got, changed := r.Rewrite([]byte(tc.in))
		if string(got) != tc.want {
			t.Errorf("Rewrite(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
		if changed != (tc.in != tc.want) {
			t.Errorf("Rewrite(%s): changed=%v", tc.in, changed)
		}
	}
}

// TestRewriteSchemes checks that an https site moved to http keeps the
// scheme of the new URL in every form, and that the scheme-full form wins
// over the scheme-less one inside it.
func TestRewriteSchemes(t *testing.T) {
	r := mustRewriter(t, "http://old.example", "https://new.example/stage")
	for _, tc := range []struct{ in, want string }{
		{`http://old.example/x`, `https://new.example/stage/x`},
		{`https://old.example`, `https://new.example/stage`},
		{`//old.example/x`, `//new.example/stage/x`},
		{`http:\/\/old.example\/x`, `https:\/\/new.example\/stage\/x`},
		{`http%3A%2F%2Fold.example%2Fx`, `https%3A%2F%2Fnew.example%2Fstage%2Fx`},
		{`http://old.example:80/x`, `http://old.example:80/x`},
		{`ftp://old.example/x`, `ftp://new.example/stage/x`},
	} {
		if got, _ := r.Rewrite([]byte(tc.in)); string(got) != tc.want {
			t.Errorf("Rewrite(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
	// A port is part of the old URL when it has one.
	r = mustRewriter(t, "http://localhost:8080", "https://staging.test")
	for _, tc := range []struct{ in, want string }{
		{`http://localhost:8080/x`, `https://staging.test/x`},
		{`http://localhost:80801/x`, `http://localhost:80801/x`},
		{`http://localhost/x`, `http://localhost/x`},
		{`http%3A%2F%2Flocalhost%3A8080%2Fx`, `https%3A%2F%2Fstaging.test%2Fx`},
	} {
		if got, _ := r.Rewrite([]byte(tc.in)); string(got) != tc.want {
			t.Errorf("Rewrite(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestNewURLRewriterErrors(t *testing.T) {
	for _, tc := range [][2]string{
		{"https://a.example", "https://a.example/"},
		{"https://A.example", "https://a.example"},
		{"ftp://a.example", "https://b.example"},
		{"a.example", "https://b.example"},
		{"https://a.example?x=1", "https://b.example"},
		{"https://a.example", "https://b.example#top"},
		{"https://user@a.example", "https://b.example"},
		{"https://", "https://b.example"},
		{"https://a.example", "https://bücher.example"},
		{"https://a.example", "https://b.example/a b"},
		{"https://a.example", "https://a.example/staging"},
		{"https://a.example/x/y", "https://a.example/x"},
		{"https://a.example", "http://a.example"},
		{"https://a.example", "https://b.example//a.example"},
	} {
		if _, err := NewURLRewriter(tc[0], tc[1]); !errors.Is(err, ErrBadURL) {
			t.Errorf("NewURLRewriter(%q, %q): err = %v, want ErrBadURL", tc[0], tc[1], err)
		}
	}
	for _, tc := range [][2]string{
		{"https://a.example/x", "https://a.example/y"},
		{"https://a.example", "https://a.example:8443"},
		{"http://a.example", "https://b.example/"},
	} {
		if _, err := NewURLRewriter(tc[0], tc[1]); err != nil {
			t.Errorf("NewURLRewriter(%q, %q): %v", tc[0], tc[1], err)
		}
	}
}

func TestRewriteDoesNotModifyInput(t *testing.T) {
	r := mustRewriter(t, oldSite, newSite)
	for _, in := range []string{
		`x https://shop.example.org/sub y`,
		`a:1:{s:3:"url";s:28:"https://shop.example.org/sub";}`,
	} {
		b := []byte(in)
		got, changed := r.Rewrite(b)
		if !changed || string(b) != in || bytes.Equal(got, b) {
			t.Errorf("Rewrite(%s) = %s, %v; input now %s", in, got, changed, b)
		}
	}
	same := []byte("nothing https://shop.example.org.evil.test here")
	if got, changed := r.Rewrite(same); changed || &got[0] != &same[0] {
		t.Errorf("unchanged value: changed=%v, copied=%v", changed, &got[0] != &same[0])
	}
}

// ser returns PHP's serialize() of a string.
func ser(s string) string {
	v := phpserial.Value{Kind: phpserial.KindString, Str: []byte(s)}
	return v.String()
}

func TestRewriteSerialized(t *testing.T) {
	r := mustRewriter(t, oldSite, newSite)
	inner := `a:2:{s:3:"url";s:33:"https://shop.example.org/sub/shop";s:4:"json";` + ser(`{"u":"https:\/\/shop.example.org\/sub"}`) + `}`
	for _, tc := range []struct{ in, want string }{
		{
			`s:28:"https://shop.example.org/sub";`,
			`s:20:"https://staging.test";`,
		},
		{
			`a:2:{i:0;s:33:"https://shop.example.org/sub/shop";s:4:"home";s:27:"http://shop.example.org/sub";}`,
			`a:2:{i:0;s:25:"https://staging.test/shop";s:4:"home";s:20:"https://staging.test";}`,
		},
		// Keys are left alone, as WP-CLI leaves them.
		{
			`a:1:{s:28:"https://shop.example.org/sub";i:1;}`,
			`a:1:{s:28:"https://shop.example.org/sub";i:1;}`,
		},
		// Double-serialized: both lengths recomputed.
		{
			`a:1:{s:6:"widget";` + ser(inner) + `}`,
			`a:1:{s:6:"widget";` + ser(`a:2:{s:3:"url";s:25:"https://staging.test/shop";s:4:"json";`+ser(`{"u":"https:\/\/staging.test"}`)+`}`) + `}`,
		},
		// Objects with protected and private properties.
		{
			"O:4:\"Shop\":2:{s:6:\"\x00*\x00url\";s:28:\"https://shop.example.org/sub\";s:10:\"\x00Shop\x00logo\";s:38:\"//shop.example.org/sub/wp-content/logo\";}",
			"O:4:\"Shop\":2:{s:6:\"\x00*\x00url\";s:20:\"https://staging.test\";s:10:\"\x00Shop\x00logo\";s:30:\"//staging.test/wp-content/logo\";}",
		},
		// Looks serialized, does not parse (wrong length): plain text.
		{
			`s:99:"https://shop.example.org/sub";`,
			`s:99:"https://staging.test";`,
		},
	} {
		got, changed := r.Rewrite([]byte(tc.in))
		if string(got) != tc.want {
			t.Errorf("Rewrite(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		// Every case but the last is valid serialized data, and stays so.
		_, errIn := phpserial.Parse([]byte(tc.in))
		_, errOut := phpserial.Parse(got)
		if (errIn == nil) != (errOut == nil) || (errIn != nil) != strings.HasPrefix(tc.in, "s:99:") {
			t.Errorf("Rewrite(%q): parse before: %v, after: %v", tc.in, errIn, errOut)
		}
		if changed != (tc.in != tc.want) {
			t.Errorf("Rewrite(%q): changed=%v", tc.in, changed)
		}
	}
}

func TestIndexFold(t *testing.T) {
	for _, tc := range []struct {
		s, sub string
		want   int
	}{
		{"", "a", -1},
		{"abc", "", 0},
		{"xxSHOP.x", "shop", 2},
		{"sxshOp", "shop", 2},
		{"ssssshop", "shop", 4},
		{strings.Repeat("S", 1000) + "shop", "shop", 1000},
		{"shoP", "shop", 0},
		{"sho", "shop", -1},
		{"1.2", "1.2", 0},
	} {
		if got := indexFold([]byte(tc.s), []byte(tc.sub)); got != tc.want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", tc.s, tc.sub, got, tc.want)
		}
	}
}

// TestRewriteUnserializesInPHP rewrites nested serialized values and has
// PHP itself read them back: unserialize must accept every level, and the
// strings must hold the new URL.
func TestRewriteUnserializesInPHP(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		if os.Getenv("STAGECOPY_REQUIRE_PHP") == "1" || os.Getenv("CI") != "" {
			t.Fatal("php not found; install php-cli")
		}
		t.Skip("php not found; install php-cli to run this test")
	}
	r := mustRewriter(t, oldSite, newSite)
	widget := `a:3:{s:5:"title";s:6:"Visit!";s:4:"text";` +
		ser(`<a href="https://shop.example.org/sub/café">café</a> <img src="//shop.example.org/sub/a.png">`) +
		`s:4:"json";` + ser(`{"href":"https:\/\/shop.example.org\/sub\/x","n":1}`) + `}`
	cases := []struct {
		in   string
		want []string
	}{
		{
			`a:2:{i:2;` + ser(widget) + `s:12:"_multiwidget";i:1;}`,
			[]string{"Visit!", `<a href="https://staging.test/café">café</a> <img src="//staging.test/a.png">`, `{"href":"https:\/\/staging.test\/x","n":1}`},
		},
		{
			"O:4:\"Shop\":3:{s:6:\"\x00*\x00url\";s:27:\"http://shop.example.org/sub\";s:10:\"\x00Shop\x00next\";" +
				"O:8:\"stdClass\":1:{s:4:\"link\";s:36:\"https%3A%2F%2Fshop.example.org%2Fsub\";}s:4:\"keep\";s:24:\"https://shop.example.org\";}",
			[]string{"https://staging.test", "https%3A%2F%2Fstaging.test", "https://shop.example.org"},
		},
		{
			ser(ser(`a:1:{s:1:"u";s:33:"https://shop.example.org/sub/deep";}`)),
			[]string{"https://staging.test/deep"},
		},
	}
	var stdin bytes.Buffer
	for _, tc := range cases {
		if _, err := phpserial.Parse([]byte(tc.in)); err != nil {
			t.Fatalf("test value does not parse: %v\n%q", err, tc.in)
		}
		out, changed := r.Rewrite([]byte(tc.in))
		if !changed {
			t.Fatalf("Rewrite(%q) changed nothing", tc.in)
		}
		stdin.WriteString(base64.StdEncoding.EncodeToString(out) + "\n")
	}
	cmd := exec.CommandContext(t.Context(), php, "testdata/urlrewrite_unserialize.php")
	cmd.Stdin = &stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("php: %v: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("php printed %d lines for %d values:\n%s", len(lines), len(cases), got)
	}
	for i, tc := range cases {
		var strs []string
		if err := json.Unmarshal([]byte(lines[i]), &strs); err != nil {
			t.Fatalf("php output %q: %v", lines[i], err)
		}
		if !slices.Equal(strs, tc.want) {
			t.Errorf("value %d: PHP reads strings\n%q\nwant\n%q", i, strs, tc.want)
		}
	}
}

// FuzzRewrite checks, for any value: the input is not modified; valid
// serialized data stays valid; rewriting the output again changes nothing
// (so no occurrence of the old URL is left that the rewriter would
// replace); and in text that is not serialized data, the old URL's plain
// form is not left followed by a character that ends a URL.
func FuzzRewrite(f *testing.F) {
	for _, s := range []string{
		`https://shop.example.org/sub`, `http://SHOP.example.org/sub/x"`, `https:\/\/shop.example.org\/sub`,
		`https%3a%2F%2Fshop.example.org%2Fsub%2f`, `//shop.example.org/sub.`, `https://shop.example.org.evil.test`,
		`a:1:{s:1:"a";s:28:"https://shop.example.org/sub";}`,
		`s:45:"a:1:{s:1:"a";s:28:"https://shop.example.org/sub";}";`,
		"O:1:\"A\":1:{s:4:\"\x00*\x00a\";s:30:\"//shop.example.org/sub/https:/\";}",
		`https://shop.example.org/subhttps://shop.example.org/sub`, `https:https://shop.example.org/sub//shop.example.org/sub`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	rws := []*URLRewriter{
		mustRewriter(f, oldSite, newSite),
		mustRewriter(f, "http://shop.example.org", "https://shop.example.org.staging.test:8443/a%2Fb"),
	}
	f.Fuzz(func(t *testing.T, in []byte, second bool) {
		r := rws[0]
		if second {
			r = rws[1]
		}
		orig := bytes.Clone(in)
		out, changed := r.Rewrite(in)
		if !bytes.Equal(in, orig) {
			t.Fatalf("input modified")
		}
		if changed == bytes.Equal(out, in) {
			t.Fatalf("changed=%v but output %q, input %q", changed, out, in)
		}
		if _, err := phpserial.Parse(in); err == nil {
			if _, err := phpserial.Parse(out); err != nil {
				t.Fatalf("valid serialized input %q became invalid %q: %v", in, out, err)
			}
		} else {
			for _, scheme := range []string{"http", "https"} {
				p := []byte(scheme + "://" + r.old.authority() + r.old.path)
				if bytes.HasSuffix(out, p) {
					t.Fatalf("old URL %q left at the end of %q (input %q)", p, out, in)
				}
				for _, end := range []string{" ", `"`, "/", "?", "#", "<", "'"} {
					if bytes.Contains(out, append(p, end...)) {
						t.Fatalf("old URL %q followed by %q left in %q (input %q)", p, end, out, in)
					}
				}
			}
		}
		if again, ch := r.Rewrite(out); ch {
			t.Fatalf("not idempotent:\n in: %q\nout: %q\nagain: %q", in, out, again)
		}
	})
}
