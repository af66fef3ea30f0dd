// Transaction sends transactional messages with Apache RocketMQ's Go
// client (github.com/apache/rocketmq-client-go/v2): NewTransactionProducer
// with a TransactionListener, and a push consumer showing which messages
// arrive. Each message is stored as a half message, invisible to
// consumers, then ExecuteLocalTransaction decides it by its number k:
//
//	k%3 == 1  CommitMessageState: delivered at once
//	k%3 == 2  RollbackMessageState: never delivered
//	k%3 == 0  UnkonwnState: the broker asks the producer group back after
//	          its transaction timeout (about 10 s after sending, against
//	          the local stack), and CheckLocalTransaction commits it
//
// With the default -n 3: message 1 committed, 2 rolled back, 3 committed
// on the check-back. It exits once every message to commit came, after
// the check-backs; a rolled back message that came would be a failure.
// A check-back of a half message from an earlier run is answered with a
// rollback.
//
// -group names the transaction producer's group, which the broker asks
// back, and the consumer's (default GID_transaction). The producer has a
// client instance of its own (WithInstanceName): the Go client answers
// check-backs only for the first producer or consumer of an instance.
// The other flags are those of the remoting examples (-nameserver,
// -namespace, -access-key, -secret-key, -topic, -n, -timeout default 1m,
// -v; see package github.com/rocketfn/rocketfn/examples/remoting).
//
// The output:
//
//	local transaction of message 1: commit
//	sent half message 1: id=C0000202618300000000215ea9e00001 transaction=SImojlQAAAAAAAAAAeOx-6lHgglfAAABolBFhHTJce33@TopicTest
//	local transaction of message 2: rollback
//	sent half message 2: id=C0000202618300000000215ea9e00002 transaction=SImojlQAAAAAAAAAAuGPlYsB3X1hAAABolBFhHXytTtl@TopicTest
//	local transaction of message 3: unknown, the broker will ask
//	sent half message 3: id=C0000202618300000000215ea9e00003 transaction=SImojlQAAAAAAAAAA4UMaVHHoWwXAAABolBFhHaOsq7Z@TopicTest
//	received message 1: id=C0000202618300000000215ea9e00001 body="transaction message 1"
//	check-back of message 3 10.1s after sending: id=C0000202618300000000215ea9e00003: commit
//	received message 3: id=C0000202618300000000215ea9e00003 body="transaction message 3"
//	received committed messages 1,3; rolled back, not delivered: 2
//
// # Against the local stack
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_transaction
//	go run ./examples/remoting/transaction
//
// # Against a cluster
//
//	export NAMESRV_ADDR='10.0.0.1:9876;10.0.0.2:9876'
//	go run ./examples/remoting/transaction -topic payments -group GID_payments
//
// An Apache broker asks back when its transaction check next runs after
// transactionTimeOut (every transactionCheckInterval, a minute by
// default): raise -timeout there.
package main
