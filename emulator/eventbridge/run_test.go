package eventbridge

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/runtime/event"
)

// wallBridge is a broker and a bridge on the wall clock.
func wallBridge(t *testing.T) (*broker.Broker, *Bridge) {
	t.Helper()
	mq, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mq.Close() })
	b, err := New(Config{Broker: mq})
	if err != nil {
		t.Fatal(err)
	}
	return mq, b
}

// chanSink sends each payload's messages on a channel.
type chanSink chan []event.Message

func (c chanSink) Deliver(_ context.Context, payload []byte, _ string) (Outcome, error) {
	p, err := event.Decode(payload)
	if err != nil {
		return Outcome{}, err
	}
	c <- p.Messages
	return Outcome{}, nil
}

// receive waits for a delivery.
func receive(t *testing.T, c chanSink) []event.Message {
	t.Helper()
	select {
	case ms := <-c:
		return ms
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery within 10 s")
		return nil
	}
}

func TestRunWithTheWallClock(t *testing.T) {
	mq, b := wallBridge(t)
	stream := make(chanSink, 10)
	if err := b.Add(Trigger{Name: "s", Function: "fn", Topic: "S", BatchCount: 10, BatchWindow: 300 * time.Millisecond}, stream); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- b.Run(runCtx) }()

	start := time.Now()
	mq.Publish(ctx, messageOn("S", "one"))
	mq.Publish(ctx, messageOn("S", "two"))
	if ms := receive(t, stream); len(ms) != 2 || time.Since(start) < 290*time.Millisecond {
		t.Errorf("%d messages after %s, want both after the 300 ms window", len(ms), time.Since(start))
	}
	if rec := <-b.Events(); rec.Trigger != "s" || len(rec.EventIDs) != 2 || rec.Attempt != 1 || rec.Outcome.Failed {
		t.Errorf("record %+v", rec)
	}

	late := make(chanSink, 10)
	if err := b.Add(Trigger{Name: "late", Function: "fn", Topic: "L", Mode: ModeEventDriven}, late); err != nil {
		t.Fatal(err)
	}
	mq.Publish(ctx, messageOn("L", "added while running"))
	if ms := receive(t, late); string(ms[0].Body) != "added while running" {
		t.Errorf("got %q", ms[0].Body)
	}
	if err := b.Run(ctx); !errors.Is(err, errRunning) {
		t.Errorf("a second Run: %v", err)
	}
	stop()
	if err := <-ran; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// Run, stopped, waits for the invocation in flight, which finishes with
// its context intact. In a synctest bubble: synctest.Wait returns once Run
// has taken the stop and is waiting, so Run's not having returned then is
// the wait, not a race.
func TestRunWaitsForInvocationsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mq, b := wallBridge(t)
		started, release := make(chan struct{}), make(chan struct{})
		var finished atomic.Bool
		slow := SinkFunc(func(ctx context.Context, _ []byte, _ string) (Outcome, error) {
			close(started)
			<-release
			finished.Store(ctx.Err() == nil)
			return Outcome{}, nil
		})
		b.Add(Trigger{Name: "t", Function: "fn", Topic: "T", Mode: ModeEventDriven}, slow)
		runCtx, stop := context.WithCancel(ctx)
		ran := make(chan error, 1)
		go func() { ran <- b.Run(runCtx) }()
		mq.Publish(ctx, messageOn("T", "slow"))
		<-started
		stop()
		synctest.Wait()
		select {
		case err := <-ran:
			t.Fatalf("Run returned (%v) with an invocation in flight", err)
		default:
		}
		close(release)
		if err := <-ran; err != nil || !finished.Load() {
			t.Errorf("Run returned %v; the invocation finished uncancelled: %v", err, finished.Load())
		}
		if s := b.Stats("t"); s.Delivered != 1 {
			t.Errorf("stats %+v", s)
		}
	})
}

func TestRunStopsWhenTheBrokerCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mq, b := wallBridge(t)
		b.Add(Trigger{Name: "t", Function: "fn", Topic: "T"}, make(chanSink, 1))
		ran := make(chan error, 1)
		go func() { ran <- b.Run(ctx) }()
		synctest.Wait() // Run is consuming
		mq.Close()
		if err := <-ran; !errors.Is(err, broker.ErrClosed) {
			t.Errorf("Run: %v, want broker.ErrClosed", err)
		}
	})
}
