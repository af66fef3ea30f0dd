package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"
	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc"

	"github.com/rocketfn/rocketfn/examples/grpc/internal/example"
)

var (
	group   = flag.String("group", "GID_delay", "consumer `group`")
	delay   = flag.Duration("delay", 10*time.Second, "how long after sending each message is delivered (SetDelayTimestamp)")
	n       = flag.Int("n", 3, "how many messages to send and receive")
	timeout = flag.Duration("timeout", time.Minute, "give up after this long")
)

// clockFormat shows times of day to the millisecond.
const clockFormat = time.TimeOnly + ".000"

func main() {
	example.Main("delay", timeout, run, grpc.WithChainStreamInterceptor(deliveries.intercept))
}

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	if *delay <= 0 {
		return fmt.Errorf("-delay %v: want a positive duration", *delay)
	}
	runID := strconv.FormatInt(time.Now().UnixNano(), 36) // tells this run's messages from earlier ones

	p, err := example.StartProducer(rmq.WithTopics(*example.Topic))
	if err != nil {
		return err
	}
	defer p.GracefulStop()

	// The consumer receives from before the first send.
	c, err := example.StartConsumer(*group, rmq.SUB_ALL)
	if err != nil {
		return err
	}
	defer c.GracefulStop()

	// received holds this run's message IDs; the receiving goroutine owns
	// it until it ends. A message is early when the server delivered it
	// before its delivery time, by the server's clock, which decides; this
	// host's may differ from it.
	received := map[string]bool{}
	consumed := make(chan error, 1)
	go func() {
		consumed <- example.Receive(ctx, c, func(m *rmq.MessageView) (bool, error) {
			at := time.Now()
			props := m.GetProperties()
			if props["run"] != runID {
				fmt.Printf("received a message of an earlier run: id=%s body=%q\n", m.GetMessageId(), m.GetBody())
				return false, nil
			}
			if m.GetDeliveryTimestamp() == nil {
				return false, fmt.Errorf("message %s (id %s) came without its delivery time", props["n"], m.GetMessageId())
			}
			due := m.GetDeliveryTimestamp().Local()
			delivered, clock := deliveries.last(), "server's"
			if delivered.IsZero() {
				delivered, clock = at, "this host's" // the server sent no delivery time
			}
			fmt.Printf("received message %s at %s: id=%s due %s, delivered %s by the %s clock, %.3fs after due\n",
				props["n"], at.Format(clockFormat), m.GetMessageId(), due.Format(clockFormat), delivered.Format(clockFormat), clock,
				delivered.Sub(due).Seconds())
			if delivered.Before(due) {
				return false, fmt.Errorf("message %s (id %s) was delivered at %s by the %s clock, %.3fs before its delivery time %s",
					props["n"], m.GetMessageId(), delivered.Format(clockFormat), clock, due.Sub(delivered).Seconds(), due.Format(clockFormat))
			}
			received[m.GetMessageId()] = true
			return len(received) == *n, nil
		})
	}()

	for i := 1; i <= *n; i++ {
		num := strconv.Itoa(i)
		msg := &rmq.Message{Topic: *example.Topic, Body: []byte("delayed message " + num)}
		msg.AddProperty("run", runID)
		msg.AddProperty("n", num)
		// Servers keep delivery times to the millisecond.
		now := time.Now()
		msg.SetDelayTimestamp(now.Add(*delay).Truncate(time.Millisecond))
		rs, err := p.Send(ctx, msg)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s at %s: %w", i, *example.Topic, *example.Endpoint, example.Cause(ctx, err))
		}
		for _, r := range rs {
			fmt.Printf("sent message %s at %s: id=%s due %s (in %v)\n",
				num, now.Format(clockFormat), r.MessageID, msg.GetDeliveryTimestamp().Format(clockFormat), *delay)
		}
	}

	if err := <-consumed; err != nil {
		if ctx.Err() == nil && strings.HasPrefix(err.Error(), "message ") {
			return err
		}
		return example.ReceiveFailed(ctx, *group, err, fmt.Sprintf("received %d of %d messages", len(received), *n))
	}
	fmt.Printf("received %d of %d messages, none before its delivery time\n", *n, *n)
	return nil
}

// deliveries records the delivery time a 5.x server streams after each
// receive's messages: its clock when it delivered them. The client reads
// it but keeps it to itself, so a stream interceptor on the consumer's
// connections takes it.
var deliveries serverClock

type serverClock struct {
	mu sync.Mutex
	at time.Time // of the latest receive; zero when it streamed none
}

// last is the delivery time of the latest receive; zero if none came.
// The program receives one call at a time.
func (s *serverClock) last() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at
}

func (s *serverClock) intercept(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil || method != "/apache.rocketmq.v2.MessagingService/ReceiveMessage" {
		return cs, err
	}
	s.mu.Lock()
	s.at = time.Time{}
	s.mu.Unlock()
	return &receiveStream{ClientStream: cs, clock: s}, nil
}

// receiveStream is a ReceiveMessage stream whose delivery time is
// recorded.
type receiveStream struct {
	grpc.ClientStream
	clock *serverClock
}

func (r *receiveStream) RecvMsg(m any) error {
	err := r.ClientStream.RecvMsg(m)
	if resp, ok := m.(*v2.ReceiveMessageResponse); ok && err == nil {
		if ts := resp.GetDeliveryTimestamp(); ts != nil {
			r.clock.mu.Lock()
			r.clock.at = ts.AsTime().Local()
			r.clock.mu.Unlock()
		}
	}
	return err
}
