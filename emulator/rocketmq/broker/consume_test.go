package broker

import (
	"crypto/md5"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPublishConsumeAck(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	res := mustPublish(t, b, Message{Topic: "T", Tag: "tagA", Body: []byte("one"), Keys: "k1 k2",
		Properties: map[string]string{"color": "red"}})
	if !regexp.MustCompile(`^[0-9A-F]{32}$`).MatchString(res.MessageID) {
		t.Errorf("MessageID %q is not 32 uppercase hex characters", res.MessageID)
	}
	sum := md5.Sum([]byte("one"))
	if res.BodyMD5 != strings.ToUpper(hex.EncodeToString(sum[:])) || res.ReceiptHandle != "" {
		t.Errorf("result = %+v", res)
	}
	publishBodies(t, b, "T", "two", "three")

	ds := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, ds, "one", "two", "three")
	d := ds[0]
	now := clock.Ms()
	if d.ID != res.MessageID || d.Tag != "tagA" || d.Keys != "k1 k2" || d.Properties["color"] != "red" ||
		d.BodyMD5 != res.BodyMD5 || d.PublishTime != now || d.Topic != "T" {
		t.Errorf("delivery = %+v", d)
	}
	if d.ConsumedTimes != 1 || d.FirstConsumeTime != now || d.NextConsumeTime != now+DefaultInvisibleTime.Milliseconds() {
		t.Errorf("delivery times = %d %d %d", d.ConsumedTimes, d.FirstConsumeTime, d.NextConsumeTime)
	}
	if ds[0].ReceiptHandle == ds[1].ReceiptHandle {
		t.Error("two deliveries share a handle")
	}
	if again := mustConsume(t, b, ConsumeRequest{}); len(again) != 0 {
		t.Fatalf("invisible messages delivered again: %q", bodies(again))
	}
	mustAck(t, b, "T", "GID-a", ds...)
	clock.Advance(DefaultInvisibleTime + time.Second)
	if again := mustConsume(t, b, ConsumeRequest{}); len(again) != 0 {
		t.Fatalf("acknowledged messages delivered again: %q", bodies(again))
	}
	if s := b.Stats(); s.Published != 3 || s.Delivered != 3 || s.Acked != 3 {
		t.Errorf("stats = %+v", s)
	}
}

func TestMaxLimitsBatch(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "1", "2", "3")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Max: 2}), "1", "2")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Max: 2}), "3")
}

func TestEveryGroupReceivesEveryMessage(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "x", "y")
	a := mustConsume(t, b, ConsumeRequest{Group: "GID-a"})
	c := mustConsume(t, b, ConsumeRequest{Group: "GID-b"})
	wantBodies(t, a, "x", "y")
	wantBodies(t, c, "x", "y")
	mustAck(t, b, "T", "GID-a", a...)
	mustAck(t, b, "T", "GID-b", c...)
	// Acknowledged by every group, the messages are still retained.
	if n := countRecords(t, b.store, bucketMsg); n != 2 {
		t.Errorf("%d messages stored after both groups acked, want 2 (retained)", n)
	}
}

func TestLateGroupStartsAtEarliestRetained(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "1", "2")
	mustAck(t, b, "T", "GID-a", mustConsume(t, b, ConsumeRequest{Group: "GID-a"})...)
	publishBodies(t, b, "T", "3")
	// GID-a consumed everything: a group that starts later still gets
	// every retained message.
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-late"}), "1", "2", "3")
}

func TestTagFilterMovesOnlyItsGroup(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	for _, tag := range []string{"A", "B", "A"} {
		mustPublish(t, b, Message{Topic: "T", Tag: tag, Body: []byte("m" + tag)})
	}
	mustAck(t, b, "T", "GID-a", mustConsume(t, b, ConsumeRequest{Group: "GID-a", Tag: "A"})...)
	// GID-a skipped B; a group starting later, and one filtering B, get it.
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-late"}), "mA", "mB", "mA")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-b", Tag: "B"}), "mB")
}

func TestCompetingConsumersGetDistinctMessages(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "1", "2")
	first := mustConsume(t, b, ConsumeRequest{Max: 1})
	second := mustConsume(t, b, ConsumeRequest{Max: 1})
	wantBodies(t, first, "1")
	wantBodies(t, second, "2")
	if third := mustConsume(t, b, ConsumeRequest{}); len(third) != 0 {
		t.Fatalf("third consumer got %q", bodies(third))
	}
}

func TestTagFilter(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	for _, g := range []string{"GID-b", "GID-c"} { // subscribe before publishing
		mustConsume(t, b, ConsumeRequest{Group: g})
	}
	for _, tag := range []string{"A", "B", "C", ""} {
		mustPublish(t, b, Message{Topic: "T", Tag: tag, Body: []byte("m" + tag)})
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Tag: "A||B"}), "mA", "mB")
	// C and the untagged message were skipped for GID-a, as if acked.
	if ds := mustConsume(t, b, ConsumeRequest{Tag: "*"}); len(ds) != 0 {
		t.Fatalf("skipped messages delivered: %q", bodies(ds))
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-b", Tag: " C "}), "mC")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-c"}), "mA", "mB", "mC", "m")
}

func TestInstancesAreSeparate(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	mustPublish(t, b, Message{Instance: "MQ_INST_1_x", Topic: "T", Body: []byte("ns")})
	mustPublish(t, b, Message{Topic: "T", Body: []byte("default")})
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Instance: "MQ_INST_1_x"}), "ns")
	ds := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, ds, "default")
	failed, err := b.Ack(ctx, "MQ_INST_1_x", "T", "GID-a", handles(ds))
	if err != nil || len(failed) != 1 || failed[0].Code != CodeReceiptHandleError {
		t.Fatalf("ack in another instance: %v %+v", err, failed)
	}
}
