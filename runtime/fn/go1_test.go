package fn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// go1Post is an outcome posted to the runtime API.
type go1Post struct{ id, outcome, contentType, body string }

// go1API fakes Function Compute's go1 runtime API: next serves the queued
// invocations and waits for more; posted outcomes are recorded.
type go1API struct {
	addr  string
	queue chan *http.Response // headers and body of the invocations to serve
	posts chan go1Post
}

func newGo1API(t *testing.T) *go1API {
	api := &go1API{queue: make(chan *http.Response, 64), posts: make(chan go1Post, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2020-11-11/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case next := <-api.queue:
			for k, v := range next.Header {
				w.Header()[k] = v
			}
			io.Copy(w, next.Body)
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("POST /2020-11-11/runtime/invocation/{id}/{outcome}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		api.posts <- go1Post{r.PathValue("id"), r.PathValue("outcome"), r.Header.Get("Content-Type"), string(b)}
		w.WriteHeader(http.StatusAccepted)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	api.addr = strings.TrimPrefix(srv.URL, "http://")
	return api
}

// push queues an invocation of type kind (x-fc-function-type) with the
// metadata of fcHeaders and a deadline 3 seconds away.
func (api *go1API) push(id, kind string, body []byte) time.Time {
	deadline := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
	h := fcHeaders(id)
	h.Set("x-fc-function-type", kind)
	h.Set("x-fc-function-deadline", strconv.FormatInt(deadline.UnixMilli(), 10))
	api.queue <- &http.Response{Header: h, Body: io.NopCloser(strings.NewReader(string(body)))}
	return deadline
}

// wait returns the next posted outcome.
func (api *go1API) wait(t *testing.T) go1Post {
	t.Helper()
	select {
	case p := <-api.posts:
		return p
	case <-time.After(5 * time.Second):
	}
	t.Fatal("no outcome posted to the runtime API")
	return go1Post{}
}

// serve runs ServeGo1 until the test ends, then checks that it returns nil
// once its context is cancelled.
func (api *go1API) serve(t *testing.T, app *fn.App) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fn.ServeGo1(ctx, app, api.addr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ServeGo1 = %v after its context was cancelled, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("ServeGo1 did not return after its context was cancelled")
		}
	})
}

// fcSeen is what a handler saw in its context.
type fcSeen struct {
	inv      fn.Invocation
	deadline time.Time
}

type go1Order struct {
	ID string `json:"id"`
}

func TestGo1Invocations(t *testing.T) {
	players := fcFixture(t, "../event/testdata/players-batch.json")
	noResult := fn.Typed(func(ctx context.Context, s string) error { return nil })
	for _, tc := range []struct {
		name     string
		opt      fn.Option
		h        fn.Handler
		payload  []byte
		outcome  string
		want     string // the body posted, or for errors: errorType + " " + errorMessage
		failures int
	}{
		{"no result", quiet, noResult, fcEvent("m1", "x"), "response", "null", 0},
		{"result", quiet, fn.TypedResult(func(ctx context.Context, o go1Order) (go1Order, error) { return go1Order{"re-" + o.ID}, nil }),
			fcEvent("m1", `{"id":"7"}`), "response", `{"id":"re-7"}`, 0},
		{"batch results", quiet, fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) { return m.Index, nil }),
			players, "response", "[0,1,2]", 0},
		{"error", quiet, fn.Typed(func(ctx context.Context, s string) error { return errors.New("out of stock") }),
			fcEvent("m1", "x"), "error", "MessagesFailed 1 of 1 messages failed; first: out of stock", 1},
		{"panic", quiet, fn.Typed(func(ctx context.Context, s string) error { panic("kaboom") }),
			fcEvent("m1", "x"), "error", "MessagesFailed 1 of 1 messages failed; first: handler panicked: kaboom", 1},
		{"malformed", quiet, noResult, []byte("{"), "error", "MalformedPayload decode payload: at byte 1: unexpected end of input in JSON value", 0},
		{"failure handler panics", fn.WithFailureHandler(func(context.Context, fn.Failure) error { panic("no queue") }),
			fn.Typed(func(ctx context.Context, s string) error { return errors.New("out of stock") }),
			fcEvent("m1", "x"), "error", "MessagesFailed 1 of 1 messages failed; first: out of stock (and reporting it failed: handler panicked: no queue)", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := fn.New(quiet, tc.opt)
			app.Handle("*", "*", tc.h)
			api := newGo1API(t)
			api.serve(t, app)
			api.push("req-1", "0", tc.payload)
			p := api.wait(t)
			if p.id != "req-1" || p.outcome != tc.outcome || p.contentType != "application/json" {
				t.Fatalf("posted %+v, want %s for req-1", p, tc.outcome)
			}
			got := p.body
			if tc.outcome == "error" {
				var e fcError
				if err := json.Unmarshal([]byte(p.body), &e); err != nil || e.RequestID != "req-1" || len(e.Failures) != tc.failures {
					t.Errorf("error body %s (%v), want request ID req-1 and %d failures", p.body, err, tc.failures)
				}
				got = e.Type + " " + e.Message
			}
			if got != tc.want {
				t.Errorf("posted %s, want %s", got, tc.want)
			}
			api.push("req-2", "0", fcEvent("m2", "x")) // the runtime goes on
			if p := api.wait(t); p.id != "req-2" {
				t.Errorf("next outcome = %+v, want one for req-2", p)
			}
		})
	}
}

