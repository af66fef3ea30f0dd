// Package example holds what the 5.x examples share, so that each program
// shows only what is its own: the flags that reach a server (-endpoint,
// -namespace, -access-key, -secret-key, -topic, -v), the program's frame
// (its log, its deadline, its exit status), the clients' configuration,
// and the simple consumer's receive loop.
package example

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"
	"github.com/apache/rocketmq-clients/golang/v5/credentials"
	"github.com/apache/rocketmq-clients/golang/v5/pkg/zaplog"
	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc"
)

// The flags every example takes.
var (
	Endpoint  = flag.String("endpoint", envOr("MQ_GRPC_ENDPOINT", "127.0.0.1:8081"), "5.x gRPC `endpoint` (host:port) of the proxy or instance")
	Namespace = flag.String("namespace", os.Getenv("MQ_INSTANCE"), "`namespace` of the topic and group (Config.NameSpace); empty for none")
	AccessKey = flag.String("access-key", os.Getenv("ROCKETMQ_ACCESS_KEY"), "access `key` for servers with ACL (a cloud instance's username)")
	SecretKey = flag.String("secret-key", os.Getenv("ROCKETMQ_SECRET_KEY"), "secret `key` of -access-key (a cloud instance's password)")
	Topic     = flag.String("topic", "TopicTest", "`topic` to send to and consume")
	Verbose   = flag.Bool("v", false, "show the client's warnings and errors on stderr")
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

// Main parses the flags, sets up the client's log (its connections get
// dialOptions), and runs run with a context that ends after *timeout or
// on SIGINT or SIGTERM. When run fails, it prints the error and where
// the client's log is on stderr, prefixed with name, and exits with
// status 1.
func Main(name string, timeout *time.Duration, run func(context.Context) error, dialOptions ...grpc.DialOption) {
	flag.Parse()
	logDir := clientLog(dialOptions...)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
	err := run(ctx)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		if !*Verbose {
			fmt.Fprintf(os.Stderr, "%s: the client's log is in %s\n", name, logDir)
		}
		os.Exit(1)
	}
}

// Config is the clients' configuration: the endpoint, the namespace, and
// -access-key and -secret-key, which sign every call (empty ones sign
// with an empty key, which servers without ACL accept).
func Config(group string) *rmq.Config {
	return &rmq.Config{
		Endpoint:      *Endpoint,
		NameSpace:     *Namespace,
		ConsumerGroup: group,
		Credentials:   &credentials.SessionCredentials{AccessKey: *AccessKey, AccessSecret: *SecretKey},
	}
}

// StartProducer makes a producer of Config("") with opts and starts it.
// With rmq.WithTopics, Start fetches the topics' routes, so a topic the
// server lacks fails here.
func StartProducer(opts ...rmq.ProducerOption) (rmq.Producer, error) {
	p, err := rmq.NewProducer(Config(""), opts...)
	if err != nil {
		return nil, fmt.Errorf("new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("start producer for topic %s at %s: %w", *Topic, *Endpoint, err)
	}
	return p, nil
}

// StartConsumer makes a simple consumer of group subscribed to -topic
// with filter, and starts it.
func StartConsumer(group string, filter *rmq.FilterExpression) (rmq.SimpleConsumer, error) {
	c, err := rmq.NewSimpleConsumer(Config(group),
		rmq.WithAwaitDuration(awaitDuration),
		rmq.WithSubscriptionExpressions(map[string]*rmq.FilterExpression{*Topic: filter}),
	)
	if err != nil {
		return nil, fmt.Errorf("new consumer: %w", err)
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("start consumer of topic %s as group %s at %s: %w", *Topic, group, *Endpoint, err)
	}
	return c, nil
}

// ReceiveFailed is the error of a receive loop of group that ended with
// err: with progress (how many messages came) when ctx ended, else with
// the topic, group and endpoint.
func ReceiveFailed(ctx context.Context, group string, err error, progress string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: %s", err, progress)
	}
	return fmt.Errorf("receive from topic %s as group %s at %s: %w", *Topic, group, *Endpoint, err)
}

// Receive receives in a loop and acknowledges each message once handle
// took it, until handle says it has all it waits for (after the rest of
// that batch) or returns an error, or ctx ends (then it returns ctx's
// cause). A receive that found nothing is repeated, as are failures of
// the connection and of the server, and UNRECOGNIZED_CLIENT_TYPE: Start
// returns before the client's settings reach the server, which needs
// them for a receive. An answer refusing the receive (an unknown group,
// a bad request, no permission) ends the loop.
func Receive(ctx context.Context, c rmq.SimpleConsumer, handle func(*rmq.MessageView) (bool, error)) error {
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
				return fmt.Errorf("ack message %s: %w", m.GetMessageId(), Cause(ctx, err))
			}
		}
		if done {
			return nil
		}
	}
}

// clientLog sets up the client's logs and returns their directory: the
// environment's rocketmq.client.logRoot, or rocketmq-grpc-examples in the
// temporary directory (the client's default is $user.home/logs/rocketmqlogs,
// read from a variable named user.home). The client logs errors there,
// or with -v warnings and errors on stderr; rocketmq.client.logLevel in
// the environment sets the level. The client's connections get
// dialOptions.
func clientLog(dialOptions ...grpc.DialOption) string {
	dir := os.Getenv("rocketmq.client.logRoot")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "rocketmq-grpc-examples")
		os.Setenv("rocketmq.client.logRoot", dir)
	}
	if os.Getenv("rocketmq.client.logLevel") == "" {
		level := "error"
		if *Verbose {
			level = "warn"
		}
		os.Setenv("rocketmq.client.logLevel", level)
	}
	if *Verbose {
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
	// NewRpcClient's options only, so dialOptions go there too.
	calls := zaplog.New(zaplog.WithFileName(filepath.Join(dir, "rocketmq_client_calls.log")))
	newRPCClient := rmq.NewRpcClient
	rmq.NewRpcClient = func(target string, opts ...rmq.RpcClientOption) (rmq.RpcClient, error) {
		return newRPCClient(target, append(opts, rmq.WithRpcClientConnOption(rmq.WithZapLogger(calls), rmq.WithDialOptions(dialOptions...)))...)
	}
	return dir
}

// Cause is ctx's cause when ctx ended, for errors of calls it ended.
func Cause(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, context.Cause(ctx)) {
		return fmt.Errorf("%w (%v)", context.Cause(ctx), err)
	}
	return err
}

// Str is *s, or "" for nil: the client's MessageView gives optional
// fields (tag, message group) as pointers.
func Str(s *string) string {
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
