package broker

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// benchBroker opens a broker on a durable bolt store in a temporary
// directory.
func benchBroker(b *testing.B) *Broker {
	store, err := kv.OpenBolt(filepath.Join(b.TempDir(), "mq.db"), kv.Options{})
	if err != nil {
		b.Fatal(err)
	}
	br, err := Open(Config{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { br.Close() })
	return br
}

var benchBody = make([]byte, 256)

// BenchmarkPublish publishes 256-byte messages to a synced bolt store, one
// at a time and from 32 goroutines sharing commits.
func BenchmarkPublish(b *testing.B) {
	b.Run("sequential", func(b *testing.B) {
		br := benchBroker(b)
		for b.Loop() {
			if _, err := br.Publish(ctx, Message{Topic: "T", Body: benchBody}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("concurrent32", func(b *testing.B) {
		br := benchBroker(b)
		var wg sync.WaitGroup
		per := b.N/32 + 1
		b.ResetTimer()
		for range 32 {
			wg.Go(func() {
				for range per {
					if _, err := br.Publish(ctx, Message{Topic: "T", Body: benchBody}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}

// BenchmarkConsumeAck consumes batches of 16 and acknowledges them, on a
// synced bolt store; each op is one message.
func BenchmarkConsumeAck(b *testing.B) {
	br := benchBroker(b)
	mustConsume(b, br, ConsumeRequest{})
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range b.N/32 + 16 {
				if _, err := br.Publish(ctx, Message{Topic: "T", Body: benchBody}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ResetTimer()
	for n := 0; n < b.N; {
		ds := mustConsume(b, br, ConsumeRequest{})
		if len(ds) == 0 {
			b.Fatal("ran out of messages")
		}
		mustAck(b, br, "T", "GID-a", ds...)
		n += len(ds)
	}
}
