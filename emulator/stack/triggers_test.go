package stack

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/runtime/event"
)

// sharedSource is an s.yaml whose two triggers share their RocketMQ
// source through a merge key: the settings of the anchored block (lines
// 19-24) are at the same lines for both.
const sharedSource = `edition: 3.0.0
name: t
resources:
  f:
    component: fc3
    props:
      region: cn-shanghai
      functionName: f
      runtime: custom
      code: ./c
      triggers:
        - triggerName: first
          triggerType: eventbridge
          triggerConfig:
            eventSourceConfig:
              eventSourceType: RocketMQ
              eventSourceParameters:
                sourceRocketMQParameters: &src
                  Topic: orders
                  InstanceNetwork: PrivateNetwork
                  InstanceType: Cloud_5
                  GroupID: GID_first
                  InstanceId: rmq-1
                  Offset: CONSUME_FROM_FIRST_OFFSET
            runOptions:
              mode: event-driven
              errorsTolerance: ALL
              retryStrategy:
                PushRetryStrategy: BACKOFF_RETRY
                MaximumRetryAttempts: 1
              deadLetterQueue:
                Arn: acs:mns:cn-shanghai:1:/queues/dlq
        - triggerName: second
          triggerType: eventbridge
          triggerConfig:
            eventSourceConfig:
              eventSourceType: RocketMQ
              eventSourceParameters:
                sourceRocketMQParameters:
                  <<: *src
                  GroupID: GID_second
                  Offset: CONSUME_FROM_TIMESTAMP
                  Timestamp: 1700000060000
            eventSinkConfig:
              deliveryOption:
                concurrency: 2
            runOptions:
              mode: event-driven
`

// records is a slog.Handler keeping the messages of warnings.
type records struct {
	mu   sync.Mutex
	msgs []string
}

func (r *records) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.msgs = append(r.msgs, rec.Message)
	r.mu.Unlock()
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// TestNoLocalEffectWarnings: each setting without a local effect is
// warned about once, at its line, though both triggers carry the shared
// ones.
func TestNoLocalEffectWarnings(t *testing.T) {
	p, err := syaml.Parse([]byte(sharedSource), "", syaml.WithFile("deploy/s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rec records
	s := &Stack{log: slog.New(&rec)}
	s.warnNoLocalEffect(p, p.Functions)
	want := []string{
		"s.yaml:21: InstanceType has no local effect",
		"s.yaml:20: InstanceNetwork has no local effect",
		"s.yaml:46: concurrency has no local effect",
	}
	if !slices.Equal(rec.msgs, want) {
		t.Errorf("warnings:\n%q\nwant\n%q", rec.msgs, want)
	}
}

// TestSYAMLSettingsReachTheBridge: what s.yaml sets reaches the local
// EventBridge: CONSUME_FROM_FIRST_OFFSET gives a new group the messages
// published before, MaximumRetryAttempts 1 allows one retry before the
// dead-letter queue, CONSUME_FROM_TIMESTAMP starts at Timestamp, and
// RegionId (the function's region here) names the events' region.
func TestSYAMLSettingsReachTheBridge(t *testing.T) {
	p, err := syaml.Parse([]byte(sharedSource), "")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.UnixMilli(1700000000000) // a minute before the second trigger's Timestamp
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	mq, err := broker.Open(broker.Config{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mq.Close() })
	publish := func(body string) {
		t.Helper()
		if _, err := mq.Publish(context.Background(), broker.Message{Instance: "rmq-1", Topic: "orders", Body: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	publish("early")
	advance(2 * time.Minute)
	publish("late")

	bridge, err := eventbridge.New(eventbridge.Config{Broker: mq, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	type delivery struct {
		body, region string
	}
	got := map[string][]delivery{}
	cfg := Config{Region: "cn-hangzhou", AccountID: "42"}
	for _, tr := range p.Functions[0].Triggers {
		name := tr.Name
		sink := eventbridge.SinkFunc(func(_ context.Context, payload []byte, _ string) (eventbridge.Outcome, error) {
			ev, err := event.Decode(payload)
			if err != nil || len(ev.Messages) != 1 {
				t.Errorf("%s: payload %s: %v", name, payload, err)
				return eventbridge.Outcome{}, nil
			}
			mu.Lock()
			got[name] = append(got[name], delivery{string(ev.Messages[0].Body), ev.Messages[0].Region()})
			mu.Unlock()
			return eventbridge.Outcome{Failed: name == "first", Reason: "boom"}, nil
		})
		if err := bridge.Add(trigger(tr, cfg), sink); err != nil {
			t.Fatalf("Add %s: %v", name, err)
		}
	}
	for range 100 {
		mq.Tick()
		bridge.Tick()
		due := bridge.Due()
		if due.IsZero() {
			break
		}
		if c := clock(); due.After(c) {
			advance(due.Sub(c))
		}
	}
	first := []delivery{{"early", "cn-shanghai"}, {"early", "cn-shanghai"}, {"late", "cn-shanghai"}, {"late", "cn-shanghai"}}
	if !slices.Equal(got["first"], first) {
		t.Errorf("first got %v, want both earlier messages, each tried twice (MaximumRetryAttempts 1)", got["first"])
	}
	if want := []delivery{{"late", "cn-shanghai"}}; !slices.Equal(got["second"], want) {
		t.Errorf("second got %v, want only the message from its Timestamp on", got["second"])
	}
	dead, err := bridge.DeadLetters("first")
	if err != nil || len(dead) != 2 || dead[0].Attempts != 2 {
		t.Errorf("dead letters of first: %+v, %v; want both messages after 2 attempts", dead, err)
	}
	if tr, _ := bridge.Trigger("first"); tr.AccountID != "42" || tr.Group != "GID_first" || tr.InstanceNetwork != "PrivateNetwork" {
		t.Errorf("trigger as added: %+v", tr)
	}
}
