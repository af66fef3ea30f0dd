package ebtrigger

import (
	"fmt"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// Validate checks the enumerated and bounded settings of t, defaults
// filled: mode, schema, batch window, retry policy and limits, errors
// tolerance, offset and tag. Errors start with "trigger <name>: ". It
// does not check names, topics or the pattern: what they may be depends
// on the runner.
func (t *Trigger) Validate() error {
	for _, check := range []func() error{t.checkMode, t.checkBatch, t.checkRetry, t.checkOffset, t.checkTag} {
		if err := check(); err != nil {
			return fmt.Errorf("trigger %s: %w", t.Name, err)
		}
	}
	return nil
}

func (t *Trigger) checkMode() error {
	if t.Mode != ModeEventDriven && t.Mode != ModeEventStreaming {
		return fmt.Errorf("mode %q is not %q or %q", t.Mode, ModeEventStreaming, ModeEventDriven)
	}
	if t.Schema != SchemaCloudEvents && t.Schema != SchemaRawData {
		return fmt.Errorf("event schema %q is not %q or %q", t.Schema, SchemaCloudEvents, SchemaRawData)
	}
	return nil
}

func (t *Trigger) checkBatch() error {
	if t.BatchCount < MinBatchCount || t.BatchCount > MaxBatchCount {
		return fmt.Errorf("batch count (CountBasedWindow) %d is outside %d..%d", t.BatchCount, MinBatchCount, MaxBatchCount)
	}
	if t.BatchWindow < 0 || t.BatchWindow > MaxBatchWindow {
		return fmt.Errorf("batch window (TimeBasedWindow) %s is outside 0..%s", t.BatchWindow, MaxBatchWindow)
	}
	return nil
}

func (t *Trigger) checkRetry() error {
	if _, ok := strategies[t.RetryPolicy]; !ok {
		return fmt.Errorf("retry policy %q is not %q or %q", t.RetryPolicy, RetryBackoff, RetryExponential)
	}
	if t.MaxRetryAttempts < 0 {
		return fmt.Errorf("MaximumRetryAttempts %d is negative", t.MaxRetryAttempts)
	}
	if t.MaxEventAge < 0 {
		return fmt.Errorf("MaximumEventAgeInSeconds %s is negative", t.MaxEventAge)
	}
	if t.ErrorsTolerance != ToleranceAll && t.ErrorsTolerance != ToleranceNone {
		return fmt.Errorf("errors tolerance %q is not %q or %q", t.ErrorsTolerance, ToleranceAll, ToleranceNone)
	}
	return nil
}

func (t *Trigger) checkOffset() error {
	if t.IsRabbitMQ() && t.Offset == "" {
		return nil // a queue has no offsets
	}
	switch t.Offset {
	case OffsetLast, OffsetFirst:
		return nil
	case OffsetTimestamp:
		if t.Timestamp.IsZero() {
			return fmt.Errorf("offset %s needs a Timestamp", OffsetTimestamp)
		}
		return nil
	}
	return fmt.Errorf("offset %q is not %s, %s or %s", t.Offset, OffsetLast, OffsetFirst, OffsetTimestamp)
}

// checkTag rejects a tag expression package tagexpr refuses ("||", "A||",
// "A||*", ...); the error wraps the *tagexpr.Error.
func (t *Trigger) checkTag() error {
	_, err := tagexpr.Parse(t.Tag)
	return err
}
