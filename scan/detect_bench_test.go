package scan

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stagecopy/stagecopy/internal/sqldump"
)

// BenchmarkDetect measures detect over string values the way a snapshot
// meets them. "prose" is the common case: text without '@', digits or
// base64, long (post paragraphs) and short (titles, names, statuses).
// "mixed" is a corpus built here of what a WordPress or
// WooCommerce dump holds: post HTML with Gutenberg blocks, links, dates
// and prices; titles, slugs and statuses; numbers and dates as strings;
// PHP-serialized and JSON metadata; password hashes and session tokens;
// user agents; and a few values with personal data. "anonymized" is the
// same with stagecopy's fakes in place of the personal data, as a snapshot
// writes it. "gendump" is the
// string values of bench/gendump's dump (built with the go command; skipped
// without it). Both report MB/s over the values' bytes and ns per value.
func BenchmarkDetect(b *testing.B) {
	b.Run("prose", func(b *testing.B) { benchDetect(b, proseCorpus(20000)) })
	b.Run("mixed", func(b *testing.B) { benchDetect(b, mixedCorpus(20000, false)) })
	b.Run("anonymized", func(b *testing.B) { benchDetect(b, mixedCorpus(20000, true)) })
	b.Run("gendump", func(b *testing.B) { benchDetect(b, gendumpValues(b, "16MiB")) })
}

func benchDetect(b *testing.B, values [][]byte) {
	var n int64
	for _, v := range values {
		n += int64(len(v))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	var ms []match
	cpu0 := cpuTime()
	for b.Loop() {
		for _, v := range values {
			ms = detect(ms[:0], v)
		}
	}
	// CPU time as well as wall time: on a shared machine the wall time
	// counts other processes' turns.
	cpu := float64(cpuTime() - cpu0)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(values)), "ns/value")
	b.ReportMetric(cpu/float64(b.N)/float64(len(values)), "cpu-ns/value")
	b.ReportMetric(float64(n)*float64(b.N)/cpu*1e3, "cpu-MB/s")
}

