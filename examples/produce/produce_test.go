package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/examples/internal/mqtest"
	"github.com/rocketfn/rocketfn/examples/mqclient"
)

// produce runs the example with args against conn and returns its output.
func produce(t *testing.T, conn mqclient.Config, args ...string) string {
	t.Helper()
	var out lockedBuffer
	if err := run(t.Context(), conn, &out, args...); err != nil {
		t.Fatalf("produce %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func TestKinds(t *testing.T) {
	_, conn, client := mqtest.Start(t, rocketmq.Config{})
	for _, tc := range []struct {
		kind  string
		args  []string
		check func(mq.ConsumeMessageEntry) bool
	}{
		{"normal", nil, func(m mq.ConsumeMessageEntry) bool {
			return m.MessageTag == "" && m.MessageKey == "" && m.ShardingKey == ""
		}},
		{"tagged", []string{"-tag", "paid"}, func(m mq.ConsumeMessageEntry) bool { return m.MessageTag == "paid" }},
		{"keyed", []string{"-keys", "order-{n} customer-7"}, func(m mq.ConsumeMessageEntry) bool {
			return m.MessageKey == "order-"+m.Properties["n"]+" customer-7"
		}},
		{"ordered", nil, func(m mq.ConsumeMessageEntry) bool { return strings.HasPrefix(m.ShardingKey, "order-") }},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			topic := "t-" + tc.kind
			args := append([]string{"-kind", tc.kind, "-topic", topic, "-n", "3", "-body", tc.kind + " {n}"}, tc.args...)
			out := produce(t, conn, args...)
			if got := strings.Count(out, "published "+tc.kind+" message"); got != 3 {
				t.Fatalf("output reports %d published messages, want 3:\n%s", got, out)
			}
			ms := receiveAll(t, client.GetConsumer("", topic, "GID_test", ""), 3, false, 5*time.Second)
			if len(ms) != 3 {
				t.Fatalf("consumed %d messages, want 3", len(ms))
			}
			for _, m := range ms {
				n := m.Properties["n"]
				if m.Properties["kind"] != tc.kind || m.MessageBody != tc.kind+" "+n || !tc.check(m) {
					t.Errorf("message %+v", m)
				}
			}
		})
	}
}

func TestOrderedPerShardingKey(t *testing.T) {
	_, conn, client := mqtest.Start(t, rocketmq.Config{})
	produce(t, conn, "-kind", "ordered", "-topic", "orders", "-n", "9")
	ms := receiveAll(t, client.GetConsumer("", "orders", "GID_orderly", ""), 9, true, 10*time.Second)
	if len(ms) != 9 {
		t.Fatalf("consumed %d messages, want 9", len(ms))
	}
	steps := map[string][]string{}
	for _, m := range ms {
		steps[m.ShardingKey] = append(steps[m.ShardingKey], m.Properties["step"])
	}
	for _, key := range []string{"order-1", "order-2", "order-3"} {
		if got := strings.Join(steps[key], ","); got != "1,2,3" {
			t.Errorf("steps of %s arrived as %s, want 1,2,3", key, got)
		}
	}
}

func TestDelayed(t *testing.T) {
	_, conn, client := mqtest.Start(t, rocketmq.Config{})
	const delay = 2 * time.Second
	start := time.Now()
	produce(t, conn, "-kind", "delayed", "-topic", "later", "-n", "1", "-delay", delay.String())
	c := client.GetConsumer("", "later", "GID_test", "")
	ms := receiveAll(t, c, 1, false, time.Second)
	if len(ms) != 0 && time.Since(start) < delay {
		t.Fatalf("a message delayed by %v was visible after %v", delay, time.Since(start))
	}
	if len(ms) == 0 {
		ms = receiveAll(t, c, 1, false, delay+5*time.Second)
	}
	if len(ms) != 1 {
		t.Fatal("the delayed message never came")
	}
	if at := time.Since(start); at < delay {
		t.Errorf("a message delayed by %v came after %v", delay, at)
	}
	if ms[0].Properties["kind"] != "delayed" {
		t.Errorf("message %+v", ms[0])
	}
}

func TestTransactional(t *testing.T) {
	cfg, clock := mqtest.WithClock()
	srv, conn, client := mqtest.Start(t, cfg)
	var out lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(t.Context(), conn, &out, "-kind", "transactional", "-topic", "tx", "-group", "GID_tx", "-n", "4")
	}()
	// 1 and 4 are committed and 2 rolled back at once; 3 waits for the
	// check-back, which comes after the 10 s immunity time.
	out.waitFor(t, "waiting for the check-back", 10*time.Second)
	c := client.GetConsumer("", "tx", "GID_test", "")
	if got := bodies(receiveAll(t, c, 2, false, 5*time.Second)); got != "1,4" {
		t.Fatalf("before the check-back consumers got %s, want 1,4", got)
	}
	clock.Add(11 * time.Second)
	srv.Broker().Tick()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("produce: %v\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the check-back did not resolve message 3:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "check-back of half message") {
		t.Errorf("no check-back in the output:\n%s", out.String())
	}
	if got := bodies(receiveAll(t, c, 1, false, 5*time.Second)); got != "3" {
		t.Fatalf("after the check-back consumers got %s, want 3", got)
	}
	clock.Add(time.Hour)
	srv.Broker().Tick()
	if got := bodies(receiveAll(t, c, 1, false, time.Second)); got != "" {
		t.Fatalf("later consumers got %s; the rolled-back message 2 must never come", got)
	}
}

// bodies lists the message numbers of ms, sorted.
func bodies(ms []mq.ConsumeMessageEntry) string {
	var ns []string
	for _, m := range ms {
		ns = append(ns, strings.TrimPrefix(m.MessageBody, "transactional message "))
	}
	slices.Sort(ns)
	return strings.Join(ns, ",")
}

func TestBadFlags(t *testing.T) {
	conn := mqclient.FromEnv(func(string) string { return "" })
	for _, tc := range []struct{ args, want string }{
		{"-kind nope -topic t", `-kind "nope"`},
		{"-kind normal", "-topic is required"},
		{"-topic t -n 0", "-n 0"},
		{"-topic t -kind delayed -delay 0s", "-delay 0s"},
		{"-topic t -endpoint ftp://x", `endpoint "ftp://x"`},
		{"-topic t extra", "unexpected arguments"},
	} {
		var out lockedBuffer
		err := run(t.Context(), conn, &out, strings.Fields(tc.args)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("produce %s: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}
