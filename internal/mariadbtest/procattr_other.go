//go:build !linux

package mariadbtest

import "syscall"

// procAttr has nothing to add where there is no parent-death signal: a test
// binary that dies without Main's teardown leaves its server running.
func procAttr() *syscall.SysProcAttr { return nil }
