package broker

import "log/slog"

// expiresAt is when m's retention ends, in ms: it counts from when the
// message became deliverable.
func (b *Broker) expiresAt(m *msgMeta) int64 {
	return m.deliverAt + b.cfg.Retention.Milliseconds()
}

// retain notes a message now stored, scheduling the sweep that will
// remove it. b.mu is held.
func (b *Broker) retain(m *msgMeta) {
	b.sweepBy(b.expiresAt(m))
}

// sweepBy makes sure a sweep runs by at (ms). b.mu is held.
func (b *Broker) sweepBy(at int64) {
	if b.sweepAt != 0 && b.sweepAt <= at {
		return
	}
	b.sweepAt = at
	b.schedule(timer{at: at, kind: timerSweep})
}

// heldUntil is when the retention of message seq of t ends: the end of its
// own, or later while a group keeps it as a dead letter (a dead letter is
// retained from when it was dead-lettered).
func (b *Broker) heldUntil(t *topicState, m *msgMeta) int64 {
	until := b.expiresAt(m)
	ret := b.cfg.Retention.Milliseconds()
	for _, s := range t.subs {
		if st := s.states[m.seq]; st != nil && st.phase == phaseDead {
			until = max(until, st.deadAt+ret)
		}
	}
	return until
}

// sweep removes every message whose retention has ended by now, consumed
// or not, with its per-group records, and schedules the next sweep. b.mu
// is held.
func (b *Broker) sweep(now int64) {
	if b.sweepAt == 0 || b.sweepAt > now {
		return
	}
	b.sweepAt = 0
	next := int64(0)
	for _, t := range b.topics {
		var gone []uint64
		for _, m := range t.msgs {
			if m == nil || !m.ready {
				continue
			}
			if until := b.heldUntil(t, m); until <= now {
				gone = append(gone, m.seq)
			} else if next == 0 || until < next {
				next = until
			}
		}
		for _, seq := range gone {
			t.remove(seq)
			b.dirty = append(b.dirty, dirtyItem{kind: dirtyRemoved, topic: t, seq: seq})
		}
		if len(gone) > 0 {
			b.dirty = append(b.dirty, dirtyItem{kind: dirtyTopic, topic: t})
			b.expired.Add(uint64(len(gone)))
			slog.Debug("rocketmq: retention ended", "topic", t.id.topic, "instance", t.id.instance, "messages", len(gone))
			t.signal() // an ordered partition may be free now
		}
	}
	if next != 0 {
		b.sweepBy(next)
	}
}
