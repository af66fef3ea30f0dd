// Package cluster consumes topics of a RocketMQ cluster (open-source
// brokers, or any that speak the remoting protocol) for the local
// EventBridge, so `rocketfn dev --rocketmq-nameserver host:9876` runs the
// functions of s.yaml on the topics of shared infrastructure instead of
// the embedded broker. A Source has the methods of eventbridge.Source
// with the semantics of package broker, built on the cluster's pull
// protocol:
//
//	src, err := cluster.Open(ctx, cluster.Config{NameServers: []string{"mq.staging:9876"}})
//	ds, err := src.Consume(ctx, broker.ConsumeRequest{Topic: "orders", Group: "GID_orders", Max: 16, Wait: 10 * time.Second})
//	failed, err := src.Ack(ctx, "", "orders", "GID_orders", handles)
//
// # Consumption
//
// A Source is one client of each consumer group it consumes for: it
// sends heartbeats every 30 s, and rebalances every 20 s and when a
// broker says the group's members changed, taking its share of the
// topic's queues among the group's clients as rocketmq-client-go's
// default strategy (AllocateMessageQueueAveragely) does, so it shares a
// group with the cluster's other consumers without taking their messages.
// A queue it gets starts at the group's committed offset; for a group
// with none, at the Subscribe position (earliest by default; latest or a
// time), which Subscribe resolves and commits at once in the queues this
// client owns, as the local broker fixes a new subscription's position:
// messages published after Subscribe are not skipped by a later first
// Consume or a restart. Brokers answer 0 for a new group on a queue that still holds its
// first message, and the consumer then starts at 0, as Apache consumers
// do.
//
// Consume reads each owned queue in turn; with nothing new it suspends a
// pull at the broker on every queue until the first answers or Wait
// ends. Messages are matched against the tag expression again (brokers
// filter by tag hash). A delivered message waits for its Ack for
// Config.InvisibleTime and is delivered again after it with a new handle;
// Ack commits each queue's offset up to its first message still waiting,
// so a restart, or another consumer taking the queue over, goes on from
// there (delivery is at least once). Ordered consumption reads a queue
// only while none of its messages waits. A queue given up in a rebalance
// commits its offset; handles of its messages are then refused
// (MessageNotExist).
//
// Dead letters stay the cluster's: the local EventBridge keeps its own
// after its retries, and DeadLetters here only checks names.
//
// Requests are signed with Config.Credentials for clusters with ACL.
package cluster
