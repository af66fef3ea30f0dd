package rocketmq

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// xmlns is the namespace of the service's documents.
const xmlns = "http://mq.aliyuncs.com/doc/v1/"

// Special properties: the SDK moves them in and out of its fields.
const (
	propKeys         = "KEYS"
	propStartDeliver = "__STARTDELIVERTIME"
	propTransCheck   = "__TransCheckT"
	propShardingKey  = "__SHARDINGKEY"
)

// publishDoc is a publish request's body.
type publishDoc struct {
	XMLName     xml.Name `xml:"Message"`
	MessageBody string   `xml:"MessageBody"`
	MessageTag  string   `xml:"MessageTag"`
	Properties  string   `xml:"Properties"`
}

// publishedDoc answers a publish.
type publishedDoc struct {
	XMLName        xml.Name `xml:"Message"`
	Xmlns          string   `xml:"xmlns,attr"`
	MessageID      string   `xml:"MessageId"`
	MessageBodyMD5 string   `xml:"MessageBodyMD5"`
	ReceiptHandle  string   `xml:"ReceiptHandle,omitempty"`
}

// messagesDoc answers a consume.
type messagesDoc struct {
	XMLName  xml.Name     `xml:"Messages"`
	Xmlns    string       `xml:"xmlns,attr"`
	Messages []messageDoc `xml:"Message"`
}

type messageDoc struct {
	MessageID        string `xml:"MessageId"`
	ReceiptHandle    string `xml:"ReceiptHandle"`
	MessageBodyMD5   string `xml:"MessageBodyMD5"`
	MessageBody      string `xml:"MessageBody"`
	PublishTime      int64  `xml:"PublishTime"`
	NextConsumeTime  int64  `xml:"NextConsumeTime"`
	FirstConsumeTime int64  `xml:"FirstConsumeTime"`
	ConsumedTimes    int    `xml:"ConsumedTimes"`
	MessageTag       string `xml:"MessageTag,omitempty"`
	Properties       string `xml:"Properties,omitempty"`
}

// handlesDoc is an ack, commit or rollback request's body.
type handlesDoc struct {
	XMLName xml.Name `xml:"ReceiptHandles"`
	Handles []string `xml:"ReceiptHandle"`
}

// handleErrorsDoc answers an ack some of whose handles failed.
type handleErrorsDoc struct {
	XMLName xml.Name         `xml:"Errors"`
	Xmlns   string           `xml:"xmlns,attr"`
	Errors  []handleErrorDoc `xml:"Error"`
}

type handleErrorDoc struct {
	ErrorCode     string `xml:"ErrorCode"`
	ErrorMessage  string `xml:"ErrorMessage"`
	ReceiptHandle string `xml:"ReceiptHandle"`
}

// parseProperties reads the "k:v|k:v|" form into a message, moving the
// special properties to their fields.
func parseProperties(s string, m *broker.Message) *Error {
	for _, kv := range strings.Split(s, "|") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, ":")
		if !ok || k == "" || strings.Contains(v, ":") {
			return errorf(CodeInvalidArgument, fmt.Sprintf("Property %q is not \"key:value\".", kv))
		}
		if i := strings.IndexAny(kv, sdkForbidden); i >= 0 {
			return errorf(CodeInvalidArgument, fmt.Sprintf("Property %q: character %q is not allowed.", kv, kv[i]))
		}
		switch k {
		case propKeys:
			m.Keys = v
		case propShardingKey:
			m.ShardingKey = v
		case propStartDeliver:
			t, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errorf(CodeInvalidArgument, "__STARTDELIVERTIME is not a time in milliseconds: "+v)
			}
			m.StartDeliverTime = t
		case propTransCheck:
			n, err := strconv.Atoi(v)
			if err != nil {
				return errorf(CodeInvalidArgument, "__TransCheckT is not a number of seconds: "+v)
			}
			m.TransCheckImmunity = n
		default:
			if m.Properties == nil {
				m.Properties = map[string]string{}
			}
			m.Properties[k] = v
		}
	}
	return nil
}

// sdkForbidden are the characters the MQ HTTP SDK refuses in property
// keys and values.
const sdkForbidden = `'"<>&`

// formatProperties writes a delivered message's properties, the special
// ones included, in the "k:v|" form. A property the form cannot carry (a
// ':' or '|' in it, possible in a message published over the remoting
// protocol) is left out, as the package documentation says.
func formatProperties(m *broker.Message) string {
	var b strings.Builder
	add := func(k, v string) {
		if v != "" && !strings.ContainsAny(k, ":|") && !strings.ContainsAny(v, ":|") {
			b.WriteString(k + ":" + v + "|")
		}
	}
	for k, v := range m.Properties {
		add(k, v)
	}
	add(propKeys, m.Keys)
	add(propShardingKey, m.ShardingKey)
	if m.StartDeliverTime > 0 {
		add(propStartDeliver, strconv.FormatInt(m.StartDeliverTime, 10))
	}
	if m.TransCheckImmunity > 0 {
		add(propTransCheck, strconv.Itoa(m.TransCheckImmunity))
	}
	return b.String()
}

func messageDocOf(d broker.Delivery) messageDoc {
	return messageDoc{
		MessageID: d.ID, ReceiptHandle: d.ReceiptHandle, MessageBodyMD5: d.BodyMD5, MessageBody: string(d.Body),
		PublishTime: d.PublishTime, NextConsumeTime: d.NextConsumeTime, FirstConsumeTime: d.FirstConsumeTime,
		ConsumedTimes: d.ConsumedTimes, MessageTag: d.Tag, Properties: formatProperties(&d.Message),
	}
}
