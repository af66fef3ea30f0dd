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

	"github.com/rocketfn/rocketfn/examples/grpc/internal/example"
)

var (
	group   = flag.String("group", "GID_transaction", "consumer `group`")
	n       = flag.Int("n", 3, "how many messages to send: message k is committed when k%3 is 1, rolled back when 2, left to the server's check when 0")
	timeout = flag.Duration("timeout", time.Minute, "give up after this long")
)

func main() { example.Main("transaction", timeout, run) }

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
	c, err := example.StartConsumer(*group, rmq.SUB_ALL)
	if err != nil {
		return err
	}
	defer c.GracefulStop()
	rctx, stopReceiving := context.WithCancel(ctx)
	defer stopReceiving()
	consumed := make(chan error, 1)
	go func() {
		consumed <- example.Receive(rctx, c, func(m *rmq.MessageView) (bool, error) {
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
	p, err := example.StartProducer(rmq.WithTopics(*example.Topic),
		rmq.WithTransactionChecker(&rmq.TransactionChecker{Check: s.check}))
	if err != nil {
		return err
	}
	defer p.GracefulStop()

	// Each message is sent as a half message, which consumers do not see
	// until its transaction commits. Commit and RollBack report no
	// failure (the client logs it): a commit that failed shows as a
	// message that never comes.
	for k := 1; k <= *n; k++ {
		msg := &rmq.Message{Topic: *example.Topic, Body: []byte("transaction message " + strconv.Itoa(k))}
		msg.AddProperty("run", s.runID)
		msg.AddProperty("n", strconv.Itoa(k))
		tx := p.BeginTransaction()
		s.mu.Lock()
		s.sent[k] = time.Now()
		s.mu.Unlock()
		rs, err := p.SendWithTransaction(ctx, msg, tx)
		if err != nil {
			return fmt.Errorf("send message %d to topic %s at %s: %w", k, *example.Topic, *example.Endpoint, example.Cause(ctx, err))
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
			if ctx.Err() == nil && strings.HasPrefix(err.Error(), "message ") {
				return err
			}
			return example.ReceiveFailed(ctx, *group, err, fmt.Sprintf("received %d of %d committed messages; %d of %d messages left unresolved were checked",
				got, commits, checked, unresolved))
		}
	}
}
