package fn

import (
	"context"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// A BatchHandler handles all the messages of an invocation that its route
// matches, in one call, in payload order.
//
// An error fails every message of the call, unless it is, or joins
// (errors.Join), errors made by MessageError: then exactly the messages
// those name have failed.
type BatchHandler interface {
	HandleBatch(ctx context.Context, msgs []*event.Message) (any, error)
}

// BatchFunc adapts a function to a BatchHandler.
type BatchFunc func(ctx context.Context, msgs []*event.Message) (any, error)

// HandleBatch calls f(ctx, msgs).
func (f BatchFunc) HandleBatch(ctx context.Context, msgs []*event.Message) (any, error) {
	return f(ctx, msgs)
}

// TypedBatch returns a BatchHandler that decodes every body into a T and
// calls f once with the values, in payload order. Messages whose bodies do
// not decode fail on their own and are left out of the call.
func TypedBatch[T any](f func(ctx context.Context, vs []T) error) BatchHandler {
	dec := decoderFor[T]()
	return BatchFunc(func(ctx context.Context, msgs []*event.Message) (any, error) {
		vs := make([]T, 0, len(msgs))
		var bad []error
		for _, m := range msgs {
			var v T
			if err := dec(m, &v); err != nil {
				bad = append(bad, MessageError(m, err))
				continue
			}
			vs = append(vs, v)
		}
		if len(vs) > 0 {
			if err := f(ctx, vs); err != nil {
				return nil, err
			}
		}
		return nil, joinErrors(bad)
	})
}
