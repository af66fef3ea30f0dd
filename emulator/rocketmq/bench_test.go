package rocketmq_test

// Side-by-side benchmarks for the README: a durable server (fsync on)
// driven over loopback by the official MQ HTTP SDK, next to a no-op HTTP
// round trip to the same server with the same HTTP client library.

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
	"github.com/valyala/fasthttp"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

func startBench(b *testing.B) (*rocketmq.Server, mq.MQClient) {
	b.Helper()
	return start(b, rocketmq.Config{Dir: b.TempDir()})
}

func reportRate(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), unit)
}

// BenchmarkPublish publishes 200-byte messages from one producer, then
// from 32 at once, whose writes the server group commits.
func BenchmarkPublish(b *testing.B) {
	body := string(make([]byte, 200))
	for _, producers := range []int{1, 32} {
		b.Run(fmt.Sprintf("producers%d", producers), func(b *testing.B) {
			_, c := startBench(b)
			p := c.GetProducer("", "bench")
			b.SetParallelism((producers + 1) / 2) // GOMAXPROCS is 2 here
			b.ResetTimer()
			if producers == 1 {
				for b.Loop() {
					if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: body}); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: body}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			reportRate(b, b.N, "msgs/s")
		})
	}
}

// BenchmarkConsume consumes and acks in batches of 16.
func BenchmarkConsume(b *testing.B) {
	_, c := startBench(b)
	p := c.GetProducer("", "bench")
	for i := 0; i < b.N; i++ {
		if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: "m"}); err != nil {
			b.Fatal(err)
		}
	}
	cons := c.GetConsumer("", "bench", "GID_bench", "")
	b.ResetTimer()
	for n := 0; n < b.N; {
		ms := consume(b, cons, 16, 1, false)
		if len(ms) == 0 {
			b.Fatalf("consumed %d of %d", n, b.N)
		}
		if err := cons.AckMessage(handles(ms)); err != nil {
			b.Fatal(err)
		}
		n += len(ms)
	}
	reportRate(b, b.N, "msgs/s")
}

// BenchmarkDelivery measures how soon a consumer waiting in a long poll
// holds a message: from the publish call, which includes the fsync that
// makes the message durable before anyone sees it ("send"), and from the
// moment the publish returned, that is once the message was published
// ("published"). Next to it, a no-op round trip to the same server.
func BenchmarkDelivery(b *testing.B) {
	b.Run("longpoll", func(b *testing.B) {
		srv, c := startBench(b)
		p := c.GetProducer("", "bench")
		cons := c.GetConsumer("", "bench", "GID_lat", "")
		got := make(chan time.Time, 1)
		var fromSend, fromPublished []time.Duration
		for b.Loop() {
			go func() {
				ms := consume(b, cons, 1, 10, false)
				got <- time.Now()
				if len(ms) == 1 {
					cons.AckMessage(handles(ms))
				}
			}()
			// Publish once the poll waits in the broker, so that the
			// latency measured is that of a wake-up.
			testwait.Until(b, 5*time.Second, "long poll waiting in the broker", func() bool { return srv.Broker().Waiting() == 1 })
			sent := time.Now()
			if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: "ping"}); err != nil {
				b.Fatal(err)
			}
			published := time.Now()
			at := <-got
			fromSend = append(fromSend, at.Sub(sent))
			fromPublished = append(fromPublished, max(0, at.Sub(published)))
		}
		reportPercentiles(b, fromSend, "send")
		reportPercentiles(b, fromPublished, "published")
	})
	b.Run("noop", func(b *testing.B) {
		srv, _ := startBench(b)
		var lat []time.Duration
		client := &fasthttp.Client{}
		url := srv.Endpoint() + "/health"
		var failed atomic.Int64
		for b.Loop() {
			start := time.Now()
			code, _, err := client.Get(nil, url)
			if err != nil || code != 204 {
				failed.Add(1)
			}
			lat = append(lat, time.Since(start))
		}
		if failed.Load() > 0 {
			b.Fatalf("%d no-op requests failed", failed.Load())
		}
		reportPercentiles(b, lat, "roundtrip")
	})
}

func reportPercentiles(b *testing.B, lat []time.Duration, name string) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, name+"-p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, name+"-p99-µs")
}
