package broker

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestDelayedDelivery(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	at := clock.Ms() + 10_000
	mustPublish(t, b, Message{Topic: "T", Body: []byte("later"), StartDeliverTime: at})
	mustPublish(t, b, Message{Topic: "T", Body: []byte("past"), StartDeliverTime: clock.Ms() - 1000})
	publishBodies(t, b, "T", "now")
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "past", "now")
	clock.Advance(10*time.Second - time.Millisecond)
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("delivered early: %q", bodies(ds))
	}
	clock.Advance(time.Millisecond)
	ds := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, ds, "later")
	if ds[0].StartDeliverTime != at {
		t.Errorf("StartDeliverTime = %d, want %d", ds[0].StartDeliverTime, at)
	}
}

func TestDelayLimit(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	ok := clock.Ms() + MaxDeliverDelay.Milliseconds()
	mustPublish(t, b, Message{Topic: "T", Body: []byte("x"), StartDeliverTime: ok})
	_, err := b.Publish(ctx, Message{Topic: "T", Body: []byte("x"), StartDeliverTime: ok + 1})
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("delay beyond the limit: %v", err)
	}
}

func TestLongPollWokenByTickForDelayedMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, clock := newTestBroker(t, Config{})
		mustPublish(t, b, Message{Topic: "T", Body: []byte("later"), StartDeliverTime: clock.Ms() + 5000})
		mustConsume(t, b, ConsumeRequest{}) // subscribe
		got := make(chan []Delivery)
		go func() {
			ds, _ := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Wait: 10 * time.Second})
			got <- ds
		}()
		synctest.Wait() // the consumer is parked in its wait
		clock.Advance(5 * time.Second)
		b.Tick()
		select {
		case ds := <-got:
			wantBodies(t, ds, "later")
		case <-time.After(5 * time.Second):
			t.Fatal("long poll not woken by Tick")
		}
	})
}

func TestRealClockTimerDeliversDelayedMessage(t *testing.T) {
	b, err := Open(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	start := time.Now()
	mustPublish(t, b, Message{Topic: "T", Body: []byte("soon"), StartDeliverTime: start.Add(100 * time.Millisecond).UnixMilli()})
	ds, err := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Wait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	wantBodies(t, ds, "soon")
	if el := time.Since(start); el < 90*time.Millisecond || el > 3*time.Second {
		t.Errorf("delivered after %s, want about 100ms", el)
	}
}
