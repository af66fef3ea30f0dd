package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/examples/mqclient"
)

// Consume requests take at most 16 messages and long-poll at most 30 s.
const (
	maxBatch = 16
	maxPoll  = 30
)

// consume long-polls c in batches of up to 16, printing and acknowledging
// each batch, until it has -n messages, -wait has passed or ctx ends.
func consume(ctx context.Context, c mq.MQConsumer, o options, out io.Writer) error {
	var deadline time.Time
	if o.wait > 0 {
		deadline = time.Now().Add(o.wait)
	}
	got := 0
	for o.n == 0 || got < o.n {
		poll := pollSeconds(deadline)
		if poll == 0 {
			break
		}
		ms, err := receive(ctx, c, o.orderly, batchSize(o.n, got), poll)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			return fmt.Errorf("consume topic %s as group %s: %w", c.TopicName(), c.Consumer(), err)
		}
		if len(ms) == 0 {
			fmt.Fprintf(out, "no new message in %d s\n", poll)
			continue
		}
		for _, m := range ms {
			printMessage(out, m)
		}
		if err := ack(c, ms, out); err != nil {
			return err
		}
		got += len(ms)
	}
	return finish(ctx, o, got, out)
}

// finish reports how consuming ended: an error when fewer than -n
// messages came.
func finish(ctx context.Context, o options, got int, out io.Writer) error {
	fmt.Fprintf(out, "consumed %d messages\n", got)
	if o.n > 0 && got < o.n {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("received %d of %d messages: %w", got, o.n, err)
		}
		return fmt.Errorf("received %d of %d messages within %v", got, o.n, o.wait)
	}
	return nil
}

// receive makes one consume request: ConsumeMessage, or
// ConsumeMessageOrderly for ordered consumption, which returns the
// messages of each sharding key in order and nothing more of a key until
// they are acknowledged. The server holds the request up to wait seconds
// for messages to come; if none does it answers MessageNotExist, which is
// not a failure: receive returns no messages.
func receive(ctx context.Context, c mq.MQConsumer, orderly bool, max int32, wait int64) ([]mq.ConsumeMessageEntry, error) {
	resp, err := mqclient.Receive(ctx, func(respc chan mq.ConsumeMessageResponse, errc chan error) {
		if orderly {
			c.ConsumeMessageOrderly(respc, errc, max, wait)
		} else {
			c.ConsumeMessage(respc, errc, max, wait)
		}
	})
	if err != nil && strings.Contains(err.Error(), "MessageNotExist") {
		return nil, nil // no message within the long poll
	}
	return resp.Messages, err
}

// ack acknowledges ms. Until a message is acknowledged its group gets it
// again after its NextConsumeTime (5 minutes, 1 minute for ordered
// consumption). A handle that has expired fails alone: its failure is
// printed and the message will come again.
func ack(c mq.MQConsumer, ms []mq.ConsumeMessageEntry, out io.Writer) error {
	err := c.AckMessage(mqclient.Handles(ms))
	if err == nil {
		return nil
	}
	items := mqclient.AckErrors(err)
	if len(items) == 0 {
		return fmt.Errorf("ack %d messages of topic %s: %w", len(ms), c.TopicName(), err)
	}
	for _, item := range items {
		fmt.Fprintf(out, "ack failed for handle %s: %s %s\n", item.ErrorHandle, item.ErrorCode, item.ErrorMsg)
	}
	return nil
}

// printMessage prints one message on one line, its body last.
func printMessage(out io.Writer, m mq.ConsumeMessageEntry) {
	fmt.Fprintf(out, "message %s tag=%q keys=%q shardingKey=%q consumedTimes=%d published=%s properties=%v body=%s\n",
		m.MessageId, m.MessageTag, m.MessageKey, m.ShardingKey, m.ConsumedTimes,
		time.UnixMilli(m.PublishTime).UTC().Format(time.RFC3339Nano), m.Properties, m.MessageBody)
}

// pollSeconds is the long poll of the next request: 30 s, or the whole
// seconds left before deadline, rounded up; 0 once deadline has passed.
func pollSeconds(deadline time.Time) int64 {
	if deadline.IsZero() {
		return maxPoll
	}
	left := time.Until(deadline)
	if left <= 0 {
		return 0
	}
	return min(maxPoll, int64(math.Ceil(left.Seconds())))
}

// batchSize is how many messages to ask for: 16, or fewer when only
// n-got remain to reach -n.
func batchSize(n, got int) int32 {
	if n == 0 || n-got >= maxBatch {
		return maxBatch
	}
	return int32(n - got)
}
