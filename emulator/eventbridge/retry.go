package eventbridge

import (
	"math/rand/v2"
	"time"
)

// retryDelay is the wait before retry n of a batch of t, by the
// trigger's schedule (ebtrigger.Trigger.RetryDelay, uniformly random for
// BACKOFF_RETRY), and false when t allows no retry n.
func retryDelay(t *Trigger, n int) (time.Duration, bool) {
	return t.RetryDelay(n, rand.Float64())
}

// failed schedules the next retry of a batch, or gives up on it.
func (b *Bridge) failed(t *trigger, bt *batch, a *attempt) {
	now := b.clock()
	delay, retry := retryDelay(&t.cfg, bt.attempts)
	retry = retry && !a.permanent
	if retry && t.cfg.Expired(bt.oldest(), now.Add(delay)) {
		retry = false
		b.log.Info("eventbridge: events older than MaximumEventAgeInSeconds at the next retry; no more retries",
			"trigger", t.cfg.Name, "request", a.rec.RequestID, "max_age", t.cfg.MaxEventAge)
	}
	t.mu.Lock()
	t.stats.Failed++
	bt.reason = a.rec.Outcome.Reason
	if retry {
		bt.due = now.Add(delay)
	}
	t.mu.Unlock()
	if !retry {
		b.exhausted(t, bt)
		return
	}
	b.log.Info("eventbridge: invocation failed; retrying", "trigger", t.cfg.Name, "request", a.rec.RequestID,
		"attempt", bt.attempts, "retry_at", bt.due, "reason", bt.reason)
	b.saveBatch(t, bt)
}

// oldest is when the oldest event of the batch was taken over.
func (bt *batch) oldest() time.Time {
	at := bt.entries[0].at
	for _, e := range bt.entries[1:] {
		if e.at.Before(at) {
			at = e.at
		}
	}
	return at
}

// exhausted applies the errors tolerance to a batch out of retries.
func (b *Bridge) exhausted(t *trigger, bt *batch) {
	ids := make([]string, len(bt.entries))
	for i, e := range bt.entries {
		ids[i] = e.msgID
	}
	switch {
	case t.cfg.ErrorsTolerance == ToleranceNone:
		t.mu.Lock()
		bt.blocked, bt.at = true, b.clock()
		t.mu.Unlock()
		b.log.Error("eventbridge: retries exhausted; trigger blocked until the events are redriven",
			"trigger", t.cfg.Name, "messages", ids, "attempts", bt.attempts, "reason", bt.reason)
		b.saveBatch(t, bt)
	case t.cfg.DeadLetter:
		b.log.Warn("eventbridge: retries exhausted; dead-lettered",
			"trigger", t.cfg.Name, "messages", ids, "attempts", bt.attempts, "reason", bt.reason)
		b.finish(t, bt, b.deadRecords(bt))
		t.mu.Lock()
		t.stats.DeadLettered += int64(len(bt.entries))
		t.mu.Unlock()
	default:
		b.log.Warn("eventbridge: retries exhausted; events skipped",
			"trigger", t.cfg.Name, "messages", ids, "attempts", bt.attempts, "reason", bt.reason)
		b.finish(t, bt, nil)
		t.mu.Lock()
		t.stats.Skipped += int64(len(bt.entries))
		t.mu.Unlock()
	}
}

// deadRecords are the dead letters of a batch.
func (b *Bridge) deadRecords(bt *batch) []eventRecord {
	at := b.clock().UnixMilli()
	recs := make([]eventRecord, len(bt.entries))
	for i, e := range bt.entries {
		recs[i] = e.record()
		recs[i].At, recs[i].Attempts, recs[i].Reason = at, bt.attempts, bt.reason
	}
	return recs
}
