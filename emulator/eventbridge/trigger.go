package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/internal/ebtrigger"
	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// The trigger vocabulary and limits, as package ebtrigger defines them.
const (
	ModeEventDriven    = ebtrigger.ModeEventDriven    // one CloudEvent object per invocation
	ModeEventStreaming = ebtrigger.ModeEventStreaming // a JSON array per invocation, even of one

	SchemaCloudEvents = ebtrigger.SchemaCloudEvents // the whole CloudEvent
	SchemaRawData     = ebtrigger.SchemaRawData     // only its data

	RetryBackoff     = ebtrigger.RetryBackoff     // 3 retries, 10-20 s apart
	RetryExponential = ebtrigger.RetryExponential // 176 retries, 1 s doubling to 512 s

	ToleranceAll  = ebtrigger.ToleranceAll  // after the retries: dead-letter or skip
	ToleranceNone = ebtrigger.ToleranceNone // after the retries: block the trigger

	OffsetLast      = ebtrigger.OffsetLast      // after the last message published
	OffsetFirst     = ebtrigger.OffsetFirst     // the earliest message the topic retains
	OffsetTimestamp = ebtrigger.OffsetTimestamp // the first message published at or after Trigger.Timestamp

	MaxBatchCount     = ebtrigger.MaxBatchCount     // CountBasedWindow
	MaxBatchWindow    = ebtrigger.MaxBatchWindow    // TimeBasedWindow
	SyncPayloadLimit  = ebtrigger.SyncPayloadLimit  // synchronous invocation payload
	AsyncPayloadLimit = ebtrigger.AsyncPayloadLimit // asynchronous invocation payload
)

// maxNameLen bounds trigger and function names.
const maxNameLen = 128

// Trigger is an EventBridge trigger of a function with a RocketMQ
// source, the model package syaml reads from s.yaml. Add fills its
// defaults (ebtrigger.Trigger.SetDefaults, then Group
// "GID_<function>_<trigger>", RegionID DefaultRegion and AccountID
// DefaultAccountID) and refuses what it cannot run; NoLocalEffect lists
// the settings it keeps without an effect.
type Trigger = ebtrigger.Trigger

// Defaults of Trigger.RegionID and Trigger.AccountID.
const (
	DefaultRegion    = "cn-hangzhou"
	DefaultAccountID = "1234567890123456"
)

// normalize fills the defaults of t and validates it, with the broker's
// naming rules. It returns the compiled pattern, nil when it passes all.
func normalize(t *Trigger, b Source) (*pattern.Pattern, error) {
	p, err := prepare(t)
	if err != nil {
		return nil, err
	}
	if err := checkSource(b, t); err != nil {
		return nil, err
	}
	return p, nil
}

// prepare checks the names of t, fills its defaults, validates it and
// compiles its pattern (nil when it passes all): what every trigger
// needs, whatever its source.
func prepare(t *Trigger) (*pattern.Pattern, error) {
	if err := checkName("trigger", t.Name); err != nil {
		return nil, err
	}
	if err := checkName("function", t.Function); err != nil {
		return nil, err
	}
	t.SetDefaults()
	t.RegionID = orDefault(t.RegionID, DefaultRegion)
	t.AccountID = orDefault(t.AccountID, DefaultAccountID)
	if !t.IsRabbitMQ() {
		t.Group = orDefault(t.Group, DefaultGroup(t.Function, t.Name))
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("eventbridge: %w", err)
	}
	p, err := compilePattern(t.Pattern)
	if err != nil {
		return nil, fmt.Errorf("eventbridge: trigger %s: eventRuleFilterPattern: %w", t.Name, err)
	}
	return p, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// checkName validates a trigger or function name.
func checkName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("eventbridge: %s name is empty", kind)
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("eventbridge: %s name %q is %d characters, limit %d", kind, name, len(name), maxNameLen)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("eventbridge: %s name %q: character %q not allowed (use A-Z a-z 0-9 _ -)", kind, name, c)
		}
	}
	return nil
}

// checkSource validates the instance, topic and group with the broker's
// rules. DeadLetters creates nothing, so asking it is free of effects.
func checkSource(b Source, t *Trigger) error {
	if t.Topic == "" {
		return fmt.Errorf("eventbridge: trigger %s: no topic", t.Name)
	}
	_, err := b.DeadLetters(t.Instance, t.Topic, t.Group)
	if errors.Is(err, broker.ErrInvalidArgument) {
		return fmt.Errorf("eventbridge: trigger %s: %w", t.Name, err)
	}
	return nil
}

// compilePattern compiles an eventRuleFilterPattern; nil means all events.
func compilePattern(src []byte) (*pattern.Pattern, error) {
	if len(strings.TrimSpace(string(src))) == 0 {
		return nil, nil
	}
	p, err := pattern.Compile(src)
	if err != nil {
		return nil, err
	}
	if len(p.Paths()) == 0 {
		return nil, nil
	}
	return p, nil
}

// Sink receives invocations: the function behind a trigger.
type Sink interface {
	// Deliver invokes the function with payload under requestID. Outcome
	// reports a function error (FC's X-Fc-Error-Type); the error reports
	// that the function could not run at all. Both count as a failed
	// attempt and are retried.
	Deliver(ctx context.Context, payload []byte, requestID string) (Outcome, error)
}

// Outcome is the result of an invocation that ran.
type Outcome struct {
	Failed bool   // the function reported an error
	Reason string // its error, for logs and dead letters
	// Response is the function's answer body, success or failure, when
	// the sink has one (Replay's callers show it).
	Response []byte
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, payload []byte, requestID string) (Outcome, error)

// Deliver calls f.
func (f SinkFunc) Deliver(ctx context.Context, payload []byte, requestID string) (Outcome, error) {
	return f(ctx, payload, requestID)
}
