package fn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

// ErrNoRoute is the error of a message that no route takes.
var ErrNoRoute = errors.New("no handler for the message")

// Invoke handles one invocation payload: it decodes the messages, routes
// each to its handler, and returns the response body, or an *InvokeError
// listing every failed message. It is the function each platform calls
// with the payload bytes it received, and the one tests call with captured
// payloads.
//
// When ctx has a deadline, Invoke returns by the deadline even if a handler
// does not: the invocation then fails with ErrorDeadlineExceeded.
//
// A payload that is not an event goes to the raw route (HandleRaw) when
// there is one, with a copy of its bytes; without one, it fails the
// invocation with ErrorMalformedPayload, as malformed payloads do.
func (a *App) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	a.seal()
	start := a.now()
	if a.rows != nil && rowchange.IsPayload(payload) {
		return a.invokeRows(ctx, start, payload)
	}
	p, err := a.cfg.decoder.Decode(payload)
	if a.raw != nil && notEvent(p, err) {
		return a.invokeRaw(ctx, start, bytes.Clone(payload))
	}
	return a.finish(ctx, start, p, err)
}

// invokeOwned is Invoke for a payload buffer the caller gives up.
func (a *App) invokeOwned(ctx context.Context, buf []byte) ([]byte, error) {
	a.seal()
	if a.raw != nil {
		// DecodeOwned unescapes strings in buf, and a payload that is not
		// an event must reach the raw route as it came: decode a copy.
		return a.Invoke(ctx, buf)
	}
	start := a.now()
	if a.rows != nil && rowchange.IsPayload(buf) {
		return a.invokeRows(ctx, start, buf)
	}
	p, err := a.cfg.decoder.DecodeOwned(buf)
	return a.finish(ctx, start, p, err)
}

func (a *App) finish(ctx context.Context, start time.Time, p event.Payload, decodeErr error) ([]byte, error) {
	if decodeErr != nil {
		ierr := &InvokeError{Type: ErrorMalformedPayload, Message: decodeErr.Error(), err: decodeErr}
		a.cfg.logger.LogAttrs(ctx, slog.LevelError, "malformed payload", slog.String("error", decodeErr.Error()))
		return a.done(ctx, start, nil, ierr, 0, 0)
	}
	out, ierr, failed := a.process(ctx, &p, a.handleAll)
	return a.done(ctx, start, out, ierr, len(p.Messages)+len(p.Failed), failed)
}

// done completes an invocation of n messages, failed of which failed: it
// names the request in ierr and reports the outcome to the hooks.
func (a *App) done(ctx context.Context, start time.Time, out []byte, ierr *InvokeError, n, failed int) ([]byte, error) {
	var err error
	if ierr != nil {
		if inv, ok := FromContext(ctx); ok {
			ierr.RequestID = inv.RequestID
		}
		err = ierr
	}
	if h := a.cfg.hooks.InvocationDone; h != nil {
		stats := Stats{Messages: n, Failed: failed, Duration: time.Since(start), Err: err}
		a.callHook(ctx, "InvocationDone", func() { h(ctx, stats) })
	}
	return out, err
}

// callHook calls a hook of the user's, logging instead of spreading a panic:
// a metrics hook must not take an invocation, or the process, down.
func (a *App) callHook(ctx context.Context, name string, f func()) {
	defer func() {
		if v := recover(); v != nil {
			a.cfg.logger.LogAttrs(ctx, slog.LevelError, "hook panicked", slog.String("hook", name),
				slog.String("error", recovered(v).Error()))
		}
	}()
	f()
}

// now returns the time when something will read it, and saves the clock
// read otherwise.
func (a *App) now() time.Time {
	if a.cfg.hooks.InvocationDone == nil {
		return time.Time{}
	}
	return time.Now()
}

// run is the state of one invocation's handling.
type run struct {
	p        *event.Payload
	results  []any   // by payload position (Message.Index); nil until a handler returns a result
	errs     []error // by payload position; nil until a message fails
	batchOut any     // result of a BatchHandler that took the whole payload
	calls    int     // handler calls that may produce a result
	timedOut bool
}

// size is the number of payload positions: messages and failed elements.
func (r *run) size() int { return len(r.p.Messages) + len(r.p.Failed) }

// process handles the decoded messages, on this goroutine, or, when ctx has
// a deadline, on another one so that Invoke can return at the deadline.
func (a *App) process(ctx context.Context, p *event.Payload, handle func(context.Context, *run)) ([]byte, *InvokeError, int) {
	if _, ok := ctx.Deadline(); ok {
		return a.outcome(ctx, a.runWithDeadline(ctx, p, handle))
	}
	r := run{p: p}
	handle(ctx, &r)
	return a.outcome(ctx, &r)
}

func (a *App) runWithDeadline(ctx context.Context, p *event.Payload, handle func(context.Context, *run)) *run {
	r := &run{p: p}
	finished := make(chan *run, 1)
	go func() {
		handle(ctx, r)
		finished <- r
	}()
	select {
	case r := <-finished:
		return r.deadlineHit(ctx)
	case <-ctx.Done():
	}
	// The handlers are still running and own r; report from a snapshot.
	select {
	case r := <-finished: // they finished just in time
		return r.deadlineHit(ctx)
	default:
	}
	timeout := &run{p: p, timedOut: true}
	err := fmt.Errorf("invocation deadline exceeded before every message was handled: %w", context.Cause(ctx))
	for i := range p.Messages {
		timeout.fail(&p.Messages[i], err)
	}
	return timeout
}

