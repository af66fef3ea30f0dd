package broker

import (
	"context"
	"log/slog"
	"time"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// Delivery is a message handed to a consumer.
type Delivery struct {
	Message
	ReceiptHandle    string // new for each delivery; valid until NextConsumeTime
	ConsumedTimes    int    // 1 on the first delivery
	FirstConsumeTime int64  // ms
	NextConsumeTime  int64  // ms: when it becomes visible again unless acked
}

// ConsumeRequest asks for messages of a topic for a group.
type ConsumeRequest struct {
	Instance, Topic, Group string
	// Tag filters by tag: "" or "*" for all, "A||B" for either. Messages
	// that do not match are skipped for the group, as if acknowledged.
	Tag string
	// Max is how many messages to return at most, 1..MaxBatch.
	Max int
	// Wait is how long to wait for a message when none is ready, at most
	// MaxWait; 0 answers at once.
	Wait time.Duration
	// Ordered asks for orderly consumption (trans=order).
	Ordered bool
	// Grouped orders the messages that have a sharding key (message
	// group) by it, as Ordered does, and delivers those without one as
	// unordered consumption does: the 5.x protocol's FIFO delivery. The
	// invisibility is InvisibleTime's.
	Grouped bool
	// ProducerGroups, for ConsumeHalf, offers only the half messages of
	// these producer groups (their PropProducerGroup property); nil
	// offers every one.
	ProducerGroups []string
	// Invisible is how long the messages delivered stay invisible to the
	// group, at most MaxInvisible; 0 is the broker's InvisibleTime (or
	// OrderInvisibleTime when Ordered).
	Invisible time.Duration
}

// pick is a message chosen for a delivery, with its delivery bookkeeping.
type pick struct {
	seq      uint64
	qoff     int64 // queue offset; -1 for half messages
	handle   string
	consumed int
	first    int64
	next     int64
}

// check validates a ConsumeRequest and parses its tag filter.
func (r *ConsumeRequest) check() (tagexpr.Expr, error) {
	if err := checkNames(r.Instance, r.Topic, &r.Group); err != nil {
		return tagexpr.Expr{}, err
	}
	if r.Max < 1 || r.Max > MaxBatch {
		return tagexpr.Expr{}, invalid("Max %d is outside 1..%d", r.Max, MaxBatch)
	}
	if r.Wait < 0 || r.Wait > MaxWait {
		return tagexpr.Expr{}, invalid("Wait %s is outside 0..%s", r.Wait, MaxWait)
	}
	if r.Invisible < 0 || r.Invisible > MaxInvisible {
		return tagexpr.Expr{}, invalid("Invisible %s is outside 0..%s", r.Invisible, MaxInvisible)
	}
	return parseTagFilter(r.Tag)
}

// Consume returns up to r.Max deliverable messages for the group, marking
// them invisible until their NextConsumeTime. With nothing deliverable it
// waits up to r.Wait for a message and returns nil if none came; it returns
// ctx.Err() when ctx ends first and ErrClosed when the broker is closed.
func (b *Broker) Consume(ctx context.Context, r ConsumeRequest) ([]Delivery, error) {
	filter, err := r.check()
	if err != nil {
		return nil, err
	}
	s, err := b.subscribe(r)
	if err != nil {
		return nil, err
	}
	return b.poll(ctx, r.Wait, func() ([]Delivery, <-chan struct{}, error) {
		return b.tryConsume(s, r, filter)
	})
}

// subscribe returns the group's subscription to the topic, creating and
// storing what is missing.
func (b *Broker) subscribe(r ConsumeRequest) (*subState, error) {
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	_, s, recs, err := b.join(r.Instance, r.Topic, r.Group, true)
	b.mu.Unlock()
	if err != nil || recs.empty() {
		return s, err
	}
	return s, b.update("subscribe", recs.put)
}

// poll calls try until it returns messages or an error, waiting between
// calls for its wake channel, until wait passes, ctx ends or the broker
// closes.
func (b *Broker) poll(ctx context.Context, wait time.Duration, try func() ([]Delivery, <-chan struct{}, error)) ([]Delivery, error) {
	var deadline <-chan time.Time
	if wait > 0 {
		tm := time.NewTimer(wait)
		defer tm.Stop()
		deadline = tm.C
	}
	for {
		ds, wake, err := try()
		if err != nil || len(ds) > 0 || deadline == nil {
			return ds, err
		}
		if woken, err := b.wait(ctx, wake, deadline); !woken {
			return nil, err
		}
	}
}

// wait waits for wake, counted in Waiting. It reports false with no
// error when deadline passes first, and false with ctx.Err() or
// ErrClosed when ctx ends or the broker closes.
func (b *Broker) wait(ctx context.Context, wake <-chan struct{}, deadline <-chan time.Time) (bool, error) {
	b.waiting.Add(1)
	defer b.waiting.Add(-1)
	select {
	case <-wake:
		return true, nil
	case <-deadline:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-b.done:
		return false, ErrClosed
	}
}

// tryConsume delivers what is deliverable now and returns the channel that
// signals a change otherwise.
func (b *Broker) tryConsume(s *subState, r ConsumeRequest, filter tagexpr.Expr) ([]Delivery, <-chan struct{}, error) {
	if err := b.lockOpen(); err != nil {
		return nil, nil, err
	}
	now := b.nowMs()
	dead := b.deadLettered.Load()
	b.expire(now)
	inv := b.cfg.InvisibleTime
	if r.Ordered {
		inv = b.cfg.OrderInvisibleTime
	}
	if r.Invisible > 0 {
		inv = r.Invisible
	}
	p := picker{b: b, s: s, filter: filter, max: r.Max, now: now, inv: inv.Milliseconds()}
	if r.Ordered || r.Grouped {
		p.ordered(r.Grouped && !r.Ordered)
	} else {
		p.normal()
	}
	dead = b.deadLettered.Load() - dead
	wake := s.topic.wake
	b.mu.Unlock()
	if dead > 0 {
		if err := b.update("dead-letter", nil); err != nil {
			slog.Warn("rocketmq: writing dead letters", "err", err)
		}
	}
	if len(p.out) == 0 {
		return nil, wake, nil
	}
	ds, err := b.deliveries(s.topic, p.out)
	return ds, wake, err
}

// deliveries loads the picked messages and builds their deliveries.
func (b *Broker) deliveries(t *topicState, picks []pick) ([]Delivery, error) {
	seqs := make([]uint64, len(picks))
	for i, p := range picks {
		seqs[i] = p.seq
	}
	msgs, err := b.loadMessages(bucketMsg, t.key, seqs, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(picks))
	for i, p := range picks {
		if msgs[i].ID == "" {
			continue
		}
		msgs[i].QueueOffset = p.qoff // a delayed message's record predates it
		out = append(out, Delivery{Message: msgs[i], ReceiptHandle: p.handle,
			ConsumedTimes: p.consumed, FirstConsumeTime: p.first, NextConsumeTime: p.next})
	}
	b.delivered.Add(uint64(len(out)))
	return out, nil
}
