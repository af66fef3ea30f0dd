package event

import (
	"errors"
	"strconv"
	"strings"
)

// ErrMalformed is matched (with errors.Is) by every error that reports a
// payload the decoder cannot accept. Retrying such a payload cannot succeed.
var ErrMalformed = errors.New("malformed payload")

// ErrTooLarge is matched by errors for payloads over the decoder's limits.
var ErrTooLarge = errors.New("payload too large")

// ErrNotEvent is matched, besides ErrMalformed, by the errors of payloads
// and batch elements that hold no event at all: an empty payload, text
// that is not JSON, a JSON scalar, a string that does not hold an event,
// an object with none of an event's members (data, detail, data_base64,
// specversion, topic, body, systemProperties, userProperties, msgId). An
// event with a malformed member, such as data.topic holding an array, is
// malformed but not ErrNotEvent, and so is JSON that breaks off after an
// event's member. This is what tells a payload that EventBridge
// transformed before delivering it (see package fn's raw route) from a
// broken event.
var ErrNotEvent = errors.New("not an event")

// DecodeError reports what is wrong with a payload and where.
type DecodeError struct {
	// Index is the position of the offending element in a batch payload,
	// or -1 when the error concerns the payload as a whole.
	Index int
	// Field is the JSON path of the offending member, such as
	// "data.systemProperties.TAGS", or "" for the value as a whole.
	Field string
	// Offset is the byte offset in the payload where the problem starts.
	// Inside a batch element that is a JSON string holding an event, it is
	// the offset of that string.
	Offset   int
	Msg      string
	tooBig   bool
	notEvent bool
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("decode payload: ")
	if e.Index >= 0 {
		b.WriteString("element ")
		b.WriteString(strconv.Itoa(e.Index))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteByte(' ')
	}
	b.WriteString("at byte ")
	b.WriteString(strconv.Itoa(e.Offset))
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Is makes every DecodeError match ErrMalformed, size errors ErrTooLarge
// and errors about input that holds no event ErrNotEvent.
func (e *DecodeError) Is(target error) bool {
	return target == ErrMalformed || (e.tooBig && target == ErrTooLarge) || (e.notEvent && target == ErrNotEvent)
}
