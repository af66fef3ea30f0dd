package remoting

import (
	"context"
	"strconv"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Pull system flags.
const (
	pullCommitOffset = 1 << 0
	pullSuspend      = 1 << 1
)

// maxPullBytes bounds the bodies of one pull response, which holds at
// least one message, as an Apache broker's
// maxTransferBytesOnMessageInMemory (256 KiB) does.
const maxPullBytes = 256 << 10

// pullMessage serves PULL_MESSAGE: up to maxMsgNums messages of a queue
// from queueOffset, suspended up to suspendTimeoutMillis when there are
// none, committing commitOffset first when the flag asks.
func (s *Server) pullMessage(ctx context.Context, req *Command) *Command {
	h := ext(req.ExtFields)
	group, err := h.need("consumerGroup")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	full, err := h.need("topic")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	var nums [6]int64
	for i, k := range []string{"queueId", "queueOffset", "maxMsgNums", "sysFlag", "commitOffset", "suspendTimeoutMillis"} {
		if nums[i], err = h.intOr(k, 0); err != nil {
			return response(codeSystemError, err.Error())
		}
	}
	queue, offset, maxNums, sysFlag, commit, suspend := nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]
	if t := h["expressionType"]; t != "" && t != "TAG" {
		return response(codeSubscriptionParseFail, "filtering by "+t+" is not supported; use a TAG expression")
	}
	instance, topic := splitName(full)
	ginst, gname := splitName(group)
	if err := s.b.EnsureGroup(ginst, gname); err != nil {
		return errorResponse(err, codeSystemError)
	}
	if sysFlag&pullCommitOffset != 0 && commit >= 0 && s.offsetChanged(instance, topic, gname, int(queue), commit) {
		if err := s.b.CommitOffset(instance, topic, gname, int(queue), commit); err != nil {
			return errorResponse(err, codeSystemError)
		}
	}
	var wait time.Duration
	if sysFlag&pullSuspend != 0 && suspend > 0 {
		wait = time.Duration(min(suspend, broker.MaxWait.Milliseconds())) * time.Millisecond
	}
	res, err := s.b.Pull(ctx, broker.PullRequest{Instance: instance, Topic: topic, Queue: int(queue),
		Offset: offset, Max: int(min(max(maxNums, 1), broker.MaxPull)), Tag: h["subscription"], Wait: wait})
	if err != nil {
		return errorResponse(err, codeSystemError)
	}
	var resp *Command
	switch res.Status {
	case broker.PullFound:
		resp = ok()
		var body []byte
		for i := range res.Messages {
			m := &res.Messages[i]
			if i > 0 && len(body)+len(m.Body) > maxPullBytes {
				res.Next = m.QueueOffset // the rest with the next pull
				break
			}
			if body, err = s.appendDelivered(body, m, full); err != nil {
				return response(codeSystemError, err.Error())
			}
		}
		resp.Body = body
	case broker.PullNoNewMessage:
		resp = response(codePullNotFound, "no new message in the queue")
	case broker.PullNoMatchedMessage:
		resp = response(codePullRetryImmediately, "no message matches the subscription")
	default:
		resp = response(codePullOffsetMoved, "the offset is outside the queue's offsets")
	}
	resp.ExtFields = map[string]string{
		"nextBeginOffset":      strconv.FormatInt(res.Next, 10),
		"minOffset":            strconv.FormatInt(res.Min, 10),
		"maxOffset":            strconv.FormatInt(res.Max, 10),
		"suggestWhichBrokerId": "0",
	}
	return resp
}

// appendDelivered encodes a stored message for a consumer of fullTopic.
func (s *Server) appendDelivered(dst []byte, m *broker.Message, fullTopic string) ([]byte, error) {
	reconsume, _ := strconv.Atoi(m.Properties[propReconsume])
	o := outbound{topic: fullTopic, queueOff: m.QueueOffset, reconsume: int32(reconsume),
		commitLog: s.physicalOffset(m.Instance, m.Topic, m.QueueID, m.QueueOffset),
		store:     s.storeIP, storePort: s.storePort}
	return appendMessageExt(dst, m, o)
}

