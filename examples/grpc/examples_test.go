package grpc_test

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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// The examples run as processes of their own, built without the race
// detector (the client has data races of its own), against a stack
// started here on loopback, in memory. The tests read what the programs
// print and check it against the stack: the messages the broker holds,
// its counts, and what a function of an s.yaml trigger received.

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
// free loopback port, the 5.x gRPC endpoint among them, and no remoting
// protocol; a nil Project has no functions.
func startStack(t *testing.T, cfg stack.Config) *stack.Stack {
	t.Helper()
	if cfg.Project == nil {
		cfg.Project = &syaml.Project{}
	}
	cfg.MQListen, cfg.TablestoreListen, cfg.GRPCListen = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.NoRemoting = true
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
	if s.GRPCEndpoint == "" {
		t.Fatal("the stack serves no 5.x gRPC endpoint")
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

// Set moves the clock to t, which is not before it.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
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

// clientEnv are the environment variables the programs and the client
// read; the programs run without them, with a temporary directory of
// their own for the client's logs.
var clientEnv = []string{"MQ_GRPC_ENDPOINT", "MQ_INSTANCE", "ROCKETMQ_ACCESS_KEY", "ROCKETMQ_SECRET_KEY",
	"rocketmq.client.logRoot", "rocketmq.client.logLevel", "mq.consoleAppender.enabled", "TMPDIR"}

// start runs bin with args.
func start(t *testing.T, bin string, args ...string) *program {
	t.Helper()
	p := &program{t: t, name: filepath.Base(bin), lines: make(chan string, 1024)}
	p.cmd = exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(clientEnv, name) {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Env = append(p.cmd.Env, "TMPDIR="+t.TempDir())
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

// waitFor returns the submatches of the first line printed so far or
// from now on that matches re, failing when the program ends or wait
// passes first.
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

// fail waits for the program to exit with status 1 and returns its
// stderr.
func (p *program) fail() string {
	p.t.Helper()
	lines, err := p.end()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		p.t.Fatalf("%s exit: %v, want status 1\nstdout:\n%s\nstderr:\n%s", p.name, err, strings.Join(lines, "\n"), p.stderr.String())
	}
	return p.stderr.String()
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

// stored is what the queues of the topic hold, by message ID.
func stored(t *testing.T, s *stack.Stack, instance, topic string) map[string]broker.Message {
	t.Helper()
	b := s.MQ.Broker()
	qs, err := b.Queues(instance, topic)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]broker.Message{}
	for _, q := range qs {
		for off := q.Min; off < q.Max; {
			res, err := b.Pull(context.Background(), broker.PullRequest{Instance: instance, Topic: topic, Queue: q.ID, Offset: off, Max: broker.MaxPull})
			if err != nil {
				t.Fatal(err)
			}
			if res.Next <= off {
				t.Fatalf("pull of queue %d of %s at %d: %+v", q.ID, topic, off, res)
			}
			for _, m := range res.Messages {
				out[m.ID] = m
			}
			off = res.Next
		}
	}
	return out
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

// recorderYAML is an s.yaml with one function, the recording function of
// the stack's tests (emulator/stack/testdata/recordfn), behind an
// EventBridge trigger on topic orders of instance MQ_INST_examples with
// tag paid.
const recorderYAML = `edition: 3.0.0
name: grpc-examples
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
// a function: first only sending, then sending and receiving. The
// consumer gets the second run's messages with their tag, keys and
// properties, and the first run's as messages of an earlier run; the
// broker holds the five under the IDs the programs printed; the function
// gets them all.
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
	args := []string{"-endpoint", s.GRPCEndpoint, "-namespace", "MQ_INST_examples", "-topic", "orders", "-group", "GID_normal",
		"-tag", "paid", "-keys", "order-{n} customer-7"}
	const sentRE = `^sent message (\d+): id=(\w+) offset=\d+ tag=paid keys="order-(\d) customer-7"$`

	first := start(t, bin, append(args, "-n", "2", "-consume=false", "-body", "first {n}")...).succeed()
	sentFirst := matches(first, sentRE)
	if len(sentFirst) != 2 || len(sentFirst) != len(first) {
		t.Fatalf("-consume=false -n 2 printed:\n%s", strings.Join(first, "\n"))
	}

	out := start(t, bin, append(args, "-n", "3")...).succeed()
	sent := map[string]string{} // id: number
	for _, m := range matches(out, sentRE) {
		if m[3] != m[1] {
			t.Errorf("message %s sent with key order-%s", m[1], m[3])
		}
		sent[m[2]] = m[1]
	}
	if len(sent) != 3 {
		t.Fatalf("sent %d distinct messages, want 3:\n%s", len(sent), strings.Join(out, "\n"))
	}
	got := map[string]bool{}
	for _, m := range matches(out, `^received message (\d+): id=(\w+) offset=\d+ tag=(\S*) keys="([^"]*)" attempt=(\d+) body="(.*)"$`) {
		n, id, tag, keys, attempt, body := m[1], m[2], m[3], m[4], m[5], m[6]
		if sent[id] != n || tag != "paid" || keys != "order-"+n+" customer-7" || attempt != "1" || body != "Hello RocketMQ "+n {
			t.Errorf("received %q; sent %s as message %q", m[0], id, sent[id])
		}
		got[id] = true
	}
	if len(got) != 3 || out[len(out)-1] != "received 3 of 3 messages" {
		t.Fatalf("received %d of the 3 messages sent:\n%s", len(got), strings.Join(out, "\n"))
	}
	// The group, new, starts at the oldest message the topic holds.
	var earlier []string
	for _, m := range matches(out, `^received a message of an earlier run: id=(\w+) body="(.*)"$`) {
		earlier = append(earlier, m[1]+" "+m[2])
	}
	slices.Sort(earlier)
	want := []string{sentFirst[0][2] + " first 1", sentFirst[1][2] + " first 2"}
	slices.Sort(want)
	if !slices.Equal(earlier, want) {
		t.Errorf("messages of an earlier run: %q, want %q", earlier, want)
	}

	// The broker holds the five messages under the IDs printed.
	all := map[string]string{} // id: body
	for _, m := range sentFirst {
		all[m[2]] = "first " + m[1]
	}
	for id, n := range sent {
		all[id] = "Hello RocketMQ " + n
	}
	held := stored(t, s, "MQ_INST_examples", "orders")
	for id, body := range all {
		m, ok := held[id]
		n := m.Properties["n"]
		if !ok || m.Tag != "paid" || string(m.Body) != body || m.Keys != "order-"+n+" customer-7" || m.Properties["run"] == "" {
			t.Errorf("broker holds %+v for message %s, sent with body %q", m, id, body)
		}
	}
	if len(held) != len(all) {
		t.Errorf("broker holds %d messages, want %d", len(held), len(all))
	}
	if st := s.MQ.Broker().Stats(); st.Published != uint64(len(all)) {
		t.Errorf("broker published %d messages, want %d", st.Published, len(all))
	}

	// The trigger delivers the five messages of both runs to the function.
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
}

