package stack_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
	"github.com/rocketfn/rocketfn/runtime/event"
)

const (
	// chaosTotal is how many messages TestReliabilityUnderFaults publishes.
	chaosTotal   = 10000
	chaosBatch   = 100 // the trigger's CountBasedWindow
	chaosTrigger = "chaos-rocketmq"
	// chaosBudget bounds the test's run. It takes 8 to 20 s under -race
	// on a 2-core machine, most of it the hung invocations' 3 s timeouts.
	chaosBudget = 4 * time.Minute
)

// chaosPoison are the n of the messages whose handler always fails: their
// batches exhaust their retries and are dead-lettered whole.
var chaosPoison = []int{1111, 5555, 8888}

// TestReliabilityUnderFaults is the reliability requirement: under
// injected faults 10,000 messages end either written exactly once or in
// the dead-letter queue with the reason; none is lost, none duplicated.
//
// The chaosfn function (testdata/chaosfn) increments counts(id).N and
// puts items(id) for each message, behind an event-streaming trigger with
// batches of 100, BACKOFF_RETRY and a dead-letter queue. About 2% of its
// invocations crash and 2% hang past the 3 s timeout, half of each after
// their writes were committed; 10% of BatchWriteRow requests fail with
// OTSServerBusy or with OTSTimeout after applying. Three poison messages
// fail every time. The retries' 10-20 s waits pass on a fake clock.
//
// Every message then has counts(id).N == 1 and items(id), or is a dead
// letter (and N is at most 1: the other messages of a dead-lettered
// batch were written by its first attempt, FC having no partial-batch
// acknowledgement); N is never over 1. The fates are drawn from
// CHAOS_SEED (logged; random unless set) and each invocation's request
// ID, so a failure can be traced to the invocations that misbehaved.
func TestReliabilityUnderFaults(t *testing.T) {
	start := time.Now()
	s, clock, lines := startChaos(t)
	chaosPublish(t, s.MQ.Broker())
	st := chaosRun(t, s, clock, start)
	s.Tablestore.SetFaults(nil)
	dead := chaosDeadLetters(t, s)
	c := benchOTS(s)
	counts, items := map[string]int64{}, map[string]bool{}
	scanTableRows(t, c, "counts", []string{"N"}, func(id string, v map[string]any) { counts[id], _ = v["N"].(int64) })
	scanTableRows(t, c, "items", []string{"K"}, func(id string, _ map[string]any) { items[id] = true })
	writtenDead := chaosCheck(t, counts, items, dead)
	inv := s.Invokers["chaos"].Stats()
	t.Logf("%d messages in %s: %d delivered, %d dead-lettered (%d of them written once by an earlier attempt), "+
		"%d invocations, %d failed, %d retries; %d crashes, %d timeouts (function: %d crashes, %d hangs); "+
		"%d Tablestore faults answered; %d broker redeliveries dropped",
		chaosTotal, time.Since(start).Round(time.Millisecond), st.Delivered, st.DeadLettered, writtenDead,
		st.Invocations, st.Failed, st.Retried, inv.Crashes, inv.Timeouts,
		lines.crashes.Load(), lines.hangs.Load(), lines.faults.Load(), st.Duplicates)
	if st.Delivered+st.DeadLettered != chaosTotal || st.Accepted != chaosTotal {
		t.Errorf("stats %+v: want %d accepted, delivered or dead-lettered", st, chaosTotal)
	}
}

