package broker

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// recovery collects what Open reads from the store.
type recovery struct {
	b       *Broker
	orphans []orphan // records of messages that no longer exist
	marks   map[*topicState]topicMarks
}

// orphan is a record to delete.
type orphan struct {
	bucket string
	key    []byte
}

// recover rebuilds the in-memory indexes from the store, deletes records
// left behind by a crash and removes messages every group is done with.
// Delivery bookkeeping is not stored: every unacknowledged message is
// deliverable again.
func (b *Broker) recover() error {
	rc := &recovery{b: b, marks: map[*topicState]topicMarks{}}
	err := b.store.View(func(r kv.Reader) error {
		for _, step := range []func(kv.Reader) error{
			rc.topics, rc.groups, rc.messages, rc.qpos, rc.subs, rc.acks, rc.deads, rc.halves, rc.offsets,
		} {
			if err := step(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return storeErr("recover", err)
	}
	b.mu.Lock()
	for _, t := range b.topics {
		rc.queues(t)
	}
	b.settleRecovered()
	b.mu.Unlock()
	return b.update("recover", func(w kv.Writer) error {
		for _, o := range rc.orphans {
			if err := w.Delete(o.bucket, o.key); err != nil {
				return err
			}
		}
		return nil
	})
}

// topic returns the topic named by key, creating it with the default
// number of queues.
func (rc *recovery) topic(key string) (*topicState, bool) {
	parts, ok := splitKey(key, 2)
	if !ok {
		return nil, false
	}
	id := topicID{parts[0], parts[1]}
	t := rc.b.topics[id]
	if t == nil {
		t = newTopicState(id, rc.b.cfg.Queues)
		rc.b.topics[id] = t
	}
	return t, true
}

// sub returns the subscription named by key, creating it and its group.
func (rc *recovery) sub(key string, start uint64) (*subState, bool) {
	parts, ok := splitKey(key, 3)
	if !ok {
		return nil, false
	}
	t, _ := rc.topic(parts[0] + "\x00" + parts[1])
	rc.b.groups[groupID{parts[0], parts[2]}] = true
	if s := t.subs[parts[2]]; s != nil {
		return s, true
	}
	return t.newSub(parts[2], start), true
}

func (rc *recovery) topics(r kv.Reader) error {
	var err error
	scan := r.Scan(bucketTopic, nil, nil, false, func(k, v []byte) bool {
		marks, perr := parseTopicRecord(v, rc.b.cfg.Queues)
		parts, ok := splitKey(string(k), 2)
		if perr != nil || !ok {
			err = fmt.Errorf("broker: recover: topic record %q: %v", k, perr)
			return false
		}
		t := newTopicState(topicID{parts[0], parts[1]}, marks.queues)
		rc.b.topics[t.id] = t
		rc.marks[t] = marks
		return true
	})
	if scan != nil {
		return scan
	}
	return err
}

func (rc *recovery) groups(r kv.Reader) error {
	return r.Scan(bucketGroup, nil, nil, false, func(k, _ []byte) bool {
		if parts, ok := splitKey(string(k), 2); ok {
			rc.b.groups[groupID{parts[0], parts[1]}] = true
		}
		return true
	})
}

func (rc *recovery) subs(r kv.Reader) error {
	var err error
	scan := r.Scan(bucketSub, nil, nil, false, func(k, v []byte) bool {
		start, n := binary.Uvarint(v)
		if n <= 0 {
			err = fmt.Errorf("broker: recover: malformed subscription record %q", k)
			return false
		}
		rc.sub(string(k), start)
		return true
	})
	if scan != nil {
		return scan
	}
	return err
}

// messages indexes the stored messages, in sequence order per topic.
func (rc *recovery) messages(r kv.Reader) error {
	var err error
	scan := r.Scan(bucketMsg, nil, nil, false, func(k, v []byte) bool {
		prefix, seq, ok := parseSeqKey(k)
		t, ok2 := rc.topic(prefix)
		if !ok || !ok2 {
			err = fmt.Errorf("broker: recover: malformed message key %q", k)
			return false
		}
		m, derr := decodeMessage(v, false)
		if derr != nil {
			err = fmt.Errorf("broker: recover: message %d of topic %q: %w", seq, t.id.topic, derr)
			return false
		}
		if len(t.msgs) == 0 {
			t.base = seq
		}
		for t.end() < seq {
			t.msgs = append(t.msgs, nil)
		}
		meta := metaOf(&m)
		meta.seq, meta.ready = seq, true
		meta.queue, meta.qoff = m.QueueID, noOffset
		if m.QueueOffset >= 0 {
			meta.qoff = uint64(m.QueueOffset)
		}
		if meta.queue >= len(t.queues) {
			err = fmt.Errorf("broker: recover: message %d of topic %q is in queue %d of %d", seq, t.id.topic, meta.queue, len(t.queues))
			return false
		}
		t.msgs = append(t.msgs, &meta)
		return true
	})
	if scan != nil {
		return scan
	}
	return err
}

// qpos restores the queue offsets delayed messages took when they were
// due.
func (rc *recovery) qpos(r kv.Reader) error {
	return r.Scan(bucketQPos, nil, nil, false, func(k, v []byte) bool {
		prefix, seq, ok := parseSeqKey(k)
		var m *msgMeta
		if t := rc.b.topics[topicOf(prefix)]; ok && t != nil {
			m = t.slot(seq)
		}
		off, n := binary.Uvarint(v)
		if m == nil || n <= 0 {
			rc.orphans = append(rc.orphans, orphan{bucketQPos, append([]byte{}, k...)})
			return true
		}
		m.qoff = off
		return true
	})
}

// topicOf is the ID of a topic key.
func topicOf(key string) topicID {
	parts, ok := splitKey(key, 2)
	if !ok {
		return topicID{}
	}
	return topicID{parts[0], parts[1]}
}

// offsets restores committed offsets.
func (rc *recovery) offsets(r kv.Reader) error {
	return r.Scan(bucketOff, nil, nil, false, func(k, v []byte) bool {
		prefix, queue, ok := parseSeqKey(k)
		parts, ok2 := splitKey(prefix, 3)
		off, n := binary.Uvarint(v)
		if !ok || !ok2 || n <= 0 {
			rc.orphans = append(rc.orphans, orphan{bucketOff, append([]byte{}, k...)})
			return true
		}
		t, _ := rc.topic(parts[0] + "\x00" + parts[1])
		if queue >= uint64(len(t.queues)) {
			rc.orphans = append(rc.orphans, orphan{bucketOff, append([]byte{}, k...)})
			return true
		}
		t.committed(parts[2])[queue] = int64(off)
		return true
	})
}

// queues rebuilds the queues of t from its messages' offsets and the
// marks of its topic record. Messages from before queues are spread over
// the queues by sequence number, in order. b.mu is held.
func (rc *recovery) queues(t *topicState) {
	marks := rc.marks[t]
	for t.end() < marks.nextSeq {
		if len(t.msgs) == 0 {
			t.base = marks.nextSeq
			break
		}
		t.msgs = append(t.msgs, nil)
	}
	placed := make([][]*msgMeta, len(t.queues))
	var legacy []*msgMeta
	for _, m := range t.msgs {
		switch {
		case m == nil:
		case m.queue < 0:
			legacy = append(legacy, m)
		case m.qoff == noOffset:
			t.delayed = append(t.delayed, m)
		default:
			placed[m.queue] = append(placed[m.queue], m)
		}
	}
	for i := range t.queues {
		q := &t.queues[i]
		ms := placed[i]
		slices.SortFunc(ms, func(a, c *msgMeta) int { return cmp.Compare(a.qoff, c.qoff) })
		if len(ms) > 0 {
			q.base = ms[0].qoff
		}
		for _, m := range ms {
			for q.next() < m.qoff {
				q.seqs = append(q.seqs, 0)
			}
			if q.next() == m.qoff {
				q.seqs = append(q.seqs, m.seq)
			}
		}
		if i < len(marks.next) {
			if len(q.seqs) == 0 {
				q.base = max(q.base, marks.next[i])
			}
			for q.next() < marks.next[i] {
				q.seqs = append(q.seqs, 0)
			}
		}
	}
	for _, m := range legacy {
		m.queue = int(m.seq % uint64(len(t.queues)))
		if m.deliverAt > rc.b.nowMs() {
			m.qoff = noOffset
			t.delayed = append(t.delayed, m)
			continue
		}
		t.enqueue(m)
	}
}

// acks marks acknowledged and skipped messages done.
func (rc *recovery) acks(r kv.Reader) error {
	return rc.states(r, bucketAck, func([]byte) (*msgState, error) {
		return &msgState{phase: phaseDone}, nil
	})
}

// deads restores dead letters.
func (rc *recovery) deads(r kv.Reader) error {
	return rc.states(r, bucketDead, decodeDead)
}

// states restores per-group message states from bucket; records of
// messages that no longer exist are orphans.
func (rc *recovery) states(r kv.Reader, bucket string, decode func([]byte) (*msgState, error)) error {
	var err error
	scan := r.Scan(bucket, nil, nil, false, func(k, v []byte) bool {
		prefix, seq, ok := parseSeqKey(k)
		s, ok2 := rc.sub(prefix, 0)
		if !ok || !ok2 || s.topic.slot(seq) == nil {
			rc.orphans = append(rc.orphans, orphan{bucket, append([]byte{}, k...)})
			return true
		}
		st, derr := decode(v)
		if derr != nil {
			err = fmt.Errorf("broker: recover: %s record %d of %q: %w", bucket, seq, s.key, derr)
			return false
		}
		s.states[seq] = st
		return true
	})
	if scan != nil {
		return scan
	}
	return err
}

// halves restores unresolved half messages.
func (rc *recovery) halves(r kv.Reader) error {
	var err error
	scan := r.Scan(bucketHalf, nil, nil, false, func(k, v []byte) bool {
		prefix, seq, ok := parseSeqKey(k)
		t, ok2 := rc.topic(prefix)
		if !ok || !ok2 || len(v) < 8 {
			err = fmt.Errorf("broker: recover: malformed half message %q", k)
			return false
		}
		m, derr := decodeMessage(v[8:], false)
		if derr != nil {
			err = fmt.Errorf("broker: recover: half message %d of topic %q: %w", seq, t.id.topic, derr)
			return false
		}
		immune := m.PublishTime + int64(m.TransCheckImmunity)*1000
		t.halves[seq] = &halfEntry{seq: seq, meta: metaOf(&m), nonce: binary.BigEndian.Uint64(v),
			expires: immune, nextOffer: immune, dropAt: m.PublishTime + rc.b.cfg.HalfLifetime.Milliseconds(),
			queue: m.QueueID, producer: m.Properties[PropProducerGroup]}
		t.nextHalf = max(t.nextHalf, seq+1)
		return true
	})
	if scan != nil {
		return scan
	}
	return err
}

// settleRecovered advances subscriptions, schedules the timers of delayed
// and half messages and removes the messages whose retention ended. b.mu
// is held.
func (b *Broker) settleRecovered() {
	now := b.nowMs()
	for _, t := range b.topics {
		// Sequence numbers go on from the furthest a group has started at,
		// even when the messages before it are gone.
		for _, s := range t.subs {
			if s.low > t.end() {
				if len(t.msgs) == 0 {
					t.base = s.low
				}
				for t.end() < s.low {
					t.msgs = append(t.msgs, nil)
				}
			}
		}
		for _, s := range t.subs {
			s.low = max(s.low, t.base)
			s.advance()
		}
		for seq := t.base; seq < t.end(); seq++ {
			m := t.slot(seq)
			if m == nil {
				continue
			}
			b.retain(m)
			if m.deliverAt > now {
				b.schedule(timer{at: m.deliverAt, kind: timerDue, topic: t})
			}
		}
		for _, e := range t.halves {
			b.readyHalf(t, e)
		}
		b.enqueueDue(t, now)
	}
	b.sweep(now)
}
