package proxy_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
)

// TestNormalMessages: the official 5.x client sends normal messages and
// a simple consumer receives those its tag expression selects, with tag,
// keys, properties and the producer's message ID, and acknowledges them.
func TestNormalMessages(t *testing.T) {
	e := start(t)
	e.producer(t, "p", "orders")
	e.consumer(t, "c", "GID_orders", "orders", "created||paid")
	sent := map[string]*wire.Result{}
	for _, m := range []wire.Message{
		{Body: "one", Tag: "created", Keys: []string{"order-1", "k2"}, Properties: map[string]string{"region": "cn-hangzhou"}},
		{Body: "skipped", Tag: "shipped"},
		{Body: "two", Tag: "paid"},
	} {
		sent[m.Body] = e.send(t, "p", "orders", m)
	}
	var got []wire.Delivered
	for len(got) < 2 {
		got = append(got, e.mustReceive(t, "c", 16)...)
	}
	slices.SortFunc(got, func(a, b wire.Delivered) int { return strings.Compare(a.Body, b.Body) })
	if len(got) != 2 || got[0].Body != "one" || got[1].Body != "two" {
		t.Fatalf("received %+v, want one and two", got)
	}
	one := got[0]
	if one.MsgID != sent["one"].MsgID || one.Tags != "created" || !slices.Equal(one.Keys, []string{"order-1", "k2"}) ||
		!maps.Equal(one.Properties, map[string]string{"region": "cn-hangzhou"}) || one.DeliveryAttempt != 1 || one.Topic != "orders" {
		t.Errorf("received %+v, sent as %+v", one, sent["one"])
	}
	for _, m := range got {
		e.ack(t, "c", m)
	}
	if ms, err := e.receive(t, "c", 16); len(ms) != 0 || !strings.Contains(err, "MESSAGE_NOT_FOUND") {
		t.Errorf("after the acks: %+v, %q; want MESSAGE_NOT_FOUND", ms, err)
	}
}

// TestFIFOAcrossConsumers: messages of one message group reach two
// consumers of a group in publish order, never two of a group in flight
// at once; messages of other groups are not held back by it.
func TestFIFOAcrossConsumers(t *testing.T) {
	e := start(t)
	e.producer(t, "p", "fifo")
	e.consumer(t, "c1", "GID_fifo", "fifo", "*")
	e.consumer(t, "c2", "GID_fifo", "fifo", "*")
	for i := range 3 {
		for _, g := range []string{"a", "b"} {
			e.send(t, "p", "fifo", wire.Message{Body: g + string(rune('1'+i)), MessageGroup: g})
		}
	}
	var order []string
	consumers := []string{"c1", "c2"}
	for turn := 0; len(order) < 6; turn++ {
		if turn > 20 {
			t.Fatalf("after 20 receives: %q", order)
		}
		name := consumers[turn%2]
		ms, _ := e.receive(t, name, 1)
		for _, m := range ms {
			if m.MessageGroup != m.Body[:1] || m.Properties["__SHARDINGKEY"] != m.Body[:1] {
				t.Errorf("%s has message group %q, properties %v", m.Body, m.MessageGroup, m.Properties)
			}
			order = append(order, m.Body)
			e.ack(t, name, m)
		}
	}
	var a, b []string
	for _, body := range order {
		if body[0] == 'a' {
			a = append(a, body)
		} else {
			b = append(b, body)
		}
	}
	if !slices.Equal(a, []string{"a1", "a2", "a3"}) || !slices.Equal(b, []string{"b1", "b2", "b3"}) {
		t.Fatalf("delivery order %q, want each group in publish order", order)
	}
}

// TestGroupHeldWhileInvisible: while a delivery of a message group is
// invisible, no consumer of the group gets the next message of that group.
func TestGroupHeldWhileInvisible(t *testing.T) {
	e := start(t)
	e.producer(t, "p", "fifo")
	e.consumer(t, "c1", "GID_fifo", "fifo", "*")
	e.consumer(t, "c2", "GID_fifo", "fifo", "*")
	e.send(t, "p", "fifo", wire.Message{Body: "g1", MessageGroup: "g"})
	e.send(t, "p", "fifo", wire.Message{Body: "g2", MessageGroup: "g"})
	e.send(t, "p", "fifo", wire.Message{Body: "free"})
	first := e.mustReceive(t, "c1", 1)
	if first[0].Body != "g1" {
		t.Fatalf("first delivery %q, want g1", first[0].Body)
	}
	got := e.mustReceive(t, "c2", 16)
	if len(got) != 1 || got[0].Body != "free" {
		t.Fatalf("while g1 is invisible the other consumer got %+v, want only free", got)
	}
	e.ack(t, "c1", first[0])
	if next := e.mustReceive(t, "c2", 16); len(next) != 1 || next[0].Body != "g2" {
		t.Fatalf("after g1's ack: %+v, want g2", next)
	}
}
