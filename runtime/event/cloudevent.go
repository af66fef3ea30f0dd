package event

import (
	"net/url"
	"strings"
)

// CloudEvent holds the attributes of the CloudEvents envelope that
// EventBridge wraps around a RocketMQ message.
type CloudEvent struct {
	ID              string
	Source          string // e.g. "acs:mq" or "RocketMQ-<function>-<trigger>"; not fixed
	SpecVersion     string
	Type            string // "mq:Topic:SendMessage" for RocketMQ
	Subject         string // "acs:mq:<region>:<account>:<instance>%<topic>"
	DataContentType string
	DataSchema      string
	Time            string // as sent; parse with ParseTime

	// Alibaba Cloud extension attributes; any of them may be missing.
	AccountID         string // aliyunaccountid
	OriginalAccountID string // aliyunoriginalaccountid
	EventBusName      string // aliyuneventbusname
	RegionID          string // aliyunregionid
	PublishTime       string // aliyunpublishtime, as sent; parse with ParseTime
	PublishAddr       string // aliyunpublishaddr
	EventID           string // aliyuneventid

	// Extensions holds the attributes not listed above, with raw values.
	Extensions Properties
}

// TypeSendMessage is the CloudEvent type of a RocketMQ message.
const TypeSendMessage = "mq:Topic:SendMessage"

// set stores a known attribute and reports whether name is one.
func (e *CloudEvent) set(name, value string) bool {
	if p := e.attr(name); p != nil {
		*p = value
		return true
	}
	return false
}

// attr returns the field holding the attribute name, or nil.
func (e *CloudEvent) attr(name string) *string {
	switch name {
	case "id":
		return &e.ID
	case "source":
		return &e.Source
	case "specversion":
		return &e.SpecVersion
	case "type":
		return &e.Type
	case "subject":
		return &e.Subject
	case "datacontenttype":
		return &e.DataContentType
	case "dataschema":
		return &e.DataSchema
	case "time":
		return &e.Time
	case "aliyunaccountid":
		return &e.AccountID
	case "aliyunoriginalaccountid":
		return &e.OriginalAccountID
	case "aliyuneventbusname":
		return &e.EventBusName
	case "aliyunregionid":
		return &e.RegionID
	case "aliyunpublishtime":
		return &e.PublishTime
	case "aliyunpublishaddr":
		return &e.PublishAddr
	case "aliyuneventid":
		return &e.EventID
	}
	return nil
}

// Attr returns the attribute called name (a CloudEvents attribute name such
// as "subject" or "aliyunregionid", or an extension) and whether it is set.
func (e *CloudEvent) Attr(name string) (string, bool) {
	if p := e.attr(name); p != nil {
		return *p, *p != ""
	}
	p, ok := e.Extensions.Lookup(name)
	return p.Value, ok
}

type subjectParts struct{ region, account, instance, topic string }

// subject splits "acs:mq:<region>:<account>:<instance>%<topic>".
func (e *CloudEvent) subject() subjectParts {
	rest, ok := strings.CutPrefix(e.Subject, "acs:mq:")
	if !ok {
		return subjectParts{}
	}
	var p subjectParts
	p.region, rest, _ = strings.Cut(rest, ":")
	p.account, rest, _ = strings.Cut(rest, ":")
	// Some senders percent-encode the separator ("%25").
	if u, err := url.PathUnescape(rest); err == nil {
		rest = u
	}
	p.instance, p.topic, _ = strings.Cut(rest, "%")
	return p
}

// Set sets the attribute called name: a field of e for the attributes it
// knows, else an extension.
func (e *CloudEvent) Set(name, value string) {
	if !e.set(name, value) {
		e.Extensions = append(e.Extensions, Property{Key: name, Value: value, Kind: String})
	}
}
