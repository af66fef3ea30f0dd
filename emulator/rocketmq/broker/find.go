package broker

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Protocols the front ends record in Message.Protocol.
const (
	ProtocolHTTP     = "mq-http"  // MQ HTTP (package rocketmq)
	ProtocolRemoting = "remoting" // the remoting protocol (package remoting)
	ProtocolGRPC     = "grpc"     // the 5.x gRPC protocol (package proxy)
	ProtocolConsole  = "console"  // the web console's send form
)

// Limits of FindMessages.
const (
	DefaultFindLimit = 50
	MaxFindLimit     = 1000
	// maxKeyScan bounds the records read to match a key, newest first.
	maxKeyScan = 20000
)

// MessageQuery selects retained messages of a topic; zero fields select
// every message.
type MessageQuery struct {
	ID  string // the message ID, case-insensitive
	Key string // one of the message's Keys (space-separated)
	Tag string // the tag, exactly
	// From and To bound the publish time: at or after From, before To.
	From, To time.Time
	// Limit is how many messages to return at most, newest first
	// (DefaultFindLimit when 0, at most MaxFindLimit).
	Limit int
}

// Found is a retained message, body included, with where each group of
// its topic stands with it.
type Found struct {
	Message
	Groups []GroupProgress
}

// Group states of a message (GroupProgress.State).
const (
	// StatePending: not given to the group yet (a delayed message stays
	// pending until it is due).
	StatePending = "pending"
	// StateDelivered: delivered and not acknowledged yet.
	StateDelivered = "delivered"
	// StateDone: the group is past it: acknowledged, skipped by the
	// group's tag filter, or before where the group started or was reset
	// to; for a group that pulls queues, before its committed offset.
	StateDone = "done"
	// StateDead: dead-lettered for the group.
	StateDead = "dead"
)

// GroupProgress is where one group stands with one message.
type GroupProgress struct {
	Group string
	State string // StatePending, StateDelivered, StateDone or StateDead
	// Deliveries and FirstDelivery are known while the broker keeps the
	// message's delivery bookkeeping (in memory: until a restart, or
	// until the group is past it); zero otherwise.
	Deliveries    int
	FirstDelivery time.Time
	// Skipped marks a message the group's tag filter skipped, when known.
	Skipped bool
	// Pull marks a group that pulls queues and commits offsets (the
	// remoting protocol's consumers) rather than acknowledging messages.
	Pull bool
	// DeadReason and DeadAt describe a dead letter.
	DeadReason string
	DeadAt     time.Time
}

// FindMessages returns the retained messages of a topic that match q,
// newest first, each with its groups' progress. Half messages not yet
// committed are not included. Matching a Key reads the stored records
// of at most the newest 20,000 messages that match the other fields.
func (b *Broker) FindMessages(instance, topic string, q MessageQuery) ([]Found, error) {
	if err := checkNames(instance, topic, nil); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultFindLimit
	}
	limit = min(limit, MaxFindLimit)
	scan := limit
	if q.Key != "" {
		scan = maxKeyScan
	}
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	b.expire(b.nowMs())
	id := topicID{instance, topic}
	t := b.topics[id]
	if t == nil {
		err := b.unknownTopic(id)
		b.mu.Unlock()
		return nil, err
	}
	var seqs []uint64
	for i := len(t.msgs) - 1; i >= 0 && len(seqs) < scan; i-- {
		if m := t.msgs[i]; m != nil && m.ready && q.matches(m) {
			seqs = append(seqs, m.seq)
		}
	}
	key := t.key
	b.mu.Unlock()

	var found []Found
	var at []uint64 // the sequence numbers of found
	err := b.store.View(func(r kv.Reader) error {
		for _, seq := range seqs {
			if len(found) == limit {
				break
			}
			v := r.Get(bucketMsg, seqKey(key, seq))
			if v == nil {
				continue // expired meanwhile
			}
			m, err := decodeMessage(v, true)
			if err != nil {
				return err
			}
			if q.Key == "" || slices.Contains(strings.Fields(m.Keys), q.Key) {
				found, at = append(found, Found{Message: m}), append(at, seq)
			}
		}
		return nil
	})
	if err != nil {
		return nil, storeErr("find messages", err)
	}

	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	for i := range found {
		found[i].Groups = t.progress(at[i])
	}
	return found, nil
}

// matches reports whether a retained message matches the query's fields
// kept in memory (all but Key).
func (q *MessageQuery) matches(m *msgMeta) bool {
	switch {
	case q.ID != "" && !strings.EqualFold(q.ID, m.id),
		q.Tag != "" && q.Tag != m.tag,
		!q.From.IsZero() && m.born < q.From.UnixMilli(),
		!q.To.IsZero() && m.born >= q.To.UnixMilli():
		return false
	}
	return true
}

// progress is where each group of t stands with message seq, sorted by
// group; a message no longer retained is done for every group. b.mu is
// held.
func (t *topicState) progress(seq uint64) []GroupProgress {
	meta := t.slot(seq)
	var out []GroupProgress
	for group, s := range t.subs {
		p := GroupProgress{Group: group, State: StateDone}
		if st := s.states[seq]; meta != nil && seq >= s.low {
			switch {
			case st == nil:
				p.State = StatePending
			case st.phase == phaseDelivered:
				p.State = StateDelivered
			case st.phase == phaseDead:
				p.State, p.DeadReason, p.DeadAt = StateDead, st.reason, time.UnixMilli(st.deadAt)
			default:
				p.Skipped = st.skipped
			}
			if st != nil && st.consumed > 0 {
				p.Deliveries, p.FirstDelivery = st.consumed, time.UnixMilli(st.first)
			}
		}
		out = append(out, p)
	}
	for group, offs := range t.offsets {
		if t.subs[group] != nil {
			continue
		}
		p := GroupProgress{Group: group, State: StateDone, Pull: true}
		if meta != nil && (meta.qoff == noOffset || int64(meta.qoff) >= offs[meta.queue]) {
			p.State = StatePending
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, c GroupProgress) int { return cmp.Compare(a.Group, c.Group) })
	return out
}
