package eventbridge

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// DeadLetter is an event that exhausted its retries: dead-lettered
// (ToleranceAll with DeadLetter) or blocking its trigger (ToleranceNone).
type DeadLetter struct {
	ID        string // CloudEvent id
	MessageID string // RocketMQ message ID (UNIQ_KEY)
	Trigger   string
	// Payload is the event as it would be delivered: the CloudEvent
	// object, or its data with SchemaRawData. An event-streaming trigger
	// delivers it in an array.
	Payload  []byte
	Attempts int       // invocations it was in
	Reason   string    // the last failure
	At       time.Time // when it was given up on
	// Blocked marks an event that holds its trigger (ToleranceNone):
	// nothing behind it is delivered until it is redriven.
	Blocked bool
}

// DeadLetters returns a trigger's dead letters, oldest first, followed by
// the events blocking it, if any.
func (b *Bridge) DeadLetters(trigger string) ([]DeadLetter, error) {
	t, err := b.lookup(trigger)
	if err != nil {
		return nil, err
	}
	_, recs, err := loadDead(b.store, trigger)
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, 0, len(recs))
	for _, r := range recs {
		out = append(out, DeadLetter{ID: r.ID, MessageID: r.Msg, Trigger: trigger, Payload: r.Payload,
			Attempts: r.Attempts, Reason: r.Reason, At: time.UnixMilli(r.At)})
	}
	return append(out, t.blocked()...), nil
}

// blocked returns the events blocking the trigger.
func (t *trigger) blocked() []DeadLetter {
	t.mu.Lock()
	defer t.mu.Unlock()
	bt := t.batch
	if bt == nil || !bt.blocked {
		return nil
	}
	var out []DeadLetter
	for _, e := range bt.entries {
		out = append(out, DeadLetter{ID: e.id, MessageID: e.msgID, Trigger: t.cfg.Name, Payload: bytes.Clone(e.payload),
			Attempts: bt.attempts, Reason: bt.reason, At: bt.at, Blocked: true})
	}
	return out
}

// Redrive delivers dead letters again through the trigger; ids selects
// them by DeadLetter.ID, nil selects all. Dead letters leave the list and
// join the end of the trigger's queue with their event unchanged (same id
// and payload) and a fresh retry schedule. Naming any event of a blocked
// batch redrives the whole batch in place: it is retried at once with a
// fresh schedule and the trigger resumes behind it. Redrive returns how
// many events it redrove; an unknown id is an error and redrives nothing.
// Delivery follows as Run (or Tick) goes on.
func (b *Bridge) Redrive(ctx context.Context, trigger string, ids []string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	t, err := b.lookup(trigger)
	if err != nil {
		return 0, err
	}
	seqs, recs, err := loadDead(b.store, trigger)
	if err != nil {
		return 0, err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var picked []*entry
	var from []uint64
	for i, r := range recs {
		if ids == nil || want[r.ID] {
			picked, from = append(picked, entryOf(0, r)), append(from, seqs[i])
			delete(want, r.ID)
		}
	}
	unblock := ids == nil
	for _, d := range t.blocked() {
		unblock = unblock || want[d.ID]
		delete(want, d.ID)
	}
	if len(want) > 0 {
		return 0, fmt.Errorf("eventbridge: trigger %s: no dead letter %s", trigger, strings.Join(slices.Sorted(maps.Keys(want)), ", "))
	}
	n := 0
	if unblock {
		n = b.unblock(t)
	}
	for _, e := range picked {
		e.at = b.clock()
	}
	added, err := b.queueNew(t, picked, origin{dead: from})
	n += added
	t.mu.Lock()
	t.stats.Redriven += int64(n)
	t.mu.Unlock()
	return n, err
}

// unblock retries a blocked batch at once with a fresh schedule and
// returns its size.
func (b *Bridge) unblock(t *trigger) int {
	t.runMu.Lock()
	defer t.runMu.Unlock()
	t.mu.Lock()
	bt := t.batch
	if bt == nil || !bt.blocked {
		t.mu.Unlock()
		return 0
	}
	bt.blocked, bt.attempts, bt.due, bt.reason = false, 0, b.clock(), ""
	t.mu.Unlock()
	b.saveBatch(t, bt)
	b.log.Info("eventbridge: blocked events redriven", "trigger", t.cfg.Name, "events", len(bt.entries))
	signal(t.wake)
	return len(bt.entries)
}
