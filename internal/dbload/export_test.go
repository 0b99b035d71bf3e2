package dbload

// SetStarted sets the hook a worker calls when it takes an entry.
func SetStarted(l *Loader, f func(name string)) { l.started = f }

// Carried returns the bytes of string parameters that flushes copied from
// one batch of prepared rows to the next.
func Carried(l *Loader) int64 { return l.carried.Load() }

// SetMaxHeld sets how many entries Go holds before it blocks, for the
// Loaders opened after it; it returns a function that puts it back.
func SetMaxHeld(n int) func() {
	old := maxHeld
	maxHeld = n
	return func() { maxHeld = old }
}
