package proxy

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Limits of names and message attributes, as 5.x servers check them.
const (
	maxTopicLen        = 127
	maxGroupLen        = 120
	maxMessageGroupLen = 63       // bytes
	maxPropertiesSize  = 16 << 10 // user property keys and values, tag and keys
	maxProperties      = 128
	maxReceiveBatch    = 32
	// Invisibility a receive may ask for, and a change of it.
	minReceiveInvisible = 10 * time.Second
	maxInvisible        = broker.MaxInvisible
	// Long polling of a receive.
	minLongPolling = 5 * time.Second
	maxLongPolling = 20 * time.Second
	// maxDelay is how far ahead a delivery timestamp may be (1 day).
	maxDelay = 24 * time.Hour
)

// codeMessageBodyEmpty is MESSAGE_BODY_EMPTY, which servers answer for
// an empty body; the client's stubs predate the code.
const codeMessageBodyEmpty v2.Code = 41302

// validName reports whether s uses only the characters of topic and
// group names: letters, digits, '%', '|', '_' and '-'.
func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '%' || c == '|' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// systemTopics are topics clients may not use.
var systemTopics = map[string]bool{
	"TBW102": true, "SCHEDULE_TOPIC_XXXX": true, "BenchmarkTest": true, "RMQ_SYS_TRANS_HALF_TOPIC": true,
	"RMQ_SYS_TRACE_TOPIC": true, "RMQ_SYS_TRANS_OP_HALF_TOPIC": true, "TRANS_CHECK_MAX_TIME_TOPIC": true,
	"SELF_TEST_TOPIC": true, "OFFSET_MOVED_EVENT": true, "CHECKPOINT_TOPIC": true,
}

func checkTopic(r *v2.Resource) *codedError {
	t := r.GetName()
	switch {
	case blank(t):
		return coded(v2.Code_ILLEGAL_TOPIC, "The specified topic is blank")
	case len(t) > maxTopicLen:
		return coded(v2.Code_ILLEGAL_TOPIC, "The specified topic is longer than topic max length %d.", maxTopicLen)
	case !validName(t):
		return coded(v2.Code_ILLEGAL_TOPIC, "The specified topic[%s] contains illegal characters, allowing only ^[%%|a-zA-Z0-9_-]+$", t)
	case systemTopics[t] || strings.HasPrefix(t, "rmq_sys_"):
		return coded(v2.Code_ILLEGAL_TOPIC, "cannot access system topic")
	}
	return checkNamespace(r, v2.Code_ILLEGAL_TOPIC)
}

func checkGroup(r *v2.Resource) *codedError {
	g := r.GetName()
	switch {
	case blank(g):
		return coded(v2.Code_ILLEGAL_CONSUMER_GROUP, "the specified group is blank")
	case len(g) > maxGroupLen:
		return coded(v2.Code_ILLEGAL_CONSUMER_GROUP, "the specified group[%s] is longer than group max length: %d.", g, maxGroupLen)
	case !validName(g):
		return coded(v2.Code_ILLEGAL_CONSUMER_GROUP, "the specified group[%s] contains illegal characters, allowing only ^[%%|a-zA-Z0-9_-]+$", g)
	case strings.HasPrefix(g, "CID_RMQ_SYS_"):
		return coded(v2.Code_ILLEGAL_CONSUMER_GROUP, "cannot use system consumer group")
	}
	return checkNamespace(r, v2.Code_ILLEGAL_CONSUMER_GROUP)
}

// checkNamespace checks a resource's namespace, which names an instance
// of the local broker.
func checkNamespace(r *v2.Resource, code v2.Code) *codedError {
	if ns := r.GetResourceNamespace(); ns != "" && (!validName(ns) || len(ns) > broker.MaxInstanceLen) {
		return coded(code, "the namespace %q of %q is not an instance name (up to %d of [%%|a-zA-Z0-9_-])", ns, r.GetName(), broker.MaxInstanceLen)
	}
	return nil
}

// blank reports whether s is empty or only white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// hasControl reports whether s has a control character.
func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }

func checkTag(tag string) *codedError {
	switch {
	case tag == "":
		return nil
	case blank(tag):
		return coded(v2.Code_ILLEGAL_MESSAGE_TAG, "tag cannot be the char sequence of whitespace")
	case strings.Contains(tag, "|"):
		return coded(v2.Code_ILLEGAL_MESSAGE_TAG, "tag cannot contain '|'")
	case hasControl(tag):
		return coded(v2.Code_ILLEGAL_MESSAGE_TAG, "tag cannot contain control character")
	}
	return nil
}

