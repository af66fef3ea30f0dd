// Package example holds what the remoting examples share, so that each
// program shows only what is its own: the flags that reach a broker
// (-nameserver, -namespace, -access-key, -secret-key, -topic, -v), the
// program's frame (the client's log level, its deadline, its exit
// status), the making of producers and consumers with the options every
// one takes, and a synchronous send that checks its status.
package example

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// The flags every example takes.
var (
	NameServer = flag.String("nameserver", envOr("NAMESRV_ADDR", "127.0.0.1:9876"), "name server `addresses` (host:port, several separated by ';')")
	Namespace  = flag.String("namespace", os.Getenv("MQ_INSTANCE"), "`instance` ID the topic and group are in (WithNamespace); empty for none")
	AccessKey  = flag.String("access-key", os.Getenv("ROCKETMQ_ACCESS_KEY"), "access `key` for brokers with ACL")
	SecretKey  = flag.String("secret-key", os.Getenv("ROCKETMQ_SECRET_KEY"), "secret `key` of -access-key")
	Topic      = flag.String("topic", "TopicTest", "`topic` to send to and consume")
	Verbose    = flag.Bool("v", false, "show the client's warnings and errors on stderr")
)

// Main parses the flags, quiets the client's log, and runs run with a
// context that ends after *timeout or on SIGINT or SIGTERM. When run
// fails, it prints the error on stderr, prefixed with name, and exits
// with status 1.
func Main(name string, timeout *time.Duration, run func(context.Context) error) {
	flag.Parse()
	quietClient()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
	err := run(ctx)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// ProducerOptions are the name servers, the namespace and the
// credentials, then opts.
func ProducerOptions(opts ...producer.Option) []producer.Option {
	return append([]producer.Option{
		producer.WithNameServer(nameServers()),
		producer.WithNamespace(*Namespace),
		producer.WithCredentials(credentials()),
	}, opts...)
}

// StartProducer makes a producer of ProducerOptions(opts...) and starts
// it.
func StartProducer(opts ...producer.Option) (rocketmq.Producer, error) {
	p, err := rocketmq.NewProducer(ProducerOptions(opts...)...)
	if err != nil {
		return nil, fmt.Errorf("new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("start producer: %w", err)
	}
	return p, nil
}

// StartConsumer makes a push consumer of group with the name servers,
// the namespace and the credentials, then opts; subscribes it to -topic
// with selector, for handle to consume; and starts it. A group seen for
// the first time starts at the messages stored since a minute before
// start, so it gets those the run sent.
func StartConsumer(group string, start time.Time, selector consumer.MessageSelector,
	handle func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error), opts ...consumer.Option) (rocketmq.PushConsumer, error) {
	c, err := rocketmq.NewPushConsumer(consumerOptions(group, start, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("new consumer: %w", err)
	}
	if err := c.Subscribe(*Topic, selector, handle); err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", *Topic, err)
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("start consumer: %w", err)
	}
	return c, nil
}

func consumerOptions(group string, start time.Time, opts ...consumer.Option) []consumer.Option {
	return append([]consumer.Option{
		consumer.WithNameServer(nameServers()),
		consumer.WithNamespace(*Namespace),
		consumer.WithCredentials(credentials()),
		consumer.WithGroupName(group),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromTimestamp),
		consumer.WithConsumeTimestamp(start.Add(-time.Minute).UTC().Format("20060102150405")),
	}, opts...)
}

// Sender is what SendSync needs of a producer.
type Sender interface {
	SendSync(ctx context.Context, msgs ...*primitive.Message) (*primitive.SendResult, error)
}

// SendSync sends msg, what the errors call it, and fails unless the
// broker stored it (SendOK).
func SendSync(ctx context.Context, p Sender, msg *primitive.Message, what string) (*primitive.SendResult, error) {
	res, err := p.SendSync(ctx, msg)
	if err != nil {
		return nil, fmt.Errorf("send %s to topic %s through name server %s: %w", what, *Topic, *NameServer, Cause(ctx, err))
	}
	if res.Status != primitive.SendOK {
		return nil, fmt.Errorf("send %s to %s: status %d", what, *Topic, res.Status)
	}
	return res, nil
}

// nameServers splits -nameserver as NAMESRV_ADDR is written.
func nameServers() []string {
	return strings.FieldsFunc(*NameServer, func(r rune) bool { return r == ';' || r == ',' })
}

// credentials are -access-key and -secret-key; empty ones leave requests
// unsigned.
func credentials() primitive.Credentials {
	return primitive.Credentials{AccessKey: *AccessKey, SecretKey: *SecretKey}
}

// Cause is ctx's cause when ctx ended, for errors of calls it ended.
func Cause(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, context.Cause(ctx)) {
		return fmt.Errorf("%w (%v)", context.Cause(ctx), err)
	}
	return err
}

// quietClient keeps the client's log to fatal errors, unless -v or
// ROCKETMQ_GO_LOG_LEVEL asks for it: the program reports failures itself.
func quietClient() {
	switch {
	case *Verbose:
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
