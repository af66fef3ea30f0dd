package broker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Ms() int64 { return c.Now().UnixMilli() }

// newTestBroker opens a broker on a memory store (unless cfg has one) and
// a fake clock, closed at the end of the test.
func newTestBroker(t testing.TB, cfg Config) (*Broker, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	cfg.Clock = clock.Now
	b, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b, clock
}

var ctx = context.Background()

func mustPublish(t testing.TB, b *Broker, m Message) PublishResult {
	t.Helper()
	if m.Topic == "" {
		m.Topic = "T"
	}
	res, err := b.Publish(ctx, m)
	if err != nil {
		t.Fatalf("Publish %q: %v", m.Body, err)
	}
	return res
}

func publishBodies(t testing.TB, b *Broker, topic string, bodies ...string) {
	t.Helper()
	for _, body := range bodies {
		mustPublish(t, b, Message{Topic: topic, Body: []byte(body)})
	}
}

func mustConsume(t testing.TB, b *Broker, r ConsumeRequest) []Delivery {
	t.Helper()
	if r.Topic == "" {
		r.Topic = "T"
	}
	if r.Group == "" {
		r.Group = "GID-a"
	}
	if r.Max == 0 {
		r.Max = MaxBatch
	}
	ds, err := b.Consume(ctx, r)
	if err != nil {
		t.Fatalf("Consume %+v: %v", r, err)
	}
	return ds
}

func mustAck(t testing.TB, b *Broker, topic, group string, ds ...Delivery) {
	t.Helper()
	failed, err := b.Ack(ctx, "", topic, group, handles(ds))
	if err != nil || len(failed) > 0 {
		t.Fatalf("Ack: %v %+v", err, failed)
	}
}

func handles(ds []Delivery) []string {
	var hs []string
	for _, d := range ds {
		hs = append(hs, d.ReceiptHandle)
	}
	return hs
}

func bodies(ds []Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Body))
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func wantBodies(t testing.TB, ds []Delivery, want ...string) {
	t.Helper()
	if got := bodies(ds); !equal(got, want) {
		t.Fatalf("bodies = %q, want %q", got, want)
	}
}

// handleCode returns the Code of a *HandleError in err, or "".
func handleCode(err error) string {
	var he *HandleError
	if errors.As(err, &he) {
		return he.Code
	}
	return ""
}

// countRecords counts the records of a bucket.
func countRecords(t testing.TB, s kv.Store, bucket string) int {
	t.Helper()
	n := 0
	err := s.View(func(r kv.Reader) error {
		return r.Scan(bucket, nil, nil, false, func(_, _ []byte) bool { n++; return true })
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	return n
}
