package syaml

import (
	"math"
	"time"
)

// eventSink reads eventSinkConfig.deliveryOption: eventSchema, concurrency
// and the older mode key. It returns the mode value, which runOptions.mode
// overrides (§3.2: deliveryOption.mode has lower priority).
func (p *parser) eventSink(t *Trigger, cfg *fieldMap) val {
	v, _ := cfg.get("eventSinkConfig")
	sink, ok := p.mapping(v)
	if !ok {
		return val{}
	}
	p.checkKeys(sink, "deliveryOption")
	dv, _ := sink.get("deliveryOption")
	d, ok := p.mapping(dv)
	if !ok {
		return val{}
	}
	p.checkKeys(d, "mode", "eventSchema", "concurrency")
	sv, _ := d.get("eventSchema")
	t.Schema, _ = p.oneOf(sv, SchemaCloudEvents, SchemaRawData)
	cv, _ := d.get("concurrency")
	t.Concurrency, _ = p.asRange(cv, 1, math.MaxInt32)
	mv, _ := d.get("mode")
	return mv
}

// runOptions reads mode, maximumTasks, errorsTolerance, retryStrategy,
// deadLetterQueue and batchWindow (§3.1, §4.2).
func (p *parser) runOptions(t *Trigger, cfg *fieldMap, delivered val) {
	v, _ := cfg.get("runOptions")
	ro, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(ro, "mode", "maximumTasks", "errorsTolerance", "retryStrategy", "deadLetterQueue", "batchWindow")
	mv, _ := ro.get("mode")
	p.mode(t, cfg, mv, delivered)
	tv, _ := ro.get("maximumTasks")
	t.MaxTasks, _ = p.asRange(tv, 1, math.MaxInt32)
	ev, _ := ro.get("errorsTolerance")
	t.ErrorsTolerance, _ = p.oneOf(ev, TolerateNone, TolerateAll)
	p.retryStrategy(t, ro)
	p.deadLetterQueue(t, ro)
	p.batchWindow(t, ro)
}

// mode settles the delivery mode: runOptions.mode, else
// deliveryOption.mode, else event-streaming with a warning (§6 item 8).
func (p *parser) mode(t *Trigger, cfg *fieldMap, run, delivered val) {
	modes := []string{ModeEventDriven, ModeEventStreaming}
	fromRun, _ := p.oneOf(run, modes...)
	fromDelivery, _ := p.oneOf(delivered, modes...)
	switch {
	case fromRun != "" && fromDelivery != "" && fromRun != fromDelivery:
		p.warnf(delivered.line(), delivered.path, "%q is overridden by runOptions.mode %q", fromDelivery, fromRun)
		t.Mode = fromRun
	case fromRun != "":
		t.Mode = fromRun
	case fromDelivery != "":
		t.Mode = fromDelivery
	default:
		if run.isNull() && delivered.isNull() {
			p.warnf(cfg.line, join(cfg.path, "runOptions.mode"), "not set; assuming %s", ModeEventStreaming)
		}
		t.Mode = ModeEventStreaming
	}
}

// retryStrategy reads PushRetryStrategy and the two FC 2.0 limits, which
// FC 3.0 may ignore (§3.1 model discrepancy).
func (p *parser) retryStrategy(t *Trigger, ro *fieldMap) {
	v, _ := ro.get("retryStrategy")
	rs, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(rs, "PushRetryStrategy", "MaximumEventAgeInSeconds", "MaximumRetryAttempts")
	pv, _ := rs.get("PushRetryStrategy")
	t.RetryPolicy, _ = p.oneOf(pv, RetryBackoff, RetryExponential)
	av, _ := rs.get("MaximumRetryAttempts")
	t.MaxRetryAttempts, _ = p.asRange(av, 0, math.MaxInt32)
	ev, _ := rs.get("MaximumEventAgeInSeconds")
	t.MaxEventAge, _ = p.asSeconds(ev, 0, math.MaxInt32)
}

// deadLetterQueue reads deadLetterQueue.Arn. The queue only receives
// events when errorsTolerance is ALL (§4.2), so other settings warn.
func (p *parser) deadLetterQueue(t *Trigger, ro *fieldMap) {
	v, ok := ro.get("deadLetterQueue")
	if !ok || v.isNull() {
		return
	}
	dlq, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(dlq, "Arn")
	t.DeadLetterQueue, _ = p.optString(dlq, "Arn")
	if t.DeadLetterQueue == "" {
		p.errorf(dlq.line, dlq.path, "missing Arn")
		return
	}
	if t.ErrorsTolerance != TolerateAll {
		p.warnf(dlq.line, dlq.path, "events reach the dead-letter queue only with errorsTolerance %s", TolerateAll)
	}
}

// batchWindow reads CountBasedWindow (1..10000) and TimeBasedWindow
// (0..15 s). Event-driven triggers deliver one event at a time (§3.1),
// so a batch window there is a warning and is not applied.
func (p *parser) batchWindow(t *Trigger, ro *fieldMap) {
	v, ok := ro.get("batchWindow")
	if !ok || v.isNull() {
		return
	}
	bw, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(bw, "CountBasedWindow", "TimeBasedWindow")
	cv, _ := bw.get("CountBasedWindow")
	t.BatchCount, _ = p.asRange(cv, MinBatchCount, MaxBatchCount)
	wv, _ := bw.get("TimeBasedWindow")
	t.BatchWindow, _ = p.asSeconds(wv, 0, MaxBatchWindowSecs)
	if t.Mode == ModeEventDriven {
		p.warnf(bw.line, bw.path, "batch configurations are not supported in %s mode; ignored", ModeEventDriven)
		t.BatchCount, t.BatchWindow = 0, 0
	}
}

// Retry schedule of EventBridge pushes to FC (research §4.2).
const (
	backoffRetries     = 3   // BACKOFF_RETRY: up to 3 retries
	exponentialRetries = 176 // EXPONENTIAL_DECAY_RETRY: up to 176 retries
	backoffMin         = 10 * time.Second
	backoffSpread      = 10 * time.Second // intervals are random between 10 and 20 s
	exponentialCap     = 512 * time.Second
)

// Retries returns how many times EventBridge retries a failed push under
// t.RetryPolicy: 3 for BACKOFF_RETRY, 176 for EXPONENTIAL_DECAY_RETRY
// (§4.2). A synchronous invocation fails on a function error, throttling,
// timeout, 5xx or network error, and the whole batch is retried.
func (t *Trigger) Retries() int {
	if t.RetryPolicy == RetryExponential {
		return exponentialRetries
	}
	return backoffRetries
}

// RetryDelay returns the wait before retry n (1 is the first retry), and
// false when the policy allows no retry n.
//
// BACKOFF_RETRY waits a random interval between 10 and 20 s; r in [0, 1)
// picks it (values outside are clamped). EXPONENTIAL_DECAY_RETRY waits 1,
// 2, 4, ... 256 s for the first nine retries and 512 s for the remaining
// 167, about one day in all (§4.2).
func (t *Trigger) RetryDelay(n int, r float64) (time.Duration, bool) {
	if n < 1 || n > t.Retries() {
		return 0, false
	}
	if t.RetryPolicy == RetryExponential {
		if n > 9 {
			return exponentialCap, true
		}
		return time.Second << (n - 1), true
	}
	r = max(0, min(r, 1))
	return backoffMin + time.Duration(r*float64(backoffSpread)), true
}
