package rocketmq

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Error codes the server answers with, as the service names them.
const (
	CodeMessageNotExist       = "MessageNotExist"
	CodeReceiptHandleError    = "ReceiptHandleError"
	CodeMissingReceiptHandle  = "MissingReceiptHandle"
	CodeInvalidArgument       = "InvalidArgument"
	CodeMalformedXML          = "MalformedXML"
	CodeMessageBodyTooLarge   = "MessageBodyTooLarge"
	CodeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	CodeInvalidAccessKeyID    = "InvalidAccessKeyId"
	CodeAccessDenied          = "AccessDenied"
	CodeInvalidDigest         = "InvalidDigest"
	CodeMissingDateHeader     = "MissingDateHeader"
	CodeInvalidDateHeader     = "InvalidDateHeader"
	CodeTimeExpired           = "TimeExpired"
	CodeTopicNotExist         = "TopicNotExist"
	CodeGroupNotExist         = "SubscriptionNotExist"
	CodeMethodNotAllowed      = "MethodNotAllowed"
	CodeResourceNotFound      = "ResourceNotFound"
	CodeTooManyRequests       = "TooManyRequests"
	CodeInternalError         = "InternalError"
)

var statusOf = map[string]int{
	CodeMessageNotExist:       http.StatusNotFound,
	CodeReceiptHandleError:    http.StatusBadRequest,
	CodeMissingReceiptHandle:  http.StatusBadRequest,
	CodeInvalidArgument:       http.StatusBadRequest,
	CodeMalformedXML:          http.StatusBadRequest,
	CodeMessageBodyTooLarge:   http.StatusBadRequest,
	CodeSignatureDoesNotMatch: http.StatusForbidden,
	CodeInvalidAccessKeyID:    http.StatusForbidden,
	CodeAccessDenied:          http.StatusForbidden,
	CodeInvalidDigest:         http.StatusBadRequest,
	CodeMissingDateHeader:     http.StatusBadRequest,
	CodeInvalidDateHeader:     http.StatusBadRequest,
	CodeTimeExpired:           http.StatusRequestTimeout,
	CodeTopicNotExist:         http.StatusNotFound,
	CodeGroupNotExist:         http.StatusNotFound,
	CodeMethodNotAllowed:      http.StatusMethodNotAllowed,
	CodeResourceNotFound:      http.StatusNotFound,
	CodeTooManyRequests:       http.StatusTooManyRequests,
	CodeInternalError:         http.StatusInternalServerError,
}

// Error is an MQ error: a code and a message, answered as an <Error>
// document with the service's status for the code.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func (e *Error) status() int {
	if s, ok := statusOf[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func errorf(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// errorDoc is the body of an error answer.
type errorDoc struct {
	XMLName   xml.Name `xml:"Error"`
	Xmlns     string   `xml:"xmlns,attr"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

// fromBroker maps a broker error to the service's code.
func fromBroker(err error) *Error {
	var he *broker.HandleError
	switch {
	case errors.As(err, &he):
		return errorf(he.Code, he.Message)
	case errors.Is(err, broker.ErrTopicNotExist):
		return errorf(CodeTopicNotExist, err.Error())
	case errors.Is(err, broker.ErrGroupNotExist):
		return errorf(CodeGroupNotExist, err.Error())
	case errors.Is(err, broker.ErrBodyTooLarge):
		return errorf(CodeMessageBodyTooLarge, err.Error())
	case errors.Is(err, broker.ErrInvalidArgument):
		return errorf(CodeInvalidArgument, err.Error())
	}
	return errorf(CodeInternalError, err.Error())
}