// TestFIFO: the consumer gets each order's steps in the order they were
// sent, each order a message group the broker keeps in one queue, in
// that order. The stack has ACL on: the program signs with -access-key
// and -secret-key, and fails without them.
func TestFIFO(t *testing.T) {
	t.Parallel()
	bin := build(t, "fifo")
	s := startStack(t, stack.Config{ACL: true, Topics: []stack.Name{{Name: "orders-seq"}}, Groups: []stack.Name{{Name: "GID_fifo"}}})
	key := s.MQ.Credentials()
	args := []string{"-endpoint", s.GRPCEndpoint, "-topic", "orders-seq", "-group", "GID_fifo"}
	out := start(t, bin, append(args, "-access-key", key.AccessKeyID, "-secret-key", key.AccessKeySecret, "-n", "4")...).succeed()

	steps := []string{"created", "paid", "shipped", "delivered"}
	sentID := map[string]string{} // "order-k step": id
	for _, m := range matches(out, `^sent (order-\d+) (\w+): id=(\w+) group=(order-\d+) offset=\d+$`) {
		if m[4] != m[1] {
			t.Errorf("%s %s sent in message group %s", m[1], m[2], m[4])
		}
		sentID[m[1]+" "+m[2]] = m[3]
	}
	if len(sentID) != 16 {
		t.Fatalf("sent %d messages, want 16:\n%s", len(sentID), strings.Join(out, "\n"))
	}
	got := map[string][]string{}
	for _, m := range matches(out, `^received (order-\d+) (\w+): id=(\w+) offset=\d+ attempt=1$`) {
		if sentID[m[1]+" "+m[2]] != m[3] {
			t.Errorf("received %q; sent as %s", m[0], sentID[m[1]+" "+m[2]])
		}
		got[m[1]] = append(got[m[1]], m[2])
	}
	held := stored(t, s, "", "orders-seq")
	for k := 1; k <= 4; k++ {
		key := fmt.Sprintf("order-%d", k)
		if !slices.Equal(got[key], steps) {
			t.Errorf("%s received as %v, want %v", key, got[key], steps)
		}
		if want := key + ": " + strings.Join(steps, " -> "); !slices.Contains(out, want) {
			t.Errorf("no line %q", want)
		}
		// The broker: the order's messages in one queue, in step order.
		var queue int
		var last int64 = -1
		for i, step := range steps {
			m, ok := held[sentID[key+" "+step]]
			switch {
			case !ok:
				t.Errorf("broker does not hold %s %s (%s)", key, step, sentID[key+" "+step])
				continue
			case m.ShardingKey != key || m.Tag != step:
				t.Errorf("broker holds %s %s with sharding key %q, tag %q", key, step, m.ShardingKey, m.Tag)
			case i > 0 && m.QueueID != queue:
				t.Errorf("%s %s in queue %d, %s in queue %d", key, step, m.QueueID, steps[0], queue)
			case m.QueueOffset <= last:
				t.Errorf("%s %s at offset %d after offset %d", key, step, m.QueueOffset, last)
			}
			queue, last = m.QueueID, m.QueueOffset
		}
	}
	if last := out[len(out)-1]; last != "received the 4 orders' 16 messages, each order's in order" {
		t.Errorf("last line %q", last)
	}

	// Unsigned, the calls are refused.
	if e := start(t, bin, append(args, "-n", "1")...).fail(); !strings.HasPrefix(e, "fifo: start producer for topic orders-seq at "+s.GRPCEndpoint+": ") ||
		!strings.Contains(e, "UNAUTHORIZED") {
		t.Errorf("unsigned: stderr %q", e)
	}
}

