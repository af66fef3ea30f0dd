package event_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// decodeOne decodes a payload that must hold exactly one message.
func decodeOne(t *testing.T, payload string) *event.Message {
	t.Helper()
	p, err := event.Decode([]byte(payload))
	if err != nil {
		t.Fatalf("Decode(%s): %v", payload, err)
	}
	if len(p.Messages) != 1 || len(p.Failed) != 0 {
		t.Fatalf("Decode(%s): %d messages, %d failed; want 1, 0", payload, len(p.Messages), len(p.Failed))
	}
	return &p.Messages[0]
}

func TestDrift(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		check   func(t *testing.T, m *event.Message)
	}{
		{"numeric system property", `{"specversion":"1.0","data":{"topic":"t","systemProperties":{"CONSUME_START_TIME":1628577790396,"MIN_OFFSET":"0"},"body":"x"}}`,
			func(t *testing.T, m *event.Message) {
				p, _ := m.SystemProperties.Lookup("CONSUME_START_TIME")
				if p.Kind != event.Number || p.Value != "1628577790396" {
					t.Errorf("CONSUME_START_TIME = %+v", p)
				}
				if got := m.ConsumeStartTime().UnixMilli(); got != 1628577790396 {
					t.Errorf("ConsumeStartTime = %d", got)
				}
				if n, ok := m.MinOffset(); !ok || n != 0 {
					t.Errorf("MinOffset = %d, %v", n, ok)
				}
			}},
		{"publish time with zone abbreviation", `{"specversion":"1.0","aliyunpublishtime":"2020-11-19T21:04:42.179PRC","data":{"body":"x"}}`,
			func(t *testing.T, m *event.Message) {
				want := time.Date(2020, 11, 19, 13, 4, 42, 179e6, time.UTC)
				if got := m.PublishTime(); !got.Equal(want) {
					t.Errorf("PublishTime = %v, want %v", got, want)
				}
			}},
		{"body as JSON object", `{"specversion":"1.0","data":{"topic":"t","body":{"id":"7","n":[1,2]}}}`,
			func(t *testing.T, m *event.Message) {
				if string(m.Body) != `{"id":"7","n":[1,2]}` || m.BodyKind != event.Raw {
					t.Errorf("Body = %s (%v)", m.Body, m.BodyKind)
				}
			}},
		{"body as base64 of JSON", `{"specversion":"1.0","data":{"topic":"t","body":"eyJpZCI6IjcifQ=="}}`,
			func(t *testing.T, m *event.Message) {
				var v struct{ ID string }
				if err := m.DecodeJSON(&v); err != nil || v.ID != "7" {
					t.Errorf("DecodeJSON = %+v, %v", v, err)
				}
			}},
		{"body with escapes and unicode", `{"data":{"topic":"t","body":"caf\u00e9 \ud83d\ude00 \"q\"\n\t\\ 東京"}}`,
			func(t *testing.T, m *event.Message) {
				if got, want := m.Text(), "café 😀 \"q\"\n\t\\ 東京"; got != want {
					t.Errorf("Text = %q, want %q", got, want)
				}
			}},
		{"lone surrogate becomes U+FFFD", `{"topic":"t","body":"a\ud800b"}`,
			func(t *testing.T, m *event.Message) {
				if got := m.Text(); got != "a\uFFFDb" {
					t.Errorf("Text = %q", got)
				}
			}},
		{"null members", `{"specversion":"1.0","subject":null,"data":{"topic":"t","userProperties":null,"systemProperties":null,"body":null}}`,
			func(t *testing.T, m *event.Message) {
				if m.Body != nil || m.BodyKind != event.Null || m.UserProperties != nil {
					t.Errorf("got %+v", m)
				}
			}},
		{"unknown fields kept", `{"specversion":"1.0","traceparent":"00-ab","aliyuneventid":"e1","data":{"topic":"t","body":"x","msgId":"M1","extra":{"a":[1]}},"n":2}`,
			func(t *testing.T, m *event.Message) {
				if got := m.Event.Extensions.Get("traceparent"); got != "00-ab" {
					t.Errorf("extension traceparent = %q", got)
				}
				if v, ok := m.Event.Attr("n"); !ok || v != "2" {
					t.Errorf("Attr(n) = %q, %v", v, ok)
				}
				if p, _ := m.Extra.Lookup("extra"); p.Kind != event.Raw || p.Value != `{"a":[1]}` {
					t.Errorf("Extra = %+v", m.Extra)
				}
				if m.Event.EventID != "e1" || m.ID != "M1" {
					t.Errorf("EventID %q, ID %q", m.Event.EventID, m.ID)
				}
			}},
		{"keys, sharding key, reconsume count", `{"topic":"t","systemProperties":{"KEYS":"k1  k2 k3","__SHARDINGKEY":"user-9","RECONSUME_TIMES":"2","BORN_TIMESTAMP":"1713756930836","QUEUE_OFFSET":"17"},"body":""}`,
			func(t *testing.T, m *event.Message) {
				if strings.Join(m.Keys, ",") != "k1,k2,k3" || m.ShardingKey != "user-9" || m.ReconsumeTimes() != 2 {
					t.Errorf("Keys %q ShardingKey %q Reconsume %d", m.Keys, m.ShardingKey, m.ReconsumeTimes())
				}
				if got := m.BornTime().UnixMilli(); got != 1713756930836 {
					t.Errorf("BornTime = %d", got)
				}
				if off, ok := m.QueueOffset(); !ok || off != 17 {
					t.Errorf("QueueOffset = %d, %v", off, ok)
				}
			}},
		{"message ID precedence", `{"id":"ce","data":{"msgId":"data","systemProperties":{"MESSAGE_ID":"prop","UNIQ_KEY":"uniq"},"body":""}}`,
			func(t *testing.T, m *event.Message) {
				if m.ID != "uniq" {
					t.Errorf("ID = %q, want the UNIQ_KEY", m.ID)
				}
			}},
		{"message ID falls back to the CloudEvent id", `{"id":"ce-1","specversion":"1.0","data":{"topic":"t","body":""}}`,
			func(t *testing.T, m *event.Message) {
				if m.ID != "ce-1" {
					t.Errorf("ID = %q", m.ID)
				}
			}},
		{"topic and instance from the subject", `{"specversion":"1.0","subject":"acs:mq:cn-shanghai:1234:MQ_INST_1_x%25orders","data":{"body":"b"}}`,
			func(t *testing.T, m *event.Message) {
				if m.Topic != "orders" || m.InstanceID() != "MQ_INST_1_x" || m.Region() != "cn-shanghai" {
					t.Errorf("Topic %q Instance %q Region %q", m.Topic, m.InstanceID(), m.Region())
				}
			}},
		{"CloudEvent that is not a RocketMQ message", `{"specversion":"1.0","type":"order.created","id":"1","data":{"id":"o-1","amount":12}}`,
			func(t *testing.T, m *event.Message) {
				if string(m.Body) != `{"id":"o-1","amount":12}` || m.Topic != "" || m.ID != "1" {
					t.Errorf("Body %s Topic %q ID %q", m.Body, m.Topic, m.ID)
				}
			}},
		{"data_base64", `{"specversion":"1.0","id":"1","data_base64":"aGVsbG8="}`,
			func(t *testing.T, m *event.Message) {
				if m.Text() != "hello" {
					t.Errorf("Body = %q", m.Body)
				}
			}},
		{"CloudEvent without data", `{"specversion":"1.0","id":"1","type":"ping","source":"s"}`,
			func(t *testing.T, m *event.Message) {
				if m.Body != nil || m.Event.Type != "ping" {
					t.Errorf("got %+v", m)
				}
			}},
		{"AWS EventBridge envelope", `{"version":"0","id":"a1","detail-type":"mq:Topic:SendMessage","source":"my.app","account":"1","time":"2021-04-08T06:01:20Z","region":"us-east-1","resources":[],"detail":{"topic":"orders","systemProperties":{"TAGS":"paid"},"body":"hi"}}`,
			func(t *testing.T, m *event.Message) {
				if m.Topic != "orders" || m.Tag != "paid" || m.Text() != "hi" || m.ID != "a1" || m.Event.Type != "mq:Topic:SendMessage" || m.Event.Extensions.Get("region") != "us-east-1" {
					t.Errorf("got %+v", m)
				}
			}},
		{"escaped keys", `{"specversion":"1.0","\u0064ata":{"topic":"t","body":"x"}}`,
			func(t *testing.T, m *event.Message) {
				if m.Topic != "t" || m.Text() != "x" {
					t.Errorf("Topic %q Body %q", m.Topic, m.Body)
				}
			}},
		{"repeated key: last wins", `{"topic":"t","systemProperties":{"TAGS":"a","TAGS":"b"},"body":"x"}`,
			func(t *testing.T, m *event.Message) {
				if m.Tag != "b" || m.SystemProperties.Get("TAGS") != "b" {
					t.Errorf("Tag %q", m.Tag)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, decodeOne(t, tt.payload)) })
	}
}

