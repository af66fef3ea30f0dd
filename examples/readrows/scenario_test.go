//go:build unix

package main

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestScenarioScript runs examples/scenario.sh, which builds the stack and
// the examples, publishes and consumes three players, invokes the players
// function and reads its rows back with this program.
func TestScenarioScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the local stack; skipped with -short")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, filepath.Join("..", "scenario.sh"))
	cmd.Env = append(cmd.Environ(), "SCENARIO_MQ_PORT="+freePort(t), "SCENARIO_TABLESTORE_PORT="+freePort(t),
		"SCENARIO_FUNCTION_PORT="+freePort(t), "TMPDIR="+t.TempDir())
	// The script and what it starts form a process group: a timeout stops
	// them all, and nothing outlives the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		t.Fatalf("scenario.sh: %v (context: %v)\n%s", err, ctx.Err(), out)
	}
	for _, want := range []string{
		"consumed 3 messages",
		"id=1001 Hero=Yasuo Job=mage Name=alice",
		"id=1002 Hero=Garen Job=warrior Name=bob",
		"id=1003 Hero=Lulu Job=support Name=carol",
		"3 rows in table players",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
