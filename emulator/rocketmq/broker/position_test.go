package broker

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func TestSubscribePositions(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "old1")
	clock.Advance(time.Minute)
	mid := clock.Now()
	publishBodies(t, b, "T", "old2")
	for _, tc := range []struct {
		group string
		from  Position
		want  []string
	}{
		{"GID-first", Position{From: FromEarliest}, []string{"old1", "old2", "new"}},
		{"GID-last", Position{From: FromLatest}, []string{"new"}},
		{"GID-time", Position{From: FromTime, Time: mid}, []string{"old2", "new"}},
		{"GID-future", Position{From: FromTime, Time: mid.Add(time.Hour)}, []string{"new"}},
	} {
		created, err := b.Subscribe("", "T", tc.group, tc.from)
		if err != nil || !created {
			t.Fatalf("Subscribe %s from %s = %v, %v", tc.group, tc.from, created, err)
		}
	}
	publishBodies(t, b, "T", "new")
	for _, tc := range []struct {
		group string
		want  []string
	}{
		{"GID-first", []string{"old1", "old2", "new"}},
		{"GID-last", []string{"new"}},
		{"GID-time", []string{"old2", "new"}},
		{"GID-future", []string{"new"}},
	} {
		wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: tc.group}), tc.want...)
	}
	// An existing subscription keeps its progress.
	if created, err := b.Subscribe("", "T", "GID-last", Position{From: FromEarliest}); err != nil || created {
		t.Fatalf("Subscribe again = %v, %v", created, err)
	}
	clock.Advance(DefaultInvisibleTime + time.Second)
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-last"}), "new") // redelivered, not "old1"
}

func TestSubscriptionPositionSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	b := boltBroker(t, path, clock, Config{Retention: time.Hour})
	publishBodies(t, b, "T", "before")
	if _, err := b.Subscribe("", "T", "GID-last", Position{From: FromLatest}); err != nil {
		t.Fatal(err)
	}
	closeBroker(t, b)

	// The message before the position expires while the broker is closed:
	// numbering goes on, and the group still starts after it.
	clock.Advance(2 * time.Hour)
	b = boltBroker(t, path, clock, Config{Retention: time.Hour})
	publishBodies(t, b, "T", "after")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-last"}), "after")
	closeBroker(t, b)
}

func TestResetOffset(t *testing.T) {
	b, clock := newTestBroker(t, Config{MaxReconsumeTimes: 1, InvisibleTime: time.Minute})
	publishBodies(t, b, "T", "1", "2")
	clock.Advance(time.Minute)
	mid := clock.Now()
	publishBodies(t, b, "T", "3", "4")
	ds := mustConsume(t, b, ConsumeRequest{})
	mustAck(t, b, "T", "GID-a", ds[:3]...) // "4" will be dead-lettered
	clock.Advance(time.Minute)
	b.Tick()
	if bl := backlogOf(t, b, "T", "GID-a"); bl.Dead != 1 || bl.Ready != 0 {
		t.Fatalf("backlog before the reset = %+v", bl)
	}

	// Back to a time: 3 and 4 again, the dead letter included.
	n, err := b.ResetOffset("", "T", "GID-a", Position{From: FromTime, Time: mid})
	if err != nil || n != 2 {
		t.Fatalf("ResetOffset to %s = %d, %v", mid, n, err)
	}
	if dead, _ := b.DeadLetters("", "T", "GID-a"); len(dead) != 0 {
		t.Errorf("dead letters after the reset: %d", len(dead))
	}
	again := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, again, "3", "4")
	// To the earliest: handles of deliveries in flight end.
	if n, err := b.ResetOffset("", "T", "GID-a", Position{From: FromEarliest}); err != nil || n != 4 {
		t.Fatalf("ResetOffset to earliest = %d, %v", n, err)
	}
	failed, err := b.Ack(ctx, "", "T", "GID-a", handles(again))
	if err != nil || len(failed) != 2 || failed[0].Code != CodeMessageNotExist {
		t.Fatalf("ack after the reset = %+v, %v", failed, err)
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "1", "2", "3", "4")
	// To the latest: nothing until the next message.
	if n, err := b.ResetOffset("", "T", "GID-a", Position{From: FromLatest}); err != nil || n != 0 {
		t.Fatalf("ResetOffset to latest = %d, %v", n, err)
	}
	clock.Advance(2 * time.Minute)
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("delivered after a reset to the latest: %q", bodies(ds))
	}
	publishBodies(t, b, "T", "5")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "5")

	if _, err := b.ResetOffset("", "T", "GID-none", Position{}); !errors.Is(err, ErrGroupNotExist) {
		t.Errorf("reset of a group that never consumed: %v", err)
	}
	if _, err := b.ResetOffset("", "nope", "GID-a", Position{}); !errors.Is(err, ErrTopicNotExist) {
		t.Errorf("reset on an unknown topic: %v", err)
	}
}

func TestResetOffsetIsDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	b := boltBroker(t, path, clock, Config{})
	publishBodies(t, b, "T", "1", "2")
	mustAck(t, b, "T", "GID-a", mustConsume(t, b, ConsumeRequest{})...)
	if _, err := b.ResetOffset("", "T", "GID-a", Position{From: FromEarliest}); err != nil {
		t.Fatal(err)
	}
	ds := mustConsume(t, b, ConsumeRequest{Max: 1})
	mustAck(t, b, "T", "GID-a", ds...)
	closeBroker(t, b)
	b = boltBroker(t, path, clock, Config{})
	defer closeBroker(t, b)
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "2")
}

func TestBacklog(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	t0 := clock.Now()
	publishBodies(t, b, "T", "1", "2", "3")
	mustPublish(t, b, Message{Topic: "T", Body: []byte("later"), StartDeliverTime: clock.Ms() + 60_000})
	ds := mustConsume(t, b, ConsumeRequest{Max: 2})
	mustAck(t, b, "T", "GID-a", ds[0])
	if _, err := b.Subscribe("", "T", "GID-b", Position{From: FromLatest}); err != nil {
		t.Fatal(err)
	}
	mustPublish(t, b, Message{Instance: "MQ_INST_other", Topic: "T", Body: []byte("elsewhere")})
	got, err := b.Backlogs("")
	if err != nil {
		t.Fatal(err)
	}
	want := []Backlog{
		{Topic: "T", Group: "GID-a", Ready: 2, InFlight: 1, Oldest: time.UnixMilli(t0.UnixMilli()), Retained: 4},
		{Topic: "T", Group: "GID-b", Retained: 4},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Backlogs =\n %+v\nwant\n %+v", got, want)
	}
	if topics, err := b.Topics("MQ_INST_other"); err != nil || fmt.Sprint(topics) != "[T]" {
		t.Errorf("Topics = %v, %v", topics, err)
	}
}

func backlogOf(t *testing.T, b *Broker, topic, group string) Backlog {
	t.Helper()
	all, err := b.Backlogs("")
	if err != nil {
		t.Fatal(err)
	}
	for _, bl := range all {
		if bl.Topic == topic && bl.Group == group {
			return bl
		}
	}
	t.Fatalf("no backlog for %s/%s in %+v", topic, group, all)
	return Backlog{}
}

func TestInstances(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	mustPublish(t, b, Message{Instance: "MQ_INST_b", Topic: "T"})
	mustPublish(t, b, Message{Instance: "MQ_INST_a", Topic: "T"})
	mustPublish(t, b, Message{Instance: "MQ_INST_a", Topic: "U"})
	if got, err := b.Instances(); err != nil || fmt.Sprint(got) != "[MQ_INST_a MQ_INST_b]" {
		t.Fatalf("Instances = %v, %v", got, err)
	}
}
