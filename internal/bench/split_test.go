package bench

import (
	"context"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// BenchmarkRocketfnSplit splits the rocketfn path of BenchmarkDecodeDispatch
// in two: decode is the payload decode Invoke starts with (event.Decode:
// envelope, properties, body unescaping); typed is what the fn.Typed
// handler then does for each message, decoding its body into a User and
// calling the handler. The rest of Invoke (routing, the per-message
// context, the outcome) is the difference.
func BenchmarkRocketfnSplit(b *testing.B) {
	ctx := context.Background()
	typed := fn.Typed(userHandler)
	for _, c := range []struct {
		name    string
		payload []byte
		events  int
	}{
		{"single", singlePayload, 1},
		{"batch100", batchPayload, batchSize},
	} {
		perEvent := func(b *testing.B) {
			if c.events > 1 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.events), "ns/event")
			}
		}
		b.Run(c.name+"/decode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := event.Decode(c.payload); err != nil {
					b.Fatal(err)
				}
			}
			perEvent(b)
		})
		b.Run(c.name+"/typed", func(b *testing.B) {
			p, err := event.Decode(c.payload)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				for i := range p.Messages {
					if _, err := typed.Handle(ctx, &p.Messages[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
			perEvent(b)
		})
	}
}
