package broker

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func mustQueues(t *testing.T, b *Broker, topic string) []QueueInfo {
	t.Helper()
	qs, err := b.Queues("", topic)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func mustPull(t *testing.T, b *Broker, r PullRequest) PullResult {
	t.Helper()
	if r.Topic == "" {
		r.Topic = "T"
	}
	if r.Max == 0 {
		r.Max = MaxPull
	}
	res, err := b.Pull(ctx, r)
	if err != nil {
		t.Fatalf("Pull %+v: %v", r, err)
	}
	return res
}

func pulledBodies(res PullResult) []string {
	var out []string
	for _, m := range res.Messages {
		out = append(out, string(m.Body))
	}
	return out
}

// TestQueueOffsets checks that messages are spread over the topic's
// queues, each with consecutive offsets from 0, that a sharding key keeps
// to one queue and that publish results and deliveries agree on where a
// message is.
func TestQueueOffsets(t *testing.T) {
	b, _ := newTestBroker(t, Config{Queues: 4})
	where := map[string][2]int64{}
	for i := range 8 {
		body := fmt.Sprint(i)
		res := mustPublish(t, b, Message{Topic: "T", Body: []byte(body)})
		if res.QueueID != i%4 || res.QueueOffset != int64(i/4) {
			t.Fatalf("message %d: queue %d offset %d, want %d, %d", i, res.QueueID, res.QueueOffset, i%4, i/4)
		}
		where[body] = [2]int64{int64(res.QueueID), res.QueueOffset}
	}
	for _, q := range mustQueues(t, b, "T") {
		if q.Min != 0 || q.Max != 2 {
			t.Errorf("queue %+v, want offsets 0..2", q)
		}
	}
	for _, d := range mustConsume(t, b, ConsumeRequest{Max: 16}) {
		if got := [2]int64{int64(d.QueueID), d.QueueOffset}; got != where[string(d.Body)] {
			t.Errorf("delivery of %s at %v, published at %v", d.Body, got, where[string(d.Body)])
		}
	}
	first := mustPublish(t, b, Message{Topic: "T", ShardingKey: "order-1"})
	for range 5 {
		if res := mustPublish(t, b, Message{Topic: "T", ShardingKey: "order-1"}); res.QueueID != first.QueueID {
			t.Fatalf("sharding key in queues %d and %d", first.QueueID, res.QueueID)
		}
	}
	res, err := b.PublishToQueue(ctx, Message{Topic: "T", Body: []byte("q3")}, 3)
	if err != nil || res.QueueID != 3 {
		t.Fatalf("PublishToQueue 3: %+v, %v", res, err)
	}
	if _, err := b.PublishToQueue(ctx, Message{Topic: "T"}, 4); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("PublishToQueue to queue 4 of 4: %v", err)
	}
	if _, err := b.Queues("", "nope"); !errors.Is(err, ErrTopicNotExist) {
		t.Errorf("Queues of an unknown topic: %v", err)
	}
}

// TestDelayedMessageTakesItsOffsetWhenDue checks that a delayed message is
// in no queue until it is due, does not hold back the messages after it,
// and then takes the next offset of its queue.
func TestDelayedMessageTakesItsOffsetWhenDue(t *testing.T) {
	b, clock := newTestBroker(t, Config{Queues: 1})
	res := mustPublish(t, b, Message{Topic: "T", Body: []byte("later"), StartDeliverTime: clock.Ms() + 10_000})
	if res.QueueOffset != -1 {
		t.Fatalf("delayed message at offset %d before it is due", res.QueueOffset)
	}
	publishBodies(t, b, "T", "now")
	p := mustPull(t, b, PullRequest{})
	if p.Status != PullFound || !equal(pulledBodies(p), []string{"now"}) || p.Next != 1 {
		t.Fatalf("pull before the delay ends: %+v", p)
	}
	clock.Advance(10 * time.Second)
	b.Tick()
	p = mustPull(t, b, PullRequest{Offset: 1})
	if p.Status != PullFound || !equal(pulledBodies(p), []string{"later"}) || p.Messages[0].QueueOffset != 1 {
		t.Fatalf("pull after the delay: %+v", p)
	}
	ds := mustConsume(t, b, ConsumeRequest{Max: 16})
	for _, d := range ds {
		if string(d.Body) == "later" && d.QueueOffset != 1 {
			t.Errorf("delivery of the delayed message at offset %d, want 1", d.QueueOffset)
		}
	}
}

