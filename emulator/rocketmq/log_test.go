package rocketmq_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// serverAnswer matches the SDK's text for an error the server answered;
// the SDK keeps the code and message nowhere else.
var serverAnswer = regexp.MustCompile(`code: (\w+), message: (.*), path: `)

// serverError returns the code and message the server answered in an SDK
// error.
func serverError(t *testing.T, err error) mq.ErrorResponse {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	m := serverAnswer.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("not an error answered by the server: %v", err)
	}
	return mq.ErrorResponse{Code: m[1], Message: m[2]}
}

// consumeAll consumes and acknowledges everything group can get now.
func consumeAll(t *testing.T, c mq.MQClient, instance, topic, group, tag string) []string {
	t.Helper()
	cons := c.GetConsumer(instance, topic, group, tag)
	var got []string
	for {
		ms := consume(t, cons, 16, 0, false)
		if len(ms) == 0 {
			return sorted(got)
		}
		got = append(got, bodies(ms)...)
		if err := cons.AckMessage(handles(ms)); err != nil {
			t.Fatalf("ack: %v", err)
		}
	}
}

func publishN(t *testing.T, c mq.MQClient, instance, topic string, tags ...string) {
	t.Helper()
	p := c.GetProducer(instance, topic)
	for i, tag := range tags {
		publish(t, p, mq.PublishMessageRequest{MessageBody: fmt.Sprint(tag, i), MessageTag: tag})
	}
}

// TestLateGroupGetsEveryRetainedMessage: a group that starts after another
// group consumed the topic gets every message the topic retains, and one
// group's tag filter leaves the other groups' deliveries intact.
func TestLateGroupGetsEveryRetainedMessage(t *testing.T) {
	_, c := start(t, rocketmq.Config{})
	publishN(t, c, "", "orders", "created", "paid", "created", "paid")
	if got := fmt.Sprint(consumeAll(t, c, "", "orders", "GID_first", "")); got != "[created0 created2 paid1 paid3]" {
		t.Fatalf("first group got %s", got)
	}
	if got := fmt.Sprint(consumeAll(t, c, "", "orders", "GID_paid", "paid")); got != "[paid1 paid3]" {
		t.Fatalf("tag-filtered group got %s", got)
	}
	if got := fmt.Sprint(consumeAll(t, c, "", "orders", "GID_late", "")); got != "[created0 created2 paid1 paid3]" {
		t.Fatalf("group started after the others got %s, want every retained message", got)
	}
	if got := fmt.Sprint(consumeAll(t, c, "", "orders", "GID_created", " created ")); got != "[created0 created2]" {
		t.Fatalf("group filtering the tags another group skipped got %s", got)
	}
}

// TestRetention: messages are kept for the retention time whether or not
// they were consumed, and then removed.
func TestRetention(t *testing.T) {
	cfg, clock := withClock()
	cfg.Broker.Retention = time.Hour
	srv, c := start(t, cfg)
	publishN(t, c, "", "orders", "old")
	consumeAll(t, c, "", "orders", "GID_a", "")
	clock.Add(time.Hour - time.Millisecond)
	srv.Broker().Tick()
	if got := fmt.Sprint(consumeAll(t, c, "", "orders", "GID_b", "")); got != "[old0]" {
		t.Fatalf("before the retention ends: %s", got)
	}
	publishN(t, c, "", "orders", "new")
	clock.Add(time.Millisecond)
	srv.Broker().Tick()
	if got := fmt.Sprint(consumeAll(t, c, "", "orders", "GID_c", "")); got != "[new0]" {
		t.Fatalf("after the retention of the first ended: %s", got)
	}
	if s := srv.Broker().Stats(); s.Expired != 1 {
		t.Errorf("stats %+v, want 1 expired", s)
	}
}

