package proxy_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
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

// withClock runs the broker and the proxy on clock, checking half
// messages every 20 ms.
func withClock(clock *fakeClock) option {
	return func(bc *broker.Config, pc *proxy.Config) {
		bc.Clock, pc.Clock, pc.CheckInterval = clock.Now, clock.Now, 20*time.Millisecond
	}
}

// TestDelayMessage: a message with a delivery time is received at that
// time, not before, and carries it.
func TestDelayMessage(t *testing.T) {
	e := start(t)
	e.producer(t, "p", "delayed")
	e.consumer(t, "c", "GID_delay", "delayed", "*")
	at := time.Now().Add(1500 * time.Millisecond).Truncate(time.Millisecond)
	res := e.send(t, "p", "delayed", wire.Message{Body: "later", DeliverAt: at.UnixMilli()})
	var got []wire.Delivered
	for tries := 0; len(got) == 0; tries++ {
		if tries == 3 {
			t.Fatal("the delayed message was not received")
		}
		got, _ = e.receive(t, "c", 1)
	}
	if now := time.Now(); now.Before(at) {
		t.Fatalf("received at %s, before its delivery time %s", now.Format(time.StampMilli), at.Format(time.StampMilli))
	}
	if got[0].MsgID != res.MsgID || got[0].DeliverAt != at.UnixMilli() {
		t.Errorf("received %+v, want ID %s and delivery time %d", got[0], res.MsgID, at.UnixMilli())
	}
}

// TestTransactions: a committed transactional message is delivered, a
// rolled-back one never; one left unresolved is checked with the
// producer after the transaction timeout and delivered when the check
// commits it.
func TestTransactions(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	e := start(t, withClock(clock))
	e.c.Must(t, wire.Request{Op: "v5producer", Name: "p", Endpoint: e.addr, Topics: []string{"tx"}, Check: "commit"})
	e.consumer(t, "c", "GID_tx", "tx", "*")
	committed := e.c.Must(t, wire.Request{Op: "v5send", Name: "p", Topic: "tx", Transaction: "commit",
		Messages: []wire.Message{{Body: "committed"}}}).Result
	e.c.Must(t, wire.Request{Op: "v5send", Name: "p", Topic: "tx", Transaction: "rollback", Messages: []wire.Message{{Body: "rolled back"}}})
	checked := e.c.Must(t, wire.Request{Op: "v5send", Name: "p", Topic: "tx", Transaction: "none",
		Messages: []wire.Message{{Body: "checked"}}}).Result
	if committed.TransactionID == "" || checked.TransactionID == "" {
		t.Fatalf("send receipts without transaction IDs: %+v %+v", committed, checked)
	}
	got := e.mustReceive(t, "c", 16)
	if len(got) != 1 || got[0].Body != "committed" || got[0].MsgID != committed.MsgID {
		t.Fatalf("received %+v, want the committed message only", got)
	}
	if _, ok := got[0].Properties["TRAN_MSG"]; ok {
		t.Errorf("system property TRAN_MSG among the user properties: %v", got[0].Properties)
	}
	e.ack(t, "c", got[0])
	clock.Advance(proxy.DefaultTransactionTimeout + time.Second)
	ev := e.c.Next(t, "check")
	if ev.Message.MsgID != checked.MsgID || ev.Message.Body != "checked" {
		t.Fatalf("check of %+v, want the unresolved message %s", ev.Message, checked.MsgID)
	}
	var after []wire.Delivered
	for tries := 0; len(after) == 0; tries++ {
		if tries == 3 {
			t.Fatal("the checked message was not received")
		}
		var err string
		after, err = e.receive(t, "c", 16)
		if err != "" && !strings.Contains(err, "MESSAGE_NOT_FOUND") {
			t.Fatal(err)
		}
	}
	if len(after) != 1 || after[0].MsgID != checked.MsgID {
		t.Fatalf("after the check: %+v, want the checked message", after)
	}
}

// TestChangeInvisibleDuration: a consumer that extends a delivery keeps
// it hidden past its first invisibility; shortening it to 0 redelivers
// it, with the next delivery attempt.
func TestChangeInvisibleDuration(t *testing.T) {
	e := start(t)
	e.producer(t, "p", "work")
	e.consumer(t, "c", "GID_work", "work", "*")
	e.send(t, "p", "work", wire.Message{Body: "job"})
	m := e.mustReceive(t, "c", 1)[0]
	h := e.c.Must(t, wire.Request{Op: "v5change", Name: "c", Handle: m.ReceiptHandle, Invisible: 0}).Handle
	if h == "" || h == m.ReceiptHandle {
		t.Fatalf("change answered handle %q", h)
	}
	again := e.mustReceive(t, "c", 1)
	if again[0].MsgID != m.MsgID || again[0].DeliveryAttempt != 2 {
		t.Fatalf("redelivery %+v, want attempt 2 of %s", again[0], m.MsgID)
	}
	e.ack(t, "c", again[0])
}
