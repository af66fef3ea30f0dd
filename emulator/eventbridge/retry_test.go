package eventbridge

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// gaps returns the clock time between consecutive calls.
func gaps(calls []call) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(calls); i++ {
		out = append(out, calls[i].at.Sub(calls[i-1].at))
	}
	return out
}

// succeeded returns the bodies of the successful deliveries, flattened.
func succeeded(r *recorder) []string {
	var out []string
	for _, c := range r.got() {
		if c.ok() {
			for _, m := range c.decoded.Messages {
				out = append(out, string(m.Body))
			}
		}
	}
	return out
}

func TestBackoffRetryThenDeadLetter(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven, ErrorsTolerance: ToleranceAll, DeadLetter: true})
	h.rec.setDecide(func(*call) (Outcome, error) { return Outcome{}, errors.New("connection refused") })
	id := h.publishBodies("x")[0]
	h.settle(100)

	calls := h.rec.got()
	if len(calls) != 4 {
		t.Fatalf("%d invocations, want 1 + 3 retries", len(calls))
	}
	for i, g := range gaps(calls) {
		if g < 10*time.Second || g > 20*time.Second {
			t.Errorf("retry %d after %s, want 10-20 s", i+1, g)
		}
	}
	for _, c := range calls[1:] {
		if !bytes.Equal(c.payload, calls[0].payload) || c.requestID == calls[0].requestID {
			t.Errorf("a retry must carry the same payload under a new request ID")
		}
	}
	dead, err := h.bridge.DeadLetters("trig")
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead letters %+v, %v", dead, err)
	}
	d := dead[0]
	p, err := event.Decode(d.Payload)
	if err != nil || p.Messages[0].ID != id || d.MessageID != id || d.Attempts != 4 || d.Blocked ||
		!strings.Contains(d.Reason, "connection refused") || p.Messages[0].Event.ID != d.ID {
		t.Errorf("dead letter %+v (%v)", d, err)
	}
	s := h.bridge.Stats("trig")
	if s != (Stats{Accepted: 1, Invocations: 4, Failed: 4, Retried: 3, DeadLettered: 1}) {
		t.Errorf("stats %+v", s)
	}
	if st := h.mq.Stats(); st.Acked != 1 {
		t.Errorf("broker acked %d, want 1: the bridge owns the message", st.Acked)
	}
}

