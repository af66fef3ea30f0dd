package proxy

import (
	"context"
	"errors"
	"strings"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// maxSendBatch bounds the messages of one SendMessage.
const maxSendBatch = 1024

// SendMessage publishes the messages of a request, each durable before
// the answer. Every message is checked before any is published. As a
// 5.x server answers a batch, the response has one entry: the message
// IDs joined by commas, the offset of the first.
func (s *Server) SendMessage(ctx context.Context, req *v2.SendMessageRequest) (*v2.SendMessageResponse, error) {
	entry, err := s.send(ctx, req)
	if err != nil {
		return &v2.SendMessageResponse{Status: status(err)}, nil
	}
	return &v2.SendMessageResponse{Status: status(nil), Entries: []*v2.SendResultEntry{entry}}, nil
}

func (s *Server) send(ctx context.Context, req *v2.SendMessageRequest) (*v2.SendResultEntry, error) {
	if err := s.admit(ctx); err != nil {
		return nil, err
	}
	pms := req.GetMessages()
	if len(pms) == 0 {
		return nil, coded(v2.Code_MESSAGE_CORRUPTED, "no message to send")
	}
	if len(pms) > maxSendBatch {
		return nil, coded(v2.Code_BAD_REQUEST, "%d messages in one request, more than %d", len(pms), maxSendBatch)
	}
	topic := pms[0].GetTopic()
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	ms := make([]broker.Message, len(pms))
	for i, pm := range pms {
		if !proto.Equal(pm.GetTopic(), topic) {
			return nil, coded(v2.Code_MESSAGE_CORRUPTED, "topic in message is not same")
		}
		m, err := s.fromProto(pm)
		if err != nil {
			return nil, err
		}
		if err := s.b.Validate(m); err != nil {
			return nil, s.sendError(err, &m)
		}
		ms[i] = m
	}
	ids := make([]string, len(ms))
	var first broker.PublishResult
	for i, m := range ms {
		res, err := s.b.Publish(ctx, m)
		if err != nil {
			s.log.Warn("proxy: publish refused", "topic", m.Topic, "instance", m.Instance, "message_id", m.ID, "published", i, "of", len(ms), "error", err)
			return nil, s.sendError(err, &m)
		}
		if i == 0 {
			first = res
		}
		ids[i] = res.MessageID
		s.log.Debug("proxy: published", "topic", m.Topic, "instance", m.Instance, "message_id", res.MessageID, "queue", res.QueueID)
	}
	return &v2.SendResultEntry{Status: status(nil), MessageId: strings.Join(ids, ","),
		TransactionId: first.ReceiptHandle, Offset: max(first.QueueOffset, 0)}, nil
}

// sendError codes a broker's refusal of message m. A topic that does not
// exist fails its type check first, as on a 5.x server.
func (s *Server) sendError(err error, m *broker.Message) error {
	switch {
	case errors.Is(err, broker.ErrTopicNotExist):
		return coded(v2.Code_MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, "TopicMessageType validate failed, the expected type is UNSPECIFIED, but actual type is %s (%v)",
			messageType(m), err)
	case errors.Is(err, broker.ErrBodyTooLarge):
		return coded(v2.Code_MESSAGE_BODY_TOO_LARGE, "%v", err)
	case errors.Is(err, broker.ErrInvalidArgument):
		return coded(v2.Code_BAD_REQUEST, "%v", err)
	}
	return err
}

// EndTransaction commits or rolls back the half message of a
// transaction ID (the handle the send or the check gave); an unknown
// resolution leaves it for a check. A transaction ID that is no longer
// valid (resolved already, or its time passed: the transaction timeout
// after the send, the broker's HalfCheckInterval after a check) is
// INTERNAL_SERVER_ERROR "cannot found transaction data", as 5.x servers
// answer.
func (s *Server) EndTransaction(ctx context.Context, req *v2.EndTransactionRequest) (*v2.EndTransactionResponse, error) {
	return &v2.EndTransactionResponse{Status: status(s.endTransaction(ctx, req))}, nil
}

func (s *Server) endTransaction(ctx context.Context, req *v2.EndTransactionRequest) error {
	if err := s.admit(ctx); err != nil {
		return err
	}
	topic := req.GetTopic()
	if err := checkTopic(topic); err != nil {
		return err
	}
	if req.GetTransactionId() == "" {
		return coded(v2.Code_INVALID_TRANSACTION_ID, "transaction id cannot be empty")
	}
	inst, name := topic.GetResourceNamespace(), topic.GetName()
	var err error
	switch req.GetResolution() {
	case v2.TransactionResolution_COMMIT:
		err = s.b.Commit(ctx, inst, name, "", req.GetTransactionId())
	case v2.TransactionResolution_ROLLBACK:
		err = s.b.Rollback(ctx, inst, name, "", req.GetTransactionId())
	default:
		// Unknown: the message waits for its check.
		return nil
	}
	var he *broker.HandleError
	if errors.As(err, &he) {
		return coded(v2.Code_INTERNAL_SERVER_ERROR, "cannot found transaction data: transaction id of message %s: %s", req.GetMessageId(), he.Message)
	}
	return err
}
