package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"

	"github.com/rocketfn/rocketfn/examples/remoting/internal/example"
)

var (
	group   = flag.String("group", "GID_ordered", "consumer `group`")
	n       = flag.Int("n", 3, "how many orders; each sends one message per step")
	timeout = flag.Duration("timeout", 30*time.Second, "give up after this long")
)

// steps are what happens to every order, in order; each is a message
// tagged with the step.
var steps = []string{"created", "paid", "shipped", "delivered"}

func main() { example.Main("ordered", timeout, run) }

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	start := time.Now()
	runID := strconv.FormatInt(start.UnixNano(), 36) // tells this run's messages from earlier ones
	orderID := func(k int) string { return "order-" + strconv.Itoa(k) }

	// The hash selector sends the messages of one sharding key to one
	// queue, which an orderly consumer reads in order.
	p, err := example.StartProducer(
		producer.WithQueueSelector(producer.NewHashQueueSelector()),
		producer.WithRetry(2),
	)
	if err != nil {
		return err
	}
	defer p.Shutdown()

	// The orders' steps interleave: every order's first step, then every
	// order's second step, and so on.
	for _, step := range steps {
		for k := 1; k <= *n; k++ {
			msg := primitive.NewMessage(*example.Topic, []byte(orderID(k)+" "+step)).
				WithTag(step).
				WithShardingKey(orderID(k))
			msg.WithProperty("run", runID)
			res, err := example.SendSync(ctx, p, msg, orderID(k)+" "+step)
			if err != nil {
				return err
			}
			fmt.Printf("sent %s %s: id=%s queue=%d offset=%d\n", orderID(k), step, res.MsgID, res.MessageQueue.QueueId, res.QueueOffset)
		}
	}

	// seen holds each order's steps as they came.
	var (
		mu       sync.Mutex
		seen     = map[string][]string{}
		received int
		failure  error
		done     = make(chan struct{})
	)
	c, err := example.StartConsumer(*group, start, consumer.MessageSelector{}, func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			if m.GetProperty("run") != runID {
				fmt.Printf("received a message of an earlier run: id=%s body=%q\n", m.MsgId, m.Body)
				continue
			}
			key, step := m.GetShardingKey(), m.GetTags()
			got := seen[key]
			if len(got) < len(steps) && step == steps[len(got)] {
				seen[key] = append(got, step)
				received++
			} else if slices.Contains(got, step) {
				fmt.Printf("received %s %s again (redelivered)\n", key, step)
				continue
			} else if failure == nil {
				failure = fmt.Errorf("%s: %s came after %v", key, step, got)
			}
			fmt.Printf("received %s %s: id=%s queue=%d offset=%d\n", key, step, m.MsgId, m.Queue.QueueId, m.QueueOffset)
		}
		if failure != nil || received == *n*len(steps) {
			select {
			case <-done:
			default:
				close(done)
			}
		}
		return consumer.ConsumeSuccess, nil
	}, consumer.WithConsumerOrder(true))
	if err != nil {
		return err
	}
	defer c.Shutdown()

	select {
	case <-done:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	if failure != nil {
		return fmt.Errorf("out of order: %w", failure)
	}
	for k := 1; k <= *n; k++ {
		if got := seen[orderID(k)]; len(got) > 0 {
			fmt.Printf("%s: %s\n", orderID(k), strings.Join(got, " -> "))
		} else {
			fmt.Printf("%s: nothing received\n", orderID(k))
		}
	}
	if received < *n*len(steps) {
		return fmt.Errorf("%w: received %d of %d messages (does group %s exist?)", context.Cause(ctx), received, *n*len(steps), *group)
	}
	fmt.Printf("received the %d orders' %d messages, each order's in order\n", *n, received)
	return nil
}
