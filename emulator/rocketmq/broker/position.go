package broker

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// From names where a Position is in a topic.
type From int

const (
	// FromEarliest is the earliest message the topic retains
	// (CONSUME_FROM_FIRST_OFFSET).
	FromEarliest From = iota
	// FromLatest is after the last message published
	// (CONSUME_FROM_LAST_OFFSET): only later messages are consumed.
	FromLatest
	// FromTime is the first message published at or after Position.Time
	// (CONSUME_FROM_TIMESTAMP).
	FromTime
)

// Position is where a group starts consuming a topic, or is reset to.
type Position struct {
	From From
	Time time.Time // with FromTime
}

func (p Position) String() string {
	switch p.From {
	case FromEarliest:
		return "earliest"
	case FromLatest:
		return "latest"
	}
	return p.Time.UTC().Format(time.RFC3339Nano)
}

// seqAt is the sequence number of p in t. b.mu is held.
func (t *topicState) seqAt(p Position) uint64 {
	switch p.From {
	case FromLatest:
		return t.end()
	case FromTime:
		at := p.Time.UnixMilli()
		for _, m := range t.msgs {
			if m != nil && m.born >= at {
				return m.seq
			}
		}
		return t.end()
	}
	return t.base
}

// Subscribe makes group a consumer of topic starting at start, unless it
// already is one: an existing subscription keeps its progress, across
// restarts too. It reports whether the subscription is new. Topic and
// group are created as Consume creates them (not on a strict broker).
// Consume subscribes a new group at the earliest retained message.
func (b *Broker) Subscribe(instance, topic, group string, start Position) (bool, error) {
	if err := checkNames(instance, topic, &group); err != nil {
		return false, err
	}
	if err := b.lockOpen(); err != nil {
		return false, err
	}
	t, _, recs, err := b.join(instance, topic, group, false)
	if err != nil {
		b.mu.Unlock()
		return false, err
	}
	created := t.subs[group] == nil
	if created {
		s := t.newSub(group, t.seqAt(start))
		recs.sub, recs.start = s.key, s.low
	}
	b.mu.Unlock()
	if recs.empty() {
		return created, nil
	}
	return created, b.update("subscribe", recs.put)
}

// ResetOffset moves a group's position in a topic to p, as the cloud
// console's "reset consumer offset" does: the group is then done with
// every message before p and with none from p on, so those are delivered
// again, acknowledged, skipped or dead-lettered before or not. Deliveries
// in flight end (their handles answer MessageNotExist). The committed
// offsets of a group that consumes by pulling queues move to the same
// place in each queue. It returns the number of retained messages the
// group now has to consume.
func (b *Broker) ResetOffset(instance, topic, group string, p Position) (int, error) {
	if err := checkNames(instance, topic, &group); err != nil {
		return 0, err
	}
	if err := b.lockOpen(); err != nil {
		return 0, err
	}
	t, err := b.existingTopic(topicID{instance, topic})
	var s *subState
	pulls := false
	if err == nil {
		s, pulls = t.subs[group], t.offsets[group] != nil
		if s == nil && !pulls {
			err = fmt.Errorf("%w: group %q has not consumed topic %q of instance %s", ErrGroupNotExist, group, topic, instanceName(instance))
		}
	}
	b.mu.Unlock()
	if err != nil {
		return 0, err
	}
	// The reset happens within the store transaction that deletes the
	// group's records, so acknowledgements written around it stay in
	// line with memory.
	pending := 0
	err = b.update("reset offset", func(w kv.Writer) error {
		b.mu.Lock()
		var start uint64
		if s != nil {
			s.low = t.seqAt(p)
			clear(s.states)
			s.advance()
			for seq := s.low; seq < t.end(); seq++ {
				if m := t.slot(seq); m != nil && m.ready {
					pending++
				}
			}
			start = s.low
		}
		var offs []int64
		if pulls {
			offs = t.committed(group)
			n := 0
			for q := range t.queues {
				off := t.queueAt(q, p)
				offs[q] = int64(off)
				n += t.queues[q].retainedFrom(off)
			}
			offs = slices.Clone(offs)
			if s == nil {
				pending = n
			}
		}
		t.signal()
		b.mu.Unlock()
		for q, off := range offs {
			if err := w.Put(bucketOff, offsetKey(t, group, q), binary.AppendUvarint(nil, uint64(off))); err != nil {
				return err
			}
		}
		if s == nil {
			return nil
		}
		for _, bucket := range []string{bucketAck, bucketDead} {
			if err := deletePrefix(w, bucket, s.key); err != nil {
				return err
			}
		}
		return w.Put(bucketSub, []byte(s.key), subRecord(start))
	})
	return pending, err
}

