package remoting_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// The examples run as processes of their own, built without the race
// detector (the client has data races of its own), against a stack
// started here on loopback, in memory. The tests read what the programs
// print and check it against the stack: the broker, and what a function
// of an s.yaml trigger received.

// wait bounds each wait for a program or the stack.
const wait = 45 * time.Second

// build compiles the example in directory name and returns the binary.
func build(t *testing.T, name string) string {
	t.Helper()
	// go test puts the go command of the running toolchain first on PATH.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build ./%s: %v", name, err)
	}
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(goBin, "build", "-o", bin, "./"+name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./%s: %v\n%s", name, err, out)
	}
	return bin
}

// startStack starts an in-memory stack of cfg with every service on a
// free loopback port; a nil Project has no functions.
func startStack(t *testing.T, cfg stack.Config) *stack.Stack {
	t.Helper()
	if cfg.Project == nil {
		cfg.Project = &syaml.Project{}
	}
	cfg.MQListen, cfg.TablestoreListen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.NameServerListen, cfg.RemotingListen = "127.0.0.1:0", "127.0.0.1:0"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("start stack: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(context.Background()); err != nil {
			t.Errorf("close stack: %v", err)
		}
	})
	if s.NameServer == "" {
		t.Fatal("the stack serves no name server")
	}
	return s
}

// fakeClock is a clock for the stack that the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now().Truncate(time.Millisecond)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// program is a running example.
type program struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	lines  chan string // stdout, closed at its end
	seen   []string    // the lines read so far
	stderr bytes.Buffer
	ended  bool
}

// start runs bin with args, the client's environment variables unset.
func start(t *testing.T, bin string, args ...string) *program {
	t.Helper()
	p := &program{t: t, name: filepath.Base(bin), lines: make(chan string, 1024)}
	p.cmd = exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains([]string{"NAMESRV_ADDR", "MQ_INSTANCE", "ROCKETMQ_ACCESS_KEY", "ROCKETMQ_SECRET_KEY", "ROCKETMQ_GO_LOG_LEVEL"}, name) {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Stderr = &p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		if !p.ended {
			p.cmd.Process.Kill()
			for range p.lines {
			}
			p.cmd.Wait()
		}
	})
	return p
}

// waitFor returns the first line printed so far or from now on that
// matches re, failing when the program ends or wait passes first.
func (p *program) waitFor(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	for _, l := range p.seen {
		if m := rx.FindStringSubmatch(l); m != nil {
			return m
		}
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.ended = true
				err := p.cmd.Wait()
				p.t.Fatalf("%s ended without printing a line like %q: %v\nstdout:\n%s\nstderr:\n%s",
					p.name, re, err, strings.Join(p.seen, "\n"), p.stderr.String())
			}
			p.seen = append(p.seen, l)
			if m := rx.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-timer.C:
			p.t.Fatalf("%s printed no line like %q within %v:\n%s", p.name, re, wait, strings.Join(p.seen, "\n"))
		}
	}
}

// end waits for the program to exit and returns its stdout lines and
// exit error.
func (p *program) end() ([]string, error) {
	p.t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case l, ok := <-p.lines:
			if ok {
				p.seen = append(p.seen, l)
				continue
			}
			p.ended = true
			return p.seen, p.cmd.Wait()
		case <-timer.C:
			p.t.Fatalf("%s did not exit within %v:\n%s", p.name, wait, strings.Join(p.seen, "\n"))
		}
	}
}

// succeed waits for the program to exit with status 0 and returns its
// stdout lines.
func (p *program) succeed() []string {
	p.t.Helper()
	lines, err := p.end()
	if err != nil {
		p.t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", p.name, err, strings.Join(lines, "\n"), p.stderr.String())
	}
	return lines
}

