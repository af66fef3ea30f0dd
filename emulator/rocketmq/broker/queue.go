package broker

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
)

// Queues of a topic.
const (
	// DefaultQueues is how many queues a topic has unless Config.Queues
	// says otherwise: Apache RocketMQ's defaultTopicQueueNums.
	DefaultQueues = 8
	// MaxQueues bounds Config.Queues.
	MaxQueues = 256
)

// noOffset is the queue offset of a message not in its queue yet: a
// delayed message before it is due.
const noOffset = ^uint64(0)

// queueLog is one queue of a topic: the sequence numbers of the messages
// at consecutive queue offsets from base. A 0 marks a removed message.
type queueLog struct {
	base uint64
	seqs []uint64
}

// next is the offset the next message of the queue will get: the queue's
// max offset.
func (q *queueLog) next() uint64 { return q.base + uint64(len(q.seqs)) }

// at returns the sequence number at offset off, or 0.
func (q *queueLog) at(off uint64) uint64 {
	if off < q.base || off >= q.next() {
		return 0
	}
	return q.seqs[off-q.base]
}

// pickQueue chooses the queue of a message: want when it is a queue of t
// (a producer that picked one), else the hash of the sharding key, so a
// key's messages stay in one queue, else the next queue in turn.
func (t *topicState) pickQueue(shard string, want int) int {
	n := len(t.queues)
	if want >= 0 && want < n {
		return want
	}
	if shard != "" {
		h := fnv.New32a()
		h.Write([]byte(shard))
		return int(h.Sum32() % uint32(n))
	}
	q := int(t.turn % uint64(n))
	t.turn++
	return q
}

// enqueue gives m the next offset of its queue. b.mu is held.
func (t *topicState) enqueue(m *msgMeta) {
	q := &t.queues[m.queue]
	m.qoff = q.next()
	q.seqs = append(q.seqs, m.seq)
}

// dequeue takes a removed message out of its queue. b.mu is held.
func (t *topicState) dequeue(m *msgMeta) {
	if m.qoff == noOffset {
		return
	}
	q := &t.queues[m.queue]
	if m.qoff < q.base || m.qoff >= q.next() {
		return
	}
	q.seqs[m.qoff-q.base] = 0
	i := 0
	for i < len(q.seqs) && q.seqs[i] == 0 {
		i++
	}
	q.base += uint64(i)
	q.seqs = q.seqs[i:]
	if c := cap(q.seqs); c > 1024 && len(q.seqs) < c/4 {
		q.seqs = slices.Clone(q.seqs)
	}
}

// enqueueDue puts the delayed messages of t that are due by now into
// their queues, in the order they became due. b.mu is held.
func (b *Broker) enqueueDue(t *topicState, now int64) {
	var due []*msgMeta
	kept := t.delayed[:0]
	for _, m := range t.delayed {
		switch {
		case t.slot(m.seq) != m:
			// removed
		case m.ready && m.deliverAt <= now:
			due = append(due, m)
		default:
			kept = append(kept, m)
		}
	}
	clear(t.delayed[len(kept):])
	t.delayed = kept
	slices.SortFunc(due, func(a, c *msgMeta) int {
		if a.deliverAt != c.deliverAt {
			return cmp.Compare(a.deliverAt, c.deliverAt)
		}
		return cmp.Compare(a.seq, c.seq)
	})
	for _, m := range due {
		t.enqueue(m)
		b.dirty = append(b.dirty, dirtyItem{kind: dirtyQueued, topic: t, seq: m.seq})
	}
}

// topicRecordVersion marks topic records that carry queue state. A record
// of one byte 1 is from before queues: the topic has Config.Queues queues.
const topicRecordVersion = 2

// topicRecord is the value of t's topic record: the number of queues,
// the next sequence number and the next offset of each queue, so that
// numbering goes on after every message has expired. b.mu is held, or t
// is new.
func topicRecord(t *topicState) []byte {
	b := []byte{topicRecordVersion}
	b = binary.AppendUvarint(b, uint64(len(t.queues)))
	b = binary.AppendUvarint(b, t.end())
	for i := range t.queues {
		b = binary.AppendUvarint(b, t.queues[i].next())
	}
	return b
}

// topicMarks is what a topic record says.
type topicMarks struct {
	queues  int
	nextSeq uint64
	next    []uint64 // per queue
}

// parseTopicRecord reads a topic record; legacy records give the default
// number of queues and no marks.
func parseTopicRecord(v []byte, queues int) (topicMarks, error) {
	if len(v) == 1 && v[0] == 1 {
		return topicMarks{queues: queues}, nil
	}
	if len(v) == 0 || v[0] != topicRecordVersion {
		return topicMarks{}, fmt.Errorf("unknown topic record format")
	}
	d := &decoder{b: v[1:]}
	n := d.uvarint()
	if d.err == nil && (n == 0 || n > MaxQueues) {
		return topicMarks{}, fmt.Errorf("topic record: %d queues", n)
	}
	tm := topicMarks{queues: int(n), nextSeq: d.uvarint()}
	for i := uint64(0); i < n && d.err == nil; i++ {
		tm.next = append(tm.next, d.uvarint())
	}
	if d.err != nil {
		return topicMarks{}, fmt.Errorf("topic record: %w", d.err)
	}
	return tm, nil
}

// QueueInfo is one queue of a topic: messages are at offsets Min (the
// oldest retained) to Max (the offset the next message will get),
// exclusive.
type QueueInfo struct {
	ID       int
	Min, Max int64
}

// Queues returns the queues of a topic, by ID.
func (b *Broker) Queues(instance, topic string) ([]QueueInfo, error) {
	if err := checkNames(instance, topic, nil); err != nil {
		return nil, err
	}
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	t, err := b.existingTopic(topicID{instance, topic})
	if err != nil {
		return nil, err
	}
	b.expire(b.nowMs())
	out := make([]QueueInfo, len(t.queues))
	for i := range t.queues {
		q := &t.queues[i]
		out[i] = QueueInfo{ID: i, Min: int64(q.base), Max: int64(q.next())}
	}
	return out, nil
}

// existingTopic returns a topic that exists, or ErrTopicNotExist naming
// the known ones. b.mu is held.
func (b *Broker) existingTopic(id topicID) (*topicState, error) {
	if t := b.topics[id]; t != nil {
		return t, nil
	}
	return nil, b.unknownTopic(id)
}

// OffsetAt returns the offset in a queue of the first message that
// became deliverable at or after at (ms), or the queue's max offset when
// there is none: where a consumer resets to a time.
func (b *Broker) OffsetAt(instance, topic string, queue int, at int64) (int64, error) {
	if err := checkNames(instance, topic, nil); err != nil {
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
	return int64(t.offsetAt(queue, at)), nil
}

// offsetAt is OffsetAt for queue q of t. b.mu is held.
func (t *topicState) offsetAt(q int, at int64) uint64 {
	ql := &t.queues[q]
	for i, seq := range ql.seqs {
		if m := t.slot(seq); m != nil && m.deliverAt >= at {
			return ql.base + uint64(i)
		}
	}
	return ql.next()
}

// badQueue is the error for a queue ID t does not have.
func (t *topicState) badQueue(q int) error {
	return invalid("queue %d of topic %q: the topic has queues 0..%d", q, t.id.topic, len(t.queues)-1)
}
