package remoting

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// v2Fields are the short names of SendMessageRequestHeaderV2.
var v2Fields = map[string]string{
	"a": "producerGroup", "b": "topic", "c": "defaultTopic", "d": "defaultTopicQueueNums",
	"e": "queueId", "f": "sysFlag", "g": "bornTimestamp", "h": "flag", "i": "properties",
	"j": "reconsumeTimes", "k": "unitMode", "l": "maxReconsumeTimes", "m": "batch", "n": "bname",
}

// sendHeader reads a send request's header, V1 or V2.
func sendHeader(req *Command) ext {
	e := ext(req.ExtFields)
	if _, v2 := e["b"]; v2 {
		long := make(ext, len(e))
		for k, v := range e {
			if name, ok := v2Fields[k]; ok {
				k = name
			}
			long[k] = v
		}
		return long
	}
	return e
}

// sendMessage serves SEND_MESSAGE, SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE.
func (s *Server) sendMessage(ctx context.Context, req *Command) *Command {
	h := sendHeader(req)
	full, err := h.need("topic")
	if err != nil {
		return response(codeMessageIllegal, err.Error())
	}
	queue, err := h.intOr("queueId", -1)
	if err != nil {
		return response(codeMessageIllegal, err.Error())
	}
	sysFlag, err := h.intOr("sysFlag", 0)
	if err != nil {
		return response(codeMessageIllegal, err.Error())
	}
	reconsume, err := h.intOr("reconsumeTimes", 0)
	if err != nil {
		return response(codeMessageIllegal, err.Error())
	}
	maxReconsume, err := h.intOr("maxReconsumeTimes", defaultMaxReconsume)
	if err != nil {
		return response(codeMessageIllegal, err.Error())
	}
	instance, topic := splitName(full)
	batch := req.Code == reqSendBatchMessage || h["batch"] == "true"
	var ins []inbound
	if batch {
		if ins, err = decodeBatch(req.Body); err != nil {
			return response(codeMessageIllegal, err.Error())
		}
		if len(ins) == 0 {
			return response(codeMessageIllegal, "the batch has no message")
		}
	} else {
		props, err := parseProperties(h["properties"])
		if err != nil {
			return response(codeMessageIllegal, err.Error())
		}
		body := req.Body
		if sysFlag&sysCompressed != 0 {
			if body, err = inflate(body, broker.DefaultMaxBodySize); err != nil {
				if errors.Is(err, errTooLarge) {
					return response(codeMessageIllegal, fmt.Sprintf("the message body inflates past %d bytes", broker.DefaultMaxBodySize))
				}
				return response(codeMessageIllegal, "the compressed message body does not inflate: "+err.Error())
			}
		}
		ins = []inbound{{body: body, props: props, sysFlag: int(sysFlag)}}
	}
	now := s.cfg.Clock()
	msgs := make([]broker.Message, len(ins))
	for i, in := range ins {
		if reconsume > 0 {
			in.props[propReconsume] = strconv.FormatInt(reconsume, 10)
		}
		m, err := s.toBroker(in, instance, topic, now)
		if err != nil {
			return response(codeMessageIllegal, messageRef(batch, i)+err.Error())
		}
		if batch && (m.StartDeliverTime > 0 || m.TransCheckImmunity > 0) {
			return response(codeMessageIllegal, messageRef(batch, i)+"delayed and transactional messages cannot be sent in a batch")
		}
		if err := s.b.Validate(m); err != nil {
			return errorResponse(err, codeMessageIllegal)
		}
		msgs[i] = m
	}
	// A retry topic's message past its reconsume limit goes to the dead
	// letter topic, as an Apache broker sends it.
	if strings.HasPrefix(topic, retryPrefix) && reconsume > maxReconsume {
		for i := range msgs {
			msgs[i].Topic = dlqPrefix + topic[len(retryPrefix):]
			queue = 0
		}
		if err := s.b.CreateTopic(instance, msgs[0].Topic); err != nil {
			return errorResponse(err, codeMessageIllegal)
		}
	}
	results := make([]broker.PublishResult, 0, len(msgs))
	for _, m := range msgs {
		var res broker.PublishResult
		if queue >= 0 {
			res, err = s.b.PublishToQueue(ctx, m, int(queue))
		} else {
			res, err = s.b.Publish(ctx, m)
		}
		if err != nil {
			if len(results) > 0 {
				err = fmt.Errorf("%d of the batch's %d messages were stored, then: %w", len(results), len(msgs), err)
			}
			return errorResponse(err, codeMessageIllegal)
		}
		results = append(results, res)
		queue = int64(res.QueueID) // a batch stays in one queue
	}
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = s.offsetMsgID(s.physicalOffset(instance, msgs[i].Topic, r.QueueID, r.QueueOffset))
	}
	first := results[0]
	resp := ok()
	resp.ExtFields = map[string]string{
		"msgId":       strings.Join(ids, ","),
		"queueId":     strconv.Itoa(first.QueueID),
		"queueOffset": strconv.FormatInt(first.QueueOffset, 10),
		"MSG_REGION":  "DefaultRegion",
		"TRACE_ON":    "true",
	}
	if first.ReceiptHandle != "" {
		resp.ExtFields["transactionId"] = transactionID(first.ReceiptHandle, full)
	}
	return resp
}

func messageRef(batch bool, i int) string {
	if batch {
		return fmt.Sprintf("batch message %d: ", i+1)
	}
	return ""
}

// defaultMaxReconsume is a consumer's default maxReconsumeTimes.
const defaultMaxReconsume = 16

// transactionID is the transaction ID given for a half message: its
// broker handle and the topic it was sent to, which EndTransaction's
// header does not carry.
func transactionID(handle, fullTopic string) string {
	return handle + "@" + fullTopic
}

// parseTransactionID reads a transaction ID back.
func parseTransactionID(id string) (handle, fullTopic string, ok bool) {
	return strings.Cut(id, "@")
}
