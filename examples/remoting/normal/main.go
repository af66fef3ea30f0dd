package main

import (
	"context"
	"flag"
	"fmt"
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
	group   = flag.String("group", "GID_normal", "consumer `group`")
	tag     = flag.String("tag", "TagA", "`tag` of the messages, which the consumer subscribes to")
	keys    = flag.String("keys", "order-{n}", "`keys` of each message, separated by spaces; {n} is its number")
	body    = flag.String("body", "Hello RocketMQ {n}", "`body` of each message; {n} is its number")
	n       = flag.Int("n", 3, "how many messages to send and receive")
	consume = flag.Bool("consume", true, "receive the messages after sending them; false only sends")
	timeout = flag.Duration("timeout", 30*time.Second, "give up after this long")
)

func main() { example.Main("normal", timeout, run) }

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	start := time.Now()
	// Every message carries the run's ID, so the consumer tells this
	// run's messages from those earlier runs left in the topic.
	runID := strconv.FormatInt(start.UnixNano(), 36)

	p, err := example.StartProducer(producer.WithRetry(2))
	if err != nil {
		return err
	}
	defer p.Shutdown()

	for i := 1; i <= *n; i++ {
		num := strconv.Itoa(i)
		msg := primitive.NewMessage(*example.Topic, []byte(strings.ReplaceAll(*body, "{n}", num))).
			WithTag(*tag).
			WithKeys(strings.Fields(strings.ReplaceAll(*keys, "{n}", num)))
		msg.WithProperty("run", runID)
		msg.WithProperty("n", num)
		res, err := example.SendSync(ctx, p, msg, "message "+num)
		if err != nil {
			return err
		}
		fmt.Printf("sent message %s: id=%s queue=%d offset=%d tag=%s keys=%q\n",
			num, res.MsgID, res.MessageQueue.QueueId, res.QueueOffset, msg.GetTags(), msg.GetKeys())
	}
	if !*consume {
		return nil
	}

	// received collects this run's messages; done is closed at the n-th.
	var (
		mu       sync.Mutex
		received = map[string]bool{}
		done     = make(chan struct{})
	)
	// A group seen for the first time starts at the messages stored
	// since a minute before the run, so it gets those just sent.
	selector := consumer.MessageSelector{Type: consumer.TAG, Expression: *tag}
	c, err := example.StartConsumer(*group, start, selector, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			if m.GetProperty("run") != runID {
				fmt.Printf("received a message of an earlier run: id=%s body=%q\n", m.MsgId, m.Body)
				continue
			}
			fmt.Printf("received message %s: id=%s queue=%d offset=%d tag=%s keys=%q reconsumed=%d body=%q\n",
				m.GetProperty("n"), m.MsgId, m.Queue.QueueId, m.QueueOffset, m.GetTags(), m.GetKeys(), m.ReconsumeTimes, m.Body)
			if !received[m.MsgId] {
				received[m.MsgId] = true
				if len(received) == *n {
					close(done)
				}
			}
		}
		return consumer.ConsumeSuccess, nil
	})
	if err != nil {
		return err
	}
	defer c.Shutdown()

	select {
	case <-done:
		fmt.Printf("received %d of %d messages\n", *n, *n)
		return nil
	case <-ctx.Done():
		mu.Lock()
		got := len(received)
		mu.Unlock()
		return fmt.Errorf("%w: received %d of %d messages (does group %s exist?)", context.Cause(ctx), got, *n, *group)
	}
}
