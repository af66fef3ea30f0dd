package syaml

import "time"

// Function defaults, applied when the file leaves the key out.
const (
	// DefaultPort is the custom-runtime port (customRuntimeConfig.port,
	// caPort): "The default CAPort is 9000" (research §2.1, §3.4).
	DefaultPort = 9000
	// DefaultCommand starts a custom runtime that sets no command: "the
	// HTTP server starts from /code/bootstrap" (§2.1).
	DefaultCommand = "/code/bootstrap"
	// DefaultHandler is what fc3 fills in when handler is omitted (§2.1).
	DefaultHandler = "handler"
	// DefaultTimeout, DefaultMemoryMB and DefaultInstanceConcurrency are the
	// fc3 defaults (§2.1, fc3 src/default/config.ts). The research gives no
	// fc 2.0 defaults; the same values are used for fc.
	DefaultTimeout             = 3 * time.Second
	DefaultMemoryMB            = 512
	DefaultInstanceConcurrency = 1
	// MaxInstanceConcurrency bounds instanceConcurrency (§2.1: [1, 200]).
	MaxInstanceConcurrency = 200
)

// Trigger values and defaults.
const (
	// DefaultQualifier is the qualifier every doc example uses (§3.1).
	DefaultQualifier = "LATEST"
	// DefaultPattern matches every event (§4.1: "'{}' (the fc3 default
	// eventRuleFilterPattern) matches everything").
	DefaultPattern = "{}"

	// Delivery modes (runOptions.mode, §3.1). The research found no
	// documented API default (§6 item 8); ModeEventStreaming is assumed,
	// as the FC 3.0 console creates event streams (§0, §1.2), and a
	// warning asks for it to be set.
	ModeEventDriven    = "event-driven"
	ModeEventStreaming = "event-streaming"

	// Event schemas (deliveryOption.eventSchema, §1.2, §3.1). CloudEvents
	// is assumed when unset: every RocketMQ sample in §1 is CloudEvents.
	SchemaCloudEvents = "CloudEvents"
	SchemaRawData     = "RawData"

	// Push retry strategies (retryStrategy.PushRetryStrategy, §4.2);
	// RetryBackoff is the default.
	RetryBackoff     = "BACKOFF_RETRY"
	RetryExponential = "EXPONENTIAL_DECAY_RETRY"

	// Fault tolerance (runOptions.errorsTolerance, §4.2); TolerateNone is
	// the default.
	TolerateNone = "NONE"
	TolerateAll  = "ALL"

	// Consumer offsets (sourceRocketMQParameters.Offset, §3.1). When
	// unset, CONSUME_FROM_TIMESTAMP is assumed if Timestamp is set, else
	// CONSUME_FROM_LAST_OFFSET (not stated by the research).
	OffsetLast      = "CONSUME_FROM_LAST_OFFSET"
	OffsetFirst     = "CONSUME_FROM_FIRST_OFFSET"
	OffsetTimestamp = "CONSUME_FROM_TIMESTAMP"
)

// Batch window bounds (§1.2, §3.2): CountBasedWindow 1..10000,
// TimeBasedWindow 0..15 s. Without a batchWindow every push carries one
// event at once (BatchCount 1, BatchWindow 0, "0 means real-time").
const (
	MinBatchCount      = 1
	MaxBatchCount      = 10000
	MaxBatchWindowSecs = 15
)

// functionDefaults fills what the file left out.
func functionDefaults(fn *Function) {
	if fn.Handler == "" && fn.Component == "fc3" {
		fn.Handler = DefaultHandler
	}
	if fn.Timeout == 0 {
		fn.Timeout = DefaultTimeout
	}
	if fn.MemoryMB == 0 {
		fn.MemoryMB = DefaultMemoryMB
	}
	if fn.InstanceConcurrency == 0 {
		fn.InstanceConcurrency = DefaultInstanceConcurrency
	}
	if fn.Port == 0 && fn.IsCustom() {
		fn.Port = DefaultPort
	}
}

// triggerDefaults fills what an eventbridge trigger left out.
func triggerDefaults(t *Trigger) {
	if t.Qualifier == "" {
		t.Qualifier = DefaultQualifier
	}
	if t.Type != "eventbridge" {
		return
	}
	if t.Pattern == nil {
		t.Pattern = []byte(DefaultPattern)
	}
	if t.Schema == "" {
		t.Schema = SchemaCloudEvents
	}
	if t.RetryPolicy == "" {
		t.RetryPolicy = RetryBackoff
	}
	if t.ErrorsTolerance == "" {
		t.ErrorsTolerance = TolerateNone
	}
	if t.BatchCount == 0 {
		t.BatchCount = MinBatchCount
	}
	if t.Offset == "" && t.SourceType == "RocketMQ" {
		t.Offset = OffsetLast
		if t.Timestamp > 0 {
			t.Offset = OffsetTimestamp
		}
	}
}
