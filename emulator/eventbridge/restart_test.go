package eventbridge

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// openBolt opens a bolt store at path.
func openBolt(t *testing.T, path string) kv.Store {
	t.Helper()
	s, err := kv.OpenBolt(path, kv.Options{NoSync: true})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	return s
}

// restart closes store, reopens it and starts a new bridge with a new
// recorder on it, as a process restart would.
func (h *harness) restart(t *testing.T, store kv.Store, path string) kv.Store {
	t.Helper()
	if err := store.Close(); err != nil {
		t.Fatalf("closing the store: %v", err)
	}
	store = openBolt(t, path)
	t.Cleanup(func() { store.Close() })
	h.rec = &recorder{t: t, clock: h.clock}
	h.bridge = h.newBridge(store, "")
	return store
}

func TestRestartResumesPendingEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bridge.db")
	store := openBolt(t, path)
	h := newHarness(t, store, "")
	tr := h.add(Trigger{BatchCount: 2})
	h.rec.setDecide(failAll)
	ids := h.publishBodies("1", "2", "3", "4", "5")
	h.bridge.Tick()
	due := h.bridge.Due()
	if n := len(h.rec.got()); n != 1 || due.IsZero() {
		t.Fatalf("%d invocations, retry due %v; want one failed batch awaiting its retry", n, due)
	}
	if st := h.mq.Stats(); st.Acked != 5 {
		t.Fatalf("broker acked %d of 5", st.Acked)
	}

	h.restart(t, store, path)
	feed := h.bridge.Events()
	h.add(tr)
	if s := h.bridge.Stats("trig"); s.Pending != 5 {
		t.Fatalf("%d events pending after the restart, want 5", s.Pending)
	}
	if got := h.bridge.Due(); !got.Equal(due.Truncate(1e6)) {
		t.Errorf("retry due %v after the restart, want %v", got, due)
	}
	h.bridge.Tick()
	if n := len(h.rec.got()); n != 0 {
		t.Fatalf("%d invocations before the retry was due", n)
	}
	h.settle(10)
	if got := h.rec.bodies(); !slices.EqualFunc(got, [][]string{{"1", "2"}, {"3", "4"}, {"5"}}, slices.Equal) {
		t.Fatalf("delivered %v after the restart", got)
	}
	if r := <-feed; r.Attempt != 2 || !slices.Equal(r.MessageIDs, ids[:2]) {
		t.Errorf("first invocation after the restart: attempt %d of %v, want the second attempt of the first batch", r.Attempt, r.MessageIDs)
	}
	if s := h.bridge.Stats("trig"); s.Pending != 0 || s.Delivered != 5 || s.Accepted != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestRestartKeepsDeadLettersAndBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bridge.db")
	store := openBolt(t, path)
	h := newHarness(t, store, "")
	dlq := h.add(Trigger{Name: "dlq", Topic: "A", Mode: ModeEventDriven, ErrorsTolerance: ToleranceAll, DeadLetter: true})
	none := h.add(Trigger{Name: "none", Topic: "B", Mode: ModeEventDriven, ErrorsTolerance: ToleranceNone})
	h.rec.setDecide(failAll)
	h.publish(messageOn("A", "a"))
	h.publish(messageOn("B", "b1"))
	h.publish(messageOn("B", "b2"))
	h.settle(100)

	h.restart(t, store, path)
	h.add(dlq)
	h.add(none)
	dead, _ := h.bridge.DeadLetters("dlq")
	blocked, _ := h.bridge.DeadLetters("none")
	if len(dead) != 1 || dead[0].Blocked || len(blocked) != 1 || !blocked[0].Blocked || blocked[0].Attempts != 4 {
		t.Fatalf("after the restart: dead letters %+v, blocked %+v", dead, blocked)
	}
	if s := h.bridge.Stats("none"); !s.Blocked || s.Pending != 2 {
		t.Fatalf("stats %+v, want blocked with 2 pending", s)
	}
	h.settle(10)
	if n := len(h.rec.got()); n != 0 {
		t.Fatalf("%d invocations while blocked", n)
	}
	for _, name := range []string{"dlq", "none"} {
		if n, err := h.bridge.Redrive(ctx, name, nil); n != 1 || err != nil {
			t.Fatalf("Redrive %s: %d, %v", name, n, err)
		}
	}
	h.settle(10)
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"a", "b1", "b2"}) {
		t.Errorf("delivered %q after the redrives", got)
	}
}

// TestCrashBeforeAckDeliversOnce stores a message as a take-over does and
// stops before acknowledging it, as a crash would: after the restart the
// broker redelivers it, and the bridge drops the redelivery.
func TestCrashBeforeAckDeliversOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bridge.db")
	store := openBolt(t, path)
	h := newHarness(t, store, "")
	tr := h.add(Trigger{Mode: ModeEventDriven})
	id := h.publishBodies("once")[0]
	trig, _ := h.bridge.lookup("trig")
	ds, err := h.mq.Consume(ctx, broker.ConsumeRequest{Topic: "T", Group: "GID_fn_trig", Max: 1})
	if err != nil || len(ds) != 1 {
		t.Fatalf("Consume: %v, %v", ds, err)
	}
	e, _ := h.bridge.accept(trig, &ds[0], h.clock.Now())
	if _, err := h.bridge.queueNew(trig, []*entry{e}, origin{inbox: true}); err != nil {
		t.Fatal(err)
	}

	h.restart(t, store, path)
	h.add(tr)
	h.clock.Advance(broker.DefaultInvisibleTime)
	h.settle(10)
	calls := h.rec.got()
	if len(calls) != 1 || calls[0].decoded.Messages[0].ID != id {
		t.Fatalf("%d invocations, want the message once", len(calls))
	}
	if s := h.bridge.Stats("trig"); s.Duplicates != 1 || s.Delivered != 1 {
		t.Errorf("stats %+v, want the redelivery dropped", s)
	}
	if st := h.mq.Stats(); st.Delivered != 2 || st.Acked != 1 {
		t.Errorf("broker %+v, want a redelivery, acknowledged", st)
	}
}