// queueAt is the offset of p in queue q. b.mu is held.
func (t *topicState) queueAt(q int, p Position) uint64 {
	switch p.From {
	case FromLatest:
		return t.queues[q].next()
	case FromTime:
		return t.offsetAt(q, p.Time.UnixMilli())
	}
	return t.queues[q].base
}

// retainedFrom counts the messages of q at offset off or later.
func (q *queueLog) retainedFrom(off uint64) int {
	n := 0
	for o := max(off, q.base); o < q.next(); o++ {
		if q.at(o) != 0 {
			n++
		}
	}
	return n
}

// deletePrefix deletes the records of bucket keyed by seqKey(prefix, ...).
func deletePrefix(w kv.Writer, bucket, prefix string) error {
	from := seqKey(prefix, 0)
	to := append([]byte(prefix), 1)
	var keys [][]byte
	if err := w.Scan(bucket, from, to, false, func(k, _ []byte) bool {
		keys = append(keys, append([]byte(nil), k...))
		return true
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := w.Delete(bucket, k); err != nil {
			return err
		}
	}
	return nil
}

// Backlog is a group's progress in a topic.
type Backlog struct {
	Instance, Topic, Group string
	// Ready counts the retained messages the group has not been given
	// yet, delayed ones included; messages its tag filter will skip count
	// until a Consume meets them.
	Ready int
	// InFlight counts messages delivered and not acknowledged.
	InFlight int
	// Dead counts the group's dead letters.
	Dead int
	// Oldest is the publish time of the oldest message not consumed
	// (ready or in flight); zero when there is none.
	Oldest time.Time
	// Retained counts the topic's retained messages.
	Retained int
}

// pullBacklog is the backlog of a group that pulls queues: the messages
// at or after its committed offsets (from the start of a queue it has
// committed nothing for). b.mu is held.
func (t *topicState) pullBacklog(group string, offs []int64) Backlog {
	bl := Backlog{Instance: t.id.instance, Topic: t.id.topic, Group: group}
	for q := range t.queues {
		ql := &t.queues[q]
		from := ql.base
		if offs[q] >= 0 {
			from = max(from, uint64(offs[q]))
		}
		bl.Ready += ql.retainedFrom(from)
		for o := from; o < ql.next(); o++ {
			if m := t.slot(ql.at(o)); m != nil {
				if born := time.UnixMilli(m.deliverAt); bl.Oldest.IsZero() || born.Before(bl.Oldest) {
					bl.Oldest = born
				}
				break
			}
		}
	}
	return bl
}

// Backlogs returns the backlog of every group of instance in every topic
// it consumes, sorted by topic then group.
func (b *Broker) Backlogs(instance string) ([]Backlog, error) {
	if err := checkInstance(instance); err != nil {
		return nil, err
	}
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	b.expire(b.nowMs())
	var out []Backlog
	for id, t := range b.topics {
		if id.instance != instance {
			continue
		}
		retained := 0
		for _, m := range t.msgs {
			if m != nil && m.ready {
				retained++
			}
		}
		for _, s := range t.subs {
			bl := s.backlog()
			bl.Retained = retained
			out = append(out, bl)
		}
		for group, offs := range t.offsets {
			if t.subs[group] != nil {
				continue
			}
			bl := t.pullBacklog(group, offs)
			bl.Retained = retained
			out = append(out, bl)
		}
	}
	slices.SortFunc(out, func(a, c Backlog) int {
		if a.Topic != c.Topic {
			return cmp.Compare(a.Topic, c.Topic)
		}
		return cmp.Compare(a.Group, c.Group)
	})
	return out, nil
}

// backlog counts s's progress. b.mu is held.
func (s *subState) backlog() Backlog {
	t := s.topic
	bl := Backlog{Instance: t.id.instance, Topic: t.id.topic, Group: s.group}
	for seq := s.low; seq < t.end(); seq++ {
		m := t.slot(seq)
		if m == nil || !m.ready {
			continue
		}
		st := s.states[seq]
		switch {
		case st == nil:
			bl.Ready++
		case st.phase == phaseDelivered:
			bl.InFlight++
		case st.phase == phaseDead:
			bl.Dead++
			continue
		default:
			continue
		}
		if bl.Oldest.IsZero() {
			bl.Oldest = time.UnixMilli(m.born)
		}
	}
	return bl
}

// Topics lists the topics of instance, sorted.
func (b *Broker) Topics(instance string) ([]string, error) {
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	var out []string
	for id := range b.topics {
		if id.instance == instance {
			out = append(out, id.topic)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Instances returns the instances that have topics, sorted; "" is the
// default instance.
func (b *Broker) Instances() ([]string, error) {
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	var out []string
	for id := range b.topics {
		out = append(out, id.instance)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
