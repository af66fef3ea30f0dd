package proxy

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// autoRenewInvisible is the invisibility of a receive that asks the
// server to renew it (push consumers).
const autoRenewInvisible = 60 * time.Second

// ReceiveMessage serves a simple consumer's receive, streaming as 5.x
// servers do: the status, the messages, then the delivery time. It waits
// up to the long-polling time for messages of the topic for the group:
// the call's remaining time less half the consumer's request timeout,
// within 5..20 s. Up to 32 messages are delivered; a larger batch size is
// cut to 32. Messages with a message group come in group order: one
// message group is not delivered again while a delivery of it is
// invisible, whatever the consumer group (5.x servers order per queue, and
// only for groups with orderly consumption).
func (s *Server) ReceiveMessage(req *v2.ReceiveMessageRequest, stream v2.MessagingService_ReceiveMessageServer) error {
	ctx := stream.Context()
	ds, err := s.receive(ctx, req)
	var st *v2.Status
	switch {
	case err != nil:
		st = status(err)
	case len(ds) == 0:
		st = &v2.Status{Code: v2.Code_MESSAGE_NOT_FOUND, Message: "no new message"}
	default:
		st = status(nil)
	}
	if err := stream.Send(&v2.ReceiveMessageResponse{Content: &v2.ReceiveMessageResponse_Status{Status: st}}); err != nil {
		return s.unsent(ctx, req, ds, err)
	}
	for i := range ds {
		m := s.toProto(&ds[i].Message, &ds[i])
		if err := stream.Send(&v2.ReceiveMessageResponse{Content: &v2.ReceiveMessageResponse_Message{Message: m}}); err != nil {
			return s.unsent(ctx, req, ds[i:], err)
		}
	}
	return stream.Send(&v2.ReceiveMessageResponse{Content: &v2.ReceiveMessageResponse_DeliveryTimestamp{
		DeliveryTimestamp: timestamppb.New(s.now())}})
}

// unsentInvisible is how soon deliveries that did not reach the consumer
// are delivered again.
const unsentInvisible = time.Second

// unsent makes deliveries that did not reach the consumer visible again
// soon, so that a broken stream loses little time for them.
func (s *Server) unsent(ctx context.Context, req *v2.ReceiveMessageRequest, ds []broker.Delivery, err error) error {
	topic, group := req.GetMessageQueue().GetTopic(), req.GetGroup()
	for _, d := range ds {
		if _, cerr := s.b.ChangeInvisible(context.WithoutCancel(ctx), topic.GetResourceNamespace(), topic.GetName(), group.GetName(), d.ReceiptHandle, unsentInvisible); cerr != nil {
			s.log.Debug("proxy: releasing an unsent delivery", "message_id", d.ID, "error", cerr)
		}
	}
	return err
}

// receive validates a receive and consumes: up to the batch size, waiting
// for the first message up to the long-polling time.
func (s *Server) receive(ctx context.Context, req *v2.ReceiveMessageRequest) ([]broker.Delivery, error) {
	if err := s.admit(ctx); err != nil {
		return nil, err
	}
	settings, ok := s.sessions.awaitSettings(ctx, clientID(ctx))
	if !ok {
		return nil, coded(v2.Code_UNRECOGNIZED_CLIENT_TYPE, "cannot find client settings for this client (open its Telemetry stream and send its settings first)")
	}
	wait, perr := longPolling(ctx, settings)
	if perr != nil {
		return nil, perr
	}
	group, topic := req.GetGroup(), req.GetMessageQueue().GetTopic()
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	if err := checkGroup(group); err != nil {
		return nil, err
	}
	inv := autoRenewInvisible
	if !req.GetAutoRenew() {
		inv = req.GetInvisibleDuration().AsDuration()
		switch {
		case inv < minReceiveInvisible:
			return nil, coded(v2.Code_ILLEGAL_INVISIBLE_TIME, "the invisibleTime is too small. min is %d", minReceiveInvisible.Milliseconds())
		case inv > maxInvisible:
			return nil, coded(v2.Code_ILLEGAL_INVISIBLE_TIME, "the invisibleTime is too large. max is %d", maxInvisible.Milliseconds())
		}
	}
	tag, cerr := tagFilter(req.GetFilterExpression())
	if cerr != nil {
		return nil, cerr
	}
	n := min(max(int(req.GetBatchSize()), 1), maxReceiveBatch)
	if group.GetResourceNamespace() != topic.GetResourceNamespace() {
		return nil, coded(v2.Code_BAD_REQUEST, "the group's namespace %q is not the topic's %q", group.GetResourceNamespace(), topic.GetResourceNamespace())
	}
	r := broker.ConsumeRequest{Instance: topic.GetResourceNamespace(), Topic: topic.GetName(), Group: group.GetName(),
		Tag: tag, Max: min(n, broker.MaxBatch), Wait: wait, Grouped: true, Invisible: inv}
	ds, err := s.b.Consume(ctx, r)
	if err != nil {
		return nil, s.consumeError(err)
	}
	for len(ds) > 0 && len(ds) < n { // batches over the broker's limit
		r.Max, r.Wait = min(n-len(ds), broker.MaxBatch), 0
		more, err := s.b.Consume(ctx, r)
		if err != nil || len(more) == 0 {
			break
		}
		ds = append(ds, more...)
	}
	return ds, nil
}

