package fn

import (
	"context"
	"errors"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// A BatchHandler handles all the messages of an invocation that its route
// matches, in one call, in payload order.
//
// An error fails every message of the call, unless it is, or joins
// (errors.Join), errors made by MessageError: then exactly the messages
// those name have failed. A MessageError names a message by its position
// in the payload (Message.Index) and its ID, so a copy of a Message names
// it too; one that names a message not in the call fails every message of
// the call, as an error that cannot be attributed must.
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
	return typedBatchFunc[T](func(ctx context.Context, msgs []*event.Message) (any, error) {
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

// An Item is one message of a batch that TypedItems handles: the value
// its body decoded into and the message itself. Fail it to fail its
// message alone.
type Item[T any] struct {
	Value   T
	Message *event.Message
	err     error
}

// errItemFailed is the error of an item failed with Fail(nil).
var errItemFailed = errors.New("item failed")

// Fail fails the item's message alone, with err (a generic error when err
// is nil): the other items of the batch are not affected. Work deferred
// for it through Context, such as package store's writes, is
// dropped. The failure is reported in the invocation's InvokeError with
// the message's ID and position, and, unless a failure handler
// (WithFailureHandler) takes it, fails the invocation: EventBridge
// retries the whole invocation, so the items that succeeded are handled
// again and must be idempotent.
func (it *Item[T]) Fail(err error) {
	if err == nil {
		err = errItemFailed
	}
	it.err = err
}

// Err returns the error the item was failed with, or nil.
func (it *Item[T]) Err() error { return it.err }

// Context returns ctx with the work done in it attributed to the item's
// message (MessageContext): writes made through package store's DB
// in it succeed or fail with the item, and are dropped when it fails.
func (it *Item[T]) Context(ctx context.Context) context.Context {
	return MessageContext(ctx, it.Message)
}

// TypedItems returns a BatchHandler that decodes every body into a T and
// calls f once with the items, in payload order, for per-item outcomes
// (partial batch failure, as Powertools' batch processing offers on
// Lambda): f fails an item with Item.Fail. An error f returns fails every
// item that it did not fail with an error of its own. Messages whose
// bodies do not decode fail on their own and are left out of the call.
//
//	app.HandleBatch("scores", "*", fn.TypedItems(func(ctx context.Context, items []*fn.Item[Score]) error {
//		for _, it := range items {
//			if err := scores.Put(it.Context(ctx), it.Value); err != nil {
//				it.Fail(err)
//			}
//		}
//		return nil
//	}))
func TypedItems[T any](f func(ctx context.Context, items []*Item[T]) error) BatchHandler {
	dec := decoderFor[T]()
	return typedItemsFunc[T](func(ctx context.Context, msgs []*event.Message) (any, error) {
		store := make([]Item[T], len(msgs))
		items := make([]*Item[T], 0, len(msgs))
		var errs []error
		for i, m := range msgs {
			it := &store[i]
			it.Message = m
			if err := dec(m, &it.Value); err != nil {
				errs = append(errs, MessageError(m, err))
				continue
			}
			items = append(items, it)
		}
		if len(items) > 0 {
			if err := f(ctx, items); err != nil {
				errs = append(errs, err)
			}
		}
		for _, it := range items {
			if it.err != nil {
				errs = append(errs, MessageError(it.Message, it.err))
			}
		}
		return nil, joinErrors(errs)
	})
}
