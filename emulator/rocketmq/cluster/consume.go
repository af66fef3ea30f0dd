package cluster

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// sub is this client's consumption of one topic for one group.
type sub struct {
	key                  subKey
	fullTopic, fullGroup string

	mu       sync.Mutex
	tag      string
	filter   tagexpr.Expr
	start    broker.Position
	queues   map[mq]*queue
	assigned bool
	next     int // queue to read first, in turn
}

// queue is the state of one queue this client owns.
type queue struct {
	mq        mq
	next      int64 // offset to pull from; -1 until resolved
	committed int64 // last offset committed to the broker; -1 none
	flights   map[int64]*flight
}

// flight is a delivered message waiting for its Ack.
type flight struct {
	msg      broker.Message
	nonce    uint64
	due      time.Time // delivered again after it
	consumed int
	first    int64
}

// getSub returns the state of (instance, topic, group), creating it.
func (s *Source) getSub(ctx context.Context, instance, topic, group string) (*sub, error) {
	if topic == "" || group == "" {
		return nil, fmt.Errorf("%w: topic and group are required", broker.ErrInvalidArgument)
	}
	k := subKey{instance, topic, group}
	s.mu.Lock()
	sb := s.subs[k]
	if sb == nil {
		sb = &sub{key: k, fullTopic: fullName(instance, topic), fullGroup: fullName(instance, group), queues: map[mq]*queue{},
			start: broker.Position{From: broker.FromEarliest}}
		s.subs[k] = sb
	}
	s.mu.Unlock()
	sb.mu.Lock()
	assigned := sb.assigned
	sb.mu.Unlock()
	if !assigned {
		if err := s.heartbeat(ctx, sb); err != nil {
			return nil, err
		}
		if err := s.rebalance(ctx, sb); err != nil {
			return nil, err
		}
	}
	return sb, nil
}

// Subscribe sets where the group starts in queues without a committed
// offset, and reports whether the group has none in any queue. As Apache
// brokers answer 0 for a new group on a queue that still holds its first
// message, a group is then also taken to start at 0. The queues this
// client owns that have no committed offset get the start position now,
// committed to the cluster, as the local broker fixes a new
// subscription's position when it subscribes: messages published after
// Subscribe are delivered however late the first Consume comes, and a
// restart before anything was consumed goes on from there too.
func (s *Source) Subscribe(instance, topic, group string, start broker.Position) (bool, error) {
	ctx, cancel := context.WithTimeout(s.ctx, callTimeout)
	defer cancel()
	sb, err := s.getSub(ctx, instance, topic, group)
	if err != nil {
		return false, err
	}
	sb.mu.Lock()
	sb.start = start
	sb.mu.Unlock()
	mqs, err := s.route(ctx, sb.fullTopic)
	if err != nil {
		return false, err
	}
	created := true
	for _, q := range mqs {
		off, found, err := s.queryOffset(ctx, sb, q)
		if err != nil {
			return false, err
		}
		if found && off > 0 {
			created = false
		}
	}
	if err := s.settle(ctx, sb, start); err != nil {
		return false, err
	}
	return created, nil
}

// settle resolves where each queue sb owns without a position starts
// (its committed offset, else start) and commits it.
func (s *Source) settle(ctx context.Context, sb *sub, start broker.Position) error {
	sb.mu.Lock()
	var open []*queue
	for _, q := range sb.queues {
		if q.next < 0 {
			open = append(open, q)
		}
	}
	sb.mu.Unlock()
	for _, q := range open {
		off, err := s.resolve(ctx, sb, q, start)
		if err != nil {
			return err
		}
		sb.mu.Lock()
		if q.next < 0 && sb.queues[q.mq] == q {
			q.next = off
		}
		sb.mu.Unlock()
		if err := s.commit(ctx, sb, q); err != nil {
			return err
		}
	}
	return nil
}

// DeadLetters checks the names; the cluster's dead letters are in its
// %DLQ% topics, which this source does not read.
func (s *Source) DeadLetters(instance, topic, group string) ([]broker.DeadLetter, error) {
	if topic == "" || group == "" {
		return nil, fmt.Errorf("%w: topic and group are required", broker.ErrInvalidArgument)
	}
	return nil, nil
}

