//go:build !linux

package fcinvoker

import "syscall"

// procAttr puts a function's process in a process group of its own, so
// that stopping it stops what it started. Only Linux kills it when the
// stack's process dies.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
