package eventbridge_test

import (
	"context"
	"fmt"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/runtime/event"
)

// A trigger in event-streaming mode delivers arrays of CloudEvents; with
// a fixed clock, Tick delivers what is due at once.
func Example() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }
	mq, _ := broker.Open(broker.Config{Clock: clock})
	defer mq.Close()
	bridge, _ := eventbridge.New(eventbridge.Config{Broker: mq, Clock: clock})

	handler := eventbridge.SinkFunc(func(ctx context.Context, payload []byte, requestID string) (eventbridge.Outcome, error) {
		p, err := event.Decode(payload)
		if err != nil {
			return eventbridge.Outcome{}, err
		}
		for _, m := range p.Messages {
			fmt.Printf("batch=%v topic=%s tag=%s keys=%v body=%s source=%s\n",
				p.Batch, m.Topic, m.Tag, m.Keys, m.Body, m.Event.Source)
		}
		return eventbridge.Outcome{}, nil
	})
	err := bridge.Add(eventbridge.Trigger{
		Name: "orders-trigger", Function: "orders", Topic: "orders", Tag: "created",
		Mode: eventbridge.ModeEventStreaming, BatchCount: 10,
	}, handler)
	if err != nil {
		fmt.Println(err)
		return
	}
	mq.Publish(ctx, broker.Message{Topic: "orders", Tag: "created", Keys: "order-1", Body: []byte(`{"id":1}`)})
	mq.Publish(ctx, broker.Message{Topic: "orders", Tag: "deleted", Keys: "order-2", Body: []byte(`{"id":2}`)})
	bridge.Tick()
	fmt.Printf("%+v\n", bridge.Stats("orders-trigger"))
	// Output:
	// batch=true topic=orders tag=created keys=[order-1] body={"id":1} source=RocketMQ-orders-orders-trigger
	// {Accepted:1 Filtered:0 Duplicates:0 Invocations:1 Delivered:1 Failed:0 Retried:0 DeadLettered:0 Skipped:0 Redriven:0 Pending:0 Blocked:false}
}

// A failing function is retried on the bridge's clock; after the last
// retry the event is dead-lettered, and a redrive delivers it again.
func Example_deadLetters() {
	ctx := context.Background()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	mq, _ := broker.Open(broker.Config{Clock: clock})
	defer mq.Close()
	bridge, _ := eventbridge.New(eventbridge.Config{Broker: mq, Clock: clock})

	healthy := false
	handler := eventbridge.SinkFunc(func(context.Context, []byte, string) (eventbridge.Outcome, error) {
		return eventbridge.Outcome{Failed: !healthy, Reason: "table not found"}, nil
	})
	bridge.Add(eventbridge.Trigger{
		Name: "players-trigger", Function: "players", Topic: "players", Mode: eventbridge.ModeEventDriven,
		ErrorsTolerance: eventbridge.ToleranceAll, DeadLetter: true,
	}, handler)
	mq.Publish(ctx, broker.Message{Topic: "players", Body: []byte(`{"id":1001}`)})
	for bridge.Tick(); !bridge.Due().IsZero(); bridge.Tick() {
		now = bridge.Due() // jump to the next retry
	}
	dead, _ := bridge.DeadLetters("players-trigger")
	fmt.Println(len(dead), "dead letter after", dead[0].Attempts, "attempts:", dead[0].Reason)

	healthy = true
	bridge.Redrive(ctx, "players-trigger", nil)
	bridge.Tick()
	s := bridge.Stats("players-trigger")
	fmt.Println("delivered", s.Delivered, "retried", s.Retried, "redriven", s.Redriven)
	// Output:
	// 1 dead letter after 4 attempts: table not found
	// delivered 1 retried 3 redriven 1
}
