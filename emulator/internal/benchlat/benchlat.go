// Package benchlat holds what the side-by-side protocol benchmarks of
// emulator/rocketmq/remoting and emulator/rocketmq/proxy share: calls
// spread over goroutines, and the delivery latency of messages that carry
// their send time.
package benchlat

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Parallel calls f n times from g goroutines and returns the first error.
func Parallel(n, g int, f func() error) error {
	var next atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	for range g {
		wg.Go(func() {
			for next.Add(1) <= int64(n) && first.Load() == nil {
				if err := f(); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := first.Load(); err != nil {
		return *err
	}
	return nil
}

// stamp is now and a body carrying it.
func stamp() (time.Time, []byte) {
	now := time.Now()
	return now, strconv.AppendInt(nil, now.UnixNano(), 10)
}

// Since is how long ago the send time in a body made by Delivery was; -1
// for a body that holds none.
func Since(body []byte) time.Duration {
	ns, err := strconv.ParseInt(string(body), 10, 64)
	if err != nil {
		return -1
	}
	return time.Since(time.Unix(0, ns))
}

// Delivery measures, one message at a time, how long a message publish
// sends takes to reach the consumer that reports each latency (Since of
// the body) on got. It first publishes until the consumer receives (a
// push consumer may start after the first messages, at its first
// rebalance), drains what that warm-up still delivers, then times b.Loop
// and reports p50-ms, p99-ms and send-p50-ms (the publish call alone),
// with a millisecond's pause, untimed, between messages.
func Delivery(b *testing.B, publish func(body []byte) error, got <-chan time.Duration) {
	warm := time.After(30 * time.Second)
warmUp:
	for {
		_, body := stamp()
		if err := publish(body); err != nil {
			b.Fatal(err)
		}
		select {
		case <-got:
			break warmUp
		case <-time.After(100 * time.Millisecond):
		case <-warm:
			b.Fatal("the consumer received nothing in 30 s")
		}
	}
	// Drain what the warm-up still delivers: nothing for 200 ms.
drain:
	for {
		select {
		case <-got:
		case <-time.After(200 * time.Millisecond):
			break drain
		}
	}
	var lat, sendLat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		sent, body := stamp()
		if err := publish(body); err != nil {
			b.Fatal(err)
		}
		sendLat = append(sendLat, time.Since(sent))
		select {
		case d := <-got:
			lat = append(lat, d)
		case <-time.After(30 * time.Second):
			b.Fatal("a message not delivered in 30 s")
		}
		b.StopTimer()
		time.Sleep(time.Millisecond) // pacing, not synchronisation: each message is measured alone
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(Percentile(lat, 50), "p50-ms")
	b.ReportMetric(Percentile(lat, 99), "p99-ms")
	b.ReportMetric(Percentile(sendLat, 50), "send-p50-ms")
}

// Percentile is the p-th percentile of lat in milliseconds.
func Percentile(lat []time.Duration, p int) float64 {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return float64(lat[(len(lat)-1)*p/100]) / float64(time.Millisecond)
}
