// Package rmqclient runs the official rocketmq-client-go in a process of
// its own for tests: producers, transactional producers and push
// consumers, driven over JSON lines (package wire) by the program in
// cmd/rmqclient. The client's own data races then cannot fail the
// race-checked tests of the servers it talks to, and it talks to them
// over the network only, as users' programs do.
//
//	c := rmqclient.Start(t)
//	c.Do(t, wire.Request{Op: "producer", Name: "p", NameServer: []string{ns}, Group: "GID_p"})
//	res := c.Send(t, "p", "orders", wire.Message{Body: "hello", Tag: "created"})
//	c.Do(t, wire.Request{Op: "consumer", Name: "c", NameServer: []string{ns}, Group: "GID_c", Topic: "orders"})
//	ev := c.Next(t, "message")
package rmqclient

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
)

// Timeout bounds a request's answer and the wait for an event.
const Timeout = 30 * time.Second

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// binary builds the driver once per test process.
func binary() (string, error) {
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "rmqclient")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "rmqclient")
		cmd := exec.Command("go", "build", "-o", build.path, "github.com/rocketfn/rocketfn/emulator/internal/rmqclient/cmd/rmqclient")
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("building the rocketmq-client-go driver: %v\n%s", err, out)
		}
	})
	return build.path, build.err
}

// Cleanup removes the driver binary; call it from TestMain after m.Run.
func Cleanup() {
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
}

// Client is a running driver process.
type Client struct {
	stdin  io.WriteCloser
	mu     sync.Mutex
	enc    *json.Encoder
	nextID int
	wait   map[int]chan wire.Reply
	events chan wire.Event
	done   chan struct{}
}

// Start runs a driver process, stopped (its producers and consumers shut
// down) when the test ends.
func Start(t testing.TB) *Client {
	t.Helper()
	path, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &Client{stdin: stdin, enc: json.NewEncoder(stdin), wait: map[int]chan wire.Reply{},
		events: make(chan wire.Event, 10000), done: make(chan struct{})}
	go c.read(stdout)
	t.Cleanup(func() {
		stdin.Close()
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("rocketmq-client-go driver: %v", err)
			}
		case <-time.After(Timeout):
			cmd.Process.Kill()
			<-exited
			t.Errorf("rocketmq-client-go driver did not stop within %s", Timeout)
		}
	})
	return c
}

func (c *Client) read(r io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var line struct {
			wire.Reply
			Event string `json:"event"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		if line.Event != "" {
			var ev wire.Event
			json.Unmarshal(sc.Bytes(), &ev)
			c.events <- ev
			continue
		}
		c.mu.Lock()
		ch := c.wait[line.ID]
		delete(c.wait, line.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- line.Reply
		}
	}
}

// Do sends a request and returns its reply; a reply with an error is
// returned as is.
func (c *Client) Do(t testing.TB, r wire.Request) wire.Reply {
	t.Helper()
	ch := make(chan wire.Reply, 1)
	c.mu.Lock()
	c.nextID++
	r.ID = c.nextID
	c.wait[r.ID] = ch
	err := c.enc.Encode(r)
	c.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	select {
	case rep := <-ch:
		return rep
	case <-c.done:
		t.Fatalf("rocketmq-client-go driver exited during %s", r.Op)
	case <-time.After(Timeout):
		t.Fatalf("no answer to %s within %s", r.Op, Timeout)
	}
	return wire.Reply{}
}

// Must is Do failing the test on an error reply.
func (c *Client) Must(t testing.TB, r wire.Request) wire.Reply {
	t.Helper()
	rep := c.Do(t, r)
	if rep.Error != "" {
		t.Fatalf("%s %s: %s", r.Op, r.Name, rep.Error)
	}
	return rep
}

// Send sends msgs to topic with the producer name, synchronously.
func (c *Client) Send(t testing.TB, name, topic string, msgs ...wire.Message) *wire.Result {
	t.Helper()
	return c.Must(t, wire.Request{Op: "send", Name: name, Topic: topic, Messages: msgs}).Result
}

// Next returns the next event of a kind ("message" or "check"), failing
// the test after Timeout; events of other kinds are dropped.
func (c *Client) Next(t testing.TB, kind string) wire.Event {
	t.Helper()
	deadline := time.After(Timeout)
	for {
		select {
		case ev := <-c.events:
			if ev.Event == kind {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event within %s", kind, Timeout)
			return wire.Event{}
		}
	}
}

// Poll returns the next event if one is ready within d.
func (c *Client) Poll(d time.Duration) (wire.Event, bool) {
	select {
	case ev := <-c.events:
		return ev, true
	case <-time.After(d):
		return wire.Event{}, false
	}
}
