// Consume receives RocketMQ messages with the official MQ HTTP SDK
// (github.com/aliyunmq/mq-http-go-sdk), from the local RocketMQ or from
// the cloud, as the official samples do: it long-polls in batches of up
// to 16 (ConsumeMessage, or ConsumeMessageOrderly with -orderly), prints
// each message on a line (ID, tag, keys, sharding key, ConsumedTimes,
// publish time, user properties, body) and acknowledges the batch
// (AckMessage). A long poll that ends without messages answers
// MessageNotExist, which is no failure: it polls again.
//
//	-topic    the topic (required)
//	-group    the consumer group (default GID_consume); each group gets every message
//	-tag      a tag expression such as paid or created||paid (default: all tags)
//	-orderly  ordered consumption: each sharding key's messages in publish order,
//	          the next ones of a key only after these are acknowledged
//	-n        exit after this many messages (default 0: until interrupted)
//	-wait     give up after this long (default 0: no limit); it exits with an
//	          error if -n messages did not come by then
//
// A message that is not acknowledged comes again after its
// NextConsumeTime (5 minutes, 1 minute when consumed orderly) with
// ConsumedTimes one higher.
//
// The output, for two messages of the produce example:
//
//	message 7477CF12... tag="paid" keys="" shardingKey="" consumedTimes=1 published=2026-01-02T03:04:05.678Z properties=map[kind:tagged n:1] body=tagged message 1
//	message 80C59EF3... tag="" keys="order-2" shardingKey="" consumedTimes=1 published=2026-01-02T03:04:05.702Z properties=map[kind:keyed n:2] body=keyed message 2
//	no new message in 30 s
//
// and when it stops, "consumed N messages".
//
// # Against the local stack
//
// Start the local RocketMQ in one terminal, publish and consume in
// another; the defaults connect to it (http://127.0.0.1:8080, key
// rocketfn-local):
//
//	go run ./cmd/rocketfn mq
//	go run ./examples/produce -kind ordered -topic orders -n 10
//	go run ./examples/consume -topic orders -orderly -n 10
//	go run ./examples/consume -topic orders -tag paid -wait 1m
//
// # Against the cloud
//
// Set the instance's HTTP endpoint, its ID and an access key (or -endpoint
// and -instance); the group must be a group ID of the instance:
//
//	export MQ_ENDPOINT=http://1234567890.mqrest.cn-hangzhou.aliyuncs.com
//	export MQ_INSTANCE=MQ_INST_1234567890_BXhFHryi
//	export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
//	go run ./examples/consume -topic orders -group GID_orders
//
// ALIBABA_CLOUD_SECURITY_TOKEN adds an STS token.
package main
