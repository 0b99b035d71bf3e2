package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile starts a CPU profile into cpu and returns the function that
// stops it and writes a heap profile into mem; "" skips either. It serves
// the hidden --cpuprofile and --memprofile flags of snapshot, restore and
// anonymize
// (go tool pprof stagecopy FILE).
func startProfile(cpu, mem string) (stop func(), err error) {
	var f *os.File
	if cpu != "" {
		if f, err = os.Create(cpu); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	return func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if mem != "" {
			if m, err := os.Create(mem); err == nil {
				pprof.WriteHeapProfile(m)
				m.Close()
			}
		}
	}, nil
}
