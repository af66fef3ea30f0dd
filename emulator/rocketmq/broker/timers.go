package broker

import (
	"container/heap"
	"log/slog"
	"time"
)

// Kinds of timer.
const (
	timerVisible   uint8 = iota + 1 // a delivery's invisibility ends
	timerDue                        // a delayed message becomes deliverable
	timerHalfCheck                  // a half message may be offered to ConsumeHalf
	timerHalfDrop                   // an unresolved half message is discarded
	timerSweep                      // the earliest retained message expires
)

// timer is an entry of the broker's timer heap. Entries are not removed
// when what they refer to changes; expire checks that they still apply.
type timer struct {
	at    int64 // ms
	kind  uint8
	topic *topicState
	sub   *subState
	seq   uint64
	nonce uint64
}

// timerHeap is a min-heap of timers by time.
type timerHeap []timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

// schedule adds a timer and wakes the timer goroutine when it is the
// earliest. b.mu is held.
func (b *Broker) schedule(t timer) {
	heap.Push(&b.timers, t)
	if b.timers[0] == t {
		select {
		case b.rearm <- struct{}{}:
		default:
		}
	}
}

// expire runs the timers due at now: ended invisibility (redelivery or
// dead-lettering), delayed messages and half-message offers (waking
// waiters) and half-message lifetimes. b.mu is held.
func (b *Broker) expire(now int64) {
	for len(b.timers) > 0 && b.timers[0].at <= now {
		t := heap.Pop(&b.timers).(timer)
		switch t.kind {
		case timerVisible:
			b.expireDelivery(t, now)
		case timerDue:
			b.enqueueDue(t.topic, now)
			t.topic.signal()
		case timerHalfCheck:
			t.topic.signalHalf()
		case timerHalfDrop:
			b.dropHalf(t.topic, t.seq, now)
		case timerSweep:
			b.sweep(now)
		}
	}
}

// expireDelivery makes a delivered message visible again, or dead-letters
// it after its last delivery.
func (b *Broker) expireDelivery(t timer, now int64) {
	st := t.sub.states[t.seq]
	if st == nil || st.phase != phaseDelivered || st.nonce != t.nonce {
		return
	}
	if st.consumed >= b.cfg.MaxReconsumeTimes {
		b.deadLetter(t.sub, t.seq, st, now)
		return
	}
	t.topic.signal()
}

// Tick runs the timers that are due by the clock: invisibility that ended
// (redelivery or dead-lettering), delayed messages that became
// deliverable, half messages to offer or discard. It wakes the consumers
// concerned and writes pending bookkeeping to the store. With the wall
// clock a goroutine calls it; with Config.Clock tests call it after moving
// the clock.
func (b *Broker) Tick() {
	if b.lockOpen() != nil {
		return
	}
	b.expire(b.nowMs())
	pending := len(b.dirty) > 0
	b.mu.Unlock()
	if pending {
		if err := b.update("tick", nil); err != nil {
			slog.Warn("rocketmq: writing bookkeeping", "err", err)
		}
	}
}

// timerLoop runs Tick when the earliest timer is due, until Close.
func (b *Broker) timerLoop() {
	defer close(b.loopDone)
	tm := time.NewTimer(time.Hour)
	defer tm.Stop()
	for {
		d := time.Hour
		b.mu.Lock()
		if len(b.timers) > 0 {
			d = time.Duration(b.timers[0].at-b.nowMs()) * time.Millisecond
		}
		b.mu.Unlock()
		tm.Reset(max(d, 0))
		select {
		case <-tm.C:
			b.Tick()
		case <-b.rearm:
		case <-b.done:
			return
		}
	}
}