// queryConsumerOffset serves QUERY_CONSUMER_OFFSET: the group's committed
// offset; for a group that committed none, 0 while the queue still holds
// its first message (as an Apache broker starts a new group there), else
// QUERY_NOT_FOUND so the consumer starts where its ConsumeFromWhere says.
func (s *Server) queryConsumerOffset(req *Command) *Command {
	h := ext(req.ExtFields)
	instance, topic, group, queue, errResp := queueRequest(h, true)
	if errResp != nil {
		return errResp
	}
	off, err := s.b.CommittedOffset(instance, topic, group, queue)
	if err != nil {
		return errorResponse(err, codeSystemError)
	}
	if off < 0 {
		qs, err := s.b.Queues(instance, topic)
		if err != nil {
			return errorResponse(err, codeSystemError)
		}
		if qs[queue].Min > 0 {
			return response(codeQueryNotFound, "the group has no offset in this queue and its first messages expired")
		}
		off = 0
	}
	resp := ok()
	resp.ExtFields = map[string]string{"offset": strconv.FormatInt(off, 10)}
	return resp
}

// updateConsumerOffset serves UPDATE_CONSUMER_OFFSET.
func (s *Server) updateConsumerOffset(req *Command) *Command {
	h := ext(req.ExtFields)
	instance, topic, group, queue, errResp := queueRequest(h, true)
	if errResp != nil {
		return errResp
	}
	off, err := h.int("commitOffset")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	if err := s.b.CommitOffset(instance, topic, group, queue, off); err != nil {
		return errorResponse(err, codeSystemError)
	}
	return ok()
}

// queueOffsets serves GET_MAX_OFFSET, GET_MIN_OFFSET and
// SEARCH_OFFSET_BY_TIMESTAMP.
func (s *Server) queueOffsets(req *Command) *Command {
	h := ext(req.ExtFields)
	instance, topic, _, queue, errResp := queueRequest(h, false)
	if errResp != nil {
		return errResp
	}
	var off int64
	switch req.Code {
	case reqSearchOffsetByTimestamp:
		at, err := h.int("timestamp")
		if err != nil {
			return response(codeSystemError, err.Error())
		}
		if off, err = s.b.OffsetAt(instance, topic, queue, at); err != nil {
			return errorResponse(err, codeSystemError)
		}
	default:
		qs, err := s.b.Queues(instance, topic)
		if err != nil {
			return errorResponse(err, codeSystemError)
		}
		if queue >= len(qs) {
			return response(codeSystemError, "queue "+strconv.Itoa(queue)+" does not exist")
		}
		off = qs[queue].Max
		if req.Code == reqGetMinOffset {
			off = qs[queue].Min
		}
	}
	resp := ok()
	resp.ExtFields = map[string]string{"offset": strconv.FormatInt(off, 10)}
	return resp
}

// queueRequest reads topic, queueId and (withGroup) consumerGroup.
func queueRequest(h ext, withGroup bool) (instance, topic, group string, queue int, errResp *Command) {
	full, err := h.need("topic")
	if err != nil {
		return "", "", "", 0, response(codeSystemError, err.Error())
	}
	q, err := h.int("queueId")
	if err != nil || q < 0 || q >= broker.MaxQueues {
		if err == nil {
			err = strconv.ErrRange
		}
		return "", "", "", 0, response(codeSystemError, "queueId: "+err.Error())
	}
	instance, topic = splitName(full)
	if withGroup {
		g, err := h.need("consumerGroup")
		if err != nil {
			return "", "", "", 0, response(codeSystemError, err.Error())
		}
		_, group = splitName(g)
	}
	return instance, topic, group, int(q), nil
}

// offsetChanged reports whether commit differs from the group's committed
// offset, so pulls that carry an unchanged offset write nothing.
func (s *Server) offsetChanged(instance, topic, group string, queue int, commit int64) bool {
	off, err := s.b.CommittedOffset(instance, topic, group, queue)
	return err != nil || off != commit
}
