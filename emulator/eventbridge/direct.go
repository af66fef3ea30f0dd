package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrBlocked is returned by Direct.Deliver once a batch has failed its
// last retry under ToleranceNone: the trigger is blocked, and its source
// is to keep the events unacknowledged.
var ErrBlocked = errors.New("eventbridge: retries exhausted; trigger blocked (errorsTolerance NONE)")

// Direct delivers the events of a trigger whose source keeps its
// messages until they are handled, such as a RabbitMQ queue that
// acknowledges a message only after its invocation succeeded: the bridge
// takes nothing over and stores nothing; the source calls Deliver with
// each batch it has and acknowledges it when Deliver returns nil, or
// returns it to the queue, to come again, when Deliver fails.
//
// Deliver goes the Bridge's way for everything else: the trigger's
// pattern (on the whole CloudEvent), schema, mode and payload limit, the
// same invocation (an error, a failed outcome or a panic of the sink
// fails it), capture and the Events feed, and the trigger's retry
// schedule and errors tolerance, counted over the consecutive failed
// deliveries of the trigger (one batch is in flight at a time, and a
// batch returned to its queue comes first again).
type Direct struct {
	b *Bridge
	t *trigger

	mu       sync.Mutex
	failures int       // failed deliveries in a row
	since    time.Time // when the first of them was made
}

// DirectEvent is one event of a batch given to Direct.Deliver.
type DirectEvent struct {
	ID        string // CloudEvent id
	MessageID string // the source's message ID, for logs and Records
	Event     []byte // the CloudEvent JSON
	Data      []byte // its data, delivered with SchemaRawData
}

// Direct validates a trigger with its sink and returns its Direct. The
// trigger is not added to the bridge: Run does not consume for it.
func (b *Bridge) Direct(t Trigger, sink Sink) (*Direct, error) {
	if sink == nil {
		return nil, fmt.Errorf("eventbridge: trigger %s: sink is nil", t.Name)
	}
	pat, err := prepare(&t)
	if err != nil {
		return nil, err
	}
	tr := newTrigger(t, sink, pat)
	return &Direct{b: b, t: tr}, nil
}

// Trigger is the trigger as Direct runs it, defaults filled.
func (d *Direct) Trigger() Trigger { return d.t.cfg }

// BatchSize is the most events Deliver takes at once: 1 in event-driven
// mode, else the trigger's BatchCount.
func (d *Direct) BatchSize() int {
	if d.t.cfg.Mode == ModeEventDriven {
		return 1
	}
	return d.t.cfg.BatchCount
}

// RetryError is what Deliver returns when a batch failed and is to be
// retried: its source returns the batch to the queue and waits After
// before delivering again.
type RetryError struct {
	Attempt int           // the failed attempt, 1 for the first
	After   time.Duration // the trigger's wait before the retry
	Reason  string        // why the invocation failed
}

// RetryAfter is After: the source's wait before the retry
// (rabbitmq.RetryAfter).
func (e *RetryError) RetryAfter() time.Duration { return e.After }

func (e *RetryError) Error() string {
	return fmt.Sprintf("eventbridge: attempt %d failed (%s); retrying in %s", e.Attempt, e.Reason, e.After)
}

// Deliver makes one invocation of the events the pattern passes (none
// passing is a success without one). It returns nil when the batch is
// done: delivered, or skipped after its retries under ToleranceAll (no
// dead letters are kept for such a source). It returns a *RetryError
// when the batch is to come again after a wait, and ErrBlocked when
// retries are exhausted under ToleranceNone.
func (d *Direct) Deliver(ctx context.Context, events []DirectEvent) error {
	t := d.t
	bt := &batch{}
	now := d.b.clock()
	for _, ev := range events {
		if !matches(t.pat, ev.Event) {
			t.mu.Lock()
			t.stats.Filtered++
			t.mu.Unlock()
			continue
		}
		payload := ev.Event
		if t.cfg.Schema == SchemaRawData {
			payload = ev.Data
		}
		bt.entries = append(bt.entries, &entry{id: ev.ID, msgID: ev.MessageID, at: now, payload: payload})
	}
	if len(bt.entries) == 0 {
		return nil
	}
	if t.cfg.Mode == ModeEventDriven && len(bt.entries) > 1 {
		return fmt.Errorf("eventbridge: trigger %s: %d events for one event-driven invocation", t.cfg.Name, len(bt.entries))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failures == 0 {
		d.since = now
	}
	bt.attempts = d.failures + 1
	a := d.b.try(context.WithoutCancel(ctx), t, bt, now)
	defer d.b.publish(a.rec)
	if !a.rec.Outcome.Failed {
		d.failures = 0
		t.mu.Lock()
		t.stats.Delivered += int64(len(bt.entries))
		t.mu.Unlock()
		return nil
	}
	t.mu.Lock()
	t.stats.Failed++
	t.mu.Unlock()
	delay, retry := retryDelay(&t.cfg, bt.attempts)
	if retry && !a.permanent && !t.cfg.Expired(d.since, d.b.clock().Add(delay)) {
		d.failures++
		d.b.log.Info("eventbridge: invocation failed; returned to the queue for a retry", "trigger", t.cfg.Name,
			"request", a.rec.RequestID, "attempt", bt.attempts, "retry_in", delay, "reason", a.rec.Outcome.Reason)
		return &RetryError{Attempt: bt.attempts, After: delay, Reason: a.rec.Outcome.Reason}
	}
	if t.cfg.ErrorsTolerance == ToleranceNone {
		d.b.log.Error("eventbridge: retries exhausted; trigger blocked, its messages stay in the queue",
			"trigger", t.cfg.Name, "messages", a.rec.MessageIDs, "attempts", bt.attempts, "reason", a.rec.Outcome.Reason)
		return ErrBlocked
	}
	d.failures = 0
	d.b.log.Warn("eventbridge: retries exhausted; events skipped and acknowledged",
		"trigger", t.cfg.Name, "messages", a.rec.MessageIDs, "attempts", bt.attempts, "reason", a.rec.Outcome.Reason)
	t.mu.Lock()
	t.stats.Skipped += int64(len(bt.entries))
	t.mu.Unlock()
	return nil
}

// Stats returns the trigger's counters: Invocations, Delivered, Failed,
// Retried, Filtered and Skipped.
func (d *Direct) Stats() Stats {
	d.t.mu.Lock()
	defer d.t.mu.Unlock()
	return d.t.stats
}

// NewUUID returns a random (version 4) UUID, as the bridge's event IDs
// and request IDs are.
func NewUUID() string { return newUUID() }
