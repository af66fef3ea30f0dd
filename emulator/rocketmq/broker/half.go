package broker

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/rocketfn/rocketfn/emulator/kv"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// ConsumeHalf returns up to r.Max unresolved half messages of the topic
// whose check time has come (trans=pop: the producer's check-back). Each
// gets a handle valid for Config.HalfCheckInterval and is offered again
// after it until resolved or discarded. r.Group is the producer's group;
// any group may check any half message of the topic, and an empty group
// (the remoting protocol's broker-initiated check, which has none) creates
// no group. r.Ordered is ignored; r.Tag filters without skipping;
// r.ProducerGroups keeps each protocol's check-back to the half messages
// of its own producers. Waiting is as for Consume.
func (b *Broker) ConsumeHalf(ctx context.Context, r ConsumeRequest) ([]Delivery, error) {
	noGroup := r.Group == ""
	if noGroup {
		r.Group = "--" // valid for check; not used
	}
	filter, err := r.check()
	if err != nil {
		return nil, err
	}
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	var t *topicState
	var recs records
	if noGroup {
		t, err = b.existingTopic(topicID{r.Instance, r.Topic})
	} else {
		t, _, recs, err = b.join(r.Instance, r.Topic, r.Group, false)
	}
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if !recs.empty() {
		if err := b.update("create group", recs.put); err != nil {
			return nil, err
		}
	}
	return b.poll(ctx, r.Wait, func() ([]Delivery, <-chan struct{}, error) {
		return b.tryHalf(t, r.Max, filter, r.ProducerGroups)
	})
}

// tryHalf offers the half messages due now.
func (b *Broker) tryHalf(t *topicState, limit int, filter tagexpr.Expr, producers []string) ([]Delivery, <-chan struct{}, error) {
	if err := b.lockOpen(); err != nil {
		return nil, nil, err
	}
	now := b.nowMs()
	b.expire(now)
	var due []*halfEntry
	for _, e := range t.halves {
		if e.ready && e.nextOffer <= now && now < e.dropAt && filter.Match(e.meta.tag) &&
			(producers == nil || slices.Contains(producers, e.producer)) {
			due = append(due, e)
		}
	}
	slices.SortFunc(due, func(a, c *halfEntry) int { return cmp.Compare(a.seq, c.seq) })
	picks := make([]pick, 0, min(len(due), limit))
	for _, e := range due[:min(len(due), limit)] {
		picks = append(picks, b.offerHalf(t, e, now))
	}
	wake := t.halfWake
	b.mu.Unlock()
	if len(picks) == 0 {
		return nil, wake, nil
	}
	seqs := make([]uint64, len(picks))
	for i, p := range picks {
		seqs[i] = p.seq
	}
	msgs, err := b.loadMessages(bucketHalf, t.key, seqs, 8)
	if err != nil {
		return nil, nil, err
	}
	var out []Delivery
	for i, p := range picks {
		if msgs[i].ID != "" {
			out = append(out, Delivery{Message: msgs[i], ReceiptHandle: p.handle,
				ConsumedTimes: p.consumed, FirstConsumeTime: p.first, NextConsumeTime: p.next})
		}
	}
	return out, wake, nil
}

// offerHalf gives e a new handle valid for HalfCheckInterval and schedules
// the next offer. b.mu is held.
func (b *Broker) offerHalf(t *topicState, e *halfEntry, now int64) pick {
	e.nonce = newNonce()
	e.expires = now + b.cfg.HalfCheckInterval.Milliseconds()
	e.nextOffer = e.expires
	e.consumed++
	if e.first == 0 {
		e.first = now
	}
	b.schedule(timer{at: e.nextOffer, kind: timerHalfCheck, topic: t, seq: e.seq})
	h := handle{kind: handleHalf, scope: t.scope, seq: e.seq, nonce: e.nonce, expires: e.expires}
	return pick{seq: e.seq, qoff: -1, handle: h.String(), consumed: e.consumed, first: e.first, next: e.nextOffer}
}