// TestResetOffsetRedelivers: after a reset to the earliest message, a
// group gets again what it acknowledged; after one to the latest, nothing.
func TestResetOffsetRedelivers(t *testing.T) {
	srv, c := start(t, rocketmq.Config{})
	publishN(t, c, "", "orders", "a", "b")
	consumeAll(t, c, "", "orders", "GID_app", "")
	n, err := srv.Broker().ResetOffset("", "orders", "GID_app", broker.Position{From: broker.FromEarliest})
	if err != nil || n != 2 {
		t.Fatalf("reset to earliest: %d, %v", n, err)
	}
	if got := fmt.Sprint(consumeAll(t, c, "", "orders", "GID_app", "")); got != "[a0 b1]" {
		t.Fatalf("after the reset: %s", got)
	}
	publishN(t, c, "", "orders", "c")
	if _, err := srv.Broker().ResetOffset("", "orders", "GID_app", broker.Position{From: broker.FromLatest}); err != nil {
		t.Fatal(err)
	}
	if got := consumeAll(t, c, "", "orders", "GID_app", ""); len(got) != 0 {
		t.Fatalf("after a reset to the latest: %s", got)
	}
}

// TestTopicNotExistNamesWhatExists: a strict server answers TopicNotExist
// with status 404 to an unknown topic and to a request without the
// instance, naming the topics or instances that exist.
func TestTopicNotExistNamesWhatExists(t *testing.T) {
	srv, c := start(t, rocketmq.Config{Broker: broker.Config{Strict: true}})
	if err := srv.Broker().CreateTopic("MQ_INST_1", "orders"); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetProducer("MQ_INST_1", "order").PublishMessage(mq.PublishMessageRequest{MessageBody: "x"})
	if resp := serverError(t, err); resp.Code != rocketmq.CodeTopicNotExist || !strings.Contains(resp.Message, `its topics: "orders"`) {
		t.Errorf("mistyped topic: %+v", resp)
	}
	_, err = c.GetProducer("", "orders").PublishMessage(mq.PublishMessageRequest{MessageBody: "x"})
	if resp := serverError(t, err); resp.Code != rocketmq.CodeTopicNotExist || !strings.Contains(resp.Message, `"MQ_INST_1"`) {
		t.Errorf("missing instance: %+v", resp)
	}
	status, code := rawCall(t, srv, "POST", "/topics/orders/messages", "<Message><MessageBody>x</MessageBody></Message>")
	if status != 404 || code != rocketmq.CodeTopicNotExist {
		t.Errorf("raw publish without the instance: %d %s", status, code)
	}
	_, err = call(func(rc chan mq.ConsumeMessageResponse, ec chan error) {
		c.GetConsumer("", "orders", "GID_a", "").ConsumeMessage(rc, ec, 1, 1)
	})
	if resp := serverError(t, err); resp.Code != rocketmq.CodeTopicNotExist {
		t.Errorf("consume without the instance: %+v", resp)
	}
}

// TestMessageLimits: the 4.x limits on delayed and transactional bodies
// and on properties, through the SDK.
func TestMessageLimits(t *testing.T) {
	_, c := start(t, rocketmq.Config{})
	p := c.GetProducer("", "orders")
	big := strings.Repeat("x", broker.MaxTimedBodySize+1)
	later := time.Now().Add(time.Minute).UnixMilli()
	_, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: big, StartDeliverTime: later})
	if resp := serverError(t, err); resp.Code != rocketmq.CodeMessageBodyTooLarge || !strings.Contains(resp.Message, "delayed") {
		t.Errorf("delayed message over 64 KB: %+v", resp)
	}
	_, err = c.GetTransProducer("", "orders", "GID_tx").PublishMessage(mq.PublishMessageRequest{MessageBody: big, TransCheckImmunityTime: 10})
	if resp := serverError(t, err); resp.Code != rocketmq.CodeMessageBodyTooLarge {
		t.Errorf("transactional message over 64 KB: %+v", resp)
	}
	publish(t, p, mq.PublishMessageRequest{MessageBody: big})
	_, err = p.PublishMessage(mq.PublishMessageRequest{MessageBody: "x", Properties: map[string]string{"k": strings.Repeat("v", broker.MaxPropertiesSize)}})
	if resp := serverError(t, err); resp.Code != rocketmq.CodeInvalidArgument || !strings.Contains(resp.Message, "properties") {
		t.Errorf("properties over 16 KB: %+v", resp)
	}
}
