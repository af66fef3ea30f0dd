package broker

import (
	"errors"
	"testing"
	"time"
)

// TestConsumeInvisible: a delivery stays invisible for the duration the
// consumer asked for, not the broker's InvisibleTime.
func TestConsumeInvisible(t *testing.T) {
	b, clock := newTestBroker(t, Config{InvisibleTime: time.Minute})
	publishBodies(t, b, "T", "m")
	first := mustConsume(t, b, ConsumeRequest{Invisible: 10 * time.Second})
	if len(first) != 1 || first[0].NextConsumeTime != clock.Ms()+10_000 {
		t.Fatalf("delivery %+v, want invisible for 10 s", first)
	}
	clock.Advance(10 * time.Second)
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "m")
	for _, d := range []time.Duration{-time.Second, MaxInvisible + time.Millisecond} {
		if _, err := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Invisible: d}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Invisible %s: %v, want ErrInvalidArgument", d, err)
		}
	}
}

// TestChangeInvisible: the new handle replaces the old one, the message
// stays hidden for the new duration from now, and 0 shows it at once.
func TestChangeInvisible(t *testing.T) {
	b, clock := newTestBroker(t, Config{InvisibleTime: 30 * time.Second})
	publishBodies(t, b, "T", "m")
	d := mustConsume(t, b, ConsumeRequest{})[0]
	clock.Advance(20 * time.Second)
	h2, err := b.ChangeInvisible(ctx, "", "T", "GID-a", d.ReceiptHandle, time.Minute)
	if err != nil || h2 == "" || h2 == d.ReceiptHandle {
		t.Fatalf("ChangeInvisible: %q, %v", h2, err)
	}
	clock.Advance(59 * time.Second) // past the first 30 s, before the new minute
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("redelivered before the changed invisibility ended: %q", bodies(ds))
	}
	failed, err := b.Ack(ctx, "", "T", "GID-a", []string{d.ReceiptHandle})
	if err != nil || len(failed) != 1 || failed[0].Code != CodeMessageNotExist {
		t.Fatalf("ack with the replaced handle: %v %+v", err, failed)
	}
	h3, err := b.ChangeInvisible(ctx, "", "T", "GID-a", h2, 0)
	if err != nil {
		t.Fatal(err)
	}
	again := mustConsume(t, b, ConsumeRequest{})
	if len(again) != 1 || again[0].ConsumedTimes != 2 {
		t.Fatalf("after a change to 0: %+v, want the second delivery", again)
	}
	if _, err := b.ChangeInvisible(ctx, "", "T", "GID-a", h3, time.Minute); handleCode(err) != CodeMessageNotExist {
		t.Errorf("change of a handle whose delivery ended: %v", err)
	}
	if _, err := b.ChangeInvisible(ctx, "", "T", "GID-a", "garbage", time.Minute); handleCode(err) != CodeReceiptHandleError {
		t.Errorf("change of a malformed handle: %v", err)
	}
	if _, err := b.ChangeInvisible(ctx, "", "T", "GID-a", again[0].ReceiptHandle, MaxInvisible+time.Second); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("change beyond MaxInvisible: %v", err)
	}
	mustAck(t, b, "T", "GID-a", again...)
}

// TestDeadLetterNow: a consumer's forward to the dead letters takes the
// message out of delivery at once, with the reason given.
func TestDeadLetterNow(t *testing.T) {
	b, clock := newTestBroker(t, Config{InvisibleTime: 30 * time.Second})
	publishBodies(t, b, "T", "bad", "good")
	ds := mustConsume(t, b, ConsumeRequest{Max: 1})
	if err := b.DeadLetterNow(ctx, "", "T", "GID-a", ds[0].ReceiptHandle, "forwarded by the consumer"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "good")
	dead, err := b.DeadLetters("", "T", "GID-a")
	if err != nil || len(dead) != 1 || string(dead[0].Body) != "bad" || dead[0].Reason != "forwarded by the consumer" || dead[0].ConsumedTimes != 1 {
		t.Fatalf("dead letters %+v, %v", dead, err)
	}
	if err := b.DeadLetterNow(ctx, "", "T", "GID-a", ds[0].ReceiptHandle, ""); handleCode(err) != CodeMessageNotExist {
		t.Errorf("second forward: %v", err)
	}
}

// TestConsumeGrouped: messages of one message group come in publish
// order, none while an earlier one is invisible; messages without a
// group are not held back.
func TestConsumeGrouped(t *testing.T) {
	b, clock := newTestBroker(t, Config{InvisibleTime: 30 * time.Second})
	for _, m := range []Message{{Body: []byte("a1"), ShardingKey: "a"}, {Body: []byte("a2"), ShardingKey: "a"},
		{Body: []byte("n1")}, {Body: []byte("b1"), ShardingKey: "b"}, {Body: []byte("n2")}} {
		mustPublish(t, b, m)
	}
	first := mustConsume(t, b, ConsumeRequest{Grouped: true, Max: 1})
	wantBodies(t, first, "a1")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Grouped: true}), "n1", "b1", "n2")
	if ds := mustConsume(t, b, ConsumeRequest{Grouped: true}); len(ds) != 0 {
		t.Fatalf("while a1 is invisible: %q", bodies(ds))
	}
	mustAck(t, b, "T", "GID-a", first[0])
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Grouped: true}), "a2")
	clock.Advance(30 * time.Second) // n1, b1, n2 and a2 visible again
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Grouped: true}), "a2", "n1", "b1", "n2")
}
