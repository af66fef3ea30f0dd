// Package event decodes the payloads Function Compute delivers for RocketMQ
// triggers into Messages.
//
// EventBridge wraps each RocketMQ message in a CloudEvent whose data holds
// the topic, the system and user properties and the body. What reaches a
// function depends on the trigger:
//
//   - event-driven mode delivers one CloudEvent object;
//   - event-streaming mode delivers a JSON array of them, even of one;
//   - the RawData event schema drops the envelope: elements are data objects;
//   - some senders deliver array elements as JSON strings holding the event;
//   - over the CloudEvents HTTP binding, binary mode sends the attributes as
//     headers and the data as the body (see Decoder.DecodeData);
//   - on AWS, an EventBridge event carries the message in "detail".
//
// Decode accepts all of these and tolerates the drift seen in practice:
// CONSUME_START_TIME as a JSON number beside string properties, publish
// times that are not RFC 3339 ("2020-11-19T21:04:42.179PRC"), bodies as
// text, embedded JSON or base64, missing attributes, unknown members (kept
// in CloudEvent.Extensions and Message.Extra, never an error).
//
// Input that is genuinely malformed yields a *DecodeError naming the field
// and the byte offset. One bad element of a batch fails alone (see
// Payload.Failed). A Decoder bounds what a payload may claim: its size
// (Function Compute's 32 MB by default), its messages and its properties.
//
// # Payloads that are not events
//
// A target's transform on an EventBridge rule or event stream can deliver
// a part of an event, a constant or a template's text in place of the
// event (see package fn, "Raw payloads"). Decode's error for such input,
// and Payload.Failed's for such batch elements, match ErrNotEvent besides
// ErrMalformed; broken events do not. See ErrNotEvent for which input
// holds no event.
//
// # System property names
//
// Senders do not spell every system property alike. The accessors (and
// Message's ID, Tag, Keys and ShardingKey) read each spelling, first the
// one of EventBridge's documented events and of Apache RocketMQ's
// MessageConst, and take the first present with a value:
//
//	ID               UNIQ_KEY, data.msgId, MESSAGE_ID, __MSGID, the CloudEvent id
//	Tag              TAGS, __TAG, TAG
//	Keys             KEYS, __KEY
//	ShardingKey      __SHARDINGKEY, SHARDING_KEY
//	QueueOffset      __CONSUMEOFFSET, QUEUE_OFFSET
//	ReconsumeTimes   RECONSUME_TIME, RECONSUME_TIMES, __RECONSUMETIMES
//	BornTime         BORN_TIMESTAMP, __BORNTIMESTAMP
//	BornHost         __BORNHOST, BORN_HOST
//	DeliverTime      __STARTDELIVERTIME, TIMER_DELIVER_MS
//	ConsumeStartTime CONSUME_START_TIME
//	MinOffset, MaxOffset, Region, InstanceID: MIN_OFFSET, MAX_OFFSET, MSG_REGION, INSTANCE_ID
//
// Sources: EventBridge's RocketMQ samples (the custom event source's 4.x
// event: UNIQ_KEY, TAGS, KEYS, MIN_OFFSET, MAX_OFFSET, CONSUME_START_TIME,
// MSG_REGION, INSTANCE_ID; the 5.x sample of "ApsaraMQ for RocketMQ
// (offset data)": data.msgId, BORN_TIMESTAMP); Apache RocketMQ's
// MessageConst, what brokers and clients set (UNIQ_KEY, TAGS, KEYS,
// __SHARDINGKEY, RECONSUME_TIME, BORN_TIMESTAMP, __BORNHOST,
// TIMER_DELIVER_MS); Alibaba Cloud's ONS client, whose Message.SystemPropKey
// names what it maps a message to (__MSGID, __TAG, __KEY, __RECONSUMETIMES,
// __BORNTIMESTAMP, __BORNHOST, __STARTDELIVERTIME, __CONSUMEOFFSET); the
// MQ HTTP SDKs (@aliyunmq/mq-http-sdk: KEYS, __STARTDELIVERTIME,
// __SHARDINGKEY); rocketmq-client-go (SHARDING_KEY). MESSAGE_ID, TAG,
// RECONSUME_TIMES and BORN_HOST appear only in third-party consumers of
// FC events, and QUEUE_OFFSET in no source, so each comes after the
// documented names of its property.
//
// # Performance
//
// The decoder is written for this one schema: it reads the payload once,
// keeps strings as views of a single copy of it, unescapes in place, and
// cuts the property maps of all messages from one slice, so decoding a
// message costs a few allocations however many properties it has. Message
// bodies are decoded into user types by Message.DecodeJSON with
// runtime/internal/bind, the decoder fn.Typed uses: the same semantics and
// errors, and values that own their memory.
package event
