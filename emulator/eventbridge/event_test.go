package eventbridge

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/runtime/event"
)

// orderMessage is a message with every field a RocketMQ event carries.
var orderMessage = broker.Message{
	Instance: "MQ_INST_164901546557_BXhFHryi", Topic: "orders", Tag: "created",
	Keys: "order-1 order-1b", ShardingKey: "shard-7",
	Properties: map[string]string{"tenant": "acme", "trace": "t-1"},
	Body:       []byte(`{"id":1,"note":"<a&b>"}`),
}

func TestEventDrivenDeliversOneCloudEvent(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Name: "rocketmq-trigger", Function: "Function", Instance: orderMessage.Instance, Topic: "orders",
		Mode: ModeEventDriven, RegionID: "cn-chengdu", AccountID: "164901546557"})
	id := h.publish(orderMessage)
	h.bridge.Tick()

	calls := h.rec.got()
	if len(calls) != 1 {
		t.Fatalf("%d invocations, want 1", len(calls))
	}
	c := calls[0]
	if c.payload[0] != '{' || c.decoded.Batch || len(c.decoded.Messages) != 1 {
		t.Fatalf("payload is not one CloudEvent object:\n%s", c.payload)
	}
	m := c.decoded.Messages[0]
	checkMessage(t, &m, id, orderMessage)
	checkEnvelope(t, &m, "RocketMQ-Function-rocketmq-trigger",
		"acs:mq:cn-chengdu:164901546557:MQ_INST_164901546557_BXhFHryi%orders")
	if got, _ := m.SystemProperties.Int(event.PropConsumeStartTime); got != h.clock.Now().UnixMilli() {
		t.Errorf("CONSUME_START_TIME %d, want the consume time %d", got, h.clock.Now().UnixMilli())
	}
	if m.InstanceID() != orderMessage.Instance || m.Region() != "cn-chengdu" {
		t.Errorf("instance %q region %q", m.InstanceID(), m.Region())
	}
	sameShape(t, c.payload, readFixture(t, "fc-trigger-single.json"))
}

// checkMessage checks the message fields against what was published.
func checkMessage(t *testing.T, m *event.Message, id string, want broker.Message) {
	t.Helper()
	if m.ID != id || m.Topic != want.Topic || m.Tag != want.Tag || m.ShardingKey != want.ShardingKey {
		t.Errorf("ID %q topic %q tag %q shard %q, want %q %q %q %q",
			m.ID, m.Topic, m.Tag, m.ShardingKey, id, want.Topic, want.Tag, want.ShardingKey)
	}
	if !slices.Equal(m.Keys, []string{"order-1", "order-1b"}) {
		t.Errorf("keys %q", m.Keys)
	}
	if string(m.Body) != string(want.Body) || m.BodyKind != event.String {
		t.Errorf("body %q (%s), want the string %q", m.Body, m.BodyKind, want.Body)
	}
	for k, v := range want.Properties {
		if got := m.UserProperties.Get(k); got != v {
			t.Errorf("user property %s = %q, want %q", k, got, v)
		}
	}
	if p, ok := m.SystemProperties.Lookup(event.PropConsumeStartTime); !ok || p.Kind != event.Number {
		t.Errorf("CONSUME_START_TIME %+v, want a JSON number", p)
	}
	for _, p := range m.SystemProperties {
		if p.Key != event.PropConsumeStartTime && p.Kind != event.String {
			t.Errorf("system property %s is a %s, want a string", p.Key, p.Kind)
		}
	}
	if n, ok := m.MaxOffset(); !ok || n < 1 {
		t.Errorf("MAX_OFFSET %d %v", n, ok)
	}
}

// checkEnvelope checks the CloudEvent attributes.
func checkEnvelope(t *testing.T, m *event.Message, source, subject string) {
	t.Helper()
	e := m.Event
	if e.Source != source || e.EventBusName != source || e.Subject != subject {
		t.Errorf("source %q bus %q subject %q, want %q %q %q", e.Source, e.EventBusName, e.Subject, source, source, subject)
	}
	if e.Type != event.TypeSendMessage || e.SpecVersion != "1.0" || e.DataContentType != dataContentType {
		t.Errorf("type %q specversion %q datacontenttype %q", e.Type, e.SpecVersion, e.DataContentType)
	}
	if len(e.ID) != 36 || e.AccountID == "" || e.OriginalAccountID != e.AccountID || e.PublishAddr == "" {
		t.Errorf("id %q account %q/%q addr %q", e.ID, e.AccountID, e.OriginalAccountID, e.PublishAddr)
	}
	for _, s := range []string{e.Time, e.PublishTime} {
		if _, err := time.Parse(timeLayout, s); err != nil {
			t.Errorf("time %q is not RFC 3339 with ms and Z: %v", s, err)
		}
	}
}

