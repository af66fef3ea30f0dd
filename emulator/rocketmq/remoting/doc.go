// Package remoting serves Apache RocketMQ's remoting protocol on a local
// broker (package broker), so programs written with
// github.com/apache/rocketmq-client-go/v2 (and the Java client) against a
// name server run against the local stack unchanged, beside the MQ HTTP
// protocol of package rocketmq on the same broker: a message sent over
// either is delivered to consumers of both and to EventBridge triggers,
// under one message ID.
//
//	srv, err := remoting.New(remoting.Config{Broker: b})
//	nameServer, brokerAddr, err := srv.Start("127.0.0.1:9876", "127.0.0.1:10911")
//	p, _ := rocketmq.NewProducer(producer.WithNameServer([]string{nameServer}))
//
// # Frames
//
// A frame is a 4-byte big-endian length, a 4-byte mark (the header's
// serialization in the high byte, JSON or RocketMQ's binary layout, and
// its length), the header (code, language, version, opaque, flag, remark,
// extFields) and the body. Responses use the request's serialization.
// Frames are at most MaxFrame (16 MiB); a frame that cannot be decoded
// (length outside 4..MaxFrame, unknown serialization, bad header) closes
// the connection, as an Apache broker closes it. Requests of a connection
// are served concurrently (up to 1024 at once; long polls count), and the
// bytes of requests in flight over all connections are bounded by
// Config.MaxInFlight: reading waits when they are reached. An unknown
// request code is answered REQUEST_CODE_NOT_SUPPORTED with a remark.
//
// # Name server
//
// GET_ROUTEINFO_BY_TOPIC answers one broker (Config.BrokerName) with the
// topic's queues (broker.Config.Queues per topic, read and write). A strict
// broker answers TOPIC_NOT_EXIST for topics not created for it; a lenient
// one creates the topic on the query, so consumers started before the
// first send find it. GET_BROKER_CLUSTER_INFO and
// GET_ALL_TOPIC_LIST_FROM_NAMESERVER serve admin tools. The name server
// and the broker are two listeners of one server.
//
// # Names
//
// A client namespace (WithNamespace; the 4.x series' instance ID) is
// written "ns%topic" and "%RETRY%ns%group"; the server maps it to the
// broker's instance ns, so a namespaced remoting client and an MQ HTTP
// client of instance ns share topics.
//
// # Messages
//
// SEND_MESSAGE (V1 and V2 headers) and SEND_BATCH_MESSAGE store messages
// in the queue the producer chose. Properties map to the broker's
// fields: TAGS, KEYS, UNIQ_KEY (the message ID, kept), SHARDING_KEY (or
// __SHARDINGKEY), DELAY (a level of Config.DelayLevels, Apache's
// "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h" by default;
// levels above the last are the last), TIMER_DELIVER_MS or
// __STARTDELIVERTIME (a delivery time), TRAN_MSG=true (a half message).
// Other properties are kept, DELAY, TRAN_MSG and PGROUP included, as
// Apache brokers keep them. zlib-compressed bodies are stored inflated.
// A batch is checked whole before any of it is stored, and may not hold
// delayed or transactional messages. Bodies, properties and names follow
// the broker's limits (the 4.x series', including 64 KB for delayed and
// transactional messages); a refused message gets MESSAGE_ILLEGAL.
//
// The send result's msgId (the "offset message ID") is the broker's IPv4
// address and port and a physical offset, as clients parse it. Physical
// offsets are made from a topic number kept in memory, a queue and the
// queue offset; clients hand them back in CONSUMER_SEND_MSG_BACK, where
// the message's ID is checked too, so an offset from before a restart is
// refused (the client then sends the retry itself, as it does with any
// refused send-back).
//
// # Consumers
//
// PULL_MESSAGE reads a queue from an offset (up to 32 messages) with the
// subscription's tag expression; with nothing new it is suspended up to
// suspendTimeoutMillis (at most 30 s) and woken by a new message. Tags are
// matched exactly, where Apache brokers match tag hash codes and clients
// filter again by tag: consumers receive the same messages. SQL92
// expressions are refused (SUBSCRIPTION_PARSE_FAILED). A pull with the
// commit-offset flag, and UPDATE_CONSUMER_OFFSET, store the group's
// offset; QUERY_CONSUMER_OFFSET returns it, or for a group without one 0
// while the queue still holds its first message (where an Apache broker
// starts a new group) and QUERY_NOT_FOUND otherwise, so the consumer
// starts where its ConsumeFromWhere says. GET_MAX_OFFSET, GET_MIN_OFFSET
// and SEARCH_OFFSET_BY_TIMESTAMP read the queue's offsets. A strict
// broker answers SUBSCRIPTION_GROUP_NOT_EXIST for groups not created for
// it.
//
// HEART_BEAT registers a client's producer and consumer groups on its
// connection and creates the %RETRY% topic of each clustering consumer
// group; GET_CONSUMER_LIST_BY_GROUP lists a group's clients for
// rebalancing, and NOTIFY_CONSUMER_IDS_CHANGED goes to a group's clients
// when one joins or leaves (UNREGISTER_CLIENT, a closed connection, or
// 120 s without a heartbeat), so they rebalance at once.
// LOCK_BATCH_MQ and UNLOCK_BATCH_MQ lock queues for orderly consumers: a
// lock lasts 60 s unless renewed, and a client's locks end with its
// connection. (rocketmq-client-go does not unlock queues it gives up when
// rebalancing; another orderly consumer gets them when the lock ends, with
// Apache brokers as here.)
//
// CONSUMER_SEND_MSG_BACK puts a message a consumer failed back in the
// group's %RETRY% topic after the delay of its level (0: 3 + the times it
// was reconsumed), with RETRY_TOPIC, ORIGIN_MESSAGE_ID and its reconsume
// count, under the same ID; after maxReconsumeTimes, or with a negative
// level, it goes to the group's %DLQ% topic (write-only in routes). The
// 64 KB limit of delayed messages does not apply to retries.
//
// # Transactions
//
// A half message's send result carries a transaction ID (the broker's
// handle and the topic). END_TRANSACTION commits (8) or rolls back (12)
// it; 0 leaves it for a check. Half messages unresolved
// TransactionTimeout after sending (or CHECK_IMMUNITY_TIME_IN_SECONDS,
// 10..300 s) are offered to a connected producer of the group that sent
// them (PGROUP) with CHECK_TRANSACTION_STATE, every broker
// HalfCheckInterval, until resolved or discarded (broker HalfLifetime).
// The check looks at the topics of the instances of connected producer
// groups every CheckInterval; a half message published over MQ HTTP that
// it meets has no PGROUP and is offered to HTTP producers again after
// HalfCheckInterval, and MQ HTTP producers of a topic may be offered
// remoting half messages: a topic should have transactional producers of
// one protocol.
//
// # ACL
//
// A request with AccessKey and Signature extFields is verified as an
// Apache broker with ACL does (HMAC-SHA1 of the sorted extField values and
// the body, keyed by the access key's secret from Config.Keys; STS
// credentials need their SecurityToken and expire); a failure answers
// NO_PERMISSION. An unsigned request is accepted, as by brokers without
// ACL, unless Config.ACL is set.
package remoting
