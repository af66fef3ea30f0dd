package fn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

var quiet = fn.WithLogger(slog.New(slog.DiscardHandler)) // no logs on stderr

// fcHeaders returns the headers Function Compute sends with a call.
func fcHeaders(requestID string) http.Header {
	h := http.Header{}
	for k, v := range map[string]string{
		"x-fc-request-id": requestID, "x-fc-access-key-id": "STS.key", "x-fc-access-key-secret": "secret",
		"x-fc-security-token": "token", "x-fc-function-name": "orders-fn", "x-fc-function-handler": "handler",
		"x-fc-function-memory": "512", "x-fc-function-timeout": "3", "x-fc-region": "cn-hangzhou",
		"x-fc-account-id": "123456789012", "x-fc-qualifier": "LATEST", "x-fc-version-id": "7", "x-fc-retry-count": "2",
	} {
		h.Set(k, v)
	}
	return h
}

// fcWant is the invocation fcHeaders describe, without its deadline.
func fcWant(requestID, platform string) fn.Invocation {
	return fn.Invocation{RequestID: requestID, Platform: platform,
		Credentials: fn.Credentials{AccessKeyID: "STS.key", AccessKeySecret: "secret", SecurityToken: "token"},
		Function: fn.Function{Name: "orders-fn", Handler: "handler", Memory: 512, Timeout: 3 * time.Second,
			Qualifier: "LATEST", Version: "7"},
		Region: "cn-hangzhou", AccountID: "123456789012", RetryCount: 2}
}

// fcEvent is a one-message CloudEvent of topic orders; id and body are plain ASCII.
func fcEvent(id, body string) []byte {
	return fmt.Appendf(nil, `{"id":"ce-%s","specversion":"1.0","source":"acs:mq","type":"mq:Topic:SendMessage",`+
		`"data":{"topic":"orders","systemProperties":{"UNIQ_KEY":%q,"TAGS":"created"},"body":%q}}`, id, id, body)
}

type fcReply struct {
	status    int
	xfc, body string
}

// fcError is the JSON body of a failed call.
type fcError struct {
	Type      string `json:"errorType"`
	Message   string `json:"errorMessage"`
	RequestID string
	Failures  []struct{ MessageID, Error, Stack string }
}

// failed checks that r is a failure and returns its error body.
func (r fcReply) failed(t *testing.T) fcError {
	t.Helper()
	var e fcError
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || r.status != 404 || r.xfc != "404" {
		t.Fatalf("reply = %d x-fc-status %q %s (%v), want a 404 with an error body", r.status, r.xfc, r.body, err)
	}
	return e
}

// fcCall makes a request as Function Compute does. It may run on any goroutine.
func fcCall(t *testing.T, url, method, path string, hdr http.Header, body io.Reader) fcReply {
	req, err := http.NewRequest(method, url+path, body)
	var resp *http.Response
	if err == nil {
		maps.Copy(req.Header, hdr)
		req.Header.Set("Content-Type", "application/octet-stream")
		resp, err = (&http.Client{Timeout: 10 * time.Second}).Do(req)
	}
	if err != nil {
		t.Error(err)
		return fcReply{}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	return fcReply{resp.StatusCode, resp.Header.Get("x-fc-status"), string(b)}
}

// logBuf is a log writer tests can read while servers write to it.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func fcServer(t *testing.T, app *fn.App) (string, *logBuf) {
	log := new(logBuf)
	srv := httptest.NewServer(&fn.HTTPHandler{App: app, Log: log})
	t.Cleanup(srv.Close)
	return srv.URL, log
}

func fcFixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFCInvokeFixtures(t *testing.T) {
	files, err := filepath.Glob("../event/testdata/*.json")
	if err != nil || len(files) < 5 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for i, file := range files {
		withDeadline := i%2 == 1 // x-fc-function-deadline, when set, wins over x-fc-function-timeout
		t.Run(fmt.Sprintf("%s/deadline-header=%v", filepath.Base(file), withDeadline), func(t *testing.T) {
			payload := fcFixture(t, file)
			p, err := event.Decode(payload)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range p.Messages {
				ids = append(ids, m.ID)
			}
			want, _ := json.Marshal(ids)
			if !p.Batch {
				want, _ = json.Marshal(ids[0])
			}
			seen := make(chan fcSeen, len(ids))
			app := fn.New(quiet)
			app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
				inv, _ := fn.FromContext(ctx)
				d, _ := ctx.Deadline()
				seen <- fcSeen{*inv, d}
				return m.ID, nil
			}))
			url, log := fcServer(t, app)
			hdr := fcHeaders("req-1")
			earliest, latest := time.Now().Add(3*time.Second), time.Now().Add(2*time.Second).Truncate(time.Millisecond)
			if withDeadline {
				earliest = latest
				hdr.Set("x-fc-function-deadline", strconv.FormatInt(latest.UnixMilli(), 10))
			}
			r := fcCall(t, url, "POST", "/invoke", hdr, bytes.NewReader(payload))
			if !withDeadline {
				latest = time.Now().Add(3 * time.Second)
			}
			if r.status != 200 || r.xfc != "200" || r.body != string(want) {
				t.Fatalf("reply = %d x-fc-status %q %s, want 200 %s", r.status, r.xfc, r.body, want)
			}
			for range ids {
				s := <-seen
				if s.deadline.Before(earliest) || s.deadline.After(latest) || !s.inv.Deadline.Equal(s.deadline) {
					t.Errorf("deadline %v (invocation %v), want %v to %v", s.deadline, s.inv.Deadline, earliest, latest)
				}
				if s.inv.Deadline = (time.Time{}); s.inv != fcWant("req-1", "fc") {
					t.Errorf("invocation = %+v", s.inv)
				}
			}
			if got, want := log.String(), "FC Invoke Start RequestId: req-1\nFC Invoke End RequestId: req-1\n"; got != want {
				t.Errorf("log = %q, want %q", got, want)
			}
		})
	}
}

