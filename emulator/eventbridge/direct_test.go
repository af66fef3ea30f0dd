package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// directEvents are n events of a queue source: CloudEvents whose data
// holds the message number.
func directEvents(first, n int) []DirectEvent {
	var out []DirectEvent
	for i := first; i < first+n; i++ {
		data := fmt.Sprintf(`{"n":%d}`, i)
		out = append(out, DirectEvent{ID: fmt.Sprintf("e%d", i), MessageID: fmt.Sprintf("m%d", i),
			Event: []byte(`{"id":"e` + fmt.Sprint(i) + `","type":"amqp:Queue:SendMessage","data":` + data + `}`), Data: []byte(data)})
	}
	return out
}

func newDirect(t *testing.T, tr Trigger, sink SinkFunc) *Direct {
	t.Helper()
	_, b := wallBridge(t)
	tr.Name, tr.Function, tr.Queue = "q-trigger", "f", "orders"
	d, err := b.Direct(tr, sink)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDirectBatchAndFilter(t *testing.T) {
	var got []string
	d := newDirect(t, Trigger{Mode: ModeEventStreaming, BatchCount: 10, Schema: SchemaRawData,
		Pattern: []byte(`{"data":{"n":[{"numeric":[">",0]}]}}`)},
		func(_ context.Context, payload []byte, _ string) (Outcome, error) {
			got = append(got, string(payload))
			return Outcome{}, nil
		})
	if d.BatchSize() != 10 {
		t.Errorf("BatchSize %d, want 10", d.BatchSize())
	}
	if err := d.Deliver(ctx, directEvents(0, 3)); err != nil {
		t.Fatal(err)
	}
	if err := d.Deliver(ctx, directEvents(0, 1)); err != nil { // filtered: no invocation
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != `[{"n":1},{"n":2}]` {
		t.Errorf("payloads %q, want one array of the data of events 1 and 2", got)
	}
	if s := d.Stats(); s.Filtered != 2 || s.Delivered != 2 || s.Invocations != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestDirectRetriesThenSkips(t *testing.T) {
	calls := 0
	d := newDirect(t, Trigger{Mode: ModeEventDriven, RetryPolicy: RetryExponential, MaxRetryAttempts: 2, ErrorsTolerance: ToleranceAll},
		func(_ context.Context, payload []byte, _ string) (Outcome, error) {
			calls++
			if !strings.Contains(string(payload), `"type":"amqp:Queue:SendMessage"`) {
				t.Errorf("payload %s is not the CloudEvent", payload)
			}
			return Outcome{Failed: true, Reason: "boom"}, nil
		})
	if d.BatchSize() != 1 {
		t.Errorf("event-driven BatchSize %d, want 1", d.BatchSize())
	}
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second} {
		var re *RetryError
		if err := d.Deliver(ctx, directEvents(1, 1)); !errors.As(err, &re) || re.After != want || re.Attempt != attempt+1 || re.Reason != "boom" {
			t.Fatalf("attempt %d: %v, want a retry in %s", attempt+1, err, want)
		}
	}
	if err := d.Deliver(ctx, directEvents(1, 1)); err != nil {
		t.Fatalf("after the last retry under ALL: %v, want nil (skipped)", err)
	}
	if s := d.Stats(); calls != 3 || s.Failed != 3 || s.Retried != 2 || s.Skipped != 1 {
		t.Errorf("%d calls, stats %+v", calls, s)
	}
	if err := d.Deliver(ctx, directEvents(2, 2)); err == nil {
		t.Error("two events for one event-driven invocation accepted")
	}
}

func TestDirectBlocks(t *testing.T) {
	d := newDirect(t, Trigger{MaxRetryAttempts: 1, ErrorsTolerance: ToleranceNone},
		func(context.Context, []byte, string) (Outcome, error) { return Outcome{}, errors.New("down") })
	var re *RetryError
	if err := d.Deliver(ctx, directEvents(1, 1)); !errors.As(err, &re) || re.After < ebtrigger.BackoffMin || re.After > ebtrigger.BackoffMax {
		t.Fatalf("first failure: %v, want a BACKOFF_RETRY retry", err)
	}
	if err := d.Deliver(ctx, directEvents(1, 1)); !errors.Is(err, ErrBlocked) {
		t.Fatalf("after the last retry under NONE: %v, want ErrBlocked", err)
	}
}

func TestDirectPayloadLimit(t *testing.T) {
	calls := 0
	d := newDirect(t, Trigger{Async: true, ErrorsTolerance: ToleranceAll},
		func(context.Context, []byte, string) (Outcome, error) { calls++; return Outcome{}, nil })
	big := directEvents(1, 1)
	big[0].Event = []byte(`{"data":"` + strings.Repeat("x", AsyncPayloadLimit) + `"}`)
	if err := d.Deliver(ctx, big); err != nil || calls != 0 {
		t.Errorf("an event over the limit: %v after %d calls, want skipped without a call", err, calls)
	}
}
