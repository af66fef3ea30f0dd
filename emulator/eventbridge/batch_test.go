package eventbridge

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// sizes returns how many messages each call carried.
func sizes(r *recorder) []int {
	var out []int
	for _, c := range r.got() {
		out = append(out, len(c.decoded.Messages))
	}
	return out
}

func TestBatchCutByCount(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{BatchCount: 3, BatchWindow: 10 * time.Second})
	h.publishBodies("1", "2", "3", "4", "5", "6", "7")
	h.bridge.Tick()
	if got := sizes(h.rec); !slices.Equal(got, []int{3, 3}) {
		t.Fatalf("batches %v, want [3 3] before the window ends", got)
	}
	h.clock.Advance(10 * time.Second)
	h.bridge.Tick()
	want := [][]string{{"1", "2", "3"}, {"4", "5", "6"}, {"7"}}
	if got := h.rec.bodies(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("bodies %v, want %v", got, want)
	}
	for _, c := range h.rec.got() {
		if !c.decoded.Batch {
			t.Errorf("payload is not an array: %s", c.payload)
		}
	}
}

func TestBatchCutByWindow(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{BatchCount: 100, BatchWindow: 5 * time.Second})
	h.publishBodies("a", "b")
	h.bridge.Tick()
	h.clock.Advance(3 * time.Second)
	h.publishBodies("c", "d")
	h.bridge.Tick()
	if due := h.bridge.Due(); !due.Equal(h.clock.Now().Add(2 * time.Second)) {
		t.Errorf("due %v, want the window of the first event, 2 s ahead", due)
	}
	h.clock.Advance(1999 * time.Millisecond)
	h.bridge.Tick()
	if n := len(h.rec.got()); n != 0 {
		t.Fatalf("%d invocations before the window ended", n)
	}
	h.clock.Advance(time.Millisecond)
	h.bridge.Tick()
	if got := h.rec.bodies(); !slices.EqualFunc(got, [][]string{{"a", "b", "c", "d"}}, slices.Equal) {
		t.Fatalf("bodies %v, want one batch of four", got)
	}
}

func TestBatchWindowZeroDeliversAtOnce(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{BatchCount: 10})
	h.publishBodies("only")
	h.bridge.Tick()
	if got := sizes(h.rec); !slices.Equal(got, []int{1}) || !h.rec.got()[0].decoded.Batch {
		t.Fatalf("batches %v, want one array of one", got)
	}
}

func TestBatchCutBySizeAsync(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{BatchCount: 100, BatchWindow: 15 * time.Second, Async: true})
	body := strings.Repeat("x", 30<<10)
	for i := range 10 {
		h.publish(broker.Message{Body: []byte(fmt.Sprint(i, body))})
	}
	h.bridge.Tick()
	if got := sizes(h.rec); !slices.Equal(got, []int{4, 4}) {
		t.Fatalf("batches %v before the window, want [4 4] (a fifth 30 KB event would cross 128 KB)", got)
	}
	h.clock.Advance(15 * time.Second)
	h.bridge.Tick()
	if got := sizes(h.rec); !slices.Equal(got, []int{4, 4, 2}) {
		t.Fatalf("batches %v, want [4 4 2]", got)
	}
	for _, c := range h.rec.got() {
		if len(c.payload) > AsyncPayloadLimit {
			t.Errorf("payload of %d bytes over the async limit", len(c.payload))
		}
	}
}

func TestOversizedEventIsNotInvoked(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven, Async: true, ErrorsTolerance: ToleranceAll, DeadLetter: true})
	h.publish(broker.Message{Body: []byte(strings.Repeat("x", 200<<10))})
	h.publishBodies("small")
	h.bridge.Tick()
	if got := h.rec.bodies(); !slices.EqualFunc(got, [][]string{{"small"}}, slices.Equal) {
		t.Fatalf("bodies %v, want only the small one", got)
	}
	dead, err := h.bridge.DeadLetters("trig")
	if err != nil || len(dead) != 1 || dead[0].Attempts != 1 || !strings.Contains(dead[0].Reason, "over the invocation limit") {
		t.Fatalf("dead letters %+v, %v", dead, err)
	}
}
