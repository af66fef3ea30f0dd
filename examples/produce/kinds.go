package main

import (
	"strconv"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
)

// message is one message to publish: its number n (from 1), its body,
// the settings from the flags, and its user properties.
type message struct {
	n               int
	body, tag, keys string
	delay           time.Duration
	props           map[string]string
}

// publishNormal publishes a plain message: a body, and user properties
// (keys and values must not hold ' " < > & : |).
func publishNormal(p mq.MQProducer, m message) (mq.PublishMessageResponse, error) {
	return p.PublishMessage(mq.PublishMessageRequest{
		MessageBody: m.body,
		Properties:  m.props,
	})
}

// publishTagged publishes a message with a tag. Consumers subscribe to
// tag expressions ("created", "created||paid", "*"), and the server
// delivers them only the messages that match.
func publishTagged(p mq.MQProducer, m message) (mq.PublishMessageResponse, error) {
	return p.PublishMessage(mq.PublishMessageRequest{
		MessageBody: m.body,
		MessageTag:  m.tag,
		Properties:  m.props,
	})
}

// publishKeyed publishes a message with business keys (several are
// separated by spaces), which the console's message query finds it by.
// The SDK sends them as the KEYS property.
func publishKeyed(p mq.MQProducer, m message) (mq.PublishMessageResponse, error) {
	return p.PublishMessage(mq.PublishMessageRequest{
		MessageBody: m.body,
		MessageKey:  m.keys,
		Properties:  m.props,
	})
}

// shards is how many sharding keys the ordered messages spread over.
const shards = 3

// publishOrdered publishes a message of an ordered topic with a sharding
// key: messages of one key are consumed in publish order by orderly
// consumers (ConsumeMessageOrderly), messages of different keys in
// parallel. Message n goes to key order-((n-1)%3+1) as step (n-1)/3+1
// (the property step), so -n 9 gives three orders of three steps. In the
// cloud the topic must be created as a partitioned-order topic.
func publishOrdered(p mq.MQProducer, m message) (mq.PublishMessageResponse, error) {
	m.props["step"] = strconv.Itoa((m.n-1)/shards + 1)
	return p.PublishMessage(mq.PublishMessageRequest{
		MessageBody: m.body,
		ShardingKey: "order-" + strconv.Itoa((m.n-1)%shards+1),
		Properties:  m.props,
	})
}

// publishDelayed publishes a message that consumers get only after
// -delay: StartDeliverTime is the delivery time in Unix milliseconds (the
// SDK sends it as the __STARTDELIVERTIME property). HTTP consumers of the
// cloud service take delays of up to 3 days.
func publishDelayed(p mq.MQProducer, m message) (mq.PublishMessageResponse, error) {
	return p.PublishMessage(mq.PublishMessageRequest{
		MessageBody:      m.body,
		StartDeliverTime: time.Now().Add(m.delay).UnixMilli(),
		Properties:       m.props,
	})
}