// longPolling is how long a receive waits: the call's remaining time less
// half the consumer's request timeout, within minLongPolling and
// maxLongPolling, and never past the deadline. A call with less than
// minLongPolling left is refused (BAD_REQUEST, as servers answer the
// clients that send no long-polling time); one without a deadline waits
// maxLongPolling.
func longPolling(ctx context.Context, settings *v2.Settings) (time.Duration, *codedError) {
	dl, ok := ctx.Deadline()
	if !ok {
		return maxLongPolling, nil
	}
	remaining := time.Until(dl)
	wait := remaining - settings.GetRequestTimeout().AsDuration()/2
	wait = min(max(wait, minLongPolling), maxLongPolling)
	if wait > remaining {
		if remaining < minLongPolling {
			return 0, coded(v2.Code_BAD_REQUEST, "The deadline time remaining is not enough for polling, please check network condition")
		}
		wait = remaining
	}
	return wait, nil
}

// tagFilter is the broker's tag filter of an expression.
func tagFilter(f *v2.FilterExpression) (string, *codedError) {
	if f == nil {
		return "*", nil
	}
	switch f.GetType() {
	case v2.FilterType_TAG, v2.FilterType_FILTER_TYPE_UNSPECIFIED:
		e := f.GetExpression()
		if blank(e) {
			return "*", nil
		}
		return e, nil
	case v2.FilterType_SQL:
		return "", coded(v2.Code_NOT_IMPLEMENTED, "SQL92 filter expressions are not supported by the local RocketMQ: filter by tag")
	}
	return "", coded(v2.Code_ILLEGAL_FILTER_EXPRESSION, "filter type %v is not TAG or SQL", f.GetType())
}

// consumeError codes a broker's refusal of a receive.
func (s *Server) consumeError(err error) error {
	switch {
	case errors.Is(err, broker.ErrTopicNotExist):
		return coded(v2.Code_TOPIC_NOT_FOUND, "%v", err)
	case errors.Is(err, broker.ErrGroupNotExist):
		return coded(v2.Code_CONSUMER_GROUP_NOT_FOUND, "%v", err)
	case errors.Is(err, broker.ErrInvalidArgument):
		return coded(v2.Code_ILLEGAL_FILTER_EXPRESSION, "%v", err)
	}
	return err
}

// AckMessage acknowledges deliveries by receipt handle; each entry says
// how it went.
func (s *Server) AckMessage(ctx context.Context, req *v2.AckMessageRequest) (*v2.AckMessageResponse, error) {
	if err := s.admit(ctx); err != nil {
		return &v2.AckMessageResponse{Status: status(err)}, nil
	}
	topic, group := req.GetTopic(), req.GetGroup()
	if err := checkTopic(topic); err != nil {
		return &v2.AckMessageResponse{Status: status(err)}, nil
	}
	if err := checkGroup(group); err != nil {
		return &v2.AckMessageResponse{Status: status(err)}, nil
	}
	entries := req.GetEntries()
	if len(entries) == 0 {
		return &v2.AckMessageResponse{Status: status(coded(v2.Code_BAD_REQUEST, "no entries to acknowledge"))}, nil
	}
	handles := make([]string, len(entries))
	for i, e := range entries {
		handles[i] = e.GetReceiptHandle()
	}
	failed, err := s.b.Ack(ctx, topic.GetResourceNamespace(), topic.GetName(), group.GetName(), handles)
	if err != nil {
		return &v2.AckMessageResponse{Status: status(s.consumeError(err))}, nil
	}
	bad := map[string]broker.HandleError{}
	for _, f := range failed {
		bad[f.Handle] = f
	}
	out := make([]*v2.AckMessageResultEntry, len(entries))
	codes := map[v2.Code]bool{}
	for i, e := range entries {
		st := status(nil)
		if f, ok := bad[e.GetReceiptHandle()]; ok {
			st = handleStatus(f, "ack failed: status is abnormal")
		}
		codes[st.Code] = true
		out[i] = &v2.AckMessageResultEntry{MessageId: e.GetMessageId(), ReceiptHandle: e.GetReceiptHandle(), Status: st}
	}
	st := status(nil)
	switch {
	case len(codes) > 1:
		st = &v2.Status{Code: v2.Code_MULTIPLE_RESULTS, Message: "MULTIPLE_RESULTS"}
	case !codes[v2.Code_OK]:
		for c := range codes {
			st = &v2.Status{Code: c, Message: c.String()}
		}
	}
	return &v2.AckMessageResponse{Status: st, Entries: out}, nil
}

