package eventbridge

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// deliveredBodies returns the bodies delivered, flattened.
func deliveredBodies(r *recorder) []string {
	var out []string
	for _, bs := range r.bodies() {
		out = append(out, bs...)
	}
	return out
}

func TestTagFilter(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Tag: "created||paid", Mode: ModeEventDriven})
	for _, tag := range []string{"created", "shipped", "paid", ""} {
		h.publish(broker.Message{Tag: tag, Body: []byte("tag:" + tag)})
	}
	h.bridge.Tick()
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"tag:created", "tag:paid"}) {
		t.Fatalf("delivered %q", got)
	}
	for _, c := range h.rec.got() {
		if m := c.decoded.Messages[0]; "tag:"+m.Tag != string(m.Body) {
			t.Errorf("tag %q for body %q", m.Tag, m.Body)
		}
	}
}

func TestPatternFilter(t *testing.T) {
	cases := []struct {
		name, pattern string
		want          []string
	}{
		{"prefix on keys", `{"data":{"systemProperties":{"KEYS":[{"prefix":"order-"}]}}}`, []string{"1", "3"}},
		{"anything-but on a user property", `{"data":{"userProperties":{"tenant":[{"anything-but":["test"]}]}}}`, []string{"1"}},
		{"exact topic and type", `{"type":["mq:Topic:SendMessage"],"data":{"topic":["T"]}}`, []string{"1", "2", "3"}},
		{"suffix on the subject", `{"subject":[{"suffix":"%other"}]}`, nil},
		{"empty pattern", `{}`, []string{"1", "2", "3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil, "")
			h.add(Trigger{Pattern: []byte(tc.pattern), Mode: ModeEventDriven})
			h.publish(broker.Message{Keys: "order-1", Properties: map[string]string{"tenant": "acme"}, Body: []byte("1")})
			h.publish(broker.Message{Keys: "user-2", Body: []byte("2")})
			h.publish(broker.Message{Keys: "order-3", Properties: map[string]string{"tenant": "test"}, Body: []byte("3")})
			h.bridge.Tick()
			if got := deliveredBodies(h.rec); !slices.Equal(got, tc.want) {
				t.Errorf("delivered %q, want %q", got, tc.want)
			}
			if s := h.bridge.Stats("trig"); s.Filtered != int64(3-len(tc.want)) || s.Accepted != int64(len(tc.want)) {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

// TestNumericPattern filters on CONSUME_START_TIME, the JSON number among
// the data fields.
func TestNumericPattern(t *testing.T) {
	h := newHarness(t, nil, "")
	cutoff := h.clock.Now().Add(time.Minute).UnixMilli()
	h.add(Trigger{Mode: ModeEventDriven,
		Pattern: fmt.Appendf(nil, `{"data":{"systemProperties":{"CONSUME_START_TIME":[{"numeric":[">=",%d]}]}}}`, cutoff)})
	h.publishBodies("early")
	h.bridge.Tick()
	h.clock.Advance(time.Minute)
	h.publishBodies("late")
	h.bridge.Tick()
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"late"}) {
		t.Fatalf("delivered %q, want only the message consumed after the cutoff", got)
	}
}

func TestPatternAndTagFilterTogether(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Tag: "created", Mode: ModeEventDriven,
		Pattern: []byte(`{"data":{"body":[{"prefix":"{\"vip\":true"}]}}`)})
	h.publish(broker.Message{Tag: "created", Body: []byte(`{"vip":true,"id":1}`)})
	h.publish(broker.Message{Tag: "created", Body: []byte(`{"vip":false,"id":2}`)})
	h.publish(broker.Message{Tag: "deleted", Body: []byte(`{"vip":true,"id":3}`)})
	h.bridge.Tick()
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{`{"vip":true,"id":1}`}) {
		t.Fatalf("delivered %q", got)
	}
}
