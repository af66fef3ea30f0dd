package fn_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// rawApp is an App with an event route and a raw route that record what
// they were given.
type rawApp struct {
	app    *fn.App
	mu     sync.Mutex
	raw    [][]byte
	events []string
}

func newRawApp(opts ...fn.Option) *rawApp {
	ra := &rawApp{app: fn.New(append([]fn.Option{quiet}, opts...)...)}
	ra.app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		ra.mu.Lock()
		defer ra.mu.Unlock()
		ra.events = append(ra.events, m.ID)
		return nil, nil
	}))
	ra.app.HandleRaw(fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) {
		ra.mu.Lock()
		defer ra.mu.Unlock()
		ra.raw = append(ra.raw, payload)
		return fmt.Sprintf("%d bytes", len(payload)), nil
	}))
	return ra
}

// TestRawPayloads sends what EventBridge delivers for a rule's target
// transforms: each reaches the raw route, byte for byte, and its result is
// the response.
func TestRawPayloads(t *testing.T) {
	for _, tt := range []struct{ name, payload string }{
		{"partial event: a string value, as text", "TEST"},
		{"partial event: a JSON body held in a string", `{"id":"1001","name":"alice","hero":"Yasuo"}`},
		{"partial event: a number", "100"},
		{"partial event: an array", `["10.0.0.123","10.0.0.124"]`},
		{"partial event: an empty array", "[]"},
		{"partial event: a JSONPath that matches nothing", ""},
		{"partial event: base64 of a binary body", "eyJpZCI6IjcifQ=="},
		{"constant", "test1"},
		{"template: text", "The instance is broken, which name is test, Please deal with it timely."},
		{"template: a JSON string", `"name test is in RUNNING"`},
		{"template: JSON", `{"name":"test","state":[9,"RUNNING",true],"Transformed":"Yes"}`},
		{"template: malformed JSON", `{"name": test}`},
		{"template: escapes kept as sent", `{"text":"var is \"abc\"\n"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ra := newRawApp()
			out, err := ra.app.Invoke(context.Background(), []byte(tt.payload))
			if err != nil {
				t.Fatal(err)
			}
			if len(ra.raw) != 1 || string(ra.raw[0]) != tt.payload || len(ra.events) != 0 {
				t.Fatalf("raw route got %q, event route %q; want the payload on the raw route", ra.raw, ra.events)
			}
			if want := fmt.Sprintf(`"%d bytes"`, len(tt.payload)); string(out) != want {
				t.Errorf("response %s, want %s", out, want)
			}
		})
	}
}

// TestEventsTakeEventRoutes checks that events, whole or broken, never go to
// the raw route: the fixtures of every delivery mode, the data object a
// Partial event of $.data delivers (RawData), and malformed events.
func TestEventsTakeEventRoutes(t *testing.T) {
	for _, file := range []string{"eventbridge-custom-source.json", "constructed/eventbridge-custom-source-5x.json",
		"fc-trigger-single.json", "fc-trigger-batch.json", "self-managed-rawdata.json"} {
		t.Run(file, func(t *testing.T) {
			ra := newRawApp()
			if _, err := ra.app.Invoke(context.Background(), fcFixture(t, "../event/testdata/"+file)); err != nil {
				t.Fatal(err)
			}
			if len(ra.events) == 0 || len(ra.raw) != 0 {
				t.Errorf("event route got %q, raw route %q", ra.events, ra.raw)
			}
		})
	}
	for _, tt := range []struct{ name, payload, want string }{
		{"partial event $.data", `{"topic":"orders","systemProperties":{"UNIQ_KEY":"m1"},"userProperties":{},"body":"x"}`, ""},
		{"a batch with an event among values", `["a",{"topic":"orders","systemProperties":{"UNIQ_KEY":"m1"},"body":"x"}]`,
			fn.ErrorMessagesFailed},
		{"a member of the wrong type", `{"specversion":"1.0","data":{"topic":["orders"],"body":"x"}}`, fn.ErrorMalformedPayload},
		{"a truncated event", `{"specversion":"1.0","data":{"topic":"orders","body":"x`, fn.ErrorMalformedPayload},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ra := newRawApp()
			_, err := ra.app.Invoke(context.Background(), []byte(tt.payload))
			var ie *fn.InvokeError
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Invoke: %v", err)
			case tt.want != "" && (!errors.As(err, &ie) || ie.Type != tt.want):
				t.Fatalf("Invoke = %v, want an invocation error of type %s", err, tt.want)
			}
			if len(ra.raw) != 0 {
				t.Errorf("raw route got %q", ra.raw)
			}
		})
	}
}