func TestFCInvokeFailures(t *testing.T) {
	players := fcFixture(t, "../event/testdata/players-batch.json")
	firstAndLast := func(ctx context.Context, m *event.Message) (any, error) {
		if m.Index != 1 {
			return nil, fmt.Errorf("no stock for %s", m.ID)
		}
		return nil, nil
	}
	panics := func(ctx context.Context, m *event.Message) (any, error) { panic("kaboom " + m.ID) }
	const kaboom, id1, id2, id3 = "handler panicked: kaboom ", "AC14C305069E1B28CDFA3181CDA20001",
		"AC14C305069E1B28CDFA3181CDA20002", "AC14C305069E1B28CDFA3181CDA20003"
	const unreported = " (and reporting it failed: handler panicked: no queue)"
	for _, tc := range []struct {
		name              string
		opt               fn.Option
		h                 fn.HandlerFunc
		wantType, wantMsg string
		want              map[string]string // failed message ID: its error
	}{
		{"errors", quiet, firstAndLast, "MessagesFailed", "2 of 3 messages failed; first: no stock for " + id1,
			map[string]string{id1: "no stock for " + id1, id3: "no stock for " + id3}},
		{"panic", quiet, panics, "MessagesFailed", "3 of 3 messages failed; first: " + kaboom + id1,
			map[string]string{id1: kaboom + id1, id2: kaboom + id2, id3: kaboom + id3}},
		{"failure handler panics", fn.WithFailureHandler(func(context.Context, fn.Failure) error { panic("no queue") }),
			firstAndLast, "MessagesFailed", "2 of 3 messages failed; first: no stock for " + id1 + unreported,
			map[string]string{id1: "no stock for " + id1 + unreported, id3: "no stock for " + id3 + unreported}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := fn.New(quiet, tc.opt)
			app.Handle("orders", "*", fn.Typed(func(ctx context.Context, s string) error { return nil }))
			app.Handle("players", "*", tc.h)
			url, log := fcServer(t, app)
			e := fcCall(t, url, "POST", "/invoke", fcHeaders("bad"), bytes.NewReader(players)).failed(t)
			if e.Type != tc.wantType || e.Message != tc.wantMsg || e.RequestID != "bad" || len(e.Failures) != len(tc.want) {
				t.Errorf("error = %+v, want %s %q with %d failures", e, tc.wantType, tc.wantMsg, len(tc.want))
			}
			for _, f := range e.Failures {
				if want, ok := tc.want[f.MessageID]; !ok || f.Error != want {
					t.Errorf("failure of %q = %q, want %q", f.MessageID, f.Error, want)
				}
				if strings.HasPrefix(f.Error, "handler panicked") && !strings.Contains(f.Stack, "fc_test.go") {
					t.Errorf("failure of %s has no stack of the panic: %q", f.MessageID, f.Stack)
				}
			}
			if r := fcCall(t, url, "POST", "/invoke", fcHeaders("good"), bytes.NewReader(fcEvent("m1", "x"))); r.status != 200 || r.xfc != "200" {
				t.Errorf("next call = %+v, want 200", r)
			}
			want := "FC Invoke Start RequestId: bad\nFC Invoke End RequestId: bad, Error: Unhandled function error\n" +
				"FC Invoke Start RequestId: good\nFC Invoke End RequestId: good\n"
			if log.String() != want {
				t.Errorf("log = %q, want %q", log.String(), want)
			}
		})
	}
}

