package ebtrigger

// SetDefaults fills the settings that have a documented or assumed
// default and are unset:
//
//   - Mode ModeEventStreaming (no API default is documented; the FC 3.0
//     console creates event streams);
//   - Schema SchemaCloudEvents (every RocketMQ sample is CloudEvents);
//   - RetryPolicy RetryBackoff and ErrorsTolerance ToleranceNone (the
//     EventBridge defaults);
//   - BatchCount 1 (without a batch window every push carries one event);
//   - Offset OffsetTimestamp when Timestamp is set, else OffsetLast;
//   - Pattern DefaultPattern;
//   - DeadLetter when DeadLetterQueue is set.
//
// Names, regions and accounts have no default here; runners fill them.
func (t *Trigger) SetDefaults() {
	t.Mode = orDefault(t.Mode, ModeEventStreaming)
	t.Schema = orDefault(t.Schema, SchemaCloudEvents)
	t.RetryPolicy = orDefault(t.RetryPolicy, RetryBackoff)
	t.ErrorsTolerance = orDefault(t.ErrorsTolerance, ToleranceNone)
	if t.BatchCount == 0 {
		t.BatchCount = MinBatchCount
	}
	if t.Offset == "" {
		t.Offset = OffsetLast
		if !t.Timestamp.IsZero() {
			t.Offset = OffsetTimestamp
		}
	}
	if t.Pattern == nil {
		t.Pattern = []byte(DefaultPattern)
	}
	if t.DeadLetterQueue != "" {
		t.DeadLetter = true
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