func (s *Source) queryOffset(ctx context.Context, sb *sub, q mq) (int64, bool, error) {
	resp, err := s.call(ctx, q.addr, &remoting.Command{Code: 14, ExtFields: map[string]string{
		"consumerGroup": sb.fullGroup, "topic": sb.fullTopic, "queueId": strconv.Itoa(q.id), "bname": q.brokerName}}, 22)
	if err != nil {
		return 0, false, err
	}
	if resp.Code == 22 {
		return 0, false, nil
	}
	off, err := strconv.ParseInt(resp.ExtFields["offset"], 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("cluster: offset %q: %w", resp.ExtFields["offset"], err)
	}
	return off, off >= 0, nil
}

// resolve finds where a queue without a position starts: the committed
// offset, else the subscription's start.
func (s *Source) resolve(ctx context.Context, sb *sub, q *queue, start broker.Position) (int64, error) {
	off, found, err := s.queryOffset(ctx, sb, q.mq)
	if err != nil || found {
		return off, err
	}
	ext := map[string]string{"topic": sb.fullTopic, "queueId": strconv.Itoa(q.mq.id), "bname": q.mq.brokerName}
	code := int16(31) // GET_MIN_OFFSET
	switch start.From {
	case broker.FromLatest:
		code = 30
	case broker.FromTime:
		code = 29
		ext["timestamp"] = strconv.FormatInt(start.Time.UnixMilli(), 10)
	}
	resp, err := s.call(ctx, q.mq.addr, &remoting.Command{Code: code, ExtFields: ext})
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(resp.ExtFields["offset"], 10, 64)
}

// Consume returns up to r.Max messages of the queues this client owns:
// first those whose Ack is overdue, delivered again, then new ones, read
// in turn from each queue; with none it waits up to r.Wait. Ordered
// consumption reads a queue only while none of its messages waits for
// an Ack.
func (s *Source) Consume(ctx context.Context, r broker.ConsumeRequest) ([]broker.Delivery, error) {
	if r.Max < 1 || r.Max > broker.MaxBatch {
		return nil, fmt.Errorf("%w: Max %d is outside 1..%d", broker.ErrInvalidArgument, r.Max, broker.MaxBatch)
	}
	filter, err := checkTag(r.Tag)
	if err != nil {
		return nil, err
	}
	sb, err := s.getSub(ctx, r.Instance, r.Topic, r.Group)
	if err != nil {
		return nil, err
	}
	sb.mu.Lock()
	if sb.tag != r.Tag {
		sb.tag, sb.filter = r.Tag, filter
	}
	sb.mu.Unlock()
	deadline := time.Now().Add(r.Wait)
	for {
		out, err := s.tryConsume(ctx, sb, r)
		if err != nil || len(out) > 0 {
			return out, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, nil
		}
		if err := s.waitAny(ctx, sb, r.Ordered, min(left, maxSuspend)); err != nil {
			return nil, err
		}
	}
}