// matches returns the submatches of re in each line that matches it.
func matches(lines []string, re string) [][]string {
	rx := regexp.MustCompile(re)
	var out [][]string
	for _, l := range lines {
		if m := rx.FindStringSubmatch(l); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// recorderYAML is an s.yaml with one function, the recording function of
// the stack's tests (emulator/stack/testdata/recordfn), behind an
// EventBridge trigger on topic orders of instance MQ_INST_examples with
// tag paid.
const recorderYAML = `edition: 3.0.0
name: remoting-examples
resources:
  recorder:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: recorder
      runtime: custom.debian12
      code: RECORDFN_DIR
      timeout: 10
      environmentVariables:
        RECORD_FILE: RECORD_FILE_PATH
      customRuntimeConfig:
        command: [bootstrap]
        port: 9000
      triggers:
        - triggerName: recorder-rocketmq
          triggerType: eventbridge
          triggerConfig:
            eventSourceConfig:
              eventSourceType: RocketMQ
              eventSourceParameters:
                sourceRocketMQParameters:
                  RegionId: cn-hangzhou
                  InstanceId: MQ_INST_examples
                  Topic: orders
                  Tag: paid
                  GroupID: GID_recorder
            eventSinkConfig:
              deliveryOption:
                eventSchema: CloudEvents
            runOptions:
              mode: event-driven
              errorsTolerance: ALL
              retryStrategy:
                PushRetryStrategy: BACKOFF_RETRY
`

// record is a line of recordfn's RECORD_FILE.
type record struct {
	ID         string            `json:"id"`
	Topic      string            `json:"topic"`
	Tag        string            `json:"tag"`
	Keys       []string          `json:"keys"`
	Body       string            `json:"body"`
	Properties map[string]string `json:"properties"`
}

// TestNormal runs the normal example twice on topic orders of instance
// MQ_INST_examples (its namespace), which a trigger of s.yaml delivers to
// a function: first only sending, then
// sending and consuming. The consumer gets the second run's messages
// with their tag and keys; the function gets both runs' messages.
func TestNormal(t *testing.T) {
	t.Parallel()
	bin := build(t, "normal")
	dir := t.TempDir()
	code, err := filepath.Abs(filepath.Join("..", "..", "emulator", "stack", "testdata", "recordfn"))
	if err != nil {
		t.Fatal(err)
	}
	recordFile := filepath.Join(dir, "recorder.jsonl")
	yml := strings.NewReplacer("RECORDFN_DIR", code, "RECORD_FILE_PATH", recordFile).Replace(recorderYAML)
	proj, err := syaml.Parse([]byte(yml), dir)
	if err != nil {
		t.Fatal(err)
	}
	s := startStack(t, stack.Config{Project: proj, Groups: []stack.Name{{Instance: "MQ_INST_examples", Name: "GID_normal"}}})
	args := []string{"-nameserver", s.NameServer, "-namespace", "MQ_INST_examples", "-topic", "orders", "-group", "GID_normal", "-tag", "paid", "-keys", "order-{n} customer-7"}

	first := start(t, bin, append(args, "-n", "2", "-consume=false", "-body", "first {n}")...).succeed()
	sentFirst := matches(first, `^sent message (\d+): id=(\w+) queue=\d+ offset=\d+ tag=paid keys="order-\d customer-7"$`)
	if len(sentFirst) != 2 || len(matches(first, `^received`)) != 0 {
		t.Fatalf("-consume=false -n 2 printed:\n%s", strings.Join(first, "\n"))
	}

	out := start(t, bin, append(args, "-n", "3")...).succeed()
	sent := map[string]string{} // id: number
	for _, m := range matches(out, `^sent message (\d+): id=(\w+) queue=\d+ offset=\d+ tag=paid keys="order-(\d) customer-7"$`) {
		if m[3] != m[1] {
			t.Errorf("message %s sent with key order-%s", m[1], m[3])
		}
		sent[m[2]] = m[1]
	}
	if len(sent) != 3 {
		t.Fatalf("sent %d distinct messages, want 3:\n%s", len(sent), strings.Join(out, "\n"))
	}
	got := map[string]bool{}
	for _, m := range matches(out, `^received message (\d+): id=(\w+) queue=\d+ offset=\d+ tag=(\S*) keys="([^"]*)" reconsumed=\d+ body="(.*)"$`) {
		n, id, tag, keys, body := m[1], m[2], m[3], m[4], m[5]
		if sent[id] != n || tag != "paid" || keys != "order-"+n+" customer-7" || body != "Hello RocketMQ "+n {
			t.Errorf("received %q; sent %s as message %q", m[0], id, sent[id])
		}
		got[id] = true
	}
	if len(got) != 3 || out[len(out)-1] != "received 3 of 3 messages" {
		t.Fatalf("received %d of the 3 messages sent:\n%s", len(got), strings.Join(out, "\n"))
	}

	// The trigger delivers the five messages of both runs to the function.
	all := map[string]string{} // id: body
	for _, m := range sentFirst {
		all[m[2]] = "first " + m[1]
	}
	for id, n := range sent {
		all[id] = "Hello RocketMQ " + n
	}
	delivered := map[string]bool{}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for len(delivered) < len(all) {
		select {
		case r := <-s.Bridge.Events():
			if r.Outcome.Failed {
				t.Fatalf("invocation %s failed: %s", r.RequestID, r.Outcome.Reason)
			}
			for _, id := range r.MessageIDs {
				delivered[id] = true
			}
		case <-timer.C:
			t.Fatalf("the trigger delivered %d of the %d messages within %v", len(delivered), len(all), wait)
		}
	}
	b, err := os.ReadFile(recordFile)
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]record{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("record %q: %v", line, err)
		}
		recorded[r.ID] = r
	}
	for id, body := range all {
		r, ok := recorded[id]
		n := r.Properties["n"]
		if !ok || r.Topic != "orders" || r.Tag != "paid" || r.Body != body ||
			!slices.Equal(r.Keys, []string{"order-" + n, "customer-7"}) || r.Properties["run"] == "" {
			t.Errorf("function got %+v for message %s, sent with body %q", r, id, body)
		}
	}
	if len(recorded) != len(all) {
		t.Errorf("function recorded %d messages, want %d", len(recorded), len(all))
	}
	if st := s.MQ.Broker().Stats(); st.Published != uint64(len(all)) {
		t.Errorf("broker published %d messages, want %d", st.Published, len(all))
	}
}

