package rabbitmq_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
	"github.com/rocketfn/rocketfn/emulator/rabbitmq/rabbitmqtest"
)

var update = flag.Bool("update", false, "rewrite the testdata/event-*.json files from the code (then review them)")

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The Function Compute RabbitMQ trigger sample (event-streaming, an array
// of two events), rebuilt from its message, byte for byte in its field
// order.
func TestEventFCTriggerSample(t *testing.T) {
	src := rabbitmq.EventSource{
		Name:         rabbitmq.TriggerSourceName("Function", "rabbitmq-trigger"),
		Region:       "cn-hangzhou",
		AccountID:    "164901546557****",
		InstanceID:   "amqp-cn-tl32e756****",
		VirtualHost:  "eb-connect",
		Queue:        "housekeeping",
		EventBusName: rabbitmq.TriggerSourceName("Function", "rabbitmq-trigger"),
		PublishAddr:  "42.120.XX.XX",
	}
	d := rabbitmq.Delivery{
		Envelope:   rabbitmq.Envelope{DeliveryTag: 98, RoutingKey: "housekeeping"},
		Properties: rabbitmq.Properties{ContentEncoding: "UTF-8", MessageID: "f7622d51-e198-41de-a072-77c1ead7****"},
		Body:       []byte(`{"Hello":"RabbitMQ"}`),
	}
	ev, err := rabbitmq.NewEvent(src, d, rabbitmq.EventMeta{
		ID:          "bj694332-4cj1-389e-9d8c-b137h30b****",
		Time:        mustTime("2021-08-12T06:56:40.709Z"),
		PublishTime: mustTime("2021-10-15T08:58:55.140Z"),
	})
	if err != nil {
		t.Fatal(err)
	}
	// The sample's aliyunregionid (cn-chengdu) differs from the region in
	// its subject (cn-hangzhou): the documentation's own inconsistency.
	// NewEvent writes one region in both.
	if ev.AliyunRegionID != "cn-hangzhou" {
		t.Errorf("aliyunregionid %q, want the subject's region", ev.AliyunRegionID)
	}
	ev.AliyunRegionID = "cn-chengdu"
	got, err := json.Marshal([]rabbitmq.Event{ev, ev})
	if err != nil {
		t.Fatal(err)
	}
	want := compact(t, readFile(t, "fc-trigger-sample.json"))
	if !bytes.Equal(got, want) {
		t.Errorf("events:\n%s\nwant the documented sample:\n%s", got, want)
	}
}

// The EventBridge sample of a custom event source of the RabbitMQ type,
// rebuilt field for field (the sample orders its fields differently, and
// has no aliyunpublishaddr).
func TestEventEventBridgeSourceSample(t *testing.T) {
	src := rabbitmq.EventSource{
		Name:         "housekeeping.rabbitmq",
		Region:       "cn-hangzhou",
		AccountID:    "143998900779****",
		InstanceID:   "amqp-cn-zvp2av0m****",
		VirtualHost:  "eb-connect",
		Queue:        "housekeeping",
		EventBusName: "Housekeeping-Connect",
	}
	d := rabbitmq.Delivery{
		Envelope:   rabbitmq.Envelope{DeliveryTag: 98, RoutingKey: "housekeeping"},
		Properties: rabbitmq.Properties{ContentEncoding: "UTF-8", MessageID: "f7622d51-e198-41de-a072-77c1ead7****"},
		Body:       []byte(`{"Hello":"EventBridge"}`),
	}
	ev, err := rabbitmq.NewEvent(src, d, rabbitmq.EventMeta{
		ID:          "8b09e19b-8cbd-4c46-ab77-9cc39c44****",
		Time:        mustTime("2021-08-12T06:56:40.709Z"),
		PublishTime: mustTime("2021-08-12T06:56:50.783Z"),
	})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, marshal(t, ev), readFile(t, "eventbridge-source-sample.json"))
}

