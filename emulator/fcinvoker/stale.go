package fcinvoker

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Build directories are os.TempDir()/fcinvoker-*, each with an owner file
// holding the PID of the process that made it. A process killed before
// it removed its directory leaves it: the next Start removes those whose
// owner is gone.
const (
	buildDirPattern = "fcinvoker-*"
	ownerFile       = "owner.pid"
)

// newBuildDir makes a build directory owned by this process.
func newBuildDir() (string, error) {
	dir, err := os.MkdirTemp("", buildDirPattern)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removeStaleBuildDirs removes the build directories of processes that
// no longer run, and returns how many it removed. Directories without an
// owner file are not this package's and stay.
func removeStaleBuildDirs() int {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), buildDirPattern))
	removed := 0
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || alive(pid) {
			continue
		}
		if os.RemoveAll(dir) == nil {
			removed++
		}
	}
	return removed
}

// alive reports whether process pid runs (a zombie does not).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
	}
	return true
}
