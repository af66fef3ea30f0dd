package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"
	"github.com/apache/rocketmq-clients/golang/v5/credentials"
	"github.com/apache/rocketmq-clients/golang/v5/pkg/zaplog"
	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
)

var (
	endpoint  = flag.String("endpoint", envOr("MQ_GRPC_ENDPOINT", "127.0.0.1:8081"), "5.x gRPC `endpoint` (host:port) of the proxy or instance")
	namespace = flag.String("namespace", os.Getenv("MQ_INSTANCE"), "`namespace` of the topic and group (Config.NameSpace); empty for none")
	accessKey = flag.String("access-key", os.Getenv("ROCKETMQ_ACCESS_KEY"), "access `key` for servers with ACL (a cloud instance's username)")
	secretKey = flag.String("secret-key", os.Getenv("ROCKETMQ_SECRET_KEY"), "secret `key` of -access-key (a cloud instance's password)")
	topic     = flag.String("topic", "TopicTest", "`topic` to send to and consume")
	group     = flag.String("group", "GID_fifo", "consumer `group`")
	n         = flag.Int("n", 3, "how many orders, each a message group with one message per step")
	timeout   = flag.Duration("timeout", 30*time.Second, "give up after this long")
	verbose   = flag.Bool("v", false, "show the client's warnings and errors on stderr")
)

// The simple consumer's receives: up to maxMessageNum messages a call,
// each hidden from the group's other receives for invisibleDuration
// unless acknowledged first; the server holds a receive that finds
// nothing up to about awaitDuration.
const (
	maxMessageNum     = 16
	invisibleDuration = 20 * time.Second
	awaitDuration     = 5 * time.Second
	// retryPause is the wait before a receive that failed is repeated;
	// settingsDelay is how soon after Start the client has given the
	// server its settings (it sends them again a second after Start).
	retryPause    = 200 * time.Millisecond
	settingsDelay = 2 * time.Second
)

// steps are what happens to every order, in order; each is a message of
// the order's message group, tagged with the step.
var steps = []string{"created", "paid", "shipped", "delivered"}

