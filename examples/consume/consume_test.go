package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/examples/internal/mqtest"
	"github.com/rocketfn/rocketfn/examples/mqclient"
)

// consumeOut runs the example with args against conn and returns its
// output and error.
func consumeOut(t *testing.T, conn mqclient.Config, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	err := run(t.Context(), conn, &out, args...)
	return out.String(), err
}

func TestPrintsAndAcks(t *testing.T) {
	_, conn, client := mqtest.Start(t, rocketmq.Config{})
	publish(t, client, "orders",
		mq.PublishMessageRequest{MessageBody: `{"id":"o1"}`, MessageTag: "created", MessageKey: "order-1 customer-7",
			Properties: map[string]string{"region": "hz"}},
		mq.PublishMessageRequest{MessageBody: "plain"},
		mq.PublishMessageRequest{MessageBody: "sharded", ShardingKey: "o2", MessageTag: "paid"})
	out, err := consumeOut(t, conn, "-topic", "orders", "-n", "3", "-wait", "5s")
	if err != nil {
		t.Fatalf("consume: %v\n%s", err, out)
	}
	want := []printed{
		{tag: "created", keys: "order-1 customer-7", consumedTimes: "1", properties: "map[region:hz]", body: `{"id":"o1"}`},
		{consumedTimes: "1", properties: "map[]", body: "plain"},
		{tag: "paid", shardingKey: "o2", consumedTimes: "1", properties: "map[]", body: "sharded"},
	}
	got := messages(t, out)
	if len(got) != len(want) {
		t.Fatalf("printed %d messages, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if len(got[i].id) != 32 {
			t.Errorf("message %d has ID %q", i, got[i].id)
		}
		got[i].id = ""
		if got[i] != want[i] {
			t.Errorf("message %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// Acknowledged: a second run gets nothing, and says so.
	out, err = consumeOut(t, conn, "-topic", "orders", "-n", "1", "-wait", "1s")
	if err == nil || !strings.Contains(err.Error(), "received 0 of 1 messages within 1s") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
}

func TestNoMessage(t *testing.T) {
	_, conn, _ := mqtest.Start(t, rocketmq.Config{})
	start := time.Now()
	out, err := consumeOut(t, conn, "-topic", "empty", "-wait", "1s")
	if err != nil {
		t.Fatalf("consume for 1s: %v\n%s", err, out)
	}
	if !strings.Contains(out, "no new message in 1 s") || !strings.Contains(out, "consumed 0 messages") {
		t.Errorf("output:\n%s", out)
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 20*time.Second {
		t.Errorf("a 1s consume took %v", d)
	}
}

func TestTagFilter(t *testing.T) {
	_, conn, client := mqtest.Start(t, rocketmq.Config{})
	for _, tag := range []string{"created", "paid", "cancelled", "paid"} {
		publish(t, client, "orders", mq.PublishMessageRequest{MessageBody: tag, MessageTag: tag})
	}
	out, err := consumeOut(t, conn, "-topic", "orders", "-tag", "paid||cancelled", "-wait", "1s")
	if err != nil {
		t.Fatalf("consume: %v\n%s", err, out)
	}
	var tags []string
	for _, m := range messages(t, out) {
		tags = append(tags, m.tag)
	}
	if got := strings.Join(tags, ","); got != "paid,cancelled,paid" {
		t.Errorf("tags %s, want paid,cancelled,paid:\n%s", got, out)
	}
}

func TestOrderly(t *testing.T) {
	_, conn, client := mqtest.Start(t, rocketmq.Config{})
	for i := range 12 {
		key := fmt.Sprint("o", i%3)
		publish(t, client, "orders", mq.PublishMessageRequest{MessageBody: fmt.Sprint(key, "/", i/3), ShardingKey: key})
	}
	out, err := consumeOut(t, conn, "-topic", "orders", "-orderly", "-n", "12", "-wait", "10s")
	if err != nil {
		t.Fatalf("consume: %v\n%s", err, out)
	}
	steps := map[string][]string{}
	for _, m := range messages(t, out) {
		key, step, _ := strings.Cut(m.body, "/")
		if key != m.shardingKey {
			t.Errorf("message %q has sharding key %q", m.body, m.shardingKey)
		}
		steps[key] = append(steps[key], step)
	}
	for _, key := range []string{"o0", "o1", "o2"} {
		if got := strings.Join(steps[key], ","); got != "0,1,2,3" {
			t.Errorf("%s arrived as %s, want 0,1,2,3:\n%s", key, got, out)
		}
	}
}

func TestRedeliveryCountsConsumedTimes(t *testing.T) {
	cfg, clock := mqtest.WithClock()
	_, conn, client := mqtest.Start(t, cfg)
	publish(t, client, "orders", mq.PublishMessageRequest{MessageBody: "again"})
	// A consumer that takes the message and never acknowledges it.
	lost := client.GetConsumer("", "orders", "GID_consume", "")
	if _, err := mqclient.Receive(t.Context(), func(respc chan mq.ConsumeMessageResponse, errc chan error) {
		lost.ConsumeMessage(respc, errc, 1, 1)
	}); err != nil {
		t.Fatalf("first delivery: %v", err)
	}
	clock.Add(6 * time.Minute) // past its NextConsumeTime (5 minutes)
	out, err := consumeOut(t, conn, "-topic", "orders", "-n", "1", "-wait", "5s")
	if err != nil {
		t.Fatalf("consume: %v\n%s", err, out)
	}
	if ms := messages(t, out); len(ms) != 1 || ms[0].consumedTimes != "2" || ms[0].body != "again" {
		t.Errorf("redelivery printed as %+v", ms)
	}
}

func TestBadFlags(t *testing.T) {
	conn := mqclient.FromEnv(func(string) string { return "" })
	for _, tc := range []struct{ args, want string }{
		{"-n 1", "-topic is required"},
		{"-topic t -group=", "-group must not be empty"},
		{"-topic t -n -1", "-n -1"},
		{"-topic t -wait -1s", "-wait -1s"},
		{"-topic t -endpoint nowhere", `endpoint "nowhere"`},
		{"-topic t extra", "unexpected arguments"},
	} {
		if _, err := consumeOut(t, conn, strings.Fields(tc.args)...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("consume %s: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}
