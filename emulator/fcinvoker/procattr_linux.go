package fcinvoker

import "syscall"

// procAttr puts a function's process in a process group of its own, so
// that stopping it stops what it started, and has the kernel kill it when
// the process that started it dies (kill -9 of rocketfn dev included), so
// no function outlives the stack.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
