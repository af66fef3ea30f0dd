package broker

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestProtocolIsStored: the protocol a front end names is kept with the
// message across a restart, and through a half message's commit; a
// record of the previous format reads with no protocol.
func TestProtocolIsStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mq.db")
	clock := newFakeClock()
	b := boltBroker(t, path, clock, Config{})
	mustPublish(t, b, Message{Body: []byte("a"), Protocol: ProtocolRemoting})
	half := mustPublish(t, b, Message{Body: []byte("h"), Protocol: ProtocolGRPC, TransCheckImmunity: 10})
	if err := b.Commit(ctx, "", "T", "", half.ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	closeBroker(t, b)

	b = boltBroker(t, path, clock, Config{})
	defer closeBroker(t, b)
	ds := mustConsume(t, b, ConsumeRequest{})
	got := map[string]string{}
	for _, d := range ds {
		got[string(d.Body)] = d.Protocol
	}
	if got["a"] != ProtocolRemoting || got["h"] != ProtocolGRPC {
		t.Errorf("protocols after a restart = %v", got)
	}

	// A version 2 record is a version 3 one without the protocol field.
	rec := encodeMessage(&Message{ID: "AB", Topic: "T", Body: []byte("old")})
	d := &decoder{b: rec[1:]}
	for range 7 {
		d.string()
	}
	for range 5 {
		d.varint()
	}
	at := len(rec) - len(d.b) // the protocol's length, 0
	old := append([]byte{recordVersion2}, rec[1:at]...)
	old = append(old, rec[at+1:]...)
	m, err := decodeMessage(old, true)
	if err != nil || m.Protocol != "" || string(m.Body) != "old" || m.ID != "AB" {
		t.Errorf("a version 2 record decodes as %+v, %v", m, err)
	}
}

// TestFindMessages: messages are found by ID, key, tag and publish time,
// newest first, with each group's progress: pending, delivered, done
// (acknowledged), dead, and for a pulling group its committed offset.
func TestFindMessages(t *testing.T) {
	b, clock := newTestBroker(t, Config{MaxReconsumeTimes: 1, InvisibleTime: time.Minute})
	start := clock.Now()
	first := mustPublish(t, b, Message{Body: []byte("1"), Tag: "created", Keys: "order-1 user-7", Protocol: ProtocolHTTP})
	clock.Advance(time.Minute)
	mustPublish(t, b, Message{Body: []byte("2"), Tag: "paid", Keys: "order-2"})
	clock.Advance(time.Minute)
	mustPublish(t, b, Message{Body: []byte("3"), Tag: "created", Keys: "order-3 user-7"})

	bodiesOf := func(q MessageQuery) []string {
		t.Helper()
		fs, err := b.FindMessages("", "T", q)
		if err != nil {
			t.Fatalf("FindMessages(%+v): %v", q, err)
		}
		var out []string
		for _, f := range fs {
			out = append(out, string(f.Body))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    MessageQuery
		want []string
	}{
		{"all", MessageQuery{}, []string{"3", "2", "1"}},
		{"id", MessageQuery{ID: first.MessageID}, []string{"1"}},
		{"id, lower case", MessageQuery{ID: strings.ToLower(first.MessageID)}, []string{"1"}},
		{"key", MessageQuery{Key: "user-7"}, []string{"3", "1"}},
		{"part of a key", MessageQuery{Key: "user"}, nil},
		{"tag", MessageQuery{Tag: "created"}, []string{"3", "1"}},
		{"from", MessageQuery{From: start.Add(time.Minute)}, []string{"3", "2"}},
		{"range", MessageQuery{From: start, To: start.Add(time.Minute)}, []string{"1"}},
		{"key and tag", MessageQuery{Key: "order-2", Tag: "created"}, nil},
		{"limit", MessageQuery{Limit: 2}, []string{"3", "2"}},
	} {
		if got := bodiesOf(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: found %q, want %q", tc.name, got, tc.want)
		}
	}

	// GID-ack acknowledges everything, GID-seen holds one in flight,
	// GID-dead lets message 1 die, GID-pull commits queue offsets.
	mustAck(t, b, "T", "GID-ack", mustConsume(t, b, ConsumeRequest{Group: "GID-ack"})...)
	mustConsume(t, b, ConsumeRequest{Group: "GID-dead", Max: 1})
	clock.Advance(2 * time.Minute)
	b.Tick()
	mustConsume(t, b, ConsumeRequest{Group: "GID-dead", Max: 1}) // meets the dead-lettering
	mustConsume(t, b, ConsumeRequest{Group: "GID-seen", Max: 1})
	if err := b.CommitOffset("", "T", "GID-pull", first.QueueID, first.QueueOffset+1); err != nil {
		t.Fatal(err)
	}
	fs, err := b.FindMessages("", "T", MessageQuery{ID: first.MessageID})
	if err != nil || len(fs) != 1 {
		t.Fatalf("FindMessages: %v, %v", fs, err)
	}
	f := fs[0]
	if f.Protocol != ProtocolHTTP || f.Keys != "order-1 user-7" || f.PublishTime != start.UnixMilli() {
		t.Errorf("found %+v", f.Message)
	}
	states := map[string]GroupProgress{}
	for _, g := range f.Groups {
		states[g.Group] = g
	}
	want := map[string]string{"GID-ack": StateDone, "GID-seen": StateDelivered, "GID-dead": StateDead, "GID-pull": StateDone}
	for g, s := range want {
		if states[g].State != s {
			t.Errorf("group %s: %+v, want state %s", g, states[g], s)
		}
	}
	if len(states) != len(want) {
		t.Errorf("groups %v, want %v", states, want)
	}
	if g := states["GID-seen"]; g.Deliveries != 1 || !g.FirstDelivery.Equal(start.Add(4*time.Minute)) {
		t.Errorf("GID-seen: %+v, want one delivery at %s", g, start.Add(4*time.Minute))
	}
	if g := states["GID-dead"]; g.DeadReason == "" || g.DeadAt.IsZero() {
		t.Errorf("GID-dead: %+v, want a reason and a time", g)
	}
	if !states["GID-pull"].Pull {
		t.Errorf("GID-pull: %+v, want Pull", states["GID-pull"])
	}
	last, _ := b.FindMessages("", "T", MessageQuery{Limit: 1})
	for _, g := range last[0].Groups {
		if g.Group == "GID-pull" && g.State != StatePending {
			t.Errorf("the pulling group is past message 3: %+v", g)
		}
	}

	if _, err := b.FindMessages("", "nope", MessageQuery{}); !errors.Is(err, ErrTopicNotExist) {
		t.Errorf("an unknown topic: %v", err)
	}
	if _, err := b.FindMessages("", "bad topic", MessageQuery{}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("a bad topic name: %v", err)
	}
}
