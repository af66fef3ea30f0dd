package syaml

import (
	"math"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// eventSink reads eventSinkConfig.deliveryOption: eventSchema, concurrency
// and the older mode key. It returns the mode value, which runOptions.mode
// overrides (deliveryOption.mode has lower priority:
// github.com/devsapp/fc docs/zh/yaml/triggers.md).
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
	noteLines(t, d)
	sv, _ := d.get("eventSchema")
	t.Schema, _ = p.oneOf(sv, ebtrigger.SchemaCloudEvents, ebtrigger.SchemaRawData)
	cv, _ := d.get("concurrency")
	t.Concurrency, _ = p.asRange(cv, 1, math.MaxInt32)
	mv, _ := d.get("mode")
	return mv
}

// runOptions reads mode, maximumTasks, errorsTolerance, retryStrategy,
// deadLetterQueue and batchWindow (github.com/alibabacloud-go/fc-20230330
// client/run_options_model.go; maximumTasks from the FC 2.0 model,
// github.com/alibabacloud-go/fc-open-20210406 client/client.go).
func (p *parser) runOptions(t *Trigger, cfg *fieldMap, delivered val) {
	v, _ := cfg.get("runOptions")
	ro, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(ro, "mode", "maximumTasks", "errorsTolerance", "retryStrategy", "deadLetterQueue", "batchWindow")
	noteLines(t, ro)
	mv, _ := ro.get("mode")
	p.mode(t, cfg, mv, delivered)
	tv, _ := ro.get("maximumTasks")
	t.MaxTasks, _ = p.asRange(tv, 1, math.MaxInt32)
	ev, _ := ro.get("errorsTolerance")
	t.ErrorsTolerance, _ = p.oneOf(ev, ebtrigger.ToleranceNone, ebtrigger.ToleranceAll)
	p.retryStrategy(t, ro)
	p.deadLetterQueue(t, ro)
	p.batchWindow(t, ro)
}

// mode settles the delivery mode: runOptions.mode, else
// deliveryOption.mode, else event-streaming with a warning: no default
// for an FC 3.0 trigger created without runOptions is documented.
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
// FC 3.0 may ignore: its model has only PushRetryStrategy
// (github.com/alibabacloud-go/fc-20230330 client/retry_strategy_model.go),
// the FC 2.0 one has the limits too
// (github.com/alibabacloud-go/fc-open-20210406 client/client.go).
func (p *parser) retryStrategy(t *Trigger, ro *fieldMap) {
	v, _ := ro.get("retryStrategy")
	rs, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(rs, "PushRetryStrategy", "MaximumEventAgeInSeconds", "MaximumRetryAttempts")
	noteLines(t, rs)
	pv, _ := rs.get("PushRetryStrategy")
	t.RetryPolicy, _ = p.oneOf(pv, ebtrigger.RetryBackoff, ebtrigger.RetryExponential)
	av, _ := rs.get("MaximumRetryAttempts")
	t.MaxRetryAttempts, _ = p.asRange(av, 0, math.MaxInt32)
	ev, _ := rs.get("MaximumEventAgeInSeconds")
	t.MaxEventAge, _ = p.asSeconds(ev, 0, math.MaxInt32)
}

// deadLetterQueue reads deadLetterQueue.Arn. The queue only receives
// events when errorsTolerance is ALL
// (https://www.alibabacloud.com/help/en/eventbridge/retry-policies-and-dead-letter-queues),
// so other settings warn.
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
	if t.ErrorsTolerance != ebtrigger.ToleranceAll {
		p.warnf(dlq.line, dlq.path, "events reach the dead-letter queue only with errorsTolerance %s", ebtrigger.ToleranceAll)
	}
}

// batchWindow reads CountBasedWindow (1..10000) and TimeBasedWindow
// (0..15 s). Event-driven triggers deliver one event at a time and take
// no batch configuration (github.com/alibabacloud-go/fc-20230330
// client/run_options_model.go),
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
	t.BatchCount, _ = p.asRange(cv, ebtrigger.MinBatchCount, ebtrigger.MaxBatchCount)
	wv, _ := bw.get("TimeBasedWindow")
	t.BatchWindow, _ = p.asSeconds(wv, 0, maxBatchWindowSecs)
	if t.Mode == ModeEventDriven {
		p.warnf(bw.line, bw.path, "batch configurations are not supported in %s mode; ignored", ModeEventDriven)
		t.BatchCount, t.BatchWindow = 0, 0
	}
}
