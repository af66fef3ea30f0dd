// Delay sends delayed messages with Apache RocketMQ's 5.x Go client
// (github.com/apache/rocketmq-clients/golang/v5): a Producer sends -n
// messages, each with SetDelayTimestamp(now + -delay), to the
// millisecond, while a SimpleConsumer receives them and prints when each
// came and when the server delivered it. It exits once the n messages
// came, none before its time.
//
//	-delay  how long after sending each message is delivered (default 10s)
//
// with the flags of the 5.x examples (-endpoint, -namespace, -access-key,
// -secret-key, -topic, -group default GID_delay, -n default 3, -timeout
// default 1m, -v; see package github.com/rocketfn/rocketfn/examples/grpc).
// Raise -timeout for delays over half a minute.
//
// The output:
//
//	sent message 1 at 13:40:08.352: id=01CE60CBD294F239990B28513800000000 due 13:40:18.352 (in 10s)
//	sent message 2 at 13:40:08.353: id=01CE60CBD294F239990B28513800000001 due 13:40:18.353 (in 10s)
//	received message 1 at 13:40:18.355: id=01CE60CBD294F239990B28513800000000 due 13:40:18.352, delivered 13:40:18.353 by the server's clock, 0.001s after due
//	received message 2 at 13:40:18.356: id=01CE60CBD294F239990B28513800000001 due 13:40:18.353, delivered 13:40:18.353 by the server's clock, 0.000s after due
//	received 2 of 2 messages, none before its delivery time
//
// "at" is this host's clock. The due time is the message's delivery time
// as it came (GetDeliveryTimestamp). The server's clock decides when a
// message is due, and the one this host keeps may differ from it, so the
// check uses the delivery time a 5.x server streams after each receive's
// messages, its clock when it delivered them. The client does not show
// that time, so the program reads it from the stream, with an interceptor
// on the client's connections; without it ("by this host's clock") the
// check uses the arrival.
//
// # Against the local stack
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_delay
//	go run ./examples/grpc/delay
//
// The local server takes delivery times up to a day ahead.
//
// # Against a cloud 5.x instance
//
//	export MQ_GRPC_ENDPOINT=rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080 MQ_INSTANCE=
//	go run ./examples/grpc/delay -topic reminders -group GID_reminders -delay 30s -timeout 2m \
//	    -access-key <instance username> -secret-key <instance password>
//
// with a topic of type Delay.
package main
