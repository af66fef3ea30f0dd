// Package remoting holds the tests of the examples in its directories:
// the classic programs of Apache RocketMQ's Go client
// (github.com/apache/rocketmq-client-go/v2), which speak RocketMQ's
// remoting protocol to a name server and run unchanged against the local
// stack ("rocketfn dev" or "rocketfn mq") and against a RocketMQ cluster.
//
//	normal       SendSync of -n messages with a tag and keys, then a push consumer that prints them
//	delay        messages with WithDelayTimeLevel(3), 10 s later, and when each arrives
//	transaction  a transaction producer: commit, rollback, and a commit on the broker's check-back
//	ordered      orders' steps sent with a sharding key, consumed in order by an orderly consumer
//
// Each is a package main of its own; its doc.go has the flags and how to
// run it. What they share, the flags below, the client's log level, the
// options of every producer and consumer and a checked synchronous send,
// is in package internal/example. They share these flags:
//
//	-nameserver  the name server, host:port, several separated by ';' (default $NAMESRV_ADDR or 127.0.0.1:9876)
//	-namespace   the instance the topic and groups are in, WithNamespace (default $MQ_INSTANCE)
//	-access-key, -secret-key  credentials for brokers with ACL (default $ROCKETMQ_ACCESS_KEY, $ROCKETMQ_SECRET_KEY)
//	-topic       the topic (default TopicTest)
//	-group       the consumer group (default GID_<example>)
//	-n           how many messages (orders for ordered; default 3)
//	-timeout     give up after this long, exiting with status 1
//	-v           show the client's own warnings and errors on stderr
//
// A program exits with status 0 once it has seen what it demonstrates,
// and with status 1 and the reason on stderr otherwise. Every message
// carries a "run" property, so a consumer tells the run's messages from
// earlier ones left in the topic (it prints those, and does not count
// them), and a new consumer group starts at the messages stored from a
// minute before the run (ConsumeFromTimestamp), so it gets the run's
// messages even when it subscribes after they were sent.
//
// # Against the local stack
//
// The local RocketMQ has only the topics and groups that are created:
// create the topic and the examples' consumer groups when starting it,
// then run the examples in another terminal (the defaults connect to
// 127.0.0.1:9876):
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest \
//	    --group GID_normal --group GID_delay --group GID_transaction --group GID_ordered
//	go run ./examples/remoting/normal
//	go run ./examples/remoting/ordered
//
// "rocketfn dev" serves the same protocol, on the same broker as MQ HTTP
// and the triggers of s.yaml; a message an example sends to a trigger's
// topic reaches the trigger's function.
//
// # Against a cluster
//
// Point -nameserver (or NAMESRV_ADDR) at the cluster's name servers; with
// ACL, give the credentials; with an instance namespace (such as an
// Alibaba Cloud instance ID), -namespace:
//
//	export NAMESRV_ADDR='10.0.0.1:9876;10.0.0.2:9876'
//	go run ./examples/remoting/transaction -topic payments -group GID_payments
//
// The tests (go test ./examples/remoting) build the programs and run them
// against a stack started in the test.
package remoting
