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

// HeldSlots returns how many of the held entries' slots are taken.
func HeldSlots(l *Loader) int { return len(l.held) }

// ChainState returns how many entries of table key ("db/t") are counted as
// running and how many are held.
func ChainState(l *Loader, key string) (running, held int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.chains[key]; c != nil {
		return c.running, len(c.held)
	}
	return 0, 0
}
