package eventbridge

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// TestPauseResume: a paused trigger leaves new messages in the broker,
// where its group's backlog shows them, and invokes nothing until it is
// resumed; then it delivers them.
func TestPauseResume(t *testing.T) {
	h := newHarness(t, nil, "")
	tr := h.add(Trigger{Mode: ModeEventDriven})
	h.publishBodies("a")
	h.settle(10)
	if err := h.bridge.Pause(tr.Name); err != nil {
		t.Fatal(err)
	}
	if !h.bridge.Paused(tr.Name) {
		t.Fatal("Paused = false after Pause")
	}
	h.publishBodies("b")
	h.settle(10)
	if got := h.rec.bodies(); len(got) != 1 {
		t.Fatalf("a paused trigger invoked: %q", got)
	}
	if ready := readyOf(t, h.mq, tr); ready != 1 {
		t.Errorf("the group's backlog while paused: %d ready, want 1 (the message stays in the broker)", ready)
	}
	if err := h.bridge.Pause(tr.Name); err != nil {
		t.Errorf("a second Pause: %v", err)
	}
	if err := h.bridge.Resume(tr.Name); err != nil {
		t.Fatal(err)
	}
	h.settle(10)
	if got := h.rec.bodies(); len(got) != 2 || got[1][0] != "b" {
		t.Fatalf("after Resume, invocations %q, want a then b", got)
	}
	if h.bridge.Paused(tr.Name) || readyOf(t, h.mq, tr) != 0 {
		t.Errorf("after Resume: paused %v, %d ready", h.bridge.Paused(tr.Name), readyOf(t, h.mq, tr))
	}
	if h.bridge.Pause("nope") == nil || h.bridge.Resume("nope") == nil || h.bridge.Paused("nope") {
		t.Error("an unknown trigger can be paused or resumed")
	}
}

// TestPauseHoldsRetries: a retry that falls due while its trigger is
// paused waits for Resume, and Due reports nothing to do meanwhile.
func TestPauseHoldsRetries(t *testing.T) {
	h := newHarness(t, nil, "")
	tr := h.add(Trigger{Mode: ModeEventDriven, RetryPolicy: RetryExponential})
	h.rec.setDecide(failAll)
	h.publishBodies("x")
	h.tick()
	if n := len(h.rec.got()); n != 1 {
		t.Fatalf("%d invocations, want 1", n)
	}
	due := h.bridge.Due()
	h.bridge.Pause(tr.Name)
	if d := h.bridge.Due(); !d.IsZero() {
		t.Errorf("Due = %s while paused, want zero", d)
	}
	h.clock.Advance(due.Sub(h.clock.Now()) + time.Second)
	h.tick()
	if n := len(h.rec.got()); n != 1 {
		t.Fatalf("%d invocations while paused, want the retry held", n)
	}
	h.rec.setDecide(nil)
	h.bridge.Resume(tr.Name)
	h.tick()
	calls := h.rec.got()
	if len(calls) != 2 || !calls[1].ok() {
		t.Fatalf("after Resume: %d invocations, want the retry to succeed", len(calls))
	}
}

// TestPauseEndsLongPoll: with Run on the wall clock, Pause ends the
// consumer's long poll, so a message published then is not taken over;
// Resume delivers it. In a synctest bubble: synctest.Wait returns once
// every goroutine is blocked, so the consumer is in its poll, and after
// Pause, the poll has ended and Run waits for Resume.
func TestPauseEndsLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mq, err := broker.Open(broker.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer mq.Close()
		b, err := New(Config{Broker: mq})
		if err != nil {
			t.Fatal(err)
		}
		delivered := make(chan string, 4)
		sink := SinkFunc(func(_ context.Context, payload []byte, _ string) (Outcome, error) {
			delivered <- string(payload)
			return Outcome{}, nil
		})
		tr := Trigger{Name: "trig", Function: "fn", Topic: "T", Mode: ModeEventDriven}
		if err := b.Add(tr, sink); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- b.Run(ctx) }()
		defer func() { cancel(); <-done }()

		trig, _ := b.lookup("trig")
		polling := func() bool { trig.mu.Lock(); defer trig.mu.Unlock(); return trig.stopPoll != nil }
		synctest.Wait()
		if !polling() {
			t.Fatal("the consumer is not polling")
		}
		b.Pause("trig")
		synctest.Wait()
		if polling() {
			t.Fatal("the poll did not end with Pause")
		}
		if _, err := mq.Publish(ctx, broker.Message{Topic: "T", Body: []byte("later")}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if s := b.Stats("trig"); s.Accepted != 0 {
			t.Fatalf("a paused trigger took over %d messages", s.Accepted)
		}
		tr.Group = DefaultGroup(tr.Function, tr.Name)
		if ready := readyOf(t, mq, tr); ready != 1 {
			t.Errorf("%d ready in the broker while paused, want 1", ready)
		}
		b.Resume("trig")
		<-delivered // a Resume that does not deliver leaves the bubble deadlocked: the test fails
	})
}

// readyOf is the number of messages the broker holds ready for a
// trigger's group.
func readyOf(t *testing.T, mq *broker.Broker, tr Trigger) int {
	t.Helper()
	if tr.Group == "" {
		tr.Group = DefaultGroup(tr.Function, tr.Name)
	}
	bls, err := mq.Backlogs(tr.Instance)
	if err != nil {
		t.Fatal(err)
	}
	for _, bl := range bls {
		if bl.Topic == tr.Topic && bl.Group == tr.Group {
			return bl.Ready
		}
	}
	t.Fatalf("no backlog of group %s in %v", tr.Group, bls)
	return 0
}
