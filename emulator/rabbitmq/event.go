package rabbitmq

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"
	"unicode/utf8"

	amqp "github.com/rabbitmq/amqp091-go"
)

// The CloudEvents attributes of every event from a RabbitMQ source.
const (
	EventType        = "amqp:Queue:SendMessage"
	EventSpecVersion = "1.0"
	EventContentType = "application/json;charset=utf-8"
)

// EventSource says where the events of one source come from: the event
// source's name (the CloudEvents source) and the queue it reads.
type EventSource struct {
	// Name is the event source's name, the event's source attribute. For
	// a Function Compute trigger it is TriggerSourceName(function,
	// trigger); for a custom event source, the name given to it.
	Name string
	// Region, AccountID, InstanceID, VirtualHost and Queue make the
	// subject; Region and AccountID also aliyunregionid and
	// aliyunaccountid.
	Region      string
	AccountID   string
	InstanceID  string
	VirtualHost string
	Queue       string
	// OriginalAccountID is aliyunoriginalaccountid; empty means
	// AccountID.
	OriginalAccountID string
	// EventBusName is aliyuneventbusname; empty leaves it out. For a
	// Function Compute trigger it is the source's Name.
	EventBusName string
	// PublishAddr is aliyunpublishaddr; empty leaves it out.
	PublishAddr string
}

// TriggerSourceName is the source (and event bus) name that Function
// Compute gives the events of a RabbitMQ trigger: RabbitMQ-<function>-<trigger>.
func TriggerSourceName(function, trigger string) string {
	return "RabbitMQ-" + function + "-" + trigger
}

// Subject is the events' subject:
// acs:amqp:<region>:<account>:/instances/<instance>/vhosts/<vhost>/queues/<queue>.
func (s EventSource) Subject() string {
	return "acs:amqp:" + s.Region + ":" + s.AccountID + ":/instances/" + s.InstanceID +
		"/vhosts/" + s.VirtualHost + "/queues/" + s.Queue
}

// Event is the CloudEvent for one RabbitMQ message, its fields in the
// order of the Function Compute sample.
type Event struct {
	ID                      string    `json:"id"`
	Source                  string    `json:"source"`
	SpecVersion             string    `json:"specversion"`
	Type                    string    `json:"type"`
	DataContentType         string    `json:"datacontenttype"`
	Subject                 string    `json:"subject"`
	Time                    string    `json:"time"`
	AliyunAccountID         string    `json:"aliyunaccountid,omitempty"`
	AliyunPublishTime       string    `json:"aliyunpublishtime,omitempty"`
	AliyunOriginalAccountID string    `json:"aliyunoriginalaccountid,omitempty"`
	AliyunEventBusName      string    `json:"aliyuneventbusname,omitempty"`
	AliyunRegionID          string    `json:"aliyunregionid,omitempty"`
	AliyunPublishAddr       string    `json:"aliyunpublishaddr,omitempty"`
	Data                    EventData `json:"data"`
}

// EventData is the event's data: envelope, body, props.
type EventData struct {
	Envelope EventEnvelope `json:"envelope"`
	// Body is the message body: the body itself when it is a JSON object
	// or array, else a JSON string of its text, or of its base64 when it
	// is not UTF-8 (see the package documentation).
	Body  json.RawMessage `json:"body"`
	Props EventProps      `json:"props"`
}

// EventEnvelope is the delivery's envelope. Note the documented field
// name redeliver, not redelivered.
type EventEnvelope struct {
	DeliveryTag uint64 `json:"deliveryTag"`
	Exchange    string `json:"exchange"`
	Redeliver   bool   `json:"redeliver"`
	RoutingKey  string `json:"routingKey"`
}

// EventProps are the message properties that are set; a property not set
// (or zero: see Properties) is left out, as in the documented samples.
type EventProps struct {
	ContentType     string         `json:"contentType,omitempty"`
	ContentEncoding string         `json:"contentEncoding,omitempty"`
	Headers         map[string]any `json:"headers,omitempty"`
	DeliveryMode    uint8          `json:"deliveryMode,omitempty"`
	Priority        uint8          `json:"priority,omitempty"`
	CorrelationID   string         `json:"correlationId,omitempty"`
	ReplyTo         string         `json:"replyTo,omitempty"`
	Expiration      string         `json:"expiration,omitempty"`
	MessageID       string         `json:"messageId,omitempty"`
	Timestamp       int64          `json:"timestamp,omitempty"` // Unix milliseconds
	Type            string         `json:"type,omitempty"`
	UserID          string         `json:"userId,omitempty"`
	AppID           string         `json:"appId,omitempty"`
}

