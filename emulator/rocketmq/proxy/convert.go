package proxy

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// propTranMsg marks a transactional message, as Apache brokers keep it;
// its producer group (broker.PropProducerGroup) is its topic's name, as
// 5.x servers name it, for the clients have none: the check-back goes to
// a producer of the topic.
const propTranMsg = "TRAN_MSG"

// propShardingKey is the property 5.x servers show a message group in,
// among the user properties of a delivered message.
const propShardingKey = "__SHARDINGKEY"

// fromProto converts a message a producer sent into the broker's form,
// checked as a 5.x server checks it. The type is that of its attributes
// (a transaction, else a delivery time, else a message group), as a
// server derives it; the declared type only tells a transaction.
func (s *Server) fromProto(pm *v2.Message) (broker.Message, *codedError) {
	topic := pm.GetTopic()
	sp := pm.GetSystemProperties()
	body := pm.GetBody()
	if len(body) == 0 {
		return broker.Message{}, coded(codeMessageBodyEmpty, "message body cannot be empty")
	}
	if len(body) > MaxBodySize {
		return broker.Message{}, coded(v2.Code_MESSAGE_BODY_TOO_LARGE, "message body cannot exceed the max %d", MaxBodySize)
	}
	switch sp.GetBodyEncoding() {
	case v2.Encoding_GZIP:
		plain, err := gunzip(body, MaxBodySize)
		if err != nil {
			return broker.Message{}, coded(v2.Code_MESSAGE_CORRUPTED, "the body is not gzip of at most %d bytes: %v", MaxBodySize, err)
		}
		body = plain
	case v2.Encoding_IDENTITY, v2.Encoding_ENCODING_UNSPECIFIED:
	default:
		return broker.Message{}, coded(v2.Code_MESSAGE_CORRUPTED, "body encoding %v is not supported", sp.GetBodyEncoding())
	}
	if err := checkProperties(pm.GetUserProperties(), sp.GetTag(), sp.GetKeys()); err != nil {
		return broker.Message{}, err
	}
	m := broker.Message{
		ID:       sp.GetMessageId(),
		Instance: topic.GetResourceNamespace(),
		Topic:    topic.GetName(),
		Tag:      sp.GetTag(),
		Body:     body,
		Keys:     strings.Join(sp.GetKeys(), " "),
		Protocol: broker.ProtocolGRPC,
	}
	if err := checkMessageID(m.ID); err != nil {
		return broker.Message{}, err
	}
	if len(pm.GetUserProperties()) > 0 {
		m.Properties = maps.Clone(pm.GetUserProperties())
	}
	if d := sp.GetDeliveryTimestamp(); d != nil {
		if err := d.CheckValid(); err != nil {
			return broker.Message{}, coded(v2.Code_ILLEGAL_DELIVERY_TIME, "delivery timestamp: %v", err)
		}
		at := d.AsTime()
		if at.Sub(s.now()) > maxDelay {
			return broker.Message{}, coded(v2.Code_ILLEGAL_DELIVERY_TIME, "the max delay time of message is too large, max is %d", maxDelay.Milliseconds())
		}
		m.StartDeliverTime = max(at.UnixMilli(), 1)
	}
	if g := sp.GetMessageGroup(); g != "" {
		if err := checkMessageGroup(g); err != nil {
			return broker.Message{}, err
		}
		m.ShardingKey = g
	}
	if sp.GetMessageType() == v2.MessageType_TRANSACTION {
		if m.Properties == nil {
			m.Properties = map[string]string{}
		}
		m.Properties[propTranMsg] = "true"
		m.Properties[broker.PropProducerGroup] = m.Topic
		m.TransCheckImmunity = int(s.cfg.TransactionTimeout / time.Second)
		if d := sp.GetOrphanedTransactionRecoveryDuration(); d != nil {
			secs := d.AsDuration() / time.Second
			if secs > maxTransactionRecovery {
				return broker.Message{}, coded(v2.Code_BAD_REQUEST, "the max transaction recovery time of message is too large, max is %d", maxTransactionRecovery)
			}
			m.TransCheckImmunity = max(int(secs), broker.MinTransCheckImmunity)
		}
	}
	return m, nil
}

// maxTransactionRecovery bounds a transactional message's recovery
// duration, in seconds.
const maxTransactionRecovery = 3600

// gunzip inflates b, refusing more than limit bytes.
func gunzip(b []byte, limit int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(out) > limit {
		return nil, fmt.Errorf("more than %d bytes inflated", limit)
	}
	return out, nil
}

// messageType is the 5.x type of a stored message.
func messageType(m *broker.Message) v2.MessageType {
	switch {
	case m.TransCheckImmunity > 0 || m.Properties[propTranMsg] == "true":
		return v2.MessageType_TRANSACTION
	case m.StartDeliverTime > 0:
		return v2.MessageType_DELAY
	case m.ShardingKey != "":
		return v2.MessageType_FIFO
	}
	return v2.MessageType_NORMAL
}

// toProto converts a stored message for a consumer or a transaction
// check; d, when set, is its delivery to a consumer. Its user properties
// show the message group as __SHARDINGKEY, as 5.x servers show it, and
// not the transaction's system properties. The body digest is the MD5 in
// lower-case hex, as the clients check it.
func (s *Server) toProto(m *broker.Message, d *broker.Delivery) *v2.Message {
	sp := &v2.SystemProperties{
		MessageId:     m.ID,
		BodyDigest:    &v2.Digest{Type: v2.DigestType_MD5, Checksum: strings.ToLower(m.BodyMD5)},
		BodyEncoding:  v2.Encoding_IDENTITY,
		MessageType:   messageType(m),
		BornTimestamp: timestamppb.New(time.UnixMilli(m.PublishTime)),
		BornHost:      s.Addr(),
		StoreHost:     s.Addr(),
		QueueId:       int32(m.QueueID),
	}
	sp.StoreTimestamp = sp.BornTimestamp
	if m.Tag != "" {
		sp.Tag = &m.Tag
	}
	if m.Keys != "" {
		sp.Keys = strings.Fields(m.Keys)
	}
	if m.ShardingKey != "" {
		sp.MessageGroup = &m.ShardingKey
	}
	if m.StartDeliverTime > 0 {
		sp.DeliveryTimestamp = timestamppb.New(time.UnixMilli(m.StartDeliverTime))
	}
	if m.QueueOffset >= 0 {
		off := m.QueueOffset
		sp.QueueOffset = &off
	}
	if d != nil {
		h := d.ReceiptHandle
		sp.ReceiptHandle = &h
		n := int32(d.ConsumedTimes)
		sp.DeliveryAttempt = &n
	}
	props := m.Properties
	if sp.MessageType == v2.MessageType_TRANSACTION || m.ShardingKey != "" {
		props = maps.Clone(props)
		if props == nil {
			props = map[string]string{}
		}
		delete(props, propTranMsg)
		delete(props, broker.PropProducerGroup)
		if m.ShardingKey != "" {
			props[propShardingKey] = m.ShardingKey
		}
	}
	return &v2.Message{
		Topic:            &v2.Resource{ResourceNamespace: m.Instance, Name: m.Topic},
		UserProperties:   props,
		SystemProperties: sp,
		Body:             m.Body,
	}
}
