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
	group      = flag.String("group", "GID_delay", "consumer `group`")
	level      = flag.Int("level", 3, "delay `level`, 1 to 18 (3 is 10s)")
	n          = flag.Int("n", 3, "how many messages to send and receive")
	timeout    = flag.Duration("timeout", time.Minute, "give up after this long")
	verbose    = flag.Bool("v", false, "show the client's warnings and errors on stderr")
)

// delayLevels are the delays of levels 1 to 18 in the brokers' default
// messageDelayLevel.
var delayLevels = strings.Fields("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h")

func main() {
	flag.Parse()
	quietClient()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "delay:", err)
		os.Exit(1)
	}
}

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
	c, err := rocketmq.NewPushConsumer(
		consumer.WithNameServer(nameServers()),
		consumer.WithNamespace(*namespace),
		consumer.WithCredentials(credentials()),
		consumer.WithGroupName(*group),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromTimestamp),
		consumer.WithConsumeTimestamp(start.Add(-time.Minute).UTC().Format("20060102150405")),
	)
	if err != nil {
		return fmt.Errorf("new consumer: %w", err)
	}
	err = c.Subscribe(*topic, consumer.MessageSelector{}, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
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
		return fmt.Errorf("subscribe to %s: %w", *topic, err)
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("start consumer: %w", err)
	}
	defer c.Shutdown()

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
		msg := primitive.NewMessage(*topic, []byte("delayed message "+num)).WithDelayTimeLevel(*level)
		msg.WithProperty("run", runID)
		msg.WithProperty("n", num)
		res, err := p.SendSync(ctx, msg)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s through name server %s: %w", i, *topic, *nameServer, cause(ctx, err))
		}
		if res.Status != primitive.SendOK {
			return fmt.Errorf("send message %d to %s: status %d", i, *topic, res.Status)
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
