package stack_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// The pipeline tests publish with the official MQ HTTP SDK to the local
// RocketMQ of a stack whose functions are testdata/recordfn, and read back
// what each function handled from the JSON lines it appends to its
// RECORD_FILE. The s.yaml files are testdata/pipeline-*.yaml with the
// function's source and the record directory written in.

// record is one line of a record file (recordfn's Record).
type pipeRecord struct {
	ID          string            `json:"id"`
	Topic       string            `json:"topic"`
	Tag         string            `json:"tag"`
	Keys        []string          `json:"keys"`
	ShardingKey string            `json:"shardingKey"`
	Body        string            `json:"body"`
	Properties  map[string]string `json:"properties"`
	EventID     string            `json:"eventId"`
	EventType   string            `json:"eventType"`
	Index       int               `json:"index"`
	RequestID   string            `json:"requestId"`
}

// pipeline is a running stack of recordfn functions.
type pipeline struct {
	*stack.Stack
	t       *testing.T
	dir     string     // record files and the generated s.yaml
	clock   *fakeClock // nil on the wall clock
	client  mq.MQClient
	timeout time.Duration
}

// startPipeline starts the stack of testdata/<file>, on clock unless it
// is nil, capturing payloads in capture unless it is "".
func startPipeline(t *testing.T, file string, clock *fakeClock, capture string) *pipeline {
	t.Helper()
	return startPipelineConfig(t, file, clock, func(cfg *stack.Config) { cfg.Capture = capture })
}

// startPipelineConfig is startPipeline with the Config edit makes.
func startPipelineConfig(t *testing.T, file string, clock *fakeClock, edit func(*stack.Config)) *pipeline {
	t.Helper()
	dir := t.TempDir()
	proj, err := syaml.Load(writePipelineYAML(t, file, dir))
	if err != nil {
		t.Fatal(err)
	}
	cfg := stack.Config{Project: proj}
	if clock != nil {
		cfg.Clock = clock.Now
	}
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	cred := s.MQ.Credentials()
	return &pipeline{Stack: s, t: t, dir: dir, clock: clock, timeout: 90 * time.Second,
		client: mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "")}
}

// writePipelineYAML writes testdata/<file> into dir as s.yaml, with the absolute
// paths of recordfn, otsfn and of dir written in, and returns its path.
func writePipelineYAML(t *testing.T, file, dir string) string {
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	code, err := filepath.Abs(filepath.Join("testdata", "recordfn"))
	if err != nil {
		t.Fatal(err)
	}
	otsfn, err := filepath.Abs(filepath.Join("testdata", "otsfn"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("RECORDFN_DIR", code, "OTSFN_DIR", otsfn, "RECORDS_DIR", dir).Replace(string(b))
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// publish publishes one message to topic and returns its ID.
func (p *pipeline) publish(topic string, req mq.PublishMessageRequest) string {
	p.t.Helper()
	resp, err := p.client.GetProducer("", topic).PublishMessage(req)
	if err != nil {
		p.t.Fatalf("publish %q to %s: %v", req.MessageBody, topic, err)
	}
	return resp.MessageId
}

// records returns what function has recorded so far.
func (p *pipeline) records(function string) []pipeRecord {
	p.t.Helper()
	return readJSONLines[pipeRecord](p.t, filepath.Join(p.dir, function+".jsonl"))
}

// readJSONLines reads the JSON lines a test function appends to a record
// file; none when the file does not exist yet.
func readJSONLines[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r T
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: record %q: %v", path, sc.Text(), err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// waitFor waits until done, ticking a fake clock without moving it.
// The functions' record files signal nothing, so it polls them.
func (p *pipeline) waitFor(what string, done func() bool) {
	p.t.Helper()
	testwait.Until(p.t, p.timeout, what, func() bool {
		if done() {
			return true
		}
		if p.clock != nil {
			p.Tick()
		}
		return false
	})
}

// settle runs a fake clock forward to whatever the bridge has due (retries,
// batch windows) until done.
func (p *pipeline) settle(what string, done func() bool) { p.t.Helper(); p.wait(what, done, true) }

// await waits until done, ticking a fake clock without moving it: for
// what must happen before time passes, such as the bridge taking over all
// of a batch's messages before its window's time is up.
func (p *pipeline) await(what string, done func() bool) { p.t.Helper(); p.wait(what, done, false) }

// wait polls done (the bridge signals nothing a test could wait on),
// ticking a fake clock and, with move, setting it to the bridge's next
// due time, until done or p.timeout.
func (p *pipeline) wait(what string, done func() bool, move bool) {
	p.t.Helper()
	testwait.Until(p.t, p.timeout, what, func() bool {
		if done() {
			return true
		}
		p.Tick()
		if due := p.Bridge.Due(); move && !due.IsZero() {
			p.clock.Set(due)
		}
		return false
	})
}

// quietPolls is how many polls in a row idle must see nothing change.
const quietPolls = 20

// idle lets the pipeline run (ticking a fake clock without moving it)
// until it is quiet, for checks that something does not happen: the
// broker's and every trigger's counters stay the same over quietPolls
// polls in a row.
func (p *pipeline) idle() {
	p.t.Helper()
	last, same := p.counters(), 0
	testwait.Until(p.t, p.timeout, "the pipeline to go quiet", func() bool {
		if p.clock != nil {
			p.Tick()
		}
		now := p.counters()
		if now == last {
			same++
		} else {
			last, same = now, 0
		}
		return same >= quietPolls
	})
}

// counters is the broker's and the triggers' counters, as one string.
func (p *pipeline) counters() string {
	var b strings.Builder
	if p.MQ != nil {
		fmt.Fprintf(&b, "%+v", p.MQ.Broker().Stats())
	}
	for _, name := range p.Bridge.Triggers() {
		fmt.Fprintf(&b, " %s:%+v", name, p.Bridge.Stats(name))
	}
	return b.String()
}

// has reports whether function has recorded a message with body.
func (p *pipeline) has(function, body string) func() bool {
	return func() bool { return slices.Contains(pipeBodies(p.records(function)), body) }
}

// count reports whether function has recorded n messages.
func (p *pipeline) count(function string, n int) func() bool {
	return func() bool { return len(p.records(function)) >= n }
}

func pipeBodies(rs []pipeRecord) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Body
	}
	return out
}

// invocations groups records by request ID, in the order the invocations
// came.
func pipeInvocations(rs []pipeRecord) [][]pipeRecord {
	var groups [][]pipeRecord
	at := map[string]int{}
	for _, r := range rs {
		i, ok := at[r.RequestID]
		if !ok {
			i = len(groups)
			at[r.RequestID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	return groups
}