// Bodies: a JSON object or array is embedded (compacted); anything else
// is a string of its text, or of its base64 when it is not UTF-8.
func TestEventBody(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
	}{
		{"object", `{"Hello":"RabbitMQ"}`, `{"Hello":"RabbitMQ"}`},
		{"object with spaces", " {\n  \"a\": [1, 2],\n  \"b\": {\"c\": null}\n}\n", `{"a":[1,2],"b":{"c":null}}`},
		{"array", `[1, "two", {"three": 3}]`, `[1,"two",{"three":3}]`},
		{"number", `42`, `"42"`},
		{"true", `true`, `"true"`},
		{"null", `null`, `"null"`},
		{"JSON string", `"quoted"`, `"\"quoted\""`},
		{"not JSON", `{"Hello":`, `"{\"Hello\":"`},
		{"text", "hello, rabbitmq", `"hello, rabbitmq"`},
		{"UTF-8 text", "你好 ✓", `"你好 ✓"`},
		{"control characters", "a\tb\n\x00", `"a\tb\n\u0000"`},
		{"empty", "", `""`},
		{"binary", "\xff\x00\x01\xfe", `"/wAB/g=="`},
	} {
		got, err := rabbitmq.EventBody([]byte(c.body))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s: body %q is %s, want %s", c.name, c.body, got, c.want)
		}
	}
}

// allProps is a delivery with every property set, headers of every field
// type and the redelivered flag: as TestEventFromBroker receives it.
func allProps() rabbitmq.Delivery {
	return rabbitmq.Delivery{
		Envelope: rabbitmq.Envelope{DeliveryTag: 2, Exchange: "amq.direct", RoutingKey: "created", Redelivered: true},
		Properties: rabbitmq.Properties{
			ContentType:     "application/json",
			ContentEncoding: "UTF-8",
			Headers: map[string]any{
				"string":  "value",
				"int32":   int32(-7),
				"int64":   int64(1) << 40,
				"bool":    true,
				"float":   1.5,
				"decimal": amqp.Decimal{Scale: 2, Value: -12345},
				"time":    time.Unix(1628751400, 0),
				"bytes":   []byte{0xff, 0x00},
				"table":   amqp.Table{"nested": "yes", "n": int32(1)},
				"array":   []any{"a", int32(2), false},
				"void":    nil,
			},
			DeliveryMode:  2,
			Priority:      5,
			CorrelationID: "corr-1",
			ReplyTo:       "replies",
			Expiration:    "60000",
			MessageID:     "msg-1",
			Timestamp:     time.Unix(1628751400, 0),
			Type:          "order.created",
			UserID:        "guest",
			AppID:         "shop",
		},
		Body: []byte("{\n  \"order\": 1,\n  \"items\": [\"a\", \"b\"]\n}\n"),
	}
}

var testSource = rabbitmq.EventSource{
	Name:        rabbitmq.TriggerSourceName("orders", "rabbitmq-orders"),
	Region:      "cn-hangzhou",
	AccountID:   "123456789012****",
	InstanceID:  "amqp-cn-local",
	VirtualHost: "shop",
	Queue:       "orders",
}

var testMeta = rabbitmq.EventMeta{
	ID:   "00000000-0000-4000-8000-000000000001",
	Time: mustTime("2026-01-02T03:04:05.678Z"),
}

