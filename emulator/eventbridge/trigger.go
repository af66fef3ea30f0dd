package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/internal/tagexpr"
	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// Delivery modes (runOptions.mode).
const (
	ModeEventDriven    = "event-driven"    // one CloudEvent object per invocation
	ModeEventStreaming = "event-streaming" // a JSON array per invocation, even of one
)

// Event schemas (eventSinkConfig.deliveryOption.eventSchema).
const (
	SchemaCloudEvents = "CloudEvents" // the whole CloudEvent
	SchemaRawData     = "RawData"     // only its data
)

// Retry policies (runOptions.retryStrategy.PushRetryStrategy).
const (
	RetryBackoff     = "BACKOFF_RETRY"           // 3 retries, 10-20 s apart
	RetryExponential = "EXPONENTIAL_DECAY_RETRY" // 176 retries, 1 s doubling to 512 s
)

// Error tolerances (runOptions.errorsTolerance).
const (
	ToleranceAll  = "ALL"  // after the retries: dead-letter or skip
	ToleranceNone = "NONE" // after the retries: block the trigger
)

// Limits of the batch window and of an invocation payload.
const (
	MaxBatchCount     = 10000            // CountBasedWindow
	MaxBatchWindow    = 15 * time.Second // TimeBasedWindow
	SyncPayloadLimit  = 32 << 20         // synchronous invocation payload
	AsyncPayloadLimit = 128 << 10        // asynchronous invocation payload
	maxNameLen        = 128              // trigger and function names
)

// Trigger is an EventBridge trigger of a function with a RocketMQ source:
// the fields of an s.yaml eventbridge trigger that matter locally.
type Trigger struct {
	// Name and Function name the trigger and its function: 1..128 of
	// [A-Za-z0-9_-].
	Name, Function string
	// Instance, Topic, Group and Tag are the RocketMQ source. Group
	// defaults to "GID_<function>_<trigger>"; Tag is a tag expression
	// ("A||B"; "" or "*" for all), by package tagexpr's rules: Add
	// refuses one that package refuses.
	Instance, Topic, Group, Tag string
	// Ordered consumes the topic orderly (partitioned by sharding key),
	// for ordered topics.
	Ordered bool
	// Offset is where the group starts in the topic when Add finds it
	// new (sourceRocketMQParameters.Offset): OffsetLast (the default,
	// only messages published from then on), OffsetFirst (the earliest
	// the topic retains) or OffsetTimestamp (the first published at or
	// after Timestamp). A group that exists keeps its position.
	Offset string
	// Timestamp is where OffsetTimestamp starts (s.yaml's Timestamp, in
	// ms); other offsets ignore it.
	Timestamp time.Time
	// Pattern is the eventRuleFilterPattern JSON; nil or {} passes all.
	Pattern []byte
	// Mode is ModeEventStreaming (the default) or ModeEventDriven.
	Mode string
	// Schema is SchemaCloudEvents (the default) or SchemaRawData.
	Schema string
	// BatchCount (CountBasedWindow, 1..10000, default 1) and BatchWindow
	// (TimeBasedWindow, 0..15 s) cut event-streaming batches; event-driven
	// triggers ignore them.
	BatchCount  int
	BatchWindow time.Duration
	// Async invokes asynchronously: batches are cut at AsyncPayloadLimit
	// instead of SyncPayloadLimit.
	Async bool
	// RetryPolicy is RetryBackoff (the default) or RetryExponential.
	RetryPolicy string
	// ErrorsTolerance is ToleranceNone (the default, as in FC) or
	// ToleranceAll.
	ErrorsTolerance string
	// DeadLetter keeps events that exhausted their retries, with
	// ToleranceAll, in a dead-letter list (see Bridge.DeadLetters).
	DeadLetter bool
	// Region and AccountID fill the events (cn-hangzhou and
	// 1234567890123456 when empty).
	Region, AccountID string
}

