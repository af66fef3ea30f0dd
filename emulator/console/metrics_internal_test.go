package console

import (
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// TestMetricsWindow: each function's invocations are counted in buckets
// of the last ten minutes, with p50 and p99 latencies per bucket and over
// the window; older invocations drop out, and a function of a trigger
// that was never invoked is listed empty.
func TestMetricsWindow(t *testing.T) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	bridge, err := eventbridge.New(eventbridge.Config{Broker: b})
	if err != nil {
		t.Fatal(err)
	}
	sink := eventbridge.SinkFunc(nil)
	if err := bridge.Add(eventbridge.Trigger{Name: "t-idle", Function: "idle", Topic: "T"}, sink); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 1, 12, 0, 5, 0, time.UTC) // in the bucket of 12:00:00
	c := New(Services{Broker: b, Bridge: bridge, Clock: func() time.Time { return now }})
	rec := func(at time.Time, ms int, msgs int, failed bool) {
		ids := make([]string, msgs)
		c.record(eventbridge.Record{Function: "busy", Start: at, Duration: time.Duration(ms) * time.Millisecond, MessageIDs: ids,
			Outcome: eventbridge.Outcome{Failed: failed}})
	}
	rec(now.Add(-11*time.Minute), 999, 1, false) // outside the window
	for i := 1; i <= 100; i++ {
		rec(now.Add(-5*time.Second), i, 2, i == 100) // the last bucket: 1..100 ms
	}
	rec(now.Add(-3*time.Minute), 500, 1, false)

	ms := c.metricsView()
	if len(ms) != 2 || ms[0].Function != "busy" || ms[1].Function != "idle" {
		t.Fatalf("functions %+v, want busy and idle", ms)
	}
	busy, idle := ms[0], ms[1]
	if busy.Invocations != 101 || busy.Messages != 201 || busy.Failed != 1 {
		t.Errorf("busy: %d invocations, %d messages, %d failed; want 101, 201, 1", busy.Invocations, busy.Messages, busy.Failed)
	}
	if busy.P50Ms != 51 || busy.P99Ms != 100 {
		t.Errorf("busy over the window: p50 %v, p99 %v; want 51 and 100", busy.P50Ms, busy.P99Ms)
	}
	if n := len(busy.Buckets); n != 60 {
		t.Fatalf("%d buckets, want 60 of 10 s", n)
	}
	last := busy.Buckets[59]
	if last.Invocations != 100 || last.P50Ms != 50 || last.P99Ms != 99 || !last.Start.Equal(now.Add(-5*time.Second)) {
		t.Errorf("last bucket %+v, want 100 invocations, p50 50, p99 99, from 12:00:00", last)
	}
	if mid := busy.Buckets[59-18]; mid.Invocations != 1 || mid.P50Ms != 500 {
		t.Errorf("the bucket 3 minutes back: %+v", mid)
	}
	if idle.Invocations != 0 || len(idle.Buckets) != 60 || idle.P99Ms != 0 {
		t.Errorf("idle: %+v", idle)
	}
	for _, bk := range busy.Buckets[:59-18] {
		if bk.Invocations != 0 {
			t.Errorf("an invocation counted in bucket %s", bk.Start)
		}
	}
}
