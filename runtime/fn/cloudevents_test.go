package fn_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/protocol"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// ceSeen is what a handler saw of a message delivered as a CloudEvent.
type ceSeen struct {
	ID, Topic, Tag, Body string
	Keys                 []string
	User                 map[string]string
	Event                event.CloudEvent
	Platform, RequestID  string
}

// ceRecorder records the messages it handles and answers each with its ID,
// or with no result.
type ceRecorder struct {
	mu       sync.Mutex
	seen     []ceSeen
	noResult bool
}

func (r *ceRecorder) Handle(ctx context.Context, m *event.Message) (any, error) {
	inv, _ := fn.FromContext(ctx)
	s := ceSeen{ID: m.ID, Topic: m.Topic, Tag: m.Tag, Body: m.Text(), Keys: m.Keys, User: m.UserProperties.Map(),
		Event: m.Event, Platform: inv.Platform, RequestID: inv.RequestID}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, s)
	if r.noResult {
		return nil, nil
	}
	return m.ID, nil
}

func (r *ceRecorder) all() []ceSeen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ceSeen(nil), r.seen...)
}

// ceServer serves app and returns its URL and the last request's headers.
func ceServer(t *testing.T, app *fn.App) (string, *atomic.Pointer[http.Header]) {
	var last atomic.Pointer[http.Header]
	last.Store(&http.Header{})
	h := &fn.HTTPHandler{App: app}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := r.Header.Clone()
		last.Store(&hdr)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &last
}