func checkKey(key string) *codedError {
	switch {
	case blank(key):
		return coded(v2.Code_ILLEGAL_MESSAGE_KEY, "key cannot be the char sequence of whitespace")
	case hasControl(key):
		return coded(v2.Code_ILLEGAL_MESSAGE_KEY, "key cannot contain control character")
	}
	return nil
}

func checkMessageGroup(g string) *codedError {
	switch {
	case blank(g):
		return coded(v2.Code_ILLEGAL_MESSAGE_GROUP, "message group cannot be the char sequence of whitespace")
	case len(g) > maxMessageGroupLen:
		return coded(v2.Code_ILLEGAL_MESSAGE_GROUP, "message group exceed the max size %d", maxMessageGroupLen+1)
	case hasControl(g):
		return coded(v2.Code_ILLEGAL_MESSAGE_GROUP, "message group cannot contain control character")
	}
	return nil
}

// checkMessageID checks a producer's message ID. The broker keeps it, so
// it is what every protocol's consumers see: the clients make them of hex
// digits, which the local broker requires.
func checkMessageID(id string) *codedError {
	if blank(id) {
		return coded(v2.Code_ILLEGAL_MESSAGE_ID, "message id cannot be empty")
	}
	if len(id) > 64 || strings.Trim(id, "0123456789abcdefABCDEF") != "" {
		return coded(v2.Code_ILLEGAL_MESSAGE_ID, "message id %q is not 1 to 64 hex digits, as the clients make them (the local broker keeps the producer's ID)", id)
	}
	return nil
}

// reservedProperties are the property keys the system uses
// (MessageConst.STRING_HASH_SET of Apache RocketMQ).
var reservedProperties = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`TRACE_ON MSG_REGION KEYS TAGS WAIT DELAY RETRY_TOPIC REAL_TOPIC REAL_QID
		TRAN_MSG PGROUP MIN_OFFSET MAX_OFFSET BUYER_ID ORIGIN_MESSAGE_ID TRANSFER_FLAG CORRECTION_FLAG
		MQ2_FLAG RECONSUME_TIME UNIQ_KEY MAX_RECONSUME_TIMES CONSUME_START_TIME POP_CK POP_CK_OFFSET
		1ST_POP_TIME TRAN_PREPARED_QUEUE_OFFSET DUP_INFO EXTEND_UNIQ_INFO INSTANCE_ID CORRELATION_ID
		REPLY_TO_CLIENT TTL ARRIVE_TIME PUSH_REPLY_TIME CLUSTER MSG_TYPE INNER_MULTI_QUEUE_OFFSET
		_CATGLOBALID __BORNHOST BORN_TIMESTAMP TIMER_DELAY_LEVEL TIMER_DELIVER_MS TIMER_DELAY_SEC
		TIMER_DELAY_MS TIMER_ENQUEUE_MS TIMER_DEQUEUE_MS TIMER_ROLL_TIMES TIMER_OUT_MS TIMER_DEL_UNIQKEY
		INNER_BASE INNER_NUM`) {
		reservedProperties[k] = true
	}
}

// checkProperties checks the user properties, tag and keys of a message.
func checkProperties(p map[string]string, tag string, keys []string) *codedError {
	if len(p) > maxProperties {
		return coded(v2.Code_MESSAGE_PROPERTIES_TOO_LARGE, "too many user properties, max is %d", maxProperties)
	}
	size := len(tag)
	for k, v := range p {
		size += len(k) + len(v)
		switch {
		case reservedProperties[k]:
			return coded(v2.Code_ILLEGAL_MESSAGE_PROPERTY_KEY, "property is used by system: %s", k)
		case hasControl(k):
			return coded(v2.Code_ILLEGAL_MESSAGE_PROPERTY_KEY, "the key of property cannot contain control character")
		case hasControl(v):
			return coded(v2.Code_ILLEGAL_MESSAGE_PROPERTY_KEY, "the value of property cannot contain control character")
		case k == "":
			return coded(v2.Code_ILLEGAL_MESSAGE_PROPERTY_KEY, "the key of property cannot be empty")
		case !utf8.ValidString(k) || !utf8.ValidString(v):
			return coded(v2.Code_ILLEGAL_MESSAGE_PROPERTY_KEY, "property %s is not UTF-8", strconv.Quote(k))
		}
	}
	if err := checkTag(tag); err != nil {
		return err
	}
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return err
		}
		size += len(k)
	}
	if size > maxPropertiesSize {
		return coded(v2.Code_MESSAGE_PROPERTIES_TOO_LARGE, "the total size of user property is too large, max is %d", maxPropertiesSize)
	}
	return nil
}
