package rabbitmq_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
	"github.com/rocketfn/rocketfn/emulator/rabbitmq/rabbitmqtest"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// messages are n persistent messages with IDs prefix-00000 on.
func messages(prefix string, from, n int) []amqp.Publishing {
	out := make([]amqp.Publishing, n)
	for i := range out {
		id := fmt.Sprintf("%s-%05d", prefix, from+i)
		out[i] = amqp.Publishing{MessageId: id, Body: []byte(id)}
	}
	return out
}

// run runs src until the test ends, failing the test if Run returns an
// error; stop stops it and waits for Run to return.
func run(t *testing.T, src *rabbitmq.Source) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := await(t, done, "Run to return"); err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// await receives from c, failing the test when nothing comes in
// rabbitmqtest.Timeout.
func await[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	timeout := time.NewTimer(rabbitmqtest.Timeout)
	defer timeout.Stop()
	select {
	case v := <-c:
		return v
	case <-timeout.C:
		t.Fatalf("no %s in %s", what, rabbitmqtest.Timeout)
		panic("unreachable")
	}
}

// closeOnce closes c unless it is closed; its callers hold a lock.
func closeOnce(c chan struct{}) {
	select {
	case <-c:
	default:
		close(c)
	}
}

func newSource(t *testing.T, cfg rabbitmq.SourceConfig) *rabbitmq.Source {
	t.Helper()
	if cfg.Logf == nil {
		cfg.Logf = t.Logf
	}
	src, err := rabbitmq.NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestNewSourceChecks(t *testing.T) {
	h := func(context.Context, []rabbitmq.Delivery) error { return nil }
	for _, cfg := range []rabbitmq.SourceConfig{
		{Queue: "q", Handler: h},
		{URL: "amqp://127.0.0.1/", Handler: h},
		{URL: "amqp://127.0.0.1/", Queue: "q"},
		{URL: "http://127.0.0.1/", Queue: "q", Handler: h},
	} {
		if _, err := rabbitmq.NewSource(cfg); err == nil {
			t.Errorf("NewSource(%+v) succeeded", cfg)
		}
	}
}

// A batch is acknowledged only once the handler returned nil: while the
// handler runs, its messages are out of the queue; a source stopped then
// leaves them in the queue, and the next consumer receives them marked
// redelivered.
func TestSourceAcksOnlyAfterSuccess(t *testing.T) {
	t.Parallel()
	srv := rabbitmqtest.Shared(t)
	q := rabbitmqtest.Queue(t, srv.URL())
	rabbitmqtest.Publish(t, srv.URL(), q, messages("a", 0, 5)...)

	entered := make(chan []rabbitmq.Delivery, 1)
	var acked, nacked int
	var mu sync.Mutex
	stop := run(t, newSource(t, rabbitmq.SourceConfig{
		URL: srv.URL(), Queue: q, Prefetch: 5, BatchWindow: time.Minute,
		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error {
			entered <- batch
			<-ctx.Done()
			return ctx.Err()
		},
		OnAck:  func([]rabbitmq.Delivery) { mu.Lock(); acked++; mu.Unlock() },
		OnNack: func([]rabbitmq.Delivery, error) { mu.Lock(); nacked++; mu.Unlock() },
	}))
	first := await(t, entered, "the first batch")
	if len(first) != 5 {
		t.Fatalf("first batch has %d deliveries, want the 5 of the batch window", len(first))
	}
	if n := rabbitmqtest.Ready(t, srv.URL(), q); n != 0 {
		t.Errorf("%d messages ready while the handler holds all 5", n)
	}
	stop()
	mu.Lock()
	if acked != 0 || nacked != 0 {
		t.Errorf("stopped during the handler: %d acks, %d nacks reported, want none", acked, nacked)
	}
	mu.Unlock()
	testwait.Until(t, rabbitmqtest.Timeout, "5 messages back in the queue", func() bool {
		return rabbitmqtest.Ready(t, srv.URL(), q) == 5
	})

	got := make(chan []rabbitmq.Delivery, 10)
	allAcked := make(chan struct{})
	var count int
	run(t, newSource(t, rabbitmq.SourceConfig{
		URL: srv.URL(), Queue: q,
		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error { got <- batch; return nil },
		OnAck: func(batch []rabbitmq.Delivery) {
			if count += len(batch); count == 5 {
				close(allAcked)
			}
		},
	}))
	await(t, allAcked, "the acknowledgement of 5 messages")
	close(got)
	var ids []string
	for batch := range got {
		for _, d := range batch {
			ids = append(ids, d.Properties.MessageID)
			if !d.Envelope.Redelivered {
				t.Errorf("%s delivered again without the redelivered flag", d.Properties.MessageID)
			}
		}
	}
	if fmt.Sprint(ids) != "[a-00000 a-00001 a-00002 a-00003 a-00004]" {
		t.Errorf("second consumer got %v", ids)
	}
	if n := rabbitmqtest.Ready(t, srv.URL(), q); n != 0 {
		t.Errorf("%d messages left after all were acknowledged", n)
	}
}

// A failed batch is returned to the queue and delivered again, marked
// redelivered, until the handler succeeds.
func TestSourceNackRequeues(t *testing.T) {
	t.Parallel()
	srv := rabbitmqtest.Shared(t)
	q := rabbitmqtest.Queue(t, srv.URL())
	rabbitmqtest.Publish(t, srv.URL(), q, messages("n", 0, 10)...)

	var mu sync.Mutex
	seen := map[string]int{}
	acked := map[string]bool{}
	var nacks int
	done := make(chan struct{})
	errFirst := errors.New("first attempt fails")
	run(t, newSource(t, rabbitmq.SourceConfig{
		URL: srv.URL(), Queue: q, Prefetch: 4, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond,
		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error {
			mu.Lock()
			defer mu.Unlock()
			fail := false
			for _, d := range batch {
				id := d.Properties.MessageID
				if seen[id] > 0 && !d.Envelope.Redelivered {
					t.Errorf("%s delivered again without the redelivered flag", id)
				}
				if acked[id] {
					t.Errorf("%s delivered again after its acknowledgement", id)
				}
				if seen[id]++; seen[id] == 1 {
					fail = true
				}
			}
			if fail {
				return errFirst
			}
			return nil
		},
		OnNack: func(_ []rabbitmq.Delivery, err error) {
			mu.Lock()
			defer mu.Unlock()
			nacks++
			if err != errFirst {
				t.Errorf("OnNack with %v", err)
			}
		},
		OnAck: func(batch []rabbitmq.Delivery) {
			mu.Lock()
			defer mu.Unlock()
			for _, d := range batch {
				acked[d.Properties.MessageID] = true
			}
			if len(acked) == 10 {
				closeOnce(done)
			}
		},
	}))
	await(t, done, "the acknowledgement of 10 messages")
	mu.Lock()
	defer mu.Unlock()
	if nacks == 0 {
		t.Error("no batch was returned")
	}
	for id, n := range seen {
		if n < 2 {
			t.Errorf("%s handled %d times, want a failure and a success", id, n)
		}
	}
}

// The broker sends at most Prefetch deliveries ahead of acknowledgements;
// the handler gets at most BatchSize at once, in queue order.
func TestSourcePrefetchAndBatchSize(t *testing.T) {
	t.Parallel()
	srv := rabbitmqtest.Shared(t)
	q := rabbitmqtest.Queue(t, srv.URL())
	rabbitmqtest.Publish(t, srv.URL(), q, messages("p", 0, 20)...)

	release := make(chan struct{})
	var ids []string
	var sizes []int
	done := make(chan struct{})
	run(t, newSource(t, rabbitmq.SourceConfig{
		URL: srv.URL(), Queue: q, Prefetch: 8, BatchSize: 3,
		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error {
			<-release
			sizes = append(sizes, len(batch))
			for _, d := range batch {
				ids = append(ids, d.Properties.MessageID)
			}
			return nil
		},
		OnAck: func([]rabbitmq.Delivery) {
			if len(ids) == 20 {
				close(done)
			}
		},
	}))
	testwait.Until(t, rabbitmqtest.Timeout, "the prefetch taken from the queue", func() bool {
		return rabbitmqtest.Ready(t, srv.URL(), q) == 12
	})
	close(release)
	await(t, done, "the acknowledgement of 20 messages")
	for _, n := range sizes {
		if n > 3 {
			t.Errorf("batch sizes %v: one is over 3", sizes)
			break
		}
	}
	want := messages("p", 0, 20)
	for i, id := range ids {
		if id != want[i].MessageId {
			t.Fatalf("delivery %d is %s, want %s (order %v)", i, id, want[i].MessageId, ids)
		}
	}
}

// A virtual host added with rabbitmqctl (twice: the second is a no-op) is
// usable by guest at once; a source consumes a queue in it.
func TestSourceVHost(t *testing.T) {
	t.Parallel()
	srv := rabbitmqtest.Shared(t)
	vhost := rabbitmqtest.Name("vh")
	ctx, cancel := context.WithTimeout(context.Background(), rabbitmqtest.Timeout)
	defer cancel()
	if err := srv.AddVHost(ctx, vhost); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddVHost(ctx, vhost); err != nil {
		t.Errorf("adding it again: %v", err)
	}
	url := srv.VHostURL(vhost)
	q := rabbitmqtest.Queue(t, url)
	rabbitmqtest.Publish(t, url, q, messages("v", 0, 3)...)
	got := make(chan string, 3)
	run(t, newSource(t, rabbitmq.SourceConfig{URL: url, Queue: q,
		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error {
			for _, d := range batch {
				got <- d.Properties.MessageID
			}
			return nil
		}}))
	for i, want := range []string{"v-00000", "v-00001", "v-00002"} {
		if id := await(t, got, "a delivery"); id != want {
			t.Errorf("delivery %d in %s: %s, want %s", i, vhost, id, want)
		}
	}
	if n := rabbitmqtest.Ready(t, url, q); n != 0 {
		t.Errorf("%d left", n)
	}
	if err := srv.DeleteVHost(ctx, vhost); err != nil {
		t.Fatal(err)
	}
	if c, err := amqp.Dial(url); err == nil {
		c.Close()
		t.Error("connected to a deleted virtual host")
	}
}
