package broker

import (
	"context"
	"time"
)

// Ack acknowledges deliveries of a topic to a group by their receipt
// handles. Handles that cannot be acknowledged are returned, one
// HandleError each, in request order; the others are durable when Ack
// returns. The error is for the request as a whole: invalid names, an
// unknown topic or group of a strict broker, no handles, a closed broker or
// a failed write.
func (b *Broker) Ack(ctx context.Context, instance, topic, group string, handles []string) ([]HandleError, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkNames(instance, topic, &group); err != nil {
		return nil, err
	}
	if len(handles) == 0 {
		return nil, invalid("no receipt handles to acknowledge")
	}
	if err := b.lockOpen(); err != nil {
		return nil, err
	}
	s, err := b.ackSub(instance, topic, group)
	if err != nil {
		b.mu.Unlock()
		return nil, err
	}
	now := b.nowMs()
	scope := scopeOf(subKey(topicID{instance, topic}, group))
	var failed []HandleError
	acked := 0
	for _, h := range handles {
		if e := b.ackOne(s, scope, h, now); e != nil {
			failed = append(failed, *e)
			continue
		}
		acked++
	}
	if acked > 0 {
		s.topic.signal() // ordered partitions may be free
	}
	b.mu.Unlock()
	if acked == 0 {
		return failed, nil
	}
	if err := b.update("ack", nil); err != nil {
		return nil, err
	}
	b.acked.Add(uint64(acked))
	return failed, nil
}

// ackSub returns the subscription acknowledgements refer to, nil when the
// group never consumed the topic. b.mu is held.
func (b *Broker) ackSub(instance, topic, group string) (*subState, error) {
	t, _, err := b.lookupTopic(topicID{instance, topic}, false)
	if err != nil {
		return nil, err
	}
	if _, err := b.lookupGroup(groupID{instance, group}, false); err != nil {
		return nil, err
	}
	if t == nil {
		return nil, nil
	}
	return t.subs[group], nil
}

// ackOne acknowledges one handle of subscription s (nil when it does not
// exist, scope its handle scope). b.mu is held.
func (b *Broker) ackOne(s *subState, scope uint32, raw string, now int64) *HandleError {
	seq, _, herr := b.liveDelivery(s, scope, raw, now)
	if herr != nil {
		return herr
	}
	b.markDone(s, seq)
	return nil
}

// fmtMs formats a time in ms for messages.
func fmtMs(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}
