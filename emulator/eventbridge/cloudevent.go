package eventbridge

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Constant attributes of the events.
const (
	eventType       = "mq:Topic:SendMessage"
	specVersion     = "1.0"
	dataContentType = "application/json; charset=utf-8"
	publishAddr     = "127.0.0.1"
	timeLayout      = "2006-01-02T15:04:05.000Z"
)

// envelope is a CloudEvent as EventBridge delivers a RocketMQ message to
// FC, members in the order of the documented samples.
type envelope struct {
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

// mqData is the data of a RocketMQ event.
type mqData struct {
	Topic            string            `json:"topic"`
	SystemProperties map[string]any    `json:"systemProperties"`
	UserProperties   map[string]string `json:"userProperties"`
	Body             string            `json:"body"`
}

// built is a message turned into an event.
type built struct {
	id    string // CloudEvent id
	event []byte // the whole CloudEvent, which the pattern sees
	data  []byte // its data
}

// EventOptions complete the event of a message: what EventBridge knows
// of the trigger and of the moment it consumes the message.
type EventOptions struct {
	Function, Trigger string // the event source is RocketMQ-<Function>-<Trigger>
	Region, AccountID string
	ID                string    // CloudEvent id; empty: a random UUID
	Time              time.Time // when the message is consumed
	Offset            uint64    // the trigger's count of consumed messages (MAX_OFFSET)
}

// Event returns the CloudEvent EventBridge delivers to FC for message m,
// and its data alone (the RawData form), members in the order of FC's
// samples.
func Event(m broker.Message, o EventOptions) (event, data []byte, err error) {
	data, err = marshal(mqData{
		Topic:            m.Topic,
		SystemProperties: systemProperties(&m, o),
		UserProperties:   userProperties(m.Properties),
		Body:             bodyString(m.Body),
	})
	if err != nil {
		return nil, nil, err
	}
	if o.ID == "" {
		o.ID = newUUID()
	}
	source := "RocketMQ-" + o.Function + "-" + o.Trigger
	ev := envelope{
		ID: o.ID, Source: source, SpecVersion: specVersion, Type: eventType,
		DataContentType: dataContentType,
		Subject:         "acs:mq:" + o.Region + ":" + o.AccountID + ":" + m.Instance + "%" + m.Topic,
		Time:            o.Time.UTC().Format(timeLayout),
		AccountID:       o.AccountID, OriginalAccountID: o.AccountID,
		PublishTime:  time.UnixMilli(m.PublishTime).UTC().Format(timeLayout),
		EventBusName: source, RegionID: o.Region, PublishAddr: publishAddr,
		Data: data,
	}
	event, err = marshal(ev)
	return event, data, err
}

// buildEvent wraps a delivered message in a CloudEvent. now is the consume
// time and offset the trigger's count of consumed messages.
func buildEvent(t *Trigger, d *broker.Delivery, now time.Time, offset uint64) (built, error) {
	id := newUUID()
	event, data, err := Event(d.Message, EventOptions{Function: t.Function, Trigger: t.Name, Region: t.RegionID,
		AccountID: t.AccountID, ID: id, Time: now, Offset: offset})
	return built{id: id, event: event, data: data}, err
}

// systemProperties are the message's system properties as EventBridge
// passes them: strings, except CONSUME_START_TIME, a number.
func systemProperties(m *broker.Message, o EventOptions) map[string]any {
	sys := map[string]any{
		"UNIQ_KEY":           m.ID,
		"MIN_OFFSET":         "0",
		"MAX_OFFSET":         strconv.FormatUint(o.Offset, 10),
		"MSG_REGION":         o.Region,
		"TRACE_ON":           "true",
		"BORN_TIMESTAMP":     strconv.FormatInt(m.PublishTime, 10),
		"CONSUME_START_TIME": o.Time.UnixMilli(),
	}
	optional := map[string]string{"INSTANCE_ID": m.Instance, "KEYS": m.Keys, "TAGS": m.Tag, "__SHARDINGKEY": m.ShardingKey}
	if m.StartDeliverTime > 0 {
		optional["__STARTDELIVERTIME"] = strconv.FormatInt(m.StartDeliverTime, 10)
	}
	for k, v := range optional {
		if v != "" {
			sys[k] = v
		}
	}
	return sys
}

// userProperties is never nil, so it marshals as {}.
func userProperties(p map[string]string) map[string]string {
	if p == nil {
		return map[string]string{}
	}
	return p
}

// bodyString is the body as text, or base64 when it is not valid UTF-8
// (EventBridge's binary body format), so that no byte is lost.
func bodyString(body []byte) string {
	if utf8.Valid(body) {
		return string(body)
	}
	return base64.StdEncoding.EncodeToString(body)
}

// marshal encodes v without escaping <, > and &, as other JSON encoders
// do, so bodies reach the function as they were sent.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}
