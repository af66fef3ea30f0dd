package broker

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// The long-poll tests run in a synctest bubble: synctest.Wait returns once
// the consumer is parked in its wait, so the event that follows tests the
// wake-up (not a consume that had not started yet), and a wake-up that
// does not come shows as the fake clock running to the poll's end.

// consumeAsync runs a long-polling Consume and delivers its outcome.
func consumeAsync(b *Broker, c context.Context, r ConsumeRequest) <-chan error {
	out := make(chan error, 1)
	go func() {
		ds, err := b.Consume(c, r)
		if err == nil && len(ds) == 0 {
			err = errors.New("no message")
		}
		out <- err
	}()
	return out
}

func TestLongPollWokenByPublish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, _ := newTestBroker(t, Config{})
		done := consumeAsync(b, ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Wait: 20 * time.Second})
		synctest.Wait()
		if n := b.Waiting(); n != 1 {
			t.Fatalf("Waiting() = %d with one long poll parked", n)
		}
		start := time.Now()
		publishBodies(t, b, "T", "hello")
		if err := <-done; err != nil {
			t.Fatalf("long poll not woken by Publish: %v", err)
		}
		if el := time.Since(start); el != 0 {
			t.Errorf("woken after %s of the bubble's clock, want at once", el)
		}
		if n := b.Waiting(); n != 0 {
			t.Errorf("Waiting() = %d once the long poll returned", n)
		}
	})
}

func TestLongPollWokenByAckForOrdered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, _ := newTestBroker(t, Config{})
		publishKeyed(t, b, "k", "1", "k", "2")
		first := consumeOrdered(t, b, 1)
		done := consumeAsync(b, ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Wait: 20 * time.Second, Ordered: true})
		synctest.Wait()
		mustAck(t, b, "T", "GID-a", first...)
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("ordered long poll not woken by Ack")
		}
	})
}

func TestLongPollReturnsEmptyAfterWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, err := Open(Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		start := time.Now()
		ds, err := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 4, Wait: 50 * time.Millisecond})
		el := time.Since(start)
		if err != nil || ds != nil {
			t.Fatalf("Consume = %v, %v", ds, err)
		}
		if el != 50*time.Millisecond {
			t.Errorf("returned after %s, want 50ms", el)
		}
	})
}

func TestLongPollEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, _ := newTestBroker(t, Config{})
		c, cancel := context.WithCancel(ctx)
		done := consumeAsync(b, c, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Wait: 20 * time.Second})
		synctest.Wait()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("long poll ignored its context")
		}
	})
}

func TestLongPollEndsWithClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, err := Open(Config{Clock: newFakeClock().Now})
		if err != nil {
			t.Fatal(err)
		}
		done := consumeAsync(b, ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Wait: 20 * time.Second})
		synctest.Wait()
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("err = %v, want ErrClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("long poll survived Close")
		}
		if _, err := b.Publish(ctx, Message{Topic: "T"}); !errors.Is(err, ErrClosed) {
			t.Errorf("Publish after Close: %v", err)
		}
		if err := b.Close(); !errors.Is(err, ErrClosed) {
			t.Errorf("second Close: %v", err)
		}
	})
}

func TestLongPollWokenByRedelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, clock := newTestBroker(t, Config{})
		publishBodies(t, b, "T", "m")
		mustConsume(t, b, ConsumeRequest{})
		done := consumeAsync(b, ctx, ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1, Wait: 20 * time.Second})
		synctest.Wait()
		clock.Advance(DefaultInvisibleTime)
		b.Tick()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("long poll not woken when invisibility ended")
		}
	})
}
