package ebtrigger

import "time"

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

// Push retry strategies (runOptions.retryStrategy.PushRetryStrategy).
const (
	RetryBackoff     = "BACKOFF_RETRY"           // 3 retries, 10-20 s apart
	RetryExponential = "EXPONENTIAL_DECAY_RETRY" // 176 retries, 1 s doubling to 512 s
)

// Errors tolerances (runOptions.errorsTolerance).
const (
	ToleranceAll  = "ALL"  // after the retries: dead-letter or skip
	ToleranceNone = "NONE" // after the retries: block the trigger
)

// Consumer offsets (sourceRocketMQParameters.Offset): where a new
// consumer group starts in its topic.
const (
	OffsetLast      = "CONSUME_FROM_LAST_OFFSET"  // after the last message published
	OffsetFirst     = "CONSUME_FROM_FIRST_OFFSET" // the earliest message the topic retains
	OffsetTimestamp = "CONSUME_FROM_TIMESTAMP"    // the first message published at or after Timestamp
)

// FilterTag is the FilterType of a Tag filter, the only one documented.
const FilterTag = "Tag"

// DefaultPattern is the eventRuleFilterPattern that matches every event,
// the fc3 default.
const DefaultPattern = "{}"

// Limits of the batch window and of an invocation payload.
const (
	MinBatchCount     = 1                // CountBasedWindow
	MaxBatchCount     = 10000            // CountBasedWindow
	MaxBatchWindow    = 15 * time.Second // TimeBasedWindow
	SyncPayloadLimit  = 32 << 20         // synchronous invocation payload
	AsyncPayloadLimit = 128 << 10        // asynchronous invocation payload
)

// Trigger is an EventBridge trigger of a function with a RocketMQ or a
// RabbitMQ source: every setting of its triggerConfig, whether or not a given runner gives
// it an effect. Zero values mean "not set"; SetDefaults fills the
// documented defaults.
type Trigger struct {
	// Name and Function name the trigger and its function.
	Name, Function string

	// Instance (InstanceId), Topic, Group (GroupID) and Tag are the
	// RocketMQ source. Tag is a tag expression ("A||B"; "" or "*" for
	// all) by package tagexpr's rules.
	Instance, Topic, Group, Tag string
	// FilterType is how Tag filters (FilterTag, the only documented value).
	FilterType string
	// Ordered consumes the topic orderly (partitioned by sharding key).
	// s.yaml has no such key; a runner sets it for ordered topics.
	Ordered bool
	// Offset is where the group starts in the topic when it is new:
	// OffsetLast, OffsetFirst or OffsetTimestamp.
	Offset string
	// Timestamp is where OffsetTimestamp starts (s.yaml's Timestamp, in
	// ms); other offsets ignore it.
	Timestamp time.Time
	// RegionID (RegionId) is the region of the instance; events carry it.
	RegionID string
	// InstanceType is CLOUD_4, CLOUD_5, SELF_BUILT (or Cloud_5 as the FC
	// samples write it).
	InstanceType string
	// Network and access settings of the instance: InstanceNetwork,
	// InstanceEndpoint, InstanceVpcId, InstanceVSwitchIds,
	// InstanceSecurityGroupId, AuthType, InstanceUsername,
	// InstancePassword, and FilterSql (FC 2.0, documented as an invalid
	// parameter).
	InstanceNetwork, InstanceEndpoint, InstanceVpcID, InstanceVSwitchIDs, InstanceSecurityGroupID string
	AuthType, InstanceUsername, InstancePassword, FilterSQL                                       string

	// VirtualHost (VirtualHostName) and Queue (QueueName) are the
	// RabbitMQ source, sourceRabbitMQParameters, whose InstanceId and
	// RegionId are Instance and RegionID. A trigger has a RabbitMQ
	// source when Queue is set (IsRabbitMQ), a RocketMQ one when Topic
	// is; the RocketMQ settings above do not apply to the other.
	VirtualHost, Queue string

	// Pattern is the eventRuleFilterPattern JSON; nil or {} passes all.
	Pattern []byte
	// Async is asyncInvocationType: batches are cut at AsyncPayloadLimit
	// instead of SyncPayloadLimit.
	Async bool
	// Mode is ModeEventStreaming or ModeEventDriven.
	Mode string
	// Schema is SchemaCloudEvents or SchemaRawData.
	Schema string
	// Concurrency is eventSinkConfig.deliveryOption.concurrency; 0 when
	// unset.
	Concurrency int
	// MaxTasks is runOptions.maximumTasks; 0 when unset.
	MaxTasks int
	// BatchCount (CountBasedWindow, 1..10000) and BatchWindow
	// (TimeBasedWindow, 0..15 s) cut event-streaming batches; event-driven
	// triggers ignore them.
	BatchCount  int
	BatchWindow time.Duration

	// RetryPolicy is RetryBackoff or RetryExponential.
	RetryPolicy string
	// MaxRetryAttempts (MaximumRetryAttempts), when above 0, lowers the
	// policy's number of retries.
	MaxRetryAttempts int
	// MaxEventAge (MaximumEventAgeInSeconds), when above 0, ends the
	// retries of an event older than it.
	MaxEventAge time.Duration
	// ErrorsTolerance is ToleranceNone or ToleranceAll.
	ErrorsTolerance string
	// DeadLetterQueue is deadLetterQueue.Arn.
	DeadLetterQueue string
	// DeadLetter keeps events that exhausted their retries, with
	// ToleranceAll, as dead letters; SetDefaults sets it when
	// DeadLetterQueue is set.
	DeadLetter bool

	// AccountID is the account the events name. s.yaml has no such key.
	AccountID string
}

// IsRabbitMQ reports whether t has a RabbitMQ source (a Queue).
func (t *Trigger) IsRabbitMQ() bool { return t.Queue != "" }
