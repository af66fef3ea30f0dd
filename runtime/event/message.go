package event

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/runtime/internal/bind"
)

// Message is one RocketMQ message as a function receives it.
//
// The decoder fills the fields from the CloudEvent envelope and its data
// (topic, systemProperties, userProperties, body); fields the payload does
// not carry stay zero. The Message's strings (those of its fields, Keys,
// properties, Extra and Event) and Body are views of one copy of the
// payload, shared by all the messages of the invocation: keeping a
// Message, or any string or slice taken from one, after its invocation
// keeps that whole copy alive. Copy what you keep (strings.Clone,
// bytes.Clone). What the methods return is the caller's own: Text and
// Base64 return copies, and the values DecodeJSON decodes never point
// into the payload.
type Message struct {
	// ID identifies the message: the UNIQ_KEY system property, else the
	// msgId data field, else the MESSAGE_ID system property, else the
	// CloudEvent id. Redeliveries of a message keep its ID.
	ID    string
	Topic string
	Tag   string   // the TAGS system property
	Keys  []string // the KEYS system property, split at spaces
	// ShardingKey orders the messages of an ordered topic: messages with the
	// same key must be handled in order.
	ShardingKey string

	// Body is the message body. When the payload carries it as a JSON string
	// (the usual case) Body holds the unescaped text; when it carries a JSON
	// object or array, Body holds that JSON. See BodyKind.
	Body     []byte
	BodyKind Kind

	UserProperties   Properties
	SystemProperties Properties
	// Extra holds the members of the data object that the decoder does not
	// know, with their raw values, so that nothing in the payload is lost.
	Extra Properties

	// Event holds the CloudEvent attributes. It is zero when the trigger
	// delivers RawData (data objects without the envelope).
	Event CloudEvent

	// Index is the message's position in the invocation payload.
	Index int
}

// Names of the RocketMQ system properties the accessors read. Several are
// spelled differently by different senders; an accessor reads each
// spelling it knows, in the order listed, and the first one present with a
// value that is not empty wins.
//
// The constants are the documented names: those of EventBridge's sample
// events and of Apache RocketMQ's MessageConst (what brokers and clients
// set) or, for the queue offset, which neither names, of Alibaba Cloud's
// ONS client. The other spellings, in the comments, are those of the ONS
// client (Message.SystemPropKey), of rocketmq-client-go and of events seen
// in practice. The package documentation lists the sources.
const (
	PropUniqKey          = "UNIQ_KEY" // then data.msgId, MESSAGE_ID, __MSGID
	PropMessageID        = "MESSAGE_ID"
	PropTags             = "TAGS"            // then __TAG, TAG
	PropKeys             = "KEYS"            // then __KEY
	PropShardingKey      = "__SHARDINGKEY"   // then SHARDING_KEY
	PropQueueOffset      = "__CONSUMEOFFSET" // then QUEUE_OFFSET
	PropQueueID          = "QUEUE_ID"
	PropMinOffset        = "MIN_OFFSET"
	PropMaxOffset        = "MAX_OFFSET"
	PropReconsumeTimes   = "RECONSUME_TIME" // then RECONSUME_TIMES, __RECONSUMETIMES
	PropBornTimestamp    = "BORN_TIMESTAMP" // then __BORNTIMESTAMP
	PropBornHost         = "__BORNHOST"     // then BORN_HOST
	PropConsumeStartTime = "CONSUME_START_TIME"
	PropStartDeliverTime = "__STARTDELIVERTIME" // then TIMER_DELIVER_MS
	PropRegion           = "MSG_REGION"
	PropInstanceID       = "INSTANCE_ID"
)

// The spellings of a property, in the order the accessors try them.
var (
	queueOffsetNames    = []string{PropQueueOffset, "QUEUE_OFFSET"}
	reconsumeTimesNames = []string{PropReconsumeTimes, "RECONSUME_TIMES", "__RECONSUMETIMES"}
	bornTimestampNames  = []string{PropBornTimestamp, "__BORNTIMESTAMP"}
	bornHostNames       = []string{PropBornHost, "BORN_HOST"}
	deliverTimeNames    = []string{PropStartDeliverTime, "TIMER_DELIVER_MS"}
)

// Text returns the body as a string.
func (m *Message) Text() string { return string(m.Body) }

// DecodeJSON decodes the body as JSON into v, which must be a non-nil
// pointer. A body that is not JSON but is base64 text of a JSON document
// (EventBridge's binary body format) is decoded from base64 first. Errors
// are *BodyError, naming the message and, for type mismatches, the field.
//
// It decodes with the decoder of fn.Typed, so the two agree in values and
// errors for every type: encoding/json's semantics and errors (unknown
// members ignored, numbers into an interface as float64, null leaving
// values other than pointers, maps, slices and interfaces unchanged), and
// strings, json.RawMessage, []byte and interface values that are copies,
// never views of the payload. The one difference from json.Unmarshal is
// that on malformed JSON, v may be partly filled. The decoding plan for
// v's type is built on its first use and cached.
func (m *Message) DecodeJSON(v any) error {
	return m.DecodeBody(func(data []byte) error { return bind.Decode(data, v) })
}

