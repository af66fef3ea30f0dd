package remoting

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Property keys of the remoting protocol's messages.
const (
	propTags          = "TAGS"
	propKeys          = "KEYS"
	propUniqKey       = "UNIQ_KEY"
	propShardingKey   = "SHARDING_KEY"  // rocketmq-client-go
	propShardingKeyV4 = "__SHARDINGKEY" // the 4.x series' TCP clients
	propDelay         = "DELAY"         // delay level
	propTimerDeliver  = "TIMER_DELIVER_MS"
	propStartDeliver  = "__STARTDELIVERTIME"
	propTranMsg       = "TRAN_MSG"
	propProducerGroup = "PGROUP"
	propCheckImmunity = "CHECK_IMMUNITY_TIME_IN_SECONDS"
	propTransCheckT   = "__TransCheckT"
	propTransactionID = "__transactionId__"
	propRetryTopic    = "RETRY_TOPIC"
	propOriginMsgID   = "ORIGIN_MESSAGE_ID"
	propReconsume     = "RECONSUME_TIME"
)

// Separators of the properties string.
const (
	nameValueSep = '\x01'
	propertySep  = '\x02'
)

// Message system flags.
const (
	sysCompressed    = 1 << 0
	sysTransPrepared = 1 << 2
	sysBornHostV6    = 1 << 4
	sysStoreHostV6   = 1 << 5
)

// magicCode marks a stored message (MESSAGE_MAGIC_CODE of CommitLog v1).
const magicCode = 0xDAA320A7

// DefaultDelayLevels is the delay of each level from 1, as Apache
// RocketMQ's messageDelayLevel default: "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m
// 7m 8m 9m 10m 20m 30m 1h 2h".
var DefaultDelayLevels = []time.Duration{
	time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute, 5 * time.Minute,
	6 * time.Minute, 7 * time.Minute, 8 * time.Minute, 9 * time.Minute, 10 * time.Minute,
	20 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
}

// parseProperties splits "k\x01v\x02..." into a map; an item without a
// separator is refused, as the broker's MessageDecoder would skip it and
// lose what the producer meant.
func parseProperties(s string) (map[string]string, error) {
	props := make(map[string]string, strings.Count(s, string(propertySep))+1)
	for len(s) > 0 {
		item := s
		if i := strings.IndexByte(s, propertySep); i >= 0 {
			item, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if item == "" {
			continue
		}
		i := strings.IndexByte(item, nameValueSep)
		if i <= 0 || strings.IndexByte(item[i+1:], nameValueSep) >= 0 {
			return nil, fmt.Errorf("property %q is not key\\x01value", item)
		}
		props[item[:i]] = item[i+1:]
	}
	return props, nil
}

// appendProperties writes props sorted by key, for stable bytes.
func appendProperties(dst []byte, props map[string]string) []byte {
	for _, k := range slices.Sorted(maps.Keys(props)) {
		dst = append(dst, k...)
		dst = append(dst, nameValueSep)
		dst = append(dst, props[k]...)
		dst = append(dst, propertySep)
	}
	return dst
}

// inbound is a message as a producer sent it, before it reaches the broker.
type inbound struct {
	body    []byte
	props   map[string]string
	sysFlag int
}

// toBroker maps a producer's message to the broker's, moving the special
// properties to their fields: TAGS, KEYS, UNIQ_KEY (the ID), SHARDING_KEY
// or __SHARDINGKEY, DELAY (a level of levels), TIMER_DELIVER_MS or
// __STARTDELIVERTIME, and TRAN_MSG with CHECK_IMMUNITY_TIME_IN_SECONDS.
// Other properties, DELAY, TRAN_MSG and PGROUP included, are kept as
// Apache brokers keep them.
func (s *Server) toBroker(in inbound, instance, topic string, now time.Time) (broker.Message, error) {
	m := broker.Message{Instance: instance, Topic: topic, Body: in.body, Protocol: broker.ProtocolRemoting}
	p := in.props
	take := takeFields(&m, p)
	if v := p[propDelay]; v != "" {
		level, err := strconv.Atoi(v)
		if err != nil || level < 0 {
			return m, fmt.Errorf("DELAY %q is not a delay level", v)
		}
		if level > 0 {
			level = min(level, len(s.levels))
			m.StartDeliverTime = now.Add(s.levels[level-1]).UnixMilli()
		}
	}
	for _, k := range []string{propTimerDeliver, propStartDeliver} {
		if v := take(k); v != "" {
			at, err := strconv.ParseInt(v, 10, 64)
			if err != nil || at < 0 {
				return m, fmt.Errorf("%s %q is not a time in milliseconds", k, v)
			}
			m.StartDeliverTime = at
		}
	}
	immunity := take(propCheckImmunity)
	if v := take(propTransCheckT); immunity == "" {
		immunity = v
	}
	if p[propTranMsg] == "true" || in.sysFlag&sysTransPrepared != 0 {
		m.TransCheckImmunity = int(s.cfg.TransactionTimeout / time.Second)
		if immunity != "" {
			n, err := strconv.Atoi(immunity)
			if err != nil {
				return m, fmt.Errorf("%s %q is not a number of seconds", propCheckImmunity, immunity)
			}
			m.TransCheckImmunity = min(max(n, broker.MinTransCheckImmunity), broker.MaxTransCheckImmunity)
		}
	}
	delete(p, propTransactionID)
	if len(p) > 0 {
		m.Properties = p
	}
	return m, nil
}

// errTooLarge reports a compressed body that inflates past the limit.
var errTooLarge = errors.New("body too large")

// inflate undoes a producer's zlib compression, up to limit bytes.
func inflate(b []byte, limit int) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(out) > limit {
		return nil, errTooLarge
	}
	return out, nil
}