// TestNoRawRoute checks that without a raw route a payload that is not an
// event fails as before: a malformed payload, with an error naming what is
// wrong, or, for an array of values, a failure per element.
func TestNoRawRoute(t *testing.T) {
	app := fn.New(quiet)
	app.Handle("*", "*", recorder("h", new([]string)))
	for _, tt := range []struct{ payload, typ, msg string }{
		{"TEST", fn.ErrorMalformedPayload, "decode payload: at byte 0: expected JSON value, found invalid character 'T'"},
		{"", fn.ErrorMalformedPayload, "decode payload: at byte 0: empty payload"},
		{`{"id":"1001"}`, fn.ErrorMalformedPayload, "not an event: no data, topic, body or specversion member"},
		{`["a","b"]`, fn.ErrorMessagesFailed, "2 of 2 messages failed; first: decode payload: element 0: at byte 1: expected an event object, found a string that does not hold one"},
	} {
		_, err := app.Invoke(context.Background(), []byte(tt.payload))
		var ie *fn.InvokeError
		if !errors.As(err, &ie) || ie.Type != tt.typ || !strings.Contains(ie.Message, tt.msg) {
			t.Errorf("Invoke(%q) = %v, want %s naming %q", tt.payload, err, tt.typ, tt.msg)
		}
		if !errors.Is(err, event.ErrNotEvent) {
			t.Errorf("Invoke(%q) = %v, not ErrNotEvent", tt.payload, err)
		}
	}
}

// TestRawPayloadIsACopy checks that the raw route's bytes are its own: the
// caller's buffer may be reused after Invoke, and the FC custom runtime
// (which decodes the buffers it reads in place) delivers them as sent.
func TestRawPayloadIsACopy(t *testing.T) {
	ra := newRawApp()
	buf := []byte(`{"text":"a\"b\u00e9"}`)
	if _, err := ra.app.Invoke(context.Background(), buf); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXXXXX")
	if got := string(ra.raw[0]); got != `{"text":"a\"b\u00e9"}` {
		t.Errorf("raw route's payload changed with the caller's buffer: %q", got)
	}

	url, _ := fcServer(t, ra.app)
	const sent = `{"title":"a\"b\\c\u00e9","n":[1,"\t"]}`
	if r := fcCall(t, url, "POST", "/invoke", fcHeaders("r-1"), strings.NewReader(sent)); r.status != 200 {
		t.Fatalf("reply %d %s", r.status, r.body)
	}
	if got := string(ra.raw[1]); got != sent {
		t.Errorf("FC custom runtime delivered %q to the raw route, want %q as sent", got, sent)
	}
}

// TestRawInvocation checks what the raw handler sees of the invocation on
// the FC custom runtime, and that its failure is reported as a message's.
func TestRawInvocation(t *testing.T) {
	app := fn.New(quiet)
	var got fn.Invocation
	app.HandleRaw(fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) {
		inv, ok := fn.FromContext(ctx)
		if !ok {
			return nil, errors.New("no invocation in the context")
		}
		got = *inv
		if string(payload) == "fail" {
			return nil, errors.New("cannot take it")
		}
		return map[string]string{"got": string(payload)}, nil
	}))
	url, _ := fcServer(t, app)
	r := fcCall(t, url, "POST", "/invoke", fcHeaders("req-7"), strings.NewReader("hello"))
	if r.status != 200 || r.body != `{"got":"hello"}` {
		t.Fatalf("reply %d %s", r.status, r.body)
	}
	got.Deadline = time.Time{}
	if want := fcWant("req-7", "fc"); got != want {
		t.Errorf("invocation\n %+v\nwant\n %+v", got, want)
	}
	e := fcCall(t, url, "POST", "/invoke", fcHeaders("req-8"), strings.NewReader("fail")).failed(t)
	if e.Type != fn.ErrorMessagesFailed || e.RequestID != "req-8" || len(e.Failures) != 1 ||
		e.Failures[0].Error != "cannot take it" || e.Message != "1 of 1 messages failed; first: cannot take it" {
		t.Errorf("error body %+v", e)
	}
}

// TestRawPanic checks that a raw handler's panic fails the invocation with
// a *PanicError, as a message handler's does.
func TestRawPanic(t *testing.T) {
	app := fn.New(quiet)
	app.HandleRaw(fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) { panic("boom") }))
	_, err := app.Invoke(context.Background(), []byte("x"))
	var pe *fn.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Fatalf("err = %v, want a *PanicError", err)
	}
}

