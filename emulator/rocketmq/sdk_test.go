package rocketmq_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

func TestPublishConsumeAck(t *testing.T) {
	_, c := start(t, rocketmq.Config{})
	p := c.GetProducer("", "orders")
	resp := publish(t, p, mq.PublishMessageRequest{MessageBody: `{"id":1}`, MessageTag: "created", MessageKey: "order-1",
		Properties: map[string]string{"region": "hz", "attempt": "1"}})
	if len(resp.MessageId) != 32 || resp.MessageBodyMD5 == "" {
		t.Fatalf("publish answer = %+v", resp)
	}
	cons := c.GetConsumer("", "orders", "GID_a", "")
	ms := consume(t, cons, 16, 1, false)
	if len(ms) != 1 {
		t.Fatalf("consumed %d messages, want 1", len(ms))
	}
	m := ms[0]
	if m.MessageId != resp.MessageId || m.MessageBody != `{"id":1}` || m.MessageTag != "created" || m.MessageKey != "order-1" ||
		m.Properties["region"] != "hz" || m.Properties["attempt"] != "1" || m.ConsumedTimes != 1 || m.MessageBodyMD5 != resp.MessageBodyMD5 {
		t.Fatalf("message = %+v", m)
	}
	if m.PublishTime == 0 || m.FirstConsumeTime == 0 || m.NextConsumeTime <= m.FirstConsumeTime {
		t.Fatalf("times = publish %d first %d next %d", m.PublishTime, m.FirstConsumeTime, m.NextConsumeTime)
	}
	if err := cons.AckMessage(handles(ms)); err != nil {
		t.Fatal(err)
	}
	if ms := consume(t, cons, 16, 1, false); len(ms) != 0 {
		t.Fatalf("an acked message came back: %+v", ms)
	}
}

func TestGroupsAndTags(t *testing.T) {
	_, c := start(t, rocketmq.Config{})
	p := c.GetProducer("", "orders")
	for i, tag := range []string{"created", "paid", "cancelled", "paid"} {
		publish(t, p, mq.PublishMessageRequest{MessageBody: fmt.Sprint(tag, i), MessageTag: tag})
	}
	all := consume(t, c.GetConsumer("", "orders", "GID_all", ""), 16, 1, false)
	paidOrCancelled := consume(t, c.GetConsumer("", "orders", "GID_some", "paid||cancelled"), 16, 1, false)
	if got := fmt.Sprint(sorted(bodies(all))); got != "[cancelled2 created0 paid1 paid3]" {
		t.Errorf("group without a tag got %s", got)
	}
	if got := fmt.Sprint(sorted(bodies(paidOrCancelled))); got != "[cancelled2 paid1 paid3]" {
		t.Errorf("group with paid||cancelled got %s", got)
	}
}

func TestRedeliveryAndExpiredHandles(t *testing.T) {
	cfg, clock := withClock()
	srv, c := start(t, cfg)
	publish(t, c.GetProducer("", "t"), mq.PublishMessageRequest{MessageBody: "once"})
	cons := c.GetConsumer("", "t", "GID_a", "")
	first := consume(t, cons, 1, 1, false)
	if len(first) != 1 {
		t.Fatal("nothing consumed")
	}
	if ms := consume(t, cons, 1, 0, false); len(ms) != 0 {
		t.Fatal("an invisible message was delivered")
	}
	clock.Add(5*time.Minute + time.Second)
	srv.Broker().Tick()
	again := consume(t, cons, 1, 1, false)
	if len(again) != 1 || again[0].ConsumedTimes != 2 || again[0].ReceiptHandle == first[0].ReceiptHandle {
		t.Fatalf("redelivery = %+v", again)
	}
	err := cons.AckMessage(handles(first))
	items := ackErrors(err)
	if len(items) != 1 || items[0].ErrorCode != rocketmq.CodeMessageNotExist || items[0].ErrorHandle != first[0].ReceiptHandle {
		t.Fatalf("ack of an expired handle = %v (%+v)", err, items)
	}
	err = cons.AckMessage([]string{"garbage", again[0].ReceiptHandle})
	items = ackErrors(err)
	if len(items) != 1 || items[0].ErrorCode != rocketmq.CodeReceiptHandleError {
		t.Fatalf("ack of a garbage handle = %v (%+v)", err, items)
	}
	if ms := consume(t, cons, 1, 0, false); len(ms) != 0 {
		t.Fatal("the acked message came back")
	}
}

