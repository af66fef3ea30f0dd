package syaml

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTagExpressions reads a trigger's Tag: valid expressions give their
// tags, invalid ones an error at the Tag's line that quotes the
// expression, with the rules of package tagexpr.
func TestTagExpressions(t *testing.T) {
	const key = "resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters.Tag"
	long := strings.Repeat("x", 129)
	tests := []struct {
		yaml   string   // the Tag value as written in YAML; "" for no Tag key
		expr   string   // the expression it holds
		tags   []string // Trigger.Tags when valid
		reason string   // the error's reason; "" when valid
	}{
		{"", "", nil, ""},
		{"''", "", nil, ""},
		{"'*'", "*", nil, ""},
		{"' * '", " * ", nil, ""},
		{"created", "created", []string{"created"}, ""},
		{"' A || B '", " A || B ", []string{"A", "B"}, ""},
		{"order created||paid", "order created||paid", []string{"order created", "paid"}, ""},
		{long[:128], long[:128], []string{long[:128]}, ""},
		{"'||'", "||", nil, `names no tag (write "*" for every tag)`},
		{"A||", "A||", nil, "tag 2 of 2 is empty"},
		{"'||A'", "||A", nil, "tag 1 of 2 is empty"},
		{"A||||B", "A||||B", nil, "tag 2 of 3 is empty"},
		{"'A||*'", "A||*", nil, `"*" matches every tag on its own only`},
		{"A|B", "A|B", nil, `tag "A|B" holds '|'`},
		{long, long, nil, "is 129 bytes, over the limit of 128"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			src := rmqSource
			if tt.yaml != "" {
				src += "                  Tag: " + tt.yaml + "\n" // line 21
			}
			p, err := Parse([]byte(ebDoc(src)), "")
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Tag %s: %v", tt.yaml, err)
				}
				tr := p.Functions[0].Triggers[0]
				if tr.Tag != tt.expr || !slices.Equal(tr.Tags, tt.tags) || (tr.Tags == nil) != (tt.tags == nil) {
					t.Errorf("Tag %s: Tag %q, Tags %q; want %q, %q", tt.yaml, tr.Tag, tr.Tags, tt.expr, tt.tags)
				}
				return
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("Tag %s: error %v, want one error", tt.yaml, err)
			}
			want := "s.yaml:21: " + key + ": tag expression " + strconv.Quote(tt.expr) + ": "
			if got := err.Error(); !strings.HasPrefix(got, want) || !strings.Contains(got, tt.reason) {
				t.Errorf("Tag %s:\n%s\nwant\n%s...%s", tt.yaml, got, want, tt.reason)
			}
			if e := list[0]; e.Line != 21 || e.Key != key {
				t.Errorf("Tag %s: error at line %d, key %s", tt.yaml, e.Line, e.Key)
			}
			if p == nil || len(p.Functions) != 1 || p.Functions[0].Triggers[0].Tags != nil {
				t.Errorf("Tag %s: want the partial project with no Tags, got %+v", tt.yaml, p)
			}
		})
	}
}