func ceClient(t *testing.T, url string) cloudevents.Client {
	c, err := cloudevents.NewClientHTTP(cloudevents.WithTarget(url))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rocketMQEvent is a RocketMQ message as EventBridge sends it.
func rocketMQEvent(t *testing.T, id, uniqKey, body string) cloudevents.Event {
	e := newEvent(id, "acs:mq", event.TypeSendMessage)
	e.SetSubject("acs:mq:cn-hangzhou:1234567890:MQ_INST_1234567890_BXhFHryi%orders")
	e.SetTime(time.Date(2021, 4, 8, 6, 1, 20, 766e6, time.UTC))
	for name, v := range map[string]string{"aliyunaccountid": "1234567890", "aliyuneventbusname": "default",
		"aliyunregionid": "cn-hangzhou", "aliyunpublishtime": "2021-04-08T06:01:20.880Z", "aliyunpublishaddr": "172.25.1.1",
		"tenant": "acme"} {
		e.SetExtension(name, v)
	}
	data := map[string]any{"topic": "orders", "userProperties": map[string]string{"region": "eu"}, "body": body,
		"systemProperties": map[string]string{"TAGS": "paid", "KEYS": "k1 k2", "UNIQ_KEY": uniqKey}}
	if err := e.SetData(cloudevents.ApplicationJSON, data); err != nil {
		t.Fatal(err)
	}
	return e
}

func newEvent(id, source, typ string) cloudevents.Event {
	e := cloudevents.NewEvent()
	e.SetID(id)
	e.SetSource(source)
	e.SetType(typ)
	return e
}

// wantSeen is what a handler sees of rocketMQEvent(id, uniqKey, body).
func wantSeen(id, uniqKey, body, requestID string) ceSeen {
	return ceSeen{ID: uniqKey, Topic: "orders", Tag: "paid", Body: body, Keys: []string{"k1", "k2"},
		User: map[string]string{"region": "eu"}, Platform: "cloudevents", RequestID: requestID,
		Event: event.CloudEvent{ID: id, Source: "acs:mq", SpecVersion: "1.0", Type: event.TypeSendMessage,
			Subject:         "acs:mq:cn-hangzhou:1234567890:MQ_INST_1234567890_BXhFHryi%orders",
			DataContentType: cloudevents.ApplicationJSON, Time: "2021-04-08T06:01:20.766Z",
			AccountID: "1234567890", EventBusName: "default", RegionID: "cn-hangzhou",
			PublishTime: "2021-04-08T06:01:20.880Z", PublishAddr: "172.25.1.1",
			Extensions: event.Properties{{Key: "tenant", Value: "acme", Kind: event.String}}}}
}

// encodings are sdk-go's single-event modes and the headers each sends.
var encodings = []struct {
	name, wantContentType, wantSpecVersion string
	ctx                                    func(context.Context) context.Context
}{
	{"binary", cloudevents.ApplicationJSON, "1.0", cloudevents.WithEncodingBinary},
	{"structured", cloudevents.ApplicationCloudEventsJSON, "", cloudevents.WithEncodingStructured},
}

func TestCloudEventRocketMQ(t *testing.T) {
	for _, enc := range encodings {
		t.Run(enc.name, func(t *testing.T) {
			rec := &ceRecorder{noResult: true}
			app := fn.New()
			app.Handle("orders", "paid", rec)
			url, req := ceServer(t, app)
			res := ceClient(t, url).Send(enc.ctx(context.Background()), rocketMQEvent(t, "ce-1", "M1", "hello"))
			if !protocol.IsACK(res) || statusOf(t, res) != http.StatusNoContent {
				t.Errorf("result %v, want an ACK with 204 (no result)", res)
			}
			hdr := *req.Load()
			if ct, sv := hdr.Get("Content-Type"), hdr.Get("ce-specversion"); ct != enc.wantContentType || sv != enc.wantSpecVersion {
				t.Errorf("sent Content-Type %q, ce-specversion %q; want %q, %q", ct, sv, enc.wantContentType, enc.wantSpecVersion)
			}
			want := []ceSeen{wantSeen("ce-1", "M1", "hello", "ce-1")}
			if got := rec.all(); !reflect.DeepEqual(got, want) {
				t.Errorf("handler saw %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestCloudEventTyped(t *testing.T) {
	got := make(chan Order, 1)
	app := fn.New()
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, o Order) error { got <- o; return nil }))
	url, _ := ceServer(t, app)
	e := newEvent("o-1", "shop", "order.created")
	if err := e.SetData(cloudevents.ApplicationJSON, Order{ID: "o-1", Amount: 21}); err != nil {
		t.Fatal(err)
	}
	for _, enc := range encodings {
		if res := ceClient(t, url).Send(enc.ctx(context.Background()), e); !protocol.IsACK(res) || statusOf(t, res) != http.StatusNoContent {
			t.Errorf("%s: result %v, want an ACK with 204", enc.name, res)
		}
		select {
		case o := <-got:
			if o != (Order{ID: "o-1", Amount: 21}) {
				t.Errorf("%s: handler got %+v", enc.name, o)
			}
		default:
			t.Errorf("%s: the handler was not called", enc.name)
		}
	}
}

// TestCloudEventBatch sends a batch. sdk-go's client sends one event at a
// time; its cehttp.NewHTTPRequestFromEvents builds the batch request, which
// net/http sends.
func TestCloudEventBatch(t *testing.T) {
	rec := &ceRecorder{}
	app := fn.New()
	app.Handle("orders", "*", rec)
	url, _ := ceServer(t, app)
	events := []cloudevents.Event{rocketMQEvent(t, "ce-1", "M1", "one"), rocketMQEvent(t, "ce-2", "M2", "two")}
	req, err := cehttp.NewHTTPRequestFromEvents(context.Background(), url, events)
	if err != nil {
		t.Fatal(err)
	}
	status, ct, body := do(t, req)
	if status != http.StatusOK || ct != "application/json" || body != `["M1","M2"]` {
		t.Errorf("answer %d %s %s, want 200 application/json [\"M1\",\"M2\"]", status, ct, body)
	}
	want := []ceSeen{wantSeen("ce-1", "M1", "one", ""), wantSeen("ce-2", "M2", "two", "")}
	if got := rec.all(); !reflect.DeepEqual(got, want) {
		t.Errorf("handler saw %+v\nwant %+v", got, want)
	}
}

// TestCloudEventOutcomes checks the answers as sdk-go's sender sees them:
// an ACK, or a NACK with the status and the InvokeError JSON.
func TestCloudEventOutcomes(t *testing.T) {
	failing := `{"errorType":"MessagesFailed","errorMessage":"1 of 1 messages failed; first: table busy","requestId":"ce-1",` +
		`"failures":[{"messageId":"M1","index":0,"topic":"orders","tag":"paid","error":"table busy"}]}`
	tests := []struct {
		name       string
		maxPayload int
		body       string
		wantStatus int
		wantBody   string // in the NACK
	}{
		{"ok", 0, "fine", http.StatusNoContent, ""},
		{"handler error", 0, "fail", http.StatusInternalServerError, failing},
		{"too large", 100, "x", http.StatusRequestEntityTooLarge,
			`{"errorType":"MalformedPayload","errorMessage":"payload too large: body of `},
	}
	for _, enc := range encodings {
		for _, tt := range tests {
			t.Run(enc.name+"/"+tt.name, func(t *testing.T) {
				app := fn.New(fn.WithLogger(slog.New(slog.DiscardHandler)), fn.WithDecoder(event.Decoder{MaxPayload: tt.maxPayload}))
				app.Handle("orders", "*", fn.Typed(func(ctx context.Context, s string) error {
					if s == "fail" {
						return errors.New("table busy")
					}
					return nil
				}))
				url, _ := ceServer(t, app)
				res := ceClient(t, url).Send(enc.ctx(context.Background()), rocketMQEvent(t, "ce-1", "M1", tt.body))
				if got := statusOf(t, res); got != tt.wantStatus || protocol.IsACK(res) != (tt.wantBody == "") {
					t.Fatalf("result %v: status %d, ACK %t; want %d", res, got, protocol.IsACK(res), tt.wantStatus)
				}
				if tt.wantBody != "" && (!protocol.IsNACK(res) || !strings.Contains(res.Error(), tt.wantBody)) {
					t.Errorf("result %v\nwant a NACK with %s", res, tt.wantBody)
				}
			})
		}
	}
}

// TestCloudEventRefused covers malformed events and requests that are not
// CloudEvents. They are sent with net/http: sdk-go validates what it sends.
func TestCloudEventRefused(t *testing.T) {
	app := fn.New(fn.WithLogger(slog.New(slog.DiscardHandler)))
	app.Handle("*", "*", &ceRecorder{})
	url, _ := ceServer(t, app)
	tests := []struct {
		name, contentType, specVersion, body string
		wantStatus                           int
		wantBody                             string // contained in the answer
	}{
		{"malformed structured", cloudevents.ApplicationCloudEventsJSON, "", `{"specversion":"1.0","id":`, 400,
			`"errorType":"MalformedPayload"`},
		{"malformed batch", cloudevents.ApplicationCloudEventsBatchJSON, "", `[{"specversion":"1.0"}`, 400,
			`"errorType":"MalformedPayload"`},
		{"malformed binary data", "application/json", "1.0", `{"topic":`, 400, `"errorType":"MalformedPayload"`},
		{"binary specversion 2.0", "text/plain", "2.0", "hi", 400, `unsupported CloudEvents specversion \"2.0\"`},
		{"not a CloudEvent", "application/json", "", `{"topic":"orders"}`, 400,
			"not a CloudEvent: no ce-specversion header and content type is not application/cloudevents+json or application/cloudevents-batch+json"},
		{"other event format", "application/cloudevents+avro", "", "x", 415, `unsupported CloudEvents format "application/cloudevents+avro"`},
		{"structured wins over ce-specversion", cloudevents.ApplicationCloudEventsJSON, "1.0",
			`{"specversion":"1.0","id":"e1","data":{"topic":"orders","systemProperties":{"UNIQ_KEY":"M9"},"body":"b"}}`, 200, `"M9"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, url+"/events", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tt.contentType)
			if tt.specVersion != "" {
				req.Header.Set("ce-specversion", tt.specVersion)
				req.Header.Set("ce-id", "e1")
			}
			status, _, body := do(t, req)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Errorf("answer %d %s\nwant %d containing %s", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// statusOf is the HTTP status sdk-go's result carries.
func statusOf(t *testing.T, res protocol.Result) int {
	t.Helper()
	var hr *cehttp.Result
	if !protocol.ResultAs(res, &hr) {
		t.Fatalf("result %v is not an HTTP result", res)
	}
	return hr.StatusCode
}

func do(t *testing.T, req *http.Request) (int, string, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body) // a short body fails the caller's checks
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}