func TestEventStreamingDeliversArraysOfCloudEvents(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Instance: orderMessage.Instance, Topic: "orders", BatchCount: 2})
	ids := []string{h.publish(orderMessage), h.publish(orderMessage)}
	h.bridge.Tick()
	calls := h.rec.got()
	if len(calls) != 1 || calls[0].payload[0] != '[' || !calls[0].decoded.Batch {
		t.Fatalf("want one array payload, got %d calls", len(calls))
	}
	for i, m := range calls[0].decoded.Messages {
		checkMessage(t, &m, ids[i], orderMessage)
		checkEnvelope(t, &m, "RocketMQ-fn-trig", "acs:mq:cn-hangzhou:1234567890123456:MQ_INST_164901546557_BXhFHryi%orders")
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(calls[0].payload, &elems); err != nil || len(elems) != 2 {
		t.Fatalf("array of %d: %v", len(elems), err)
	}
	var fixture []json.RawMessage
	json.Unmarshal(readFixture(t, "fc-trigger-batch.json"), &fixture)
	sameShape(t, elems[0], fixture[0])
}

func TestRawDataDeliversOnlyData(t *testing.T) {
	for _, mode := range []string{ModeEventDriven, ModeEventStreaming} {
		t.Run(mode, func(t *testing.T) {
			h := newHarness(t, nil, "")
			h.add(Trigger{Instance: orderMessage.Instance, Topic: "orders", Mode: mode, Schema: SchemaRawData})
			id := h.publish(orderMessage)
			h.bridge.Tick()
			calls := h.rec.got()
			if len(calls) != 1 || len(calls[0].decoded.Messages) != 1 {
				t.Fatalf("want one invocation of one message, got %d", len(calls))
			}
			c := calls[0]
			if c.decoded.Batch != (mode == ModeEventStreaming) {
				t.Errorf("batch %v in %s mode", c.decoded.Batch, mode)
			}
			m := c.decoded.Messages[0]
			checkMessage(t, &m, id, orderMessage)
			if m.Event.ID != "" || m.Event.Source != "" || m.Event.Type != "" || m.Event.Subject != "" {
				t.Errorf("RawData payload carries CloudEvent attributes: %+v", m.Event)
			}
			elem := bytes.TrimSuffix(bytes.TrimPrefix(c.payload, []byte("[")), []byte("]"))
			if got := objectKeys(t, elem); !slices.Equal(got, []string{"topic", "systemProperties", "userProperties", "body"}) {
				t.Errorf("data members %q", got)
			}
		})
	}
}

func TestBinaryBodyIsBase64(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven})
	body := []byte{0xff, 0x00, 0xfe}
	h.publish(broker.Message{Body: body})
	h.bridge.Tick()
	m := h.rec.got()[0].decoded.Messages[0]
	if got, err := m.Base64(); err != nil || !bytes.Equal(got, body) {
		t.Errorf("body %q decodes to %v, %v", m.Body, got, err)
	}
}

// readFixture reads a payload from testdata.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// sameShape checks that an event has the members of a documented sample
// in the same order, and data and systemProperties members of the same
// JSON types.
func sameShape(t *testing.T, got, sample []byte) {
	t.Helper()
	if g, w := objectKeys(t, got), objectKeys(t, sample); !slices.Equal(g, w) {
		t.Errorf("members %q\nsample has %q", g, w)
	}
	var ge, we struct {
		Data struct {
			SystemProperties map[string]any `json:"systemProperties"`
			UserProperties   map[string]any `json:"userProperties"`
			Body             any            `json:"body"`
		} `json:"data"`
	}
	json.Unmarshal(got, &ge)
	json.Unmarshal(sample, &we)
	for k, v := range we.Data.SystemProperties {
		g, ok := ge.Data.SystemProperties[k]
		if !ok {
			t.Errorf("systemProperties.%s missing", k)
		} else if _, isNum := g.(float64); isNum != (k == event.PropConsumeStartTime) {
			t.Errorf("systemProperties.%s = %#v; sample has %#v", k, g, v)
		}
	}
	if _, ok := ge.Data.Body.(string); !ok || ge.Data.UserProperties == nil {
		t.Errorf("body %#v userProperties %#v", ge.Data.Body, ge.Data.UserProperties)
	}
}

// objectKeys returns the member names of a JSON object in order.
func objectKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, _ := dec.Token()
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
