package fcinvoker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// logSettle bounds how long a call waits, after the answer, for the
// request's End marker to come through the output pipe, so that Logs has
// every line once Invoke returns. Functions that write no markers pay it
// on every call.
const logSettle = 100 * time.Millisecond

var errTimedOut = errors.New("function timeout")

// Invoke sends payload to POST /invoke of an instance, as FC does for a
// synchronous invocation, under requestID (a new one when empty). It
// waits for a free slot, starting an instance if there is room, while ctx
// allows.
//
// Failures of the function are reported in the Result, not as errors. The
// error is for what kept the invocation from being made: ctx done before
// the answer, the invoker closed (ErrClosed), or an instance that did not
// start (*StartError; the Result then also says ErrorNotStarted).
func (i *Invoker) Invoke(ctx context.Context, payload []byte, requestID string) (Result, error) {
	if err := checkRequestID(requestID); err != nil {
		return Result{RequestID: requestID}, i.invokeError(strconv.Quote(requestID), err)
	}
	if requestID == "" {
		requestID = newRequestID()
	}
	res := Result{RequestID: requestID}
	inst, err := i.acquire(ctx)
	if err != nil {
		return res, i.invokeError(requestID, err)
	}
	defer inst.gen.pool.release(inst)
	select {
	case <-inst.ready:
	case <-ctx.Done():
		return res, i.invokeError(requestID, ctx.Err())
	}
	i.invocations.Add(1)
	if inst.bootErr != nil {
		return i.bootFailure(inst, res)
	}
	res, err = i.invoke(ctx, inst, payload, res)
	if res.Failed {
		i.failures.Add(1)
	}
	return res, err
}

// acquire takes a slot of the current generation. A generation retired
// by Reload while the invocation waited sends it to the next one.
func (i *Invoker) acquire(ctx context.Context) (*instance, error) {
	for {
		inst, err := i.current().pool.acquire(ctx)
		if !errors.Is(err, errRetired) {
			return inst, err
		}
	}
}

func (i *Invoker) invokeError(requestID string, err error) error {
	return fmt.Errorf("fcinvoker: invoke function %q, request %s: %w", i.f.Name, requestID, err)
}

// bootFailure fails an invocation whose instance did not start or
// initialize, noting why in the request's log.
func (i *Invoker) bootFailure(inst *instance, res Result) (Result, error) {
	i.failures.Add(1)
	res.Failed, res.ErrorType = true, inst.bootType
	i.logs.add(res.RequestID, inst.bootErr.Error())
	if inst.bootType == ErrorNotStarted {
		return res, inst.bootErr
	}
	return res, nil
}

// invoke makes the call on a started instance and judges its outcome.
func (i *Invoker) invoke(ctx context.Context, inst *instance, payload []byte, res Result) (Result, error) {
	ended := inst.out.expect(res.RequestID)
	defer i.settle(inst, res.RequestID, ended)
	r := i.call(ctx, inst, http.MethodPost, "/invoke", res.RequestID, payload, i.f.Timeout)
	res.Status, res.Body, res.Duration = r.status, r.body, r.duration
	switch {
	case r.timedOut:
		i.timeouts.Add(1)
		i.lose(inst, fmt.Sprintf("request %s timed out after %s", res.RequestID, i.f.Timeout), false)
		res.ErrorType = ErrorTimedOut
	case r.err != nil && ctx.Err() != nil:
		return res, i.invokeError(res.RequestID, ctx.Err())
	case r.err != nil:
		i.lose(inst, fmt.Sprintf("request %s got no answer: %v", res.RequestID, r.err), true)
		res.ErrorType = ErrorCrashed
	case r.tooLarge:
		res.ErrorType = ErrorResponseTooLarge
	case r.failed():
		res.ErrorType = ErrorUnhandled
	}
	res.Failed = res.ErrorType != ""
	if res.Failed {
		i.logger.Warn("invocation failed", slog.String("request_id", res.RequestID), slog.String("instance", inst.id),
			slog.String("error_type", res.ErrorType), slog.Int("status", res.Status))
	}
	return res, nil
}

// reply is what came back from one call.
type reply struct {
	status   int
	header   http.Header
	body     []byte
	duration time.Duration
	err      error // no complete answer
	timedOut bool  // no answer within the call's timeout
	tooLarge bool  // answer over MaxResponse
}

