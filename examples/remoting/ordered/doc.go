// Ordered sends and consumes ordered messages with Apache RocketMQ's Go
// client (github.com/apache/rocketmq-client-go/v2). A producer with
// producer.WithQueueSelector(producer.NewHashQueueSelector()) sends the
// steps of -n orders (created, paid, shipped, delivered), interleaved,
// each with WithShardingKey(order ID), so all the messages of an order
// go to one queue; an orderly push consumer (consumer.WithConsumerOrder(true))
// reads each queue in order and prints every message, then each order's
// sequence. A step that came before the previous one would be a failure.
//
// The flags are those of the remoting examples (-nameserver, -namespace,
// -access-key, -secret-key, -topic, -group default GID_ordered, -n the
// orders, default 3, -timeout default 30s, -v; see package
// github.com/rocketfn/rocketfn/examples/remoting).
//
// The output:
//
//	sent order-1 created: id=C000020261DD00000000215f0f700001 queue=1 offset=0
//	sent order-2 created: id=C000020261DD00000000215f0f700002 queue=0 offset=0
//	...
//	received order-2 created: id=C000020261DD00000000215f0f700002 queue=0 offset=0
//	received order-2 paid: id=C000020261DD00000000215f0f700005 queue=0 offset=1
//	...
//	order-1: created -> paid -> shipped -> delivered
//	order-2: created -> paid -> shipped -> delivered
//	order-3: created -> paid -> shipped -> delivered
//	received the 3 orders' 12 messages, each order's in order
//
// Orders of different queues interleave; the steps of one order never do.
//
// # Against the local stack
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_ordered
//	go run ./examples/remoting/ordered -n 5
//
// # Against a cluster
//
//	export NAMESRV_ADDR='10.0.0.1:9876;10.0.0.2:9876'
//	go run ./examples/remoting/ordered -topic orders -group GID_orders_sequence
package main