// TestOrdered: the orderly consumer gets each order's steps in the order
// they were sent, all from the one queue its sharding key hashes to. The
// broker has ACL on: the program signs with -access-key and -secret-key.
func TestOrdered(t *testing.T) {
	t.Parallel()
	bin := build(t, "ordered")
	s := startStack(t, stack.Config{ACL: true, Topics: []stack.Name{{Name: "orders-seq"}}, Groups: []stack.Name{{Name: "GID_ordered"}}})
	key := s.MQ.Credentials()
	out := start(t, bin, "-nameserver", s.NameServer, "-access-key", key.AccessKeyID, "-secret-key", key.AccessKeySecret,
		"-topic", "orders-seq", "-group", "GID_ordered", "-n", "4").succeed()

	steps := []string{"created", "paid", "shipped", "delivered"}
	queueOf := map[string]string{}
	for _, m := range matches(out, `^sent (order-\d+) (\w+): id=\w+ queue=(\d+) offset=\d+$`) {
		if q, ok := queueOf[m[1]]; ok && q != m[3] {
			t.Errorf("%s sent to queues %s and %s", m[1], q, m[3])
		}
		queueOf[m[1]] = m[3]
	}
	if len(queueOf) != 4 {
		t.Fatalf("sent to %d orders, want 4:\n%s", len(queueOf), strings.Join(out, "\n"))
	}
	got := map[string][]string{}
	lastOffset := map[string]int{}
	for _, m := range matches(out, `^received (order-\d+) (\w+): id=\w+ queue=(\d+) offset=(\d+)$`) {
		key, step, queue := m[1], m[2], m[3]
		off, _ := strconv.Atoi(m[4])
		if queue != queueOf[key] {
			t.Errorf("%s %s received from queue %s, sent to %s", key, step, queue, queueOf[key])
		}
		if prev, ok := lastOffset[key]; ok && off <= prev {
			t.Errorf("%s %s at offset %d after offset %d", key, step, off, prev)
		}
		lastOffset[key] = off
		got[key] = append(got[key], step)
	}
	for k := 1; k <= 4; k++ {
		key := fmt.Sprintf("order-%d", k)
		if !slices.Equal(got[key], steps) {
			t.Errorf("%s received as %v, want %v", key, got[key], steps)
		}
		if want := key + ": " + strings.Join(steps, " -> "); !slices.Contains(out, want) {
			t.Errorf("no line %q", want)
		}
	}
	if last := out[len(out)-1]; last != "received the 4 orders' 16 messages, each order's in order" {
		t.Errorf("last line %q", last)
	}
}

