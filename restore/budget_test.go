package restore

import (
	"bytes"
	"context"
	"testing"
)

// TestBudgetKeeps: a buffer given back is handed out again for an entry
// it holds, and counts as held while kept: what is free, kept and taken
// always adds up to the whole budget; a kept buffer too small for an entry
// is dropped when its room is needed.
func TestBudgetKeeps(t *testing.T) {
	ctx := context.Background()
	b := newBudget(100)
	held := func() int64 {
		n := b.free
		for _, k := range b.kept {
			n += int64(cap(k))
		}
		return n
	}
	buf, taken, err := b.take(ctx, 40)
	if err != nil || buf != nil || taken != 40 {
		t.Fatalf("first take: %v, %d, %v; want no buffer, 40 taken", buf, taken, err)
	}
	b.give(taken, make([]byte, 40, 40))
	if len(b.kept) != 1 || held() != 100 {
		t.Fatalf("after give: %d kept, %d free or kept; want 1 and 100", len(b.kept), held())
	}
	buf, taken, err = b.take(ctx, 30)
	if err != nil || cap(buf) != 40 || len(buf) != 0 || taken != 40 {
		t.Fatalf("take 30: cap %d len %d, %d taken, %v; want the kept buffer, empty, 40 taken", cap(buf), len(buf), taken, err)
	}
	if held()+taken != 100 {
		t.Errorf("free or kept %d + taken %d, want 100", held(), taken)
	}
	b.give(taken, buf)
	// 70 fits neither the kept buffer nor the free bytes beside it: the
	// buffer is dropped for its room.
	buf, taken, err = b.take(ctx, 70)
	if err != nil || buf != nil || taken != 70 || len(b.kept) != 0 || b.free != 30 {
		t.Fatalf("take 70: %v, %d, %v, %d kept, %d free; want a new buffer, 70 taken, none kept, 30 free", buf, taken, err, len(b.kept), b.free)
	}
	// A buffer larger than what was taken for it (a size class rounded
	// up) is not kept: it would hold more than the budget counts.
	b.give(taken, make([]byte, 0, 80))
	if len(b.kept) != 0 || b.free != 100 {
		t.Errorf("after giving a larger buffer: %d kept, %d free; want 0 and 100", len(b.kept), b.free)
	}
}

// TestReadEntryKept: an entry read into a kept buffer larger than it
// holds exactly the entry's bytes, whatever the reader has after them.
func TestReadEntryKept(t *testing.T) {
	kept := make([]byte, 0, 64)
	got, err := readEntry(bytes.NewReader([]byte("0123456789 and what follows")), 10, kept)
	if err != nil || string(got) != "0123456789" {
		t.Fatalf("got %q, %v; want the 10 bytes of the entry", got, err)
	}
	if &got[:1][0] != &kept[:1][0] {
		t.Error("the kept buffer was not used")
	}
	if _, err := readEntry(bytes.NewReader([]byte("short")), 10, kept); err == nil {
		t.Error("a short entry read without an error")
	}
}
