package proxy

import (
	"context"
	"errors"
	"fmt"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// codedError is a refusal with the apache.rocketmq.v2.Code a 5.x server
// answers it with, in the response's Status.
type codedError struct {
	code v2.Code
	msg  string
}

func (e *codedError) Error() string { return fmt.Sprintf("%v: %s", e.code, e.msg) }

// grpc is the error as a gRPC status, for streams that end with one: 4xxxx
// codes are INVALID_ARGUMENT, others INTERNAL, as 5.x servers end them.
func (e *codedError) grpc(prefix string) error {
	c := codes.Internal
	if e.code >= 40000 && e.code < 50000 {
		c = codes.InvalidArgument
	}
	return grpcstatus.Error(c, prefix+e.msg)
}

func coded(code v2.Code, format string, args ...any) *codedError {
	return &codedError{code: code, msg: fmt.Sprintf(format, args...)}
}

// status is the response Status of err (nil: OK).
func status(err error) *v2.Status {
	if err == nil {
		return &v2.Status{Code: v2.Code_OK, Message: "OK"}
	}
	var ce *codedError
	if errors.As(err, &ce) {
		return &v2.Status{Code: ce.code, Message: ce.msg}
	}
	return &v2.Status{Code: brokerCode(err, v2.Code_INTERNAL_SERVER_ERROR), Message: err.Error()}
}

// brokerCode is the Code of a broker error; other is for errors the
// broker does not classify.
func brokerCode(err error, other v2.Code) v2.Code {
	var he *broker.HandleError
	switch {
	case errors.As(err, &he):
		return v2.Code_INVALID_RECEIPT_HANDLE
	case errors.Is(err, broker.ErrTopicNotExist):
		return v2.Code_TOPIC_NOT_FOUND
	case errors.Is(err, broker.ErrGroupNotExist):
		return v2.Code_CONSUMER_GROUP_NOT_FOUND
	case errors.Is(err, broker.ErrBodyTooLarge):
		return v2.Code_MESSAGE_BODY_TOO_LARGE
	case errors.Is(err, broker.ErrInvalidArgument):
		return v2.Code_BAD_REQUEST
	case errors.Is(err, broker.ErrClosed), errors.Is(err, context.Canceled):
		return v2.Code_INTERNAL_SERVER_ERROR
	case errors.Is(err, context.DeadlineExceeded):
		return v2.Code_PROXY_TIMEOUT
	}
	return other
}
