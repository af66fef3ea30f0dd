package broker

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Message is a message as published and as delivered.
type Message struct {
	ID                 string            // 32 uppercase hex characters set by Publish, or the producer's (see Publish)
	Instance           string            // instance ID ("ns"); "" is the default instance
	Topic              string            // topic name
	Tag                string            // message tag; "" for none
	Body               []byte            // message body
	Keys               string            // KEYS property (space-separated keys)
	Properties         map[string]string // user properties, without the special ones below
	ShardingKey        string            // __SHARDINGKEY: partition for ordered consumption
	StartDeliverTime   int64             // __STARTDELIVERTIME, ms since the epoch; 0: now
	TransCheckImmunity int               // __TransCheckT, seconds; > 0 makes a half message
	PublishTime        int64             // ms, set by Publish (by Commit for half messages)
	BodyMD5            string            // uppercase hex MD5 of Body, set by Publish
	// QueueID is the queue of the topic the message is in; QueueOffset its
	// offset there, -1 while a delayed message is not due (it takes the
	// next offset of its queue when it is) and for half messages.
	QueueID     int
	QueueOffset int64
	// Retry marks a message a consumer gave back to be delivered again
	// later (the remoting protocol's send-back): the body limit of delayed
	// messages does not apply to it. It is not stored.
	Retry bool
	// Protocol is how the message was published (ProtocolHTTP,
	// ProtocolRemoting, ProtocolGRPC, ProtocolConsole), as the front end
	// that published it says; "" when it did not say. It is stored with
	// the message.
	Protocol string
}

// PublishResult is the answer to Publish.
type PublishResult struct {
	MessageID string
	BodyMD5   string
	// ReceiptHandle is set for half messages only: Commit or Rollback it
	// until the immunity time has passed.
	ReceiptHandle string
	// QueueID and QueueOffset are where the message is, as in Message.
	QueueID     int
	QueueOffset int64
}

// Publish stores a message and returns once it is durable. A message with
// TransCheckImmunity > 0 is a half message: invisible until committed.
// The broker chooses the queue: the hash of ShardingKey when it is set,
// else each queue in turn. A message with an ID keeps it (the native
// protocols' clients make their own, UNIQ_KEY): 1 to 64 hex digits, so
// that one message has one ID across protocols; otherwise Publish gives
// it one.
func (b *Broker) Publish(ctx context.Context, m Message) (PublishResult, error) {
	return b.publish(ctx, m, -1)
}

// PublishToQueue is Publish to a queue the producer chose, as the native
// protocols' producers do; a half message goes to it when committed.
func (b *Broker) PublishToQueue(ctx context.Context, m Message, queue int) (PublishResult, error) {
	if queue < 0 || queue >= MaxQueues {
		return PublishResult{}, invalid("queue %d is outside 0..%d", queue, MaxQueues-1)
	}
	return b.publish(ctx, m, queue)
}

func (b *Broker) publish(ctx context.Context, m Message, queue int) (PublishResult, error) {
	if err := ctx.Err(); err != nil {
		return PublishResult{}, err
	}
	now := b.nowMs()
	if err := b.checkMessage(&m, now); err != nil {
		return PublishResult{}, err
	}
	sum := md5.Sum(m.Body)
	if m.ID == "" {
		m.ID = newMessageID()
	}
	m.PublishTime, m.BodyMD5 = now, strings.ToUpper(hex.EncodeToString(sum[:]))
	m.QueueID, m.QueueOffset = queue, -1
	var err error
	var handle string
	if m.TransCheckImmunity > 0 {
		handle, err = b.publishHalf(&m, now)
	} else {
		err = b.publishNormal(&m, queue, now)
	}
	if err != nil {
		return PublishResult{}, err
	}
	res := PublishResult{MessageID: m.ID, BodyMD5: m.BodyMD5, ReceiptHandle: handle, QueueID: m.QueueID, QueueOffset: m.QueueOffset}
	b.published.Add(1)
	return res, nil
}