// waitAny waits up to d for a message in any queue this client owns: a
// pull suspended at the broker on each, until the first answers. The
// others are abandoned; the broker ends them when a message comes or
// their suspension ends.
func (s *Source) waitAny(ctx context.Context, sb *sub, ordered bool, d time.Duration) error {
	sb.mu.Lock()
	type target struct {
		q    *queue
		next int64
	}
	var ts []target
	for _, q := range sb.queues {
		if q.next >= 0 && !(ordered && len(q.flights) > 0) {
			ts = append(ts, target{q, q.next})
		}
	}
	sb.mu.Unlock()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if len(ts) == 0 {
		// Nothing to read until a rebalance gives queues or an Ack frees one.
		select {
		case <-time.After(min(d, time.Second)):
		case <-wctx.Done():
		}
		return ctx.Err()
	}
	var wg sync.WaitGroup
	for _, t := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.pull(wctx, sb, t.q, t.next, 1, d)
			if err == nil || wctx.Err() == nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// tryConsume reads each queue once, without waiting.
func (s *Source) tryConsume(ctx context.Context, sb *sub, r broker.ConsumeRequest) ([]broker.Delivery, error) {
	now := time.Now()
	var out []broker.Delivery
	sb.mu.Lock()
	for _, q := range sb.queues {
		for off, f := range q.flights {
			if len(out) < r.Max && !now.Before(f.due) {
				out = append(out, s.deliver(sb, q, off, f, now))
			}
		}
	}
	queues := make([]*queue, 0, len(sb.queues))
	for _, q := range sb.queues {
		queues = append(queues, q)
	}
	start, startPos := sb.next, sb.start
	sb.next++
	sb.mu.Unlock()
	if len(out) > 0 || len(queues) == 0 {
		return out, nil
	}
	slices.SortFunc(queues, func(a, b *queue) int {
		return cmp.Or(cmp.Compare(a.mq.brokerName, b.mq.brokerName), cmp.Compare(a.mq.id, b.mq.id))
	})
	for i := range queues {
		q := queues[(start+i)%len(queues)]
		if len(out) >= r.Max {
			break
		}
		sb.mu.Lock()
		next, busy := q.next, r.Ordered && len(q.flights) > 0
		sb.mu.Unlock()
		if busy {
			continue
		}
		if next < 0 {
			off, err := s.resolve(ctx, sb, q, startPos)
			if err != nil {
				return out, err
			}
			sb.mu.Lock()
			q.next, next = off, off
			sb.mu.Unlock()
		}
		msgs, nextOff, err := s.pull(ctx, sb, q, next, r.Max-len(out), 0)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return out, err
			}
			s.log.Warn("cluster: pull", "topic", sb.fullTopic, "queue", q.mq.id, "broker", q.mq.brokerName, "error", err)
			continue
		}
		now := time.Now()
		sb.mu.Lock()
		if q.next == next && sb.queues[q.mq] == q { // not moved meanwhile
			q.next = nextOff
			for _, m := range msgs {
				if !sb.filter.Match(m.Tag) {
					continue // the broker filters by tag hash; clients match the tag itself
				}
				f := &flight{msg: m, first: now.UnixMilli()}
				q.flights[m.QueueOffset] = f
				out = append(out, s.deliver(sb, q, m.QueueOffset, f, now))
			}
		}
		sb.mu.Unlock()
		if len(msgs) > 0 && len(out) == 0 {
			// All filtered: commit past them.
			s.commit(ctx, sb, q)
		}
	}
	return out, nil
}

// deliver gives a flight a new handle. sb.mu is held.
func (s *Source) deliver(sb *sub, q *queue, off int64, f *flight, now time.Time) broker.Delivery {
	var b [8]byte
	rand.Read(b[:])
	f.nonce = binary.BigEndian.Uint64(b[:])
	f.consumed++
	f.due = now.Add(s.cfg.InvisibleTime)
	m := f.msg
	m.Instance, m.Topic = sb.key.instance, sb.key.topic
	return broker.Delivery{Message: m, ReceiptHandle: fmt.Sprintf("%s/%d/%d/%016x", q.mq.brokerName, q.mq.id, off, f.nonce),
		ConsumedTimes: f.consumed, FirstConsumeTime: f.first, NextConsumeTime: f.due.UnixMilli()}
}

