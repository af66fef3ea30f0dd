package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// TestSamplePayloadMatchesBridge publishes a message through the local
// RocketMQ broker and EventBridge, in each mode and schema, and checks
// that the sample payload has the delivered payload's shape: the same
// members, in the same order, with values of the same JSON types.
func TestSamplePayloadMatchesBridge(t *testing.T) {
	for _, mode := range []string{eventbridge.ModeEventStreaming, eventbridge.ModeEventDriven} {
		for _, schema := range []string{eventbridge.SchemaCloudEvents, eventbridge.SchemaRawData} {
			t.Run(mode+"/"+schema, func(t *testing.T) {
				delivered := bridgePayload(t, mode, schema)
				spec := sampleSpec{Topic: "orders", Tag: "created", Mode: mode, Schema: schema, Function: "orders", Trigger: "orders-trigger"}
				sample, err := samplePayload(spec, []sampleMessage{{Body: `{"id":1}`, Keys: "o1", ShardingKey: "o1", Props: map[string]string{"a": "b"}}})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := jsonShape(t, sample), jsonShape(t, delivered); !slices.Equal(got, want) {
					t.Errorf("sample shape\n%v\nlocal EventBridge shape\n%v\nlocal payload %s", got, want, delivered)
				}
			})
		}
	}
}

// bridgePayload is what the local EventBridge delivers for one message.
func bridgePayload(t *testing.T, mode, schema string) []byte {
	clock := func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }
	mq, err := broker.Open(broker.Config{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer mq.Close()
	bridge, err := eventbridge.New(eventbridge.Config{Broker: mq, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	sink := eventbridge.SinkFunc(func(_ context.Context, payload []byte, _ string) (eventbridge.Outcome, error) {
		got = payload
		return eventbridge.Outcome{}, nil
	})
	if err := bridge.Add(eventbridge.Trigger{Name: "orders-trigger", Function: "orders", Topic: "orders", Mode: mode, Schema: schema}, sink); err != nil {
		t.Fatal(err)
	}
	if _, err := mq.Publish(context.Background(), broker.Message{Topic: "orders", Tag: "created", Keys: "o1",
		ShardingKey: "o1", Properties: map[string]string{"a": "b"}, Body: []byte(`{"id":1}`)}); err != nil {
		t.Fatal(err)
	}
	bridge.Tick()
	if got == nil {
		t.Fatal("the local EventBridge delivered nothing")
	}
	return got
}

// jsonShape lists the paths of a JSON document with their value types,
// object members in document order.
func jsonShape(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var shape []string
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case json.Delim:
			return walkContainer(dec, path, v, &shape, walk)
		default:
			shape = append(shape, fmt.Sprintf("%s:%T", path, v))
		}
		return nil
	}
	if err := walk("$"); err != nil {
		t.Fatalf("walk %s: %v", doc, err)
	}
	return shape
}

// walkContainer walks the members of an object or the elements of an
// array whose opening delimiter was read. Members of the property maps
// come in the order of Go's map encoding, so they are sorted.
func walkContainer(dec *json.Decoder, path string, open json.Delim, shape *[]string, walk func(string) error) error {
	start := len(*shape)
	for i := 0; dec.More(); i++ {
		p := fmt.Sprintf("%s[%d]", path, i)
		if open == '{' {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			p = path + "." + key.(string)
		}
		if err := walk(p); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if open == '{' && (strings.HasSuffix(path, ".systemProperties") || strings.HasSuffix(path, ".userProperties")) {
		sort.Strings((*shape)[start:])
	}
	*shape = append(*shape, path+":"+string(open))
	return nil
}
