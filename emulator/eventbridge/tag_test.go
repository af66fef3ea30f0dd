package eventbridge

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// TestTriggerTagExpressions adds a trigger for each tag expression: the
// valid ones deliver the messages they name, the invalid ones are refused
// by Add with the tagexpr error, by the rules every rocketfn user of tag
// expressions shares.
func TestTriggerTagExpressions(t *testing.T) {
	long := strings.Repeat("x", 129)
	tests := []struct {
		expr   string
		want   []string // bodies delivered, each the tag of its message
		reason string   // of the refusal; "" when valid
	}{
		{"", []string{"tag:A", "tag:B", "tag:C", "tag:"}, ""},
		{"*", []string{"tag:A", "tag:B", "tag:C", "tag:"}, ""},
		{" * ", []string{"tag:A", "tag:B", "tag:C", "tag:"}, ""},
		{" A || B ", []string{"tag:A", "tag:B"}, ""},
		{"C", []string{"tag:C"}, ""},
		{"||", nil, `names no tag`},
		{" || ", nil, `names no tag`},
		{"A||", nil, "tag 2 of 2 is empty"},
		{"||A", nil, "tag 1 of 2 is empty"},
		{"A||||B", nil, "tag 2 of 3 is empty"},
		{"A||*", nil, `"*" matches every tag on its own only`},
		{"A|B", nil, "holds '|'"},
		{long, nil, "is 129 bytes, over the limit of 128"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			h := newHarness(t, nil, "")
			err := h.bridge.Add(Trigger{Name: "trig", Function: "fn", Topic: "T", Tag: tt.expr, Mode: ModeEventDriven}, h.rec)
			if tt.reason != "" {
				var te *tagexpr.Error
				prefix := `eventbridge: trigger trig: tag expression "` + tt.expr + `": `
				if !errors.As(err, &te) || te.Expr != tt.expr || !strings.HasPrefix(err.Error(), prefix) ||
					!strings.Contains(err.Error(), tt.reason) {
					t.Fatalf("Add: %v, want %s...%s", err, prefix, tt.reason)
				}
				if got := h.bridge.Triggers(); len(got) != 0 {
					t.Errorf("the refused trigger was added: %q", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			for _, tag := range []string{"A", "B", "C", ""} {
				h.publish(broker.Message{Tag: tag, Body: []byte("tag:" + tag)})
			}
			h.bridge.Tick()
			if got := deliveredBodies(h.rec); !slices.Equal(got, tt.want) {
				t.Errorf("delivered %q, want %q", got, tt.want)
			}
		})
	}
}
