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