// deadlineHit marks a run that finished as the deadline passed, with a
// message failed by it, as timed out: the outcome must not depend on which
// happened first.
func (r *run) deadlineHit(ctx context.Context) *run {
	if ctx.Err() == nil {
		return r
	}
	for _, err := range r.errs {
		if errors.Is(err, context.DeadlineExceeded) {
			r.timedOut = true
			break
		}
	}
	return r
}

// dispatchAll routes the messages and calls their handlers.
func (a *App) dispatchAll(ctx context.Context, r *run) {
	msgs := r.p.Messages
	concurrent := a.cfg.concurrency > 1 && len(msgs) > 1
	var routes []*route // for concurrent handling
	if concurrent {
		routes = make([]*route, len(msgs))
	}
	var batches map[*route][]*event.Message
	var order []*route
	for i := range msgs {
		m := &msgs[i]
		rt := a.route(m)
		switch {
		case rt == nil:
			r.fail(m, fmt.Errorf("%w: topic %q, tag %q", ErrNoRoute, m.Topic, m.Tag))
		case rt.batch != nil:
			if batches == nil {
				batches = make(map[*route][]*event.Message)
			}
			if batches[rt] == nil {
				order = append(order, rt)
			}
			batches[rt] = append(batches[rt], m)
		case concurrent:
			routes[i] = rt
		default:
			r.calls++
			res, err := a.handleOne(ctx, m, rt.handler)
			r.record(m, res, err)
		}
	}
	if concurrent {
		a.handleConcurrently(ctx, r, routes)
	}
	for _, rt := range order {
		a.handleBatch(ctx, r, rt.batch, batches[rt])
	}
}

func (a *App) route(m *event.Message) *route {
	for i := range a.routes {
		if a.routes[i].match(m) {
			return &a.routes[i]
		}
	}
	return nil
}

func (r *run) fail(m *event.Message, err error) {
	if r.errs == nil {
		r.errs = make([]error, r.size())
	}
	r.errs[m.Index] = err
}

func (r *run) record(m *event.Message, res any, err error) {
	switch {
	case err != nil:
		r.fail(m, err)
	case res != nil:
		if r.results == nil {
			r.results = make([]any, r.size())
		}
		r.results[m.Index] = res
	}
}

// handleOne calls h for m, recovering a panic into a *PanicError.
func (a *App) handleOne(ctx context.Context, m *event.Message, h Handler) (res any, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("not handled: %w", context.Cause(ctx))
	}
	var start time.Time
	if a.cfg.hooks.MessageDone != nil {
		start = time.Now()
	}
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, recovered(v)
		}
		if a.cfg.hooks.MessageDone != nil {
			a.callHook(ctx, "MessageDone", func() { a.cfg.hooks.MessageDone(ctx, m, time.Since(start), err) })
		}
	}()
	return h.Handle(&withMessage{Context: ctx, m: m}, m)
}

// handleBatch calls a BatchHandler and sorts its error out per message.
func (a *App) handleBatch(ctx context.Context, r *run, h BatchHandler, msgs []*event.Message) {
	r.calls++
	res, err := a.callBatch(ctx, h, msgs)
	if err == nil {
		if len(msgs) == len(r.p.Messages) {
			r.batchOut = res
		}
		return
	}
	failMessages(r, msgs, err)
}

// failMessages fails the messages of one handler or committer call by its
// error: those that errors made by MessageError name with their errors,
// all the others with the rest of err, if any.
func failMessages(r *run, msgs []*event.Message, err error) {
	own, general := splitMessageErrors(err, msgs)
	for i, m := range msgs {
		switch {
		case own[i] != nil:
			r.fail(m, own[i])
		case general != nil:
			r.fail(m, general)
		}
	}
}

func (a *App) callBatch(ctx context.Context, h BatchHandler, msgs []*event.Message) (res any, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("not handled: %w", context.Cause(ctx))
	}
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, recovered(v)
		}
	}()
	return h.HandleBatch(ctx, msgs)
}

// splitMessageErrors separates the errors made by MessageError, by the
// position in msgs of the message each names, from the rest, which apply
// to every message of the call. A MessageError names a message of msgs
// when it points to it, or to a copy of it: the same payload position
// (Index) and ID. One that names no message of msgs joins the rest, so
// that an error is never dropped.
func splitMessageErrors(err error, msgs []*event.Message) ([]error, error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	own := make([]error, len(msgs))
	var rest []error
	var byIndex map[int]int // Message.Index -> position in msgs, made on the first MessageError
	for _, e := range errs {
		var me *messageError
		if !errors.As(e, &me) || me.m == nil {
			rest = append(rest, e)
			continue
		}
		if byIndex == nil {
			byIndex = make(map[int]int, len(msgs))
			for i, m := range msgs {
				byIndex[m.Index] = i
			}
		}
		i, ok := byIndex[me.m.Index]
		if !ok || (msgs[i] != me.m && msgs[i].ID != me.m.ID) {
			rest = append(rest, fmt.Errorf("%w (the message is not one of this call's)", e))
			continue
		}
		if own[i] == nil {
			own[i] = me.err
		} else {
			own[i] = errors.Join(own[i], me.err)
		}
	}
	return own, joinErrors(rest)
}
