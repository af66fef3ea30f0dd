// Produce publishes RocketMQ messages of each kind with the official MQ
// HTTP SDK (github.com/aliyunmq/mq-http-go-sdk), to the local RocketMQ or
// to the cloud. Each kind is one small function showing the SDK call:
//
//	-kind normal         publishNormal: a body and user properties
//	-kind tagged         publishTagged: MessageTag, which consumers filter on (-tag, default created)
//	-kind keyed          publishKeyed: MessageKey, business keys to find it by (-keys, default order-{n})
//	-kind ordered        publishOrdered: ShardingKey, consumed in order per key (keys order-1..order-3)
//	-kind delayed        publishDelayed: StartDeliverTime, invisible until then (-delay, default 10s)
//	-kind transactional  runTransactional: half messages, Commit, Rollback and the check-back (-group)
//
// Every message carries the user properties kind and n (its number, from
// 1); -body sets its body, with {n} replaced by that number (default
// "<kind> message {n}"); -n is how many to publish (default 3).
//
// # Transactional messages
//
// runTransactional publishes each message as a half message
// (TransCheckImmunityTime 10 s), invisible to consumers, then runs its
// local transaction: message n is committed at once with the publish's
// receipt handle when n%3 == 1, rolled back when n%3 == 2, and left
// unresolved when n%3 == 0, as if the producer had stopped before it knew.
// After the immunity time the server asks about the unresolved ones:
// ConsumeHalfMessage, called in a loop by the producer group (-group),
// offers each with a new receipt handle, and the loop commits it with that
// handle. The program exits once every message of the run is resolved;
// with -n 3 that takes about 10 s. Consumers then get messages 1 and 3,
// never 2.
//
// # Against the local stack
//
// Start the local RocketMQ in one terminal and publish from another; the
// defaults connect to it (http://127.0.0.1:8080, key rocketfn-local):
//
//	go run ./cmd/rocketfn mq
//	go run ./examples/produce -kind ordered -topic orders -n 10
//	go run ./examples/produce -kind tagged -topic orders -tag paid
//	go run ./examples/produce -kind delayed -topic orders -delay 30s
//	go run ./examples/produce -kind transactional -topic orders -group GID_orders
//
// and watch them arrive with the consume example:
//
//	go run ./examples/consume -topic orders -orderly
//
// The local RocketMQ creates topics and groups on first use.
//
// # Against the cloud
//
// Set the instance's HTTP endpoint, its ID and an access key (or -endpoint
// and -instance):
//
//	export MQ_ENDPOINT=http://1234567890.mqrest.cn-hangzhou.aliyuncs.com
//	export MQ_INSTANCE=MQ_INST_1234567890_BXhFHryi
//	export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
//	go run ./examples/produce -kind keyed -topic orders
//
// ALIBABA_CLOUD_SECURITY_TOKEN adds an STS token. In the cloud the topic
// must exist with the message type of the kind (normal, partitioned
// order, scheduled/delayed or transactional), and -group must be a group
// ID of the instance.
package main
