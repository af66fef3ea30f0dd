package broker

import (
	"context"
	"time"
)

// MaxInvisible bounds the invisibility a consumer may ask for, per
// delivery (ConsumeRequest.Invisible) or after it (ChangeInvisible).
const MaxInvisible = 12 * time.Hour

// ChangeInvisible sets how long a delivery stays invisible to its group,
// counted from now, and returns the delivery's new receipt handle: the
// old one is no longer valid, as with the 5.x protocol's
// ChangeInvisibleDuration. d is 0..MaxInvisible; 0 makes the message
// visible again at once. A handle that cannot be changed (expired,
// acknowledged, redelivered, another group's) is a HandleError, as for
// Ack. The change is durable when ChangeInvisible returns.
func (b *Broker) ChangeInvisible(ctx context.Context, instance, topic, group, handle string, d time.Duration) (string, error) {
	if d < 0 || d > MaxInvisible {
		return "", invalid("invisible duration %s is outside 0..%s", d, MaxInvisible)
	}
	var next string
	err := b.withDelivery(ctx, instance, topic, group, handle, func(s *subState, seq uint64, st *msgState, now int64) {
		st.next = now + d.Milliseconds()
		st.nonce = newNonce()
		b.schedule(timer{at: st.next, kind: timerVisible, topic: s.topic, sub: s, seq: seq, nonce: st.nonce})
		h := handleOf(s, seq, st)
		next = h.String()
		b.dirty = append(b.dirty, dirtyItem{kind: dirtyState, sub: s, seq: seq})
		if d == 0 {
			s.topic.signal()
		}
	})
	if err != nil {
		return "", err
	}
	return next, nil
}

// DeadLetterNow moves a delivered message to its group's dead letters at
// once, with reason, whatever its delivery count: the 5.x protocol's
// ForwardMessageToDeadLetterQueue. Handle errors are as for Ack.
func (b *Broker) DeadLetterNow(ctx context.Context, instance, topic, group, handle, reason string) error {
	return b.withDelivery(ctx, instance, topic, group, handle, func(s *subState, seq uint64, st *msgState, now int64) {
		b.deadLetter(s, seq, st, now)
		if reason != "" {
			st.reason = reason
		}
	})
}

// withDelivery runs fn, with b.mu held, on the delivery a valid handle
// names, then writes what fn changed.
func (b *Broker) withDelivery(ctx context.Context, instance, topic, group, raw string, fn func(s *subState, seq uint64, st *msgState, now int64)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkNames(instance, topic, &group); err != nil {
		return err
	}
	if err := b.lockOpen(); err != nil {
		return err
	}
	s, err := b.ackSub(instance, topic, group)
	if err != nil {
		b.mu.Unlock()
		return err
	}
	now := b.nowMs()
	scope := scopeOf(subKey(topicID{instance, topic}, group))
	seq, st, herr := b.liveDelivery(s, scope, raw, now)
	if herr != nil {
		b.mu.Unlock()
		return herr
	}
	fn(s, seq, st, now)
	b.mu.Unlock()
	return b.update("change delivery", nil)
}

// liveDelivery resolves a receipt handle of subscription s (nil when it
// does not exist) to a delivery that is still invisible. b.mu is held.
func (b *Broker) liveDelivery(s *subState, scope uint32, raw string, now int64) (uint64, *msgState, *HandleError) {
	h, herr := parseHandle(raw, handleDelivery)
	if herr != nil {
		return 0, nil, herr
	}
	if h.scope != scope {
		return 0, nil, handleErr(raw, CodeReceiptHandleError, "issued for another topic or group")
	}
	if now >= h.expires {
		return 0, nil, handleErr(raw, CodeMessageNotExist, "expired at %s (NextConsumeTime)", fmtMs(h.expires))
	}
	var st *msgState
	if s != nil {
		st = s.states[h.seq]
	}
	if st == nil || st.phase != phaseDelivered || st.nonce != h.nonce {
		return 0, nil, handleErr(raw, CodeMessageNotExist, "already acknowledged, redelivered or dead-lettered")
	}
	if now >= st.next {
		return 0, nil, handleErr(raw, CodeMessageNotExist, "expired at %s (NextConsumeTime)", fmtMs(st.next))
	}
	return h.seq, st, nil
}

// handleOf is the receipt handle of the current delivery st of seq.
func handleOf(s *subState, seq uint64, st *msgState) handle {
	return handle{kind: handleDelivery, scope: s.scope, seq: seq, nonce: st.nonce, expires: st.next}
}

// MaxDeliveries is how many deliveries a message gets before it is
// dead-lettered (Config.MaxReconsumeTimes).
func (b *Broker) MaxDeliveries() int { return b.cfg.MaxReconsumeTimes }
