package rocketmq

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// publish answers POST /topics/{topic}/messages.
func (s *Server) publish(ctx context.Context, ns, topic string, body []byte) (reply, *Error) {
	var doc publishDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		return reply{}, errorf(CodeMalformedXML, "The message is not a <Message> document: "+err.Error())
	}
	m := broker.Message{Instance: ns, Topic: topic, Tag: doc.MessageTag, Body: []byte(doc.MessageBody), Protocol: broker.ProtocolHTTP}
	if err := parseProperties(doc.Properties, &m); err != nil {
		return reply{}, err
	}
	res, err := s.broker.Publish(ctx, m)
	if err != nil {
		return reply{}, fromBroker(err)
	}
	return reply{status: http.StatusCreated, doc: publishedDoc{Xmlns: xmlns, MessageID: res.MessageID,
		MessageBodyMD5: res.BodyMD5, ReceiptHandle: res.ReceiptHandle}}, nil
}

// consume answers GET /topics/{topic}/messages: a batch, long polling,
// orderly (trans=order), or half messages for check-back (trans=pop).
func (s *Server) consume(ctx context.Context, topic string, q url.Values) (reply, *Error) {
	req := broker.ConsumeRequest{Instance: q.Get("ns"), Topic: topic, Group: q.Get("consumer"), Tag: q.Get("tag"), Max: 16}
	if req.Group == "" {
		return reply{}, errorf(CodeInvalidArgument, "The consumer parameter (the group ID) is missing.")
	}
	if v := q.Get("numOfMessages"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 16 {
			return reply{}, errorf(CodeInvalidArgument, "numOfMessages must be 1 to 16, got "+strconv.Quote(v)+".")
		}
		req.Max = n
	}
	if v := q.Get("waitseconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 30 {
			return reply{}, errorf(CodeInvalidArgument, "waitseconds must be 1 to 30, got "+strconv.Quote(v)+".")
		}
		req.Wait = time.Duration(n) * time.Second
	}
	var ds []broker.Delivery
	var err error
	switch trans := q.Get("trans"); trans {
	case "":
		ds, err = s.broker.Consume(ctx, req)
	case "order":
		req.Ordered = true
		ds, err = s.broker.Consume(ctx, req)
	case "pop":
		ds, err = s.broker.ConsumeHalf(ctx, req)
	default:
		return reply{}, errorf(CodeInvalidArgument, "trans must be order or pop when consuming, got "+strconv.Quote(trans)+".")
	}
	if err != nil {
		return reply{}, fromBroker(err)
	}
	if len(ds) == 0 {
		return reply{}, errorf(CodeMessageNotExist, "Message not exist.")
	}
	doc := messagesDoc{Xmlns: xmlns, Messages: make([]messageDoc, len(ds))}
	for i, d := range ds {
		doc.Messages[i] = messageDocOf(d)
	}
	return reply{status: http.StatusOK, doc: doc}, nil
}

// resolve answers DELETE /topics/{topic}/messages: an ack, or the commit
// or rollback of a half message (trans=commit|rollback).
func (s *Server) resolve(ctx context.Context, topic string, q url.Values, body []byte) (reply, *Error) {
	var doc handlesDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		return reply{}, errorf(CodeMalformedXML, "The body is not a <ReceiptHandles> document: "+err.Error())
	}
	if len(doc.Handles) == 0 {
		return reply{}, errorf(CodeMissingReceiptHandle, "No <ReceiptHandle> in the request.")
	}
	ns, group := q.Get("ns"), q.Get("consumer")
	var failed []broker.HandleError
	switch trans := q.Get("trans"); trans {
	case "":
		if group == "" {
			return reply{}, errorf(CodeInvalidArgument, "The consumer parameter (the group ID) is missing.")
		}
		var err error
		if failed, err = s.broker.Ack(ctx, ns, topic, group, doc.Handles); err != nil {
			return reply{}, fromBroker(err)
		}
	case "commit", "rollback":
		op := s.broker.Commit
		if trans == "rollback" {
			op = s.broker.Rollback
		}
		for _, h := range doc.Handles {
			if err := op(ctx, ns, topic, group, h); err != nil {
				var he *broker.HandleError
				if !errors.As(err, &he) {
					return reply{}, fromBroker(err)
				}
				failed = append(failed, broker.HandleError{Handle: h, Code: he.Code, Message: he.Message})
			}
		}
	default:
		return reply{}, errorf(CodeInvalidArgument, "trans must be commit or rollback when deleting, got "+strconv.Quote(trans)+".")
	}
	if len(failed) == 0 {
		return reply{status: http.StatusNoContent}, nil
	}
	errs := handleErrorsDoc{Xmlns: xmlns}
	for _, f := range failed {
		errs.Errors = append(errs.Errors, handleErrorDoc{ErrorCode: f.Code, ErrorMessage: f.Message, ReceiptHandle: f.Handle})
	}
	return reply{status: http.StatusNotFound, doc: errs}, nil
}
