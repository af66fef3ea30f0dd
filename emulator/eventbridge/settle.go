package eventbridge

import (
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// finish removes a done batch: its events and its batch record go, and
// dead, when given, is written as its dead letters in the same commit.
// t.runMu is held.
func (b *Bridge) finish(t *trigger, bt *batch, dead []eventRecord) {
	name := t.cfg.Name
	gone := t.takeAcked()
	err := b.store.Update(func(w kv.Writer) error {
		for i, e := range bt.entries {
			if err := w.Delete(bucketEvent, seqKey(name, e.seq)); err != nil {
				return err
			}
			if dead != nil {
				if err := putJSON(w, bucketDead, seqKey(name, e.seq), dead[i]); err != nil {
					return err
				}
			}
		}
		if err := deleteMarkers(w, name, gone); err != nil {
			return err
		}
		return w.Delete(bucketBatch, []byte(name))
	})
	if err != nil {
		// The events stay in the Store and are delivered again after a
		// restart: at least once rather than lost.
		b.log.Error("eventbridge: recording a finished batch", "trigger", name, "err", err)
	}
	t.mu.Lock()
	t.batch = nil
	t.mu.Unlock()
	signal(t.wake)
}

// saveBatch records the retry schedule, or the block, of a batch. A
// failed write is logged: after a restart the batch would start over.
// t.runMu is held.
func (b *Bridge) saveBatch(t *trigger, bt *batch) {
	rec := batchRecord{Attempts: bt.attempts, Due: bt.due.UnixMilli(), Blocked: bt.blocked, Reason: bt.reason}
	if bt.blocked {
		rec.At = bt.at.UnixMilli()
	}
	for _, e := range bt.entries {
		rec.Seqs = append(rec.Seqs, e.seq)
	}
	err := b.store.Update(func(w kv.Writer) error {
		return putJSON(w, bucketBatch, []byte(t.cfg.Name), rec)
	})
	if err != nil {
		b.log.Error("eventbridge: recording a retry", "trigger", t.cfg.Name, "err", err)
	}
}

// restore rebuilds a trigger's state from its stored records: the batch
// in retry or blocked keeps its attempts and schedule, the other events
// queue in order.
func (t *trigger) restore(s saved) {
	t.next = max(s.meta.Next, s.maxDead+1)
	t.consumed = s.meta.Consumed
	inBatch := map[uint64]bool{}
	if s.batch != nil {
		for _, seq := range s.batch.Seqs {
			inBatch[seq] = true
		}
	}
	var es []*entry
	for _, e := range s.events {
		t.next = max(t.next, e.seq+1)
		if inBatch[e.seq] {
			es = append(es, e)
		} else {
			t.enqueueLocked([]*entry{e})
		}
	}
	if len(es) > 0 {
		r := s.batch
		t.batch = &batch{entries: es, attempts: r.Attempts, due: time.UnixMilli(r.Due),
			blocked: r.Blocked, reason: r.Reason, at: time.UnixMilli(r.At)}
	}
}
