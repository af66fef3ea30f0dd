// Package grpc holds the tests of the examples in its directories:
// programs written with Apache RocketMQ's 5.x Go client
// (github.com/apache/rocketmq-clients/golang/v5, modelled on its
// example directory), which speak the RocketMQ 5.x gRPC protocol to a
// proxy's endpoint and run unchanged against the local stack ("rocketfn
// dev" or "rocketfn mq") and against a 5.x server or cloud instance.
//
//	normal       a Producer sends -n messages with a tag, keys and properties; a SimpleConsumer receives and acks them
//	fifo         orders' steps sent as message groups (SetMessageGroup), each order's received in order
//	delay        messages with SetDelayTimestamp(now + -delay), and when each is delivered: none before its time
//	transaction  half messages: one committed, one rolled back, one left unresolved and committed on the server's check
//
// Each is a package main of its own; its doc.go has its flags, its output
// and how to run it. What they share, the flags below, the client's log,
// the clients' configuration and the receive loop, is in package
// internal/example. They share these flags:
//
//	-endpoint    the 5.x gRPC endpoint, host:port (default $MQ_GRPC_ENDPOINT or 127.0.0.1:8081)
//	-namespace   the namespace of the topic and group, Config.NameSpace (default $MQ_INSTANCE)
//	-access-key, -secret-key  Config.Credentials, which sign every call (default $ROCKETMQ_ACCESS_KEY, $ROCKETMQ_SECRET_KEY)
//	-topic       the topic (default TopicTest)
//	-group       the consumer group (default GID_<example>)
//	-n           how many messages (orders for fifo; default 3)
//	-timeout     give up after this long, exiting with status 1
//	-v           show the client's warnings and errors on stderr
//
// A program exits with status 0 once it has seen what it demonstrates,
// and with status 1 and the reason on stderr otherwise. Every message
// carries a "run" property, so a consumer tells the run's messages from
// earlier ones left in the topic: it prints and acknowledges those, and
// does not count them. The consumer is started, and receives, before the
// producer sends. It receives as the client's example does: Receive in a
// loop, up to 16 messages a call, each invisible to the group's other
// receives for 20 s (WithAwaitDuration 5 s: the server holds a receive
// that finds nothing about that long), then Ack of each message. A
// receive that finds nothing (MESSAGE_NOT_FOUND) or fails in transit is
// repeated, as is one answered UNRECOGNIZED_CLIENT_TYPE: Start returns
// before the client's settings reach the server, which a receive needs.
// A receive the server refuses, such as CONSUMER_GROUP_NOT_FOUND, ends
// the program. Start of a producer with WithTopics fails for a topic
// the server lacks (TOPIC_NOT_FOUND).
//
// The client logs to a file under $user.home/logs/rocketmqlogs unless
// told otherwise (through environment variables with dots in their
// names), and each of its connections logs every call to
// /tmp/rocketmq-logger.log. The programs send both to
// rocketmq-grpc-examples in the temporary directory (or
// $rocketmq.client.logRoot), at level error (or $rocketmq.client.logLevel);
// -v shows the client's log on stderr instead, from warnings up. A
// failure's message says where the log is.
//
// # Against the local stack
//
// The local RocketMQ has only the topics and groups that are created:
// create the topic and the examples' consumer groups when starting it,
// then run the examples in another terminal (the defaults connect to
// 127.0.0.1:8081, where it serves the 5.x protocol, TLS or plaintext):
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest \
//	    --group GID_normal --group GID_fifo --group GID_delay --group GID_transaction
//	go run ./examples/grpc/normal
//	go run ./examples/grpc/transaction
//
// With --acl it refuses unsigned calls: give the access key it prints
// (for rocketfn mq, -access-key rocketfn-local -secret-key
// rocketfn-local-secret by default).
//
// "rocketfn dev" serves the same protocol, on the same broker as MQ HTTP,
// the remoting protocol and the triggers of s.yaml: a message an example
// sends to a trigger's topic reaches the trigger's function. Its banner
// exports MQ_GRPC_ENDPOINT and MQ_INSTANCE, the triggers' instance, which
// is the namespace here; create the examples' topic and groups in it with
// --topic MQ_INST_rocketfn/TopicTest --group MQ_INST_rocketfn/GID_normal
// and so on.
//
// The local RocketMQ differs from a server where package
// github.com/rocketfn/rocketfn/emulator/rocketmq/proxy says, notably for
// these programs:
//
//   - A local topic accepts messages of every type (a 5.x topic of type
//     MIXED), so one topic serves the four programs. A cloud topic has
//     one message type (Normal, FIFO, Delay or Transaction) and refuses
//     the others: give each program a topic of its type.
//   - Locally, messages of a message group come in order for every
//     consumer group; a server orders them only for a consumer group
//     with ordered (FIFO) delivery, created so.
//   - A local consumer group gets every message the topic still holds
//     when it first receives; where a group new to a server starts is the
//     server's choice, which is why the consumers receive before the
//     producer sends.
//   - The local server checks an unresolved transaction 10 s after its
//     half message was sent (within a second), then every 10 s while it
//     stays unresolved; a server checks on its own schedule.
//
// # Against a cloud 5.x instance
//
// Point -endpoint at the instance's endpoint (on Alibaba Cloud,
// rmq-cn-xxx.{regionId}.rmq.aliyuncs.com:8080: the public endpoint from
// the Internet, the VPC endpoint within the VPC), and give the
// instance's username and password as -access-key and -secret-key. For a
// 5.x instance the namespace is empty: unlike a 4.x instance, whose ID
// prefixes its topics and groups, a 5.x instance has its own endpoint, so
// leave -namespace empty (unset MQ_INSTANCE, which "rocketfn dev" exports).
// The client's README says nothing about namespaces or credentials (its
// examples set only Endpoint and Credentials: AccessKey, AccessSecret,
// no NameSpace); Alibaba Cloud's
// 5.x sample code for Go takes the endpoint, and the instance's username
// and password as AccessKey and SecretKey: required over the public
// endpoint, and within the VPC by a Serverless instance that does not
// let VPC clients in without them. The instance ID is Config.NameSpace
// only for a Serverless instance reached over its public endpoint:
//
//	export MQ_GRPC_ENDPOINT=rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080 MQ_INSTANCE=
//	export ROCKETMQ_ACCESS_KEY=<instance username> ROCKETMQ_SECRET_KEY=<instance password>
//	go run ./examples/grpc/normal -topic orders -group GID_orders_reader
//	go run ./examples/grpc/fifo -topic orders_fifo -group GID_orders_fifo     # a FIFO topic, a group with ordered delivery
//
// (with -namespace rmq-cn-xxx for a Serverless instance over the
// Internet).
//
// The tests (go test ./examples/grpc) build the programs and run them
// against a stack started in the test.
package grpc
