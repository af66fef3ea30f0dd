package broker

import (
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
// in flight end (their handles answer MessageNotExist). It returns the
// number of retained messages the group now has to consume.
func (b *Broker) ResetOffset(instance, topic, group string, p Position) (int, error) {
	if err := checkNames(instance, topic, &group); err != nil {
		return 0, err
	}
	if err := b.lockOpen(); err != nil {
		return 0, err
	}
	t, _, err := b.lookupTopic(topicID{instance, topic}, false)
	if err == nil && t == nil {
		err = b.unknownTopic(topicID{instance, topic})
	}
	var s *subState
	if err == nil {
		if s = t.subs[group]; s == nil {
			err = fmt.Errorf("%w: group %q has not consumed topic %q of instance %q", ErrGroupNotExist, group, topic, instance)
		}
	}
	if err != nil {
		b.mu.Unlock()
		return 0, err
	}
	b.mu.Unlock()
	// The reset happens within the store transaction that deletes the
	// group's records, so acknowledgements written around it stay in
	// line with memory.
	pending := 0
	err = b.update("reset offset", func(w kv.Writer) error {
		b.mu.Lock()
		s.low = t.seqAt(p)
		clear(s.states)
		s.advance()
		for seq := s.low; seq < t.end(); seq++ {
			if m := t.slot(seq); m != nil && m.ready {
				pending++
			}
		}
		start := s.low
		t.signal()
		b.mu.Unlock()
		for _, bucket := range []string{bucketAck, bucketDead} {
			if err := deletePrefix(w, bucket, s.key); err != nil {
				return err
			}
		}
		return w.Put(bucketSub, []byte(s.key), subRecord(start))
	})
	return pending, err
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
	}
	slices.SortFunc(out, func(a, c Backlog) int {
		if a.Topic != c.Topic {
			return cmpString(a.Topic, c.Topic)
		}
		return cmpString(a.Group, c.Group)
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

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