// ChangeInvisibleDuration hides a delivery for a new duration from now
// and answers its new receipt handle.
func (s *Server) ChangeInvisibleDuration(ctx context.Context, req *v2.ChangeInvisibleDurationRequest) (*v2.ChangeInvisibleDurationResponse, error) {
	h, err := s.changeInvisible(ctx, req)
	return &v2.ChangeInvisibleDurationResponse{Status: status(err), ReceiptHandle: h}, nil
}

func (s *Server) changeInvisible(ctx context.Context, req *v2.ChangeInvisibleDurationRequest) (string, error) {
	if err := s.admit(ctx); err != nil {
		return "", err
	}
	topic, group := req.GetTopic(), req.GetGroup()
	if err := checkTopic(topic); err != nil {
		return "", err
	}
	if err := checkGroup(group); err != nil {
		return "", err
	}
	inv := req.GetInvisibleDuration().AsDuration()
	switch {
	case inv < 0:
		return "", coded(v2.Code_ILLEGAL_INVISIBLE_TIME, "the invisibleTime is too small. min is 0")
	case inv > maxInvisible:
		return "", coded(v2.Code_ILLEGAL_INVISIBLE_TIME, "the invisibleTime is too large. max is %d", maxInvisible.Milliseconds())
	}
	h, err := s.b.ChangeInvisible(ctx, topic.GetResourceNamespace(), topic.GetName(), group.GetName(), req.GetReceiptHandle(), inv)
	var he *broker.HandleError
	if errors.As(err, &he) {
		st := handleStatus(*he, "changeInvisibleDuration failed: status is abnormal")
		return "", coded(st.Code, "%s", st.Message)
	}
	if err != nil {
		return "", s.consumeError(err)
	}
	return h, nil
}

// ForwardMessageToDeadLetterQueue moves a delivery to the group's dead
// letters, as a consumer does with a message it gives up on.
func (s *Server) ForwardMessageToDeadLetterQueue(ctx context.Context, req *v2.ForwardMessageToDeadLetterQueueRequest) (*v2.ForwardMessageToDeadLetterQueueResponse, error) {
	return &v2.ForwardMessageToDeadLetterQueueResponse{Status: status(s.forwardToDLQ(ctx, req))}, nil
}

func (s *Server) forwardToDLQ(ctx context.Context, req *v2.ForwardMessageToDeadLetterQueueRequest) error {
	if err := s.admit(ctx); err != nil {
		return err
	}
	topic, group := req.GetTopic(), req.GetGroup()
	if err := checkTopic(topic); err != nil {
		return err
	}
	if err := checkGroup(group); err != nil {
		return err
	}
	reason := "forwarded to the dead letters by the consumer after " + strconv.Itoa(int(req.GetDeliveryAttempt())) + " deliveries"
	err := s.b.DeadLetterNow(ctx, topic.GetResourceNamespace(), topic.GetName(), group.GetName(), req.GetReceiptHandle(), reason)
	var he *broker.HandleError
	if errors.As(err, &he) {
		st := handleStatus(*he, "forward to the dead letters failed: status is abnormal")
		return coded(st.Code, "%s", st.Message)
	}
	if err != nil {
		return s.consumeError(err)
	}
	return nil
}

// handleStatus is the status 5.x servers answer a refused receipt handle
// with: INVALID_RECEIPT_HANDLE "receipt handle is expired" when its time
// passed, INTERNAL_SERVER_ERROR otherwise (abnormal: the delivery was
// acknowledged or redelivered; the handle does not parse), with the
// broker's reason after the server's text.
func handleStatus(he broker.HandleError, abnormal string) *v2.Status {
	if strings.HasPrefix(he.Message, "expired") {
		return &v2.Status{Code: v2.Code_INVALID_RECEIPT_HANDLE, Message: "receipt handle is expired (" + he.Message + ")"}
	}
	return &v2.Status{Code: v2.Code_INTERNAL_SERVER_ERROR, Message: abnormal + " (" + he.Message + ")"}
}
