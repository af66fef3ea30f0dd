package fn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

func TestResults(t *testing.T) {
	upper := fn.TypedResult(func(ctx context.Context, s string) (string, error) { return strings.ToUpper(s), nil })
	tests := []struct {
		name, payload, want string
	}{
		{"single event gives the result itself", mq("1", "t", "", "a"), `"A"`},
		{"batch gives an array", string(batch(mq("1", "t", "", "a"), mq("2", "t", "", "b"))), `["A","B"]`},
		{"batch of one is still an array", string(batch(mq("1", "t", "", "a"))), `["A"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := fn.New()
			app.Handle("*", "*", upper)
			out, err := app.Invoke(context.Background(), []byte(tt.payload))
			if err != nil || string(out) != tt.want {
				t.Errorf("Invoke = %s, %v; want %s", out, err, tt.want)
			}
		})
	}
}

func TestRawBodies(t *testing.T) {
	var gotString string
	var gotBytes []byte
	app := fn.New()
	app.Handle("s", "*", fn.Typed(func(ctx context.Context, s string) error { gotString = s; return nil }))
	app.Handle("b", "*", fn.Typed(func(ctx context.Context, b []byte) error { gotBytes = b; return nil }))
	if _, err := app.Invoke(context.Background(), batch(mq("1", "s", "", "not json"), mq("2", "b", "", "raw bytes"))); err != nil {
		t.Fatal(err)
	}
	if gotString != "not json" || string(gotBytes) != "raw bytes" {
		t.Errorf("string %q, bytes %q", gotString, gotBytes)
	}
}

func TestMalformedElementsFailAlone(t *testing.T) {
	var handled []string
	app := fn.New()
	app.Handle("*", "*", recorder("h", &handled))
	first := `[` + mq("1", "t", "", "") + `, `
	_, err := app.Invoke(context.Background(), []byte(first+`42, `+mq("3", "t", "", "")+`]`))
	if fmt.Sprint(handled) != "[h:1 h:3]" {
		t.Errorf("handled %v; the good elements must be handled", handled)
	}
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].Index != 1 ||
		!strings.Contains(ie.Failures[0].Error, fmt.Sprintf("element 1: at byte %d: expected an event object, found number", len(first))) {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, event.ErrMalformed) {
		t.Error("element failure is not ErrMalformed")
	}
}

func TestMalformedPayload(t *testing.T) {
	app := fn.New()
	app.Handle("*", "*", recorder("h", new([]string)))
	for _, payload := range []string{"", "{", "not json", `{"data":{"topic":1}}`, "\xff"} {
		_, err := app.Invoke(context.Background(), []byte(payload))
		var ie *fn.InvokeError
		if !errors.As(err, &ie) || ie.Type != fn.ErrorMalformedPayload || !errors.Is(err, event.ErrMalformed) {
			t.Errorf("Invoke(%q) = %v", payload, err)
		}
	}
}

// TestConcurrencyKeepsShardingKeyOrder handles a batch on four goroutines
// and checks that messages of one sharding key never overlap and keep their
// order, while messages of different keys do run at the same time.
func TestConcurrencyKeepsShardingKeyOrder(t *testing.T) {
	const keys, perKey = 4, 25
	var elems []string
	for i := range keys * perKey {
		key := fmt.Sprintf("k%d", i%keys)
		elems = append(elems, fmt.Sprintf(`{"topic":"t","systemProperties":{"UNIQ_KEY":"%d","__SHARDINGKEY":%q},"body":"%d"}`, i, key, i))
	}
	var mu sync.Mutex
	order := map[string][]string{}
	active := map[string]bool{}
	var running, maxRunning atomic.Int32
	// The first handler to run with another one running closes overlap;
	// until then each handler waits for it, so handlers of different keys
	// overlap if the App lets them. giveUp ends the wait of an App that
	// does not, which the check of maxRunning then reports.
	overlap, giveUp := make(chan struct{}), make(chan struct{})
	var overlapOnce sync.Once
	stop := time.AfterFunc(10*time.Second, func() { close(giveUp) })
	defer stop.Stop()
	app := fn.New(fn.WithConcurrency(4))
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		mu.Lock()
		if active[m.ShardingKey] {
			mu.Unlock()
			return nil, fmt.Errorf("two messages of key %s at once", m.ShardingKey)
		}
		active[m.ShardingKey] = true
		order[m.ShardingKey] = append(order[m.ShardingKey], m.ID)
		mu.Unlock()
		n := running.Add(1)
		for {
			old := maxRunning.Load()
			if n <= old || maxRunning.CompareAndSwap(old, n) {
				break
			}
		}
		if n >= 2 {
			overlapOnce.Do(func() { close(overlap) })
		}
		select {
		case <-overlap:
		case <-giveUp:
		}
		running.Add(-1)
		mu.Lock()
		active[m.ShardingKey] = false
		mu.Unlock()
		return m.Text(), nil
	}))
	out, err := app.Invoke(context.Background(), batch(elems...))
	if err != nil {
		t.Fatal(err)
	}
	for k, ids := range order {
		for j := 1; j < len(ids); j++ {
			var a, b int
			fmt.Sscan(ids[j-1], &a)
			fmt.Sscan(ids[j], &b)
			if a > b {
				t.Errorf("key %s handled out of order: %v", k, ids)
				break
			}
		}
	}
	if maxRunning.Load() < 2 {
		t.Errorf("at most %d handlers ran at once; want concurrency", maxRunning.Load())
	}
	if !bytes.HasPrefix(out, []byte(`["0","1","2"`)) {
		t.Errorf("results not in payload order: %.40s", out)
	}
}

// TestDeadline checks that Invoke returns at the deadline when a handler
// does not, and that the error says so.
func TestDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	app := fn.New()
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error {
		<-release // ignores ctx
		return nil
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := app.Invoke(ctx, []byte(mq("1", "t", "", "x")))
		done <- err
	}()
	select {
	case err := <-done:
		var ie *fn.InvokeError
		if !errors.As(err, &ie) || ie.Type != fn.ErrorDeadlineExceeded || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Invoke did not return at the deadline")
	}
}

func TestExpiredContextSkipsHandlers(t *testing.T) {
	var calls atomic.Int32
	app := fn.New()
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error { calls.Add(1); return nil }))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := app.Invoke(ctx, batch(mq("1", "t", "", ""), mq("2", "t", "", "")))
	if err == nil || calls.Load() != 0 {
		t.Errorf("err %v, %d calls; want an error and no calls", err, calls.Load())
	}
}

func TestMiddlewareOrder(t *testing.T) {
	var trace []string
	mw := func(name string) fn.Middleware {
		return func(next fn.Handler) fn.Handler {
			return fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
				trace = append(trace, name+">")
				res, err := next.Handle(ctx, m)
				trace = append(trace, "<"+name)
				return res, err
			})
		}
	}
	app := fn.New()
	app.Use(mw("a"), mw("b"))
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error { trace = append(trace, "h"); return nil }))
	if _, err := app.Invoke(context.Background(), []byte(mq("1", "t", "", ""))); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(trace, " "); got != "a> b> h <b <a" {
		t.Errorf("trace %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Handle after the first Invoke did not panic")
		}
	}()
	app.Handle("late", "*", recorder("x", new([]string)))
}

func TestHooksAndLogs(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(fn.LogHandler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	var done []string
	var stats fn.Stats
	app := fn.New(fn.WithLogger(logger), fn.WithHooks(fn.Hooks{
		MessageDone: func(ctx context.Context, m *event.Message, d time.Duration, err error) {
			done = append(done, fmt.Sprintf("%s:%v", m.ID, err != nil))
		},
		InvocationDone: func(ctx context.Context, s fn.Stats) { stats = s },
	}))
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error {
		logger.InfoContext(ctx, "handling", "body", s)
		if s == "bad" {
			return errors.New("refused")
		}
		return nil
	}))
	ctx := fn.NewContext(context.Background(), &fn.Invocation{RequestID: "req-7"})
	app.Invoke(ctx, batch(mq("m1", "t", "", "ok"), mq("m2", "t", "", "bad")))
	if fmt.Sprint(done) != "[m1:false m2:true]" {
		t.Errorf("MessageDone calls %v", done)
	}
	if stats.Messages != 2 || stats.Failed != 1 || stats.Err == nil {
		t.Errorf("stats %+v", stats)
	}
	logs := buf.String()
	for _, want := range []string{
		`msg=handling body=ok request_id=req-7 message_id=m1`,
		`level=ERROR msg="message failed" message_id=m2 index=1 topic=t tag="" error=refused request_id=req-7`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

// TestCredentialsDoNotLeak prints credentials, and an invocation holding
// them, every way Go code prints values: fmt's verbs, json.Marshal, and
// slog's JSON and text handlers (the JSON handler is what FC functions
// log with), by value and by pointer. None shows the secret or token; the
// key ID stays readable.
func TestCredentialsDoNotLeak(t *testing.T) {
	c := fn.Credentials{AccessKeyID: "STS.id", AccessKeySecret: "s3cret", SecurityToken: "tok3n"}
	inv := &fn.Invocation{RequestID: "r1", Credentials: c}
	var outputs []string
	for _, v := range []any{c, &c, *inv, inv} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			outputs = append(outputs, fmt.Sprintf(verb, v))
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(b))
		var jsonLog, textLog bytes.Buffer
		slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("creds", "v", v)
		slog.New(slog.NewTextHandler(&textLog, nil)).Info("creds", "v", v)
		outputs = append(outputs, jsonLog.String(), textLog.String())
	}
	for _, s := range outputs {
		if strings.Contains(s, "s3cret") || strings.Contains(s, "tok3n") ||
			strings.Contains(s, fmt.Sprintf("%x", "s3cret")) || strings.Contains(s, fmt.Sprintf("%X", "tok3n")) {
			t.Errorf("secret printed: %s", s)
		}
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%#v", c), outputs[8]} {
		if !strings.Contains(s, "STS.id") {
			t.Errorf("the key ID is not printed: %s", s)
		}
	}
	if got := fmt.Sprint(fn.Credentials{}); got != "Credentials{}" {
		t.Errorf("empty credentials print %q", got)
	}
}

// TestConcurrentInvokes runs invocations in parallel on one App, for -race.
func TestConcurrentInvokes(t *testing.T) {
	app := fn.New(fn.WithConcurrency(3))
	app.Handle("*", "*", fn.TypedResult(func(ctx context.Context, s string) (string, error) {
		m, _ := fn.MessageFromContext(ctx)
		return s + "/" + m.ID, nil
	}))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			id := fmt.Sprint(i)
			out, err := app.Invoke(context.Background(), batch(mq(id, "t", "", "a"), mq(id+"b", "t", "", "b")))
			if want := fmt.Sprintf(`["a/%s","b/%sb"]`, id, id); err != nil || string(out) != want {
				t.Errorf("Invoke = %s, %v; want %s", out, err, want)
			}
		})
	}
	wg.Wait()
}

// TestHookPanics checks that panicking metrics hooks are logged, not
// spread: with a deadline the handlers run on another goroutine, where a
// panic would end the process.
func TestHookPanics(t *testing.T) {
	var buf bytes.Buffer
	app := fn.New(fn.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))), fn.WithHooks(fn.Hooks{
		MessageDone:    func(context.Context, *event.Message, time.Duration, error) { panic("metrics down") },
		InvocationDone: func(context.Context, fn.Stats) { panic("metrics down") },
	}))
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error { return nil }))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := app.Invoke(ctx, []byte(mq("1", "t", "", "x"))); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `msg="hook panicked"`); n != 2 {
		t.Errorf("%d hook panics logged, want 2:\n%s", n, buf.String())
	}
}

// TestGoexitWithConcurrency: handlers that end their goroutine with
// runtime.Goexit (as t.FailNow does) fail their messages; the messages
// after one in its sharding key are not handled; and the invocation
// returns however many workers exit so.
func TestGoexitWithConcurrency(t *testing.T) {
	app := fn.New(fn.WithConcurrency(2))
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		if string(m.Body) == "exit" {
			runtime.Goexit()
		}
		return "ok", nil
	}))
	keyed := func(id, body string) string {
		return fmt.Sprintf(`{"topic":"t","systemProperties":{"UNIQ_KEY":%q,"__SHARDINGKEY":"k"},"body":%q}`, id, body)
	}
	payload := batch(mq("a", "t", "", "exit"), mq("b", "t", "", "exit"), mq("c", "t", "", "exit"),
		keyed("k1", "exit"), keyed("k2", "fine"), mq("d", "t", "", "fine"))
	done := make(chan error, 1)
	go func() {
		_, err := app.Invoke(context.Background(), payload)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the invocation did not return: its handlers called runtime.Goexit")
	}
	var ie *fn.InvokeError
	if !errors.As(err, &ie) {
		t.Fatalf("Invoke error %v, want an InvokeError", err)
	}
	failed := map[string]string{}
	for _, f := range ie.Failures {
		failed[f.MessageID] = f.Error
	}
	for _, id := range []string{"a", "b", "c", "k1", "k2"} {
		if !strings.Contains(failed[id], "runtime.Goexit") {
			t.Errorf("message %s: failure %q, want one naming runtime.Goexit", id, failed[id])
		}
	}
	if _, ok := failed["d"]; ok || len(failed) != 5 {
		t.Errorf("failures %v, want a, b, c, k1 and k2", failed)
	}
	if !strings.Contains(failed["k2"], "not handled") {
		t.Errorf("k2 after k1 of its sharding key: %q", failed["k2"])
	}
}