// atClock is the time of day hms (15:04:05.000, this host's zone) nearest
// to ref.
func atClock(t *testing.T, hms string, ref time.Time) time.Time {
	t.Helper()
	c, err := time.ParseInLocation("15:04:05.000", hms, time.Local)
	if err != nil {
		t.Fatal(err)
	}
	ref = ref.In(time.Local)
	at := time.Date(ref.Year(), ref.Month(), ref.Day(), c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), time.Local)
	for at.Sub(ref) > 12*time.Hour {
		at = at.AddDate(0, 0, -1)
	}
	for ref.Sub(at) > 12*time.Hour {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// TestDelay runs the delay example on a fake clock: its messages enter
// the topic's queues, and reach the consumer, only when the broker's
// clock reaches their delivery time, 10 s after their sending by the
// program's clock; the program checks the delivery by the server's
// clock. (The arrival it prints by its own clock is not 10 s later.)
func TestDelay(t *testing.T) {
	t.Parallel()
	bin := build(t, "delay")
	clock := newFakeClock()
	s := startStack(t, stack.Config{Clock: clock.Now, Topics: []stack.Name{{Name: "later"}}, Groups: []stack.Name{{Name: "GID_delay"}}})
	p := start(t, bin, "-endpoint", s.GRPCEndpoint, "-topic", "later", "-group", "GID_delay", "-n", "2")
	p.waitFor(`^sent message 2 at `)
	sent := map[string]string{}   // id: number
	due := map[string]time.Time{} // by id
	var first, latest time.Time
	for _, m := range matches(p.seen, `^sent message (\d+) at (\S+): id=(\w+) due (\S+) \(in 10s\)$`) {
		at, d := atClock(t, m[2], clock.Now()), atClock(t, m[4], clock.Now())
		if d.Sub(at) < 10*time.Second-time.Millisecond || d.Sub(at) > 10*time.Second {
			t.Errorf("%q: due %v after sending", m[0], d.Sub(at))
		}
		sent[m[3]], due[m[3]] = m[1], d
		if first.IsZero() || d.Before(first) {
			first = d
		}
		if d.After(latest) {
			latest = d
		}
	}
	if len(sent) != 2 {
		t.Fatalf("sent %d messages, want 2:\n%s", len(sent), strings.Join(p.seen, "\n"))
	}

	s.Tick()
	if n := queued(t, s, "later"); n != 0 {
		t.Fatalf("%d messages queued right after sending", n)
	}
	clock.Set(first.Add(-time.Millisecond))
	s.Tick()
	if n := queued(t, s, "later"); n != 0 {
		t.Fatalf("%d messages queued 1 ms before the first delivery time", n)
	}
	clock.Set(latest)
	s.Tick()
	if n := queued(t, s, "later"); n != 2 {
		t.Fatalf("%d messages queued at the delivery times, want 2", n)
	}
	out := p.succeed()
	received := matches(out, `^received message (\d+) at \S+: id=(\w+) due (\S+), delivered (\S+) by the server's clock, ([\d.]+)s after due$`)
	if len(received) != 2 || out[len(out)-1] != "received 2 of 2 messages, none before its delivery time" {
		t.Fatalf("received %d, want 2:\n%s", len(received), strings.Join(out, "\n"))
	}
	for _, m := range received {
		id := m[2]
		d, delivered := atClock(t, m[3], clock.Now()), atClock(t, m[4], clock.Now())
		if sent[id] != m[1] || !d.Equal(due[id]) || !delivered.Equal(latest) {
			t.Errorf("received %q; sent %s as message %q due %s; the broker's clock released it at %s",
				m[0], id, sent[id], due[id].Format(time.StampMilli), latest.Format(time.StampMilli))
		}
	}
	held := stored(t, s, "", "later")
	for id, d := range due {
		if m, ok := held[id]; !ok || m.StartDeliverTime != d.UnixMilli() {
			t.Errorf("broker holds %+v for message %s due %s", m, id, d.Format(time.StampMilli))
		}
	}
}

// TestTransaction runs the transaction example on a fake clock: message 1
// is committed at once and delivered, message 2 rolled back and never
// delivered, message 3 left unresolved until the broker's clock passes
// the transaction timeout, when the server checks it with the producer,
// which commits it.
func TestTransaction(t *testing.T) {
	t.Parallel()
	bin := build(t, "transaction")
	clock := newFakeClock()
	s := startStack(t, stack.Config{Clock: clock.Now, Topics: []stack.Name{{Name: "payments"}}, Groups: []stack.Name{{Name: "GID_transaction"}}})
	p := start(t, bin, "-endpoint", s.GRPCEndpoint, "-topic", "payments", "-group", "GID_transaction")
	p.waitFor(`^transaction of message 3: unresolved`)
	p.waitFor(`^received message 1: `)
	if m := matches(p.seen, `^check`); len(m) != 0 {
		t.Fatalf("checked before the transaction timeout: %q", m)
	}

	clock.Add(proxy.DefaultTransactionTimeout)
	s.Tick()
	out := p.succeed()
	ids := map[string]string{} // number: id
	for _, m := range matches(out, `^sent half message (\d): id=(\w+) transaction=\S+$`) {
		ids[m[1]] = m[2]
	}
	if len(ids) != 3 {
		t.Fatalf("sent %d half messages, want 3:\n%s", len(ids), strings.Join(out, "\n"))
	}
	want := []string{
		`^transaction of message 1: commit$`,
		`^transaction of message 2: rollback$`,
		`^transaction of message 3: unresolved; the server will check it after its transaction timeout$`,
		`^received message 1: id=` + ids["1"] + ` body="transaction message 1"$`,
		`^check of message 3 [\d.]+s after sending: id=` + ids["3"] + `: commit$`,
		`^received message 3: id=` + ids["3"] + ` body="transaction message 3"$`,
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
	if m := matches(out, `^check of message [12] `); len(m) != 0 {
		t.Errorf("resolved messages were checked: %q", m)
	}
	if st := s.MQ.Broker().Stats(); st.Committed != 2 || st.RolledBack != 1 {
		t.Errorf("broker: %d committed, %d rolled back; want 2 and 1", st.Committed, st.RolledBack)
	}
	held := stored(t, s, "", "payments")
	if _, ok := held[ids["1"]]; !ok || len(held) != 2 {
		t.Errorf("the topic holds %d messages, want messages 1 and 3", len(held))
	}
	if _, ok := held[ids["3"]]; !ok {
		t.Errorf("the topic does not hold message 3")
	}
}

// TestFailures: the programs exit with status 1 and say why when the
// topic or the group does not exist, and when -timeout passes first.
func TestFailures(t *testing.T) {
	t.Parallel()
	normal, delay := build(t, "normal"), build(t, "delay")
	clock := newFakeClock()
	s := startStack(t, stack.Config{Clock: clock.Now, Topics: []stack.Name{{Name: "later"}, {Name: "plain"}},
		Groups: []stack.Name{{Name: "GID_delay"}}})
	ep := s.GRPCEndpoint
	for _, tc := range []struct {
		name, bin string
		args      []string
		stderr    string // its beginning
		contains  string
	}{
		{"unknown topic", normal, []string{"-topic", "nosuch", "-n", "1"},
			"normal: start producer for topic nosuch at " + ep + ": ", "TOPIC_NOT_FOUND"},
		{"unknown group", normal, []string{"-topic", "plain", "-group", "GID_nosuch", "-n", "1"},
			"normal: receive from topic plain as group GID_nosuch at " + ep + ": CODE: CONSUMER_GROUP_NOT_FOUND", ""},
		// The clock does not move: the delayed message never comes.
		{"timeout", delay, []string{"-topic", "later", "-group", "GID_delay", "-n", "1", "-timeout", "3s"},
			"delay: timed out after 3s: received 0 of 1 messages", ""},
		{"bad flag", delay, []string{"-delay", "-1s"}, "delay: -delay -1s: want a positive duration", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := start(t, tc.bin, append([]string{"-endpoint", ep}, tc.args...)...).fail()
			if !strings.HasPrefix(e, tc.stderr) || !strings.Contains(e, tc.contains) {
				t.Errorf("stderr %q, want it to begin %q and hold %q", e, tc.stderr, tc.contains)
			}
			if logs := strings.Count(e, ": the client's log is in "); logs != 1 {
				t.Errorf("stderr %q: want one line saying where the client's log is", e)
			}
		})
	}
}