// Validate checks a message as Publish would, without publishing it, so a
// batch can be refused whole before any of it is stored.
func (b *Broker) Validate(m Message) error {
	return b.checkMessage(&m, b.nowMs())
}

// checkMessage validates a message to publish.
func (b *Broker) checkMessage(m *Message, now int64) error {
	if err := checkNames(m.Instance, m.Topic, nil); err != nil {
		return err
	}
	if err := checkMessageID(m.ID); err != nil {
		return err
	}
	if limit := b.cfg.MaxBodySize; len(m.Body) > limit {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrBodyTooLarge, len(m.Body), limit)
	}
	if limit := min(b.cfg.MaxBodySize, MaxTimedBodySize); len(m.Body) > limit && (m.StartDeliverTime > 0 && !m.Retry || m.TransCheckImmunity > 0) {
		kind := "delayed"
		if m.TransCheckImmunity > 0 {
			kind = "transactional"
		}
		return fmt.Errorf("%w: %d bytes, limit %d for a %s message", ErrBodyTooLarge, len(m.Body), limit, kind)
	}
	if err := checkTag(m.Tag); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(m.Properties)) {
		if field, ok := reservedProperties[k]; ok {
			return invalid("property %q is reserved: set Message.%s instead", k, field)
		}
		if err := checkProperty(k, m.Properties[k]); err != nil {
			return err
		}
	}
	if err := checkProperty("KEYS", m.Keys); err != nil {
		return err
	}
	if err := checkProperty("__SHARDINGKEY", m.ShardingKey); err != nil {
		return err
	}
	if n := propertiesSize(m); n > MaxPropertiesSize {
		return invalid("properties are %d bytes as sent (key:value| each, Keys and ShardingKey included), limit %d", n, MaxPropertiesSize)
	}
	return checkTimes(m, now)
}

// checkMessageID validates a producer's message ID; "" is none.
func checkMessageID(id string) error {
	if len(id) > 64 {
		return invalid("message ID of %d characters, limit 64", len(id))
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f') {
			return invalid("message ID %q: character %q is not a hex digit", id, c)
		}
	}
	return nil
}

// propertiesSize is the size of m's properties in the SDK's encoding.
func propertiesSize(m *Message) int {
	n := 0
	for k, v := range m.Properties {
		n += len(k) + len(v) + 2
	}
	if m.Keys != "" {
		n += len("KEYS") + len(m.Keys) + 2
	}
	if m.ShardingKey != "" {
		n += len("__SHARDINGKEY") + len(m.ShardingKey) + 2
	}
	return n
}

// checkTimes validates StartDeliverTime and TransCheckImmunity.
func checkTimes(m *Message, now int64) error {
	if m.StartDeliverTime < 0 {
		return invalid("StartDeliverTime %d is negative", m.StartDeliverTime)
	}
	if limit := now + MaxDeliverDelay.Milliseconds(); m.StartDeliverTime > limit {
		return invalid("StartDeliverTime %s is more than %s ahead",
			time.UnixMilli(m.StartDeliverTime).UTC().Format(time.RFC3339), MaxDeliverDelay)
	}
	if t := m.TransCheckImmunity; t != 0 && (t < MinTransCheckImmunity || t > MaxTransCheckImmunity) {
		return invalid("TransCheckImmunity %d s is outside %d..%d s", t, MinTransCheckImmunity, MaxTransCheckImmunity)
	}
	return nil
}

// queueOffset is m's queue offset as Message shows it.
func queueOffset(m *msgMeta) int64 {
	if m.qoff == noOffset {
		return -1
	}
	return int64(m.qoff)
}

// metaOf is the in-memory summary of m.
func metaOf(m *Message) msgMeta {
	return msgMeta{id: m.ID, tag: m.Tag, shard: m.ShardingKey, born: m.PublishTime, deliverAt: max(m.StartDeliverTime, m.PublishTime)}
}

