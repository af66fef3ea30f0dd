package syaml

import (
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// allSettings is an eventbridge trigger with every key of its config;
// the trigger is at line 11 and the source keys start at line 18.
const allSettings = `            eventSourceConfig:
              eventSourceType: RocketMQ
              eventSourceParameters:
                sourceRocketMQParameters:
                  RegionId: cn-shanghai
                  InstanceId: rmq-1
                  InstanceType: Cloud_5
                  Topic: orders
                  Tag: a||b
                  FilterType: Tag
                  GroupID: GID_orders
                  Offset: CONSUME_FROM_TIMESTAMP
                  Timestamp: 1636597951984
                  AuthType: ACL
                  InstanceUsername: user
                  InstancePassword: secret
                  InstanceEndpoint: rmq-1.example
                  InstanceNetwork: PrivateNetwork
                  InstanceVpcId: vpc-1
                  InstanceVSwitchIds: [vsw-1, vsw-2]
                  InstanceSecurityGroupId: sg-1
            eventSinkConfig:
              deliveryOption:
                eventSchema: RawData
                concurrency: 4
            runOptions:
              mode: event-streaming
              maximumTasks: 3
              errorsTolerance: ALL
              retryStrategy:
                PushRetryStrategy: EXPONENTIAL_DECAY_RETRY
                MaximumRetryAttempts: 5
                MaximumEventAgeInSeconds: 600
              deadLetterQueue:
                Arn: acs:mns:cn-shanghai:1:/queues/dlq
              batchWindow:
                CountBasedWindow: 7
                TimeBasedWindow: 2
`

// TestEverySetting: every key of an eventbridge RocketMQ trigger reaches
// the trigger's model, and its line is kept.
func TestEverySetting(t *testing.T) {
	p, err := Parse([]byte(ebDoc(allSettings)), "")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Functions[0].Triggers[0]
	want := ebtrigger.Trigger{
		Name: "t", Function: "f", Instance: "rmq-1", Topic: "orders", Group: "GID_orders", Tag: "a||b",
		FilterType: "Tag", Offset: ebtrigger.OffsetTimestamp, Timestamp: time.UnixMilli(1636597951984),
		RegionID: "cn-shanghai", InstanceType: "Cloud_5",
		InstanceNetwork: "PrivateNetwork", InstanceEndpoint: "rmq-1.example", InstanceVpcID: "vpc-1",
		InstanceVSwitchIDs: "vsw-1,vsw-2", InstanceSecurityGroupID: "sg-1",
		AuthType: "ACL", InstanceUsername: "user", InstancePassword: "secret",
		Pattern: []byte(ebtrigger.DefaultPattern), Mode: ebtrigger.ModeEventStreaming, Schema: ebtrigger.SchemaRawData,
		Concurrency: 4, MaxTasks: 3, BatchCount: 7, BatchWindow: 2 * time.Second,
		RetryPolicy: ebtrigger.RetryExponential, MaxRetryAttempts: 5, MaxEventAge: 10 * time.Minute,
		ErrorsTolerance: ebtrigger.ToleranceAll, DeadLetterQueue: "acs:mns:cn-shanghai:1:/queues/dlq", DeadLetter: true,
	}
	compareFields(t, "trigger", got.Trigger, want)
	if got.Retries() != 5 {
		t.Errorf("Retries() = %d, want MaximumRetryAttempts 5", got.Retries())
	}
	lines := map[ebtrigger.Field]int{
		ebtrigger.FieldInstanceType: 20, ebtrigger.FieldAuthType: 27, ebtrigger.FieldInstanceNetwork: 31,
		ebtrigger.FieldInstanceVSwitchIDs: 33, ebtrigger.FieldConcurrency: 38, ebtrigger.FieldMaxTasks: 41,
		"MaximumRetryAttempts": 45, "NotAKey": 11,
	}
	for f, want := range lines {
		if l := got.LineOf(f); l != want {
			t.Errorf("LineOf(%s) = %d, want %d", f, l, want)
		}
	}
}
