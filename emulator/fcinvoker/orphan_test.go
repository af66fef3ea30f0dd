package fcinvoker

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// orphanEnv makes the test binary a stack stand-in: it runs the function
// binary it names, prints "pid N" of the function's process and waits to
// be killed.
const orphanEnv = "FCINVOKER_ORPHAN_BINARY"

func orphanParent(bin string) int {
	inv, err := Start(context.Background(), Function{Name: "orphan", Dir: os.TempDir(), Command: []string{bin}, Timeout: 5 * time.Second}, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	body, err := makePayload("ok")
	if err == nil {
		var res Result
		res, err = inv.Invoke(context.Background(), body, "orphan-1")
		var rs []testReply
		if err == nil {
			err = json.Unmarshal(res.Body, &rs)
		}
		if err == nil && len(rs) == 1 {
			fmt.Printf("pid %d\n", rs[0].PID)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	io.Copy(io.Discard, os.Stdin) // until killed
	return 0
}

// TestFunctionsDieWithTheStack: when the process that runs the functions
// is killed with SIGKILL (no chance to stop them), the kernel kills the
// functions' processes too.
func TestFunctionsDieWithTheStack(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), orphanEnv+"="+testBinary)
	cmd.Stderr = testWriter(t)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "pid "))
	if err != nil || perr != nil || pid <= 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the stand-in printed %q, %v", line, err)
	}
	if !alive(pid) {
		t.Fatalf("function process %d is not running", pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	waitGone(t, pid) // no event tells of another process's death
}

// TestStaleBuildDirsRemoved: a Start that builds removes the build
// directories of processes that no longer run, and keeps those of live
// processes and directories that are not build directories.
func TestStaleBuildDirsRemoved(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true command to make a dead PID:", err)
	}
	mk := func(pid string) string {
		dir, err := os.MkdirTemp("", buildDirPattern)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		if pid != "" {
			if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(pid), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	stale, live, foreign := mk(strconv.Itoa(dead.Process.Pid)), mk(strconv.Itoa(os.Getpid())), mk("")
	if n := removeStaleBuildDirs(); n < 1 {
		t.Errorf("removed %d directories, want the stale one at least", n)
	}
	for dir, want := range map[string]bool{stale: false, live: true, foreign: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", dir, err == nil, want)
		}
	}
}
