package dbload

// SetStarted sets the hook a worker calls when it takes an entry.
func SetStarted(l *Loader, f func(name string)) { l.started = f }