// DecodeBody is DecodeJSON with another JSON decoder: decode is called with
// the body, and again with the base64-decoded body when the first call fails
// on a body that is base64 of a JSON document; the error of the last call
// is returned in a *BodyError. Decoders must not modify or retain data
// beyond the message's life: data is the body, a view of the payload, or
// the base64-decoded copy of it.
func (m *Message) DecodeBody(decode func(data []byte) error) error {
	err := decode(m.Body)
	if err == nil {
		return nil
	}
	if raw, ok := m.base64JSON(); ok {
		err = decode(raw)
		if err == nil {
			return nil
		}
	}
	return &BodyError{MessageID: m.ID, Err: err}
}

// base64JSON reports whether a text body is base64 of a JSON document and
// returns the document. Bodies that start like JSON are never reinterpreted.
func (m *Message) base64JSON() ([]byte, bool) {
	if m.BodyKind != String || len(m.Body) == 0 || startsJSON(m.Body[0]) {
		return nil, false
	}
	raw, err := m.Base64()
	if err != nil || !json.Valid(raw) {
		return nil, false
	}
	return raw, true
}

func startsJSON(c byte) bool {
	switch c {
	case '{', '[', '"', '-', 't', 'f', 'n', ' ', '\t', '\r', '\n':
		return true
	}
	return '0' <= c && c <= '9'
}

// Base64 decodes the body as base64 (standard or URL alphabet, padded or not).
func (m *Message) Base64() ([]byte, error) {
	s := strings.TrimRight(string(m.Body), "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	b, err := enc.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("message %s: body is not base64: %w", m.ID, err)
	}
	return b, nil
}

// BodyError reports a body that does not decode into the handler's type.
type BodyError struct {
	MessageID string
	Err       error
}

func (e *BodyError) Error() string {
	var te *json.UnmarshalTypeError
	if errors.As(e.Err, &te) && te.Field != "" {
		return fmt.Sprintf("message %s: body field %q: cannot use JSON %s as %s", e.MessageID, te.Field, te.Value, te.Type)
	}
	return fmt.Sprintf("message %s: body: %v", e.MessageID, e.Err)
}

func (e *BodyError) Unwrap() error { return e.Err }

// QueueOffset returns the message's offset in its queue, when the payload
// carries it: __CONSUMEOFFSET, else QUEUE_OFFSET.
func (m *Message) QueueOffset() (int64, bool) { return m.SystemProperties.firstInt(queueOffsetNames) }

// MinOffset and MaxOffset return the queue's offset range at delivery.
func (m *Message) MinOffset() (int64, bool) { return m.SystemProperties.Int(PropMinOffset) }

// MaxOffset returns the highest offset of the queue at delivery.
func (m *Message) MaxOffset() (int64, bool) { return m.SystemProperties.Int(PropMaxOffset) }

// ReconsumeTimes returns how many times RocketMQ redelivered the message:
// RECONSUME_TIME, else RECONSUME_TIMES, else __RECONSUMETIMES; 0 when the
// payload carries none.
func (m *Message) ReconsumeTimes() int {
	n, _ := m.SystemProperties.firstInt(reconsumeTimesNames)
	return int(n)
}

// BornTime returns when the producer created the message: BORN_TIMESTAMP,
// else __BORNTIMESTAMP, in milliseconds.
func (m *Message) BornTime() time.Time { return m.millis(bornTimestampNames) }

// ConsumeStartTime returns when EventBridge started consuming the message.
func (m *Message) ConsumeStartTime() time.Time { return m.millis([]string{PropConsumeStartTime}) }

// DeliverTime returns the delivery time of a delayed or timed message:
// __STARTDELIVERTIME (RocketMQ 4.x and the MQ HTTP SDKs), else
// TIMER_DELIVER_MS (RocketMQ 5.x), in milliseconds.
func (m *Message) DeliverTime() time.Time { return m.millis(deliverTimeNames) }

func (m *Message) millis(names []string) time.Time {
	ms, ok := m.SystemProperties.firstInt(names)
	if !ok {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// BornHost returns the address of the producer, when the payload carries
// it: __BORNHOST, else BORN_HOST.
func (m *Message) BornHost() string {
	p, _ := m.SystemProperties.first(bornHostNames)
	return p.Value
}

// PublishTime returns when the event was published to EventBridge: the
// aliyunpublishtime attribute, else the CloudEvent time. Both tolerate the
// non-RFC 3339 forms EventBridge sends (see ParseTime).
func (m *Message) PublishTime() time.Time {
	for _, s := range [...]string{m.Event.PublishTime, m.Event.Time} {
		if t, err := ParseTime(s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// InstanceID returns the RocketMQ instance: the INSTANCE_ID system property,
// else the instance named in the CloudEvent subject.
func (m *Message) InstanceID() string {
	if id := m.SystemProperties.Get(PropInstanceID); id != "" {
		return id
	}
	return m.Event.subject().instance
}

// Region returns the region the message was sent from: the MSG_REGION system
// property, else the aliyunregionid attribute, else the subject's region.
func (m *Message) Region() string {
	if r := m.SystemProperties.Get(PropRegion); r != "" {
		return r
	}
	if m.Event.RegionID != "" {
		return m.Event.RegionID
	}
	return m.Event.subject().region
}
