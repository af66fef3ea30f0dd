package eventbridge

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/runtime/event"
)

var ctx = context.Background()

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// call is one invocation a recorder saw.
type call struct {
	payload   []byte
	requestID string
	at        time.Time // on the fake clock
	decoded   event.Payload
	out       Outcome
	err       error
}

// ok reports whether the invocation succeeded.
func (c call) ok() bool { return c.err == nil && !c.out.Failed }

// recorder is a sink that decodes and records every payload and answers
// as decide says (success when decide is nil).
type recorder struct {
	t      testing.TB
	clock  *fakeClock
	mu     sync.Mutex
	calls  []call
	decide func(c *call) (Outcome, error)
}

func (r *recorder) Deliver(_ context.Context, payload []byte, requestID string) (Outcome, error) {
	c := call{payload: append([]byte(nil), payload...), requestID: requestID, at: r.clock.Now()}
	p, err := event.Decode(payload)
	if err != nil {
		r.t.Errorf("event.Decode of a delivered payload: %v\n%s", err, payload)
	}
	c.decoded = p
	r.mu.Lock()
	decide := r.decide
	r.mu.Unlock()
	if decide != nil {
		c.out, c.err = decide(&c)
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return c.out, c.err
}

// setDecide replaces the answer function.
func (r *recorder) setDecide(f func(c *call) (Outcome, error)) {
	r.mu.Lock()
	r.decide = f
	r.mu.Unlock()
}

// got returns a copy of the calls so far.
func (r *recorder) got() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// bodies returns the bodies of the messages of every call, per call.
func (r *recorder) bodies() [][]string {
	var out [][]string
	for _, c := range r.got() {
		var bs []string
		for _, m := range c.decoded.Messages {
			bs = append(bs, string(m.Body))
		}
		out = append(out, bs)
	}
	return out
}

// harness is a broker and a bridge on one fake clock, with a recorder.
type harness struct {
	t      testing.TB
	clock  *fakeClock
	mq     *broker.Broker
	bridge *Bridge
	rec    *recorder
}

// newHarness opens a memory broker and a bridge on store (memory when nil).
func newHarness(t testing.TB, store kv.Store, capture string) *harness {
	t.Helper()
	clock := newFakeClock()
	mq, err := broker.Open(broker.Config{Clock: clock.Now})
	if err != nil {
		t.Fatalf("broker.Open: %v", err)
	}
	t.Cleanup(func() { mq.Close() })
	h := &harness{t: t, clock: clock, mq: mq, rec: &recorder{t: t, clock: clock}}
	h.bridge = h.newBridge(store, capture)
	return h
}

// newBridge starts a bridge on the harness's broker and clock.
func (h *harness) newBridge(store kv.Store, capture string) *Bridge {
	h.t.Helper()
	b, err := New(Config{Broker: h.mq, Store: store, Clock: h.clock.Now, Capture: capture})
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	return b
}

// add adds a trigger, named "trig" on topic "T" of function "fn" unless
// set, delivering to the recorder.
func (h *harness) add(tr Trigger) Trigger {
	h.t.Helper()
	if tr.Name == "" {
		tr.Name = "trig"
	}
	if tr.Function == "" {
		tr.Function = "fn"
	}
	if tr.Topic == "" {
		tr.Topic = "T"
	}
	if err := h.bridge.Add(tr, h.rec); err != nil {
		h.t.Fatalf("Add: %v", err)
	}
	return tr
}

// publish publishes a message (topic "T" unless set) and returns its ID.
func (h *harness) publish(m broker.Message) string {
	h.t.Helper()
	if m.Topic == "" {
		m.Topic = "T"
	}
	res, err := h.mq.Publish(ctx, m)
	if err != nil {
		h.t.Fatalf("Publish: %v", err)
	}
	return res.MessageID
}

// publishBodies publishes messages with these bodies and returns their IDs.
func (h *harness) publishBodies(bodies ...string) []string {
	h.t.Helper()
	var ids []string
	for _, b := range bodies {
		ids = append(ids, h.publish(broker.Message{Body: []byte(b)}))
	}
	return ids
}

// settle ticks, moving the clock to each due time, until nothing is due
// or limit ticks have passed; it returns the ticks made.
func (h *harness) settle(limit int) int {
	h.t.Helper()
	for i := 1; i <= limit; i++ {
		h.tick()
		due := h.bridge.Due()
		if due.IsZero() {
			return i
		}
		if now := h.clock.Now(); due.After(now) {
			h.clock.Advance(due.Sub(now))
		}
	}
	h.t.Fatalf("still due after %d ticks", limit)
	return limit
}

// tick runs the broker's due timers, waking its long polls, then the
// bridge's due work.
func (h *harness) tick() {
	h.mq.Tick()
	h.bridge.Tick()
}

// failAll answers every invocation with a function error.
func failAll(*call) (Outcome, error) { return Outcome{Failed: true, Reason: "boom"}, nil }

// messageOn is a message with a body on a topic.
func messageOn(topic, body string) broker.Message {
	return broker.Message{Topic: topic, Body: []byte(body)}
}