// queued is how many messages the queues of topic hold.
func queued(t *testing.T, s *stack.Stack, topic string) int64 {
	t.Helper()
	qs, err := s.MQ.Broker().Queues("", topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, q := range qs {
		n += q.Max - q.Min
	}
	return n
}

// TestDelay runs the delay example on a fake clock: its level-3 messages
// enter the topic's queues, and reach the consumer, only when the
// broker's clock has moved 10 s past their sending. (The program prints
// the delay its own wall clock saw, which here is not those 10 s.)
func TestDelay(t *testing.T) {
	t.Parallel()
	bin := build(t, "delay")
	clock := newFakeClock()
	s := startStack(t, stack.Config{Clock: clock.Now, Topics: []stack.Name{{Name: "later"}}, Groups: []stack.Name{{Name: "GID_delay"}}})
	p := start(t, bin, "-nameserver", s.NameServer, "-topic", "later", "-group", "GID_delay", "-n", "2")
	p.waitFor(`^sent message 2 at \S+: id=\w+ delay level 3 \(10s\)$`)

	s.Tick()
	if n := queued(t, s, "later"); n != 0 {
		t.Fatalf("%d messages queued right after sending", n)
	}
	clock.Add(10*time.Second - time.Millisecond)
	s.Tick()
	if n := queued(t, s, "later"); n != 0 {
		t.Fatalf("%d messages queued 9.999 s after sending", n)
	}
	clock.Add(time.Millisecond)
	s.Tick()
	if n := queued(t, s, "later"); n != 2 {
		t.Fatalf("%d messages queued 10 s after sending, want 2", n)
	}
	out := p.succeed()
	sent := map[string]string{}
	for _, m := range matches(out, `^sent message (\d+) at \S+: id=(\w+) delay level 3 \(10s\)$`) {
		sent[m[2]] = m[1]
	}
	received := matches(out, `^received message (\d+) at \S+: id=(\w+) born=\S+ delayed -?[\d.]+s \(level 3\)$`)
	if len(sent) != 2 || len(received) != 2 {
		t.Fatalf("sent %d, received %d, want 2:\n%s", len(sent), len(received), strings.Join(out, "\n"))
	}
	for _, m := range received {
		if sent[m[2]] != m[1] {
			t.Errorf("received %q; sent %s as message %q", m[0], m[2], sent[m[2]])
		}
	}
}

// TestTransaction runs the transaction example on a fake clock: message 1
// is committed at once and delivered, message 2 rolled back and never
// delivered, message 3 left unknown until the broker's clock passes the
// transaction timeout, when the broker asks the producer back and it
// commits.
func TestTransaction(t *testing.T) {
	t.Parallel()
	bin := build(t, "transaction")
	clock := newFakeClock()
	s := startStack(t, stack.Config{Clock: clock.Now, Topics: []stack.Name{{Name: "payments"}}, Groups: []stack.Name{{Name: "GID_transaction"}}})
	p := start(t, bin, "-nameserver", s.NameServer, "-topic", "payments", "-group", "GID_transaction")
	p.waitFor(`^sent half message 3: id=\w+ transaction=\S+$`)
	p.waitFor(`^received message 1: `)
	if m := matches(p.seen, `^check-back`); len(m) != 0 {
		t.Fatalf("checked back before the transaction timeout: %q", m)
	}

	clock.Add(remoting.DefaultTransactionTimeout)
	s.Tick()
	out := p.succeed()
	want := []string{
		`^local transaction of message 1: commit$`,
		`^local transaction of message 2: rollback$`,
		`^local transaction of message 3: unknown, the broker will ask$`,
		`^check-back of message 3 [\d.]+s after sending: id=\w+: commit$`,
		`^received message 3: id=\w+ body="transaction message 3"$`,
		`^received committed messages 1,3; rolled back, not delivered: 2$`,
	}
	for _, re := range want {
		if len(matches(out, re)) != 1 {
			t.Errorf("not one line like %q:\n%s", re, strings.Join(out, "\n"))
		}
	}
	if m := matches(out, `^received message 2`); len(m) != 0 {
		t.Errorf("the rolled back message was delivered: %q", m)
	}
	if m := matches(out, `^check-back of message [12] `); len(m) != 0 {
		t.Errorf("resolved messages were checked back: %q", m)
	}
	if st := s.MQ.Broker().Stats(); st.Committed != 2 || st.RolledBack != 1 {
		t.Errorf("broker: %d committed, %d rolled back; want 2 and 1", st.Committed, st.RolledBack)
	}
}

// TestFailures: the programs exit with status 1 and say why when a topic
// does not exist, and when -timeout passes first.
func TestFailures(t *testing.T) {
	t.Parallel()
	normal, delay := build(t, "normal"), build(t, "delay")
	clock := newFakeClock()
	s := startStack(t, stack.Config{Clock: clock.Now, Topics: []stack.Name{{Name: "later"}}, Groups: []stack.Name{{Name: "GID_delay"}}})
	for _, tc := range []struct {
		name, bin string
		args      []string
		stderr    string
	}{
		{"unknown topic", normal, []string{"-topic", "nosuch", "-n", "1"},
			"normal: send message 1 to topic nosuch through name server " + s.NameServer + ": "},
		// The clock does not move: the delayed message never comes.
		{"timeout", delay, []string{"-topic", "later", "-group", "GID_delay", "-n", "1", "-timeout", "2s"},
			"delay: timed out after 2s: received 0 of 1 messages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := start(t, tc.bin, append([]string{"-nameserver", s.NameServer}, tc.args...)...)
			out, err := p.end()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1\nstdout:\n%s", err, strings.Join(out, "\n"))
			}
			if !strings.HasPrefix(p.stderr.String(), tc.stderr) {
				t.Errorf("stderr %q, want it to begin %q", p.stderr.String(), tc.stderr)
			}
		})
	}
}
