package awslambda_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeInvoke is an invocation the fake runtime API hands out.
type fakeInvoke struct {
	id, payload string
	deadline    time.Time
}

// outcome is a POST the function made to the runtime API.
type outcome struct {
	id, kind, contentType, body string
}

// A runtimeAPI is a dialect of the runtime API a function pulls its
// invocations from.
type runtimeAPI struct {
	prefix  string
	headers func(http.Header, fakeInvoke) // the metadata of an invocation
}

// functionARN is the ARN the fake Lambda runtime API says functions were
// invoked with.
const functionARN = "arn:aws:lambda:eu-west-1:123456789012:function:players:live"

// lambdaAPI is AWS Lambda's runtime API.
var lambdaAPI = runtimeAPI{
	prefix: "/2018-06-01/runtime/invocation/",
	headers: func(h http.Header, inv fakeInvoke) {
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", functionARN)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")
	},
}

// fcGo1API is the runtime API of Function Compute's go1 runtime.
var fcGo1API = runtimeAPI{
	prefix: "/2020-11-11/runtime/invocation/",
	headers: func(h http.Header, inv fakeInvoke) {
		h.Set("x-fc-request-id", inv.id)
		h.Set("x-fc-function-deadline", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("x-fc-function-timeout", "60")
		h.Set("x-fc-function-name", "players")
		h.Set("x-fc-function-memory", "512")
		h.Set("x-fc-qualifier", "LATEST")
		h.Set("x-fc-region", "cn-hangzhou")
		h.Set("x-fc-account-id", "164901546557")
		h.Set("x-fc-function-type", "0")
	},
}

// fakeRuntime implements the invocation endpoints of a runtime API: it
// hands out queued invocations on next and records the responses and
// errors the function posts.
type fakeRuntime struct {
	api      runtimeAPI
	queue    chan fakeInvoke
	outcomes chan outcome
	done     chan struct{} // closed when the test ends
}

func newFakeRuntime(api runtimeAPI, invokes ...fakeInvoke) *fakeRuntime {
	f := &fakeRuntime{api: api, queue: make(chan fakeInvoke, len(invokes)),
		outcomes: make(chan outcome, len(invokes)), done: make(chan struct{})}
	for _, inv := range invokes {
		f.queue <- inv
	}
	return f
}

func (f *fakeRuntime) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, f.api.prefix)
	switch {
	case ok && rest == "next" && r.Method == http.MethodGet:
		f.next(w, r)
	case ok && r.Method == http.MethodPost && (strings.HasSuffix(rest, "/response") || strings.HasSuffix(rest, "/error")):
		id, kind, _ := strings.Cut(rest, "/")
		body, _ := io.ReadAll(r.Body)
		select {
		case f.outcomes <- outcome{id: id, kind: kind, contentType: r.Header.Get("Content-Type"), body: string(body)}:
		case <-f.done:
		}
		w.WriteHeader(http.StatusAccepted)
	default: // the extensions API, which aws-lambda-go tries when SIGTERM is enabled
		http.NotFound(w, r)
	}
}

// next hands out the next invocation, or holds the request until the test
// ends.
func (f *fakeRuntime) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-f.queue:
		f.api.headers(w.Header(), inv)
		io.WriteString(w, inv.payload)
	case <-r.Context().Done():
	case <-f.done:
	}
}

// lockedBuffer collects a process's stderr for failure messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
