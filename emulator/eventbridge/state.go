package eventbridge

import (
	"context"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// Bounds of a trigger's queue in memory; the consumer stops taking
// messages from the broker while either is reached.
const (
	minQueueEntries = 256
	maxQueueBytes   = 2 * SyncPayloadLimit
)

// entry is an accepted event.
type entry struct {
	seq     uint64    // position in the trigger's queue, durable
	id      string    // CloudEvent id
	msgID   string    // RocketMQ message ID (UNIQ_KEY)
	shard   string    // sharding key
	at      time.Time // accepted; the batch window starts here
	payload []byte    // the event as delivered: CloudEvent or data JSON
}

// batch is the events of one invocation, kept until they are done: it is
// delivered, retried, then succeeds, is dead-lettered or skipped, or
// blocks its trigger. Its fields change with the trigger's runMu and mu
// both held, so holding either suffices to read them.
type batch struct {
	entries  []*entry
	attempts int       // invocations so far
	due      time.Time // next attempt
	blocked  bool      // retries exhausted under ToleranceNone
	reason   string    // last failure
	at       time.Time // blocked since
}

// trigger is a Trigger at work.
type trigger struct {
	cfg   Trigger
	sink  Sink
	pat   *pattern.Pattern // nil: every event
	limit int              // payload bytes per invocation

	pullMu  sync.Mutex // one broker poll and hand-over at a time
	writeMu sync.Mutex // orders sequence numbers, event writes and the queue
	runMu   sync.Mutex // one invocation at a time; guards batch writes

	mu       sync.Mutex // guards the fields below
	queue    []*entry   // accepted, not yet in a batch, in sequence order
	queued   int        // bytes in queue
	batch    *batch     // the batch in delivery, retry or blocked; nil when none
	next     uint64     // next sequence number
	consumed uint64     // messages consumed
	acked    []string   // message IDs whose inbox markers can go
	stats    Stats
	paused   bool               // Pause: no consuming, no invocations
	stopPoll context.CancelFunc // ends the broker poll in progress; nil when none

	wake  chan struct{} // work for the dispatcher
	freed chan struct{} // room in the queue for the consumer
}

// newTrigger is a trigger at work, with its payload limit.
func newTrigger(t Trigger, sink Sink, pat *pattern.Pattern) *trigger {
	tr := &trigger{cfg: t, sink: sink, pat: pat, limit: SyncPayloadLimit,
		wake: make(chan struct{}, 1), freed: make(chan struct{}, 1)}
	if t.Async {
		tr.limit = AsyncPayloadLimit
	}
	return tr
}

// signal sends on a channel of capacity 1 without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// roomLocked is how many more messages the queue takes. t.mu is held.
func (t *trigger) roomLocked() int {
	if t.paused || t.queued >= maxQueueBytes {
		return 0
	}
	return max(0, max(minQueueEntries, 2*t.cfg.BatchCount)-len(t.queue))
}

// room is roomLocked with the lock.
func (t *trigger) room() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.roomLocked()
}

// enqueue appends accepted entries. t.mu is held.
func (t *trigger) enqueueLocked(es []*entry) {
	for _, e := range es {
		t.queue = append(t.queue, e)
		t.queued += len(e.payload)
	}
}

// takeBatch returns the batch to deliver at now, cutting a new one from
// the queue when none is pending, or nil when nothing is due. It counts
// the attempt. t.runMu is held.
func (t *trigger) takeBatch(now time.Time) *batch {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.paused {
		return nil
	}
	if b := t.batch; b != nil {
		if b.blocked || now.Before(b.due) {
			return nil
		}
		b.attempts++
		return b
	}
	n, ready := t.cutLocked(now)
	if !ready {
		return nil
	}
	es := append([]*entry(nil), t.queue[:n]...)
	clear(t.queue[:n])
	t.queue = t.queue[n:]
	for _, e := range es {
		t.queued -= len(e.payload)
	}
	t.batch = &batch{entries: es, attempts: 1}
	signal(t.freed)
	return t.batch
}

// cutLocked is how many queued events the next batch takes and whether
// it is ready: the count is reached, the payload limit would be crossed
// by one more, or the window since the first event has passed. t.mu is
// held.
func (t *trigger) cutLocked(now time.Time) (n int, ready bool) {
	if len(t.queue) == 0 {
		return 0, false
	}
	if t.cfg.Mode == ModeEventDriven {
		return 1, true
	}
	size := 1 // [ and ], minus the comma before the first event
	for n < len(t.queue) && n < t.cfg.BatchCount {
		add := len(t.queue[n].payload) + 1
		if n > 0 && size+add > t.limit {
			return n, true
		}
		size += add
		n++
	}
	full := n == t.cfg.BatchCount
	return n, full || !now.Before(t.windowEnd())
}

// windowEnd is when the batch window of the first queued event ends.
// t.mu is held and the queue is not empty.
func (t *trigger) windowEnd() time.Time {
	return t.queue[0].at.Add(t.cfg.BatchWindow)
}

// due is when the trigger next has something to deliver; zero when it
// waits for events, or for a redrive.
func (t *trigger) due() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.paused, t.batch != nil && t.batch.blocked:
		return time.Time{}
	case t.batch != nil:
		return t.batch.due
	case len(t.queue) == 0:
		return time.Time{}
	}
	if _, ready := t.cutLocked(time.Time{}); ready { // ready before any window ends
		return t.queue[0].at
	}
	return t.windowEnd()
}

// payload is the invocation payload of a batch: the event itself in
// event-driven mode, else a JSON array of the events.
func (t *trigger) payload(b *batch) []byte {
	if t.cfg.Mode == ModeEventDriven {
		return b.entries[0].payload
	}
	size := 1
	for _, e := range b.entries {
		size += len(e.payload) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, '[')
	for i, e := range b.entries {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, e.payload...)
	}
	return append(out, ']')
}

// takeAcked returns the message IDs whose markers can be deleted.
func (t *trigger) takeAcked() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := t.acked
	t.acked = nil
	return ids
}
