package pattern

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	// tagsPattern selects order events by topic and tag.
	tagsPattern = `{"type":["mq:Topic:SendMessage"],"data":{"topic":["orders"],"systemProperties":{"TAGS":["created","updated"]}}}`
	// keysPattern selects Hangzhou order messages of real tenants.
	keysPattern = `{"subject":[{"prefix":"acs:mq:cn-hangzhou:"}],"data":{"systemProperties":{"KEYS":[{"prefix":"order-"}]},"userProperties":{"tenant":[{"anything-but":["test"]}]}}}`
)

// loadEvent decodes a testdata event and applies edits, each a dotted path
// and the value to store there.
func loadEvent(t testing.TB, file string, edits map[string]any) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for path, v := range edits {
		keys := strings.Split(path, ".")
		obj := m
		for _, k := range keys[:len(keys)-1] {
			obj = obj[k].(map[string]any)
		}
		obj[keys[len(keys)-1]] = v
	}
	return m
}

func TestRocketMQEvents(t *testing.T) {
	order := map[string]any{
		"data.topic":                 "orders",
		"data.systemProperties.TAGS": "created",
		"data.systemProperties.KEYS": "order-1001",
		"data.userProperties":        map[string]any{"tenant": "acme"},
	}
	with := func(path string, v any) map[string]any {
		m := maps.Clone(order)
		m[path] = v
		return m
	}
	tests := []struct {
		name    string
		pattern string
		file    string
		edits   map[string]any
		explain string // "" when the event should match
	}{
		{"tags: sample event", tagsPattern, "fc-trigger-single.json", nil,
			`data.systemProperties.TAGS: "systemProperties.TAGS" is not one of ["created","updated"]`},
		{"tags: order created", tagsPattern, "fc-trigger-single.json", order, ""},
		{"tags: order updated", tagsPattern, "fc-trigger-single.json", with("data.systemProperties.TAGS", "updated"), ""},
		{"tags: order paid", tagsPattern, "fc-trigger-single.json", with("data.systemProperties.TAGS", "paid"),
			`data.systemProperties.TAGS: "paid" is not one of ["created","updated"]`},
		{"tags: wrong case", tagsPattern, "fc-trigger-single.json", with("data.systemProperties.TAGS", "Created"),
			`data.systemProperties.TAGS: "Created" is not one of ["created","updated"]`},
		{"tags: other topic", tagsPattern, "fc-trigger-single.json", with("data.topic", "payments"),
			`data.topic: "payments" is not one of ["orders"]`},
		{"tags: other type", tagsPattern, "fc-trigger-single.json", with("type", "mq:Topic:Other"),
			`type: "mq:Topic:Other" is not one of ["mq:Topic:SendMessage"]`},
		{"tags: custom source", tagsPattern, "eventbridge-custom-source.json", order, ""},
		{"keys: sample event", keysPattern, "fc-trigger-single.json", nil,
			`data.systemProperties.KEYS: "systemProperties.KEYS" does not match [{"prefix":"order-"}]`},
		{"keys: order", keysPattern, "fc-trigger-single.json", order, ""},
		{"keys: test tenant", keysPattern, "fc-trigger-single.json", with("data.userProperties", map[string]any{"tenant": "test"}),
			`data.userProperties.tenant: "test" does not match [{"anything-but":["test"]}]`},
		{"keys: no tenant", keysPattern, "fc-trigger-single.json", with("data.userProperties", map[string]any{}),
			`data.userProperties.tenant: missing, want [{"anything-but":["test"]}]`},
		{"keys: other region", keysPattern, "fc-trigger-single.json",
			with("subject", "acs:mq:cn-beijing:1649:MQ_INST_1649_BXhFHryi%orders"),
			`subject: "acs:mq:cn-beijing:1649:MQ_INST_1649_BXhFHryi%orders" does not match [{"prefix":"acs:mq:cn-hangzhou:"}]`},
		{"source", `{"source":["RocketMQ-Function-rocketmq-trigger"]}`, "fc-trigger-single.json", nil, ""},
		{"start time numeric", `{"data":{"systemProperties":{"CONSUME_START_TIME":[{"numeric":[">=",1628577790000,"<",1628577800000]}]}}}`,
			"fc-trigger-single.json", nil, ""},
		{"string offsets are not numeric", `{"data":{"systemProperties":{"MAX_OFFSET":[{"numeric":[">",0]}]}}}`,
			"fc-trigger-single.json", nil, `data.systemProperties.MAX_OFFSET: "8" does not match [{"numeric":[">",0]}]`},
		{"masked publish address", `{"aliyunpublishaddr":[{"cidr":"42.120.0.0/16"}]}`, "fc-trigger-single.json", nil,
			`aliyunpublishaddr: "42.120.XX.XX" does not match [{"cidr":"42.120.0.0/16"}]`},
		{"account id present", `{"aliyunaccountid":[{"exists":true}]}`, "fc-trigger-single.json", nil, ""},
		{"account id absent", `{"aliyunaccountid":[{"exists":false}]}`, "eventbridge-custom-source.json", nil, ""},
		{"empty user properties", `{"data":{"userProperties":[{"exists":true}]}}`, "fc-trigger-single.json", nil, ""},
		{"body contains", `{"data":{"body":[{"contains":"ES"}]}}`, "fc-trigger-single.json", nil, ""},
		{"everything", `{}`, "fc-trigger-single.json", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := MustCompile(tt.pattern)
			d := Map(loadEvent(t, tt.file, tt.edits))
			if got, want := p.Match(d), tt.explain == ""; got != want {
				t.Errorf("Match = %v, want %v", got, want)
			}
			if got := p.Explain(d); got != tt.explain {
				t.Errorf("Explain\n got %s\nwant %s", got, tt.explain)
			}
		})
	}
}
