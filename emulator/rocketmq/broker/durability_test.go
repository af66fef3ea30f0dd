package broker

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// boltBroker opens a broker on the bolt file path with clock.
func boltBroker(t *testing.T, path string, clock *fakeClock, cfg Config) *Broker {
	t.Helper()
	store, err := kv.OpenBolt(path, kv.Options{})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	cfg.Store, cfg.Clock = store, clock.Now
	b, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return b
}

func closeBroker(t *testing.T, b *Broker) {
	t.Helper()
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestReopenRedeliversUnackedOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	b := boltBroker(t, path, clock, Config{})
	publishBodies(t, b, "T", "acked", "unacked", "never-consumed")
	mustConsume(t, b, ConsumeRequest{Group: "GID-b", Max: 1}) // GID-b subscribes, consumes "acked"
	ds := mustConsume(t, b, ConsumeRequest{Max: 2})
	mustAck(t, b, "T", "GID-a", ds[0])
	closeBroker(t, b)

	b = boltBroker(t, path, clock, Config{})
	defer closeBroker(t, b)
	again := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, again, "unacked", "never-consumed")
	if again[0].ConsumedTimes != 1 {
		t.Errorf("ConsumedTimes after restart = %d, want 1", again[0].ConsumedTimes)
	}
	failed, err := b.Ack(ctx, "", "T", "GID-a", []string{ds[1].ReceiptHandle})
	if err != nil || len(failed) != 1 || failed[0].Code != CodeMessageNotExist {
		t.Errorf("ack of a handle from before the restart: %v %+v", err, failed)
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-b"}), "acked", "unacked", "never-consumed")
}

func TestReopenKeepsDeadLettersHalvesAndDelays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	cfg := Config{MaxReconsumeTimes: 1, InvisibleTime: time.Second, Strict: true}
	b := boltBroker(t, path, clock, cfg)
	for _, err := range []error{b.CreateTopic("", "T"), b.CreateGroup("", "GID-a")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	publishBodies(t, b, "T", "poison")
	mustConsume(t, b, ConsumeRequest{})
	clock.Advance(time.Second)
	b.Tick()
	half := publishHalf(t, b, "tx", 10)
	mustPublish(t, b, Message{Topic: "T", Body: []byte("delayed"), StartDeliverTime: clock.Ms() + 60_000})
	closeBroker(t, b)

	b = boltBroker(t, path, clock, cfg)
	defer closeBroker(t, b)
	dead, err := b.DeadLetters("", "T", "GID-a")
	if err != nil || len(dead) != 1 || string(dead[0].Body) != "poison" || dead[0].ConsumedTimes != 1 {
		t.Fatalf("dead letters after restart: %+v, %v", dead, err)
	}
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("delivered after restart: %q", bodies(ds))
	}
	if err := b.Commit(ctx, "", "T", "", half.ReceiptHandle); err != nil {
		t.Fatalf("Commit with the publish handle after restart: %v", err)
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "tx")
	clock.Advance(time.Minute)
	wantBodies(t, mustConsume(t, b, ConsumeRequest{}), "delayed")
}

func TestReopenOffersHalfMessagesForCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	b := boltBroker(t, path, clock, Config{})
	publishHalf(t, b, "tx", 10)
	closeBroker(t, b)
	clock.Advance(10 * time.Second)
	b = boltBroker(t, path, clock, Config{})
	defer closeBroker(t, b)
	wantBodies(t, consumeHalf(t, b), "tx")
}

// TestRetentionAcrossReopen: messages stay, consumed or not, until their
// retention ends, also when it ends while the broker is closed; each
// group's progress (acks, skips) survives the reopen.
func TestRetentionAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	cfg := Config{Retention: 3 * time.Hour}
	b := boltBroker(t, path, clock, cfg)
	mustConsume(t, b, ConsumeRequest{Group: "GID-b"}) // subscribe
	mustPublish(t, b, Message{Topic: "T", Tag: "x", Body: []byte("x")})
	mustPublish(t, b, Message{Topic: "T", Tag: "y", Body: []byte("y")})
	mustAck(t, b, "T", "GID-a", mustConsume(t, b, ConsumeRequest{})...)
	// GID-b skips y; Close writes the skip.
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-b", Tag: "x"}), "x")
	closeBroker(t, b)

	clock.Advance(time.Hour)
	b = boltBroker(t, path, clock, cfg)
	if n := countRecords(t, b.store, bucketMsg); n != 2 {
		t.Errorf("%d messages stored, want 2 (retained)", n)
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-b"}), "x") // y was skipped
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Errorf("GID-a's acked messages delivered again: %q", bodies(ds))
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-new"}), "x", "y")
	publishBodies(t, b, "T", "later")
	closeBroker(t, b)

	clock.Advance(2*time.Hour + time.Minute)
	b = boltBroker(t, path, clock, cfg)
	defer closeBroker(t, b)
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-other"}), "later")
	if n := countRecords(t, b.store, bucketMsg); n != 1 {
		t.Errorf("%d messages stored after the retention of two ended, want 1", n)
	}
	if s := b.Stats(); s.Expired != 2 {
		t.Errorf("stats = %+v, want 2 expired", s)
	}
}

func TestReopenDeletesOrphans(t *testing.T) {
	store := kv.NewMemory()
	err := store.Update(func(w kv.Writer) error {
		m := Message{ID: "X", Topic: "T", Body: []byte("kept"), PublishTime: newFakeClock().Ms()}
		if err := w.Put(bucketMsg, seqKey(topicID{"", "T"}.key(), 5), encodeMessage(&m)); err != nil {
			return err
		}
		// An ack of a deleted message, and one of message 5 by the only group.
		if err := w.Put(bucketAck, seqKey(subKey(topicID{"", "T"}, "GID-a"), 3), []byte{ackAcked}); err != nil {
			return err
		}
		return w.Put(bucketSub, []byte(subKey(topicID{"", "T"}, "GID-b")), present)
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := newTestBroker(t, Config{Store: store})
	if n := countRecords(t, store, bucketAck); n != 0 {
		t.Errorf("%d orphan ack records left", n)
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Group: "GID-b"}), "kept")
	publishBodies(t, b, "T", "next")
	ds := mustConsume(t, b, ConsumeRequest{Group: "GID-b"})
	wantBodies(t, ds, "next")
}
