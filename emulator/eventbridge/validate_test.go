package eventbridge

import (
	"strings"
	"testing"
	"time"
)

func TestAddRejectsBadTriggers(t *testing.T) {
	long := strings.Repeat("f", 70)
	cases := []struct {
		name string
		tr   Trigger
		want string
	}{
		{"no name", Trigger{Name: "", Function: "fn", Topic: "T"}, "trigger name is empty"},
		{"bad name", Trigger{Name: "a b", Function: "fn", Topic: "T"}, `trigger name "a b": character ' ' not allowed`},
		{"no function", Trigger{Name: "t", Topic: "T"}, "function name is empty"},
		{"no topic", Trigger{Name: "t", Function: "fn"}, "trigger t: no topic"},
		{"bad topic", Trigger{Name: "t", Function: "fn", Topic: "or ders"}, `topic name "or ders"`},
		{"long default group", Trigger{Name: "t", Function: long, Topic: "T"}, "group name"},
		{"mode", Trigger{Name: "t", Function: "fn", Topic: "T", Mode: "batch"}, `mode "batch" is not`},
		{"schema", Trigger{Name: "t", Function: "fn", Topic: "T", Schema: "Raw"}, `event schema "Raw" is not`},
		{"count", Trigger{Name: "t", Function: "fn", Topic: "T", BatchCount: 10001}, "batch count (CountBasedWindow) 10001 is outside 1..10000"},
		{"window", Trigger{Name: "t", Function: "fn", Topic: "T", BatchWindow: 16 * time.Second}, "batch window (TimeBasedWindow) 16s is outside 0..15s"},
		{"policy", Trigger{Name: "t", Function: "fn", Topic: "T", RetryPolicy: "FOREVER"}, `retry policy "FOREVER" is not`},
		{"tolerance", Trigger{Name: "t", Function: "fn", Topic: "T", ErrorsTolerance: "SOME"}, `errors tolerance "SOME" is not`},
		{"tag", Trigger{Name: "t", Function: "fn", Topic: "T", Tag: " || "}, "names no tag"},
		{"pattern leaf", Trigger{Name: "t", Function: "fn", Topic: "T", Pattern: []byte(`{"data":{"topic":"T"}}`)}, "trigger t: eventRuleFilterPattern: pattern: data.topic"},
		{"pattern json", Trigger{Name: "t", Function: "fn", Topic: "T", Pattern: []byte(`{"data":`)}, "eventRuleFilterPattern"},
	}
	h := newHarness(t, nil, "")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := h.bridge.Add(tc.tr, h.rec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Add: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if err := h.bridge.Add(Trigger{Name: "t", Function: "fn", Topic: "T"}, nil); err == nil {
		t.Error("Add with a nil sink succeeded")
	}
	if got := h.bridge.Triggers(); len(got) != 0 {
		t.Errorf("rejected triggers were added: %q", got)
	}
}

func TestAddFillsDefaults(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Name: "t", Pattern: []byte(" {} ")})
	got, ok := h.bridge.Trigger("t")
	want := Trigger{Name: "t", Function: "fn", Topic: "T", Group: "GID_fn_t", Pattern: []byte(" {} "),
		Mode: ModeEventStreaming, Schema: SchemaCloudEvents, BatchCount: 1, RetryPolicy: RetryBackoff,
		ErrorsTolerance: ToleranceNone, RegionID: DefaultRegion, AccountID: DefaultAccountID}
	if !ok || got.Group != want.Group || got.Mode != want.Mode || got.Schema != want.Schema ||
		got.BatchCount != 1 || got.RetryPolicy != want.RetryPolicy || got.ErrorsTolerance != want.ErrorsTolerance ||
		got.RegionID != want.RegionID || got.AccountID != want.AccountID {
		t.Errorf("trigger %+v\nwant %+v", got, want)
	}
	if err := h.bridge.Add(Trigger{Name: "t", Function: "fn", Topic: "T"}, h.rec); err == nil ||
		!strings.Contains(err.Error(), "already added") {
		t.Errorf("second Add of t: %v", err)
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a broker succeeded")
	}
	if _, err := h.bridge.DeadLetters("nope"); err == nil {
		t.Error("DeadLetters of an unknown trigger succeeded")
	}
	if s := h.bridge.Stats("nope"); s != (Stats{}) {
		t.Errorf("stats of an unknown trigger: %+v", s)
	}
}
