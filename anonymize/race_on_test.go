//go:build race

package anonymize

// raceEnabled: the race detector allocates, and makes sync.Pool drop
// items, so the allocation tests skip under it.
const raceEnabled = true
