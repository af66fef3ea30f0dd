package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"

	"github.com/rocketfn/rocketfn/examples/grpc/internal/example"
)

var (
	group   = flag.String("group", "GID_normal", "consumer `group`")
	tag     = flag.String("tag", "TagA", "`tag` of the messages, which the consumer subscribes to")
	keys    = flag.String("keys", "order-{n}", "`keys` of each message, separated by spaces; {n} is its number")
	body    = flag.String("body", "Hello RocketMQ {n}", "`body` of each message; {n} is its number")
	n       = flag.Int("n", 3, "how many messages to send and receive")
	consume = flag.Bool("consume", true, "receive the messages while sending them; false only sends")
	timeout = flag.Duration("timeout", 30*time.Second, "give up after this long")
)

func main() { example.Main("normal", timeout, run) }

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	// Every message carries the run's ID, so the consumer tells this
	// run's messages from those earlier runs left in the topic.
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)

	// WithTopics makes Start fetch the topic's route, so a topic the
	// server lacks fails here.
	p, err := example.StartProducer(rmq.WithTopics(*example.Topic))
	if err != nil {
		return err
	}
	defer p.GracefulStop()

	// The consumer receives from before the first send, so that a group
	// new to a server has received once before the messages exist.
	received := map[string]bool{} // this run's message IDs; owned by the receiving goroutine until it ends
	var consumed chan error
	if *consume {
		c, err := example.StartConsumer(*group, rmq.NewFilterExpression(*tag))
		if err != nil {
			return err
		}
		defer c.GracefulStop()
		consumed = make(chan error, 1)
		go func() {
			consumed <- example.Receive(ctx, c, func(m *rmq.MessageView) (bool, error) {
				props := m.GetProperties()
				if props["run"] != runID {
					fmt.Printf("received a message of an earlier run: id=%s body=%q\n", m.GetMessageId(), m.GetBody())
					return false, nil
				}
				fmt.Printf("received message %s: id=%s offset=%d tag=%s keys=%q attempt=%d body=%q\n",
					props["n"], m.GetMessageId(), m.GetOffset(), example.Str(m.GetTag()), strings.Join(m.GetKeys(), " "),
					m.GetDeliveryAttempt(), m.GetBody())
				received[m.GetMessageId()] = true
				return len(received) == *n, nil
			})
		}()
	}

	for i := 1; i <= *n; i++ {
		num := strconv.Itoa(i)
		msg := &rmq.Message{Topic: *example.Topic, Body: []byte(strings.ReplaceAll(*body, "{n}", num))}
		msg.SetTag(*tag)
		msg.SetKeys(strings.Fields(strings.ReplaceAll(*keys, "{n}", num))...)
		msg.AddProperty("run", runID)
		msg.AddProperty("n", num)
		rs, err := p.Send(ctx, msg)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s at %s: %w", i, *example.Topic, *example.Endpoint, example.Cause(ctx, err))
		}
		for _, r := range rs {
			fmt.Printf("sent message %s: id=%s offset=%d tag=%s keys=%q\n", num, r.MessageID, r.Offset, *msg.GetTag(), strings.Join(msg.GetKeys(), " "))
		}
	}
	if !*consume {
		return nil
	}
	if err := <-consumed; err != nil {
		return example.ReceiveFailed(ctx, *group, err, fmt.Sprintf("received %d of %d messages", len(received), *n))
	}
	fmt.Printf("received %d of %d messages\n", *n, *n)
	return nil
}