// cpuTime returns the user and system CPU time of the process, in
// nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// gendumpValues returns the string values of a dump bench/gendump makes.
func gendumpValues(b *testing.B, size string) [][]byte {
	b.Helper()
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	dir := b.TempDir()
	path := filepath.Join(dir, "dump.sql")
	cmd := exec.Command(goCmd, "run", "../bench/gendump", "-size", size, "-o", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("go run ./bench/gendump: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	src := sqldump.NewScanner(f)
	var values [][]byte
	for {
		st, err := src.Next()
		if err != nil {
			break
		}
		if st.Kind != sqldump.KindInsert {
			continue
		}
		for {
			r, err := src.NextRow()
			if err != nil {
				break
			}
			for _, v := range r.Values {
				if v.Kind != sqldump.ValueString && v.Kind != sqldump.ValueHex {
					continue
				}
				if bs, ok := v.AppendBytes(nil); ok {
					values = append(values, bs)
				}
			}
		}
	}
	if len(values) == 0 {
		b.Fatal("no values in the generated dump")
	}
	return values
}

// proseCorpus returns n values of text: one in ten a few paragraphs of a
// post, the others a few words.
func proseCorpus(n int) [][]byte {
	r := rand.New(rand.NewPCG(5, 6))
	words := strings.Fields("The quick brown fox jumps over the lazy dog while our small family shop ships handmade pottery, garden tools and seasonal plants to customers who appreciate careful packaging and friendly service; questions about delivery, returns or gift wrapping are always welcome.")
	var out [][]byte
	for i := range n {
		k := 2 + r.IntN(6)
		if i%10 == 0 {
			k = 150 + r.IntN(500)
		}
		var sb strings.Builder
		for j := range k {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[r.IntN(len(words))])
		}
		out = append(out, []byte(sb.String()))
	}
	return out
}

// mixedCorpus returns n values in roughly the proportions of a WordPress
// shop's dump: most are short, most bytes are in post content. With fakes,
// the personal data are stagecopy's fakes.
func mixedCorpus(n int, fakes bool) [][]byte {
	r := rand.New(rand.NewPCG(7, 11))
	words := strings.Fields("the a of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part shipping order cart free size colour delivery return")
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	sentence := func(k int) string {
		var sb strings.Builder
		for i := range k {
			if i > 0 {
				sb.WriteByte(' ')
			}
			w := pick(words)
			switch r.IntN(40) {
			case 0:
				w = fmt.Sprintf("%d", r.IntN(100))
			case 1:
				w = fmt.Sprintf("€%d.%02d", r.IntN(500), r.IntN(100))
			case 2:
				w = fmt.Sprintf("2024-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
			case 3:
				w = "<strong>" + w + "</strong>"
			case 4:
				w = fmt.Sprintf(`<a href="https://shop.example-store.com/product/%s-%s/">%s</a>`, pick(words), pick(words), w)
			}
			sb.WriteString(w)
		}
		return sb.String() + "."
	}
	post := func() string {
		var sb strings.Builder
		for range 3 + r.IntN(8) {
			switch r.IntN(5) {
			case 0:
				id := r.IntN(5000)
				fmt.Fprintf(&sb, "<!-- wp:image {\"id\":%d,\"sizeSlug\":\"large\",\"linkDestination\":\"none\"} -->\n<figure class=\"wp-block-image size-large\"><img src=\"https://shop.example-store.com/wp-content/uploads/2023/%02d/photo-%d-1024x768.jpg\" alt=\"\" class=\"wp-image-%d\"/></figure>\n<!-- /wp:image -->\n\n", id, 1+r.IntN(12), id, id)
			case 1:
				fmt.Fprintf(&sb, "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">%s</h2>\n<!-- /wp:heading -->\n\n", sentence(4))
			default:
				fmt.Fprintf(&sb, "<!-- wp:paragraph -->\n<p>%s %s %s</p>\n<!-- /wp:paragraph -->\n\n", sentence(12), sentence(9), sentence(15))
			}
		}
		return sb.String()
	}
	var out [][]byte
	for range n {
		var v string
		switch k := r.IntN(100); {
		case k < 4:
			v = post()
		case k < 8:
			v = sentence(10 + r.IntN(30)) // comment, excerpt, note
		case k < 18:
			v = strings.ToUpper(pick(words)[:1]) + sentence(3+r.IntN(5)) // titles, product names
		case k < 26:
			v = strings.ReplaceAll(sentence(4), " ", "-") // slugs
		case k < 38:
			v = pick(strings.Fields("publish open closed post page attachment inherit draft private yes no on off auto-draft revision nav_menu_item product product_variation instock outofstock simple taxable none visible"))
		case k < 52:
			v = fmt.Sprintf("%d", r.IntN(1_000_000))
		case k < 56:
			v = fmt.Sprintf("%d.%d", r.IntN(1000), r.IntN(100))
		case k < 62:
			v = fmt.Sprintf("2024-%02d-%02d %02d:%02d:%02d", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60))
		case k < 66:
			w, h := 300+r.IntN(2000), 200+r.IntN(1500)
			v = fmt.Sprintf(`a:5:{s:5:"width";i:%d;s:6:"height";i:%d;s:4:"file";s:24:"2023/05/photo-%d.jpg";s:8:"filesize";i:%d;s:10:"image_meta";a:3:{s:8:"aperture";s:1:"0";s:6:"camera";s:0:"";s:7:"caption";s:0:"";}}`, w, h, r.IntN(9999), r.IntN(900000))
		case k < 70:
			v = fmt.Sprintf(`{"id":%d,"sizeSlug":"large","linkDestination":"none","align":"center","className":"is-style-rounded","price":"%d.%02d","currency":"EUR"}`, r.IntN(9000), r.IntN(500), r.IntN(100))
		case k < 73:
			v = fmt.Sprintf("$P$B%016x%014x", r.Uint64(), r.Uint64()>>8)
		case k < 76:
			v = fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()) // md5, tokens
		case k < 78:
			v = fmt.Sprintf(`a:1:{s:64:"%016x%016x%016x%016x";a:4:{s:10:"expiration";i:%d;s:2:"ip";s:11:"192.0.2.%d";s:2:"ua";s:70:"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125";s:5:"login";i:%d;}}`, r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64(), 1700000000+r.IntN(1e7), 1+r.IntN(254), 1700000000+r.IntN(1e7))
		case k < 80:
			v = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36"
		case k < 83:
			v = fmt.Sprintf("https://shop.example-store.com/%s/%s-%d/", pick(words), pick(words), r.IntN(999))
		case k < 85 && fakes:
			v = fmt.Sprintf("%s.%s%d@example.com", pick(strings.Fields("emma olivia liam noah")), pick(strings.Fields("smith garcia rossi")), r.Uint32())
		case k < 85:
			v = fmt.Sprintf("%s.%s%d@gmail.com", pick(words), pick(words), r.IntN(99))
		case k < 86 && fakes:
			v = fmt.Sprintf("+1 %d 555 01%02d", 200+r.IntN(800), r.IntN(100))
		case k < 86:
			v = fmt.Sprintf("+33 6 %02d %02d %02d %02d", r.IntN(100), r.IntN(100), r.IntN(100), r.IntN(100))
		case k < 87 && fakes:
			v = fmt.Sprintf("198.51.100.%d", 1+r.IntN(254))
		case k < 87:
			v = fmt.Sprintf("81.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256))
		case k < 88 && fakes:
			v = sentence(20)
		case k < 88:
			v = "Please call me on +44 20 7946 0958 after 5, or write to jane.doe@gmail.com. " + sentence(12)
		default:
			v = pick(strings.Fields("Lyon Nantes Lille Toulouse Bordeaux Emma Olivia Smith Garcia FR DE GB 75001 69002 EUR USD"))
		}
		out = append(out, []byte(v))
	}
	return out
}

// BenchmarkDetectValue measures detect on single values of common kinds,
// to see which costs what.
func BenchmarkDetectValue(b *testing.B) {
	c := mixedCorpus(3000, true)
	cats := []struct {
		name string
		v    []byte
	}{
		{"word", []byte("publish")},
		{"number", []byte("123456")},
		{"date", []byte("2024-02-01 10:00:00")},
		{"php", []byte(`a:5:{s:5:"width";i:1024;s:6:"height";i:768;s:4:"file";s:24:"2023/05/photo-1234.jpg";s:8:"filesize";i:123456;s:10:"image_meta";a:3:{s:8:"aperture";s:1:"0";s:6:"camera";s:0:"";s:7:"caption";s:0:"";}}`)},
		{"json", []byte(`{"id":123,"sizeSlug":"large","linkDestination":"none","align":"center","className":"is-style-rounded","price":"12.50","currency":"EUR"}`)},
		{"hash", []byte("$P$B0123456789abcdef0123456789abcd")},
		{"sent", []byte("the a of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each")},
		{"fakeem", []byte("emma.smith1234567890@example.com")},
	}
	var post []byte
	for _, v := range c {
		if len(v) > 2000 {
			post = v
			break
		}
	}
	cats = append(cats, struct {
		name string
		v    []byte
	}{"post", post})
	for _, c := range cats {
		v := c.v
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(v)))
			var ms []match
			for b.Loop() {
				ms = detect(ms[:0], v)
			}
		})
	}
}
