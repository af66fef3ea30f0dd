package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"

	"github.com/rocketfn/rocketfn/examples/grpc/internal/example"
)

var (
	group   = flag.String("group", "GID_fifo", "consumer `group`")
	n       = flag.Int("n", 3, "how many orders, each a message group with one message per step")
	timeout = flag.Duration("timeout", 30*time.Second, "give up after this long")
)

// steps are what happens to every order, in order; each is a message of
// the order's message group, tagged with the step.
var steps = []string{"created", "paid", "shipped", "delivered"}

func main() { example.Main("fifo", timeout, run) }

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	runID := strconv.FormatInt(time.Now().UnixNano(), 36) // tells this run's messages from earlier ones
	orderID := func(k int) string { return "order-" + strconv.Itoa(k) }
	total := *n * len(steps)

	p, err := example.StartProducer(rmq.WithTopics(*example.Topic))
	if err != nil {
		return err
	}
	defer p.GracefulStop()

	c, err := example.StartConsumer(*group, rmq.SUB_ALL)
	if err != nil {
		return err
	}
	defer c.GracefulStop()

	// seen holds each order's steps as they came; the receiving goroutine
	// owns it until it ends. The server gives a message group's next
	// message only once the one before is acknowledged, so a step that
	// comes before the one it follows is a failure.
	seen := map[string][]string{}
	received := 0
	consumed := make(chan error, 1)
	go func() {
		consumed <- example.Receive(ctx, c, func(m *rmq.MessageView) (bool, error) {
			if m.GetProperties()["run"] != runID {
				fmt.Printf("received a message of an earlier run: id=%s group=%s body=%q\n", m.GetMessageId(), example.Str(m.GetMessageGroup()), m.GetBody())
				return false, nil
			}
			key, step := example.Str(m.GetMessageGroup()), example.Str(m.GetTag())
			got := seen[key]
			if slices.Contains(got, step) {
				fmt.Printf("received %s %s again (attempt %d)\n", key, step, m.GetDeliveryAttempt())
				return false, nil
			}
			fmt.Printf("received %s %s: id=%s offset=%d attempt=%d\n", key, step, m.GetMessageId(), m.GetOffset(), m.GetDeliveryAttempt())
			if len(got) >= len(steps) || step != steps[len(got)] {
				return false, fmt.Errorf("out of order: %s: %s came after %v", key, step, got)
			}
			seen[key] = append(got, step)
			received++
			return received == total, nil
		})
	}()

	// The orders' steps interleave: every order's first step, then every
	// order's second step, and so on. Each order is a message group:
	// its messages are delivered in the order they were sent.
	for _, step := range steps {
		for k := 1; k <= *n; k++ {
			msg := &rmq.Message{Topic: *example.Topic, Body: []byte(orderID(k) + " " + step)}
			msg.SetMessageGroup(orderID(k))
			msg.SetTag(step)
			msg.SetKeys(orderID(k))
			msg.AddProperty("run", runID)
			rs, err := p.Send(ctx, msg)
			if err != nil {
				return fmt.Errorf("send %s %s to topic %s at %s: %w", orderID(k), step, *example.Topic, *example.Endpoint, example.Cause(ctx, err))
			}
			for _, r := range rs {
				fmt.Printf("sent %s %s: id=%s group=%s offset=%d\n", orderID(k), step, r.MessageID, orderID(k), r.Offset)
			}
		}
	}

	err = <-consumed
	for k := 1; k <= *n; k++ {
		if got := seen[orderID(k)]; len(got) > 0 {
			fmt.Printf("%s: %s\n", orderID(k), strings.Join(got, " -> "))
		} else {
			fmt.Printf("%s: nothing received\n", orderID(k))
		}
	}
	switch {
	case err != nil && ctx.Err() == nil && strings.HasPrefix(err.Error(), "out of order"):
		return err
	case err != nil:
		return example.ReceiveFailed(ctx, *group, err, fmt.Sprintf("received %d of %d messages", received, total))
	}
	fmt.Printf("received the %d orders' %d messages, each order's in order\n", *n, received)
	return nil
}
