package main

import (
	"fmt"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/internal/syaml"
	rocketfn "github.com/rocketfn/rocketfn/runtime/fn"
)

// trigger checks an EventBridge trigger against its function's routes
// (rep, nil when the function did not report them) and code, and the
// platform's limits.
func (v *verifier) trigger(fn *syaml.Function, t *syaml.Trigger, c *functionCheck, rep *rocketfn.RoutesReport) {
	cfg := t.Key + ".triggerConfig"
	if fn.Component == "fc" {
		cfg = t.Key + ".config"
	}
	if rep != nil && isRocketMQ(t) {
		reach := reaching(rep.Routes, t)
		v.coverage(t, cfg, rep.Routes, reach)
		v.handlerForm(t, cfg, reach)
	}
	v.schema(t, cfg, c.events)
	v.timeout(fn, t, c.block, cfg)
	v.payloadSize(t, cfg)
	v.deadLetters(t, cfg)
}

// handlerForm checks the handlers the trigger's messages reach against
// its mode: a batch handler behind an event-driven trigger gets batches
// of one.
func (v *verifier) handlerForm(t *syaml.Trigger, cfg string, reach []rocketfn.RouteInfo) {
	if t.Mode != syaml.ModeEventDriven {
		return
	}
	mode := cfg + ".runOptions.mode"
	for _, r := range reach {
		if r.Kind == rocketfn.KindBatch || r.Kind == rocketfn.KindItems {
			v.add(v.doc.line(t.Line, mode, cfg+".eventSinkConfig.deliveryOption.mode"), "error", mode,
				"trigger %s is event-driven, one event per invocation, but the function has a batch handler (%s): every batch would hold one message; use mode event-streaming with a batchWindow",
				t.Name, routeName(r))
			return
		}
	}
}

// schema warns when the code reads CloudEvent attributes that RawData
// does not deliver; the decoder takes both schemas, so nothing else
// depends on the schema.
func (v *verifier) schema(t *syaml.Trigger, cfg string, events []string) {
	schema := cfg + ".eventSinkConfig.deliveryOption.eventSchema"
	if t.Schema == syaml.SchemaRawData && len(events) > 0 {
		v.add(v.doc.line(t.Line, schema), "warning", schema,
			"RawData delivers the data without the CloudEvent, but the function reads its attributes (%s): they are empty", events[0])
	}
}

// timeout checks that the function's timeout exceeds the batch window:
// the window is only how long EventBridge gathers events, and the
// function then needs the time to handle a full batch.
func (v *verifier) timeout(fn *syaml.Function, t *syaml.Trigger, block, cfg string) {
	if t.Mode != syaml.ModeEventStreaming || t.BatchWindow == 0 || fn.Timeout > t.BatchWindow {
		return
	}
	v.add(v.doc.line(fn.Line, block+".timeout"), "error", block+".timeout",
		"%v does not exceed the batch window of trigger %s (TimeBasedWindow %v, line %d): give the function the window plus the time to handle %d events",
		fn.Timeout, t.Name, t.BatchWindow, v.doc.line(t.Line, cfg+".runOptions.batchWindow.TimeBasedWindow"), t.BatchCount)
}

// payloadSize checks an event, then a full batch, of messages of
// v.msgSize bytes against the invocation payload limit: 32 MB
// synchronous, 128 KB asynchronous. One event over it cannot be
// delivered; a batch over it is cut short by EventBridge.
func (v *verifier) payloadSize(t *syaml.Trigger, cfg string) {
	limit, kind := eventbridgeLimit(t)
	per := v.eventSize(t)
	asyncKey := cfg + ".asyncInvocationType"
	if per > limit {
		v.add(v.doc.line(t.Line, asyncKey), "error", asyncKey,
			"an event of %s (a %s message plus the %s envelope) exceeds the %s limit of %s invocations: it cannot be delivered",
			formatBytes(per), formatBytes(v.msgSize), t.Schema, formatBytes(limit), kind)
		return
	}
	if t.Mode != syaml.ModeEventStreaming || t.BatchCount*per+2 <= limit {
		return
	}
	count := cfg + ".runOptions.batchWindow.CountBasedWindow"
	v.add(v.doc.line(t.Line, count, asyncKey), "warning", count,
		"a full batch of %d events of %s is %s, over the %s limit of %s invocations: EventBridge pushes about %d at a time",
		t.BatchCount, formatBytes(per), formatBytes(t.BatchCount*per), formatBytes(limit), kind, limit/per)
}

// eventSize is the size of one event of the payload: a v.msgSize body in
// t's schema, with its separating comma. The message carries the longest
// tag t's tag expression takes (syaml parsed it), none when it takes all.
func (v *verifier) eventSize(t *syaml.Trigger) int {
	tag := ""
	for _, x := range t.Tags {
		if len(x) > len(tag) {
			tag = x
		}
	}
	spec := sampleSpec{Topic: t.Topic, Tag: tag, Mode: eventbridge.ModeEventStreaming, Schema: t.Schema,
		Instance: t.Instance, Function: "f", Trigger: t.Name}
	empty, err := samplePayload(spec, []sampleMessage{{}})
	if err != nil {
		return v.msgSize
	}
	return len(empty) - 1 + v.msgSize // less the brackets, plus a comma
}

// deadLetters checks what becomes of events that fail every retry.
func (v *verifier) deadLetters(t *syaml.Trigger, cfg string) {
	key := cfg + ".runOptions.errorsTolerance"
	line := v.doc.line(t.Line, key, cfg+".runOptions")
	switch {
	case t.ErrorsTolerance == syaml.TolerateAll && t.DeadLetterQueue == "":
		v.add(line, "warning", key,
			"ALL without a deadLetterQueue: events that fail all %d retries are dropped; add runOptions.deadLetterQueue.Arn to keep them", t.Retries())
	case t.ErrorsTolerance == syaml.TolerateNone:
		v.add(line, "warning", key,
			"NONE: once an event fails all %d retries the trigger stops until it is restarted; ALL with a deadLetterQueue keeps the stream going", t.Retries())
	}
}

// formatBytes is n as bytes, KB or MB (powers of 1024).
func formatBytes(n int) string {
	switch {
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KB"
	}
	return fmt.Sprintf("%d bytes", n)
}

// trimZero drops a ".0" ending.
func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