// startChaos starts the chaos stack with durable data on a fake clock
// and sets the Tablestore faults.
func startChaos(t *testing.T) (*stack.Stack, *fakeClock, *lineCounter) {
	proj, err := syaml.Load("testdata/chaosfn/s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seed := os.Getenv("CHAOS_SEED")
	if seed == "" {
		seed = fmt.Sprint(time.Now().UnixNano())
	}
	t.Logf("CHAOS_SEED=%s", seed)
	proj.Functions[0].Env["CHAOS_SEED"] = seed
	clock := &fakeClock{now: time.Now()}
	lines := &lineCounter{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, stack.Config{Project: proj, DataDir: t.TempDir(), Clock: clock.Now, Logger: slog.New(lines)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	otstest.LogFaultSeed(t, s.Tablestore)
	s.Tablestore.SetFaults([]ots.Fault{
		{Action: "BatchWriteRow", Rate: 0.05, Code: "OTSServerBusy"},
		{Action: "BatchWriteRow", Rate: 0.05 / 0.95, Code: "OTSTimeout", After: true},
	})
	return s, clock, lines
}

// chaosID is the id of message n.
func chaosID(n int) string { return fmt.Sprintf("m%05d", n) }

// chaosPublish publishes the messages with the broker's Go API, from 8
// goroutines whose writes the broker commits together.
func chaosPublish(t *testing.T, b *broker.Broker) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for n := int(next.Add(1)); n <= chaosTotal; n = int(next.Add(1)) {
				body := fmt.Sprintf(`{"id":%q,"n":%d}`, chaosID(n), n)
				if slices.Contains(chaosPoison, n) {
					body = fmt.Sprintf(`{"id":%q,"n":%d,"poison":true}`, chaosID(n), n)
				}
				if _, err := b.Publish(context.Background(), broker.Message{Topic: "chaos", Tag: "run", Body: []byte(body)}); err != nil {
					t.Errorf("publish %d: %v", n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// chaosRun ticks the stack until every message is delivered or
// dead-lettered. It moves the clock to the next due time (a retry, a
// batch window) only once the trigger's queue is full, or everything is
// taken over, or the take-over stalls, so that batches fill to 100 on
// the way.
func chaosRun(t *testing.T, s *stack.Stack, clock *fakeClock, start time.Time) eventbridge.Stats {
	accepted, progress := int64(-1), time.Now()
	var st eventbridge.Stats
	defer func() {
		if t.Failed() {
			t.Logf("stats at the end: %+v", st)
		}
	}()
	// The consumer takes messages over in the background, which nothing
	// signals: the test polls, ticking, between moves of the clock.
	testwait.Until(t, chaosBudget-time.Since(start), "every message delivered or dead-lettered", func() bool {
		st = s.Bridge.Stats(chaosTrigger)
		if st.Delivered+st.DeadLettered >= chaosTotal && st.Pending == 0 {
			return true
		}
		if st.Accepted != accepted {
			accepted, progress = st.Accepted, time.Now()
		}
		s.Tick()
		full := st.Accepted >= chaosTotal || st.Pending >= 2*chaosBatch || time.Since(progress) > 100*time.Millisecond
		switch due, now := s.Bridge.Due(), clock.Now(); {
		case due.IsZero():
			clock.Set(now.Add(time.Second)) // waiting for the broker: let its time pass
		case due.After(now) && full:
			clock.Set(due)
		}
		return false
	})
	return st
}

// chaosDeadLetters returns the dead letters' reasons by message id (the
// body's id), decoding each payload with runtime/event.
func chaosDeadLetters(t *testing.T, s *stack.Stack) map[string]string {
	letters, err := s.Bridge.DeadLetters(chaosTrigger)
	if err != nil {
		t.Fatal(err)
	}
	dead := map[string]string{}
	for _, d := range letters {
		p, err := event.Decode(d.Payload)
		if err != nil || len(p.Messages) != 1 {
			t.Errorf("dead letter %s: %d messages, %v", d.ID, len(p.Messages), err)
			continue
		}
		var body struct{ ID string }
		if err := p.Messages[0].DecodeJSON(&body); err != nil || d.Reason == "" {
			t.Errorf("dead letter %s: body %v, reason %q", d.ID, err, d.Reason)
			continue
		}
		if _, twice := dead[body.ID]; twice {
			t.Errorf("message %s dead-lettered twice", body.ID)
		}
		dead[body.ID] = d.Reason
	}
	return dead
}

// chaosCheck checks every message's outcome and returns how many
// dead-lettered messages were also written (once).
func chaosCheck(t *testing.T, counts map[string]int64, items map[string]bool, dead map[string]string) int {
	writtenDead := 0
	for n := 1; n <= chaosTotal; n++ {
		id := chaosID(n)
		c, item, reason := counts[id], items[id], dead[id]
		switch {
		case c > 1:
			t.Errorf("message %s applied %d times", id, c)
		case slices.Contains(chaosPoison, n) && (reason == "" || c != 0):
			t.Errorf("poison message %s: N = %d, dead-letter reason %q", id, c, reason)
		case reason == "" && (c != 1 || !item):
			t.Errorf("message %s lost: N = %d, item %v, not dead-lettered", id, c, item)
		case reason != "" && c == 1:
			writtenDead++
		}
		delete(counts, id)
		delete(items, id)
	}
	if len(counts) > 0 || len(items) > 0 {
		t.Errorf("rows of messages never published: %d counts, %d items", len(counts), len(items))
	}
	return writtenDead
}

// lineCounter is a slog.Handler counting what chaosfn reports in its
// output (testdata/chaosfn/chaos.go), which the stack logs line by line.
type lineCounter struct{ crashes, hangs, faults atomic.Int64 }

func (c *lineCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (c *lineCounter) Handle(_ context.Context, r slog.Record) error {
	switch {
	case strings.Contains(r.Message, "chaosfn: crash"):
		c.crashes.Add(1)
	case strings.Contains(r.Message, "chaosfn: hang"):
		c.hangs.Add(1)
	case strings.Contains(r.Message, "chaosfn: tablestore fault"):
		c.faults.Add(1)
	}
	return nil
}

func (c *lineCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *lineCounter) WithGroup(string) slog.Handler      { return c }