// pull reads a queue from off.
func (s *Source) pull(ctx context.Context, sb *sub, q *queue, off int64, max int, wait time.Duration) ([]broker.Message, int64, error) {
	sb.mu.Lock()
	tag := sb.tag
	sb.mu.Unlock()
	if tag == "" {
		tag = "*"
	}
	sysFlag := 0
	if wait > 0 {
		sysFlag = 2
	}
	resp, err := s.call(ctx, q.mq.addr, &remoting.Command{Code: 11, ExtFields: map[string]string{
		"consumerGroup": sb.fullGroup, "topic": sb.fullTopic, "queueId": strconv.Itoa(q.mq.id),
		"queueOffset": strconv.FormatInt(off, 10), "maxMsgNums": strconv.Itoa(max), "sysFlag": strconv.Itoa(sysFlag),
		"commitOffset": "0", "suspendTimeoutMillis": strconv.FormatInt(wait.Milliseconds(), 10),
		"subscription": tag, "subVersion": "0", "expressionType": "TAG", "bname": q.mq.brokerName,
	}}, 19, 20, 21)
	if err != nil {
		return nil, off, err
	}
	next, err := strconv.ParseInt(resp.ExtFields["nextBeginOffset"], 10, 64)
	if err != nil {
		return nil, off, fmt.Errorf("cluster: pull: nextBeginOffset %q", resp.ExtFields["nextBeginOffset"])
	}
	if resp.Code != 0 {
		return nil, next, nil
	}
	stored, err := remoting.DecodeMessages(resp.Body, broker.DefaultMaxBodySize)
	if err != nil {
		return nil, off, err
	}
	msgs := make([]broker.Message, len(stored))
	for i, st := range stored {
		msgs[i] = st.Message
	}
	return msgs, next, nil
}

// Ack acknowledges deliveries by their handles and commits the queues'
// offsets up to their first unacknowledged message.
func (s *Source) Ack(ctx context.Context, instance, topic, group string, handles []string) ([]broker.HandleError, error) {
	s.mu.Lock()
	sb := s.subs[subKey{instance, topic, group}]
	s.mu.Unlock()
	var failed []broker.HandleError
	if sb == nil {
		for _, h := range handles {
			failed = append(failed, broker.HandleError{Handle: h, Code: broker.CodeReceiptHandleError, Message: "no consumption of this topic by this group"})
		}
		return failed, nil
	}
	touched := map[*queue]bool{}
	sb.mu.Lock()
	for _, h := range handles {
		q, off, nonce, ok := parseHandle(sb, h)
		if !ok {
			failed = append(failed, broker.HandleError{Handle: h, Code: broker.CodeReceiptHandleError, Message: "malformed handle"})
			continue
		}
		f := q.flights[off]
		if q == nil || f == nil || f.nonce != nonce {
			failed = append(failed, broker.HandleError{Handle: h, Code: broker.CodeMessageNotExist,
				Message: "already acknowledged, delivered again, or its queue moved to another consumer"})
			continue
		}
		delete(q.flights, off)
		touched[q] = true
	}
	sb.mu.Unlock()
	for q := range touched {
		if err := s.commit(ctx, sb, q); err != nil {
			return failed, err
		}
	}
	return failed, nil
}

// parseHandle finds the queue, offset and nonce of a handle. sb.mu is
// held; the queue may be nil when this client no longer owns it.
func parseHandle(sb *sub, h string) (*queue, int64, uint64, bool) {
	parts := strings.Split(h, "/")
	if len(parts) != 4 {
		return nil, 0, 0, false
	}
	id, err1 := strconv.Atoi(parts[1])
	off, err2 := strconv.ParseInt(parts[2], 10, 64)
	nb, err3 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || len(nb) != 8 {
		return nil, 0, 0, false
	}
	for k, q := range sb.queues {
		if k.brokerName == parts[0] && k.id == id {
			return q, off, binary.BigEndian.Uint64(nb), true
		}
	}
	return &queue{flights: map[int64]*flight{}}, off, binary.BigEndian.Uint64(nb), true
}

// commit stores a queue's progress: the first offset still waiting for
// an Ack, or the next to pull.
func (s *Source) commit(ctx context.Context, sb *sub, q *queue) error {
	sb.mu.Lock()
	off := q.next
	for o := range q.flights {
		off = min(off, o)
	}
	if off < 0 || off <= q.committed {
		sb.mu.Unlock()
		return nil
	}
	sb.mu.Unlock()
	_, err := s.call(ctx, q.mq.addr, &remoting.Command{Code: 15, ExtFields: map[string]string{
		"consumerGroup": sb.fullGroup, "topic": sb.fullTopic, "queueId": strconv.Itoa(q.mq.id),
		"commitOffset": strconv.FormatInt(off, 10), "bname": q.mq.brokerName}})
	if err != nil {
		return err
	}
	sb.mu.Lock()
	q.committed = max(q.committed, off)
	sb.mu.Unlock()
	return nil
}
