package fn

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// outcome turns a run into the response body or the invocation error, and
// the number of failed messages.
func (a *App) outcome(ctx context.Context, r *run) ([]byte, *InvokeError, int) {
	n := r.size()
	failures := r.failures()
	failed := len(failures)
	for _, f := range failures {
		a.logFailure(ctx, f)
	}
	if r.timedOut {
		return nil, &InvokeError{Type: ErrorDeadlineExceeded, Failures: failures,
			Message: "invocation deadline exceeded with " + strconv.Itoa(n) + " messages"}, failed
	}
	if len(failures) > 0 && a.cfg.onFailure != nil {
		failures = a.report(ctx, failures)
	}
	if len(failures) > 0 {
		return nil, messagesFailed(failures, n), failed
	}
	out, err := r.response()
	if err != nil {
		return nil, &InvokeError{Type: ErrorMessagesFailed, Message: err.Error(), err: err}, failed
	}
	return out, nil, failed
}

// failures lists the failed messages and elements in payload order.
func (r *run) failures() []Failure {
	if r.errs == nil && len(r.p.Failed) == 0 {
		return nil
	}
	byPos := make([]Failure, r.size())
	ok := make([]bool, r.size())
	for _, de := range r.p.Failed {
		byPos[de.Index], ok[de.Index] = elementFailure(de), true
	}
	if r.errs != nil {
		for i := range r.p.Messages {
			m := &r.p.Messages[i]
			if err := r.errs[m.Index]; err != nil {
				byPos[m.Index], ok[m.Index] = newFailure(m, err), true
			}
		}
	}
	var fs []Failure
	for i := range byPos {
		if ok[i] {
			fs = append(fs, byPos[i])
		}
	}
	return fs
}

// report hands failures to the failure handler and returns those it could
// not take.
func (a *App) report(ctx context.Context, failures []Failure) []Failure {
	var left []Failure
	for _, f := range failures {
		if err := a.reportOne(ctx, f); err != nil {
			f.Error = fmt.Sprintf("%s (and reporting it failed: %v)", f.Error, err)
			left = append(left, f)
		}
	}
	return left
}

// reportOne calls the failure handler, turning a panic into its error.
func (a *App) reportOne(ctx context.Context, f Failure) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recovered(v)
		}
	}()
	return a.cfg.onFailure(ctx, f)
}

// response encodes the handlers' results: a BatchHandler's that took the
// whole payload; else the one message's result for a single-event payload;
// else an array with the result of each payload position (null where none).
func (r *run) response() ([]byte, error) {
	var v any
	switch {
	case r.batchOut != nil && r.calls == 1:
		v = r.batchOut
	case r.results == nil:
		return nil, nil
	case !r.p.Batch:
		v = r.results[0]
	default:
		v = r.results
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode the handler's result: %w", err)
	}
	return out, nil
}
