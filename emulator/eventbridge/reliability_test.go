package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/internal/testwait"
	"github.com/rocketfn/rocketfn/runtime/event"
)

// flakySink fails 30% of invocations and cannot run 5% of them; it
// counts the messages of the successful ones by UNIQ_KEY and checks that
// each sharding key's messages succeed in publish order.
type flakySink struct {
	t    *testing.T
	mu   sync.Mutex
	rng  *rand.Rand
	ok   map[string]int // UNIQ_KEY → successful deliveries
	last map[string]int // sharding key → last index delivered
}

func (s *flakySink) Deliver(_ context.Context, payload []byte, _ string) (Outcome, error) {
	p, err := event.Decode(payload)
	if err != nil || !p.Batch {
		s.t.Errorf("payload does not decode as a batch: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r := s.rng.Float64(); {
	case r < 0.05:
		return Outcome{}, errors.New("function process crashed")
	case r < 0.35:
		return Outcome{Failed: true, Reason: "HandledInvocationError: random failure"}, nil
	}
	for _, m := range p.Messages {
		s.ok[m.ID]++
		i, _ := strconv.Atoi(strings.TrimPrefix(string(m.Body), "msg-"))
		if prev, seen := s.last[m.ShardingKey]; seen && prev >= i {
			s.t.Errorf("shard %s: message %d delivered after %d", m.ShardingKey, i, prev)
		}
		s.last[m.ShardingKey] = i
	}
	return Outcome{}, nil
}

func TestReliabilityUnderFailures(t *testing.T) {
	const total = 2000
	h := newHarness(t, nil, "")
	sink := &flakySink{t: t, rng: rand.New(rand.NewPCG(1, 2)), ok: map[string]int{}, last: map[string]int{}}
	tr := Trigger{Name: "trig", Function: "fn", Topic: "T", Ordered: true, BatchCount: 10, BatchWindow: 2 * time.Second,
		ErrorsTolerance: ToleranceAll, DeadLetter: true}
	if err := h.bridge.Add(tr, sink); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- h.bridge.Run(runCtx) }()
	ids := make(chan map[string]bool, 1)
	go func() { ids <- publishShards(t, h.mq, total) }()
	watched := make(chan int)
	go func() { watched <- watch(runCtx, h.bridge) }()

	start := time.Now()
	// The bridge's consumer takes messages over in the background, which
	// nothing signals: when nothing is due the test polls, letting the
	// broker's time pass, until the bridge has work again.
	testwait.Until(t, time.Minute, "every message delivered or dead-lettered", func() bool {
		for {
			if s := h.bridge.Stats("trig"); s.Delivered+s.DeadLettered >= total {
				return true
			}
			h.tick()
			switch due, now := h.bridge.Due(), h.clock.Now(); {
			case due.After(now):
				h.clock.Advance(due.Sub(now))
			case due.IsZero(): // waiting for the consumer; let time pass for the broker too
				h.clock.Advance(time.Second)
				return false
			}
		}
	})
	stop()
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := <-watched; n == 0 {
		t.Error("the event feed carried no records")
	}
	published := <-ids
	dead := checkAccounting(t, h.bridge, sink, published)
	s := h.bridge.Stats("trig")
	redelivered := int64(h.mq.Stats().Delivered) - total
	t.Logf("%d delivered, %d dead-lettered, %d invocations (%d failed, %d retries), %d broker redeliveries dropped, in %s",
		s.Delivered, len(dead), s.Invocations, s.Failed, s.Retried, s.Duplicates, time.Since(start))
	if s.Duplicates != redelivered {
		t.Errorf("%d duplicates dropped, but the broker redelivered %d messages", s.Duplicates, redelivered)
	}
	if s.Accepted != total || s.Pending != 0 || int(s.Delivered) != len(sink.ok) || len(dead) == 0 {
		t.Errorf("stats %+v", s)
	}
}

// watch reads the bridge's state and event feed, as a console would,
// until ctx ends, and returns how many records it read.
func watch(ctx context.Context, b *Bridge) int {
	n := 0
	for {
		select {
		case <-b.Events():
			n++
		case <-ctx.Done():
			return n
		}
		b.Stats("trig")
		b.Due()
		b.DeadLetters("trig")
	}
}

// publishShards publishes n messages over 20 sharding keys and returns
// their IDs.
func publishShards(t *testing.T, mq *broker.Broker, n int) map[string]bool {
	ids := map[string]bool{}
	for i := range n {
		res, err := mq.Publish(ctx, broker.Message{Topic: "T", ShardingKey: fmt.Sprint("shard-", i%20),
			Body: []byte(fmt.Sprint("msg-", i))})
		if err != nil {
			t.Errorf("Publish: %v", err)
			return ids
		}
		ids[res.MessageID] = true
	}
	return ids
}

// checkAccounting checks that every published message was delivered
// successfully exactly once or is a dead letter with a reason, never both,
// and returns the dead letters by message ID.
func checkAccounting(t *testing.T, b *Bridge, sink *flakySink, published map[string]bool) map[string]string {
	t.Helper()
	letters, err := b.DeadLetters("trig")
	if err != nil {
		t.Fatal(err)
	}
	dead := map[string]string{}
	for _, d := range letters {
		p, err := event.Decode(d.Payload)
		if err != nil || len(p.Messages) != 1 || p.Messages[0].ID != d.MessageID || d.Reason == "" {
			t.Errorf("dead letter %s: %v, reason %q", d.ID, err, d.Reason)
			continue
		}
		if _, twice := dead[d.MessageID]; twice {
			t.Errorf("message %s dead-lettered twice", d.MessageID)
		}
		dead[d.MessageID] = d.Reason
	}
	for id := range published {
		n, isDead := sink.ok[id], dead[id] != ""
		if n > 1 || (n == 1) == isDead {
			t.Errorf("message %s: %d successful deliveries, dead-lettered %v", id, n, isDead)
		}
	}
	if len(sink.ok)+len(dead) != len(published) {
		t.Errorf("%d delivered + %d dead, want %d in all", len(sink.ok), len(dead), len(published))
	}
	return dead
}