func TestFCInvokeBadInput(t *testing.T) {
	valid := string(fcEvent("m1", "x"))
	edit := func(old, new string) io.Reader { return strings.NewReader(strings.Replace(valid, old, new, 1)) }
	for _, tc := range []struct {
		name, want string
		body       io.Reader
	}{
		{"not JSON", "at byte 0: expected JSON value, found invalid character 'h'", strings.NewReader("hello")},
		{"truncated", "data.body at byte 168: unterminated string", strings.NewReader(valid[:len(valid)-3])},
		{"empty", "empty payload", strings.NewReader("")},
		{"wrong type", "data.topic at byte 98: expected a string, found number", edit(`"topic":"orders"`, `"topic":5`)},
		{"unknown specversion", `unsupported CloudEvents specversion "2.0"`, edit(`"specversion":"1.0"`, `"specversion":"2.0"`)},
		{"invalid UTF-8", "data.body at byte 169: invalid UTF-8", edit(`"body":"x"`, "\"body\":\"\xff\"")},
		{"over the limit", "over the limit of 1000 bytes", strings.NewReader(valid + strings.Repeat(" ", 1000))},
		{"over the limit, chunked", "over the limit of 1000 bytes", io.MultiReader(strings.NewReader(valid + strings.Repeat(" ", 1000)))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stats := make(chan fn.Stats, 2)
			app := fn.New(quiet, fn.WithDecoder(event.Decoder{MaxPayload: 1000}),
				fn.WithHooks(fn.Hooks{InvocationDone: func(_ context.Context, s fn.Stats) { stats <- s }}))
			app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error { return nil }))
			url, _ := fcServer(t, app)
			e := fcCall(t, url, "POST", "/invoke", fcHeaders("bad"), tc.body).failed(t)
			if e.Type != "MalformedPayload" || e.RequestID != "bad" || !strings.Contains(e.Message, tc.want) {
				t.Errorf("error = %+v, want MalformedPayload naming %q", e, tc.want)
			}
			if len(stats) != 1 { // the hook runs before the reply
				t.Errorf("InvocationDone called %d times, want once", len(stats))
			} else if s := <-stats; s.Err == nil || s.Err.Error() != e.Message {
				t.Errorf("InvocationDone saw %+v, want the failure", s)
			}
			if r := fcCall(t, url, "POST", "/invoke", fcHeaders("good"), strings.NewReader(valid)); r.status != 200 {
				t.Errorf("next call = %+v, want 200", r)
			}
		})
	}
}

func TestFCInvokeDeadlineExceeded(t *testing.T) {
	release := make(chan struct{})
	app := fn.New(quiet)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		if m.Text() == "block" {
			<-release // ignores ctx
		}
		return "done", nil
	}))
	url, _ := fcServer(t, app)
	t.Cleanup(func() { close(release) })
	hdr, start := fcHeaders("slow"), time.Now()
	hdr.Set("x-fc-function-timeout", "1")
	e := fcCall(t, url, "POST", "/invoke", hdr, bytes.NewReader(fcEvent("m1", "block"))).failed(t)
	if d := time.Since(start); d < 900*time.Millisecond || d > 3*time.Second {
		t.Errorf("answered after %v, want about 1s", d)
	}
	if e.Type != "DeadlineExceeded" || len(e.Failures) != 1 || e.Failures[0].MessageID != "m1" ||
		!strings.Contains(e.Failures[0].Error, "deadline exceeded") {
		t.Errorf("error = %+v", e)
	}
	if r := fcCall(t, url, "POST", "/invoke", fcHeaders("next"), bytes.NewReader(fcEvent("m2", "go"))); r.status != 200 || r.body != `"done"` {
		t.Errorf("next call = %+v, want 200 \"done\"", r)
	}
}

// TestFCInvokeSlowBody: a body that stops arriving is read only until the
// invocation's deadline (x-fc-function-timeout), which then fails it,
// instead of holding the function forever; the next call is served.
func TestFCInvokeSlowBody(t *testing.T) {
	app := fn.New(quiet)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) { return "done", nil }))
	url, _ := fcServer(t, app)
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	go pw.Write(fcEvent("m1", "never finished")[:20]) // then nothing more
	hdr := fcHeaders("slow-body")
	hdr.Set("x-fc-function-timeout", "1")
	e := fcCall(t, url, "POST", "/invoke", hdr, pr).failed(t)
	if !strings.Contains(e.Message, "deadline") || !strings.Contains(e.Message, "request body") {
		t.Errorf("error = %+v, want the body's read cut at the deadline", e)
	}
	if r := fcCall(t, url, "POST", "/invoke", fcHeaders("next"), bytes.NewReader(fcEvent("m2", "go"))); r.status != 200 || r.body != `"done"` {
		t.Errorf("next call = %+v, want 200 \"done\"", r)
	}
}

// TestFCMarkersEscapeRequestID: a request ID with control characters is
// printed escaped in the marker lines, so it cannot end a marker early or
// forge another request's.
func TestFCMarkersEscapeRequestID(t *testing.T) {
	app := fn.New(quiet)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) { return "done", nil }))
	var log bytes.Buffer
	h := &fn.HTTPHandler{App: app, Log: &log}
	req := httptest.NewRequest("POST", "/invoke", bytes.NewReader(fcEvent("m1", "x")))
	req.Header = fcHeaders("r1\nFC Invoke End RequestId: victim\x1b[2J")
	h.ServeHTTP(httptest.NewRecorder(), req)
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	want := []string{`FC Invoke Start RequestId: r1\nFC Invoke End RequestId: victim\x1b[2J`, `FC Invoke End RequestId: r1\nFC Invoke End RequestId: victim\x1b[2J`}
	if !slices.Equal(lines, want) {
		t.Errorf("markers %q, want %q", lines, want)
	}
}
