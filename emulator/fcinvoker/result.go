package fcinvoker

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The ErrorType of a failed invocation.
const (
	// ErrorUnhandled: the function answered a status other than 2xx, or
	// an x-fc-status other than 200 (runtime/fn answers 404 and 404).
	ErrorUnhandled = "Unhandled"
	// ErrorTimedOut: no answer within Function.Timeout. The instance is
	// killed and replaced.
	ErrorTimedOut = "TimedOut"
	// ErrorCrashed: the instance exited, or dropped the connection,
	// before answering. The instance is killed if it still runs and is
	// replaced.
	ErrorCrashed = "Crashed"
	// ErrorInitialization: the instance's initializer failed or timed
	// out. The instance is killed; the next invocation starts another.
	ErrorInitialization = "InitializationFailed"
	// ErrorNotStarted: the instance exited, or did not accept
	// connections within Options.StartTimeout. Invoke also returns a
	// *StartError.
	ErrorNotStarted = "FunctionNotStarted"
	// ErrorResponseTooLarge: the answer is over MaxResponse bytes.
	ErrorResponseTooLarge = "ResponseTooLarge"
)

// MaxResponse is the largest answer the invoker reads: FC's 32 MB limit
// on synchronous payloads.
const MaxResponse = 32 << 20

// ErrClosed is returned by Invoke once Close has been called.
var ErrClosed = errors.New("fcinvoker: invoker closed")

// Result is the outcome of one invocation.
type Result struct {
	RequestID string
	// Status is the HTTP status the function answered, 0 if none. A
	// function may answer 200 with x-fc-status: 404; Failed tells.
	Status int
	Body   []byte
	// Failed reports a failed invocation: ErrorType says why.
	Failed    bool
	ErrorType string
	// Duration is the time of the /invoke call alone, without the
	// instance's start or initializer, as FC bills it.
	Duration time.Duration
}

// Stats count what an Invoker has done since Start.
type Stats struct {
	Invocations int64 // invocations sent to an instance or failed starting one
	Failures    int64 // invocations whose Result.Failed is set
	Timeouts    int64 // invocations that failed with ErrorTimedOut
	Crashes     int64 // instances that exited or dropped a connection unasked
	Restarts    int64 // instances started to replace a lost one
	Started     int64 // instances started in all
	// Unclean counts the instances that Close or a drain stopped and that
	// did not exit with status 0 after SIGTERM: killed after the grace, or
	// exited with an error.
	Unclean   int64
	Instances int // instances running or starting now, Draining included
	// Generation counts the builds that have served: 1 after Start, one
	// more after each Reload that succeeded.
	Generation int64
	// Draining counts the instances of the generations that Reload
	// retired and that are not all stopped yet: finishing their
	// invocations, in pre-stop or stopping.
	Draining int
}

// StartError reports an instance that did not start.
type StartError struct {
	Function string
	Instance string
	Err      error
	Log      []string // the last lines the instance wrote
}

func (e *StartError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fcinvoker: function %q instance %s did not start: %v", e.Function, e.Instance, e.Err)
	if len(e.Log) == 0 {
		b.WriteString("; it wrote nothing")
		return b.String()
	}
	b.WriteString("; its last log lines:")
	for _, l := range e.Log {
		b.WriteString("\n\t")
		b.WriteString(l)
	}
	return b.String()
}

func (e *StartError) Unwrap() error { return e.Err }
