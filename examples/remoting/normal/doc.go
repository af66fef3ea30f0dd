// Normal sends messages with Apache RocketMQ's Go client
// (github.com/apache/rocketmq-client-go/v2) over the remoting protocol
// and receives them back: SendSync of -n messages with a tag and keys,
// then a push consumer subscribed to the tag that prints each message and
// returns ConsumeSuccess, exiting once the n messages came.
//
//	-tag      the messages' tag, which the consumer subscribes to (default TagA)
//	-keys     their keys, separated by spaces; {n} is the message's number (default order-{n})
//	-body     their body; {n} is the message's number (default "Hello RocketMQ {n}")
//	-consume  false only sends
//
// with the flags of the remoting examples (-nameserver, -namespace,
// -access-key, -secret-key, -topic, -group default GID_normal, -n default
// 3, -timeout default 30s, -v; see package
// github.com/rocketfn/rocketfn/examples/remoting).
//
// The output:
//
//	sent message 1: id=C000020249780000000021201e280001 queue=1 offset=0 tag=TagA keys="order-1"
//	...
//	received message 1: id=C000020249780000000021201e280001 queue=1 offset=0 tag=TagA keys="order-1" reconsumed=0 body="Hello RocketMQ 1"
//	...
//	received 3 of 3 messages
//
// # Against the local stack
//
// Start the local RocketMQ with the topic and the group, and run it in
// another terminal:
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_normal
//	go run ./examples/remoting/normal -n 5
//
// Under "rocketfn dev", messages sent to a trigger's topic reach its
// function. With this repository's s.yaml, players registered this way
// become rows of the players table (the banner's exports set
// NAMESRV_ADDR and MQ_INSTANCE, the triggers' instance):
//
//	go run ./cmd/rocketfn dev --memory
//	go run ./examples/remoting/normal -consume=false -topic players -tag register -keys 'player-{n}' \
//	    -body '{"id":"100{n}","name":"p{n}","job":"mage","hero":"Lux"}'
//	go run ./examples/readrows -table players
//
// # Against a cluster
//
//	export NAMESRV_ADDR='10.0.0.1:9876;10.0.0.2:9876'
//	go run ./examples/remoting/normal -topic orders -group GID_orders_reader
//
// with -access-key and -secret-key (or ROCKETMQ_ACCESS_KEY and
// ROCKETMQ_SECRET_KEY) when the brokers have ACL, and -namespace for an
// instance's namespace.
package main
