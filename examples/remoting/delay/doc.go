// Delay sends delayed messages with Apache RocketMQ's Go client
// (github.com/apache/rocketmq-client-go/v2): WithDelayTimeLevel(3), which
// the brokers' default level table makes 10 s, and a push consumer,
// started first, that prints when each message was born and when it came.
// It exits once the -n messages came.
//
//	-level  the delay level, 1 to 18: 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h (default 3)
//
// with the flags of the remoting examples (-nameserver, -namespace,
// -access-key, -secret-key, -topic, -group default GID_delay, -n default
// 3, -timeout default 1m, -v; see package
// github.com/rocketfn/rocketfn/examples/remoting). Raise -timeout for
// levels over a minute.
//
// The output:
//
//	sent message 1 at 10:23:11.385: id=C00002024B88000000002120b2980001 delay level 3 (10s)
//	sent message 2 at 10:23:11.385: id=C00002024B88000000002120b2980002 delay level 3 (10s)
//	received message 1 at 10:23:21.410: id=C00002024B88000000002120b2980001 born=10:23:11.385 delayed 10.025s (level 3)
//	received message 2 at 10:23:21.410: id=C00002024B88000000002120b2980002 born=10:23:11.385 delayed 10.025s (level 3)
//	received 2 of 2 messages
//
// The born time is the message's BornTimestamp, the delay the consumer's
// clock minus it; the local broker stamps messages with its own clock.
//
// # Against the local stack
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_delay
//	go run ./examples/remoting/delay
//
// # Against a cluster
//
//	export NAMESRV_ADDR='10.0.0.1:9876;10.0.0.2:9876'
//	go run ./examples/remoting/delay -topic reminders -group GID_reminders -level 4
package main
