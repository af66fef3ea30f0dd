package bench

import (
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// BenchmarkRocketfnSplit splits the rocketfn path of BenchmarkDecodeDispatch
// in two: decode is the payload decode Invoke starts with (event.Decode:
// envelope, properties, body unescaping); body is what fn.Typed then does
// per message, Message.DecodeJSON of the body into a User. The rest of
// Invoke, routing and the handler call, is the difference.
func BenchmarkRocketfnSplit(b *testing.B) {
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
		b.Run(c.name+"/body", func(b *testing.B) {
			p, err := event.Decode(c.payload)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				for i := range p.Messages {
					var u User
					if err := p.Messages[i].DecodeJSON(&u); err != nil {
						b.Fatal(err)
					}
				}
			}
			perEvent(b)
		})
	}
}