// decodeBatch reads the body of a batch send: messages of total size (4),
// magic code (4), body CRC (4), flag (4), body length (4), body,
// properties length (2), properties.
func decodeBatch(b []byte) ([]inbound, error) {
	var out []inbound
	for len(b) > 0 {
		r := reader{b: b}
		size := int(r.u32())
		if r.err != nil || size < 22 || size > len(b) {
			return nil, fmt.Errorf("batch message %d: size %d with %d bytes left", len(out)+1, size, len(b))
		}
		r = reader{b: b[4:size]}
		r.u32() // magic
		r.u32() // body CRC
		r.u32() // flag
		body := r.bytes(int(r.u32()))
		props := r.bytes(int(r.u16()))
		if r.err != nil || r.rest() != 0 {
			return nil, fmt.Errorf("batch message %d: malformed (%v)", len(out)+1, r.err)
		}
		p, err := parseProperties(string(props))
		if err != nil {
			return nil, fmt.Errorf("batch message %d: %w", len(out)+1, err)
		}
		out = append(out, inbound{body: body, props: p})
		b = b[size:]
	}
	return out, nil
}

// outbound is what a consumer is told of a stored message besides the
// broker's Message.
type outbound struct {
	topic     string // the full topic name the consumer asked for
	commitLog int64  // the message's physical offset
	reconsume int32
	store     [4]byte // store host
	storePort uint32
	sysFlag   int32
	queueOff  int64
}

// properties is the properties string of a delivered message: the
// broker's fields back as their keys, UNIQ_KEY the message ID.
func deliveredProperties(m *broker.Message) map[string]string {
	p := make(map[string]string, len(m.Properties)+4)
	maps.Copy(p, m.Properties)
	delete(p, propReconsume)
	set := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	set(propTags, m.Tag)
	set(propKeys, m.Keys)
	set(propUniqKey, m.ID)
	set(propShardingKey, m.ShardingKey)
	if m.StartDeliverTime > 0 && p[propDelay] == "" {
		set(propTimerDeliver, strconv.FormatInt(m.StartDeliverTime, 10))
	}
	if m.TransCheckImmunity > 0 {
		set(propCheckImmunity, strconv.Itoa(m.TransCheckImmunity))
	}
	return p
}

// appendMessageExt encodes a message as a broker stores it and as pull
// responses and transaction checks carry it (MessageDecoder's layout).
func appendMessageExt(dst []byte, m *broker.Message, o outbound) ([]byte, error) {
	props := appendProperties(nil, deliveredProperties(m))
	if len(props) > 0x7FFF {
		return dst, fmt.Errorf("message %s: properties of %d bytes do not fit the protocol's 32767", m.ID, len(props))
	}
	if len(o.topic) > 0x7F {
		return dst, fmt.Errorf("message %s: topic %q is longer than 127 bytes", m.ID, o.topic)
	}
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, 0) // total size, below
	dst = binary.BigEndian.AppendUint32(dst, magicCode)
	dst = binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(m.Body)&0x7FFFFFFF)
	dst = binary.BigEndian.AppendUint32(dst, uint32(m.QueueID))
	dst = binary.BigEndian.AppendUint32(dst, 0) // flag
	dst = binary.BigEndian.AppendUint64(dst, uint64(o.queueOff))
	dst = binary.BigEndian.AppendUint64(dst, uint64(o.commitLog))
	dst = binary.BigEndian.AppendUint32(dst, uint32(o.sysFlag))
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.PublishTime)) // born
	dst = append(dst, o.store[:]...)
	dst = binary.BigEndian.AppendUint32(dst, 0)
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.PublishTime)) // stored
	dst = append(dst, o.store[:]...)
	dst = binary.BigEndian.AppendUint32(dst, o.storePort)
	dst = binary.BigEndian.AppendUint32(dst, uint32(o.reconsume))
	dst = binary.BigEndian.AppendUint64(dst, 0) // prepared transaction offset
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(m.Body)))
	dst = append(dst, m.Body...)
	dst = append(dst, byte(len(o.topic)))
	dst = append(dst, o.topic...)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(props)))
	dst = append(dst, props...)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}

