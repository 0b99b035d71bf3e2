package anonymize

import (
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
