// Fifo sends and receives ordered messages with Apache RocketMQ's 5.x Go
// client (github.com/apache/rocketmq-clients/golang/v5). A Producer sends
// the steps of -n orders (created, paid, shipped, delivered),
// interleaved, each with SetMessageGroup(order ID), so each order is a
// message group, delivered in the order it was sent: the server gives a
// group's next message only once the one before is acknowledged. A
// SimpleConsumer receives and acks them, printing every message, then
// each order's sequence. A step that came before the one it follows would
// be a failure.
//
// The flags are those of the 5.x examples (-endpoint, -namespace,
// -access-key, -secret-key, -topic, -group default GID_fifo, -n the
// orders, default 3, -timeout default 30s, -v; see package
// github.com/rocketfn/rocketfn/examples/grpc).
//
// The output:
//
//	sent order-1 created: id=01CE60CBD294F235C30B28511800000000 group=order-1 offset=0
//	sent order-2 created: id=01CE60CBD294F235C30B28511800000001 group=order-2 offset=0
//	...
//	received order-1 created: id=01CE60CBD294F235C30B28511800000000 offset=0 attempt=1
//	received order-2 created: id=01CE60CBD294F235C30B28511800000001 offset=0 attempt=1
//	...
//	order-1: created -> paid -> shipped -> delivered
//	order-2: created -> paid -> shipped -> delivered
//	order-3: created -> paid -> shipped -> delivered
//	received the 3 orders' 12 messages, each order's in order
//
// Orders interleave; the steps of one order never do.
//
// # Against the local stack
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_fifo
//	go run ./examples/grpc/fifo -n 5
//
// # Against a cloud 5.x instance
//
//	export MQ_GRPC_ENDPOINT=rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080 MQ_INSTANCE=
//	go run ./examples/grpc/fifo -topic orders_fifo -group GID_orders_sequence \
//	    -access-key <instance username> -secret-key <instance password>
//
// with a topic of type FIFO and a consumer group with ordered delivery: a
// server delivers the messages of a group in order only to such a
// consumer group (the local RocketMQ to every group).
package main
