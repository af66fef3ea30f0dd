package rabbitmq

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procRef names a process by its pid and its start time (in clock ticks
// since boot), so that a pid reused by another process is not mistaken
// for it.
type procRef struct {
	pid   int
	start uint64
}

// procStat reads a process's parent, start time and state from
// /proc/<pid>/stat.
func procStat(pid int) (ppid int, start uint64, state byte, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	// The command name, in parentheses, may hold spaces and parentheses:
	// the fields after it start past the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime).
	if len(f) < 20 {
		return 0, 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	start, err2 := strconv.ParseUint(f[19], 10, 64)
	if err1 != nil || err2 != nil || len(f[0]) == 0 {
		return 0, 0, 0, false
	}
	return ppid, start, f[0][0], true
}

// processTree is root and all its descendants now. Erlang's port helpers
// (erl_child_setup, inet_gethost) start sessions of their own, so a
// process group does not hold them all; their parentage does.
func processTree(root int) []procRef {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return []procRef{{pid: root}}
	}
	children := map[int][]procRef{}
	var rootRef procRef
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, start, _, ok := procStat(pid)
		if !ok {
			continue
		}
		if pid == root {
			rootRef = procRef{pid, start}
		}
		children[ppid] = append(children[ppid], procRef{pid, start})
	}
	if rootRef.pid == 0 {
		return nil
	}
	tree := []procRef{rootRef}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i].pid]...)
	}
	return tree
}

// alive reports whether p still runs (a zombie does not).
func (p procRef) alive() bool {
	_, start, state, ok := procStat(p.pid)
	if !ok || state == 'Z' || state == 'X' {
		return false
	}
	return p.start == 0 || start == p.start
}

// killTree sends SIGKILL to each process of tree still alive and waits,
// up to 10 s, until none is.
func killTree(tree []procRef) {
	for _, p := range tree {
		if p.alive() {
			syscall.Kill(p.pid, syscall.SIGKILL)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for _, p := range tree {
		for p.alive() && time.Now().Before(deadline) {
			<-tick.C
		}
	}
}