// Stored is a message as a broker's pull response carries it.
type Stored struct {
	// Message has the broker's fields from the special properties (as
	// toBroker maps them); Topic is the topic as the broker named it
	// ("ns%topic" for a namespace), Instance is empty.
	Message         broker.Message
	CommitLogOffset int64
	// OffsetMsgID is the broker's ID of the message (store host and
	// physical offset), the message's ID when it has no UNIQ_KEY.
	OffsetMsgID    string
	ReconsumeTimes int
	BornTimestamp  int64
}

// DecodeMessages reads the messages of a pull response body (the
// broker's stored layout), inflating compressed bodies up to maxBody.
func DecodeMessages(b []byte, maxBody int) ([]Stored, error) {
	var out []Stored
	for len(b) > 0 {
		r := reader{b: b}
		size := int(r.u32())
		if r.err != nil || size < 4 || size > len(b) {
			return out, fmt.Errorf("remoting: message %d: size %d with %d bytes left", len(out)+1, size, len(b))
		}
		r = reader{b: b[4:size]}
		var st Stored
		m := &st.Message
		r.u32() // magic
		r.u32() // body CRC
		m.QueueID = int(int32(r.u32()))
		r.u32() // flag
		m.QueueOffset = int64(r.u64())
		st.CommitLogOffset = int64(r.u64())
		sysFlag := r.u32()
		st.BornTimestamp = int64(r.u64())
		hostLen := 4
		if sysFlag&sysBornHostV6 != 0 {
			hostLen = 16
		}
		r.bytes(hostLen + 4)
		m.PublishTime = int64(r.u64())
		hostLen = 4
		if sysFlag&sysStoreHostV6 != 0 {
			hostLen = 16
		}
		store := r.bytes(hostLen + 4)
		st.ReconsumeTimes = int(int32(r.u32()))
		r.u64() // prepared transaction offset
		body := r.bytes(int(r.u32()))
		m.Topic = string(r.bytes(int(r.u8())))
		props := string(r.bytes(int(r.u16())))
		if r.err != nil {
			return out, fmt.Errorf("remoting: message %d: %v", len(out)+1, r.err)
		}
		if sysFlag&sysCompressed != 0 {
			var err error
			if body, err = inflate(body, maxBody); err != nil {
				return out, fmt.Errorf("remoting: message %d: body: %v", len(out)+1, err)
			}
		}
		m.Body = slices.Clone(body)
		p, err := parseProperties(props)
		if err != nil {
			return out, fmt.Errorf("remoting: message %d: %w", len(out)+1, err)
		}
		fromProperties(m, p)
		st.OffsetMsgID = strings.ToUpper(hex.EncodeToString(binary.BigEndian.AppendUint64(slices.Clone(store), uint64(st.CommitLogOffset))))
		if m.ID == "" {
			m.ID = st.OffsetMsgID
		}
		out = append(out, st)
		b = b[size:]
	}
	return out, nil
}

// fromProperties moves a delivered message's special properties to its
// fields: the inverse of deliveredProperties.
func fromProperties(m *broker.Message, p map[string]string) {
	take := takeFields(m, p)
	for _, k := range []string{propTimerDeliver, propStartDeliver} {
		if at, err := strconv.ParseInt(take(k), 10, 64); err == nil {
			m.StartDeliverTime = at
		}
	}
	take(propCheckImmunity)
	take(propTransCheckT)
	if len(p) > 0 {
		m.Properties = p
	}
}

// takeFields moves TAGS, KEYS, UNIQ_KEY and the sharding key from p to
// m's fields, and returns a function that removes and returns others.
func takeFields(m *broker.Message, p map[string]string) func(string) string {
	take := func(k string) string {
		v := p[k]
		delete(p, k)
		return v
	}
	m.Tag, m.Keys, m.ID = take(propTags), take(propKeys), take(propUniqKey)
	m.ShardingKey = take(propShardingKey)
	if v := take(propShardingKeyV4); m.ShardingKey == "" {
		m.ShardingKey = v
	}
	return take
}
