package fn

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// MessageError marks err as the failure of message m alone. Batch handlers
// return it, or several joined with errors.Join, to fail some messages of
// a batch and not the others. A nil m makes an error of the whole call.
func MessageError(m *event.Message, err error) error {
	if err == nil {
		return nil
	}
	return &messageError{m: m, err: err}
}

type messageError struct {
	m   *event.Message
	err error
}

func (e *messageError) Error() string {
	if e.m == nil {
		return e.err.Error()
	}
	return "message " + e.m.ID + ": " + e.err.Error()
}
func (e *messageError) Unwrap() error { return e.err }

// PanicError is the error of a handler that panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("handler panicked: %v", e.Value) }

// recovered turns a recovered panic value into a *PanicError.
func recovered(v any) error {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// Failure is one failed message of an invocation.
type Failure struct {
	MessageID string `json:"messageId,omitempty"`
	Index     int    `json:"index"`
	Topic     string `json:"topic,omitempty"`
	Tag       string `json:"tag,omitempty"`
	Error     string `json:"error"`
	Stack     string `json:"stack,omitempty"` // for panics
	Err       error  `json:"-"`
	// Message is the failed message; nil for a batch element that did not
	// decode into one.
	Message *event.Message `json:"-"`
}

func newFailure(m *event.Message, err error) Failure {
	f := Failure{MessageID: m.ID, Index: m.Index, Topic: m.Topic, Tag: m.Tag, Error: err.Error(), Err: err, Message: m}
	var pe *PanicError
	if errors.As(err, &pe) {
		f.Stack = string(pe.Stack)
	}
	return f
}

func elementFailure(de *event.DecodeError) Failure {
	return Failure{Index: de.Index, Error: de.Error(), Err: de}
}

// Kinds of invocation errors (InvokeError.Type).
const (
	ErrorMessagesFailed   = "MessagesFailed"
	ErrorMalformedPayload = "MalformedPayload"
	ErrorDeadlineExceeded = "DeadlineExceeded"
)

// InvokeError is the error of a failed invocation. Its JSON form is the
// error body the platforms return, listing every failed message:
//
//	{"errorType":"MessagesFailed","errorMessage":"1 of 3 messages failed",
//	 "requestId":"...","failures":[{"messageId":"...","index":1,"topic":"orders",
//	 "tag":"paid","error":"..."}]}
type InvokeError struct {
	Type      string    `json:"errorType"`
	Message   string    `json:"errorMessage"`
	RequestID string    `json:"requestId,omitempty"`
	Failures  []Failure `json:"failures,omitempty"`
	err       error
}

func (e *InvokeError) Error() string { return e.Message }

// Unwrap returns the errors behind the invocation's failure, so that
// errors.Is and errors.As see them (event.ErrMalformed, *PanicError, ...).
func (e *InvokeError) Unwrap() []error {
	errs := make([]error, 0, len(e.Failures)+1)
	if e.err != nil {
		errs = append(errs, e.err)
	}
	for _, f := range e.Failures {
		if f.Err != nil {
			errs = append(errs, f.Err)
		}
	}
	return errs
}

// JSON returns the error body.
func (e *InvokeError) JSON() []byte {
	b, err := json.Marshal(e)
	if err != nil { // only Failure strings are marshalled: cannot happen
		return []byte(`{"errorType":"` + e.Type + `","errorMessage":` + strconv.Quote(e.Message) + `}`)
	}
	return b
}

func messagesFailed(failures []Failure, total int) *InvokeError {
	msg := strconv.Itoa(len(failures)) + " of " + strconv.Itoa(total) + " messages failed"
	if len(failures) > 0 {
		msg += "; first: " + failures[0].Error
	}
	return &InvokeError{Type: ErrorMessagesFailed, Message: msg, Failures: failures}
}

// joinErrors is errors.Join that keeps a nil result for no errors without
// allocating.
func joinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
