package awslambda_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/rocketfn/rocketfn/runtime/awslambda"
	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

const testdata = "../event/testdata/"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func quiet() fn.Option { return fn.WithLogger(slog.New(slog.DiscardHandler)) }

// seen is what a handler observed of one message.
type seen struct {
	ID, Topic, Tag, Body string
}

// fixtureMessages lists, per fixture, the messages a handler must see.
var fixtureMessages = map[string][]seen{
	"eventbridge-custom-source.json": {
		{"AC14C305069E1B28CDFA3181CDA2****", "TopicName", "systemProperties.TAGS", "TEST"},
	},
	"fc-trigger-batch.json": {
		{"94ebc15f-f0db-4bbe-acce-56fb72fb****", "TopicName", "systemProperties.TAGS", "TEST"},
		{"a1c2e3f4-0000-4bbe-acce-56fb72fb****", "TopicName", "systemProperties.TAGS", "TEST2"},
	},
	"fc-trigger-single.json": {
		{"94ebc15f-f0db-4bbe-acce-56fb72fb****", "TopicName", "systemProperties.TAGS", "TEST"},
	},
	"players-batch.json": {
		{"AC14C305069E1B28CDFA3181CDA20001", "players", "register", `{"id":"1001","name":"alice","job":"mage","hero":"Yasuo"}`},
		{"AC14C305069E1B28CDFA3181CDA20002", "players", "register", `{"id":"1002","name":"bob","job":"warrior","hero":"Garen"}`},
		{"AC14C305069E1B28CDFA3181CDA20003", "players", "register", `{"id":"1003","name":"carol","job":"support","hero":"Lulu"}`},
	},
	"self-managed-rawdata.json": {
		{"7F0000010BDD2A84AEE70DA49B57****", "testTopic", "TagA", "Hello RocketMQ"},
	},
}

// TestFixturesCovered keeps fixtureMessages in step with the fixtures.
func TestFixturesCovered(t *testing.T) {
	files, err := filepath.Glob(testdata + "*.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	var want []string
	for name := range fixtureMessages {
		want = append(want, name)
	}
	sort.Strings(want)
	if !reflect.DeepEqual(names, want) {
		t.Errorf("fixtures %v, fixtureMessages covers %v", names, want)
	}
}

// recorder is a handler that records the messages and invocations it sees
// and answers each message with its ID.
type recorder struct {
	mu   sync.Mutex
	msgs []seen
	invs []fn.Invocation
}

func (r *recorder) Handle(ctx context.Context, m *event.Message) (any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, seen{m.ID, m.Topic, m.Tag, m.Text()})
	if inv, ok := fn.FromContext(ctx); ok {
		r.invs = append(r.invs, *inv)
	}
	return m.ID, nil
}

// lambdaContext is a context as aws-lambda-go makes it for an invocation.
func lambdaContext(t *testing.T, requestID string, deadline time.Time) context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	t.Cleanup(cancel)
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
		AwsRequestID:       requestID,
		InvokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:players:live",
	})
}

func TestHandlerFixtures(t *testing.T) {
	lambdacontext.FunctionName, lambdacontext.FunctionVersion, lambdacontext.MemoryLimitInMB = "players", "7", 256
	t.Cleanup(func() {
		lambdacontext.FunctionName, lambdacontext.FunctionVersion, lambdacontext.MemoryLimitInMB = "", "", 0
	})
	for name, want := range fixtureMessages {
		t.Run(name, func(t *testing.T) {
			rec := &recorder{}
			app := fn.New(quiet())
			app.Handle("*", "*", rec)
			deadline := time.Now().Add(time.Minute).Truncate(time.Millisecond)
			out, err := awslambda.Handler(app).Invoke(lambdaContext(t, "req-"+name, deadline), fixture(t, name))
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if !reflect.DeepEqual(rec.msgs, want) {
				t.Errorf("handler saw %+v\nwant %+v", rec.msgs, want)
			}
			if got, want := string(out), responseOf(t, name, want); got != want {
				t.Errorf("response %s, want %s", got, want)
			}
			wantInv := fn.Invocation{RequestID: "req-" + name, Platform: "lambda", Deadline: deadline,
				Function: fn.Function{Name: "players", Version: "7", Memory: 256, Qualifier: "live"},
				Region:   "eu-west-1", AccountID: "123456789012"}
			for _, inv := range rec.invs {
				if !reflect.DeepEqual(inv, wantInv) {
					t.Errorf("invocation %+v\nwant %+v", inv, wantInv)
				}
			}
			if len(rec.invs) != len(want) {
				t.Errorf("%d invocations in the context, want %d", len(rec.invs), len(want))
			}
		})
	}
}

// responseOf is the response of recorder for a fixture: the ID of a single
// event, an array of IDs for a batch.
func responseOf(t *testing.T, name string, msgs []seen) string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	var v any = ids
	if !strings.HasPrefix(strings.TrimSpace(string(fixture(t, name))), "[") {
		v = ids[0]
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandlerNoResultIsNull(t *testing.T) {
	app := fn.New(quiet())
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, s string) error { return nil }))
	out, err := awslambda.Handler(app).Invoke(context.Background(), fixture(t, "fc-trigger-single.json"))
	if err != nil || string(out) != "null" {
		t.Errorf("Invoke = %q, %v; want null, nil", out, err)
	}
}

func TestHandlerErrors(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string        // "" for a payload that is not JSON
		deadline time.Duration // from now
		want     string        // the error payload aws-lambda-go posts
	}{
		{"handler error", "players-batch.json", time.Minute,
			`{"errorMessage":"1 of 3 messages failed; first: table busy","errorType":"MessagesFailed"}`},
		{"malformed payload", "", time.Minute,
			`{"errorMessage":"decode payload: at byte 0: invalid literal, expected null","errorType":"MalformedPayload"}`},
		{"deadline exceeded", "fc-trigger-single.json", 20 * time.Millisecond,
			`{"errorMessage":"invocation deadline exceeded with 1 messages","errorType":"DeadlineExceeded"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := []byte("not json")
			if tt.fixture != "" {
				payload = fixture(t, tt.fixture)
			}
			release := make(chan struct{})
			defer close(release)
			ctx := lambdaContext(t, "req-1", time.Now().Add(tt.deadline))
			out, err := awslambda.Handler(failingApp(release)).Invoke(ctx, payload)
			if out != nil {
				t.Errorf("response %s, want none", out)
			}
			var ire messages.InvokeResponse_Error
			if !errors.As(err, &ire) {
				t.Fatalf("error %T %v, want a messages.InvokeResponse_Error value", err, err)
			}
			if got, _ := json.Marshal(ire); string(got) != tt.want {
				t.Errorf("error payload %s\nwant %s", got, tt.want)
			}
		})
	}
}

// failingApp fails player 1002 and blocks on other topics until release
// is closed.
func failingApp(release <-chan struct{}) *fn.App {
	app := fn.New(quiet())
	app.Handle("players", "*", fn.Typed(func(ctx context.Context, p map[string]string) error {
		if p["id"] == "1002" {
			return errors.New("table busy")
		}
		return nil
	}))
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		<-release
		return nil, nil
	}))
	return app
}
