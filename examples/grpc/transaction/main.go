package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	group     = flag.String("group", "GID_transaction", "consumer `group`")
	n         = flag.Int("n", 3, "how many messages to send: message k is committed when k%3 is 1, rolled back when 2, left to the server's check when 0")
	timeout   = flag.Duration("timeout", time.Minute, "give up after this long")
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

func main() {
	flag.Parse()
	logDir := clientLog()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
	err := run(ctx)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "transaction:", err)
		if !*verbose {
			fmt.Fprintln(os.Stderr, "transaction: the client's log is in", logDir)
		}
		os.Exit(1)
	}
}

// outcome is what happens to message k's transaction.
func outcome(k int) rmq.TransactionResolution {
	switch k % 3 {
	case 1:
		return rmq.COMMIT
	case 2:
		return rmq.ROLLBACK
	}
	return rmq.UNKNOWN
}

// state is what the consumer, the transaction checker and run share.
type state struct {
	runID string

	mu       sync.Mutex
	sent     map[int]time.Time // when each message was sent
	received map[int]bool
	checked  map[int]bool // messages committed by a check
	progress chan struct{}
}

// notify tells run that something changed; s.mu is held.
func (s *state) notify() {
	select {
	case s.progress <- struct{}{}:
	default:
	}
}

// check answers the server's check of a half message left unresolved:
// here its transaction turns out to have succeeded. The client runs it
// in a goroutine of its own for each check.
func (s *state) check(m *rmq.MessageView) rmq.TransactionResolution {
	props := m.GetProperties()
	if props["run"] != s.runID {
		fmt.Printf("check of a half message of an earlier run: id=%s: rollback\n", m.GetMessageId())
		return rmq.ROLLBACK
	}
	k, _ := strconv.Atoi(props["n"])
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := outcome(k); r != rmq.UNKNOWN {
		// Its resolution may not have reached the server yet.
		fmt.Printf("check of message %d, resolved already: id=%s: %s\n", k, m.GetMessageId(), name(r))
		return r
	}
	fmt.Printf("check of message %d %.1fs after sending: id=%s: commit\n", k, time.Since(s.sent[k]).Seconds(), m.GetMessageId())
	s.checked[k] = true
	s.notify()
	return rmq.COMMIT
}

func name(r rmq.TransactionResolution) string {
	switch r {
	case rmq.COMMIT:
		return "commit"
	case rmq.ROLLBACK:
		return "rollback"
	}
	return "unresolved"
}

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	s := &state{runID: strconv.FormatInt(time.Now().UnixNano(), 36), sent: map[int]time.Time{},
		received: map[int]bool{}, checked: map[int]bool{}, progress: make(chan struct{}, 1)}

	// The consumer: committed messages arrive, rolled back ones never do.
	// It receives from before the first send.
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
	rctx, stopReceiving := context.WithCancel(ctx)
	defer stopReceiving()
	consumed := make(chan error, 1)
	go func() {
		consumed <- receive(rctx, c, func(m *rmq.MessageView) (bool, error) {
			props := m.GetProperties()
			if props["run"] != s.runID {
				fmt.Printf("received a message of an earlier run: id=%s body=%q\n", m.GetMessageId(), m.GetBody())
				return false, nil
			}
			k, _ := strconv.Atoi(props["n"])
			fmt.Printf("received message %d: id=%s body=%q\n", k, m.GetMessageId(), m.GetBody())
			if outcome(k) == rmq.ROLLBACK {
				return false, fmt.Errorf("message %d was rolled back, yet it was delivered", k)
			}
			s.mu.Lock()
			s.received[k] = true
			s.notify()
			s.mu.Unlock()
			return false, nil
		})
	}()

	// The producer's checker answers the server's checks of half
	// messages of the topics it publishes to (WithTopics).
	p, err := rmq.NewProducer(config(""), rmq.WithTopics(*topic),
		rmq.WithTransactionChecker(&rmq.TransactionChecker{Check: s.check}))
	if err != nil {
		return fmt.Errorf("new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return fmt.Errorf("start producer for topic %s at %s: %w", *topic, *endpoint, err)
	}
	defer p.GracefulStop()

	// Each message is sent as a half message, which consumers do not see
	// until its transaction commits. Commit and RollBack report no
	// failure (the client logs it): a commit that failed shows as a
	// message that never comes.
	for k := 1; k <= *n; k++ {
		msg := &rmq.Message{Topic: *topic, Body: []byte("transaction message " + strconv.Itoa(k))}
		msg.AddProperty("run", s.runID)
		msg.AddProperty("n", strconv.Itoa(k))
		tx := p.BeginTransaction()
		s.mu.Lock()
		s.sent[k] = time.Now()
		s.mu.Unlock()
		rs, err := p.SendWithTransaction(ctx, msg, tx)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s at %s: %w", k, *topic, *endpoint, cause(ctx, err))
		}
		for _, r := range rs {
			fmt.Printf("sent half message %d: id=%s transaction=%s\n", k, r.MessageID, r.TransactionId)
		}
		switch outcome(k) {
		case rmq.COMMIT:
			fmt.Printf("transaction of message %d: commit\n", k)
			tx.Commit()
		case rmq.ROLLBACK:
			fmt.Printf("transaction of message %d: rollback\n", k)
			tx.RollBack()
		default:
			fmt.Printf("transaction of message %d: unresolved; the server will check it after its transaction timeout\n", k)
		}
	}

	// Done when every message to commit arrived, those left unresolved
	// after their check.
	for {
		s.mu.Lock()
		var commits, got, unresolved, checked int
		for k := 1; k <= *n; k++ {
			if outcome(k) != rmq.ROLLBACK {
				commits++
				if s.received[k] {
					got++
				}
			}
			if outcome(k) == rmq.UNKNOWN {
				unresolved++
				if s.checked[k] {
					checked++
				}
			}
		}
		s.mu.Unlock()
		if got == commits && checked == unresolved {
			var committed, rolledBack []string
			for k := 1; k <= *n; k++ {
				if outcome(k) == rmq.ROLLBACK {
					rolledBack = append(rolledBack, strconv.Itoa(k))
				} else {
					committed = append(committed, strconv.Itoa(k))
				}
			}
			if len(rolledBack) == 0 {
				rolledBack = []string{"none"}
			}
			fmt.Printf("received committed messages %s; rolled back, not delivered: %s\n",
				strings.Join(committed, ","), strings.Join(rolledBack, ","))
			return nil
		}
		select {
		case <-s.progress:
		case err := <-consumed:
			switch {
			case ctx.Err() != nil:
				return fmt.Errorf("%w: received %d of %d committed messages; %d of %d messages left unresolved were checked",
					err, got, commits, checked, unresolved)
			case strings.HasPrefix(err.Error(), "message "):
				return err
			}
			return fmt.Errorf("receive from topic %s as group %s at %s: %w", *topic, *group, *endpoint, err)
		}
	}
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
