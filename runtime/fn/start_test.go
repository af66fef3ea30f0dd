package fn_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func TestPort(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"FC_CUSTOM_LISTEN_PORT": "9001", "FC_SERVER_PORT": "9002", "PORT": "9003"}, "9001"},
		{map[string]string{"FC_SERVER_PORT": "9002", "PORT": "9003"}, "9002"},
		{map[string]string{"PORT": "9003"}, "9003"},
		{map[string]string{"FC_CUSTOM_LISTEN_PORT": "", "PORT": "9003"}, "9003"},
		{nil, "9000"},
	} {
		if got := fn.Port(mapEnv(tc.env)); got != tc.want {
			t.Errorf("Port(%v) = %s, want %s", tc.env, got, tc.want)
		}
	}
}

func TestRunGo1(t *testing.T) {
	api := newGo1API(t)
	app := fn.New(quiet)
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error { return nil }))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	env := mapEnv(map[string]string{"FC_RUNTIME_API": api.addr, "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:1", "PORT": "bad"})
	go func() { done <- fn.Run(ctx, app, env) }()
	api.push("req-run", "0", fcEvent("m1", "x"))
	if p := api.wait(t); p.id != "req-run" || p.outcome != "response" || p.body != "null" {
		t.Errorf("posted %+v, want a null response for req-run", p)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
}

func TestRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"AWS Lambda", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, "awslambda.Start"},
		{"bad port", map[string]string{"PORT": "not-a-port"}, "not-a-port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := fn.Run(context.Background(), fn.New(quiet), mapEnv(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run = %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestServeGraceful checks that Serve answers an invocation in flight when
// its context is cancelled, then returns nil and stops listening.
func TestServeGraceful(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	app := fn.New(quiet)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		close(entered)
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return "finished", nil
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- fn.Serve(ctx, app, ln) }()
	replied := make(chan fcReply, 1)
	go func() {
		replied <- fcCall(t, url, "POST", "/invoke", fcHeaders("req-g"), bytes.NewReader(fcEvent("m1", "x")))
	}()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the invocation did not reach its handler")
	}
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) with an invocation in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if r := <-replied; r.status != 200 || r.xfc != "200" || r.body != `"finished"` {
		t.Errorf("reply = %+v, want 200 \"finished\"", r)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if resp, err := http.Get(url + "/invoke"); err == nil {
		resp.Body.Close()
		t.Error("Serve still listens after it returned")
	}
}

// lifecycleHooks returns options installing an initializer and a preStop
// hook that check their context carries the invocation requestID, record
// their name ("initializer", "preStop") in ran, and return hook's error
// (nil for a nil hook).
func lifecycleHooks(t *testing.T, requestID string, hook func(context.Context) error) (chan string, []fn.Option) {
	ran := make(chan string, 2)
	named := func(name string) func(context.Context) error {
		return func(ctx context.Context) error {
			if inv, ok := fn.FromContext(ctx); !ok || inv.RequestID != requestID || !inv.Credentials.Valid() {
				t.Errorf("%s hook context has invocation %+v", name, inv)
			}
			ran <- name
			if hook == nil {
				return nil
			}
			return hook(ctx)
		}
	}
	return ran, []fn.Option{fn.WithInitializer(named("initializer")), fn.WithPreStop(named("preStop"))}
}