// TestRawDeadline checks that Invoke returns at the deadline when the raw
// handler does not.
func TestRawDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	app := fn.New(quiet)
	app.HandleRaw(fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) {
		<-release // ignores ctx
		return nil, nil
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := app.Invoke(ctx, []byte("x"))
		done <- err
	}()
	select {
	case err := <-done:
		var ie *fn.InvokeError
		if !errors.As(err, &ie) || ie.Type != fn.ErrorDeadlineExceeded || !errors.Is(err, context.DeadlineExceeded) ||
			len(ie.Failures) != 1 {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Invoke did not return at the deadline")
	}
}

func TestRawTyped(t *testing.T) {
	type order struct {
		ID     string `json:"id"`
		Amount int    `json:"amount"`
	}
	var got []order
	app := fn.New(quiet)
	app.HandleRaw(fn.RawTyped(func(ctx context.Context, o order) error {
		got = append(got, o)
		return nil
	}))
	for _, payload := range []string{
		`{"id":"o-1","amount":12}`,
		base64.StdEncoding.EncodeToString([]byte(`{"id":"o-2","amount":3}`)),
	} {
		if _, err := app.Invoke(context.Background(), []byte(payload)); err != nil {
			t.Fatalf("Invoke(%s): %v", payload, err)
		}
	}
	if fmt.Sprint(got) != "[{o-1 12} {o-2 3}]" {
		t.Errorf("handler got %v", got)
	}
	_, err := app.Invoke(context.Background(), []byte(`{"id":"o-3","amount":"ten"}`))
	if err == nil || !strings.Contains(err.Error(), "raw payload:") || !strings.Contains(err.Error(), "amount") {
		t.Errorf("err = %v, want a raw payload error naming the field", err)
	}

	var text string
	app = fn.New(quiet)
	app.HandleRaw(fn.RawTyped(func(ctx context.Context, s string) error { text = s; return nil }))
	if _, err := app.Invoke(context.Background(), []byte("plain text")); err != nil || text != "plain text" {
		t.Errorf("string handler got %q, %v", text, err)
	}
}

// TestRawMiddlewareAndHooks checks that middleware, hooks and the failure
// handler see the raw payload as one message whose body is the payload.
func TestRawMiddlewareAndHooks(t *testing.T) {
	var seen []string
	var stats fn.Stats
	var failure fn.Failure
	app := fn.New(quiet,
		fn.WithHooks(fn.Hooks{
			MessageDone: func(ctx context.Context, m *event.Message, d time.Duration, err error) {
				seen = append(seen, "hook:"+m.Text())
			},
			InvocationDone: func(ctx context.Context, s fn.Stats) { stats = s },
		}),
		fn.WithFailureHandler(func(ctx context.Context, f fn.Failure) error { failure = f; return nil }))
	app.Use(func(next fn.Handler) fn.Handler {
		return fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
			seen = append(seen, "mw:"+m.Text())
			return next.Handle(ctx, m)
		})
	})
	app.HandleRaw(fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) {
		if m, ok := fn.MessageFromContext(ctx); !ok || !bytes.Equal(m.Body, payload) {
			return nil, errors.New("the context does not carry the payload's message")
		}
		return nil, errors.New("refused")
	}))
	if _, err := app.Invoke(context.Background(), []byte("abc")); err != nil {
		t.Fatalf("Invoke: %v (the failure handler takes the failure)", err)
	}
	if fmt.Sprint(seen) != "[mw:abc hook:abc]" {
		t.Errorf("middleware and hooks saw %v", seen)
	}
	if stats.Messages != 1 || stats.Failed != 1 {
		t.Errorf("stats %+v, want 1 message, 1 failed", stats)
	}
	if failure.Error != "refused" || failure.Message == nil || failure.Message.Text() != "abc" {
		t.Errorf("failure %+v, want the payload's", failure)
	}
}

// TestRawCommitter checks that the committers run around the raw route and
// get its message when it succeeded.
func TestRawCommitter(t *testing.T) {
	c := &countCommitter{}
	app := fn.New(quiet, fn.WithCommitter(c))
	app.HandleRaw(fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) {
		if ctx.Value(countKey{}) == nil {
			return nil, errors.New("no Begin before the handler")
		}
		if string(payload) == "bad" {
			return nil, errors.New("bad")
		}
		return nil, nil
	}))
	if _, err := app.Invoke(context.Background(), []byte("good")); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Invoke(context.Background(), []byte("bad")); err == nil {
		t.Fatal("a failed raw payload succeeded")
	}
	if fmt.Sprint(c.handled) != "[[good] []]" {
		t.Errorf("commits got %v", c.handled)
	}
}

