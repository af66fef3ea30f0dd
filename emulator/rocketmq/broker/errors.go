package broker

import (
	"errors"
	"fmt"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Sentinel errors. Errors returned by the Broker wrap them with details and
// are compared with errors.Is.
var (
	// ErrTopicNotExist: a strict broker does not know the topic.
	ErrTopicNotExist = errors.New("broker: topic does not exist")
	// ErrGroupNotExist: a strict broker does not know the group.
	ErrGroupNotExist = errors.New("broker: group does not exist")
	// ErrInvalidArgument: a name, property, tag, limit or time is invalid.
	ErrInvalidArgument = errors.New("broker: invalid argument")
	// ErrBodyTooLarge: the message body exceeds Config.MaxBodySize.
	ErrBodyTooLarge = errors.New("broker: message body too large")
	// ErrClosed: the broker, or its store, has been closed.
	ErrClosed = errors.New("broker: closed")
)

// Codes of a HandleError.
const (
	// CodeReceiptHandleError: the handle is malformed, or belongs to
	// another topic, group or kind of message.
	CodeReceiptHandleError = "ReceiptHandleError"
	// CodeMessageNotExist: the handle was valid but has expired, was
	// already used, or was superseded by a later delivery.
	CodeMessageNotExist = "MessageNotExist"
)

// HandleError reports why one receipt handle was refused. Ack returns one
// per refused handle; Commit and Rollback return it as their error.
type HandleError struct {
	Handle  string // the handle as received
	Code    string // CodeReceiptHandleError or CodeMessageNotExist
	Message string // what was wrong
}

// Error describes the refused handle, abbreviated when long.
func (e *HandleError) Error() string {
	h := e.Handle
	if len(h) > 64 {
		h = h[:64] + "..."
	}
	return fmt.Sprintf("broker: receipt handle %q: %s: %s", h, e.Code, e.Message)
}

// handleErr builds a HandleError.
func handleErr(h, code, format string, args ...any) *HandleError {
	return &HandleError{Handle: h, Code: code, Message: fmt.Sprintf(format, args...)}
}

// invalid wraps ErrInvalidArgument with a description.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidArgument, fmt.Sprintf(format, args...))
}

// storeErr maps an error of the store, naming the operation; a closed
// store reads as ErrClosed.
func storeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, kv.ErrClosed) {
		return fmt.Errorf("%w: %s: %v", ErrClosed, op, err)
	}
	return fmt.Errorf("broker: %s: %w", op, err)
}
