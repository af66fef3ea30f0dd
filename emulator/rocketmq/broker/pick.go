package broker

import "github.com/rocketfn/rocketfn/internal/tagexpr"

// Partition states of an ordered pick.
const (
	partFresh     uint8 = iota + 1 // delivering messages never delivered
	partRedeliver                  // redelivering the unacknowledged ones
	partBlocked                    // nothing more from this partition now
)

// picker chooses the messages of one Consume call and marks them
// delivered. b.mu is held while it runs.
type picker struct {
	b      *Broker
	s      *subState
	filter tagexpr.Expr
	max    int
	now    int64 // ms
	inv    int64 // invisibility of a delivery, ms
	out    []pick
}

// normal picks deliverable messages in publish order, ignoring
// partitions: new ones and those whose invisibility ended.
func (p *picker) normal() {
	t := p.s.topic
	for seq := p.s.low; seq < t.end() && len(p.out) < p.max; seq++ {
		if m := t.slot(seq); m != nil && m.ready {
			p.one(m)
		}
	}
}

// one delivers m, a message of no partition, if it is deliverable.
func (p *picker) one(m *msgMeta) {
	st := p.s.states[m.seq]
	if st != nil && (st.phase != phaseDelivered || st.next > p.now) {
		return // done, dead or invisible
	}
	if !p.filter.Match(m.tag) {
		p.b.markDone(p.s, m.seq)
		return
	}
	if m.deliverAt > p.now || p.retire(m.seq, st) {
		return
	}
	p.deliver(m, st)
}

// ordered picks per partition (sharding key) in publish order. A
// partition with an invisible delivery gives nothing; one whose deliveries
// became visible again redelivers exactly those; otherwise it gives its
// next messages up to the first that is not deliverable yet. With
// grouped, messages without a sharding key belong to no partition and are
// picked as by normal.
func (p *picker) ordered(grouped bool) {
	t := p.s.topic
	parts := map[string]uint8{}
	for seq := p.s.low; seq < t.end() && len(p.out) < p.max; seq++ {
		m := t.slot(seq)
		if m == nil || parts[m.shard] == partBlocked {
			continue
		}
		if grouped && m.shard == "" {
			if m.ready {
				p.one(m)
			}
			continue
		}
		st := p.s.states[seq]
		switch {
		case st != nil && st.phase != phaseDelivered:
			// done or dead: no longer holds the partition
		case !m.ready || st != nil && st.next > p.now:
			parts[m.shard] = partBlocked
		case !p.filter.Match(m.tag):
			p.b.markDone(p.s, seq)
		case st != nil:
			p.redeliver(m, st, parts)
		case parts[m.shard] == partRedeliver || m.deliverAt > p.now:
			parts[m.shard] = partBlocked
		default:
			parts[m.shard] = partFresh
			p.deliver(m, nil)
		}
	}
}

// redeliver hands out again an ordered message whose invisibility ended,
// unless its partition already gave new messages in this pick.
func (p *picker) redeliver(m *msgMeta, st *msgState, parts map[string]uint8) {
	if parts[m.shard] == partFresh {
		parts[m.shard] = partBlocked
		return
	}
	if p.retire(m.seq, st) {
		return
	}
	parts[m.shard] = partRedeliver
	p.deliver(m, st)
}

// retire dead-letters a visible message that had its last delivery and
// reports whether it did. Timers normally do this first.
func (p *picker) retire(seq uint64, st *msgState) bool {
	if st == nil || st.consumed < p.b.cfg.MaxReconsumeTimes {
		return false
	}
	p.b.deadLetter(p.s, seq, st, p.now)
	return true
}

// deliver marks m delivered with a new handle and schedules the end of
// its invisibility.
func (p *picker) deliver(m *msgMeta, st *msgState) {
	if st == nil {
		st = &msgState{}
		p.s.states[m.seq] = st
	}
	st.phase = phaseDelivered
	st.consumed++
	if st.first == 0 {
		st.first = p.now
	}
	st.next = p.now + p.inv
	st.nonce = newNonce()
	p.b.schedule(timer{at: st.next, kind: timerVisible, topic: p.s.topic, sub: p.s, seq: m.seq, nonce: st.nonce})
	h := handleOf(p.s, m.seq, st)
	p.out = append(p.out, pick{seq: m.seq, qoff: queueOffset(m), handle: h.String(), consumed: st.consumed, first: st.first, next: st.next})
}
