package fn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// HTTPHandler serves an App over HTTP the way Function Compute's custom
// runtime calls it, and as a receiver of the CloudEvents HTTP binding:
//
//	POST /invoke       an event invocation: the payload in the body, x-fc-* headers
//	POST /initialize   the initializer hook
//	GET  /pre-stop     the preStop hook (and GET /pre-freeze, FC 2.0)
//	POST any other     a CloudEvent in binary, structured or batch mode
//
// FC answers are 200 with x-fc-status: 200 and the response body, or 404
// with x-fc-status: 404 and the InvokeError JSON. It writes the log lines FC
// requires ("FC Invoke Start RequestId: ...") to Log, one Write per line,
// never two at once, so Log need not be safe for concurrent use.
type HTTPHandler struct {
	App *App
	Log io.Writer // FC's invocation log lines; nil for none

	logMu sync.Mutex
}

var _ http.Handler = (*HTTPHandler)(nil)

func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/invoke" && r.Method == http.MethodPost:
		h.invoke(w, r)
	case r.URL.Path == "/initialize" && r.Method == http.MethodPost:
		h.lifecycle(w, r, "Initialize", h.App.Initialize)
	case r.URL.Path == "/pre-stop" && r.Method == http.MethodGet:
		h.lifecycle(w, r, "PreStop", h.App.PreStop)
	case r.URL.Path == "/pre-freeze" && r.Method == http.MethodGet:
		h.lifecycle(w, r, "PreFreeze", nil)
	case r.Method == http.MethodPost:
		h.cloudEvent(w, r)
	default:
		http.Error(w, "rocketfn: POST /invoke (Function Compute) or POST a CloudEvent", http.StatusMethodNotAllowed)
	}
}

func (h *HTTPHandler) invoke(w http.ResponseWriter, r *http.Request) {
	inv := fcInvocation(r.Header, "fc")
	h.mark("Invoke Start", inv.RequestID, "")
	ctx, cancel := invocationContext(r.Context(), inv)
	defer cancel()
	var out []byte
	body, err := readBody(ctx, r, w, h.App.cfg.decoder.MaxPayload)
	if err == nil {
		out, err = invokeGuarded(ctx, h.App, body)
	} else {
		// A body too large to read fails like one too large to decode:
		// logged, seen by the hooks, with the request ID.
		_, err = h.App.finish(ctx, h.App.now(), event.Payload{}, err)
	}
	if err != nil {
		h.mark("Invoke End", inv.RequestID, ", Error: Unhandled function error")
		writeFC(w, http.StatusNotFound, errorBody(err))
		return
	}
	h.mark("Invoke End", inv.RequestID, "")
	writeFC(w, http.StatusOK, out)
}

// lifecycle serves a lifecycle hook; f may be nil.
func (h *HTTPHandler) lifecycle(w http.ResponseWriter, r *http.Request, name string, f func(context.Context) error) {
	inv := fcInvocation(r.Header, "fc")
	h.mark(name+" Start", inv.RequestID, "")
	ctx, cancel := invocationContext(r.Context(), inv)
	defer cancel()
	if err := runHook(ctx, h.App, name, f); err != nil {
		h.mark(name+" End", inv.RequestID, ", Error: Unhandled function error")
		writeFC(w, http.StatusNotFound, errorBody(err))
		return
	}
	h.mark(name+" End", inv.RequestID, "")
	writeFC(w, http.StatusOK, nil)
}

// errorPanic is the InvokeError.Type of an invocation that panicked outside
// the message handlers: in a failure handler or a hook, for example.
const errorPanic = "Panic"

// invokeGuarded is app.invokeOwned that turns a panic outside the message
// handlers, which Invoke does not recover, into the invocation's error
// instead of a dropped connection (custom runtime) or a crashed process
// (go1 runtime).
func invokeGuarded(ctx context.Context, app *App, buf []byte) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, logInvokeError(ctx, app, errorPanic, "invocation panicked", recovered(v))
		}
	}()
	return app.invokeOwned(ctx, buf)
}

// runHook runs the lifecycle hook called name; f may be nil. A failure, or
// a panic, is logged and returned as an *InvokeError of type name+"Error".
func runHook(ctx context.Context, app *App, name string, f func(context.Context) error) error {
	if f == nil {
		return nil
	}
	if err := callHook(ctx, f); err != nil {
		return logInvokeError(ctx, app, name+"Error", "lifecycle hook "+name+" failed", err)
	}
	return nil
}

// logInvokeError logs err, with the stack of a panic, and returns it as an
// *InvokeError of type typ for the invocation of ctx.
func logInvokeError(ctx context.Context, app *App, typ, msg string, err error) *InvokeError {
	attrs := []slog.Attr{slog.String("error", err.Error())}
	var pe *PanicError
	if errors.As(err, &pe) {
		attrs = append(attrs, slog.String("stack", string(pe.Stack)))
	}
	app.cfg.logger.LogAttrs(ctx, slog.LevelError, msg, attrs...)
	ie := &InvokeError{Type: typ, Message: err.Error(), err: err}
	if inv, ok := FromContext(ctx); ok {
		ie.RequestID = inv.RequestID
	}
	return ie
}

