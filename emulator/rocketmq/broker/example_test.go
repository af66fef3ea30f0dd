package broker_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Example publishes a message, consumes it without acknowledging it, lets
// its invisibility pass on a fake clock, receives it again and
// acknowledges it.
func Example() {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	b, err := broker.Open(broker.Config{
		Clock:         func() time.Time { return now },
		InvisibleTime: 30 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()

	if _, err := b.Publish(ctx, broker.Message{Topic: "orders", Tag: "created", Body: []byte("order 1")}); err != nil {
		log.Fatal(err)
	}
	req := broker.ConsumeRequest{Topic: "orders", Group: "GID-billing", Tag: "created||paid", Max: 16}
	ds, _ := b.Consume(ctx, req)
	fmt.Printf("%s: delivery %d\n", ds[0].Body, ds[0].ConsumedTimes)

	ds, _ = b.Consume(ctx, req)
	fmt.Println("while invisible:", len(ds))

	now = now.Add(30 * time.Second)
	b.Tick()
	ds, _ = b.Consume(ctx, req)
	fmt.Printf("%s: delivery %d\n", ds[0].Body, ds[0].ConsumedTimes)

	failed, err := b.Ack(ctx, "", "orders", "GID-billing", []string{ds[0].ReceiptHandle})
	fmt.Println("ack failures:", len(failed), err)
	failed, _ = b.Ack(ctx, "", "orders", "GID-billing", []string{ds[0].ReceiptHandle})
	fmt.Println("ack again:", failed[0].Code)
	fmt.Printf("%+v\n", b.Stats())
	// Output:
	// order 1: delivery 1
	// while invisible: 0
	// order 1: delivery 2
	// ack failures: 0 <nil>
	// ack again: MessageNotExist
	// {Published:1 Delivered:2 Acked:1 DeadLettered:0 Committed:0 RolledBack:0 Expired:0}
}
