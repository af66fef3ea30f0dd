package main

// Sample payloads, built by the local EventBridge's own event builder
// (eventbridge.Event) from sample RocketMQ messages. generate-event prints
// them, rocketfn new renders them into a new function's testdata, and
// verify measures the envelope to estimate batch sizes.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// sampleInstance is the RocketMQ instance of sample events when none is
// given: the mqInstance of the repository's s.yaml.
const sampleInstance = "MQ_INST_rocketfn"

// sampleSpec says how sample events are delivered.
type sampleSpec struct {
	Topic, Tag        string
	Mode, Schema      string // eventbridge.Mode*, eventbridge.Schema*
	Region, AccountID string // eventbridge.DefaultRegion, DefaultAccountID when empty
	Instance          string
	Function, Trigger string // the event source is RocketMQ-<Function>-<Trigger>
	// Time is the consume and publish time; zero means now.
	Time time.Time
	// Fixed makes IDs derive from the message index, for testdata that
	// stays the same each time it is generated; else they are random.
	Fixed bool
}

// sampleMessage is one message of a sample payload.
type sampleMessage struct {
	Body        string
	Keys        string // separated by spaces
	ShardingKey string
	Props       map[string]string // user properties
}

// samplePayload returns the compact payload of one invocation carrying
// msgs: a JSON array in event-streaming mode, the one event in
// event-driven mode.
func samplePayload(spec sampleSpec, msgs []sampleMessage) ([]byte, error) {
	if spec.Mode == eventbridge.ModeEventDriven && len(msgs) != 1 {
		return nil, fmt.Errorf("an event-driven payload holds one event, not %d", len(msgs))
	}
	spec.Region = orDefault(spec.Region, eventbridge.DefaultRegion)
	spec.AccountID = orDefault(spec.AccountID, eventbridge.DefaultAccountID)
	if spec.Time.IsZero() {
		spec.Time = time.Now()
	}
	events := make([][]byte, len(msgs))
	for i, m := range msgs {
		ev, err := sampleEvent(spec, m, i)
		if err != nil {
			return nil, err
		}
		events[i] = ev
	}
	if spec.Mode == eventbridge.ModeEventDriven {
		return events[0], nil
	}
	return append(append([]byte{'['}, bytes.Join(events, []byte{','})...), ']'), nil
}

// sampleEvent returns the i-th element of a payload: the CloudEvent, or
// its data alone with the RawData schema.
func sampleEvent(spec sampleSpec, m sampleMessage, i int) ([]byte, error) {
	eventID, msgID := sampleIDs(spec.Fixed, i)
	msg := broker.Message{ID: msgID, Instance: spec.Instance, Topic: spec.Topic, Tag: spec.Tag, Keys: m.Keys,
		ShardingKey: m.ShardingKey, Body: []byte(m.Body), Properties: m.Props, PublishTime: spec.Time.UnixMilli()}
	event, data, err := eventbridge.Event(msg, eventbridge.EventOptions{Function: spec.Function, Trigger: spec.Trigger,
		Region: spec.Region, AccountID: spec.AccountID, ID: eventID, Time: spec.Time, Offset: uint64(i + 1)})
	if spec.Schema == eventbridge.SchemaRawData {
		return data, err
	}
	return event, err
}

// sampleIDs returns the CloudEvent ID (a UUID) and the message ID (32
// upper-case hex digits, as RocketMQ's) of message i.
func sampleIDs(fixed bool, i int) (eventID, msgID string) {
	var u [16]byte
	if fixed {
		copy(u[:], fmt.Sprintf("rfnsample%07d", i))
	} else {
		rand.Read(u[:])
	}
	msgID = strings.ToUpper(hex.EncodeToString(u[:]))
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], msgID
}
