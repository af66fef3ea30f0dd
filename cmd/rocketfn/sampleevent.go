package main

// Sample payloads, shaped as the local EventBridge (emulator/eventbridge,
// cloudevent.go) builds them from RocketMQ messages. That package builds
// events from broker deliveries with unexported code, so the shape is
// repeated here: the same envelope members in the same order, the same
// system properties (strings, CONSUME_START_TIME a number), bodies as
// text or base64. generate-event prints these payloads, rocketfn new
// renders them into a new function's testdata, and verify measures the
// envelope to estimate batch sizes.

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
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

// sampleEnvelope is a CloudEvent as EventBridge delivers a RocketMQ
// message to FC, members in the order of the documented samples.
type sampleEnvelope struct {
	ID                string          `json:"id"`
	Source            string          `json:"source"`
	SpecVersion       string          `json:"specversion"`
	Type              string          `json:"type"`
	DataContentType   string          `json:"datacontenttype"`
	Subject           string          `json:"subject"`
	Time              string          `json:"time"`
	AccountID         string          `json:"aliyunaccountid"`
	PublishTime       string          `json:"aliyunpublishtime"`
	OriginalAccountID string          `json:"aliyunoriginalaccountid"`
	EventBusName      string          `json:"aliyuneventbusname"`
	RegionID          string          `json:"aliyunregionid"`
	PublishAddr       string          `json:"aliyunpublishaddr"`
	Data              json.RawMessage `json:"data"`
}

// sampleData is the data of a RocketMQ event.
type sampleData struct {
	Topic            string            `json:"topic"`
	SystemProperties map[string]any    `json:"systemProperties"`
	UserProperties   map[string]string `json:"userProperties"`
	Body             string            `json:"body"`
}

// sampleTimeLayout is the layout of the event times.
const sampleTimeLayout = "2006-01-02T15:04:05.000Z"

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
	data, err := compactJSON(sampleData{
		Topic:            spec.Topic,
		SystemProperties: sampleSystemProperties(spec, m, msgID, i),
		UserProperties:   orEmpty(m.Props),
		Body:             sampleBody(m.Body),
	})
	if err != nil || spec.Schema == eventbridge.SchemaRawData {
		return data, err
	}
	source := "RocketMQ-" + spec.Function + "-" + spec.Trigger
	at := spec.Time.UTC().Format(sampleTimeLayout)
	return compactJSON(sampleEnvelope{
		ID: eventID, Source: source, SpecVersion: "1.0", Type: "mq:Topic:SendMessage",
		DataContentType: "application/json; charset=utf-8",
		Subject:         "acs:mq:" + spec.Region + ":" + spec.AccountID + ":" + spec.Instance + "%" + spec.Topic,
		Time:            at, AccountID: spec.AccountID, OriginalAccountID: spec.AccountID, PublishTime: at,
		EventBusName: source, RegionID: spec.Region, PublishAddr: "127.0.0.1", Data: data,
	})
}

// sampleSystemProperties are the system properties EventBridge passes:
// strings, except CONSUME_START_TIME, a number.
func sampleSystemProperties(spec sampleSpec, m sampleMessage, msgID string, i int) map[string]any {
	ms := spec.Time.UnixMilli()
	sys := map[string]any{
		"UNIQ_KEY": msgID, "MIN_OFFSET": "0", "MAX_OFFSET": strconv.Itoa(i + 1),
		"MSG_REGION": spec.Region, "TRACE_ON": "true",
		"BORN_TIMESTAMP": strconv.FormatInt(ms, 10), "CONSUME_START_TIME": ms,
	}
	for k, v := range map[string]string{"INSTANCE_ID": spec.Instance, "KEYS": m.Keys, "TAGS": spec.Tag, "__SHARDINGKEY": m.ShardingKey} {
		if v != "" {
			sys[k] = v
		}
	}
	return sys
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

// sampleBody is the body as text, or base64 when it is not valid UTF-8.
func sampleBody(body string) string {
	if utf8.ValidString(body) {
		return body
	}
	return base64.StdEncoding.EncodeToString([]byte(body))
}

// orEmpty is m, or an empty map that marshals as {}.
func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// compactJSON encodes v without escaping <, > and &, so bodies read as
// they were sent.
func compactJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