// callHook calls a lifecycle hook, recovering a panic.
func callHook(ctx context.Context, f func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recovered(v)
		}
	}()
	return f(ctx)
}

func (h *HTTPHandler) mark(what, requestID, suffix string) {
	if h.Log == nil {
		return
	}
	line := "FC " + what + " RequestId: " + printable(requestID) + suffix + "\n"
	h.logMu.Lock()
	defer h.logMu.Unlock()
	io.WriteString(h.Log, line)
}

// printable escapes the control characters of a request ID as Go does
// (\n, \x1b, ...) and invalid UTF-8, so that no request ID can end its
// marker line early or forge another.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) < 0 {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

func writeFC(w http.ResponseWriter, status int, body []byte) {
	hdr := w.Header()
	hdr.Set("x-fc-status", strconv.Itoa(status))
	if len(body) > 0 {
		hdr.Set("Content-Type", "application/json")
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	w.Write(body)
}

// errorBody is the JSON body of a failed invocation.
func errorBody(err error) []byte {
	var ie *InvokeError
	if errors.As(err, &ie) {
		return ie.JSON()
	}
	return (&InvokeError{Type: "Error", Message: err.Error()}).JSON()
}

// readBody reads a request body into a buffer of its own, refusing bodies
// over limit (0 means event.DefaultMaxPayload) and, when ctx has a
// deadline (the invocation's: x-fc-function-timeout or
// x-fc-function-deadline), reading no longer than until then: a body that
// trickles in cannot hold the function past its timeout.
func readBody(ctx context.Context, r *http.Request, w http.ResponseWriter, limit int) ([]byte, error) {
	if limit <= 0 {
		limit = event.DefaultMaxPayload
	}
	if dl, ok := ctx.Deadline(); ok {
		// Not every ResponseWriter has a connection (tests' recorders).
		_ = http.NewResponseController(w).SetReadDeadline(dl)
	}
	if r.ContentLength > int64(limit) {
		return nil, fmt.Errorf("%w: body of %d bytes is over the limit of %d bytes", event.ErrTooLarge, r.ContentLength, limit)
	}
	size := 512
	if r.ContentLength > 0 {
		size = int(r.ContentLength) + 1 // room to see EOF without growing
	}
	buf := make([]byte, 0, size)
	body := http.MaxBytesReader(w, r.Body, int64(limit))
	for {
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fmt.Errorf("%w: body is over the limit of %d bytes", event.ErrTooLarge, limit)
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("read the request body: %d bytes came before the invocation's deadline: %w", len(buf), context.DeadlineExceeded)
		}
		if err != nil {
			return nil, fmt.Errorf("read the request body: %w", err)
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// fcInvocation reads the invocation metadata from Function Compute headers.
func fcInvocation(h http.Header, platform string) *Invocation {
	inv := &Invocation{
		RequestID: h.Get("x-fc-request-id"),
		Platform:  platform,
		Credentials: Credentials{
			AccessKeyID:     h.Get("x-fc-access-key-id"),
			AccessKeySecret: h.Get("x-fc-access-key-secret"),
			SecurityToken:   h.Get("x-fc-security-token"),
		},
		Function: Function{
			Name:      h.Get("x-fc-function-name"),
			Handler:   h.Get("x-fc-function-handler"),
			Qualifier: h.Get("x-fc-qualifier"),
			Version:   h.Get("x-fc-version-id"),
		},
		Region:    h.Get("x-fc-region"),
		AccountID: h.Get("x-fc-account-id"),
	}
	inv.Function.Memory, _ = strconv.Atoi(h.Get("x-fc-function-memory"))
	inv.RetryCount, _ = strconv.Atoi(h.Get("x-fc-retry-count"))
	if s, err := strconv.Atoi(h.Get("x-fc-function-timeout")); err == nil && s > 0 {
		inv.Function.Timeout = time.Duration(s) * time.Second
		inv.Deadline = time.Now().Add(inv.Function.Timeout)
	}
	if ms, err := strconv.ParseInt(h.Get("x-fc-function-deadline"), 10, 64); err == nil && ms > 0 {
		inv.Deadline = time.UnixMilli(ms)
	}
	return inv
}

// invocationContext carries inv and its deadline.
func invocationContext(ctx context.Context, inv *Invocation) (context.Context, context.CancelFunc) {
	ctx = NewContext(ctx, inv)
	if inv.Deadline.IsZero() {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, inv.Deadline)
}

// ceAttribute returns the name of the CloudEvents attribute a binary-mode
// header (ce-*) carries.
func ceAttribute(name string) (string, bool) {
	if len(name) > 3 && strings.EqualFold(name[:3], "ce-") {
		return strings.ToLower(name[3:]), true
	}
	return "", false
}
