// Package eventbridge is a local EventBridge for Function Compute
// triggers with a RocketMQ source: it consumes each trigger's messages
// from the local broker, wraps them in the CloudEvents FC receives,
// filters them with the trigger's event pattern, batches, delivers them
// to a Sink (the function) and retries, dead-letters or blocks as the
// trigger's run options say.
//
//	b, err := eventbridge.New(eventbridge.Config{Broker: mq, Store: store})
//	err = b.Add(eventbridge.Trigger{Name: "orders-trigger", Function: "orders", Topic: "orders"}, sink)
//	err = b.Run(ctx)
//
// Trigger is ebtrigger.Trigger, the model package syaml reads s.yaml
// into, so a trigger of the file reaches the bridge as it was read.
//
// # Consumption and ownership
//
// Each trigger consumes its topic as its own group (Group, by default
// GID_<function>_<trigger>) with its tag expression, in long polls of up
// to 20 s and 16 messages, orderly when Trigger.Ordered is set.
//
// Add subscribes the group to the topic before anything is consumed, at
// the trigger's Offset: CONSUME_FROM_LAST_OFFSET (the default, as s.yaml
// assumes) skips what the topic holds, CONSUME_FROM_FIRST_OFFSET starts
// at the earliest retained message, CONSUME_FROM_TIMESTAMP at the first
// published at or after Timestamp. The Offset applies to a new group
// only: a group that exists, from an earlier run on the same data or
// another consumer, keeps its position (broker.Subscribe), so a
// trigger's progress survives restarts; broker.ResetOffset moves it. On
// a strict broker the topic and the group must have been created.
//
// Every message is turned into its event at once; the pattern is
// applied; the accepted events are written to the Store under
// per-trigger sequence numbers and then acknowledged on the broker. From then on the bridge
// owns them, as an EventBridge event stream does: the retry schedule is
// the bridge's and the broker's redelivery and dead letters no longer
// apply. Messages the pattern drops are acknowledged without being kept.
//
// A message is never lost between the two: it is acknowledged only once
// stored, and a failure before leaves it to the broker. To avoid the
// opposite, a duplicate, each stored message leaves a marker (its message
// ID) until its acknowledgement is known to have succeeded; a redelivery
// of a marked message (after a refused acknowledgement or a crash between
// store and acknowledgement) is acknowledged and dropped, counted in
// Stats.Duplicates. A trigger holds at most 256 events (or twice its
// BatchCount) and 64 MB in its queue; beyond that it stops consuming and
// the messages wait in the broker.
//
// # Events
//
// A message becomes a CloudEvent 1.0 with the members and member order of
// FC's documented samples: id (a random UUID), source and
// aliyuneventbusname "RocketMQ-<function>-<trigger>", type
// "mq:Topic:SendMessage", datacontenttype "application/json;
// charset=utf-8", subject "acs:mq:<region>:<account>:<instance>%<topic>",
// time (when the bridge took the message over) and aliyunpublishtime
// (when it was published), both RFC 3339 with milliseconds and Z,
// aliyunaccountid, aliyunoriginalaccountid, aliyunregionid and
// aliyunpublishaddr (127.0.0.1). Its data holds topic, userProperties
// (always an object), body and systemProperties: UNIQ_KEY (the message
// ID), MIN_OFFSET "0", MAX_OFFSET (how many messages the trigger has
// consumed, not a broker queue offset), MSG_REGION, TRACE_ON "true",
// BORN_TIMESTAMP (publish time, ms), CONSUME_START_TIME (take-over time,
// ms, a JSON number as in FC while every other property is a string) and,
// when set, INSTANCE_ID, KEYS, TAGS, __SHARDINGKEY and __STARTDELIVERTIME.
// The body is a JSON string of the message text, or its base64 when the
// body is not valid UTF-8. The event is built once: retries and redrives
// deliver the same bytes, with the same id. With the RawData schema only
// data is delivered.
//
// The eventRuleFilterPattern (package pattern) is matched against the
// whole CloudEvent, data included, whatever the schema; nil and {} pass
// everything. Dropped events count in Stats.Filtered.
//
// # Delivery
//
// An event-driven trigger delivers one event object per invocation and
// ignores BatchCount and BatchWindow, as FC does. An event-streaming
// trigger delivers a JSON array, even of one, cut when BatchCount events
// wait, when BatchWindow has passed since the first of them was taken
// over (0: at once), or when one more event would take the payload over
// 32 MB (128 KB with Async). A single event over the limit is not
// invoked: it fails at once, without retries, with a reason naming the
// sizes.
//
// A trigger makes one invocation at a time and does not cut its next
// batch until the previous one is done (delivered, dead-lettered, skipped)
// or blocked. Events are therefore delivered in the order they were taken
// over, which with Ordered is publish order per sharding key, and a batch
// being retried holds back the events behind it, as an event stream's
// position does. Triggers run independently of each other. Each
// invocation has a new request ID (a UUID); the Sink gets a context that
// Run's end does not cancel, so the function's own timeout governs it.
//
// # Retries and errors tolerance
//
// An invocation fails when the Sink returns Outcome.Failed, an error, or
// panics; the whole batch is then retried with the same payload. The
// intervals follow the clock: BACKOFF_RETRY waits a uniformly random 10
// to 20 s before each of 3 retries; EXPONENTIAL_DECAY_RETRY waits 1, 2, 4
// ... 256 s and then 512 s, 176 retries, 86,015 s (23.9 h) in all, with
// no jitter since the documentation gives exact intervals.
//
// The schedule is package ebtrigger's, the one the s.yaml reader uses
// too. MaxRetryAttempts (MaximumRetryAttempts), when above 0, lowers the
// number of retries; MaxEventAge (MaximumEventAgeInSeconds), when above
// 0, gives up on a batch whose next retry would come later than that
// after its oldest event was taken over. 0 leaves either as the policy
// has it.
//
// After the last retry, errors tolerance decides:
//
//   - ALL with DeadLetter: each event of the batch becomes a dead letter
//     (durable, listed by DeadLetters with the attempts and the last
//     reason) and the trigger goes on.
//   - ALL without DeadLetter: the events are skipped, logged with their
//     message IDs, and the trigger goes on.
//   - NONE (the default, as in FC 3.0): the trigger blocks, as the cloud
//     task stops. The failed batch stays first; nothing behind it is
//     delivered, but consumption continues until the queue is full. The
//     blocked events are listed by DeadLetters with Blocked set.
//     Redriving any of them retries the whole batch at once with a fresh
//     schedule; when it succeeds the trigger resumes in order, when it
//     fails it blocks again after its retries. DeadLetter is not used
//     with NONE.
//
// Redrive moves dead letters back: they leave the list and join the end
// of their trigger's queue, unchanged, with a fresh schedule.
//
// # Settings without a local effect
//
// A Trigger holds every setting of an s.yaml trigger. The bridge honours
// the source (Instance, Topic, Group, Tag, Offset, Timestamp, RegionID
// in the events' subject, MSG_REGION and aliyunregionid), the pattern,
// Async, Mode, Schema, the batch window, the retry strategy and limits,
// errors tolerance and the dead-letter queue (DeadLetterQueue's ARN
// turns on the local dead-letter list; nothing is sent to the queue it
// names). NoLocalEffect lists the rest when set, so that a caller can
// warn about them: InstanceType, a FilterType other than Tag, the
// instance's network and access settings, FilterSql, and a concurrency
// or maximumTasks above 1, since a trigger makes one invocation at a
// time.
//
// # Durability and restarts
//
// The Store holds, per trigger, the accepted events not yet done, the
// batch being retried or blocked (its events, attempts and next attempt
// time), the dead letters, the markers and two counters. Writes happen
// when events are taken over, when an attempt fails and when a batch is
// done; a first attempt that succeeds costs one write. Add resumes what
// the Store holds for its trigger: the batch being retried keeps its
// attempts and schedule, a block stays, the other events queue in order.
// Events whose invocation was in flight at a crash are delivered again
// (at least once). The Stats counters are not durable.
//
// # Time
//
// With Config.Clock nil, Run's dispatchers sleep until the next batch
// window or retry. With a Clock set no timer runs: the caller moves the
// clock and calls Tick, which takes over what the broker has ready,
// delivers everything due and returns when done. Due reports when
// something is next due, so a test can run a day of retries in
// milliseconds by moving the clock there and calling Tick.
//
// # Capture and replay
//
// With Config.Capture set, every invocation's payload is written to
// <Capture>/<trigger>/<time>-<requestID>.json exactly as delivered, with
// <time> in UTC to the nanosecond (kept increasing, so names sort in
// invocation order), beside <...>.meta.json holding the trigger,
// function, request ID, attempt, event and message IDs, duration and
// outcome. Replay delivers such files, or whole directories of them, to a
// Sink in order, under the captured request IDs.
//
// # Sources that keep their messages
//
// A trigger with a RabbitMQ source (Trigger.Queue) is not added: its
// source consumes the queue itself and acknowledges a message only after
// its invocation succeeded. Bridge.Direct gives it the same pattern,
// schema, mode, payload limit, invocation, capture, Events feed and retry
// schedule; a failed batch goes back to the queue and comes again after
// the schedule's wait, and once its retries are exhausted it is skipped
// (ToleranceAll; no dead letters are kept) or the trigger blocks with its
// messages unacknowledged (ToleranceNone).
//
// # Observing
//
// Stats counts each trigger's work; Events is a feed of invocation
// Records for a console, dropped when nobody reads, each sent once its
// invocation is accounted for in Stats, Due and DeadLetters, so that a
// reader can wait on the feed and then look; logs go to Config.Logger.
//
// Pause stops a trigger taking messages and making invocations, retries
// included (its messages wait in the broker, its group's backlog grows);
// Resume goes on. Pausing is not durable: after a restart every trigger
// runs.
package eventbridge