// EventMeta is what an event has that the message does not: its ID, the
// time of the event (time) and the time it was published to the bus
// (aliyunpublishtime). A zero PublishTime means Time.
type EventMeta struct {
	ID          string
	Time        time.Time
	PublishTime time.Time
}

// eventTime is the format of the documented samples' times:
// 2021-08-12T06:56:40.709Z.
const eventTime = "2006-01-02T15:04:05.000Z"

// NewEvent builds the event that EventBridge delivers for d.
func NewEvent(src EventSource, d Delivery, meta EventMeta) (Event, error) {
	body, err := EventBody(d.Body)
	if err != nil {
		return Event{}, err
	}
	headers, err := jsonTable(d.Properties.Headers)
	if err != nil {
		return Event{}, fmt.Errorf("rabbitmq: headers: %w", err)
	}
	if meta.PublishTime.IsZero() {
		meta.PublishTime = meta.Time
	}
	orig := src.OriginalAccountID
	if orig == "" {
		orig = src.AccountID
	}
	p := d.Properties
	var ts int64
	if !p.Timestamp.IsZero() {
		ts = p.Timestamp.UnixMilli()
	}
	return Event{
		ID:                      meta.ID,
		Source:                  src.Name,
		SpecVersion:             EventSpecVersion,
		Type:                    EventType,
		DataContentType:         EventContentType,
		Subject:                 src.Subject(),
		Time:                    meta.Time.UTC().Format(eventTime),
		AliyunAccountID:         src.AccountID,
		AliyunPublishTime:       meta.PublishTime.UTC().Format(eventTime),
		AliyunOriginalAccountID: orig,
		AliyunEventBusName:      src.EventBusName,
		AliyunRegionID:          src.Region,
		AliyunPublishAddr:       src.PublishAddr,
		Data: EventData{
			Envelope: EventEnvelope{
				DeliveryTag: d.Envelope.DeliveryTag,
				Exchange:    d.Envelope.Exchange,
				Redeliver:   d.Envelope.Redelivered,
				RoutingKey:  d.Envelope.RoutingKey,
			},
			Body: body,
			Props: EventProps{
				ContentType: p.ContentType, ContentEncoding: p.ContentEncoding, Headers: headers,
				DeliveryMode: p.DeliveryMode, Priority: p.Priority, CorrelationID: p.CorrelationID,
				ReplyTo: p.ReplyTo, Expiration: p.Expiration, MessageID: p.MessageID, Timestamp: ts,
				Type: p.Type, UserID: p.UserID, AppID: p.AppID,
			},
		},
	}, nil
}

// EventBody is the data.body of a message body: the body itself, compacted,
// when it is a JSON object or array; else a JSON string holding the body
// when it is UTF-8 text, or its standard base64 when it is not.
func EventBody(body []byte) (json.RawMessage, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid(trimmed) {
		var b bytes.Buffer
		if err := json.Compact(&b, trimmed); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	s := string(body)
	if !utf8.Valid(body) {
		s = base64.StdEncoding.EncodeToString(body)
	}
	return json.Marshal(s)
}

// jsonTable converts an AMQP field table, as amqp091-go decodes it, to
// values that encoding/json writes as JSON: strings, numbers and booleans
// as themselves, nested tables as objects, arrays as arrays, timestamps as
// Unix milliseconds, byte arrays as base64 strings, decimals as numbers.
func jsonTable(t map[string]any) (map[string]any, error) {
	if len(t) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(t))
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := jsonValue(t[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

func jsonValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool, string, int8, uint8, int16, uint16, int32, uint32, int64, uint64, int:
		return v, nil
	case float32:
		return floatValue(float64(v))
	case float64:
		return floatValue(v)
	case []byte:
		return base64.StdEncoding.EncodeToString(v), nil
	case time.Time:
		return v.UnixMilli(), nil
	case amqp.Decimal:
		return json.Number(decimalString(v)), nil
	case amqp.Table:
		return jsonTable(v)
	case map[string]any:
		return jsonTable(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			x, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported field value of type %T", v)
	}
}

// floatValue refuses the floats JSON cannot write.
func floatValue(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("float %v has no JSON form", f)
	}
	return f, nil
}

// decimalString writes value × 10^-scale in decimal.
func decimalString(d amqp.Decimal) string {
	neg := d.Value < 0
	v := int64(d.Value)
	if neg {
		v = -v
	}
	digits := fmt.Sprintf("%0*d", int(d.Scale)+1, v)
	if d.Scale > 0 {
		i := len(digits) - int(d.Scale)
		digits = digits[:i] + "." + digits[i:]
	}
	if neg {
		digits = "-" + digits
	}
	return digits
}
