// Normal sends messages with Apache RocketMQ's 5.x Go client
// (github.com/apache/rocketmq-clients/golang/v5) over the 5.x gRPC
// protocol and receives them back: a Producer (NewProducer with
// WithTopics) sends -n messages with a tag, keys and the properties run
// and n, while a SimpleConsumer subscribed to the tag receives them in a
// loop (Receive with a batch size and an invisible duration) and acks
// each, exiting once the n messages of the run came.
//
//	-tag      the messages' tag, which the consumer subscribes to (default TagA)
//	-keys     their keys, separated by spaces; {n} is the message's number (default order-{n})
//	-body     their body; {n} is the message's number (default "Hello RocketMQ {n}")
//	-consume  false only sends
//
// with the flags of the 5.x examples (-endpoint, -namespace, -access-key,
// -secret-key, -topic, -group default GID_normal, -n default 3, -timeout
// default 30s, -v; see package github.com/rocketfn/rocketfn/examples/grpc).
//
// The output (sends and receives interleave; offsets are those of the
// messages' queues):
//
//	sent message 1: id=01CE60CBD294F232670B2850F400000000 offset=0 tag=TagA keys="order-1"
//	received message 1: id=01CE60CBD294F232670B2850F400000000 offset=0 tag=TagA keys="order-1" attempt=1 body="Hello RocketMQ 1"
//	sent message 2: id=01CE60CBD294F232670B2850F400000001 offset=0 tag=TagA keys="order-2"
//	...
//	received 3 of 3 messages
//
// The message ID is the one the client made, which the server keeps.
//
// # Against the local stack
//
// Start the local RocketMQ with the topic and the group, and run it in
// another terminal:
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_normal
//	go run ./examples/grpc/normal -n 5
//
// Under "rocketfn dev", messages sent to a trigger's topic reach its
// function. With this repository's s.yaml, players registered this way
// become rows of the players table (the banner's exports set
// MQ_GRPC_ENDPOINT and MQ_INSTANCE, the triggers' instance):
//
//	go run ./cmd/rocketfn dev --memory
//	go run ./examples/grpc/normal -consume=false -topic players -tag register -keys 'player-{n}' \
//	    -body '{"id":"100{n}","name":"p{n}","job":"mage","hero":"Lux"}'
//	go run ./examples/readrows -table players
//
// # Against a cloud 5.x instance
//
//	export MQ_GRPC_ENDPOINT=rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080 MQ_INSTANCE=
//	go run ./examples/grpc/normal -topic orders -group GID_orders_reader \
//	    -access-key <instance username> -secret-key <instance password>
//
// with a topic of type Normal.
package main
