package eventbridge

import (
	"context"
	"fmt"
	"time"
)

// drain delivers what is due, one invocation at a time, until nothing is
// or ctx ends, and reports whether it invoked anything.
func (b *Bridge) drain(ctx context.Context, t *trigger) bool {
	t.runMu.Lock()
	defer t.runMu.Unlock()
	worked := false
	for ctx.Err() == nil {
		bt := t.takeBatch(b.clock())
		if bt == nil {
			break
		}
		b.deliver(context.WithoutCancel(ctx), t, bt)
		worked = true
	}
	return worked
}

// attempt is one invocation of a batch.
type attempt struct {
	rec       Record
	payload   []byte
	permanent bool // not worth retrying: the payload is over the limit
}

// deliver makes one attempt at a batch and settles the outcome. t.runMu
// is held.
func (b *Bridge) deliver(ctx context.Context, t *trigger, bt *batch) {
	a := b.try(ctx, t, bt, b.clock())
	if a.rec.Outcome.Failed {
		b.failed(t, bt, &a)
	} else {
		b.succeeded(t, bt, &a)
	}
	// The record follows the accounting: a reader of Events sees Stats,
	// DeadLetters and Due as they are after this invocation.
	b.publish(a.rec)
}

// try makes one invocation of a batch at now, or fails it at once,
// permanently, when its payload is over the trigger's limit, and
// captures the payload.
func (b *Bridge) try(ctx context.Context, t *trigger, bt *batch, now time.Time) attempt {
	payload := t.payload(bt)
	a := attempt{payload: payload, rec: Record{
		Trigger: t.cfg.Name, Function: t.cfg.Function, RequestID: newUUID(),
		Attempt: bt.attempts, Start: now, Bytes: len(payload),
	}}
	for _, e := range bt.entries {
		a.rec.EventIDs = append(a.rec.EventIDs, e.id)
		a.rec.MessageIDs = append(a.rec.MessageIDs, e.msgID)
	}
	if len(a.payload) > t.limit {
		a.permanent = true
		a.rec.Outcome = Outcome{Failed: true, Reason: fmt.Sprintf(
			"payload of %d bytes is over the invocation limit of %d bytes", len(a.payload), t.limit)}
	} else {
		b.invoke(ctx, t, &a)
		b.capture(t, &a)
	}
	return a
}

// invoke calls the sink, turning an error or a panic into a failure.
func (b *Bridge) invoke(ctx context.Context, t *trigger, a *attempt) {
	start := time.Now()
	defer func() {
		a.rec.Duration = time.Since(start)
		if p := recover(); p != nil {
			a.rec.Err = fmt.Sprintf("sink panicked: %v", p)
			a.rec.Outcome = Outcome{Failed: true, Reason: a.rec.Err}
		}
	}()
	out, err := t.sink.Deliver(ctx, a.payload, a.rec.RequestID)
	if err != nil {
		a.rec.Err = err.Error()
		out = Outcome{Failed: true, Reason: "invocation error: " + err.Error()}
	}
	if out.Failed && out.Reason == "" {
		out.Reason = "function error"
	}
	a.rec.Outcome = out
	t.mu.Lock()
	t.stats.Invocations++
	if a.rec.Attempt > 1 {
		t.stats.Retried++
	}
	t.mu.Unlock()
}

// succeeded finishes a delivered batch.
func (b *Bridge) succeeded(t *trigger, bt *batch, a *attempt) {
	b.log.Debug("eventbridge: delivered", "trigger", t.cfg.Name, "request", a.rec.RequestID,
		"events", len(bt.entries), "attempt", bt.attempts, "duration", a.rec.Duration)
	b.finish(t, bt, nil)
	t.mu.Lock()
	t.stats.Delivered += int64(len(bt.entries))
	t.mu.Unlock()
}
