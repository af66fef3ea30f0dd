package broker

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func publishHalf(t *testing.T, b *Broker, body string, immunity int) PublishResult {
	t.Helper()
	res := mustPublish(t, b, Message{Topic: "T", Body: []byte(body), TransCheckImmunity: immunity})
	if res.ReceiptHandle == "" {
		t.Fatal("half message published without a receipt handle")
	}
	return res
}

func consumeHalf(t *testing.T, b *Broker) []Delivery {
	t.Helper()
	ds, err := b.ConsumeHalf(ctx, ConsumeRequest{Topic: "T", Group: "GID-producer", Max: 16})
	if err != nil {
		t.Fatalf("ConsumeHalf: %v", err)
	}
	return ds
}

func TestTransactionCommit(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	res := publishHalf(t, b, "tx", 10)
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("half message delivered: %q", bodies(ds))
	}
	clock.Advance(3 * time.Second)
	if err := b.Commit(ctx, "", "T", "", res.ReceiptHandle); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	ds := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, ds, "tx")
	if ds[0].ID != res.MessageID || ds[0].PublishTime != clock.Ms() {
		t.Errorf("committed message = %+v, want ID %s published now", ds[0].Message, res.MessageID)
	}
	err := b.Commit(ctx, "", "T", "", res.ReceiptHandle)
	if handleCode(err) != CodeMessageNotExist {
		t.Errorf("second Commit: %v", err)
	}
	if s := b.Stats(); s.Committed != 1 || s.Published != 1 {
		t.Errorf("stats = %+v", s)
	}
	if n := countRecords(t, b.store, bucketHalf); n != 0 {
		t.Errorf("%d half records after commit", n)
	}
}

func TestTransactionRollback(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	res := publishHalf(t, b, "tx", 10)
	if err := b.Rollback(ctx, "", "T", "GID-producer", res.ReceiptHandle); err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	clock.Advance(time.Minute)
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("rolled-back message delivered: %q", bodies(ds))
	}
	if ds := consumeHalf(t, b); len(ds) != 0 {
		t.Fatalf("rolled-back message offered for a check: %q", bodies(ds))
	}
	if n := countRecords(t, b.store, bucketHalf); n != 0 || b.Stats().RolledBack != 1 {
		t.Errorf("%d half records, stats %+v", n, b.Stats())
	}
}

func TestTransactionCheckBack(t *testing.T) {
	b, clock := newTestBroker(t, Config{HalfCheckInterval: 5 * time.Second})
	res := publishHalf(t, b, "tx", 10)
	clock.Advance(10*time.Second - time.Millisecond)
	if ds := consumeHalf(t, b); len(ds) != 0 {
		t.Fatalf("offered before the immunity time: %q", bodies(ds))
	}
	clock.Advance(time.Millisecond)
	if err := b.Commit(ctx, "", "T", "", res.ReceiptHandle); handleCode(err) != CodeMessageNotExist {
		t.Fatalf("commit with the publish handle after the immunity time: %v", err)
	}
	first := consumeHalf(t, b)
	wantBodies(t, first, "tx")
	if d := first[0]; d.ID != res.MessageID || d.ConsumedTimes != 1 || d.TransCheckImmunity != 10 ||
		d.NextConsumeTime != clock.Ms()+5000 {
		t.Fatalf("check = %+v", d)
	}
	if ds := consumeHalf(t, b); len(ds) != 0 {
		t.Fatalf("offered twice within the check interval: %q", bodies(ds))
	}
	clock.Advance(5 * time.Second)
	second := consumeHalf(t, b)
	wantBodies(t, second, "tx")
	if second[0].ConsumedTimes != 2 || second[0].ReceiptHandle == first[0].ReceiptHandle {
		t.Fatalf("second check = %+v", second[0])
	}
	if err := b.Commit(ctx, "", "T", "", first[0].ReceiptHandle); handleCode(err) != CodeMessageNotExist {
		t.Fatalf("commit with a superseded check handle: %v", err)
	}
	if err := b.Commit(ctx, "", "T", "", second[0].ReceiptHandle); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "tx")
}

func TestCheckHandleExpires(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	publishHalf(t, b, "tx", 10)
	clock.Advance(10 * time.Second)
	ds := consumeHalf(t, b)
	clock.Advance(DefaultHalfCheckInterval)
	err := b.Rollback(ctx, "", "T", "", ds[0].ReceiptHandle)
	var he *HandleError
	if !errors.As(err, &he) || he.Code != CodeMessageNotExist || he.Handle != ds[0].ReceiptHandle {
		t.Fatalf("rollback with an expired check handle: %v", err)
	}
}

func TestUnresolvedHalfMessageDropped(t *testing.T) {
	b, clock := newTestBroker(t, Config{HalfLifetime: time.Minute})
	publishHalf(t, b, "tx", 10)
	clock.Advance(time.Minute)
	b.Tick()
	if ds := consumeHalf(t, b); len(ds) != 0 {
		t.Fatalf("offered after its lifetime: %q", bodies(ds))
	}
	if n := countRecords(t, b.store, bucketHalf); n != 0 {
		t.Errorf("%d half records after the lifetime", n)
	}
}

func TestResolveHandleErrors(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "plain")
	ds := mustConsume(t, b, ConsumeRequest{})
	res := publishHalf(t, b, "tx", 10)
	for name, c := range map[string]struct{ topic, handle string }{
		"garbage":         {"T", "garbage"},
		"consumer handle": {"T", ds[0].ReceiptHandle},
		"other topic":     {"Other", res.ReceiptHandle},
	} {
		if err := b.Commit(ctx, "", c.topic, "", c.handle); handleCode(err) != CodeReceiptHandleError {
			t.Errorf("%s: Commit: %v", name, err)
		}
	}
	if _, err := b.Publish(ctx, Message{Topic: "T", Body: []byte("x"), TransCheckImmunity: 9}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("immunity 9 s: %v", err)
	}
	if _, err := b.Publish(ctx, Message{Topic: "T", Body: []byte("x"), TransCheckImmunity: 301}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("immunity 301 s: %v", err)
	}
}

func TestConsumeHalfLongPollWokenByTick(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, clock := newTestBroker(t, Config{})
		publishHalf(t, b, "tx", 10)
		got := make(chan []Delivery)
		go func() {
			ds, _ := b.ConsumeHalf(ctx, ConsumeRequest{Topic: "T", Group: "GID-producer", Max: 1, Wait: 10 * time.Second})
			got <- ds
		}()
		synctest.Wait() // the consumer is parked in its wait
		clock.Advance(10 * time.Second)
		b.Tick()
		select {
		case ds := <-got:
			wantBodies(t, ds, "tx")
		case <-time.After(5 * time.Second):
			t.Fatal("ConsumeHalf not woken by Tick")
		}
	})
}
