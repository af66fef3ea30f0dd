// Package ebtrigger is the model of a Function Compute EventBridge
// trigger with a RocketMQ or a RabbitMQ source: every setting an s.yaml triggerConfig
// can carry for it, its vocabulary (delivery modes, event schemas, push
// retry strategies, errors tolerances, consumer offsets), its documented
// limits and defaults, and the push retry schedule.
//
// Package syaml produces a Trigger from s.yaml and the local EventBridge
// (emulator/eventbridge) runs the same value, so a setting cannot be lost
// between the two. The package depends on neither: it knows no YAML and
// no broker.
//
// # Sources
//
// The keys and values are those of the FC 3.0 API models
// EventBridgeTriggerConfig, SourceRocketMQParameters,
// SourceRabbitMQParameters (InstanceId, VirtualHostName, QueueName,
// RegionId), RunOptions,
// RetryStrategy, DeadLetterQueue and BatchWindow
// (github.com/alibabacloud-go/fc-20230330, client/*_model.go, and
// https://help.aliyun.com/zh/functioncompute/api-fc-2023-03-30-struct-sourcerocketmqparameters),
// plus maximumTasks and the retry limits MaximumRetryAttempts and
// MaximumEventAgeInSeconds of the FC 2.0 model
// (github.com/alibabacloud-go/fc-open-20210406, client/client.go), which
// the Serverless Devs fc3 component passes through
// (github.com/devsapp/fc3, __tests__/complete-props.yaml).
//
// The retry schedule is EventBridge's "Retry and dead letter"
// (https://www.alibabacloud.com/help/en/eventbridge/retry-policies-and-dead-letter-queues):
// BACKOFF_RETRY retries up to 3 times at random intervals of 10 to 20 s;
// EXPONENTIAL_DECAY_RETRY retries up to 176 times after 1, 2, 4 ... 256
// s and then 512 s, about one day in all. MaximumRetryAttempts, when
// above 0, lowers the count; MaximumEventAgeInSeconds, when above 0,
// ends the retries of an event older than that. 0 leaves each as the
// strategy has it, which is how the fc3 sample, setting both to 0, reads.
//
// The batch limits (CountBasedWindow 1..10000, TimeBasedWindow 0..15 s)
// and the payload limits (32 MB synchronous, 128 KB asynchronous) are
// those of "Advanced trigger features"
// (https://www.alibabacloud.com/help/en/functioncompute/fc/advanced-features-of-triggers).
package ebtrigger