func main() {
	flag.Parse()
	logDir := clientLog()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
	err := run(ctx)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fifo:", err)
		if !*verbose {
			fmt.Fprintln(os.Stderr, "fifo: the client's log is in", logDir)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	runID := strconv.FormatInt(time.Now().UnixNano(), 36) // tells this run's messages from earlier ones
	orderID := func(k int) string { return "order-" + strconv.Itoa(k) }
	total := *n * len(steps)

	p, err := rmq.NewProducer(config(""), rmq.WithTopics(*topic))
	if err != nil {
		return fmt.Errorf("new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return fmt.Errorf("start producer for topic %s at %s: %w", *topic, *endpoint, err)
	}
	defer p.GracefulStop()

	c, err := rmq.NewSimpleConsumer(config(*group),
		rmq.WithAwaitDuration(awaitDuration),
		rmq.WithSubscriptionExpressions(map[string]*rmq.FilterExpression{*topic: rmq.SUB_ALL}),
	)
	if err != nil {
		return fmt.Errorf("new consumer: %w", err)
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("start consumer of topic %s as group %s at %s: %w", *topic, *group, *endpoint, err)
	}
	defer c.GracefulStop()

	// seen holds each order's steps as they came; the receiving goroutine
	// owns it until it ends. The server gives a message group's next
	// message only once the one before is acknowledged, so a step that
	// comes before the one it follows is a failure.
	seen := map[string][]string{}
	received := 0
	consumed := make(chan error, 1)
	go func() {
		consumed <- receive(ctx, c, func(m *rmq.MessageView) (bool, error) {
			if m.GetProperties()["run"] != runID {
				fmt.Printf("received a message of an earlier run: id=%s group=%s body=%q\n", m.GetMessageId(), deref(m.GetMessageGroup()), m.GetBody())
				return false, nil
			}
			key, step := deref(m.GetMessageGroup()), deref(m.GetTag())
			got := seen[key]
			if slices.Contains(got, step) {
				fmt.Printf("received %s %s again (attempt %d)\n", key, step, m.GetDeliveryAttempt())
				return false, nil
			}
			fmt.Printf("received %s %s: id=%s offset=%d attempt=%d\n", key, step, m.GetMessageId(), m.GetOffset(), m.GetDeliveryAttempt())
			if len(got) >= len(steps) || step != steps[len(got)] {
				return false, fmt.Errorf("out of order: %s: %s came after %v", key, step, got)
			}
			seen[key] = append(got, step)
			received++
			return received == total, nil
		})
	}()

	// The orders' steps interleave: every order's first step, then every
	// order's second step, and so on. Each order is a message group:
	// its messages are delivered in the order they were sent.
	for _, step := range steps {
		for k := 1; k <= *n; k++ {
			msg := &rmq.Message{Topic: *topic, Body: []byte(orderID(k) + " " + step)}
			msg.SetMessageGroup(orderID(k))
			msg.SetTag(step)
			msg.SetKeys(orderID(k))
			msg.AddProperty("run", runID)
			rs, err := p.Send(ctx, msg)
			if err != nil {
				return fmt.Errorf("send %s %s to topic %s at %s: %w", orderID(k), step, *topic, *endpoint, cause(ctx, err))
			}
			for _, r := range rs {
				fmt.Printf("sent %s %s: id=%s group=%s offset=%d\n", orderID(k), step, r.MessageID, orderID(k), r.Offset)
			}
		}
	}

	err = <-consumed
	for k := 1; k <= *n; k++ {
		if got := seen[orderID(k)]; len(got) > 0 {
			fmt.Printf("%s: %s\n", orderID(k), strings.Join(got, " -> "))
		} else {
			fmt.Printf("%s: nothing received\n", orderID(k))
		}
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("%w: received %d of %d messages", err, received, total)
	case err != nil && strings.HasPrefix(err.Error(), "out of order"):
		return err
	case err != nil:
		return fmt.Errorf("receive from topic %s as group %s at %s: %w", *topic, *group, *endpoint, err)
	}
	fmt.Printf("received the %d orders' %d messages, each order's in order\n", *n, received)
	return nil
}

// receive receives in a loop and acknowledges each message once handle
// took it, until handle says it has all it waits for (after the rest of
// that batch) or returns an error, or ctx ends (then it returns ctx's
// cause). A receive that found nothing is repeated, as are failures of
// the connection and of the server, and UNRECOGNIZED_CLIENT_TYPE: Start
// returns before the client's settings reach the server, which needs
// them for a receive. An answer refusing the receive (an unknown group,
// a bad request, no permission) ends the loop.
func receive(ctx context.Context, c rmq.SimpleConsumer, handle func(*rmq.MessageView) (bool, error)) error {
	type result struct {
		ms  []*rmq.MessageView
		err error
	}
	var last error // the last failure repeated
	begun := time.Now()
	for {
		// The receive gets no deadline of ctx: the client gives each call
		// awaitDuration plus its request timeout, and the server fits its
		// long polling into the call's time. Only the wait is cut short.
		res := make(chan result, 1)
		go func() {
			ms, err := c.Receive(context.WithoutCancel(ctx), maxMessageNum, invisibleDuration)
			res <- result{ms, err}
		}()
		var r result
		select {
		case r = <-res:
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("%w (the last receive failed: %v)", context.Cause(ctx), last)
			}
			return context.Cause(ctx)
		}
		if r.err != nil {
			st, ok := rmq.AsErrRpcStatus(r.err)
			switch {
			case ok && v2.Code(st.Code) == v2.Code_MESSAGE_NOT_FOUND:
				last = nil
				continue
			case ok && v2.Code(st.Code) != v2.Code_UNRECOGNIZED_CLIENT_TYPE && v2.Code(st.Code) != v2.Code_TOO_MANY_REQUESTS &&
				st.Code < int32(v2.Code_INTERNAL_ERROR):
				return r.err
			}
			// Right after Start, that the server has no settings of the
			// client yet is no failure worth telling.
			if !ok || v2.Code(st.Code) != v2.Code_UNRECOGNIZED_CLIENT_TYPE || time.Since(begun) > settingsDelay {
				last = r.err
			}
			select {
			case <-time.After(retryPause):
			case <-ctx.Done():
			}
			continue
		}
		last = nil
		done := false
		for _, m := range r.ms {
			all, err := handle(m)
			if err != nil {
				return err
			}
			done = done || all
			if err := c.Ack(ctx, m); err != nil {
				return fmt.Errorf("ack message %s: %w", m.GetMessageId(), cause(ctx, err))
			}
		}
		if done {
			return nil
		}
	}
}

// config is the clients' configuration: the endpoint, the namespace, and
// -access-key and -secret-key, which sign every call (empty ones sign
// with an empty key, which servers without ACL accept).
func config(group string) *rmq.Config {
	return &rmq.Config{
		Endpoint:      *endpoint,
		NameSpace:     *namespace,
		ConsumerGroup: group,
		Credentials:   &credentials.SessionCredentials{AccessKey: *accessKey, AccessSecret: *secretKey},
	}
}

// clientLog sets up the client's logs and returns their directory: the
// environment's rocketmq.client.logRoot, or rocketmq-grpc-examples in the
// temporary directory (the client's default is $user.home/logs/rocketmqlogs,
// read from a variable named user.home). The client logs errors there,
// or with -v warnings and errors on stderr; rocketmq.client.logLevel in
// the environment sets the level.
func clientLog() string {
	dir := os.Getenv("rocketmq.client.logRoot")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "rocketmq-grpc-examples")
		os.Setenv("rocketmq.client.logRoot", dir)
	}
	if os.Getenv("rocketmq.client.logLevel") == "" {
		level := "error"
		if *verbose {
			level = "warn"
		}
		os.Setenv("rocketmq.client.logLevel", level)
	}
	if *verbose {
		// The console log goes to os.Stdout as ResetLogger finds it:
		// stderr, so that stdout has the program's lines only.
		os.Setenv("mq.consoleAppender.enabled", "true")
		stdout := os.Stdout
		os.Stdout = os.Stderr
		rmq.ResetLogger()
		os.Stdout = stdout
	} else {
		rmq.ResetLogger()
	}
	// Each connection also logs every call, by default to
	// /tmp/rocketmq-logger.log; the client makes its connections with
	// NewRpcClient's options only.
	calls := zaplog.New(zaplog.WithFileName(filepath.Join(dir, "rocketmq_client_calls.log")))
	newRPCClient := rmq.NewRpcClient
	rmq.NewRpcClient = func(target string, opts ...rmq.RpcClientOption) (rmq.RpcClient, error) {
		return newRPCClient(target, append(opts, rmq.WithRpcClientConnOption(rmq.WithZapLogger(calls)))...)
	}
	return dir
}

// cause is ctx's cause when ctx ended, for errors of calls it ended.
func cause(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, context.Cause(ctx)) {
		return fmt.Errorf("%w (%v)", context.Cause(ctx), err)
	}
	return err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
