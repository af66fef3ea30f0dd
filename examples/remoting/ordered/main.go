package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

var (
	nameServer = flag.String("nameserver", envOr("NAMESRV_ADDR", "127.0.0.1:9876"), "name server `addresses` (host:port, several separated by ';')")
	namespace  = flag.String("namespace", os.Getenv("MQ_INSTANCE"), "`instance` ID the topic and group are in (WithNamespace); empty for none")
	accessKey  = flag.String("access-key", os.Getenv("ROCKETMQ_ACCESS_KEY"), "access `key` for brokers with ACL")
	secretKey  = flag.String("secret-key", os.Getenv("ROCKETMQ_SECRET_KEY"), "secret `key` of -access-key")
	topic      = flag.String("topic", "TopicTest", "`topic` to send to and consume")
	group      = flag.String("group", "GID_ordered", "consumer `group`")
	n          = flag.Int("n", 3, "how many orders; each sends one message per step")
	timeout    = flag.Duration("timeout", 30*time.Second, "give up after this long")
	verbose    = flag.Bool("v", false, "show the client's warnings and errors on stderr")
)

// steps are what happens to every order, in order; each is a message
// tagged with the step.
var steps = []string{"created", "paid", "shipped", "delivered"}

func main() {
	flag.Parse()
	quietClient()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "ordered:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	start := time.Now()
	runID := strconv.FormatInt(start.UnixNano(), 36) // tells this run's messages from earlier ones
	orderID := func(k int) string { return "order-" + strconv.Itoa(k) }

	// The hash selector sends the messages of one sharding key to one
	// queue, which an orderly consumer reads in order.
	p, err := rocketmq.NewProducer(
		producer.WithNameServer(nameServers()),
		producer.WithNamespace(*namespace),
		producer.WithCredentials(credentials()),
		producer.WithQueueSelector(producer.NewHashQueueSelector()),
		producer.WithRetry(2),
	)
	if err != nil {
		return fmt.Errorf("new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return fmt.Errorf("start producer: %w", err)
	}
	defer p.Shutdown()

	// The orders' steps interleave: every order's first step, then every
	// order's second step, and so on.
	for _, step := range steps {
		for k := 1; k <= *n; k++ {
			msg := primitive.NewMessage(*topic, []byte(orderID(k)+" "+step)).
				WithTag(step).
				WithShardingKey(orderID(k))
			msg.WithProperty("run", runID)
			res, err := p.SendSync(ctx, msg)
			if err != nil {
				return fmt.Errorf("send %s %s to topic %s through name server %s: %w", orderID(k), step, *topic, *nameServer, cause(ctx, err))
			}
			if res.Status != primitive.SendOK {
				return fmt.Errorf("send %s %s to %s: status %d", orderID(k), step, *topic, res.Status)
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
	c, err := rocketmq.NewPushConsumer(
		consumer.WithNameServer(nameServers()),
		consumer.WithNamespace(*namespace),
		consumer.WithCredentials(credentials()),
		consumer.WithGroupName(*group),
		consumer.WithConsumerOrder(true),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromTimestamp),
		consumer.WithConsumeTimestamp(start.Add(-time.Minute).UTC().Format("20060102150405")),
	)
	if err != nil {
		return fmt.Errorf("new consumer: %w", err)
	}
	err = c.Subscribe(*topic, consumer.MessageSelector{}, func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
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
	})
	if err != nil {
		return fmt.Errorf("subscribe to %s: %w", *topic, err)
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("start consumer: %w", err)
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

// nameServers splits -nameserver as NAMESRV_ADDR is written.
func nameServers() []string {
	return strings.FieldsFunc(*nameServer, func(r rune) bool { return r == ';' || r == ',' })
}

// credentials are -access-key and -secret-key; empty ones leave requests
// unsigned.
func credentials() primitive.Credentials {
	return primitive.Credentials{AccessKey: *accessKey, SecretKey: *secretKey}
}

// cause is ctx's cause when ctx ended, for errors of calls it ended.
func cause(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, context.Cause(ctx)) {
		return fmt.Errorf("%w (%v)", context.Cause(ctx), err)
	}
	return err
}

// quietClient keeps the client's log to fatal errors, unless -v or
// ROCKETMQ_GO_LOG_LEVEL asks for it: the program reports failures itself.
func quietClient() {
	switch {
	case *verbose:
		rlog.SetLogLevel("warn")
	case os.Getenv("ROCKETMQ_GO_LOG_LEVEL") == "":
		rlog.SetLogLevel("fatal")
	}
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
