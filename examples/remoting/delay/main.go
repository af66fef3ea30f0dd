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
	group   = flag.String("group", "GID_delay", "consumer `group`")
	level   = flag.Int("level", 3, "delay `level`, 1 to 18 (3 is 10s)")
	n       = flag.Int("n", 3, "how many messages to send and receive")
	timeout = flag.Duration("timeout", time.Minute, "give up after this long")
)

// delayLevels are the delays of levels 1 to 18 in the brokers' default
// messageDelayLevel.
var delayLevels = strings.Fields("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h")

func main() { example.Main("delay", timeout, run) }

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	if *level < 1 || *level > len(delayLevels) {
		return fmt.Errorf("-level %d: want 1 to %d", *level, len(delayLevels))
	}
	start := time.Now()
	runID := strconv.FormatInt(start.UnixNano(), 36) // tells this run's messages from earlier ones

	// The consumer first: it is subscribed long before the messages are
	// delivered.
	var (
		mu       sync.Mutex
		received = map[string]bool{}
		done     = make(chan struct{})
	)
	c, err := example.StartConsumer(*group, start, consumer.MessageSelector{}, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			if m.GetProperty("run") != runID {
				fmt.Printf("received a message of an earlier run: id=%s body=%q\n", m.MsgId, m.Body)
				continue
			}
			born := time.UnixMilli(m.BornTimestamp)
			fmt.Printf("received message %s at %s: id=%s born=%s delayed %.3fs (level %s)\n",
				m.GetProperty("n"), now.Format(time.TimeOnly+".000"), m.MsgId, born.Format(time.TimeOnly+".000"),
				now.Sub(born).Seconds(), m.GetProperty(primitive.PropertyDelayTimeLevel))
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

	p, err := example.StartProducer(producer.WithRetry(2))
	if err != nil {
		return err
	}
	defer p.Shutdown()

	for i := 1; i <= *n; i++ {
		num := strconv.Itoa(i)
		msg := primitive.NewMessage(*example.Topic, []byte("delayed message "+num)).WithDelayTimeLevel(*level)
		msg.WithProperty("run", runID)
		msg.WithProperty("n", num)
		res, err := example.SendSync(ctx, p, msg, "message "+num)
		if err != nil {
			return err
		}
		fmt.Printf("sent message %s at %s: id=%s delay level %d (%s)\n",
			num, time.Now().Format(time.TimeOnly+".000"), res.MsgID, *level, delayLevels[*level-1])
	}

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