func TestBackoffIntervalRange(t *testing.T) {
	lo, hi := time.Hour, time.Duration(0)
	tr := &Trigger{RetryPolicy: RetryBackoff}
	for range 2000 {
		d, ok := retryDelay(tr, 1)
		if !ok {
			t.Fatal("BACKOFF_RETRY allows no first retry")
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo < 10*time.Second || hi > 20*time.Second || hi-lo < 9*time.Second {
		t.Errorf("intervals span %s..%s, want spread over 10-20 s", lo, hi)
	}
}

func TestExponentialRetryRunsADay(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{BatchCount: 5, RetryPolicy: RetryExponential, ErrorsTolerance: ToleranceAll, DeadLetter: true})
	h.rec.setDecide(failAll)
	h.publishBodies("a", "b")
	start := time.Now()
	h.settle(1000)
	elapsed := time.Since(start)

	calls := h.rec.got()
	if len(calls) != 177 {
		t.Fatalf("%d invocations, want 1 + 176 retries", len(calls))
	}
	var total time.Duration
	for i, g := range gaps(calls) {
		if want := min(time.Second<<min(i, 9), 512*time.Second); g != want {
			t.Fatalf("retry %d after %s, want %s", i+1, g, want)
		}
		total += g
	}
	if total != 86015*time.Second {
		t.Errorf("retries span %s, want 86015 s (about a day)", total)
	}
	dead, _ := h.bridge.DeadLetters("trig")
	if len(dead) != 2 || dead[0].Attempts != 177 {
		t.Errorf("dead letters %+v", dead)
	}
	t.Logf("%d retries over %s of clock time in %s", len(calls)-1, total, elapsed)
	if elapsed > 10*time.Second {
		t.Errorf("a day of retries took %s", elapsed)
	}
}

// failBody fails deliveries holding a message with this body while *broken.
func failBody(body string, broken *bool) func(c *call) (Outcome, error) {
	return func(c *call) (Outcome, error) {
		for _, m := range c.decoded.Messages {
			if string(m.Body) == body && *broken {
				return Outcome{Failed: true, Reason: "UnhandledInvocationError: " + body}, nil
			}
		}
		return Outcome{}, nil
	}
}

func TestToleranceAllSkips(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven, ErrorsTolerance: ToleranceAll})
	broken := true
	h.rec.setDecide(failBody("bad", &broken))
	h.publishBodies("a", "bad", "c")
	h.settle(100)
	if got := succeeded(h.rec); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("delivered %q", got)
	}
	if dead, _ := h.bridge.DeadLetters("trig"); len(dead) != 0 {
		t.Errorf("dead letters %+v without a dead-letter queue", dead)
	}
	if s := h.bridge.Stats("trig"); s.Skipped != 1 || s.Delivered != 2 || s.Pending != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestToleranceNoneBlocksUntilRedriven(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven, ErrorsTolerance: ToleranceNone, DeadLetter: true})
	broken := true
	h.rec.setDecide(failBody("bad", &broken))
	h.publishBodies("a", "bad", "c", "d")
	h.settle(100)
	h.clock.Advance(24 * time.Hour)
	h.bridge.Tick()
	if got := succeeded(h.rec); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("delivered %q while blocked", got)
	}
	if s := h.bridge.Stats("trig"); !s.Blocked || s.Pending != 3 || s.DeadLettered != 0 {
		t.Errorf("stats %+v, want blocked with 3 pending", s)
	}
	dead, _ := h.bridge.DeadLetters("trig")
	if len(dead) != 1 || !dead[0].Blocked || dead[0].Attempts != 4 || !strings.Contains(dead[0].Reason, "bad") {
		t.Fatalf("dead letters %+v, want the blocking event", dead)
	}

	broken = false
	if n, err := h.bridge.Redrive(ctx, "trig", []string{dead[0].ID}); n != 1 || err != nil {
		t.Fatalf("Redrive: %d, %v", n, err)
	}
	h.settle(100)
	if got := succeeded(h.rec); !slices.Equal(got, []string{"a", "bad", "c", "d"}) {
		t.Fatalf("delivered %q after the redrive, want the order kept", got)
	}
	if s := h.bridge.Stats("trig"); s.Blocked || s.Pending != 0 || s.Redriven != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestRedriveDeadLetters(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{BatchCount: 1, ErrorsTolerance: ToleranceAll, DeadLetter: true})
	broken := true
	fail := func(c *call) (Outcome, error) {
		x, _ := failBody("x", &broken)(c)
		y, _ := failBody("y", &broken)(c)
		return Outcome{Failed: x.Failed || y.Failed, Reason: x.Reason + y.Reason}, nil
	}
	h.rec.setDecide(fail)
	h.publishBodies("x", "ok", "y")
	h.settle(100)
	dead, _ := h.bridge.DeadLetters("trig")
	if len(dead) != 2 {
		t.Fatalf("%d dead letters, want 2", len(dead))
	}
	if _, err := h.bridge.Redrive(ctx, "trig", []string{dead[0].ID, "no-such-id"}); err == nil || !strings.Contains(err.Error(), "no-such-id") {
		t.Fatalf("Redrive of an unknown id: %v", err)
	}
	if _, err := h.bridge.Redrive(ctx, "nope", nil); err == nil {
		t.Fatal("Redrive of an unknown trigger succeeded")
	}
	broken = false
	if n, err := h.bridge.Redrive(ctx, "trig", []string{dead[0].ID}); n != 1 || err != nil {
		t.Fatalf("Redrive: %d, %v", n, err)
	}
	h.settle(100)
	last := h.rec.got()[len(h.rec.got())-1]
	if !last.ok() || last.decoded.Messages[0].Event.ID != dead[0].ID || !bytes.Equal(last.payload[1:len(last.payload)-1], dead[0].Payload) {
		t.Errorf("the redriven event must be delivered unchanged")
	}
	if rest, _ := h.bridge.DeadLetters("trig"); len(rest) != 1 || rest[0].ID != dead[1].ID {
		t.Fatalf("dead letters after one redrive: %+v", rest)
	}
	if n, err := h.bridge.Redrive(ctx, "trig", nil); n != 1 || err != nil {
		t.Fatalf("Redrive all: %d, %v", n, err)
	}
	h.settle(100)
	if got := succeeded(h.rec); !slices.Equal(got, []string{"ok", "x", "y"}) {
		t.Errorf("delivered %q", got)
	}
	if rest, _ := h.bridge.DeadLetters("trig"); len(rest) != 0 {
		t.Errorf("dead letters left: %+v", rest)
	}
}
