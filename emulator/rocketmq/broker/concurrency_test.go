package broker

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// TestConcurrentProducersAndConsumers runs 8 producers and 8 long-polling
// consumers of one group and checks every message is acknowledged exactly
// once, on both stores.
func TestConcurrentProducersAndConsumers(t *testing.T) {
	for _, name := range []string{"memory", "bolt"} {
		t.Run(name, func(t *testing.T) {
			cfg := Config{}
			if name == "bolt" {
				store, err := kv.OpenBolt(filepath.Join(t.TempDir(), "mq.db"), kv.Options{NoSync: true})
				if err != nil {
					t.Fatal(err)
				}
				cfg.Store = store
			}
			b, err := Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			runProducersConsumers(t, b, "GID-c", 8, 8, 200)
		})
	}
}

func runProducersConsumers(t *testing.T, b *Broker, group string, producers, consumers, each int) {
	total := producers * each
	mustConsume(t, b, ConsumeRequest{Topic: "T", Group: group}) // subscribe
	var mu sync.Mutex
	acked := map[string]int{}
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range each {
				body := fmt.Sprintf("p%d-%d", p, i)
				if _, err := b.Publish(c, Message{Topic: "T", Body: []byte(body)}); err != nil {
					t.Errorf("Publish: %v", err)
					return
				}
			}
		})
	}
	for range consumers {
		wg.Go(func() {
			for {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n == total || c.Err() != nil {
					return
				}
				ds, err := b.Consume(c, ConsumeRequest{Topic: "T", Group: group, Max: 16, Wait: 100 * time.Millisecond})
				if err != nil {
					return
				}
				if len(ds) == 0 {
					continue
				}
				failed, err := b.Ack(c, "", "T", group, handles(ds))
				if err != nil || len(failed) > 0 {
					t.Errorf("Ack: %v %+v", err, failed)
					return
				}
				mu.Lock()
				for _, d := range ds {
					acked[string(d.Body)]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(acked) != total {
		t.Fatalf("%d distinct messages acked, want %d", len(acked), total)
	}
	for body, n := range acked {
		if n != 1 {
			t.Errorf("%s acked %d times", body, n)
		}
	}
}

// TestConcurrentGroupsReceiveEveryMessage has two groups consume and
// acknowledge concurrently while a producer publishes, with deliveries
// expiring meanwhile, and checks every message reaches both groups and is
// deleted, with its ack records, once its retention ends.
func TestConcurrentGroupsReceiveEveryMessage(t *testing.T) {
	b, err := Open(Config{InvisibleTime: 20 * time.Millisecond, Retention: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const each = 300
	for _, g := range []string{"GID-1", "GID-2"} {
		mustConsume(t, b, ConsumeRequest{Topic: "T", Group: g})
	}
	var wg sync.WaitGroup
	wg.Go(func() { publishBodies(t, b, "T", bodiesN(each)...) })
	for _, g := range []string{"GID-1", "GID-2"} {
		for range 4 {
			wg.Go(func() { drain(t, b, g, each) })
		}
	}
	wg.Wait()
	if n := countRecords(t, b.store, bucketMsg); n != each {
		t.Errorf("%d messages retained, want %d", n, each)
	}
	b.mu.Lock()
	b.clock = func() time.Time { return time.Now().Add(time.Hour + time.Second) }
	b.mu.Unlock()
	b.Tick()
	if n := countRecords(t, b.store, bucketMsg) + countRecords(t, b.store, bucketAck); n != 0 {
		t.Errorf("%d message and ack records left after the retention", n)
	}
}

func bodiesN(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}

// drain consumes and acknowledges for group until total acknowledgements
// of the group were made, sometimes letting a delivery expire instead.
func drain(t *testing.T, b *Broker, group string, total int) {
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		if dead, _ := b.DeadLetters("", "T", group); len(dead) > 0 {
			t.Errorf("%s: dead letters: %d", group, len(dead))
			return
		}
		if acked := groupAcked(b, group); acked >= total {
			return
		}
		ds, err := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: group, Max: 8, Wait: 50 * time.Millisecond})
		if err != nil || len(ds) == 0 || i%7 == 0 {
			continue // i%7: let the deliveries expire and come back
		}
		if _, err := b.Ack(ctx, "", "T", group, handles(ds)); err != nil {
			t.Errorf("Ack: %v", err)
			return
		}
	}
	t.Errorf("%s: not drained in time", group)
}

// groupAcked counts the messages group is done with.
func groupAcked(b *Broker, group string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.topics[topicID{"", "T"}].subs[group]
	n := int(s.low - 1)
	for _, st := range s.states {
		if st.phase == phaseDone {
			n++
		}
	}
	return n
}
