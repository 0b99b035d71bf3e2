//go:build !race

package main

// raceEnabled: the race detector is on, and a process takes several times
// the memory it takes without it.
const raceEnabled = false
