package tablestore_test

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

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/tablestore"
)

// crashChildEnv, set to a data directory, makes the test binary a server
// process on that directory (see runCrashChild) instead of running tests.
const crashChildEnv = "ROCKETFN_TABLESTORE_CHILD"

func init() {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		os.Exit(runCrashChild(dir))
	}
}

// runCrashChild serves the data in dir on a free loopback port, prints
// "endpoint <url>" on stdout, and serves until its stdin closes.
func runCrashChild(dir string) int {
	srv, err := tablestore.New(tablestore.Config{Dir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child: open:", err)
		return 1
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child: start:", err)
		return 1
	}
	fmt.Printf("endpoint %s\n", endpoint)
	io.Copy(io.Discard, os.Stdin)
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "crash child: close:", err)
		return 1
	}
	return 0
}

// crashChild is a server process started by startCrashChild.
type crashChild struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr bytes.Buffer
	done   chan error // receives the result of Wait once
	killed bool
}

// startCrashChild runs the test binary as a server on dir and returns it
// with its endpoint. Cleanup closes its stdin and waits for a
// clean exit, unless it was killed.
func startCrashChild(t *testing.T, dir string) (*crashChild, string) {
	t.Helper()
	p := &crashChild{cmd: exec.Command(os.Args[0], "-test.run=^$"), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
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
		t.Fatalf("server process printed %q (%v), want its endpoint", line, err)
	}
	return p, endpoint
}

// crashClient is an SDK client for a server process, retrying briefly.
func crashClient(endpoint string) *ots.TableStoreClient {
	cfg := ots.NewDefaultTableStoreConfig()
	cfg.MaxRetryTime = 200 * time.Millisecond
	return ots.NewClientWithConfig(endpoint, tablestore.DefaultInstance,
		tablestore.DefaultAccessKeyID, tablestore.DefaultAccessKeySecret, "", cfg)
}

// kill sends SIGKILL and waits for the process to end.
func (p *crashChild) kill(t *testing.T) {
	t.Helper()
	p.killed = true
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill server process: %v", err)
	}
	err := <-p.done
	p.done <- err
}

// stop closes the process's stdin, which shuts the server down, and
// fails t unless it exits cleanly or was killed.
func (p *crashChild) stop(t *testing.T) {
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