// publishNormal appends m to its topic, in queue (-1: the broker's
// choice), and sets its queue and offset.
func (b *Broker) publishNormal(m *Message, queue int, now int64) error {
	if err := b.lockOpen(); err != nil {
		return err
	}
	t, created, err := b.lookupTopic(topicID{m.Instance, m.Topic}, true)
	if err != nil {
		b.mu.Unlock()
		return err
	}
	if queue >= len(t.queues) {
		if created {
			delete(b.topics, t.id) // not stored: the refused message creates nothing
		}
		b.mu.Unlock()
		return t.badQueue(queue)
	}
	meta := t.add(metaOf(m), queue, now)
	m.QueueID, m.QueueOffset = meta.queue, queueOffset(meta)
	var topicRec []byte
	if created {
		topicRec = topicRecord(t)
	}
	b.mu.Unlock()
	rec := encodeMessage(m)
	err = b.update("publish", func(w kv.Writer) error {
		if created {
			if err := w.Put(bucketTopic, []byte(t.key), topicRec); err != nil {
				return err
			}
		}
		return w.Put(bucketMsg, seqKey(t.key, meta.seq), rec)
	})
	b.settle(t, meta, err)
	return err
}

// settle makes a message appended to t deliverable once its record is
// durable, or forgets it when writing failed.
func (b *Broker) settle(t *topicState, meta *msgMeta, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		t.remove(meta.seq)
		return
	}
	meta.ready = true
	b.retain(meta)
	now := b.nowMs()
	if meta.deliverAt > now {
		b.schedule(timer{at: meta.deliverAt, kind: timerDue, topic: t})
		return
	}
	if meta.qoff == noOffset {
		b.enqueueDue(t, now) // due by the time it was written
	}
	t.signal()
}

// publishHalf stores m as a half message and returns its handle.
func (b *Broker) publishHalf(m *Message, now int64) (string, error) {
	if err := b.lockOpen(); err != nil {
		return "", err
	}
	t, created, err := b.lookupTopic(topicID{m.Instance, m.Topic}, true)
	if err != nil {
		b.mu.Unlock()
		return "", err
	}
	if m.QueueID >= len(t.queues) {
		if created {
			delete(b.topics, t.id)
		}
		b.mu.Unlock()
		return "", t.badQueue(m.QueueID)
	}
	immune := now + int64(m.TransCheckImmunity)*1000
	e := &halfEntry{seq: t.nextHalf, meta: metaOf(m), nonce: newNonce(), expires: immune,
		nextOffer: immune, dropAt: now + b.cfg.HalfLifetime.Milliseconds(), queue: m.QueueID,
		producer: m.Properties[PropProducerGroup]}
	t.nextHalf++
	t.halves[e.seq] = e
	var topicRec []byte
	if created {
		topicRec = topicRecord(t)
	}
	b.mu.Unlock()
	rec := binary.BigEndian.AppendUint64(nil, e.nonce)
	rec = append(rec, encodeMessage(m)...)
	err = b.update("publish half message", func(w kv.Writer) error {
		if created {
			if err := w.Put(bucketTopic, []byte(t.key), topicRec); err != nil {
				return err
			}
		}
		return w.Put(bucketHalf, seqKey(t.key, e.seq), rec)
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		delete(t.halves, e.seq)
		return "", err
	}
	b.readyHalf(t, e)
	return handle{kind: handleHalf, scope: t.scope, seq: e.seq, nonce: e.nonce, expires: e.expires}.String(), nil
}

// readyHalf makes a stored half message eligible for checks and
// schedules its timers. b.mu is held.
func (b *Broker) readyHalf(t *topicState, e *halfEntry) {
	e.ready = true
	b.schedule(timer{at: e.nextOffer, kind: timerHalfCheck, topic: t, seq: e.seq})
	b.schedule(timer{at: e.dropAt, kind: timerHalfDrop, topic: t, seq: e.seq})
}
