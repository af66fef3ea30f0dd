package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"

	"github.com/rocketfn/rocketfn/examples/remoting/internal/example"
)

var (
	group   = flag.String("group", "GID_transaction", "`group` of the transaction producer (which the broker's check-back asks) and of the consumer")
	n       = flag.Int("n", 3, "how many messages to send: message k is committed when k%3 is 1, rolled back when 2, checked back when 0")
	timeout = flag.Duration("timeout", time.Minute, "give up after this long")
)

func main() { example.Main("transaction", timeout, run) }

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
	c, err := example.StartConsumer(*group, start, consumer.MessageSelector{}, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
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
		return err
	}
	defer c.Shutdown()

	// A client instance answers the broker's checks only for the first
	// producer or consumer made with it, so the transaction producer gets
	// an instance of its own beside the consumer's.
	p, err := rocketmq.NewTransactionProducer(l, example.ProducerOptions(
		producer.WithInstanceName(strconv.Itoa(os.Getpid())+"-transaction"),
		producer.WithGroupName(*group),
		producer.WithRetry(2),
	)...)
	if err != nil {
		return fmt.Errorf("new transaction producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return fmt.Errorf("start transaction producer: %w", err)
	}
	defer p.Shutdown()

	l.sent = time.Now()
	for k := 1; k <= *n; k++ {
		msg := primitive.NewMessage(*example.Topic, []byte("transaction message "+strconv.Itoa(k)))
		msg.WithProperty("run", l.runID)
		msg.WithProperty("n", strconv.Itoa(k))
		res, err := p.SendMessageInTransaction(ctx, msg)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s through name server %s: %w", k, *example.Topic, *example.NameServer, example.Cause(ctx, err))
		}
		if res.Status != primitive.SendOK {
			return fmt.Errorf("send message %d to %s: status %d", k, *example.Topic, res.Status)
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
