package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
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
	group      = flag.String("group", "GID_normal", "consumer `group`")
	tag        = flag.String("tag", "TagA", "`tag` of the messages, which the consumer subscribes to")
	keys       = flag.String("keys", "order-{n}", "`keys` of each message, separated by spaces; {n} is its number")
	body       = flag.String("body", "Hello RocketMQ {n}", "`body` of each message; {n} is its number")
	n          = flag.Int("n", 3, "how many messages to send and receive")
	consume    = flag.Bool("consume", true, "receive the messages after sending them; false only sends")
	timeout    = flag.Duration("timeout", 30*time.Second, "give up after this long")
	verbose    = flag.Bool("v", false, "show the client's warnings and errors on stderr")
)

func main() {
	flag.Parse()
	quietClient()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "normal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	start := time.Now()
	// Every message carries the run's ID, so the consumer tells this
	// run's messages from those earlier runs left in the topic.
	runID := strconv.FormatInt(start.UnixNano(), 36)

	p, err := rocketmq.NewProducer(
		producer.WithNameServer(nameServers()),
		producer.WithNamespace(*namespace),
		producer.WithCredentials(credentials()),
		producer.WithRetry(2),
	)
	if err != nil {
		return fmt.Errorf("new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return fmt.Errorf("start producer: %w", err)
	}
	defer p.Shutdown()

	for i := 1; i <= *n; i++ {
		num := strconv.Itoa(i)
		msg := primitive.NewMessage(*topic, []byte(strings.ReplaceAll(*body, "{n}", num))).
			WithTag(*tag).
			WithKeys(strings.Fields(strings.ReplaceAll(*keys, "{n}", num)))
		msg.WithProperty("run", runID)
		msg.WithProperty("n", num)
		res, err := p.SendSync(ctx, msg)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s through name server %s: %w", i, *topic, *nameServer, cause(ctx, err))
		}
		if res.Status != primitive.SendOK {
			return fmt.Errorf("send message %d to %s: status %d", i, *topic, res.Status)
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
	c, err := rocketmq.NewPushConsumer(
		consumer.WithNameServer(nameServers()),
		consumer.WithNamespace(*namespace),
		consumer.WithCredentials(credentials()),
		consumer.WithGroupName(*group),
		// A group seen for the first time starts at the messages stored
		// since a minute before the run, so it gets those just sent.
		consumer.WithConsumeFromWhere(consumer.ConsumeFromTimestamp),
		consumer.WithConsumeTimestamp(start.Add(-time.Minute).UTC().Format("20060102150405")),
	)
	if err != nil {
		return fmt.Errorf("new consumer: %w", err)
	}
	selector := consumer.MessageSelector{Type: consumer.TAG, Expression: *tag}
	err = c.Subscribe(*topic, selector, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
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
		return fmt.Errorf("subscribe to %s: %w", *topic, err)
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("start consumer: %w", err)
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
