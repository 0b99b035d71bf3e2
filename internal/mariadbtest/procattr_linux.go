package mariadbtest

import "syscall"

// procAttr puts mariadbd in its own process group, so a Ctrl-C meant for the
// tests does not reach it before Main can stop it, and has the kernel kill it
// if the test binary dies without stopping it.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
