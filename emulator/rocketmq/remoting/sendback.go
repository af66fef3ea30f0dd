package remoting

import (
	"context"
	"strconv"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// sendBack serves CONSUMER_SEND_MSG_BACK: a consumer gives back a message
// it failed to consume. It goes to the group's %RETRY% topic after the
// delay of its level (0: 3 + the times it was reconsumed), or to the
// group's %DLQ% topic when the level is negative or it was reconsumed
// maxReconsumeTimes times, with RETRY_TOPIC, ORIGIN_MESSAGE_ID and its
// reconsume count, under the same message ID, as an Apache broker does.
func (s *Server) sendBack(ctx context.Context, req *Command) *Command {
	h := ext(req.ExtFields)
	group, err := h.need("group")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	phys, err := h.int("offset")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	level, err := h.intOr("delayLevel", 0)
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	maxTimes, err := h.intOr("maxReconsumeTimes", defaultMaxReconsume)
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	k, queue, off, err := s.locate(phys)
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	res, err := s.b.Pull(ctx, broker.PullRequest{Instance: k.instance, Topic: k.topic, Queue: queue, Offset: off, Max: 1})
	if err != nil {
		return errorResponse(err, codeSystemError)
	}
	if res.Status != broker.PullFound || res.Messages[0].QueueOffset != off {
		return response(codeSystemError, "the message at offset "+strconv.FormatInt(phys, 10)+" is no longer retained")
	}
	m := res.Messages[0]
	if id := h["originMsgId"]; id != "" && id != m.ID {
		return response(codeSystemError, "the message at offset "+strconv.FormatInt(phys, 10)+" is not "+id)
	}
	ginst, gname := splitName(group)
	if err := s.b.EnsureGroup(ginst, gname); err != nil {
		return errorResponse(err, codeSystemError)
	}
	reconsume, _ := strconv.Atoi(m.Properties[propReconsume])
	props := cloneWith(m.Properties, propReconsume, strconv.Itoa(reconsume+1))
	if props[propRetryTopic] == "" {
		props[propRetryTopic] = joinName(k.instance, k.topic)
	}
	if props[propOriginMsgID] == "" {
		props[propOriginMsgID] = m.ID
	}
	back := broker.Message{ID: m.ID, Instance: ginst, Tag: m.Tag, Body: m.Body, Keys: m.Keys, ShardingKey: m.ShardingKey,
		Protocol: broker.ProtocolRemoting}
	if level < 0 || int64(reconsume) >= maxTimes {
		back.Topic = dlqPrefix + gname
		delete(props, propDelay)
		if err := s.b.CreateTopic(ginst, back.Topic); err != nil {
			return errorResponse(err, codeSystemError)
		}
	} else {
		if level == 0 {
			level = 3 + int64(reconsume)
		}
		level = min(level, int64(len(s.levels)))
		back.Topic = retryPrefix + gname
		props[propDelay] = strconv.FormatInt(level, 10)
		back.StartDeliverTime = s.cfg.Clock().Add(s.levels[level-1]).UnixMilli()
		if err := s.b.CreateTopic(ginst, back.Topic); err != nil {
			return errorResponse(err, codeSystemError)
		}
	}
	back.Properties, back.Retry = props, true
	if _, err := s.b.Publish(ctx, back); err != nil {
		return errorResponse(err, codeSystemError)
	}
	return ok()
}
