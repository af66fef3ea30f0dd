package fn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// A RawHandler handles a payload that is not an event (see App.HandleRaw
// and "Raw payloads" in the package documentation). It gets a copy of the
// payload's bytes, which it may keep, and a context carrying the
// invocation (FromContext: request ID, function, credentials, deadline).
//
// HandleRaw returns the response body's value, encoded as JSON (nil for
// none), and an error when the payload failed: the invocation then fails
// as it does for a message, with an *InvokeError listing one failure.
type RawHandler interface {
	HandleRaw(ctx context.Context, payload []byte) (any, error)
}

// RawFunc adapts a function to a RawHandler.
type RawFunc func(ctx context.Context, payload []byte) (any, error)

// HandleRaw calls f(ctx, payload).
func (f RawFunc) HandleRaw(ctx context.Context, payload []byte) (any, error) { return f(ctx, payload) }

// RawTyped returns a RawHandler that decodes the payload into a T, as Typed
// decodes a message body, and calls f: JSON (or base64 of JSON) into a
// struct, map or slice; the text as it is into a string or []byte. A
// payload that does not decode fails with an error naming the field.
func RawTyped[T any](f func(ctx context.Context, v T) error) RawHandler {
	dec := decoderFor[T]()
	return rawTypedFunc[T](func(ctx context.Context, payload []byte) (any, error) {
		var v T
		m := event.Message{Body: payload, BodyKind: event.String}
		if err := dec(&m, &v); err != nil {
			var be *event.BodyError
			if errors.As(err, &be) {
				err = be.Err
			}
			return nil, fmt.Errorf("raw payload: %w", err)
		}
		return nil, f(ctx, v)
	})
}

// rawRoute is a RawHandler as the Handler of the message a raw payload is
// handled as, so that middleware and hooks apply to it as to messages.
type rawRoute struct{ h RawHandler }

func (r rawRoute) Handle(ctx context.Context, m *event.Message) (any, error) {
	return r.h.HandleRaw(ctx, m.Body)
}

// notEvent reports whether a decoded payload is for the raw route: the
// decoder found no event in it (event.ErrNotEvent), or it is a JSON array
// none of whose elements is an event, the empty array included.
func notEvent(p event.Payload, err error) bool {
	if err != nil {
		return errors.Is(err, event.ErrNotEvent)
	}
	if !p.Batch || len(p.Messages) > 0 {
		return false
	}
	for _, f := range p.Failed {
		if !errors.Is(f, event.ErrNotEvent) {
			return false
		}
	}
	return true
}

// invokeRaw handles payload, a copy the App owns, with the raw route. It
// is handled as one message whose body is the payload, with no ID, topic
// or tag: its outcome is reported as a single message's.
func (a *App) invokeRaw(ctx context.Context, start time.Time, payload []byte) ([]byte, error) {
	p := &event.Payload{Messages: []event.Message{{Body: payload, BodyKind: event.String}}}
	out, ierr, failed := a.outcome(ctx, a.runRaw(ctx, p))
	return a.done(ctx, start, out, ierr, 1, failed)
}

// runRaw calls the raw route on this goroutine or, when ctx has a deadline,
// on another one, so that the invocation can end at the deadline.
func (a *App) runRaw(ctx context.Context, p *event.Payload) *run {
	r := &run{p: p}
	if _, ok := ctx.Deadline(); !ok {
		a.handleRaw(ctx, r)
		return r
	}
	finished := make(chan struct{})
	go func() {
		a.handleRaw(ctx, r)
		close(finished)
	}()
	select {
	case <-finished:
		return r.deadlineHit(ctx)
	case <-ctx.Done():
	}
	select {
	case <-finished: // it finished just in time
		return r.deadlineHit(ctx)
	default:
	}
	timeout := &run{p: p, timedOut: true}
	timeout.fail(&p.Messages[0], fmt.Errorf("invocation deadline exceeded before the payload was handled: %w", context.Cause(ctx)))
	return timeout
}

// handleRaw calls the raw route between the committers' Begins and
// Commits, as handleAll does for messages.
func (a *App) handleRaw(ctx context.Context, r *run) {
	cs := a.cfg.committers
	for _, c := range cs {
		ctx = c.Begin(ctx)
	}
	m := &r.p.Messages[0]
	r.calls++
	res, err := a.handleOne(ctx, m, a.raw)
	r.record(m, res, err)
	for _, c := range cs {
		a.commit(ctx, r, c)
	}
}
