package eventbridge

import (
	"math/rand/v2"
	"time"
)

// retryPolicy is a PushRetryStrategy: how many times a failed invocation
// is retried and how long to wait before each retry.
type retryPolicy struct {
	retries int
	// interval is the wait before retry k (1 for the first retry).
	interval func(k int) time.Duration
}

// policies holds the retry strategies EventBridge documents.
var policies = map[string]retryPolicy{
	RetryBackoff:     {retries: 3, interval: backoffInterval},
	RetryExponential: {retries: 176, interval: exponentialInterval},
}

// Bounds of the BACKOFF_RETRY interval and of the EXPONENTIAL_DECAY_RETRY
// doubling.
const (
	backoffMin     = 10 * time.Second
	backoffMax     = 20 * time.Second
	exponentialMax = 512 * time.Second
)

// backoffInterval is uniform in [10 s, 20 s] at millisecond resolution.
func backoffInterval(int) time.Duration {
	span := int64((backoffMax - backoffMin) / time.Millisecond)
	return backoffMin + time.Duration(rand.Int64N(span+1))*time.Millisecond
}

// exponentialInterval is 1, 2, 4 ... 256 s for the first nine retries and
// 512 s for the 167 after them: 86,015 s (23.9 hours) in all.
func exponentialInterval(k int) time.Duration {
	if k > 10 {
		return exponentialMax
	}
	return min(time.Second<<(k-1), exponentialMax)
}

// failed schedules the next retry of a batch, or gives up on it.
func (b *Bridge) failed(t *trigger, bt *batch, a *attempt) {
	retry := !a.permanent && bt.attempts <= t.policy.retries
	t.mu.Lock()
	t.stats.Failed++
	bt.reason = a.rec.Outcome.Reason
	if retry {
		bt.due = b.clock().Add(t.policy.interval(bt.attempts))
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
