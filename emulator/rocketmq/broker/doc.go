// Package broker is the core of a local RocketMQ (the Aliyun MQ HTTP
// flavour): topics, consumer groups, deliveries with receipt handles,
// acknowledgements, redelivery, dead letters, delayed, ordered and
// transactional messages, stored in a kv.Store. The HTTP protocol layer
// (package rocketmq) maps the SDK's requests onto it.
//
//	b, err := broker.Open(broker.Config{Store: store})
//	res, err := b.Publish(ctx, broker.Message{Topic: "orders", Body: body})
//	ds, err := b.Consume(ctx, broker.ConsumeRequest{Topic: "orders", Group: "GID-app", Max: 16, Wait: 10 * time.Second})
//	failed, err := b.Ack(ctx, "", "orders", "GID-app", []string{ds[0].ReceiptHandle})
//
// # Model
//
// Topics and groups are named within an instance ("ns"; "" is the default
// instance). A topic is a log: messages are appended in publish order and
// kept for Config.Retention (DefaultRetention, the 72 hours of the 4.x
// series) from when they become deliverable, whether or not any group
// consumed them. Every group receives every message of the topic, and the
// consumers of one group compete for them; each group has its own
// progress, acknowledgements, tag-filter skips, redeliveries and dead
// letters, which no other group's consumption changes.
//
// A group seen for the first time on a topic starts at the earliest
// message the topic retains, as Apache RocketMQ starts a new group on a
// topic whose messages are all still retained, so messages published
// before the consumers start are not lost. Subscribe starts it elsewhere
// (the latest message, or the first published at or after a time: a
// trigger's Offset), and ResetOffset moves an existing group, as the
// cloud console's consumer-offset reset does. Backlogs reports each
// group's progress.
//
// A strict broker (Config.Strict) requires topics and groups to have been
// created with CreateTopic and CreateGroup and answers ErrTopicNotExist and
// ErrGroupNotExist otherwise; a lenient one creates them on first use
// (Publish creates the topic; Consume and ConsumeHalf the topic and group;
// Ack, DeadLetters and Redrive create nothing).
//
// # Queues and offsets
//
// A topic is split into queues (Config.Queues, DefaultQueues = 8, the
// number a topic keeps for life), as in Apache RocketMQ: each message is in
// one queue at one offset, offsets of a queue are consecutive from 0, and
// Queues reports each queue's min offset (the oldest retained) and max
// offset (the next to be given). Publish chooses the queue (the hash of
// ShardingKey, so a key's messages share a queue, else each queue in
// turn); PublishToQueue takes the producer's choice. A delayed message is
// in no queue until it is due (QueueOffset -1) and then takes the next
// offset of its queue, so it never holds back the messages after it; a
// half message takes its place when committed.
//
// Groups consume in one of two ways, each with its own state. Consume
// (MQ HTTP, EventBridge, the 5.x protocol) hands out messages with
// receipt handles and keeps each message's acknowledgement per group, as
// described below. Pull (the remoting protocol) reads a queue from an
// offset and changes nothing; the consumer commits its progress per queue
// with CommitOffset, and CommittedOffset reads it back. ResetOffset moves
// both; Backlogs counts both. Numbering of sequence numbers and offsets
// goes on across restarts, also after every message expired.
//
// # Deliveries and receipt handles
//
// Consume returns up to Max (1..16) messages in publish order and makes
// each invisible to its group until NextConsumeTime (InvisibleTime, or
// OrderInvisibleTime for ordered consumption). Unless acknowledged by then,
// it is delivered again with a new receipt handle and ConsumedTimes+1;
// FirstConsumeTime is kept. A handle is single-use and valid only before
// its NextConsumeTime. Ack reports per handle: ReceiptHandleError for a
// handle that is malformed, corrupted or issued for another topic, group
// or kind of message; MessageNotExist for one that expired, was already
// used, or was replaced by a later delivery of the same message. Handles
// are 44 base64url characters holding the kind, a hash of the
// subscription, the message's sequence number, a random 64-bit delivery
// nonce, the expiry and a CRC-32; they are decoded defensively and must
// match the broker's current delivery exactly.
//
// After MaxReconsumeTimes deliveries without an acknowledgement a message
// is dead-lettered for that group when its last invisibility ends: it is
// no longer delivered and appears in DeadLetters with the reason. Redrive
// makes it deliverable to that group again as if new (ConsumedTimes
// restarts at 1). Dead-lettering is per group; other groups are not
// affected.
//
// A tag expression ("A||B") selects messages by tag; "" and "*" select
// all. A message that does not match is skipped for the group, as if
// acknowledged, when a filtered Consume meets it; only that group's
// progress moves, so consumers of one group should use the same
// expression.
//
// # Delayed messages
//
// A message whose StartDeliverTime is in the future is invisible until
// then; one in the past is delivered at once. StartDeliverTime may be at
// most MaxDeliverDelay (40 days) ahead, the service's limit for timed
// messages, else ErrInvalidArgument. The SDK's README notes that HTTP
// consumers of the real service support only 3 days; the broker does not
// enforce that.
//
// # Ordered consumption
//
// An ordered Consume partitions messages by ShardingKey; messages without
// one form a single partition of their own (key ""), ordered among
// themselves. Within a partition messages are delivered in publish order,
// possibly several in one response; while any delivered message of the
// partition is unacknowledged and invisible, the partition delivers
// nothing; when their invisibility ends, exactly the unacknowledged ones
// are delivered again (new handles, ConsumedTimes+1), and new messages
// follow only once all are acknowledged or dead-lettered. A message not yet
// deliverable (delayed, or still being written) holds back the rest of its
// partition. One response may span partitions. Normal consumers ignore
// partitions. Both kinds share the group's bookkeeping; the ordering
// guarantee holds for a group that consumes a topic only orderly.
//
// # Transactional (half) messages
//
// A message with TransCheckImmunity (10..300 s) is a half message,
// invisible to consumers. Publish returns a handle for Commit or Rollback
// valid until the immunity time has passed. After it, unresolved half
// messages are offered by ConsumeHalf (the producer's check-back, any group
// of the instance) with handles valid HalfCheckInterval, and offered again
// every HalfCheckInterval (the previous handle then stops working) until
// resolved or HalfLifetime after publishing, when they are discarded.
// Commit makes the message visible to consumers as a message published at
// commit time (same ID, PublishTime of the commit, new position in the
// topic); Rollback discards it. Commit and Rollback ignore the group
// because the SDK sends none without an instance; a refused handle is
// returned as a *HandleError.
//
// # Long polling and time
//
// With nothing deliverable, Consume and ConsumeHalf wait up to Wait (at
// most 30 s, the SDK reads for 35 s) on a per-topic channel that is closed
// and replaced by Publish, Commit, Ack, Redrive, dead-lettering and the
// timers of delayed messages, ended invisibility and half-message checks.
// They return nil when Wait passes, ctx.Err() when ctx ends first and
// ErrClosed on Close. Timers live in a heap; with the wall clock a
// goroutine runs Tick when the earliest is due. With Config.Clock no
// goroutine runs: the caller moves the clock and calls Tick. Consume,
// ConsumeHalf and DeadLetters also run the due timers first, so their
// answers follow the clock without a Tick; only waking waiters needs one.
// Wait itself is measured on the wall clock.
//
// # Storage and durability
//
// Messages, acknowledgements and dead letters are records in the store's
// "rocketmq.*" buckets, keyed by topic (and group) and a per-topic sequence
// number. Publish, Ack, Commit, Rollback, Redrive and dead-lettering return
// once their writes are committed; concurrent calls share commits (kv group
// commit). Deliveries (invisibility, ConsumedTimes, handles) are kept in
// memory only, so after a restart every unacknowledged message is
// deliverable at once with ConsumedTimes starting again at 1, and handles
// issued before it give MessageNotExist. Half messages keep their publish
// handle across a restart; check-back offers restart at the immunity time.
// Messages skipped by a tag filter and unresolved half messages discarded
// by age are written with the next write or Tick; after a crash they may
// be skipped or discarded again.
//
// Bodies are never kept in memory; per retained message the broker keeps
// its ID, tag, sharding key, publish and delivery times, per delivered
// message and group its delivery bookkeeping, and per delivery a timer
// entry until the delivery's NextConsumeTime (entries are not removed
// early on Ack). Consume scans a group's retained messages from the oldest
// it still needs, so a long backlog of delayed messages, or of a blocked
// ordered partition, costs time on each call; this suits local
// development, not production volumes.
//
// When a message's retention ends it is deleted with every group's
// records of it, in the background (a timer, or the next call under
// Config.Clock); Stats.Expired counts them. A dead letter is kept for a
// retention time from when it was dead-lettered, even if the message
// itself is older. A group's position (the first message it is not done
// with) is a record of its own, so it survives restarts; sequence numbers
// continue after the messages a restart finds expired. Open rebuilds the
// indexes from the store, deletes records a crash left behind and
// deletes expired messages.
//
// Close stops the timer goroutine, writes pending bookkeeping and closes
// the store, which the broker owns (Open leaves it open when it fails). A failed store commit is reported to
// the calls in it; the broker should then be closed.
//
// # Validation
//
// The limits are the 4.x series' ("Limits", ApsaraMQ for RocketMQ 4.x,
// https://www.alibabacloud.com/help/doc-detail/85006.html): a topic name
// is at most 64 characters; a message body at most 4 MB for normal and
// ordered messages and 64 KB for transactional, scheduled and delayed ones
// (MaxTimedBodySize, ErrBodyTooLarge); a message's custom properties at
// most 16 KB in all (MaxPropertiesSize; counted as the SDK sends them,
// "key:value|", Keys and ShardingKey included, ErrInvalidArgument); a
// delay at most 40 days; messages kept 3 days. Group IDs are 2 to 64
// letters, digits, '-' and '_' (the CreateConsumerGroup API's rule).
//
// Topic names are 1..64 characters of [A-Za-z0-9_%-] ('%' for the
// %RETRY% and %DLQ% topics of the native protocols); groups as above;
// instance IDs up to 128 of [A-Za-z0-9_%.-] or empty. Config.MaxBodySize
// lowers the body limits; an empty body is accepted. Tags are at most 128
// characters without '|'. Property keys and values, Keys and ShardingKey
// must not contain the remoting protocol's separators "\x01" and "\x02"
// (the MQ HTTP SDK's stricter rule, no ' " < > & : |, is the HTTP
// layer's), property keys must not be empty, and the SDK's special keys (KEYS, __STARTDELIVERTIME,
// __TransCheckT, __SHARDINGKEY) must be given as Message fields, not
// Properties. Errors wrap ErrInvalidArgument and name what was wrong.
// ErrTopicNotExist names the topics the instance has or, when it has
// none, the instances that have topics: a request that forgot its
// instance addresses the default instance "".
package broker
