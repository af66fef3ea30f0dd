package eventbridge

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// pollWait is the long poll of the trigger consumers.
const pollWait = 20 * time.Second

// consume runs a trigger's consumer until ctx ends: it long-polls the
// broker while the queue has room and hands what comes over to the
// trigger (queueNew wakes the dispatcher). It returns an error only when
// the broker is closed.
func (b *Bridge) consume(ctx context.Context, t *trigger) error {
	for ctx.Err() == nil {
		if t.room() == 0 {
			select {
			case <-t.freed:
			case <-ctx.Done():
			}
			continue
		}
		_, err := b.pull(ctx, t, pollWait)
		switch {
		case err == nil, ctx.Err() != nil:
		case errors.Is(err, broker.ErrClosed):
			return fmt.Errorf("eventbridge: trigger %s: %w", t.cfg.Name, err)
		default:
			b.log.Warn("eventbridge: consuming", "trigger", t.cfg.Name, "topic", t.cfg.Topic, "group", t.cfg.Group, "err", err)
			sleep(ctx, time.Second)
		}
	}
	return nil
}

// sleep waits d on the wall clock or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-ctx.Done():
	}
}

// pull consumes one response of at most the queue's room, waiting up to
// wait, and takes it over. It returns how many messages came.
func (b *Bridge) pull(ctx context.Context, t *trigger, wait time.Duration) (int, error) {
	t.pullMu.Lock()
	defer t.pullMu.Unlock()
	return b.pullLocked(ctx, t, wait)
}

// pullLocked is pull with t.pullMu held.
func (b *Bridge) pullLocked(ctx context.Context, t *trigger, wait time.Duration) (int, error) {
	pctx, done := t.pollContext(ctx)
	defer done()
	room := t.room()
	if room == 0 {
		return 0, nil
	}
	c := t.cfg
	ds, err := b.broker.Consume(pctx, broker.ConsumeRequest{
		Instance: c.Instance, Topic: c.Topic, Group: c.Group, Tag: c.Tag,
		Max: min(room, broker.MaxBatch), Wait: wait, Ordered: c.Ordered,
	})
	if err != nil && pctx.Err() != nil && ctx.Err() == nil {
		return 0, nil // Pause ended the poll
	}
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	return len(ds), b.takeOver(ctx, t, ds)
}

// takeOver builds, filters and stores the delivered messages, queues the
// accepted ones and acknowledges all on the broker. Nothing is acked
// unless stored, so a failure leaves the messages to the broker.
func (b *Bridge) takeOver(ctx context.Context, t *trigger, ds []broker.Delivery) error {
	now := b.clock()
	var cands []*entry
	marked := map[string]bool{}
	for i := range ds {
		e, err := b.accept(t, &ds[i], now)
		if err != nil {
			return err
		}
		if e != nil {
			cands = append(cands, e)
			marked[e.msgID] = true
		}
	}
	if _, err := b.queueNew(t, cands, origin{inbox: true}); err != nil {
		return err
	}
	return b.ack(ctx, t, ds, marked)
}

// accept builds the event of a message and applies the pattern: nil when
// the pattern drops it.
func (b *Bridge) accept(t *trigger, d *broker.Delivery, now time.Time) (*entry, error) {
	t.mu.Lock()
	t.consumed++
	offset := t.consumed
	t.mu.Unlock()
	ev, err := buildEvent(&t.cfg, d, now, offset)
	if err != nil {
		return nil, fmt.Errorf("eventbridge: trigger %s: building the event of message %s: %w", t.cfg.Name, d.ID, err)
	}
	if !matches(t.pat, ev.event) {
		t.mu.Lock()
		t.stats.Filtered++
		t.mu.Unlock()
		return nil, nil
	}
	payload := ev.event
	if t.cfg.Schema == SchemaRawData {
		payload = ev.data
	}
	return &entry{id: ev.id, msgID: d.ID, shard: d.ShardingKey, at: now, payload: payload}, nil
}

// matches applies a trigger's pattern to an event.
func matches(p *pattern.Pattern, event []byte) bool {
	if p == nil {
		return true
	}
	doc, err := pattern.JSON(event)
	return err == nil && p.Match(doc)
}

