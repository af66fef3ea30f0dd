package broker

import (
	"context"
	"encoding/binary"
	"slices"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// committed returns group's committed offsets in t, per queue (-1: none),
// creating them. b.mu is held.
func (t *topicState) committed(group string) []int64 {
	offs := t.offsets[group]
	if offs == nil {
		offs = slices.Repeat([]int64{-1}, len(t.queues))
		t.offsets[group] = offs
	}
	return offs
}

// offsetKey is the key of a committed offset.
func offsetKey(t *topicState, group string, queue int) []byte {
	return seqKey(subKey(t.id, group), uint64(queue))
}

// CommitOffset stores a group's progress in one queue of a topic, as
// consumers of the native protocols report it: offset is the next offset
// the group will consume. It is bounded to the queue's offsets (a consumer
// cannot commit past the end), and returns once durable.
func (b *Broker) CommitOffset(instance, topic, group string, queue int, offset int64) error {
	if err := checkNames(instance, topic, &group); err != nil {
		return err
	}
	if offset < 0 {
		return invalid("offset %d is negative", offset)
	}
	if err := b.lockOpen(); err != nil {
		return err
	}
	t, err := b.existingTopic(topicID{instance, topic})
	if err == nil && (queue < 0 || queue >= len(t.queues)) {
		err = t.badQueue(queue)
	}
	if err == nil {
		_, err = b.lookupGroup(groupID{instance, group}, false)
	}
	if err != nil {
		b.mu.Unlock()
		return err
	}
	b.mu.Unlock()
	// Memory changes inside the store transaction, so concurrent commits
	// of one queue are stored in the order memory has them.
	return b.update("commit offset", func(w kv.Writer) error {
		b.mu.Lock()
		off := min(uint64(offset), t.queues[queue].next())
		t.committed(group)[queue] = int64(off)
		b.mu.Unlock()
		return w.Put(bucketOff, offsetKey(t, group, queue), binary.AppendUvarint(nil, off))
	})
}

// CommittedOffset returns a group's committed offset in one queue, or -1
// when it has committed none.
func (b *Broker) CommittedOffset(instance, topic, group string, queue int) (int64, error) {
	if err := checkNames(instance, topic, &group); err != nil {
		return 0, err
	}
	if err := b.lockOpen(); err != nil {
		return 0, err
	}
	defer b.mu.Unlock()
	t, err := b.existingTopic(topicID{instance, topic})
	if err != nil {
		return 0, err
	}
	if queue < 0 || queue >= len(t.queues) {
		return 0, t.badQueue(queue)
	}
	if offs := t.offsets[group]; offs != nil {
		return offs[queue], nil
	}
	return -1, nil
}

// PullStatus is the outcome of a Pull.
type PullStatus int

const (
	// PullFound: Messages holds messages.
	PullFound PullStatus = iota
	// PullNoNewMessage: the offset is the queue's max offset, and nothing
	// arrived within Wait.
	PullNoNewMessage
	// PullNoMatchedMessage: messages were read, none matched the tag
	// expression; Next is past them.
	PullNoMatchedMessage
	// PullOffsetIllegal: the offset is below the queue's min offset (its
	// messages expired) or above its max; Next is the nearest valid one.
	PullOffsetIllegal
)

// PullRequest reads a queue from an offset, as the remoting protocol's
// pull consumers do. It changes no group's state: consumers keep their
// own position and commit it with CommitOffset.
type PullRequest struct {
	Instance, Topic string
	Queue           int
	Offset          int64
	Max             int           // messages at most, 1..32
	Tag             string        // tag expression; "" or "*" for all
	Wait            time.Duration // long polling at the max offset, up to MaxWait
}

// PullResult is the answer to a Pull.
type PullResult struct {
	Status   PullStatus
	Messages []Message // with bodies, in offset order
	// Next is the offset to pull from next.
	Next int64
	// Min and Max are the queue's offsets when the pull was answered.
	Min, Max int64
}

// MaxPull bounds PullRequest.Max (the remoting protocol's default batch is
// 32).
const MaxPull = 32

// Pull reads up to r.Max messages of one queue from r.Offset. Messages
// still being written stop the read, so none is skipped.
func (b *Broker) Pull(ctx context.Context, r PullRequest) (PullResult, error) {
	if err := checkNames(r.Instance, r.Topic, nil); err != nil {
		return PullResult{}, err
	}
	if r.Max < 1 || r.Max > MaxPull {
		return PullResult{}, invalid("pull of %d messages: want 1..%d", r.Max, MaxPull)
	}
	if r.Wait < 0 || r.Wait > MaxWait {
		return PullResult{}, invalid("wait %s: want 0..%s", r.Wait, MaxWait)
	}
	filter, err := parseTagFilter(r.Tag)
	if err != nil {
		return PullResult{}, err
	}
	var deadline <-chan time.Time
	if r.Wait > 0 {
		tm := time.NewTimer(r.Wait)
		defer tm.Stop()
		deadline = tm.C
	}
	for {
		res, seqs, offs, t, wake, err := b.tryPull(r, filter)
		if err != nil {
			return PullResult{}, err
		}
		if len(seqs) > 0 {
			msgs, err := b.loadMessages(bucketMsg, t.key, seqs, 0)
			if err != nil {
				return PullResult{}, err
			}
			for i := range msgs {
				if msgs[i].ID != "" {
					msgs[i].QueueOffset = offs[i] // a delayed message's record predates it
					res.Messages = append(res.Messages, msgs[i])
				}
			}
			return res, nil
		}
		if res.Status != PullNoNewMessage || deadline == nil {
			return res, nil
		}
		select {
		case <-wake:
		case <-deadline:
			return res, nil
		case <-ctx.Done():
			return PullResult{}, ctx.Err()
		case <-b.done:
			return PullResult{}, ErrClosed
		}
	}
}

// tryPull picks what a Pull returns now: the result without messages, the
// sequence numbers and offsets to load, and the channel that signals a
// change.
func (b *Broker) tryPull(r PullRequest, filter tagexpr.Expr) (res PullResult, seqs []uint64, offs []int64, t *topicState, wake <-chan struct{}, err error) {
	if err := b.lockOpen(); err != nil {
		return res, nil, nil, nil, nil, err
	}
	defer b.mu.Unlock()
	t, err = b.existingTopic(topicID{r.Instance, r.Topic})
	if err != nil {
		return res, nil, nil, nil, nil, err
	}
	if r.Queue < 0 || r.Queue >= len(t.queues) {
		return res, nil, nil, nil, nil, t.badQueue(r.Queue)
	}
	now := b.nowMs()
	b.expire(now)
	q := &t.queues[r.Queue]
	res = PullResult{Min: int64(q.base), Max: int64(q.next()), Next: r.Offset}
	switch {
	case r.Offset < res.Min:
		res.Status, res.Next = PullOffsetIllegal, res.Min
		return res, nil, nil, t, t.wake, nil
	case r.Offset > res.Max:
		res.Status, res.Next = PullOffsetIllegal, res.Max
		return res, nil, nil, t, t.wake, nil
	}
	off := uint64(r.Offset)
	for ; off < q.next() && len(seqs) < r.Max; off++ {
		seq := q.at(off)
		m := t.slot(seq)
		if seq == 0 || m == nil {
			continue // removed
		}
		if !m.ready {
			break // being written: not skipped
		}
		if filter.Match(m.tag) {
			seqs = append(seqs, seq)
			offs = append(offs, int64(off))
		}
	}
	res.Next = int64(off)
	switch {
	case len(seqs) > 0:
		res.Status = PullFound
	case off > uint64(r.Offset):
		res.Status = PullNoMatchedMessage
	default:
		res.Status = PullNoNewMessage
	}
	return res, seqs, offs, t, t.wake, nil
}
