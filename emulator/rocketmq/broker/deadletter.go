package broker

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
)

// DeadLetter is a message a group stopped receiving.
type DeadLetter struct {
	Message
	ConsumedTimes int    // deliveries it had
	Reason        string // why it was dead-lettered
	DeadAt        int64  // ms
}

// deadRef is a dead-lettered message picked under the lock.
type deadRef struct {
	seq uint64
	st  msgState
}

// DeadLetters returns the dead-lettered messages of a group for a topic,
// oldest first. A group that never consumed the topic has none.
func (b *Broker) DeadLetters(instance, topic, group string) ([]DeadLetter, error) {
	if err := checkNames(instance, topic, &group); err != nil {
		return nil, err
	}
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	dead := b.deadLettered.Load()
	b.expire(b.nowMs())
	dead = b.deadLettered.Load() - dead
	s, err := b.ackSub(instance, topic, group)
	var refs []deadRef
	if s != nil {
		refs = deadRefs(s)
	}
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if dead > 0 {
		if err := b.update("dead-letter", nil); err != nil {
			slog.Warn("rocketmq: writing dead letters", "err", err)
		}
	}
	return b.loadDead(s, refs)
}

// deadRefs lists the dead letters of s by time of death. b.mu is held.
func deadRefs(s *subState) []deadRef {
	var refs []deadRef
	for seq, st := range s.states {
		if st.phase == phaseDead {
			refs = append(refs, deadRef{seq, *st})
		}
	}
	slices.SortFunc(refs, func(a, c deadRef) int {
		if a.st.deadAt != c.st.deadAt {
			return cmp.Compare(a.st.deadAt, c.st.deadAt)
		}
		return cmp.Compare(a.seq, c.seq)
	})
	return refs
}

// loadDead reads the messages of refs.
func (b *Broker) loadDead(s *subState, refs []deadRef) ([]DeadLetter, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	seqs := make([]uint64, len(refs))
	for i, r := range refs {
		seqs[i] = r.seq
	}
	msgs, err := b.loadMessages(bucketMsg, s.topic.key, seqs, 0)
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, 0, len(refs))
	for i, r := range refs {
		if msgs[i].ID != "" {
			out = append(out, DeadLetter{Message: msgs[i], ConsumedTimes: r.st.consumed,
				Reason: r.st.reason, DeadAt: r.st.deadAt})
		}
	}
	return out, nil
}

// Redrive makes dead-lettered messages of a group deliverable to it
// again, as new messages for that group (ConsumedTimes restarts at 1). ids
// are message IDs; none means all of the group's dead letters. Unknown IDs
// are ignored. It returns how many messages were redriven, durable on
// return.
func (b *Broker) Redrive(ctx context.Context, instance, topic, group string, ids []string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := checkNames(instance, topic, &group); err != nil {
		return 0, err
	}
	if err := b.lockOpen(); err != nil {
		return 0, err
	}
	s, err := b.ackSub(instance, topic, group)
	n := 0
	if s != nil {
		n = b.redrive(s, ids)
	}
	b.mu.Unlock()
	if err != nil || n == 0 {
		return 0, err
	}
	if err := b.update("redrive", nil); err != nil {
		return 0, err
	}
	return n, nil
}

// redrive returns the selected dead letters of s to pending. b.mu is held.
func (b *Broker) redrive(s *subState, ids []string) int {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	n := 0
	for seq, st := range s.states {
		m := s.topic.slot(seq)
		if st.phase != phaseDead || m == nil || len(want) > 0 && !want[m.id] {
			continue
		}
		delete(s.states, seq)
		b.dirty = append(b.dirty, dirtyItem{kind: dirtyState, sub: s, seq: seq})
		n++
	}
	if n > 0 {
		s.topic.signal()
	}
	return n
}