type countKey struct{}

// countCommitter records the bodies of the messages each Commit gets.
type countCommitter struct{ handled [][]string }

func (c *countCommitter) Begin(ctx context.Context) context.Context {
	return context.WithValue(ctx, countKey{}, true)
}

func (c *countCommitter) Commit(ctx context.Context, handled []*event.Message) error {
	var bodies []string
	for _, m := range handled {
		bodies = append(bodies, m.Text())
	}
	c.handled = append(c.handled, bodies)
	return nil
}

func TestHandleRawPanics(t *testing.T) {
	h := fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) { return nil, nil })
	for name, f := range map[string]func(*fn.App){
		"nil":   func(a *fn.App) { a.HandleRaw(nil) },
		"twice": func(a *fn.App) { a.HandleRaw(h); a.HandleRaw(h) },
		"after the first invocation": func(a *fn.App) {
			a.Invoke(context.Background(), []byte("x"))
			a.HandleRaw(h)
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("HandleRaw did not panic")
				}
			}()
			f(fn.New(quiet))
		})
	}
}

func ExampleApp_HandleRaw() {
	app := fn.New()
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, body string) error {
		fmt.Println("event:", body)
		return nil
	}))
	// A rule whose target takes the Partial event $.data.body delivers the
	// body alone, as text.
	app.HandleRaw(fn.RawFunc(func(ctx context.Context, payload []byte) (any, error) {
		inv, _ := fn.FromContext(ctx)
		fmt.Printf("raw payload of %s: %s\n", inv.RequestID, payload)
		return nil, nil
	}))
	ctx := fn.NewContext(context.Background(), &fn.Invocation{RequestID: "r-1"})
	app.Invoke(ctx, []byte(`TEST`))
	app.Invoke(ctx, []byte(`{"topic":"orders","systemProperties":{"UNIQ_KEY":"m1"},"body":"TEST"}`))
	// Output:
	// raw payload of r-1: TEST
	// event: TEST
}

func ExampleRawTyped() {
	app := fn.New()
	// A Template target that delivers {"id":"${id}","amount":${amount}}.
	app.HandleRaw(fn.RawTyped(func(ctx context.Context, o Order) error {
		fmt.Printf("%+v\n", o)
		return nil
	}))
	_, err := app.Invoke(context.Background(), []byte(`{"id":"o-1","amount":12}`))
	fmt.Println(err)
	// Output:
	// {ID:o-1 Amount:12}
	// <nil>
}

// FuzzRawRoute feeds arbitrary payloads to an App with a raw route: the
// raw route must get exactly the payloads that hold no event, byte for
// byte, and the others must take the event routes.
func FuzzRawRoute(f *testing.F) {
	for _, s := range []string{"TEST", "", "[]", `["a",1]`, `{"id":"1"}`, `"{\"topic\":\"t\"}"`, `{"topic":["t"]}`,
		`{"specversion":"1.0","data":{"topic":"t","body":"b"}}`, `[{"topic":"t","body":"b"},"x"]`, `{"x":"a\"b"} tail`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var got []byte
		raw := false
		app := fn.New(quiet)
		app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) { return nil, nil }))
		app.HandleRaw(fn.RawFunc(func(ctx context.Context, p []byte) (any, error) {
			raw, got = true, p
			return nil, nil
		}))
		sent := bytes.Clone(payload)
		_, err := app.Invoke(context.Background(), sent)
		p, derr := event.Decode(payload)
		want := errors.Is(derr, event.ErrNotEvent) ||
			(derr == nil && p.Batch && len(p.Messages) == 0 && !slices.ContainsFunc(p.Failed, func(e *event.DecodeError) bool {
				return !errors.Is(e, event.ErrNotEvent)
			}))
		switch {
		case raw != want:
			t.Fatalf("Invoke(%q): raw route called %v, want %v (decode: %v)", payload, raw, want, derr)
		case raw && (!bytes.Equal(got, payload) || err != nil):
			t.Fatalf("Invoke(%q): raw route got %q, invocation error %v", payload, got, err)
		case raw && len(got) > 0 && &got[0] == &sent[0]:
			t.Fatalf("Invoke(%q): the raw route got the caller's buffer, not a copy", payload)
		}
	})
}