func TestDelayedMessage(t *testing.T) {
	cfg, clock := withClock()
	srv, c := start(t, cfg)
	at := clock.Now().Add(time.Hour).UnixMilli()
	publish(t, c.GetProducer("", "t"), mq.PublishMessageRequest{MessageBody: "later", StartDeliverTime: at})
	cons := c.GetConsumer("", "t", "GID_a", "")
	if ms := consume(t, cons, 1, 0, false); len(ms) != 0 {
		t.Fatal("a delayed message came early")
	}
	clock.Add(time.Hour)
	srv.Broker().Tick()
	ms := consume(t, cons, 1, 1, false)
	if len(ms) != 1 || ms[0].StartDeliverTime != at {
		t.Fatalf("delayed message = %+v", ms)
	}
}

func TestOrderedPartitions(t *testing.T) {
	cfg, clock := withClock()
	srv, c := start(t, cfg)
	p := c.GetProducer("", "t")
	for i := 0; i < 3; i++ {
		for _, key := range []string{"o1", "o2"} {
			publish(t, p, mq.PublishMessageRequest{MessageBody: fmt.Sprint(key, "-", i), ShardingKey: key})
		}
	}
	cons := c.GetConsumer("", "t", "GID_o", "")
	first := consume(t, cons, 16, 1, true)
	seen := map[string][]string{}
	for _, m := range first {
		seen[m.ShardingKey] = append(seen[m.ShardingKey], m.MessageBody)
	}
	for key, got := range seen {
		for i, b := range got {
			if b != fmt.Sprint(key, "-", i) {
				t.Fatalf("partition %s out of order: %v", key, got)
			}
		}
	}
	// Nothing more while the delivered messages are unacked.
	if ms := consume(t, cons, 16, 0, true); len(ms) != 0 {
		t.Fatalf("delivered %v while its partition waits for acks", bodies(ms))
	}
	clock.Add(time.Minute + time.Second)
	srv.Broker().Tick()
	again := consume(t, cons, 16, 1, true)
	if fmt.Sprint(sorted(bodies(again))) != fmt.Sprint(sorted(bodies(first))) {
		t.Fatalf("redelivered %v, want the same %v", bodies(again), bodies(first))
	}
	if err := cons.AckMessage(handles(again)); err != nil {
		t.Fatal(err)
	}
	total := len(again)
	for total < 6 {
		ms := consume(t, cons, 16, 1, true)
		if len(ms) == 0 {
			t.Fatalf("only %d of 6 ordered messages", total)
		}
		if err := cons.AckMessage(handles(ms)); err != nil {
			t.Fatal(err)
		}
		total += len(ms)
	}
}