// origin says where the entries given to queueNew come from.
type origin struct {
	// inbox: from the broker. Each gets a marker, and one whose marker
	// exists (a redelivery of a message taken over before its ack was
	// known) is dropped.
	inbox bool
	// dead: from the dead letters with these sequence numbers, parallel
	// to the entries. Each dead letter is deleted; one already gone (a
	// concurrent redrive took it) is dropped.
	dead []uint64
}

// queueNew stores entries under new sequence numbers and appends them to
// the queue, in one commit. It returns how many it added.
func (b *Bridge) queueNew(t *trigger, cands []*entry, from origin) (int, error) {
	t.writeMu.Lock()
	defer t.writeMu.Unlock()
	t.mu.Lock()
	meta := metaRecord{Next: t.next, Consumed: t.consumed}
	t.mu.Unlock()
	gone := t.takeAcked()
	var added []*entry
	err := b.store.Update(func(w kv.Writer) error {
		added = added[:0]
		next := meta.Next
		for i, e := range cands {
			keep, err := from.take(w, t.cfg.Name, i, e)
			if err != nil {
				return err
			}
			if !keep {
				continue
			}
			e.seq, next = next, next+1
			if err := putEntry(w, t.cfg.Name, e, from.inbox); err != nil {
				return err
			}
			added = append(added, e)
		}
		if err := deleteMarkers(w, t.cfg.Name, gone); err != nil {
			return err
		}
		return putJSON(w, bucketMeta, []byte(t.cfg.Name), metaRecord{Next: next, Consumed: meta.Consumed})
	})
	if err != nil {
		return 0, fmt.Errorf("eventbridge: trigger %s: storing events: %w", t.cfg.Name, err)
	}
	t.mu.Lock()
	t.next += uint64(len(added))
	if from.inbox {
		t.stats.Accepted += int64(len(added))
		t.stats.Duplicates += int64(len(cands) - len(added))
	}
	t.enqueueLocked(added)
	t.mu.Unlock()
	signal(t.wake)
	return len(added), nil
}

// take reports whether entry i is to be added, deleting the dead letter
// it comes from.
func (o origin) take(w kv.Writer, trigger string, i int, e *entry) (bool, error) {
	switch {
	case o.inbox:
		return w.Get(bucketInbox, inboxKey(trigger, e.msgID)) == nil, nil
	case o.dead != nil:
		key := seqKey(trigger, o.dead[i])
		if w.Get(bucketDead, key) == nil {
			return false, nil
		}
		return true, w.Delete(bucketDead, key)
	}
	return true, nil
}

// deleteMarkers deletes the inbox markers of messages.
func deleteMarkers(w kv.Writer, trigger string, ids []string) error {
	for _, id := range ids {
		if err := w.Delete(bucketInbox, inboxKey(trigger, id)); err != nil {
			return err
		}
	}
	return nil
}

// putEntry writes an event and, for one from the broker, its marker.
func putEntry(w kv.Writer, trigger string, e *entry, inbox bool) error {
	if err := putJSON(w, bucketEvent, seqKey(trigger, e.seq), e.record()); err != nil {
		return err
	}
	if !inbox {
		return nil
	}
	return w.Put(bucketInbox, inboxKey(trigger, e.msgID), binary.BigEndian.AppendUint64(nil, e.seq))
}

// ack acknowledges deliveries on the broker and queues the markers of the
// acknowledged ones among marked for deletion with the next write; the
// others stay, so that a redelivery is recognised.
func (b *Bridge) ack(ctx context.Context, t *trigger, ds []broker.Delivery, marked map[string]bool) error {
	handles := make([]string, len(ds))
	for i := range ds {
		handles[i] = ds[i].ReceiptHandle
	}
	c := t.cfg
	failed, err := b.broker.Ack(context.WithoutCancel(ctx), c.Instance, c.Topic, c.Group, handles)
	if err != nil {
		return fmt.Errorf("eventbridge: trigger %s: acknowledging %d messages: %w", c.Name, len(ds), err)
	}
	refused := map[string]bool{}
	for _, f := range failed {
		refused[f.Handle] = true
		b.log.Warn("eventbridge: ack refused; a redelivery will be dropped", "trigger", c.Name, "err", f.Error())
	}
	t.mu.Lock()
	for i := range ds {
		if marked[ds[i].ID] && !refused[ds[i].ReceiptHandle] {
			t.acked = append(t.acked, ds[i].ID)
		}
	}
	t.mu.Unlock()
	return nil
}
