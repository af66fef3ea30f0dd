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
// # Performance
//
// The decoder is written for this one schema: it reads the payload once,
// keeps strings as views of a single copy of it, unescapes in place, and
// cuts the property maps of all messages from one slice, so decoding a
// message costs a few allocations however many properties it has. Message
// bodies are decoded into user types with encoding/json by
// Message.DecodeJSON.
package event