// failed reports an answer that is not a success: a status other than
// 2xx, or an x-fc-status other than 200.
func (r reply) failed() bool {
	fc := r.header.Get("x-fc-status")
	return r.status < 200 || r.status > 299 || (fc != "" && fc != "200")
}

// call sends one request to inst and waits for its answer, at most
// timeout. A call that lasts timeout or longer has timed out, even when
// an answer came as the time ran out.
func (i *Invoker) call(ctx context.Context, inst *instance, method, path, requestID string, body []byte, timeout time.Duration) reply {
	cctx, cancel := context.WithTimeoutCause(ctx, timeout, errTimedOut)
	defer cancel()
	start := time.Now()
	r := i.roundTrip(cctx, inst, method, path, requestID, body, timeout)
	r.duration = time.Since(start)
	r.timedOut = ctx.Err() == nil && (r.duration >= timeout || errors.Is(context.Cause(cctx), errTimedOut))
	return r
}

func (i *Invoker) roundTrip(ctx context.Context, inst *instance, method, path, requestID string, body []byte, timeout time.Duration) reply {
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+inst.addr+path, rd)
	if err != nil {
		return reply{err: err}
	}
	i.setHeaders(req.Header, inst, requestID, path, timeout)
	resp, err := i.client.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	r := reply{status: resp.StatusCode, header: resp.Header, body: b, err: err}
	if len(b) > MaxResponse {
		r.body, r.tooLarge = nil, true
	}
	return r
}

// settle waits, at most logSettle, for the End marker of requestID, so
// that its log is complete, then stops expecting it.
func (i *Invoker) settle(inst *instance, requestID string, ended <-chan struct{}) {
	t := time.NewTimer(logSettle)
	defer t.Stop()
	select {
	case <-ended:
	case <-inst.out.done:
	case <-t.C:
	}
	inst.out.forget(requestID)
}

// initialize runs the initializer hook of inst: POST /initialize, once,
// before its first invocation.
func (i *Invoker) initialize(inst *instance) error {
	if err := i.hook(inst.gen.ctx, inst, http.MethodPost, "/initialize", i.f.InitializationTimeout); err != nil {
		return fmt.Errorf("fcinvoker: function %q instance %s: initializer: %w", i.f.Name, inst.id, err)
	}
	return nil
}

// preStop runs the preStop hook of inst, GET /pre-stop, and logs how it
// went: the instance stops either way, as on FC.
func (i *Invoker) preStop(ctx context.Context, inst *instance) {
	if err := i.hook(ctx, inst, http.MethodGet, "/pre-stop", i.f.PreStopTimeout); err != nil {
		i.logger.Warn("preStop hook failed", slog.String("instance", inst.id), slog.Any("error", err))
	}
}

// hook calls a lifecycle hook of inst under a request ID of its own, whose
// log is kept like an invocation's.
func (i *Invoker) hook(ctx context.Context, inst *instance, method, path string, timeout time.Duration) error {
	id := newRequestID()
	ended := inst.out.expect(id)
	defer i.settle(inst, id, ended)
	r := i.call(ctx, inst, method, path, id, nil, timeout)
	switch {
	case r.timedOut:
		return fmt.Errorf("%s %s, request %s: timed out after %s", method, path, id, timeout)
	case r.err != nil:
		return fmt.Errorf("%s %s, request %s: %w", method, path, id, r.err)
	case r.tooLarge || r.failed():
		return fmt.Errorf("%s %s, request %s: status %d: %s", method, path, id, r.status, bytes.TrimSpace(r.body))
	}
	return nil
}

// maxRequestIDLen bounds a caller's request ID.
const maxRequestIDLen = 256

// checkRequestID refuses request IDs that could not be told apart in the
// function's log: control characters (a newline would forge the marker
// lines that attribute log lines to requests) and very long ones.
func checkRequestID(id string) error {
	if len(id) > maxRequestIDLen {
		return fmt.Errorf("request ID of %d bytes is longer than %d", len(id), maxRequestIDLen)
	}
	for _, r := range id {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return fmt.Errorf("request ID %q has a control character or invalid UTF-8: use printable characters", id)
		}
	}
	return nil
}
