// Package proctest runs an emulator's server as a separate process of the
// test binary, so that tests can kill it with SIGKILL and start it again
// on the same data: the crash tests of the emulators use it.
package proctest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Server is what a child process serves.
type Server interface {
	Start(addr string) (string, error)
	Close() error
}

// MaybeServe makes the test binary a server process when the environment
// variable env names a data directory: it opens the server on it, serves
// on a free loopback port, prints "endpoint <url>", serves until its stdin
// closes, and exits. Call it from an init function of the test package.
func MaybeServe(env string, open func(dir string) (Server, error)) {
	dir := os.Getenv(env)
	if dir == "" {
		return
	}
	os.Exit(serve(dir, open))
}

func serve(dir string, open func(dir string) (Server, error)) int {
	srv, err := open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server process: open:", err)
		return 1
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "server process: start:", err)
		return 1
	}
	fmt.Printf("endpoint %s\n", endpoint)
	io.Copy(io.Discard, os.Stdin)
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "server process: close:", err)
		return 1
	}
	return 0
}

// Process is a server process started by Start.
type Process struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr bytes.Buffer
	done   chan error // receives the result of Wait once
	killed bool
}

// Start runs the test binary as a server on dir (see MaybeServe) and
// returns it with its endpoint. Cleanup closes its stdin and checks that
// it exits cleanly, unless it was killed.
func Start(t *testing.T, env, dir string) (*Process, string) {
	t.Helper()
	p := &Process{cmd: exec.Command(os.Args[0], "-test.run=^$"), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env+"="+dir)
	p.cmd.Stderr = &p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start server process: %v", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	endpoint, ok := strings.CutPrefix(strings.TrimSpace(line), "endpoint ")
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.stop(t) })
	if !ok {
		t.Fatalf("server process printed %q (%v), want its endpoint\n%s", line, err, p.stderr.String())
	}
	return p, endpoint
}

// Kill sends SIGKILL and waits for the process to end.
func (p *Process) Kill(t *testing.T) {
	t.Helper()
	p.killed = true
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill server process: %v", err)
	}
	err := <-p.done
	p.done <- err
}

// stop closes the process's stdin, which shuts the server down, and fails
// t unless it exits cleanly or was killed.
func (p *Process) stop(t *testing.T) {
	p.stdin.Close()
	select {
	case err := <-p.done:
		if err != nil && !p.killed {
			t.Errorf("server process: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		t.Errorf("server process did not exit after its stdin closed\n%s", p.stderr.String())
	}
}