func TestTransactions(t *testing.T) {
	cfg, clock := withClock()
	srv, c := start(t, cfg)
	tp := c.GetTransProducer("", "t", "GID_tx")
	commit := publish(t, tp, mq.PublishMessageRequest{MessageBody: "commit me", TransCheckImmunityTime: 10})
	rollback := publish(t, tp, mq.PublishMessageRequest{MessageBody: "roll me back", TransCheckImmunityTime: 10})
	checked := publish(t, tp, mq.PublishMessageRequest{MessageBody: "check me", TransCheckImmunityTime: 10})
	if commit.ReceiptHandle == "" {
		t.Fatal("a half message has no receipt handle")
	}
	cons := c.GetConsumer("", "t", "GID_c", "")
	if ms := consume(t, cons, 16, 0, false); len(ms) != 0 {
		t.Fatal("a half message is visible")
	}
	if err := tp.Commit(commit.ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	if err := tp.Rollback(rollback.ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	// Check-back: after the immunity time the unresolved one is offered.
	clock.Add(11 * time.Second)
	srv.Broker().Tick()
	half, err := call(func(rc chan mq.ConsumeMessageResponse, ec chan error) { tp.ConsumeHalfMessage(rc, ec, 16, 1) })
	if err != nil || len(half.Messages) != 1 || half.Messages[0].MessageBody != "check me" {
		t.Fatalf("check-back = %+v, %v", half, err)
	}
	if err := tp.Commit(checked.ReceiptHandle); err == nil {
		t.Fatal("commit with a handle past its immunity time succeeded")
	}
	if err := tp.Commit(half.Messages[0].ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	got := consume(t, cons, 16, 1, false)
	if b := fmt.Sprint(sorted(bodies(got))); b != "[check me commit me]" {
		t.Fatalf("consumers got %s", b)
	}
}

func TestLongPoll(t *testing.T) {
	srv, c := start(t, rocketmq.Config{})
	cons := c.GetConsumer("", "t", "GID_a", "")
	begin := time.Now()
	if ms := consume(t, cons, 1, 1, false); len(ms) != 0 {
		t.Fatal("a message from nowhere")
	}
	if d := time.Since(begin); d < 900*time.Millisecond {
		t.Fatalf("an empty long poll of 1s answered after %v", d)
	}
	// The publish comes once the poll waits in the broker, so the message
	// reaches it by the wake-up; without one the poll would answer empty
	// after its 10 s, past the 5 s allowed here.
	done := make(chan []mq.ConsumeMessageEntry)
	go func() { done <- consume(t, cons, 1, 10, false) }()
	testwait.Until(t, 5*time.Second, "long poll waiting in the broker", func() bool { return srv.Broker().Waiting() == 1 })
	publish(t, c.GetProducer("", "t"), mq.PublishMessageRequest{MessageBody: "wake"})
	select {
	case ms := <-done:
		if len(ms) != 1 || ms[0].MessageBody != "wake" {
			t.Fatalf("long poll got %+v", ms)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a long poll was not woken by a publish")
	}
}

func TestInstanceNamespaces(t *testing.T) {
	_, c := start(t, rocketmq.Config{})
	publish(t, c.GetProducer("MQ_INST_1", "t"), mq.PublishMessageRequest{MessageBody: "in 1"})
	publish(t, c.GetProducer("", "t"), mq.PublishMessageRequest{MessageBody: "default"})
	if got := bodies(consume(t, c.GetConsumer("MQ_INST_1", "t", "GID_a", ""), 16, 1, false)); fmt.Sprint(got) != "[in 1]" {
		t.Fatalf("instance 1 got %v", got)
	}
	if got := bodies(consume(t, c.GetConsumer("", "t", "GID_a", ""), 16, 1, false)); fmt.Sprint(got) != "[default]" {
		t.Fatalf("default instance got %v", got)
	}
}

func TestCredentials(t *testing.T) {
	srv, _ := start(t, rocketmq.Config{})
	cred := srv.Credentials()
	for name, c := range map[string]mq.MQClient{
		"wrong secret": mq.NewAliyunMQClient(srv.Endpoint(), cred.AccessKeyID, "wrong", ""),
		"unknown key":  mq.NewAliyunMQClient(srv.Endpoint(), "nobody", cred.AccessKeySecret, ""),
	} {
		_, err := c.GetProducer("", "t").PublishMessage(mq.PublishMessageRequest{MessageBody: "x"})
		if err == nil || !(strings.Contains(err.Error(), rocketmq.CodeSignatureDoesNotMatch) || strings.Contains(err.Error(), rocketmq.CodeInvalidAccessKeyID)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	sts := srv.IssueSTS(time.Hour)
	c := mq.NewAliyunMQClient(srv.Endpoint(), sts.AccessKeyID, sts.AccessKeySecret, sts.SecurityToken)
	if _, err := c.GetProducer("", "t").PublishMessage(mq.PublishMessageRequest{MessageBody: "x"}); err != nil {
		t.Fatalf("STS credentials: %v", err)
	}
	forged := mq.NewAliyunMQClient(srv.Endpoint(), sts.AccessKeyID, sts.AccessKeySecret, "forged")
	if _, err := forged.GetProducer("", "t").PublishMessage(mq.PublishMessageRequest{MessageBody: "x"}); err == nil || !strings.Contains(err.Error(), rocketmq.CodeAccessDenied) {
		t.Fatalf("a forged token: %v", err)
	}
}
