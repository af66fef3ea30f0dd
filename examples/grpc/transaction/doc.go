// Transaction sends transactional messages with Apache RocketMQ's 5.x Go
// client (github.com/apache/rocketmq-clients/golang/v5): a Producer with
// a TransactionChecker (WithTransactionChecker) sends each message with
// SendWithTransaction in a transaction of its own (BeginTransaction), as
// a half message, invisible to consumers, then ends it by the message's
// number k, while a SimpleConsumer shows which messages arrive:
//
//	k%3 == 1  Commit: delivered at once
//	k%3 == 2  RollBack: never delivered
//	k%3 == 0  neither: the server checks the transaction with the producer
//	          after its transaction timeout (10 s after sending, against
//	          the local stack), and the checker commits it
//
// With the default -n 3: message 1 committed, 2 rolled back, 3 committed
// on the check. It exits once every message to commit came, after the
// checks; a rolled back message that came would be a failure. A check of
// a half message from an earlier run is answered with a rollback.
//
// The server checks with a producer whose settings list the message's
// topic (WithTopics; a 5.x producer has no group). The flags are those of the
// 5.x examples (-endpoint, -namespace, -access-key, -secret-key, -topic,
// -group default GID_transaction, -n, -timeout default 1m, -v; see
// package github.com/rocketfn/rocketfn/examples/grpc).
//
// The output:
//
//	sent half message 1: id=01CE60CBD294F23D2E0B28514F00000000 transaction=SMR9UIIAAAAAAAAAAePVLO5yidDKAAABolC8M9uiwhz9
//	transaction of message 1: commit
//	sent half message 2: id=01CE60CBD294F23D2E0B28514F00000001 transaction=SMR9UIIAAAAAAAAAAiba3xmr57y_AAABolC8M92EoRFZ
//	transaction of message 2: rollback
//	sent half message 3: id=01CE60CBD294F23D2E0B28514F00000002 transaction=SMR9UIIAAAAAAAAAA--9vWaBMl8fAAABolC8M96ogXVC
//	transaction of message 3: unresolved; the server will check it after its transaction timeout
//	received message 1: id=01CE60CBD294F23D2E0B28514F00000000 body="transaction message 1"
//	check of message 3 10.4s after sending: id=01CE60CBD294F23D2E0B28514F00000002: commit
//	received message 3: id=01CE60CBD294F23D2E0B28514F00000002 body="transaction message 3"
//	received committed messages 1,3; rolled back, not delivered: 2
//
// Commit and RollBack of the client v5.1.2 return no error (they log it):
// a commit that failed shows as a message that never comes.
//
// # Against the local stack
//
//	go run ./cmd/rocketfn mq --memory --strict --topic TopicTest --group GID_transaction
//	go run ./examples/grpc/transaction
//
// # Against a cloud 5.x instance
//
//	export MQ_GRPC_ENDPOINT=rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080 MQ_INSTANCE=
//	go run ./examples/grpc/transaction -topic payments -group GID_payments -timeout 3m \
//	    -access-key <instance username> -secret-key <instance password>
//
// with a topic of type Transaction. A server checks when its own
// transaction check next runs after the timeout: raise -timeout there.
package main
