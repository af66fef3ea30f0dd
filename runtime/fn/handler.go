package fn

import (
	"bytes"
	"context"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/internal/bind"
)

// A Handler handles one message.
//
// Handle returns the message's result, which becomes part of the
// invocation's response (nil for none), and an error when the message
// failed. A Handler may be called concurrently for different messages when
// the App allows concurrency, but never concurrently for two messages with
// the same sharding key.
type Handler interface {
	Handle(ctx context.Context, m *event.Message) (any, error)
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, m *event.Message) (any, error)

// Handle calls f(ctx, m).
func (f HandlerFunc) Handle(ctx context.Context, m *event.Message) (any, error) { return f(ctx, m) }

// Typed returns a Handler that decodes each message body into a T and
// calls f. Bodies decode as JSON exactly as event.Message.DecodeJSON
// decodes them (the same decoder: the same values and errors, and the
// same base64 fallback); a T of type string or []byte receives the body as
// it is. A body that does not decode fails its message with a
// *event.BodyError that names the field.
//
// The value f receives is its own: its strings, json.RawMessage, []byte
// and interface values never point into the payload, and a T of type
// string or []byte is a copy of the body. So f may keep the value, or any
// part of it, after the invocation without keeping the payload alive. The
// message, by contrast, is a view of the payload (see event.Message).
func Typed[T any](f func(ctx context.Context, v T) error) Handler {
	dec := decoderFor[T]()
	return typedFunc[T](func(ctx context.Context, m *event.Message) (any, error) {
		var v T
		if err := dec(m, &v); err != nil {
			return nil, err
		}
		return nil, f(ctx, v)
	})
}

// TypedMessage is Typed for functions that also want the message: its ID,
// tag, keys, properties or CloudEvent attributes. The value is decoded as
// by Typed and is f's own; the message shares the payload, so copy what
// of it f keeps.
func TypedMessage[T any](f func(ctx context.Context, v T, m *event.Message) error) Handler {
	dec := decoderFor[T]()
	return typedFunc[T](func(ctx context.Context, m *event.Message) (any, error) {
		var v T
		if err := dec(m, &v); err != nil {
			return nil, err
		}
		return nil, f(ctx, v, m)
	})
}

// TypedResult is Typed for functions that return a result. The results of
// an invocation's messages make up its response: the result itself for a
// single-event payload, a JSON array of them for a batch. The value is
// decoded as by Typed.
func TypedResult[T, R any](f func(ctx context.Context, v T) (R, error)) Handler {
	dec := decoderFor[T]()
	return typedFunc[T](func(ctx context.Context, m *event.Message) (any, error) {
		var v T
		if err := dec(m, &v); err != nil {
			return nil, err
		}
		r, err := f(ctx, v)
		if err != nil {
			return nil, err
		}
		return r, nil
	})
}

// decoderFor picks, once per handler, how bodies become a T: the text or a
// copy of the body for string and []byte, else the body decoded by the
// plan bind.For[T], which is the one Message.DecodeJSON uses for a *T.
// Decoded values never point into the body.
func decoderFor[T any]() func(*event.Message, *T) error {
	var zero T
	switch any(zero).(type) {
	case string:
		return func(m *event.Message, v *T) error {
			*any(v).(*string) = m.Text()
			return nil
		}
	case []byte:
		return func(m *event.Message, v *T) error {
			*any(v).(*[]byte) = bytes.Clone(m.Body)
			return nil
		}
	}
	plan := bind.For[T]()
	return func(m *event.Message, v *T) error {
		return m.DecodeBody(func(data []byte) error { return plan.Decode(data, v) })
	}
}