// TestPull checks the outcomes of pulling a queue.
func TestPull(t *testing.T) {
	b, clock := newTestBroker(t, Config{Queues: 1, Retention: time.Hour})
	for i, tag := range []string{"a", "b", "a", "b"} {
		mustPublish(t, b, Message{Topic: "T", Tag: tag, Body: []byte(fmt.Sprint(i))})
	}
	if p := mustPull(t, b, PullRequest{Max: 2}); p.Status != PullFound || !equal(pulledBodies(p), []string{"0", "1"}) || p.Next != 2 {
		t.Errorf("first two: %+v", p)
	}
	if p := mustPull(t, b, PullRequest{Tag: "a || c"}); !equal(pulledBodies(p), []string{"0", "2"}) || p.Next != 4 {
		t.Errorf("tag a: %+v", p)
	}
	if p := mustPull(t, b, PullRequest{Offset: 3, Tag: "a"}); p.Status != PullNoMatchedMessage || p.Next != 4 {
		t.Errorf("no match: %+v", p)
	}
	if p := mustPull(t, b, PullRequest{Offset: 4}); p.Status != PullNoNewMessage || p.Next != 4 || p.Max != 4 {
		t.Errorf("at the end: %+v", p)
	}
	if p := mustPull(t, b, PullRequest{Offset: 9}); p.Status != PullOffsetIllegal || p.Next != 4 {
		t.Errorf("past the end: %+v", p)
	}
	if _, err := b.Pull(ctx, PullRequest{Topic: "T", Max: MaxPull + 1}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("pull of %d: %v", MaxPull+1, err)
	}
	if _, err := b.Pull(ctx, PullRequest{Topic: "T", Queue: 1, Max: 1}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("pull of queue 1 of 1: %v", err)
	}

	// A long poll at the end returns what is published meanwhile.
	got := make(chan PullResult, 1)
	go func() {
		p, err := b.Pull(ctx, PullRequest{Topic: "T", Offset: 4, Max: 1, Wait: MaxWait})
		if err != nil {
			t.Error(err)
		}
		got <- p
	}()
	publishBodies(t, b, "T", "4")
	if p := <-got; p.Status != PullFound || !equal(pulledBodies(p), []string{"4"}) {
		t.Errorf("long poll: %+v", p)
	}

	clock.Advance(time.Hour)
	b.Tick()
	q := mustQueues(t, b, "T")[0]
	if q.Min != 5 || q.Max != 5 {
		t.Errorf("after retention: queue %+v, want min = max = 5", q)
	}
	if p := mustPull(t, b, PullRequest{Offset: 1}); p.Status != PullOffsetIllegal || p.Next != 5 {
		t.Errorf("pull of expired offsets: %+v", p)
	}
}

// TestCommittedOffsets checks the offsets pull consumers commit, their
// reset and their backlog.
func TestCommittedOffsets(t *testing.T) {
	b, clock := newTestBroker(t, Config{Queues: 2})
	publishBodies(t, b, "T", "0", "1", "2", "3") // two in each queue
	if off, err := b.CommittedOffset("", "T", "GID-pull", 0); err != nil || off != -1 {
		t.Fatalf("before any commit: %d, %v", off, err)
	}
	if err := b.CommitOffset("", "T", "GID-pull", 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := b.CommitOffset("", "T", "GID-pull", 1, 99); err != nil {
		t.Fatal(err)
	}
	if off, _ := b.CommittedOffset("", "T", "GID-pull", 1); off != 2 {
		t.Errorf("commit past the end stored %d, want the max offset 2", off)
	}
	bl := backlogOf(t, b, "T", "GID-pull")
	if bl.Ready != 1 {
		t.Errorf("backlog %+v, want 1 ready", bl)
	}
	if err := b.CommitOffset("", "T", "GID-pull", 2, 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("commit to queue 2 of 2: %v", err)
	}
	if err := b.CommitOffset("", "T", "GID-pull", 0, -1); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("negative commit: %v", err)
	}

	clock.Advance(time.Minute)
	mid := clock.Now()
	publishBodies(t, b, "T", "4", "5")
	n, err := b.ResetOffset("", "T", "GID-pull", Position{From: FromTime, Time: mid})
	if err != nil || n != 2 {
		t.Fatalf("reset to %s: %d pending, %v; want 2", mid, n, err)
	}
	for q, want := range []int64{2, 2} {
		if off, _ := b.CommittedOffset("", "T", "GID-pull", q); off != want {
			t.Errorf("queue %d reset to %d, want %d", q, off, want)
		}
	}
	if n, err := b.ResetOffset("", "T", "GID-pull", Position{From: FromEarliest}); err != nil || n != 6 {
		t.Errorf("reset to earliest: %d, %v; want 6", n, err)
	}
}

// TestQueuesAcrossReopen checks that queue offsets, a delayed message's
// offset taken when due, committed offsets and the numbering after every
// message expired survive a reopen.
func TestQueuesAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	cfg := Config{Queues: 2, Retention: time.Hour}
	b := boltBroker(t, path, clock, cfg)
	publishBodies(t, b, "T", "0", "1", "2")
	mustPublish(t, b, Message{Topic: "T", Body: []byte("d"), StartDeliverTime: clock.Ms() + 1000})
	if err := b.CommitOffset("", "T", "GID-pull", 0, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	b.Tick() // d takes offset 1 of queue 1
	closeBroker(t, b)

	b = boltBroker(t, path, clock, Config{Queues: 8, Retention: time.Hour}) // the topic keeps its 2 queues
	qs := mustQueues(t, b, "T")
	if len(qs) != 2 || qs[0].Max != 2 || qs[1].Max != 2 {
		t.Fatalf("after reopen: %+v, want 2 queues of 2", qs)
	}
	p := mustPull(t, b, PullRequest{Queue: 1, Offset: 1})
	if !equal(pulledBodies(p), []string{"d"}) || p.Messages[0].QueueOffset != 1 {
		t.Fatalf("delayed message after reopen: %+v", p)
	}
	if off, _ := b.CommittedOffset("", "T", "GID-pull", 0); off != 1 {
		t.Errorf("committed offset after reopen: %d", off)
	}
	clock.Advance(2 * time.Hour)
	b.Tick() // every message expires
	closeBroker(t, b)

	b = boltBroker(t, path, clock, cfg)
	defer closeBroker(t, b)
	for _, q := range mustQueues(t, b, "T") {
		if q.Min != 2 || q.Max != 2 {
			t.Errorf("queue %+v after every message expired, want min = max = 2", q)
		}
	}
	if res := mustPublish(t, b, Message{Topic: "T"}); res.QueueOffset != 2 {
		t.Errorf("next message at offset %d, want 2", res.QueueOffset)
	}
}
