package anonymize

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

func benchTransform(b *testing.B, name string, opts map[string]any, in string, col Column) {
	tr := mustNew(b, name, opts, keyerA)
	input := []byte(in)
	b.ReportAllocs()
	b.SetBytes(int64(len(input)))
	for b.Loop() {
		if _, _, err := tr.Transform(input, false, col, nil); err != nil {
			b.Fatal(err)
		}
	}
}

var benchCol = Column{Table: "wp_users", Name: "x", Type: "varchar", MaxLen: 100}

func BenchmarkEmail(b *testing.B) {
	benchTransform(b, "email", nil, "Jean.Dupont@Example.org", benchCol)
}

func BenchmarkFirstName(b *testing.B) {
	benchTransform(b, "first_name", nil, "Jean-Baptiste", benchCol)
}

func BenchmarkDate(b *testing.B) {
	benchTransform(b, "date", nil, "2024-03-05 10:11:12", Column{Type: "datetime"})
}

func BenchmarkLorem(b *testing.B) {
	b.Run("short", func(b *testing.B) {
		benchTransform(b, "lorem", nil, "Please leave the parcel with the neighbour.", Column{Type: "text", MaxLen: 65535})
	})
	b.Run("4KiB", func(b *testing.B) {
		benchTransform(b, "lorem", nil, strings.Repeat("Some customer note, with a few words.\n", 108), Column{Type: "longtext"})
	})
}

func BenchmarkPasswordPhpass(b *testing.B) {
	benchTransform(b, "password", nil, "$P$BZlPX7NIx8MYpXokBW2AGsN7i.aUOt0", Column{Type: "varchar", MaxLen: 255})
}

func BenchmarkPasswordBcrypt(b *testing.B) {
	b.Run("cost10", func(b *testing.B) {
		benchTransform(b, "password", nil, "$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", Column{Type: "varchar", MaxLen: 255})
	})
	b.Run("cost10-known-password", func(b *testing.B) {
		benchTransform(b, "password", map[string]any{"password": "Support-Test-123"}, "$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", Column{Type: "varchar", MaxLen: 255})
	})
}

func BenchmarkKeyerSum(b *testing.B) {
	in := []byte("jean.dupont@example.org")
	b.ReportAllocs()
	for b.Loop() {
		keyerA.Sum("email", in)
	}
}

func BenchmarkParallelEmail(b *testing.B) {
	tr := mustNew(b, "email", nil, keyerA)
	in := []byte("Jean.Dupont@Example.org")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := tr.Transform(in, false, benchCol, nil); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkKeyerSumNew sums inputs the memo has not seen: the CMAC itself.
func BenchmarkKeyerSumNew(b *testing.B) {
	in := []byte("jean.dupont@example.org#0000000")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		in[len(in)-1], in[len(in)-2], in[len(in)-3], in[len(in)-4] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		keyerA.Sum("email", in)
	}
}

// BenchmarkRun runs the whole filter over a users-shaped dump (~150-byte
// rows, 3 of 8 columns ruled: bench/gendump -shape users in small), on one
// worker and on GOMAXPROCS:
//
//	go test ./anonymize -run '^$' -bench BenchmarkRun -cpuprofile cpu.prof
//	go tool pprof -top anonymize.test cpu.prof
func BenchmarkRun(b *testing.B) {
	dump := usersShapeRows(60000)
	r := yamlRules(usersShapeRules)(b)
	for _, workers := range []int{1, 0} {
		name := "users/serial"
		if workers == 0 {
			name = "users/parallel"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(dump)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(context.Background(), io.Discard, bytes.NewReader(dump), Options{Rules: r, Secret: testSecret, Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