// dropHalf discards an unresolved half message whose lifetime ended.
// b.mu is held.
func (b *Broker) dropHalf(t *topicState, seq uint64, now int64) {
	if e := t.halves[seq]; e != nil && e.ready && e.dropAt <= now {
		delete(t.halves, seq)
		b.dirty = append(b.dirty, dirtyItem{kind: dirtyHalf, topic: t, seq: seq})
	}
}

// Commit makes a half message visible to consumers, as a message published
// now. The group is not used (the SDK sends none without an instance). A
// bad handle gives a *HandleError.
func (b *Broker) Commit(ctx context.Context, instance, topic, group, handle string) error {
	return b.resolve(ctx, instance, topic, handle, true)
}

// Rollback discards a half message. The group is not used. A bad handle
// gives a *HandleError.
func (b *Broker) Rollback(ctx context.Context, instance, topic, group, handle string) error {
	return b.resolve(ctx, instance, topic, handle, false)
}

// resolve commits or rolls back the half message of a handle.
func (b *Broker) resolve(ctx context.Context, instance, topic, raw string, commit bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkNames(instance, topic, nil); err != nil {
		return err
	}
	if err := b.lockOpen(); err != nil {
		return err
	}
	t, e, err := b.takeHalf(topicID{instance, topic}, raw)
	if err != nil {
		b.mu.Unlock()
		return err
	}
	key := seqKey(t.key, e.seq)
	if !commit {
		b.mu.Unlock()
		if err := b.update("roll back", func(w kv.Writer) error { return w.Delete(bucketHalf, key) }); err != nil {
			return err
		}
		b.rolledBack.Add(1)
		return nil
	}
	return b.commitHalf(t, e, key)
}

// takeHalf finds and removes the half message of a valid handle. b.mu is
// held.
func (b *Broker) takeHalf(id topicID, raw string) (*topicState, *halfEntry, error) {
	h, herr := parseHandle(raw, handleHalf)
	if herr != nil {
		return nil, nil, herr
	}
	if h.scope != scopeOf(id.key()) {
		return nil, nil, handleErr(raw, CodeReceiptHandleError, "issued for another topic")
	}
	t, _, err := b.lookupTopic(id, false)
	if err != nil {
		return nil, nil, err
	}
	now := b.nowMs()
	if now >= h.expires {
		return nil, nil, handleErr(raw, CodeMessageNotExist, "expired at %s", fmtMs(h.expires))
	}
	var e *halfEntry
	if t != nil {
		e = t.halves[h.seq]
	}
	if e == nil || !e.ready || e.nonce != h.nonce {
		return nil, nil, handleErr(raw, CodeMessageNotExist, "already committed, rolled back, discarded or offered again")
	}
	delete(t.halves, e.seq)
	return t, e, nil
}

// commitHalf moves a taken half message to the topic's messages with the
// current time as publish time. b.mu is held and released.
func (b *Broker) commitHalf(t *topicState, e *halfEntry, key []byte) error {
	now := b.nowMs()
	meta := e.meta
	meta.born, meta.deliverAt = now, max(meta.deliverAt, now)
	p := t.add(meta, e.queue, now)
	b.mu.Unlock()
	err := b.update("commit", func(w kv.Writer) error {
		v := w.Get(bucketHalf, key)
		if len(v) < 8 {
			return fmt.Errorf("half message %s of topic %q: record missing", e.meta.id, t.id.topic)
		}
		m, err := decodeMessage(v[8:], true)
		if err != nil {
			return err
		}
		m.PublishTime = now
		m.QueueID, m.QueueOffset = p.queue, queueOffset(p)
		if err := w.Put(bucketMsg, seqKey(t.key, p.seq), encodeMessage(&m)); err != nil {
			return err
		}
		return w.Delete(bucketHalf, key)
	})
	b.settle(t, p, err)
	if err == nil {
		b.committed.Add(1)
	}
	return err
}