// Defaults of Trigger.Region and Trigger.AccountID.
const (
	DefaultRegion    = "cn-hangzhou"
	DefaultAccountID = "1234567890123456"
)

// normalize fills the defaults of t and validates it against the broker's
// naming rules. It returns the compiled pattern, nil when it passes all.
func (t *Trigger) normalize(b Source) (*pattern.Pattern, error) {
	if err := checkName("trigger", t.Name); err != nil {
		return nil, err
	}
	if err := checkName("function", t.Function); err != nil {
		return nil, err
	}
	t.setDefaults()
	for _, check := range []func() error{t.checkMode, t.checkBatch, t.checkPolicy, t.checkTag} {
		if err := check(); err != nil {
			return nil, err
		}
	}
	if err := checkSource(b, t); err != nil {
		return nil, err
	}
	p, err := compilePattern(t.Pattern)
	if err != nil {
		return nil, fmt.Errorf("eventbridge: trigger %s: eventRuleFilterPattern: %w", t.Name, err)
	}
	return p, nil
}

// setDefaults fills the empty fields that have defaults.
func (t *Trigger) setDefaults() {
	t.Mode = orDefault(t.Mode, ModeEventStreaming)
	t.Schema = orDefault(t.Schema, SchemaCloudEvents)
	t.RetryPolicy = orDefault(t.RetryPolicy, RetryBackoff)
	t.ErrorsTolerance = orDefault(t.ErrorsTolerance, ToleranceNone)
	t.Region = orDefault(t.Region, DefaultRegion)
	t.AccountID = orDefault(t.AccountID, DefaultAccountID)
	t.Group = orDefault(t.Group, DefaultGroup(t.Function, t.Name))
	t.Offset = orDefault(t.Offset, OffsetLast)
	if t.BatchCount == 0 {
		t.BatchCount = 1
	}
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

func (t *Trigger) checkMode() error {
	if t.Mode != ModeEventDriven && t.Mode != ModeEventStreaming {
		return fmt.Errorf("eventbridge: trigger %s: mode %q is not %q or %q", t.Name, t.Mode, ModeEventStreaming, ModeEventDriven)
	}
	if t.Schema != SchemaCloudEvents && t.Schema != SchemaRawData {
		return fmt.Errorf("eventbridge: trigger %s: event schema %q is not %q or %q", t.Name, t.Schema, SchemaCloudEvents, SchemaRawData)
	}
	return nil
}

func (t *Trigger) checkBatch() error {
	if t.BatchCount < 1 || t.BatchCount > MaxBatchCount {
		return fmt.Errorf("eventbridge: trigger %s: batch count (CountBasedWindow) %d is outside 1..%d", t.Name, t.BatchCount, MaxBatchCount)
	}
	if t.BatchWindow < 0 || t.BatchWindow > MaxBatchWindow {
		return fmt.Errorf("eventbridge: trigger %s: batch window (TimeBasedWindow) %s is outside 0..%s", t.Name, t.BatchWindow, MaxBatchWindow)
	}
	return nil
}

func (t *Trigger) checkPolicy() error {
	if _, ok := policies[t.RetryPolicy]; !ok {
		return fmt.Errorf("eventbridge: trigger %s: retry policy %q is not %q or %q", t.Name, t.RetryPolicy, RetryBackoff, RetryExponential)
	}
	if t.ErrorsTolerance != ToleranceAll && t.ErrorsTolerance != ToleranceNone {
		return fmt.Errorf("eventbridge: trigger %s: errors tolerance %q is not %q or %q", t.Name, t.ErrorsTolerance, ToleranceAll, ToleranceNone)
	}
	return nil
}

// checkTag rejects a tag expression package tagexpr refuses ("||", "A||",
// "A||*", ...); the error wraps the *tagexpr.Error.
func (t *Trigger) checkTag() error {
	if _, err := tagexpr.Parse(t.Tag); err != nil {
		return fmt.Errorf("eventbridge: trigger %s: %w", t.Name, err)
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
