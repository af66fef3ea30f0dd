package broker

import (
	"testing"
	"time"
)

func publishKeyed(t *testing.T, b *Broker, pairs ...string) {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		mustPublish(t, b, Message{Topic: "T", ShardingKey: pairs[i], Body: []byte(pairs[i+1])})
	}
}

func consumeOrdered(t *testing.T, b *Broker, max int) []Delivery {
	t.Helper()
	return mustConsume(t, b, ConsumeRequest{Ordered: true, Max: max})
}

func byBody(ds []Delivery, body string) Delivery {
	for _, d := range ds {
		if string(d.Body) == body {
			return d
		}
	}
	return Delivery{}
}

func TestOrderedPartitionsBlockUntilAcked(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	publishKeyed(t, b, "k1", "k1-1", "k2", "k2-1", "k1", "k1-2", "k1", "k1-3", "k2", "k2-2")
	first := consumeOrdered(t, b, 16)
	wantBodies(t, first, "k1-1", "k2-1", "k1-2", "k1-3", "k2-2")
	if first[0].NextConsumeTime != clock.Ms()+DefaultOrderInvisibleTime.Milliseconds() {
		t.Errorf("NextConsumeTime = %d, want now + OrderInvisibleTime", first[0].NextConsumeTime)
	}

	publishKeyed(t, b, "k1", "k1-4", "k2", "k2-3")
	if ds := consumeOrdered(t, b, 16); len(ds) != 0 {
		t.Fatalf("partitions with unacked messages delivered %q", bodies(ds))
	}
	mustAck(t, b, "T", "GID-a", byBody(first, "k2-1"), byBody(first, "k2-2"))
	wantBodies(t, consumeOrdered(t, b, 16), "k2-3")

	// k1-2 stays unacked: after OrderInvisibleTime exactly it comes back.
	mustAck(t, b, "T", "GID-a", byBody(first, "k1-1"), byBody(first, "k1-3"))
	if ds := consumeOrdered(t, b, 16); len(ds) != 0 {
		t.Fatalf("k1 delivered %q while k1-2 is unacked", bodies(ds))
	}
	clock.Advance(DefaultOrderInvisibleTime)
	again := consumeOrdered(t, b, 16)
	wantBodies(t, again, "k1-2", "k2-3")
	if d := again[0]; d.ConsumedTimes != 2 || d.ReceiptHandle == byBody(first, "k1-2").ReceiptHandle {
		t.Fatalf("redelivery = %+v", d)
	}
	mustAck(t, b, "T", "GID-a", again...)
	wantBodies(t, consumeOrdered(t, b, 16), "k1-4")
}

func TestOrderedRespectsMax(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishKeyed(t, b, "k", "1", "k", "2", "k", "3")
	first := consumeOrdered(t, b, 2)
	wantBodies(t, first, "1", "2")
	if ds := consumeOrdered(t, b, 2); len(ds) != 0 {
		t.Fatalf("delivered %q while 1 and 2 are unacked", bodies(ds))
	}
	mustAck(t, b, "T", "GID-a", first...)
	wantBodies(t, consumeOrdered(t, b, 2), "3")
}

func TestOrderedWithoutShardingKeyIsOnePartition(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "a")
	first := consumeOrdered(t, b, 16)
	publishBodies(t, b, "T", "b")
	if ds := consumeOrdered(t, b, 16); len(ds) != 0 {
		t.Fatalf("keyless message delivered while another is unacked: %q", bodies(ds))
	}
	mustAck(t, b, "T", "GID-a", first...)
	wantBodies(t, consumeOrdered(t, b, 16), "b")
}

func TestOrderedDelayedMessageHoldsPartition(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	mustPublish(t, b, Message{Topic: "T", ShardingKey: "k", Body: []byte("late"), StartDeliverTime: clock.Ms() + 1000})
	publishKeyed(t, b, "k", "next", "j", "other")
	wantBodies(t, consumeOrdered(t, b, 16), "other")
	clock.Advance(time.Second)
	wantBodies(t, consumeOrdered(t, b, 16), "late", "next")
}

func TestOrderedDeadLetterFreesPartition(t *testing.T) {
	b, clock := newTestBroker(t, Config{MaxReconsumeTimes: 2})
	publishKeyed(t, b, "k", "poison", "k", "next")
	wantBodies(t, consumeOrdered(t, b, 1), "poison")
	clock.Advance(DefaultOrderInvisibleTime)
	wantBodies(t, consumeOrdered(t, b, 1), "poison")
	clock.Advance(DefaultOrderInvisibleTime)
	wantBodies(t, consumeOrdered(t, b, 1), "next")
}

func TestNormalConsumerIgnoresPartitions(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishKeyed(t, b, "k", "1")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Max: 1}), "1")
	publishKeyed(t, b, "k", "2")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "2")
}