func TestShapes(t *testing.T) {
	const ev = `{"specversion":"1.0","id":"1","data":{"topic":"t","body":"b"}}`
	tests := []struct {
		name    string
		payload string
		batch   bool
		n       int
	}{
		{"object", ev, false, 1},
		{"array of one", "[" + ev + "]", true, 1},
		{"array", "[" + ev + "," + ev + "]", true, 2},
		{"empty array", "[]", true, 0},
		{"raw data array", `[{"topic":"t","body":"b"},{"topic":"t","body":"c"}]`, true, 2},
		{"array of strings holding events", `["{\"specversion\":\"1.0\",\"data\":{\"topic\":\"t\",\"body\":\"b\"}}"]`, true, 1},
		{"string holding one event", `"{\"topic\":\"t\",\"body\":\"b\"}"`, false, 1},
		{"whitespace around", " \n\t" + ev + "\r\n ", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := event.Decode([]byte(tt.payload))
			if err != nil {
				t.Fatal(err)
			}
			if p.Batch != tt.batch || len(p.Messages) != tt.n || len(p.Failed) != 0 {
				t.Fatalf("Batch %v, %d messages, %d failed; want %v, %d, 0", p.Batch, len(p.Messages), len(p.Failed), tt.batch, tt.n)
			}
			for i, m := range p.Messages {
				if m.Topic != "t" || m.Index != i {
					t.Errorf("message %d: Topic %q Index %d", i, m.Topic, m.Index)
				}
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    string // substring of the error
	}{
		{"empty", "", "empty payload"},
		{"only whitespace", "  \n", "empty payload"},
		{"not JSON", "hello", "byte 0: expected JSON value, found invalid character 'h'"},
		{"truncated", `{"specversion":"1.0","data":{"topic":"t"`, "unexpected end of input"},
		{"truncated string", `{"data":{"body":"abc`, "data.body at byte 16: unterminated string"},
		{"wrong type", `{"specversion":"1.0","data":{"topic":["t"],"body":"b"}}`, `data.topic at byte 37: expected a string, found array`},
		{"wrong type of properties", `{"data":{"systemProperties":"x","body":"b"}}`, "data.systemProperties at byte 28: expected an object, found string"},
		{"attribute not a string", `{"specversion":"1.0","id":7,"data":{}}`, "id at byte 26: expected a string, found number"},
		{"unknown specversion", `{"specversion":"2.0","data":{"body":"b"}}`, `unsupported CloudEvents specversion "2.0"`},
		{"invalid UTF-8", "{\"topic\":\"t\",\"body\":\"a\xffb\"}", "body at byte 22: invalid UTF-8"},
		{"invalid UTF-8 in an unknown member", "{\"topic\":\"t\",\"x\":\"\xc3\"}", "invalid UTF-8"},
		{"control character", "{\"body\":\"a\nb\"}", `control character '\n'`},
		{"bad escape", `{"body":"a\qb"}`, `invalid escape "\\q"`},
		{"bad unicode escape", `{"body":"\u12G4"}`, `invalid \u escape`},
		{"trailing data", `{"body":"b"} {}`, "unexpected object after the payload"},
		{"trailing comma in array", `[{"body":"b"},]`, "expected array element"},
		{"trailing comma in object", `{"body":"b",}`, "expected string key"},
		{"missing colon", `{"body" "b"}`, "expected ':' after object key"},
		{"bad number", `{"body":"b","x":01}`, "expected ',' or '}'"},
		{"bad literal", `{"body":nul}`, "invalid literal, expected null"},
		{"not an event", `{"a":1}`, "not an event"},
		{"scalar payload", `42`, "expected an event object, found number"},
		{"deep nesting", `{"body":"b","x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`, "nesting deeper than 512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := event.Decode([]byte(tt.payload))
			if err == nil {
				t.Fatalf("Decode(%q) succeeded", tt.payload)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !errors.Is(err, event.ErrMalformed) {
				t.Errorf("error %v is not ErrMalformed", err)
			}
			var de *event.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError", err)
			}
		})
	}
}

// TestBatchElementFailures checks that one bad element of a batch fails
// alone: the others decode, and the failure names the element.
func TestBatchElementFailures(t *testing.T) {
	payload := `[{"topic":"t","body":"0"}, 7, {"topic":["x"],"body":"2"}, "not an event", {"specversion":"9","data":{}}, "{\"topic\":\"t\",\"body\":\"5\"}", {"topic":"t","body":"6"}]`
	p, err := event.Decode([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range p.Messages {
		bodies = append(bodies, m.Text())
	}
	if got := strings.Join(bodies, ","); got != "0,5,6" {
		t.Errorf("decoded bodies %q, want 0,5,6", got)
	}
	wantIdx := []int{1, 2, 3, 4}
	if len(p.Failed) != len(wantIdx) {
		t.Fatalf("failed = %v", p.Failed)
	}
	for i, f := range p.Failed {
		if f.Index != wantIdx[i] || !strings.Contains(f.Error(), "element ") {
			t.Errorf("failure %d = %v, want element %d", i, f, wantIdx[i])
		}
	}
	if got := p.Messages[1].Index; got != 5 {
		t.Errorf("Index of the string element = %d, want 5", got)
	}
}

func TestLimits(t *testing.T) {
	ev := `{"topic":"t","body":"b"}`
	t.Run("payload size", func(t *testing.T) {
		d := event.Decoder{MaxPayload: 10}
		_, err := d.Decode([]byte(ev))
		if !errors.Is(err, event.ErrTooLarge) || !strings.Contains(err.Error(), "over the limit of 10 bytes") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("default payload limit is FC's 32 MB", func(t *testing.T) {
		big := make([]byte, event.DefaultMaxPayload+1)
		_, err := event.Decode(big)
		if !errors.Is(err, event.ErrTooLarge) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("messages", func(t *testing.T) {
		d := event.Decoder{MaxMessages: 2}
		_, err := d.Decode([]byte("[" + ev + "," + ev + "," + ev + "]"))
		if !errors.Is(err, event.ErrTooLarge) || !strings.Contains(err.Error(), "more than 2 messages") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("properties", func(t *testing.T) {
		d := event.Decoder{MaxProperties: 3}
		_, err := d.Decode([]byte(`{"topic":"t","userProperties":{"a":"1","b":"2","c":"3","d":"4"}}`))
		if !errors.Is(err, event.ErrTooLarge) || !strings.Contains(err.Error(), "userProperties") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestParseTime(t *testing.T) {
	want := time.Date(2021, 4, 8, 6, 1, 20, 766e6, time.UTC)
	for _, s := range []string{
		"2021-04-08T06:01:20.766Z",
		"2021-04-08T14:01:20.766+08:00",
		"2021-04-08T14:01:20.766PRC",
		"2021-04-08 06:01:20.766UTC",
		"1617861680766",
	} {
		got, err := event.ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := event.ParseTime("1617861680"); err != nil || got.Unix() != 1617861680 {
		t.Errorf("epoch seconds: %v, %v", got, err)
	}
	for _, s := range []string{"", "yesterday", "2021-04-08T06:01:20XYZ"} {
		if _, err := event.ParseTime(s); err == nil {
			t.Errorf("ParseTime(%q) succeeded", s)
		}
	}
}

func TestBodyError(t *testing.T) {
	m := decodeOne(t, `{"data":{"msgId":"M1","topic":"t","body":"{\"amount\":\"ten\"}"}}`)
	var v struct {
		Amount int `json:"amount"`
	}
	err := m.DecodeJSON(&v)
	if err == nil || !strings.Contains(err.Error(), `message M1: body field "amount": cannot use JSON string as int`) {
		t.Errorf("err = %v", err)
	}
	m = decodeOne(t, `{"data":{"msgId":"M2","topic":"t","body":"plain text"}}`)
	if err := m.DecodeJSON(&v); err == nil || !strings.Contains(err.Error(), "message M2: body:") {
		t.Errorf("err = %v", err)
	}
}

func TestDecodeData(t *testing.T) {
	var d event.Decoder
	attrs := event.CloudEvent{ID: "e1", Type: event.TypeSendMessage, DataContentType: "application/json; charset=utf-8"}
	p, err := d.DecodeData(attrs, []byte(`{"topic":"orders","systemProperties":{"TAGS":"paid","UNIQ_KEY":"M1"},"body":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	m := p.Messages[0]
	if m.ID != "M1" || m.Topic != "orders" || m.Tag != "paid" || m.Text() != "hi" || m.Event.ID != "e1" {
		t.Errorf("got %+v", m)
	}
	p, err = d.DecodeData(event.CloudEvent{ID: "e2", DataContentType: "text/plain"}, []byte(`{"topic":"not parsed"}`))
	if err != nil || p.Messages[0].Text() != `{"topic":"not parsed"}` || p.Messages[0].ID != "e2" {
		t.Errorf("text data: %+v, %v", p.Messages, err)
	}
	if _, err := d.DecodeData(attrs, []byte(`{"topic":1}`)); err == nil || !strings.Contains(err.Error(), "data.topic") {
		t.Errorf("bad data: %v", err)
	}
}
