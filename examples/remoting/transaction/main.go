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
	group      = flag.String("group", "GID_transaction", "`group` of the transaction producer (which the broker's check-back asks) and of the consumer")
	n          = flag.Int("n", 3, "how many messages to send: message k is committed when k%3 is 1, rolled back when 2, checked back when 0")
	timeout    = flag.Duration("timeout", time.Minute, "give up after this long")
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
		fmt.Fprintln(os.Stderr, "transaction:", err)
		os.Exit(1)
	}
}

// listener runs the local transactions of the run's messages and answers
// the broker's checks of those left unknown.
type listener struct {
	runID string
	sent  time.Time

	mu       sync.Mutex
	checked  map[int]bool // messages committed by a check-back
	progress chan struct{}
}

// ExecuteLocalTransaction runs right after the half message is stored:
// its result commits the message, rolls it back, or leaves it to the
// broker to ask again later.
func (l *listener) ExecuteLocalTransaction(msg *primitive.Message) primitive.LocalTransactionState {
	k, _ := strconv.Atoi(msg.GetProperty("n"))
	switch k % 3 {
	case 1:
		fmt.Printf("local transaction of message %d: commit\n", k)
		return primitive.CommitMessageState
	case 2:
		fmt.Printf("local transaction of message %d: rollback\n", k)
		return primitive.RollbackMessageState
	default:
		fmt.Printf("local transaction of message %d: unknown, the broker will ask\n", k)
		return primitive.UnkonwnState
	}
}

// CheckLocalTransaction answers the broker about a half message left
// unknown: here the transaction turns out to have succeeded.
func (l *listener) CheckLocalTransaction(msg *primitive.MessageExt) primitive.LocalTransactionState {
	if msg.GetProperty("run") != l.runID {
		fmt.Printf("check-back of a half message of an earlier run: id=%s: rollback\n", msg.MsgId)
		return primitive.RollbackMessageState
	}
	k, _ := strconv.Atoi(msg.GetProperty("n"))
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Printf("check-back of message %d %.1fs after sending: id=%s: commit\n", k, time.Since(l.sent).Seconds(), msg.MsgId)
	l.checked[k] = true
	l.notify()
	return primitive.CommitMessageState
}

// notify tells run that something changed; l.mu is held.
func (l *listener) notify() {
	select {
	case l.progress <- struct{}{}:
	default:
	}
}

func run(ctx context.Context) error {
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	start := time.Now()
	l := &listener{runID: strconv.FormatInt(start.UnixNano(), 36), checked: map[int]bool{}, progress: make(chan struct{}, 1)}

	// The consumer: committed messages arrive, rolled back ones never do.
	var (
		received = map[int]bool{}
		failure  error
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
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, m := range msgs {
			if m.GetProperty("run") != l.runID {
				fmt.Printf("received a message of an earlier run: id=%s body=%q\n", m.MsgId, m.Body)
				continue
			}
			k, _ := strconv.Atoi(m.GetProperty("n"))
			fmt.Printf("received message %d: id=%s body=%q\n", k, m.MsgId, m.Body)
			if k%3 == 2 && failure == nil {
				failure = fmt.Errorf("message %d was rolled back, yet it was delivered", k)
			}
			received[k] = true
		}
		l.notify()
		return consumer.ConsumeSuccess, nil
	})
	if err != nil {
		return fmt.Errorf("subscribe to %s: %w", *topic, err)
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("start consumer: %w", err)
	}
	defer c.Shutdown()

	// A client instance answers the broker's checks only for the first
	// producer or consumer made with it, so the transaction producer gets
	// an instance of its own beside the consumer's.
	p, err := rocketmq.NewTransactionProducer(l,
		producer.WithInstanceName(strconv.Itoa(os.Getpid())+"-transaction"),
		producer.WithNameServer(nameServers()),
		producer.WithNamespace(*namespace),
		producer.WithCredentials(credentials()),
		producer.WithGroupName(*group),
		producer.WithRetry(2),
	)
	if err != nil {
		return fmt.Errorf("new transaction producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return fmt.Errorf("start transaction producer: %w", err)
	}
	defer p.Shutdown()

	l.sent = time.Now()
	for k := 1; k <= *n; k++ {
		msg := primitive.NewMessage(*topic, []byte("transaction message "+strconv.Itoa(k)))
		msg.WithProperty("run", l.runID)
		msg.WithProperty("n", strconv.Itoa(k))
		res, err := p.SendMessageInTransaction(ctx, msg)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s through name server %s: %w", k, *topic, *nameServer, cause(ctx, err))
		}
		if res.Status != primitive.SendOK {
			return fmt.Errorf("send message %d to %s: status %d", k, *topic, res.Status)
		}
		fmt.Printf("sent half message %d: id=%s transaction=%s\n", k, res.MsgID, res.TransactionID)
	}

	// Done when every message to commit arrived, those left unknown after
	// their check-back.
	for {
		l.mu.Lock()
		var commits, got, unknown, checked int
		for k := 1; k <= *n; k++ {
			if k%3 != 2 {
				commits++
				if received[k] {
					got++
				}
			}
			if k%3 == 0 {
				unknown++
				if l.checked[k] {
					checked++
				}
			}
		}
		err := failure
		l.mu.Unlock()
		switch {
		case err != nil:
			return err
		case got == commits && checked == unknown:
			var committed, rolledBack []string
			for k := 1; k <= *n; k++ {
				if k%3 == 2 {
					rolledBack = append(rolledBack, strconv.Itoa(k))
				} else {
					committed = append(committed, strconv.Itoa(k))
				}
			}
			fmt.Printf("received committed messages %s; rolled back, not delivered: %s\n",
				strings.Join(committed, ","), strings.Join(rolledBack, ","))
			return nil
		}
		select {
		case <-l.progress:
		case <-ctx.Done():
			return fmt.Errorf("%w: received %d of %d committed messages; %d of %d messages left unknown were checked back",
				context.Cause(ctx), got, commits, checked, unknown)
		}
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
