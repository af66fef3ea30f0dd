package broker

import (
	"strings"
	"testing"
	"time"
)

func TestDeadLetterAndRedrive(t *testing.T) {
	inv := time.Minute
	b, clock := newTestBroker(t, Config{InvisibleTime: inv, MaxReconsumeTimes: 3})
	publishBodies(t, b, "T", "poison", "fine")
	mustConsume(t, b, ConsumeRequest{Group: "GID-other"}) // another group, unaffected
	var last Delivery
	for i := 1; i <= 3; i++ {
		ds := mustConsume(t, b, ConsumeRequest{Max: 1})
		wantBodies(t, ds, "poison")
		if ds[0].ConsumedTimes != i {
			t.Fatalf("delivery %d has ConsumedTimes %d", i, ds[0].ConsumedTimes)
		}
		last = ds[0]
		clock.Advance(inv)
	}
	b.Tick()
	dead, err := b.DeadLetters("", "T", "GID-a")
	if err != nil || len(dead) != 1 {
		t.Fatalf("DeadLetters = %+v, %v", dead, err)
	}
	d := dead[0]
	if d.ID != last.ID || string(d.Body) != "poison" || d.ConsumedTimes != 3 || d.DeadAt != clock.Ms() ||
		!strings.Contains(d.Reason, "3 deliveries") {
		t.Fatalf("dead letter = %+v", d)
	}
	if s := b.Stats(); s.DeadLettered != 1 {
		t.Errorf("stats = %+v", s)
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "fine")
	if dead, _ := b.DeadLetters("", "T", "GID-other"); len(dead) != 0 {
		t.Fatalf("other group has dead letters: %+v", dead)
	}

	n, err := b.Redrive(ctx, "", "T", "GID-a", []string{"0123456789ABCDEF0123456789ABCDEF"})
	if err != nil || n != 0 {
		t.Fatalf("Redrive of an unknown ID = %d, %v", n, err)
	}
	n, err = b.Redrive(ctx, "", "T", "GID-a", []string{d.ID})
	if err != nil || n != 1 {
		t.Fatalf("Redrive = %d, %v", n, err)
	}
	ds := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, ds, "poison")
	if ds[0].ConsumedTimes != 1 {
		t.Errorf("redriven message has ConsumedTimes %d", ds[0].ConsumedTimes)
	}
	if dead, _ := b.DeadLetters("", "T", "GID-a"); len(dead) != 0 {
		t.Fatalf("dead letters after redrive: %+v", dead)
	}
}

func TestDeadLetteringWithoutTick(t *testing.T) {
	b, clock := newTestBroker(t, Config{InvisibleTime: time.Second, MaxReconsumeTimes: 1})
	publishBodies(t, b, "T", "a", "b")
	mustConsume(t, b, ConsumeRequest{})
	clock.Advance(time.Second)
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("delivered after the last delivery: %q", bodies(ds))
	}
	dead, err := b.DeadLetters("", "T", "GID-a")
	if err != nil || len(dead) != 2 || string(dead[0].Body) != "a" || string(dead[1].Body) != "b" {
		t.Fatalf("DeadLetters = %+v, %v", dead, err)
	}
	if n := countRecords(t, b.store, bucketDead); n != 2 {
		t.Errorf("%d dead-letter records, want 2", n)
	}
	n, err := b.Redrive(ctx, "", "T", "GID-a", nil)
	if err != nil || n != 2 {
		t.Fatalf("Redrive all = %d, %v", n, err)
	}
	if n := countRecords(t, b.store, bucketDead); n != 0 {
		t.Errorf("%d dead-letter records after redrive", n)
	}
	mustAck(t, b, "T", "GID-a", mustConsume(t, b, ConsumeRequest{})...)
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Errorf("redriven messages delivered again after their ack: %q", bodies(ds))
	}
}

// TestDeadLettersOutliveTheirMessage: a dead letter is retained from when
// it was dead-lettered, so it stays past its message's own retention.
func TestDeadLettersOutliveTheirMessage(t *testing.T) {
	b, clock := newTestBroker(t, Config{InvisibleTime: time.Hour, MaxReconsumeTimes: 1, Retention: 2 * time.Hour})
	publishBodies(t, b, "T", "dead", "acked")
	ds := mustConsume(t, b, ConsumeRequest{})
	mustAck(t, b, "T", "GID-a", ds[1])
	clock.Advance(time.Hour) // "dead" is dead-lettered an hour after publishing
	b.Tick()
	clock.Advance(time.Hour + time.Minute)
	b.Tick()
	if n := countRecords(t, b.store, bucketMsg); n != 1 {
		t.Errorf("%d messages stored past the retention, want the dead letter", n)
	}
	if dead, err := b.DeadLetters("", "T", "GID-a"); err != nil || len(dead) != 1 || string(dead[0].Body) != "dead" {
		t.Fatalf("DeadLetters = %+v, %v", dead, err)
	}
	clock.Advance(time.Hour)
	b.Tick()
	if n := countRecords(t, b.store, bucketMsg) + countRecords(t, b.store, bucketDead); n != 0 {
		t.Errorf("%d records left once the dead letter's retention ended", n)
	}
}

func TestDeadLettersOfUnknownGroup(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	dead, err := b.DeadLetters("", "T", "GID-none")
	if err != nil || dead != nil {
		t.Fatalf("DeadLetters = %+v, %v", dead, err)
	}
	if n, err := b.Redrive(ctx, "", "T", "GID-none", nil); n != 0 || err != nil {
		t.Fatalf("Redrive = %d, %v", n, err)
	}
}