func TestGo1Context(t *testing.T) {
	seen := make(chan fcSeen, 1)
	app := fn.New(quiet)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		inv, _ := fn.FromContext(ctx)
		d, _ := ctx.Deadline()
		seen <- fcSeen{*inv, d}
		return nil, nil
	}))
	api := newGo1API(t)
	api.serve(t, app)
	deadline := api.push("req-ctx", "0", fcEvent("m1", "x"))
	if p := api.wait(t); p.outcome != "response" {
		t.Fatalf("posted %+v", p)
	}
	s := <-seen
	if !s.deadline.Equal(deadline) || !s.inv.Deadline.Equal(deadline) {
		t.Errorf("deadline = %v (invocation %v), want %v from x-fc-function-deadline", s.deadline, s.inv.Deadline, deadline)
	}
	if s.inv.Deadline = (time.Time{}); s.inv != fcWant("req-ctx", "fc-go1") {
		t.Errorf("invocation = %+v", s.inv)
	}
}

func TestGo1Lifecycle(t *testing.T) {
	for _, tc := range []struct {
		name, kind string
		hook       func(context.Context) error
		wantRan    string
		want       string // posted: "response null" or "error <errorType> <errorMessage>"
	}{
		{"initializer", "1", nil, "initializer", "response null"},
		{"initializer fails", "1", func(context.Context) error { return errors.New("no database") }, "initializer",
			"error InitializeError no database"},
		{"initializer panics", "1", func(context.Context) error { panic("bad config") }, "initializer",
			"error InitializeError handler panicked: bad config"},
		{"preStop", "2", nil, "preStop", "response null"},
		{"preStop fails", "2", func(context.Context) error { return errors.New("flush failed") }, "preStop",
			"error PreStopError flush failed"},
		{"preFreeze", "3", nil, "", "response null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran, hooks := lifecycleHooks(t, "life-1", tc.hook)
			app := fn.New(append(hooks, quiet)...)
			api := newGo1API(t)
			api.serve(t, app)
			api.push("life-1", tc.kind, nil)
			p := api.wait(t)
			got := p.outcome + " " + p.body
			if p.outcome == "error" {
				var e fcError
				json.Unmarshal([]byte(p.body), &e)
				got = "error " + e.Type + " " + e.Message
			}
			if p.id != "life-1" || got != tc.want {
				t.Errorf("posted %+v, want %s", p, tc.want)
			}
			close(ran)
			if name := <-ran; name != tc.wantRan {
				t.Errorf("ran hook %q, want %q", name, tc.wantRan)
			}
		})
	}
}

// TestGo1InFlight checks that invocations run at once, and that cancelling
// ServeGo1 lets those in flight finish, uncancelled, and be reported.
func TestGo1InFlight(t *testing.T) {
	const n = 8
	arrived, release := make(chan struct{}, n), make(chan struct{})
	unblock := sync.OnceFunc(func() { close(release) })
	t.Cleanup(unblock)
	app := fn.New(quiet)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		arrived <- struct{}{}
		<-release
		inv, _ := fn.FromContext(ctx)
		return inv.RequestID + " " + m.ID + " cancelled=" + strconv.FormatBool(ctx.Err() != nil), nil
	}))
	api := newGo1API(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- fn.ServeGo1(ctx, app, api.addr) }()
	for i := range n {
		api.push(fmt.Sprint("req-", i), "0", fcEvent(fmt.Sprint("m-", i), "x"))
	}
	for i := range n {
		select {
		case <-arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d invocations in flight at once", i, n)
		}
	}
	cancel()
	select {
	case err := <-done:
		t.Fatalf("ServeGo1 returned (%v) before the invocations in flight finished", err)
	case <-time.After(100 * time.Millisecond):
	}
	unblock()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ServeGo1 = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ServeGo1 did not return")
	}
	if len(api.posts) != n {
		t.Fatalf("ServeGo1 returned with %d of %d outcomes posted", len(api.posts), n)
	}
	for range n {
		p := <-api.posts
		i := strings.TrimPrefix(p.id, "req-")
		if want := fmt.Sprintf(`"req-%s m-%s cancelled=false"`, i, i); p.outcome != "response" || p.body != want {
			t.Errorf("posted %+v, want %s", p, want)
		}
	}
}

func TestGo1RuntimeAPIFails(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	done := make(chan error, 1)
	go func() {
		done <- fn.ServeGo1(context.Background(), fn.New(quiet), strings.TrimPrefix(srv.URL, "http://"))
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "next: 404 Not Found: 404 page not found") {
			t.Errorf("ServeGo1 = %v, want the runtime API's failure", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ServeGo1 did not return when the runtime API failed")
	}
}
