// Package proxy serves the RocketMQ 5.x gRPC protocol
// (apache.rocketmq.v2.MessagingService, as a 5.x proxy and the cloud's
// 5.x instances serve it) on a local broker (package broker), so programs
// written with github.com/apache/rocketmq-clients/golang/v5 (or the Java
// 5.x client) run against the local stack unchanged, beside MQ HTTP
// (package rocketmq) and the remoting protocol (package remoting) on the
// same broker: a message sent over any of them is delivered to consumers
// of all and to EventBridge triggers, under one message ID.
//
//	srv, err := proxy.New(proxy.Config{Broker: b})
//	endpoint, err := srv.Start("127.0.0.1:8081")
//	p, _ := rmq.NewProducer(&rmq.Config{Endpoint: endpoint, Credentials: &credentials.SessionCredentials{}})
//
// The service is generated code the client module ships
// (github.com/apache/rocketmq-clients/golang/v5/protocol/v2). The answers
// follow Apache RocketMQ's proxy: errors are gRPC OK with the
// apache.rocketmq.v2.Code and message in the response's Status, except
// where noted.
//
// # Connections
//
// One port serves TLS and plaintext HTTP/2, told apart by the first byte,
// as 5.x proxies serve both: the Go client dials TLS by default without
// verifying the certificate, which is a new self-signed one per run
// (localhost and loopback addresses). Requests up to 16 MiB, 1024
// concurrent calls per connection; idle connections close after 5 min.
//
// # Calls
//
// Every call is admitted as servers admit it: its signature (below), then
// its client ID (x-mq-client-id; CLIENT_ID_REQUIRED without one).
//
//   - QueryRoute answers the topic's queues, READ_WRITE, on this server
//     (the address the client asked with, on the server's port). A topic
//     of the local broker has no message type of its own, so its queues
//     accept NORMAL, FIFO, DELAY and TRANSACTION (a 5.x topic of type
//     MIXED): sending a type the cloud topic would refuse passes locally.
//     A strict broker (rocketfn dev) answers TOPIC_NOT_FOUND for a topic
//     it lacks; a lenient one creates it.
//   - Telemetry takes a client's settings and answers them completed as
//     servers do (producers: body limit 4 MiB, message types validated,
//     3 attempts with 10 ms..1 s backoff; consumers: batches of 32,
//     20 s long polling, the customized redelivery backoff of 17
//     attempts). Settings with neither publishing nor subscription, or with
//     bad names, end the stream with gRPC INVALID_ARGUMENT.
//   - Heartbeat needs the client's settings (else UNRECOGNIZED_CLIENT_TYPE,
//     so the client sends them again); NotifyClientTermination forgets
//     them.
//   - SendMessage checks each message as servers do (topic, tag, keys,
//     user properties: at most 128, none of the system's names, 16 KiB
//     with tag and keys; body 1 byte to 4 MiB, MESSAGE_BODY_EMPTY 41302
//     when empty; message group under 64 bytes; delivery time at most a day
//     ahead; the producer's message ID, kept as the broker's ID, so it
//     must be hex, as the clients make it), then publishes them, each
//     durable before the answer. The type is what the attributes say:
//     a TRANSACTION message is a half message (TRAN_MSG, producer group =
//     topic name, checked after Config.TransactionTimeout or its recovery
//     duration), a delivery time makes it DELAY, a message group FIFO
//     (the group is the broker's sharding key). Delayed and transactional
//     bodies follow the broker's 64 KB limit. A topic the strict broker
//     lacks fails the type check, as on a server:
//     MESSAGE_PROPERTY_CONFLICT_WITH_TYPE "the expected type is
//     UNSPECIFIED". A batch is answered with one entry whose message ID is
//     the IDs joined by commas.
//   - EndTransaction commits or rolls back by the transaction ID the send
//     or the check gave (the broker's half-message handle); UNSPECIFIED
//     leaves the message for its check. An ID no longer valid is
//     INTERNAL_SERVER_ERROR "cannot found transaction data". Unresolved
//     half messages are offered every Config.CheckInterval to a producer
//     whose settings list their topic, as RecoverOrphanedTransactionCommand
//     on its Telemetry stream, then again each broker HalfCheckInterval.
//   - ReceiveMessage (a simple consumer's receive) streams the status, the
//     messages, then the delivery time; MESSAGE_NOT_FOUND "no new message"
//     when none came within the long polling (the call's remaining time
//     less half the consumer's request timeout, 5..20 s). It needs the
//     consumer's settings, and waits up to 3 s for them (the clients send
//     them without waiting for the answer). The batch size is cut to 32; the invisible
//     duration is 10 s..12 h (ILLEGAL_INVISIBLE_TIME), or 60 s with auto
//     renew. TAG expressions filter ("*", "a||b"); SQL92 ones are
//     NOT_IMPLEMENTED locally. A strict broker answers
//     CONSUMER_GROUP_NOT_FOUND for groups it lacks. Messages of a message
//     group come in group order: none of a group while a delivery of it is
//     invisible, for every consumer group (5.x servers order per queue,
//     for groups with orderly consumption). Messages carry the delivery
//     attempt, the receipt handle, the message group (also as the user
//     property __SHARDINGKEY, as servers show it), the delivery time and
//     an MD5 body digest in lower-case hex, as the clients check it.
//     Deliveries a broken stream did not send are visible again after 1 s.
//   - AckMessage answers an entry per handle: INVALID_RECEIPT_HANDLE
//     "receipt handle is expired" when its time passed,
//     INTERNAL_SERVER_ERROR "ack failed: status is abnormal" when the
//     delivery was acknowledged or redelivered; MULTIPLE_RESULTS when
//     entries differ. (The Go client v5.1.2 ignores a failed ack's status.)
//   - ChangeInvisibleDuration (0..12 h) answers the delivery's new receipt
//     handle; the old one is void.
//   - ForwardMessageToDeadLetterQueue moves the delivery to the broker's
//     dead letters of the group (which the console lists and re-drives),
//     where a server stores it in the topic %DLQ%group.
//   - QueryAssignment answers one assignment of every queue (-1).
//
// # ACL
//
// The clients sign each call: authorization "MQv2-HMAC-SHA1
// Credential=AK/.../Rocketmq, SignedHeaders=x-mq-date-time, Signature=HEX",
// the HMAC-SHA1 of x-mq-date-time with the secret. A signed call is
// verified against Config.Keys (UNAUTHORIZED "check signature failed." or
// "User:AK is not found."); no clock skew is checked, as servers check
// none. STS keys also need their session token (x-mq-session-token,
// which the Java client sends; the Go client v5.1.2 sends none, so it
// cannot use STS keys here). A call without an access key (the Go client without credentials
// signs with an empty one) is accepted, as a server without ACL accepts
// it, unless Config.ACL: then UNAUTHORIZED.
package proxy
