// Orders keeps the state of shop orders in Tablestore from RocketMQ
// messages routed by tag, and counts each customer's orders and payments,
// so that a message delivered twice, or out of turn, never counts twice.
//
// # Messages
//
// Topic orders carries one tag per event and one body shape:
//
//	{"id":"o-1001","customer":"c-42","amount":2500,"at":"2025-06-01T10:00:00Z"}
//
// id is the order ID. A created message needs all four fields: customer,
// amount in the currency's smallest unit (a positive integer: 2500 is
// 25.00) and at, the time of the event in RFC 3339. The other tags need
// only id (the order's row holds its customer and amount) and record at
// when given; a cancelled body may add "reason".
//
//	tag              the producer sends it                      it moves the order
//	created          when the order is placed                   (none) → created
//	paid             when the payment succeeds                  created → paid
//	cancelled        when the customer or the shop cancels      created, paid → cancelled
//	payment-timeout  with created, delayed 30 minutes           created → cancelled, reason "payment timeout"
//
// The routes use RocketMQ tag expressions: "created", "paid" and
// "cancelled||payment-timeout". A message with another tag has no route
// and fails; the trigger's tag filter keeps such messages away. A body
// that does not fit (not JSON, no id, an amount that is not an integer, a
// created message without customer, amount or at) fails its message
// alone, naming the field.
//
// # Tables
//
// Table orders (ORDERS_TABLE) has a row per order: primary key id
// (STRING), columns Customer, Amount, State, Reason, CreatedAt, PaidAt,
// CancelledAt, and CreatedBy, PaidBy, CancelledBy: the ID of the message
// that made each transition. Table customers (CUSTOMERS_TABLE) has a row
// of counters per customer, each changed by an atomic increment: Orders
// and Cancelled count orders, TotalPaid and Refunded sum amounts (a paid
// order that is cancelled is refunded; TotalPaid minus Refunded is what
// the customer's orders hold). Rows also hold _rfn_* columns, the
// idempotency markers of package runtime/store; other readers skip
// them.
//
// # Transitions
//
// Orders only move forward, so each of CreatedBy, PaidBy and CancelledBy
// is set once at most. What a message does, by its order's state:
//
//	tag \ state      no order     created       paid           cancelled
//	created          insert       see (1)       see (1)        see (1)
//	paid             fails (2)    → paid        nothing (3)    fails (4)
//	cancelled        fails (2)    → cancelled   → cancelled    nothing (3)
//	payment-timeout  fails (2)    → cancelled   nothing (5)    nothing (3)
//
// Notes to the table:
//
//  1. The order exists: created again under another message ID. With the
//     same customer and amount this is a duplicate the producer sent, and
//     changes nothing; otherwise the message fails as a conflict.
//  2. Paid (or cancelled) before created; see below.
//  3. Another message already made this transition (a duplicate, or a
//     cancellation before the payment timeout): nothing to do.
//  4. A payment for a cancelled order, such as one made after the payment
//     timeout: the money must be given back, which is for people to
//     decide. The message fails, its reason naming the state, and ends in
//     the dead-letter queue.
//  5. The payment timeout of a paid order does nothing, successfully: it
//     reads the order first and writes only when the order is created.
//
// A message the table says fails writes nothing: the writes of a failed
// handler are dropped. The invocation then fails and EventBridge retries it whole, and
// after the retries (BACKOFF_RETRY: 3, 10 to 20 s apart) sends the event
// to the dead-letter queue. The other messages of the invocation are
// applied at once and their retries change nothing. So nothing is lost and
// nothing counted twice; what could not be applied waits in the
// dead-letter queue, to be redriven once its cause is dealt with.
//
// Paid before created: the paid message fails with "the order has not been
// created", and applies when retried after the created message. With
// ordered delivery this only happens when the producer sends out of
// order. If the created message came in the same batch, it is applied by
// the failing invocation and the first retry succeeds. If it comes later,
// ordered delivery holds it back until the failed batch is dead-lettered:
// the paid message is then in the dead-letter queue, to be redriven. The
// alternative, recording the payment ahead of its order, would accept
// payments for orders that never come, and counts that cannot be checked
// against an order.
//
// # Idempotency
//
// Each write carries a marker of its message's ID (package
// runtime/store), so a redelivered write applies once, provided the
// message makes the same writes to a row in the same order each time it
// is handled. The handlers decide what to write from the order's state,
// which they read, and the read of a redelivery sees what the first
// delivery committed. Hence:
//
//   - A message that finds its own ID in CreatedBy, PaidBy or CancelledBy
//     knows its order write applied, and makes its customer update again:
//     a no-op if that applied too, else it applies now. The order and the
//     customer rows go in one BatchWriteRow, but Tablestore applies each
//     row alone, so one can apply and the other fail (throttling, a
//     timeout): the redelivery completes the message.
//   - A message that finds its transition made by another message changes
//     nothing: a producer's duplicate counts once, whatever its ID.
//   - Every other write is conditional on the state the handler read
//     (If("State", "=", state), IfExists()), so no transition is applied
//     over a state the handler did not see.
//
// The writes of an invocation are committed when all its messages have
// been handled, and reads see them before: a handler reads its order
// through the DB, which applies the invocation's pending writes to the
// row Tablestore has (package runtime/store, Get). So a paid message
// sees the order created earlier in its batch, and a payment timeout the
// payment. A message that read an order another message of its batch had
// changed fails with that message when the change does not apply (the
// other's handler failed, or its write failed at commit), since what it
// decided rests on it; the retry of the invocation decides again. At
// commit the writes to one row merge into one row operation where their
// conditions allow: the created, paid and payment-timeout messages of one
// order in one batch write the order's row once and the customer's once.
//
// # Ordering
//
// The producer publishes every message of an order with ShardingKey set
// to the order ID (mq-http-go-sdk PublishMessageRequest.ShardingKey, the
// __SHARDINGKEY property) to an ordered topic, so that one order's
// messages reach the function in the order they were sent; the function
// logs a warning for a message whose sharding key is not its order ID.
// Within an invocation messages are handled in payload order (with
// fn.WithConcurrency, one sharding key at a time), and at commit the
// writes to one row apply in the order they were made.
//
// A payment and the payment timeout in the same batch (a backlog) are
// resolved by reading through the DB: the timeout sees the payment and
// does nothing. In
// different invocations, ordered delivery hands over the later message
// once the earlier one is committed, and its read sees it. Were ordering
// broken (two invocations handling one order at once), the conditions
// still keep each order right: the timeout's write on the condition State
// = "created" fails behind the payment's, so its message fails, and its
// retry reads "paid" and does nothing; a paid order is never cancelled by
// its timeout. What ordering alone protects is the customer counters: the
// update of the message that lost such a race applies although its order
// write failed (two rows cannot be written atomically), and stays.
//
// Delayed messages and ordered topics: ApsaraMQ for RocketMQ gives every
// topic one message type, and an ordered (FIFO) topic does not take
// delayed messages. There, the producer sends payment-timeout messages
// (StartDeliverTime = created + 30 min) with the same tag and body to a
// topic of type delay, say orders-timeout, taken by a second trigger and
// named by ORDERS_TIMEOUT_TOPIC. Those messages are not ordered with the
// order's others, so the race above can happen, at the 30th minute.
//
// # Deployment
//
// The Serverless Devs resource, beside functions/players in s.yaml:
//
//	orders:
//	  component: fc3
//	  actions:
//	    pre-deploy:
//	      - run: GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -o target/bootstrap .
//	        path: ./functions/orders
//	  props:
//	    functionName: orders
//	    runtime: custom.debian12
//	    code: ./functions/orders/target
//	    handler: bootstrap
//	    timeout: 30
//	    role: acs:ram::${config('AccountID')}:role/rocketfn-orders   # Tablestore read and write
//	    environmentVariables:
//	      TABLESTORE_ENDPOINT: ${vars.tablestoreEndpoint}
//	      TABLESTORE_INSTANCE: ${vars.tablestoreInstance}
//	      ORDERS_TIMEOUT_TOPIC: orders-timeout
//	    customRuntimeConfig: {command: [/code/bootstrap], port: 9000}
//	    triggers:
//	      - triggerName: orders-rocketmq
//	        triggerType: eventbridge
//	        qualifier: LATEST
//	        triggerConfig:
//	          triggerEnable: true
//	          asyncInvocationType: false
//	          eventRuleFilterPattern: '{}'
//	          eventSourceConfig:
//	            eventSourceType: RocketMQ
//	            eventSourceParameters:
//	              sourceRocketMQParameters:
//	                RegionId: ${vars.region}
//	                InstanceId: ${vars.mqInstance}
//	                Topic: orders                      # ordered (FIFO) topic
//	                Tag: created||paid||cancelled||payment-timeout
//	                GroupID: GID_orders_fc             # its own group, orderly delivery
//	                Offset: CONSUME_FROM_LAST_OFFSET
//	          eventSinkConfig:
//	            deliveryOption: {eventSchema: CloudEvents}   # RawData works too
//	          runOptions:
//	            mode: event-streaming
//	            batchWindow: {CountBasedWindow: 100, TimeBasedWindow: 1}
//	            retryStrategy: {PushRetryStrategy: BACKOFF_RETRY}
//	            errorsTolerance: ALL
//	            deadLetterQueue:
//	              Arn: acs:mns:${vars.region}:${config('AccountID')}:/queues/orders-dlq
//	      # orders-timeout: the same with Topic orders-timeout (type delay),
//	      # Tag payment-timeout, GroupID GID_orders_timeout_fc.
//
// BACKOFF_RETRY gives a failed batch about a minute before the dead-letter
// queue, so that an order's partition is not held back longer than that;
// errorsTolerance ALL then lets the stream go on, and the dead-letter
// queue keeps what failed. EventBridge's documentation does not say how
// the trigger keeps a FIFO group's order within a partition. Without it no
// order takes a transition its state does not allow (see Ordering), but
// messages fail more often for arriving early, and the counters can drift.
//
// # Configuration
//
// The environment, read once at start:
//
//	TABLESTORE_ENDPOINT   the instance's endpoint (required; in local mode the local Tablestore's)
//	TABLESTORE_INSTANCE   the instance name (required; in local mode rocketfn)
//	ORDERS_TABLE          the orders table (default orders)
//	CUSTOMERS_TABLE       the customers table (default customers)
//	ORDERS_TIMEOUT_TOPIC  a topic that also brings payment-timeout messages (default orders)
//	ORDERS_CREATE_TABLES  true creates the tables at start if they are missing, for local runs
//	ROCKETFN_LOCAL        true (set by rocketfn dev): local mode, which also creates the tables
//	ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN
//	                      the key requests are signed with when an invocation carries none
//	                      (in local mode: the local Tablestore's key)
//	FC_CUSTOM_LISTEN_PORT the port of the custom runtime (default 9000); ROCKETFN_HOST narrows
//	                      the interface for local runs
//
// On Function Compute each invocation carries the function role's STS
// credentials, and those sign its requests.
//
// # Running it locally
//
// Start the local Tablestore, then the function beside it, then send it
// what FC delivers for an event-streaming trigger:
//
//	go run ./cmd/rocketfn tablestore --memory
//	ORDERS_CREATE_TABLES=true ROCKETFN_HOST=127.0.0.1 go run ./functions/orders
//	for f in created paid payment-timeout; do
//	  curl -s -XPOST localhost:9000/invoke -H "x-fc-request-id: $f" \
//	       --data-binary @functions/orders/testdata/$f.json
//	done
//
// Orders o-1001 and o-1003 are then paid and o-1002 cancelled by its
// payment timeout, in table orders of instance rocketfn at
// http://127.0.0.1:8020, and customer c-42 has 2 orders, 1 cancelled and
// 2500 paid.
package main