// TestFCLifecycle checks the hooks of the custom runtime: POST /initialize,
// GET /pre-stop and GET /pre-freeze.
func TestFCLifecycle(t *testing.T) {
	fails := func(context.Context) error { return errors.New("no database") }
	panics := func(context.Context) error { panic("bad config") }
	for _, tc := range []struct {
		name, method, path, marker string
		hook                       func(context.Context) error // nil: succeed
		wantRan, wantErr           string
	}{
		{"initialize", "POST", "/initialize", "Initialize", nil, "initializer", ""},
		{"initialize fails", "POST", "/initialize", "Initialize", fails, "initializer", "no database"},
		{"initialize panics", "POST", "/initialize", "Initialize", panics, "initializer", "handler panicked: bad config"},
		{"pre-stop", "GET", "/pre-stop", "PreStop", nil, "preStop", ""},
		{"pre-stop fails", "GET", "/pre-stop", "PreStop", fails, "preStop", "no database"},
		{"pre-stop panics", "GET", "/pre-stop", "PreStop", panics, "preStop", "handler panicked: bad config"},
		{"pre-freeze", "GET", "/pre-freeze", "PreFreeze", fails, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran, hooks := lifecycleHooks(t, "life-1", tc.hook)
			app := fn.New(append(hooks, quiet)...)
			url, log := fcServer(t, app)
			r := fcCall(t, url, tc.method, tc.path, fcHeaders("life-1"), nil)
			suffix := ""
			if tc.wantErr == "" {
				if r.status != 200 || r.xfc != "200" {
					t.Errorf("reply = %+v, want 200", r)
				}
			} else {
				suffix = ", Error: Unhandled function error"
				e := r.failed(t)
				if e.Type != tc.marker+"Error" || e.Message != tc.wantErr || e.RequestID != "life-1" {
					t.Errorf("error = %+v, want %sError %q", e, tc.marker, tc.wantErr)
				}
			}
			wantLog := "FC " + tc.marker + " Start RequestId: life-1\nFC " + tc.marker + " End RequestId: life-1" + suffix + "\n"
			if log.String() != wantLog {
				t.Errorf("log = %q, want %q", log.String(), wantLog)
			}
			close(ran)
			if name := <-ran; name != tc.wantRan {
				t.Errorf("ran hook %q, want %q", name, tc.wantRan)
			}
		})
	}
	t.Run("no initializer", func(t *testing.T) {
		url, _ := fcServer(t, fn.New(quiet))
		if r := fcCall(t, url, "POST", "/initialize", fcHeaders("life-2"), nil); r.status != 200 || r.xfc != "200" {
			t.Errorf("reply = %+v, want 200", r)
		}
	})
}

func TestFCConcurrentInvokes(t *testing.T) {
	const n = 50
	var arrived atomic.Int32
	allIn := make(chan struct{})
	app := fn.New(quiet)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		if arrived.Add(1) == n {
			close(allIn)
		}
		select { // hold every invocation until all are in flight
		case <-allIn:
		case <-time.After(5 * time.Second):
		}
		inv, _ := fn.FromContext(ctx)
		return strings.Join([]string{inv.RequestID, inv.Credentials.AccessKeyID, m.ID, m.Text()}, " "), nil
	}))
	var log bytes.Buffer // not safe for concurrent use: the handler must serialise its lines
	srv := httptest.NewServer(&fn.HTTPHandler{App: app, Log: &log})
	replies := make([]fcReply, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			hdr := fcHeaders(fmt.Sprint("req-", i))
			hdr.Set("x-fc-access-key-id", fmt.Sprint("key-", i))
			replies[i] = fcCall(t, srv.URL, "POST", "/invoke", hdr, bytes.NewReader(fcEvent(fmt.Sprint("m-", i), fmt.Sprint("body-", i))))
		})
	}
	wg.Wait()
	srv.Close()
	select {
	case <-allIn:
	default:
		t.Errorf("only %d of %d invocations were in flight at once", arrived.Load(), n)
	}
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	count := make(map[string]int)
	for _, l := range lines {
		count[l]++
	}
	for i, r := range replies {
		if want := fmt.Sprintf(`"req-%d key-%d m-%d body-%d"`, i, i, i, i); r.status != 200 || r.body != want {
			t.Errorf("reply %d = %+v, want 200 %s", i, r, want)
		}
		for _, l := range []string{"FC Invoke Start RequestId: req-", "FC Invoke End RequestId: req-"} {
			if c := count[l+strconv.Itoa(i)]; c != 1 {
				t.Errorf("log has %q %d times", l+strconv.Itoa(i), c)
			}
		}
	}
	if len(lines) != 2*n {
		t.Errorf("log has %d lines, want %d", len(lines), 2*n)
	}
}
