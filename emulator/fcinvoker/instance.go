package fcinvoker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// instance is one process of the function.
type instance struct {
	id   string
	gen  *generation // the build it runs
	addr string      // 127.0.0.1:port, where it listens
	port int
	cmd  *exec.Cmd
	out  *output

	ready    chan struct{} // closed when the start (and initializer) is over
	bootErr  error         // why it did not start, set before ready closes
	bootType string        // ErrorNotStarted or ErrorInitialization

	exited  chan struct{} // closed when the process has exited
	exitErr error         // set before exited closes

	inflight int       // slots taken, guarded by pool.mu
	claimed  sync.Once // run by whichever of lose and stop comes first
}

// startProcess runs the instance's process with its output piped to an
// output reader.
func (i *Invoker) startProcess(inst *instance) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	inst.port, inst.addr = port, net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	pr, pw, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("pipe for the output: %w", err)
	}
	cmd := exec.Command(inst.gen.cmd[0], inst.gen.cmd[1:]...)
	cmd.Dir = i.f.Dir
	cmd.Env = i.env(inst)
	cmd.Stdout, cmd.Stderr = pw, pw // one pipe keeps lines in the order written
	cmd.SysProcAttr = procAttr()
	err = cmd.Start()
	pw.Close()
	if err != nil {
		pr.Close()
		return fmt.Errorf("run %s: %w", cmd.Path, err)
	}
	inst.cmd = cmd
	inst.out = newOutput(inst.id, i.logger, i.logs)
	i.procs.Add(1)
	go inst.out.run(pr)
	go i.watch(inst)
	return nil
}

// watch waits for the process to exit. An exit nobody asked for loses
// the instance as a crash.
func (i *Invoker) watch(inst *instance) {
	defer i.procs.Done()
	inst.exitErr = inst.cmd.Wait()
	close(inst.exited)
	<-inst.ready
	i.lose(inst, "exited: "+exitText(inst.exitErr), true)
	select {
	case <-inst.out.done:
	case <-time.After(2 * time.Second): // a child of the process holds the pipe
	}
}

// waitListening waits until the instance accepts connections.
func (i *Invoker) waitListening(inst *instance) error {
	deadline := time.NewTimer(i.o.StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if conn, err := net.DialTimeout("tcp", inst.addr, time.Second); err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-inst.exited:
			return fmt.Errorf("exited before accepting connections on %s: %s", inst.addr, exitText(inst.exitErr))
		case <-deadline.C:
			return fmt.Errorf("accepted no connections on %s within %s (it must listen on the port in FC_CUSTOM_LISTEN_PORT, %d, which replaces customRuntimeConfig.port %d)",
				inst.addr, i.o.StartTimeout, inst.port, i.f.Port)
		case <-inst.gen.ctx.Done():
			return ErrClosed
		case <-tick.C:
		}
	}
}

// startError describes why inst did not start, with its last log lines.
func (i *Invoker) startError(inst *instance, err error) *StartError {
	e := &StartError{Function: i.f.Name, Instance: inst.id, Err: err}
	if inst.out == nil {
		return e
	}
	select {
	case <-inst.exited: // let the reader take its last lines
		select {
		case <-inst.out.done:
		case <-time.After(time.Second):
		}
	default:
	}
	e.Log = inst.out.lastLines()
	return e
}

// kill stops the process and its process group at once, if it runs.
func (inst *instance) kill() {
	if inst.cmd != nil {
		syscall.Kill(-inst.cmd.Process.Pid, syscall.SIGKILL)
		inst.cmd.Process.Kill()
	}
}

// terminate sends SIGTERM, then SIGKILL when the process has not exited
// after grace or when ctx is done. It reports whether it had to kill.
func (inst *instance) terminate(ctx context.Context, grace time.Duration) bool {
	if err := inst.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		inst.kill()
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-inst.exited:
		return false
	case <-t.C:
	case <-ctx.Done():
	}
	inst.kill()
	<-inst.exited
	return true
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// newRequestID returns a random ID shaped like FC's request IDs.
func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newInstanceID returns a random ID shaped like FC's instance IDs.
func newInstanceID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "c-" + hex.EncodeToString(b)
}