// Edge cases beyond the documented samples, against reviewed files in
// testdata: every property and header type; a text body; a binary body;
// no properties at all.
func TestEventEdgeCases(t *testing.T) {
	for _, c := range []struct {
		file string
		d    rabbitmq.Delivery
	}{
		{"event-all-props.json", allProps()},
		{"event-text-body.json", rabbitmq.Delivery{
			Envelope:   rabbitmq.Envelope{DeliveryTag: 1, RoutingKey: "orders"},
			Properties: rabbitmq.Properties{ContentType: "text/plain", DeliveryMode: 1},
			Body:       []byte("hello, rabbitmq"),
		}},
		{"event-binary-body.json", rabbitmq.Delivery{
			Envelope:   rabbitmq.Envelope{DeliveryTag: 3, Exchange: "amq.fanout"},
			Properties: rabbitmq.Properties{ContentType: "application/octet-stream"},
			Body:       []byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10},
		}},
		{"event-no-props.json", rabbitmq.Delivery{
			Envelope: rabbitmq.Envelope{DeliveryTag: 1, RoutingKey: "orders"},
			Body:     []byte(`[]`),
		}},
	} {
		ev, err := rabbitmq.NewEvent(testSource, c.d, testMeta)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		got := marshal(t, ev)
		if *update {
			var b bytes.Buffer
			json.Indent(&b, got, "", "  ")
			b.WriteByte('\n')
			if err := os.WriteFile(filepath.Join("testdata", c.file), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Run(c.file, func(t *testing.T) { sameJSON(t, got, readFile(t, c.file)) })
	}
}

// The subject follows the documented template with the names as they are,
// the default virtual host "/" included.
func TestEventSubject(t *testing.T) {
	src := rabbitmq.EventSource{Region: "cn-shanghai", AccountID: "1234", InstanceID: "amqp-cn-x", VirtualHost: "/", Queue: "q.1"}
	if got, want := src.Subject(), "acs:amqp:cn-shanghai:1234:/instances/amqp-cn-x/vhosts///queues/q.1"; got != want {
		t.Errorf("subject %s, want %s", got, want)
	}
	if got := rabbitmq.TriggerSourceName("fn", "tr"); got != "RabbitMQ-fn-tr" {
		t.Errorf("trigger source name %s", got)
	}
}

// Headers that JSON cannot write are an error, not a silently wrong event.
func TestEventBadHeaders(t *testing.T) {
	for name, v := range map[string]any{
		"NaN":      func() any { var z float64; return z / z }(),
		"function": func() {},
	} {
		d := rabbitmq.Delivery{Properties: rabbitmq.Properties{Headers: map[string]any{"h": v}}}
		if _, err := rabbitmq.NewEvent(testSource, d, testMeta); err == nil {
			t.Errorf("%s header: no error", name)
		}
	}
}

// A message published to the broker with every property, consumed by a
// source (failed once, so the second delivery is redelivered), makes the
// same event as the delivery built by hand.
func TestEventFromBroker(t *testing.T) {
	t.Parallel()
	srv := rabbitmqtest.Shared(t)
	q := rabbitmqtest.Queue(t, srv.URL())
	conn, ch := rabbitmqtest.Dial(t, srv.URL())
	defer conn.Close()
	if err := ch.QueueBind(q, "created", "amq.direct", false, nil); err != nil {
		t.Fatal(err)
	}
	want := allProps()
	p := want.Properties
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), rabbitmqtest.Timeout)
	defer cancel()
	c, err := ch.PublishWithDeferredConfirmWithContext(ctx, "amq.direct", "created", true, false, amqp.Publishing{
		Headers: amqp.Table(p.Headers), ContentType: p.ContentType, ContentEncoding: p.ContentEncoding,
		DeliveryMode: p.DeliveryMode, Priority: p.Priority, CorrelationId: p.CorrelationID, ReplyTo: p.ReplyTo,
		Expiration: p.Expiration, MessageId: p.MessageID, Timestamp: p.Timestamp, Type: p.Type,
		UserId: p.UserID, AppId: p.AppID, Body: want.Body,
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := c.WaitContext(ctx); !ok || err != nil {
		t.Fatalf("not confirmed: %v %v", ok, err)
	}

	got := make(chan rabbitmq.Delivery, 1)
	attempts := 0
	run(t, newSource(t, rabbitmq.SourceConfig{URL: srv.URL(), Queue: q, MinBackoff: time.Millisecond,
		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error {
			if attempts++; attempts == 1 {
				return context.DeadlineExceeded // any error: returned to the queue
			}
			got <- batch[0]
			return nil
		}}))
	var d rabbitmq.Delivery
	select {
	case d = <-got:
	case <-ctx.Done():
		t.Fatal("no delivery")
	}
	ev, err := rabbitmq.NewEvent(testSource, d, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, marshal(t, ev), readFile(t, "event-all-props.json"))
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameJSON compares two JSON documents as values: the same fields with
// the same values, whatever their order.
func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	for _, x := range []struct {
		b []byte
		v *any
	}{{got, &g}, {want, &w}} {
		dec := json.NewDecoder(bytes.NewReader(x.b))
		dec.UseNumber()
		if err := dec.Decode(x.v); err != nil {
			t.Fatalf("%v in %s", err, x.b)
		}
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("event:\n%s\nwant:\n%s", got, compact(t, want))
	}
}
